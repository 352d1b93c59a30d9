/**
 * Builds what the graph webview draws (the GraphModel of webviewMessages.ts) from the
 * server's graph, plus where each node leads when clicked, which stays on this side.
 * Sites in tests are left out: the graph shows how the application's modules talk.
 */
import type { ReportLocation } from '../../server/src/core/report';
import type { GraphResult } from '../../server/src/protocol';
import { cycleComponents, folderName, isCycleFlow, isTestOnly, liveSites, moduleOf, primaryLocation, problemsByKey } from './eventFacts';
import type { GraphModel } from './webviewMessages';

/** Where clicking a node goes: an event's class (or first site), or a module's folder. */
export type NodeTarget =
  | { kind: 'location'; folderUri: string; location: ReportLocation }
  | { kind: 'module'; folderUri: string; module: string };

export interface BuiltGraph {
  model: GraphModel;
  targets: Map<string, NodeTarget>;
  /** Node ids of each event key (one per folder that has it). */
  eventIds: Map<string, string[]>;
}

export function buildGraphModel(graph: GraphResult, indexing: boolean): BuiltGraph {
  const model: GraphModel = { modules: [], events: [], edges: [], indexing };
  const targets = new Map<string, NodeTarget>();
  const eventIds = new Map<string, string[]>();
  const multiRoot = graph.folders.length > 1;

  graph.folders.forEach(({ folderUri, report }, folderIndex) => {
    const moduleIds = new Map<string, string>();
    const moduleId = (module: string) => {
      let id = moduleIds.get(module);
      if (!id) {
        id = `m:${folderIndex}:${module}`;
        moduleIds.set(module, id);
        model.modules.push({ id, label: multiRoot ? `${folderName(folderUri)}/${module}` : module });
        targets.set(id, { kind: 'module', folderUri, module });
      }
      return id;
    };
    for (const module of report.modules) moduleId(module);

    const problems = problemsByKey(report);
    const cycles = cycleComponents(report.flows);
    for (const event of report.events) {
      if (isTestOnly(event)) continue;
      const id = `e:${folderIndex}:${event.key}`;
      const declaration = event.declarations[0];
      const publishers = liveSites(event.publishers);
      const handlers = liveSites(event.handlers);
      model.events.push({
        id,
        key: event.key,
        className: declaration?.name,
        moduleId: declaration ? moduleId(moduleOf(declaration)) : undefined,
        publishers: publishers.length,
        handlers: handlers.length,
        problems: (problems.get(event.key) ?? []).map(({ severity, message }) => ({ severity, message })),
        inCycle: cycles.has(event.key),
      });
      eventIds.set(event.key, [...(eventIds.get(event.key) ?? []), id]);
      const location = primaryLocation(event);
      if (location) targets.set(id, { kind: 'location', folderUri, location });

      for (const [module, sites] of groupBy(publishers, moduleOf)) {
        model.edges.push({ kind: 'publishes', from: moduleId(module), to: id, details: sites.map((s) => `${s.file}:${s.line}`), inCycle: false });
      }
      for (const [module, sites] of groupBy(handlers, moduleOf)) {
        model.edges.push({ kind: 'handles', from: id, to: moduleId(module), details: sites.map((s) => s.name), inCycle: false });
      }
    }

    const shown = new Set(model.events.map((e) => e.id));
    for (const [pair, flows] of groupBy(report.flows, (f) => `${f.from}\0${f.to}`)) {
      const [from, to] = pair.split('\0');
      const fromId = `e:${folderIndex}:${from}`;
      const toId = `e:${folderIndex}:${to}`;
      if (!shown.has(fromId) || !shown.has(toId)) continue;
      model.edges.push({ kind: 'flow', from: fromId, to: toId, details: [...new Set(flows.map((f) => f.via))], inCycle: isCycleFlow({ from, to }, cycles) });
    }
  });
  return { model, targets, eventIds };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}
