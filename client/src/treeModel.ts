/**
 * The Event Flows tree as plain data: built from the graph, a grouping and a filter; no
 * `vscode` here (tree.ts renders it). Node ids are paths of stable segments (folder,
 * module, key, file:line:column), so VS Code keeps what the user expanded across refreshes.
 */
import type { ReportEvent, ReportFlow, Report } from '../../server/src/core/report';
import type { GraphResult } from '../../server/src/protocol';
import { cycleComponents, entityOf, filterPattern, folderName, isCycleFlow, liveSites, moduleOf, problemsByKey, type EventProblem } from './eventFacts';

export type GroupBy = 'module' | 'event' | 'entity';

export type SectionKind = 'publishes' | 'handles' | 'neverPublished' | 'declaredBy' | 'publishedBy' | 'handledBy' | 'leadsTo';

type Declaration = ReportEvent['declarations'][number];
type Publisher = ReportEvent['publishers'][number];
type Handler = ReportEvent['handlers'][number];

interface NodeBase {
  id: string;
  parent: TreeNode | undefined;
  folderUri: string;
}

export interface FolderNode extends NodeBase {
  kind: 'folder';
  name: string;
  children: TreeNode[];
}

export interface ModuleNode extends NodeBase {
  kind: 'module';
  module: string;
  publishes: number;
  handles: number;
  children: TreeNode[];
}

export interface EntityNode extends NodeBase {
  kind: 'entity';
  entity: string;
  children: TreeNode[];
}

export interface SectionNode extends NodeBase {
  kind: 'section';
  section: SectionKind;
  children: TreeNode[];
}

export interface EventNode extends NodeBase {
  kind: 'event';
  event: ReportEvent;
  problems: EventProblem[];
  inCycle: boolean;
  /** Built on first expansion: an event shows up under several modules. */
  readonly children: TreeNode[];
}

export interface DeclarationNode extends NodeBase {
  kind: 'declaration';
  site: Declaration;
  children: [];
}

export interface PublisherNode extends NodeBase {
  kind: 'publisher';
  site: Publisher;
  children: [];
}

export interface HandlerNode extends NodeBase {
  kind: 'handler';
  site: Handler;
  children: [];
}

export interface FlowNode extends NodeBase {
  kind: 'flow';
  /** The flows from the parent event to one key, through one or more handlers. */
  to: string;
  via: string[];
  inCycle: boolean;
  children: [];
}

export type TreeNode = FolderNode | ModuleNode | EntityNode | SectionNode | EventNode | DeclarationNode | PublisherNode | HandlerNode | FlowNode;

export interface TreeModel {
  roots: TreeNode[];
  /** Number of events before filtering (0 means the workspace has none). */
  totalEvents: number;
  /** The event node that "Reveal in Event Flows" selects: the first occurrence in tree order. */
  eventNode(key: string): EventNode | undefined;
}

export function buildTreeModel(graph: GraphResult, groupBy: GroupBy, filter: string | undefined): TreeModel {
  const matches = eventMatcher(filter);
  const multiRoot = graph.folders.length > 1;
  const roots: TreeNode[] = [];
  let totalEvents = 0;
  for (const { folderUri, report } of graph.folders) {
    totalEvents += report.events.length;
    const context = new FolderContext(folderUri, report, matches);
    if (!multiRoot) {
      roots.push(...context.build(groupBy, undefined, ''));
      continue;
    }
    const folder: FolderNode = { kind: 'folder', id: `folder:${encode(folderUri)}`, parent: undefined, folderUri, name: folderName(folderUri), children: [] };
    folder.children = context.build(groupBy, folder, folder.id);
    if (folder.children.length > 0) roots.push(folder);
  }
  const firstByKey = new Map<string, EventNode>();
  const visit = (nodes: readonly TreeNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'event') {
        if (!firstByKey.has(node.event.key)) firstByKey.set(node.event.key, node);
      } else if (node.kind !== 'flow') {
        visit(node.children);
      }
    }
  };
  visit(roots);
  return { roots, totalEvents, eventNode: (key) => firstByKey.get(key) };
}

/** A filter matches an event's key or one of its class names; `*` is a wildcard, case does not matter. */
function eventMatcher(filter: string | undefined): (event: ReportEvent) => boolean {
  const pattern = filterPattern(filter);
  if (!pattern) return () => true;
  return (event) => pattern.test(event.key) || event.declarations.some((d) => pattern.test(d.name));
}

class FolderContext {
  private readonly problems: Map<string, EventProblem[]>;
  private readonly cycles: Map<string, number>;
  private readonly flowsFrom = new Map<string, ReportFlow[]>();
  private readonly events: ReportEvent[];

  constructor(
    private readonly folderUri: string,
    report: Report,
    matches: (event: ReportEvent) => boolean,
  ) {
    this.problems = problemsByKey(report);
    this.cycles = cycleComponents(report.flows);
    for (const flow of report.flows) this.flowsFrom.set(flow.from, [...(this.flowsFrom.get(flow.from) ?? []), flow]);
    this.events = report.events.filter(matches);
  }

  build(groupBy: GroupBy, parent: TreeNode | undefined, prefix: string): TreeNode[] {
    switch (groupBy) {
      case 'module':
        return this.byModule(parent, prefix);
      case 'entity':
        return this.byEntity(parent, prefix);
      case 'event':
        return this.events.map((e) => this.eventNode(e, parent, prefix));
    }
  }

  private byModule(parent: TreeNode | undefined, prefix: string): TreeNode[] {
    const publishes = new Map<string, ReportEvent[]>();
    const handles = new Map<string, ReportEvent[]>();
    const neverPublished = new Map<string, ReportEvent[]>();
    for (const event of this.events) {
      for (const m of new Set(liveSites(event.publishers).map(moduleOf))) add(publishes, m, event);
      for (const m of new Set(liveSites(event.handlers).map(moduleOf))) add(handles, m, event);
      if (event.publishers.length === 0) for (const m of new Set(event.declarations.map(moduleOf))) add(neverPublished, m, event);
    }
    const modules = [...new Set([...publishes.keys(), ...handles.keys(), ...neverPublished.keys()])].sort(compareModules);
    return modules.map((module) => {
      const node: ModuleNode = {
        kind: 'module',
        id: join(prefix, 'module', module),
        parent,
        folderUri: this.folderUri,
        module,
        publishes: publishes.get(module)?.length ?? 0,
        handles: handles.get(module)?.length ?? 0,
        children: [],
      };
      const sections: [SectionKind, ReportEvent[] | undefined][] = [
        ['publishes', publishes.get(module)],
        ['handles', handles.get(module)],
        ['neverPublished', neverPublished.get(module)],
      ];
      for (const [section, events] of sections) {
        if (!events?.length) continue;
        const sectionNode = this.section(section, node);
        sectionNode.children = events.map((e) => this.eventNode(e, sectionNode, sectionNode.id));
        node.children.push(sectionNode);
      }
      return node;
    });
  }

  private byEntity(parent: TreeNode | undefined, prefix: string): TreeNode[] {
    const byEntity = new Map<string, ReportEvent[]>();
    for (const event of this.events) add(byEntity, entityOf(event.key), event);
    return [...byEntity.keys()].sort().map((entity) => {
      const node: EntityNode = { kind: 'entity', id: join(prefix, 'entity', entity), parent, folderUri: this.folderUri, entity, children: [] };
      node.children = byEntity.get(entity)!.map((e) => this.eventNode(e, node, node.id));
      return node;
    });
  }

  private section(section: SectionKind, parent: TreeNode): SectionNode {
    return { kind: 'section', id: join(parent.id, section), parent, folderUri: this.folderUri, section, children: [] };
  }

  private eventNode(event: ReportEvent, parent: TreeNode | undefined, prefix: string): EventNode {
    let children: TreeNode[] | undefined;
    const buildChildren = () => this.eventChildren(node);
    const node: EventNode = {
      kind: 'event',
      id: join(prefix, 'event', event.key),
      parent,
      folderUri: this.folderUri,
      event,
      problems: this.problems.get(event.key) ?? [],
      inCycle: this.cycles.has(event.key),
      get children() {
        return (children ??= buildChildren());
      },
    };
    return node;
  }

  private eventChildren(eventNode: EventNode): TreeNode[] {
    const { event } = eventNode;
    const folderUri = this.folderUri;
    const siteId = (section: SectionNode, s: { file: string; line: number; column: number }) => join(section.id, `${s.file}:${s.line}:${s.column}`);

    const declaredBy = this.section('declaredBy', eventNode);
    declaredBy.children = event.declarations.map((site) => ({ kind: 'declaration', id: siteId(declaredBy, site), parent: declaredBy, folderUri, site, children: [] }));
    const publishedBy = this.section('publishedBy', eventNode);
    publishedBy.children = event.publishers.map((site) => ({ kind: 'publisher', id: siteId(publishedBy, site), parent: publishedBy, folderUri, site, children: [] }));
    const handledBy = this.section('handledBy', eventNode);
    handledBy.children = event.handlers.map((site) => ({ kind: 'handler', id: siteId(handledBy, site), parent: handledBy, folderUri, site, children: [] }));
    const sections = [declaredBy, publishedBy, handledBy];

    const flows = this.flowsFrom.get(event.key) ?? [];
    if (flows.length > 0) {
      const leadsTo = this.section('leadsTo', eventNode);
      const via = new Map<string, string[]>();
      for (const f of flows) via.set(f.to, [...new Set([...(via.get(f.to) ?? []), f.via])]);
      leadsTo.children = [...via].map(([to, handlers]) => ({
        kind: 'flow',
        id: join(leadsTo.id, to),
        parent: leadsTo,
        folderUri,
        to,
        via: handlers,
        inCycle: isCycleFlow({ from: event.key, to }, this.cycles),
        children: [],
      }));
      sections.push(leadsTo);
    }
    return sections;
  }
}

function compareModules(a: string, b: string): number {
  // Sites outside every module come last.
  if (a.startsWith('(') !== b.startsWith('(')) return a.startsWith('(') ? 1 : -1;
  return a.localeCompare(b);
}

function add<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function join(prefix: string, ...segments: string[]): string {
  const tail = segments.map(encode).join('/');
  return prefix ? `${prefix}/${tail}` : tail;
}

function encode(segment: string): string {
  return encodeURIComponent(segment);
}
