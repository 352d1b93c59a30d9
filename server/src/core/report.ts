/**
 * The index as plain data: the versioned JSON shape shared by the CLI (`--format json`) and
 * the language server's `eventFlow/graph` request, plus SARIF, Mermaid and DOT renderings.
 * Paths are relative to the root with `/`; lines and columns are 1-based.
 */
import type { Span } from './facts';
import type { Location } from './graph';
import type { CoreDiagnostic } from './rules';
import { positionAt, relativePath } from './text';
import type { WorkspaceIndex } from './workspace';

export interface ReportLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  module?: string;
}

export interface ReportEvent {
  key: string;
  declarations: (ReportLocation & { name: string; fields: { name: string; type: string; optional: boolean }[]; isTest: boolean })[];
  publishers: (ReportLocation & { text: string; isTest: boolean })[];
  handlers: (ReportLocation & { name: string; async: boolean; via: 'decorator' | 'registration'; isTest: boolean })[];
}

export interface ReportFlow {
  from: string;
  to: string;
  via: string;
  handler: ReportLocation;
  publisher: ReportLocation;
}

export interface ReportDiagnostic extends ReportLocation {
  severity: CoreDiagnostic['severity'];
  code: CoreDiagnostic['code'];
  message: string;
  related?: (ReportLocation & { message: string })[];
  data?: CoreDiagnostic['data'];
}

export interface Report {
  version: 1;
  root: string;
  stats: { filesScanned: number; filesParsed: number; durationMs: number; unresolved: number };
  modules: string[];
  events: ReportEvent[];
  flows: ReportFlow[];
  unresolved: (ReportLocation & { kind: 'publish' | 'handler'; text: string; reason: string })[];
  skipped: { file: string; reason: string }[];
  diagnostics: ReportDiagnostic[];
}

export function buildReport(index: WorkspaceIndex, extraDiagnostics: CoreDiagnostic[] = []): Report {
  const loc = locator(index);
  const events: ReportEvent[] = index.graph.keys().map((key) => {
    const e = index.graph.events.get(key)!;
    return {
      key,
      declarations: sortLocs(e.declarations.map((d) => ({ ...loc(d.file, d.nameSpan, d.module), name: d.name, fields: d.fields, isTest: d.isTest }))),
      publishers: sortLocs(e.publishers.map((p) => ({ ...loc(p.file, p.span, p.module), text: p.text, isTest: p.isTest }))),
      handlers: sortLocs(e.handlers.map((h) => ({ ...loc(h.file, h.span, h.module), name: h.name, async: h.async, via: h.via, isTest: h.isTest }))),
    };
  });
  const flows = index.graph
    .allFlows()
    .map((f) => ({ from: f.from, to: f.to, via: f.via, handler: locOf(loc, f.handler), publisher: locOf(loc, f.publisher) }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.via.localeCompare(b.via));
  const unresolved = sortLocs(index.graph.allUnresolved().map((u) => ({ ...loc(u.file, u.span, u.module), kind: u.kind, text: u.text, reason: u.reason })));
  const diagnostics = [...index.allDiagnostics(), ...extraDiagnostics].map((d) => diagnosticToReport(loc, d));
  return {
    version: 1,
    root: index.root,
    stats: { ...index.stats, unresolved: unresolved.length },
    modules: index.modules(),
    events,
    flows,
    unresolved,
    skipped: [...index.skipped].sort((a, b) => a.file.localeCompare(b.file)),
    diagnostics: sortLocs(diagnostics),
  };
}

type Locator = (file: string, span: Span, module?: string) => ReportLocation;

export function locator(index: WorkspaceIndex): Locator {
  return (file, span, module) => {
    const starts = index.lineStartsOf(file) ?? [0];
    const a = positionAt(starts, span.start);
    const b = positionAt(starts, span.end);
    const out: ReportLocation = { file: relativePath(index.root, file), line: a.line + 1, column: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1 };
    if (module) out.module = module;
    return out;
  };
}

function locOf(loc: Locator, l: Location): ReportLocation {
  return loc(l.file, l.span, l.module);
}

function diagnosticToReport(loc: Locator, d: CoreDiagnostic): ReportDiagnostic {
  const out: ReportDiagnostic = { ...loc(d.file, d.span), severity: d.severity, code: d.code, message: d.message };
  if (d.related?.length) out.related = d.related.map((r) => ({ ...loc(r.file, r.span), message: r.message }));
  if (d.data) out.data = d.data;
  return out;
}

function sortLocs<T extends ReportLocation>(list: T[]): T[] {
  return list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

// ── Renderings ─────────────────────────────────────────────────────────────────────────

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

export function toSarif(report: Report, toolVersion: string): object {
  const codes = [...new Set(report.diagnostics.map((d) => d.code))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'eventflow', version: toolVersion, informationUri: 'https://example.invalid/event-flow', rules: codes.map((id) => ({ id, name: id, shortDescription: { text: RULE_DESCRIPTIONS[id] ?? id } })) } },
        originalUriBaseIds: { ROOT: { uri: 'file://' + encodeURI(report.root.endsWith('/') ? report.root : report.root + '/') } },
        results: report.diagnostics.map((d) => ({
          ruleId: d.code,
          level: SARIF_LEVEL[d.severity],
          message: { text: d.message },
          locations: [sarifLocation(d)],
          ...(d.related ? { relatedLocations: d.related.map((r, i) => ({ id: i, ...sarifLocation(r), message: { text: r.message } })) } : {}),
        })),
      },
    ],
  };
}

function sarifLocation(l: ReportLocation) {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(l.file), uriBaseId: 'ROOT' },
      region: { startLine: l.line, startColumn: l.column, endLine: l.endLine, endColumn: l.endColumn },
    },
  };
}

export const RULE_DESCRIPTIONS: Record<string, string> = {
  'unhandled-event': 'An event is published but no handler handles it.',
  'unknown-event': 'A handler is registered for a key that no event declares and nobody publishes.',
  'unpublished-event': 'An event class is declared but never published.',
  'event-naming': 'An event type breaks the {entity}.{action} past-tense convention.',
  'duplicate-event-type': 'Two event classes declare the same event type.',
  'handler-type-mismatch': "A handler's parameter type is another event's class.",
  'event-cycle': 'Handlers publish events that lead back to the event they handle.',
  'unresolved-event': 'Event Flow cannot tell statically which event a publish or registration is for.',
  'async-handler': 'An async handler whose rejection nobody sees.',
  'config-error': 'The Event Flow configuration is invalid.',
};

/** A Mermaid flowchart: modules as subgraphs, events as nodes, module → event → module edges. */
export function toMermaid(report: Report): string {
  const id = nodeIds();
  const lines = ['flowchart LR'];
  const byModule = new Map<string, Set<string>>();
  const publishes = new Set<string>();
  const handles = new Set<string>();
  for (const e of report.events) {
    for (const p of e.publishers) if (!p.isTest) publishes.add(`${p.module ?? '(no module)'}\0${e.key}`);
    for (const h of e.handlers) if (!h.isTest) handles.add(`${e.key}\0${h.module ?? '(no module)'}`);
    for (const d of e.declarations) addTo(byModule, d.module ?? '(no module)', e.key);
  }
  const modules = new Set<string>([...report.modules]);
  for (const x of publishes) modules.add(x.split('\0')[0]);
  for (const x of handles) modules.add(x.split('\0')[1]);
  for (const m of [...modules].sort()) lines.push(`  ${id('m:' + m)}[["${escapeMermaid(m)}"]]`);
  for (const e of report.events) lines.push(`  ${id('e:' + e.key)}(["${escapeMermaid(e.key)}"])`);
  for (const x of [...publishes].sort()) {
    const [m, k] = x.split('\0');
    lines.push(`  ${id('m:' + m)} -- publishes --> ${id('e:' + k)}`);
  }
  for (const x of [...handles].sort()) {
    const [k, m] = x.split('\0');
    lines.push(`  ${id('e:' + k)} -- handled by --> ${id('m:' + m)}`);
  }
  for (const f of report.flows) lines.push(`  ${id('e:' + f.from)} -. leads to .-> ${id('e:' + f.to)}`);
  lines.push('  classDef module fill:#eef,stroke:#557;');
  return lines.join('\n') + '\n';
}

export function toDot(report: Report): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['digraph eventflow {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  const modules = new Set<string>(report.modules);
  for (const e of report.events) {
    lines.push(`  ${q('event:' + e.key)} [label=${q(e.key)}, shape=ellipse];`);
    for (const p of e.publishers) if (!p.isTest) modules.add(p.module ?? '(no module)');
    for (const h of e.handlers) if (!h.isTest) modules.add(h.module ?? '(no module)');
  }
  for (const m of [...modules].sort()) lines.push(`  ${q('module:' + m)} [label=${q(m)}, shape=box];`);
  const edges = new Set<string>();
  for (const e of report.events) {
    for (const p of e.publishers) if (!p.isTest) edges.add(`  ${q('module:' + (p.module ?? '(no module)'))} -> ${q('event:' + e.key)} [label="publishes"];`);
    for (const h of e.handlers) if (!h.isTest) edges.add(`  ${q('event:' + e.key)} -> ${q('module:' + (h.module ?? '(no module)'))} [label="handled by"];`);
  }
  for (const f of report.flows) edges.add(`  ${q('event:' + f.from)} -> ${q('event:' + f.to)} [style=dashed, label=${q('via ' + f.via)}];`);
  lines.push(...[...edges].sort(), '}');
  return lines.join('\n') + '\n';
}

function nodeIds(): (name: string) => string {
  const ids = new Map<string, string>();
  return (name) => {
    let v = ids.get(name);
    if (!v) ids.set(name, (v = `n${ids.size}`));
    return v;
  };
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function escapeMermaid(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** A Markdown catalog of every event, per module: key, fields, publishers, handlers. */
export function toCatalog(report: Report): string {
  const lines = ['# Event catalog', '', `${report.events.length} events in ${report.modules.length} modules. Generated by Event Flow.`, ''];
  const byModule = new Map<string, ReportEvent[]>();
  for (const e of report.events) {
    const m = e.declarations[0]?.module ?? e.publishers[0]?.module ?? '(no module)';
    const list = byModule.get(m);
    if (list) list.push(e);
    else byModule.set(m, [e]);
  }
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const m of [...byModule.keys()].sort()) {
    lines.push(`## Module \`${m}\``, '');
    for (const e of byModule.get(m)!) {
      const d = e.declarations[0];
      lines.push(`### \`${e.key}\``, '');
      if (d) lines.push(`Declared by \`${d.name}\` in [${d.file}:${d.line}](${encodeURI(d.file)}#L${d.line}).`, '');
      else lines.push('_No event class declares this key._', '');
      if (d?.fields.length) {
        lines.push('| Field | Type |', '| --- | --- |', ...d.fields.map((f) => `| \`${cell(f.name)}${f.optional ? '?' : ''}\` | \`${cell(f.type)}\` |`), '');
      }
      lines.push(`**Published by:** ${e.publishers.length ? e.publishers.map((p) => `${p.module ?? '—'} ([${p.file}:${p.line}](${encodeURI(p.file)}#L${p.line}))`).join(', ') : '_nobody_'}`, '');
      lines.push(`**Handled by:** ${e.handlers.length ? e.handlers.map((h) => `\`${h.name}\` in ${h.module ?? '—'} ([${h.file}:${h.line}](${encodeURI(h.file)}#L${h.line}))`).join(', ') : '_nobody_'}`, '');
      const leads = report.flows.filter((f) => f.from === e.key).map((f) => `\`${f.to}\``);
      if (leads.length) lines.push(`**Leads to:** ${[...new Set(leads)].join(', ')}`, '');
    }
  }
  return lines.join('\n');
}
