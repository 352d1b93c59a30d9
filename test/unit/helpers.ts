/**
 * Test helpers for the analysis core, in the rust-analyzer style: a fixture is one string
 * holding several files, each introduced by a `//- /path/to/file.ts` header. `fixture()`
 * writes the files to a fresh temporary folder, indexes it exactly as the CLI and the server
 * do (`createIndex` + `indexAll`), and `summarize()` turns the index into compact, stable
 * lines that a test compares with `deepEqual`, so that a missed or an extra fact fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createIndex, type Setup } from '../../server/src/core/setup';
import type { CoreDiagnostic } from '../../server/src/core/rules';
import { positionAt, relativePath } from '../../server/src/core/text';
import type { WorkspaceIndex } from '../../server/src/core/workspace';

export interface FixtureFile {
  /** Relative to the fixture's root, `/`-separated, without a leading slash. */
  path: string;
  text: string;
}

/**
 * Splits a fixture into files. The common indentation of the whole fixture is removed first,
 * so fixtures can be written indented inside a test; a file's text is everything between its
 * header and the next one (line 1 is the line right after the header).
 */
export function parseFixture(fixtureText: string): FixtureFile[] {
  const lines = dedent(fixtureText).split('\n');
  const files: FixtureFile[] = [];
  let current: { path: string; lines: string[] } | undefined;
  for (const line of lines) {
    const header = /^\/\/- (\/\S+)\s*$/.exec(line);
    if (header) {
      if (current) files.push({ path: current.path, text: joinFileLines(current.lines) });
      current = { path: header[1].replace(/^\/+/, ''), lines: [] };
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim() !== '') {
      throw new Error(`fixture text before the first '//- /path' header: ${JSON.stringify(line)}`);
    }
  }
  if (current) files.push({ path: current.path, text: joinFileLines(current.lines) });
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`fixture declares ${f.path} twice`);
    seen.add(f.path);
  }
  return files;
}

function joinFileLines(lines: string[]): string {
  // Trailing blank lines belong to the fixture's layout, not to the file.
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.join('\n') + '\n';
}

function dedent(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let min = Infinity;
  for (const l of lines) if (l.trim() !== '') min = Math.min(min, /^ */.exec(l)![0].length);
  if (!Number.isFinite(min)) return text;
  return lines.map((l) => l.slice(Math.min(min, /^ */.exec(l)![0].length))).join('\n');
}

const createdDirs: string[] = [];

/** A fresh, empty temporary folder (real path, `/`-separated); removed by `removeFixtures()`. */
export function tempDir(prefix = 'eventflow-core-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix))).replace(/\\/g, '/');
  createdDirs.push(dir);
  return dir;
}

export function writeFiles(root: string, files: readonly FixtureFile[]): void {
  for (const f of files) {
    const abs = path.join(root, f.path);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, f.text);
  }
}

export function removeFixtures(): void {
  for (const dir of createdDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface Fixture {
  root: string;
  setup: Setup;
  index: WorkspaceIndex;
  files: FixtureFile[];
  /** The absolute path of a fixture file. */
  abs(rel: string): string;
  /** The current text of a fixture file as the test last wrote or updated it. */
  text(rel: string): string;
  summary(options?: SummaryOptions): Summary;
}

/** Writes a fixture to a fresh temporary folder and indexes it like the CLI does. */
export async function fixture(fixtureText: string): Promise<Fixture> {
  return indexFiles(parseFixture(fixtureText));
}

export async function indexFiles(files: FixtureFile[]): Promise<Fixture> {
  const root = tempDir();
  writeFiles(root, files);
  const setup = await createIndex({ root });
  if (setup.fatal) throw new Error(`createIndex failed: ${setup.fatal}`);
  await setup.index.indexAll();
  const texts = new Map(files.map((f) => [f.path, f.text]));
  return {
    root,
    setup,
    index: setup.index,
    files,
    abs: (rel) => `${root}/${rel.replace(/^\/+/, '')}`,
    text: (rel) => {
      const t = texts.get(rel.replace(/^\/+/, ''));
      if (t === undefined) throw new Error(`no fixture file ${rel}`);
      return t;
    },
    summary: (options) => summarize(setup, options),
  };
}

/**
 * Indexes a committed on-disk fixture (test/fixtures/...) in place, like the CLI does; with
 * `copy`, a fresh temporary copy of it instead (for tests that edit files).
 */
export async function indexFolder(dir: string, options: { profiles?: string[]; copy?: boolean } = {}): Promise<Fixture> {
  let root = fs.realpathSync(dir).replace(/\\/g, '/');
  if (options.copy) {
    const to = tempDir('eventflow-fixture-');
    fs.cpSync(root, to, { recursive: true });
    root = to;
  }
  const setup = await createIndex({ root, profiles: options.profiles });
  if (setup.fatal) throw new Error(`createIndex failed: ${setup.fatal}`);
  await setup.index.indexAll();
  return {
    root,
    setup,
    index: setup.index,
    files: [],
    abs: (rel) => `${root}/${rel.replace(/^\/+/, '')}`,
    text: (rel) => fs.readFileSync(`${root}/${rel.replace(/^\/+/, '')}`, 'utf8'),
    summary: (o) => summarize(setup, o),
  };
}

// ── The summary ───────────────────────────────────────────────────────────────────────

export interface EventSummary {
  /** `Class@file:line` (the line of the class name). */
  declarations?: string[];
  /** `file:line` (where the publishing call starts). */
  publishers?: string[];
  /** `Name@file:line` (where the decorator or registration starts), then ` async` and ` (ParamType)` when so. */
  handlers?: string[];
}

/** Empty parts are left out, so an expectation names only what exists; any extra fact still fails. */
export interface Summary {
  events?: Record<string, EventSummary>;
  /** `from>to via Name`. */
  flows?: string[];
  /** `kind file:line reason`. */
  unresolved?: string[];
  /** `file:line severity code`, with `: message` when `messages` is set. Config diagnostics included. */
  diagnostics?: string[];
  /** Skipped files: `file: reason`. */
  skipped?: string[];
}

export interface SummaryOptions {
  /** Append each diagnostic's message. */
  messages?: boolean;
}

export function summarize(setup: Setup, options: SummaryOptions = {}): Summary {
  const index = setup.index;
  const where = (file: string, offset: number) => `${relativePath(index.root, file)}:${lineOf(index, file, offset)}`;
  const out: Summary = {};
  const events: Record<string, EventSummary> = {};
  for (const key of index.graph.keys()) {
    const e = index.graph.events.get(key)!;
    const s: EventSummary = {};
    const declarations = e.declarations.map((d) => `${d.name}@${where(d.file, d.nameSpan.start)}`).sort(byLocation);
    const publishers = e.publishers.map((p) => where(p.file, p.span.start)).sort(byLocation);
    const handlers = e.handlers
      .map((h) => `${h.name}@${where(h.file, h.span.start)}${h.async ? ' async' : ''}${h.paramType ? ` (${h.paramType})` : ''}`)
      .sort(byLocation);
    if (declarations.length) s.declarations = declarations;
    if (publishers.length) s.publishers = publishers;
    if (handlers.length) s.handlers = handlers;
    events[key] = s;
  }
  if (Object.keys(events).length) out.events = events;
  const flows = index.graph.allFlows().map((f) => `${f.from}>${f.to} via ${f.via}`);
  if (flows.length) out.flows = [...new Set(flows)].sort();
  const unresolved = index.graph
    .allUnresolved()
    .map((u) => ({ at: where(u.file, u.span.start), line: `${u.kind} ${where(u.file, u.span.start)} ${u.reason}` }))
    .sort((a, b) => byLocation(a.at, b.at))
    .map((u) => u.line);
  if (unresolved.length) out.unresolved = unresolved;
  const diagnostics = allDiagnostics(setup).map((d) => diagnosticLine(index, d, options.messages ?? false));
  if (diagnostics.length) out.diagnostics = diagnostics;
  const skipped = index.skipped.map((s) => `${s.file}: ${s.reason}`).sort();
  if (skipped.length) out.skipped = skipped;
  return out;
}

/** The index's diagnostics and the configuration's, in a stable order. */
export function allDiagnostics(setup: Setup): CoreDiagnostic[] {
  const index = setup.index;
  const list = [...index.allDiagnostics(), ...setup.configDiagnostics()];
  return list.sort(
    (a, b) =>
      relativePath(index.root, a.file).localeCompare(relativePath(index.root, b.file)) ||
      a.span.start - b.span.start ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

export function diagnosticLine(index: WorkspaceIndex, d: CoreDiagnostic, withMessage: boolean): string {
  const at = `${relativePath(index.root, d.file)}:${lineOf(index, d.file, d.span.start)}`;
  return `${at} ${d.severity} ${d.code}${withMessage ? `: ${d.message}` : ''}`;
}

/** A 1-based `line:column` of an offset of a file, for assertions about exact positions. */
export function lineColumn(index: WorkspaceIndex, file: string, offset: number): string {
  const p = positionAt(index.lineStartsOf(file) ?? [0], offset);
  return `${p.line + 1}:${p.character + 1}`;
}

function lineOf(index: WorkspaceIndex, file: string, offset: number): number {
  return positionAt(index.lineStartsOf(file) ?? [0], offset).line + 1;
}

/** Orders `…file:line…` strings by file, then numerically by line. */
function byLocation(a: string, b: string): number {
  const pa = /([^@\s]+):(\d+)/.exec(a);
  const pb = /([^@\s]+):(\d+)/.exec(b);
  if (!pa || !pb) return a.localeCompare(b);
  return pa[1].localeCompare(pb[1]) || Number(pa[2]) - Number(pb[2]) || a.localeCompare(b);
}

/** Diagnostics grouped by file (relative path → lines with messages), to tell which files' diagnostics changed. */
export function diagnosticsByFile(setup: Setup): Map<string, string> {
  const byFile = new Map<string, string[]>();
  for (const d of setup.index.allDiagnostics()) {
    const rel = relativePath(setup.index.root, d.file);
    const list = byFile.get(rel) ?? [];
    list.push(`${d.span.start}-${d.span.end} ${d.severity} ${d.code} ${d.message} ${JSON.stringify(d.related ?? [])} ${JSON.stringify(d.data ?? {})}`);
    byFile.set(rel, list);
  }
  return new Map([...byFile].map(([f, l]) => [f, l.sort().join('\n')]));
}

/** Files whose diagnostics differ between two snapshots of `diagnosticsByFile`. */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const files = new Set([...before.keys(), ...after.keys()]);
  return [...files].filter((f) => before.get(f) !== after.get(f)).sort();
}

/** The repository root (where package.json names event-flow), from the bundled test's folder or the cwd. */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = start;
    for (let i = 0; i < 8; i++) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg)) {
        try {
          if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'event-flow') return dir;
        } catch {
          // not ours
        }
      }
      dir = path.dirname(dir);
    }
  }
  throw new Error('cannot find the repository root (package.json of event-flow)');
}
