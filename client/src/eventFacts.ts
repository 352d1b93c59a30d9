/**
 * What the views derive from a folder's report: the problems of each event, which events
 * form flow cycles, an event's entity, a module's folder. Plain data in, plain data out
 * (no `vscode`), so the tree, the graph and the pickers agree and the logic is testable.
 */
import type { Report, ReportDiagnostic, ReportEvent, ReportFlow, ReportLocation } from '../../server/src/core/report';

type Severity = ReportDiagnostic['severity'];

export interface EventProblem {
  code: string;
  severity: Severity;
  message: string;
}

/** Problems per event key, from the diagnostics that name a key; one per code and message. */
export function problemsByKey(report: Report): Map<string, EventProblem[]> {
  const byKey = new Map<string, EventProblem[]>();
  for (const d of report.diagnostics) {
    const key = d.data?.key;
    if (!key) continue;
    const list = byKey.get(key) ?? [];
    if (!list.some((p) => p.code === d.code && p.message === d.message)) list.push({ code: d.code, severity: d.severity, message: d.message });
    byKey.set(key, list);
  }
  return byKey;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function worstSeverity(problems: readonly EventProblem[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const p of problems) if (!worst || SEVERITY_RANK[p.severity] < SEVERITY_RANK[worst]) worst = p.severity;
  return worst;
}

/**
 * The flow cycles: for every key on a cycle (a strongly connected component of the
 * event → event flow graph with more than one key, or a key that leads to itself), an id
 * of its cycle. A flow is part of a cycle when both ends have the same id.
 */
export function cycleComponents(flows: readonly ReportFlow[]): Map<string, number> {
  const next = new Map<string, string[]>();
  for (const f of flows) next.set(f.from, [...(next.get(f.from) ?? []), f.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;

  // Tarjan's algorithm, iterative so that a long chain of flows cannot overflow the stack.
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: { key: string; edge: number }[] = [{ key: start, edge: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = next.get(frame.key) ?? [];
      if (frame.edge < targets.length) {
        const to = targets[frame.edge++];
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ key: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.key, Math.min(low.get(frame.key)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].key;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.key)!));
      }
      if (low.get(frame.key) !== index.get(frame.key)) continue;
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== frame.key);
      const selfLoop = (next.get(frame.key) ?? []).includes(frame.key);
      if (members.length > 1 || selfLoop) {
        for (const m of members) component.set(m, components);
        components++;
      }
    }
  }
  return component;
}

export function isCycleFlow(flow: Pick<ReportFlow, 'from' | 'to'>, cycles: ReadonlyMap<string, number>): boolean {
  const c = cycles.get(flow.from);
  return c !== undefined && c === cycles.get(flow.to);
}

/** The entity of `user.created` is `user`; of `password.reset.requested`, `password.reset`. */
export function entityOf(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot > 0 ? key.slice(0, dot) : key;
}

const NO_MODULE = '(outside modules)';

export function moduleOf(location: Pick<ReportLocation, 'module'>): string {
  return location.module ?? NO_MODULE;
}

/** Sites in test files are shown, but they do not make a module a publisher or handler. */
export function liveSites<T extends { isTest: boolean }>(sites: readonly T[]): T[] {
  return sites.filter((s) => !s.isTest);
}

/**
 * An event that only tests know about (a probe, a fixture) is the tests' business: every
 * publisher and handler is in a test and no class of it lives in a module. (Report
 * declarations carry no test flag, so "outside every module" stands in for it.)
 */
export function isTestOnly(event: ReportEvent): boolean {
  const sites = [...event.publishers, ...event.handlers];
  return sites.length > 0 && sites.every((s) => s.isTest) && event.declarations.every((d) => d.module === undefined);
}

/** `2 publishers · 1 handler`, counting the sites outside tests. */
export function siteCounts(event: ReportEvent): string {
  return `${plural(liveSites(event.publishers).length, 'publisher')} · ${plural(liveSites(event.handlers).length, 'handler')}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The folder of a module, relative to the report's root: the path of one of its files up
 * to the segment named after the module (`src/modules/users/services/x.ts` → `src/modules/users`).
 */
export function moduleFolder(report: Report, module: string): string | undefined {
  for (const location of locationsOf(report)) {
    if (location.module !== module) continue;
    const segments = location.file.split('/');
    const at = segments.indexOf(module);
    if (at >= 0 && at < segments.length - 1) return segments.slice(0, at + 1).join('/');
  }
  return undefined;
}

function* locationsOf(report: Report): Iterable<ReportLocation> {
  for (const e of report.events) yield* [...e.declarations, ...e.publishers, ...e.handlers];
}

/** Where to go for an event: its class, else its first publisher, else its first handler. */
export function primaryLocation(event: ReportEvent): ReportLocation | undefined {
  return event.declarations[0] ?? liveSites(event.publishers)[0] ?? liveSites(event.handlers)[0] ?? event.publishers[0] ?? event.handlers[0];
}

/** The last segment of a folder URI, for labels (`file:///work/shop` → `shop`). */
export function folderName(folderUri: string): string {
  const path = folderUri.replace(/\/+$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || folderUri;
}

/** A filter as the user types it: case does not matter, `*` matches anything. */
export function filterPattern(filter: string | undefined): RegExp | undefined {
  const text = filter?.trim();
  return text ? new RegExp(text.split('*').map(escapeRegExp).join('.*'), 'i') : undefined;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
