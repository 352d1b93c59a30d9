/**
 * Runs a fuzz sequence through the real language server and compares the result with a
 * fresh index of the same final texts (differential testing: the cold index is the oracle
 * for the incremental one). Shared by the short run in `npm test`, the replay of stored
 * cases, and `npm run fuzz` (scripts/fuzz.mjs), which also shrinks what it finds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { buildReport, type Report } from '../../server/src/core/report';
import { createIndex } from '../../server/src/core/setup';
import { Converter } from '../../server/src/lsp/convert';
import { copyToTemp, LspClient, REPO, uri } from '../protocol/client';
import { generateEdits } from './generate';
import { Model, plan, type Action, type FuzzCase, type FuzzEdit } from './model';

export { generateEdits } from './generate';
export { Model, mulberry32, plan, type FuzzCase, type FuzzEdit } from './model';

export const CASES_DIR = path.join(REPO, 'test/fuzz/cases');

/** The sample workspace and every folder under test/fixtures. */
export function listFixtures(): string[] {
  const dir = path.join(REPO, 'test/fixtures');
  const extra = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
  return ['sample-workspace', ...extra];
}

/** The fixture's real folder (the long run reaches fixtures through links: copying a link would edit the fixture). */
export function fixtureDir(name: string): string {
  const dir = name === 'sample-workspace' ? path.join(REPO, 'sample-workspace') : path.join(REPO, 'test/fixtures', name);
  return fs.existsSync(dir) ? fs.realpathSync(dir) : dir;
}

/** The edits a (fixture, seed) stands for. */
export function editsFor(fixture: string, seed: number): FuzzEdit[] {
  return generateEdits(Model.load(fixtureDir(fixture)), seed);
}

export interface RunResult {
  fixture: string;
  seed: number;
  edits: FuzzEdit[];
  /** Edits that applied (a shrunk sequence may hold edits that no longer fit). */
  applied: number;
  checks: number;
  failure?: string;
}

export interface RunOptions {
  /** Wait this long for the server to reach the fresh index's answer before calling it a failure. */
  settleMs?: number;
}

/** Runs one sequence against a new server on a new copy of the fixture. Never throws. */
export async function runSequence(fixture: string, seed: number, given?: FuzzEdit[], options: RunOptions = {}): Promise<RunResult> {
  const src = fixtureDir(fixture);
  const edits = given ?? editsFor(fixture, seed);
  const result: RunResult = { fixture, seed, edits, applied: 0, checks: 0 };
  const root = copyToTemp(src, 'fuzz');
  let lsp: LspClient | undefined;
  try {
    const model = Model.load(root);
    lsp = await withTimeout(LspClient.start(root), 60_000, 'initialize');
    await lsp.ready();
    const driver = new Driver(lsp, root, model, options.settleMs ?? 2000);
    for (let i = 0; i < edits.length; i++) {
      const actions = plan(model, edits[i]);
      if (actions.length) result.applied++;
      for (const action of actions) {
        const failure = await driver.run(action);
        if (action.t === 'check') result.checks++;
        if (failure) {
          result.failure = `at edit #${i} (${describe(edits[i])}): ${failure}`;
          return result;
        }
      }
    }
    result.checks++;
    const failure = await driver.check();
    if (failure) result.failure = `at the end: ${failure}`;
  } catch (e) {
    result.failure = `error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  } finally {
    await lsp?.stop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  }
  return result;
}

function describe(e: FuzzEdit): string {
  const { kind } = e;
  if (kind === 'pause') return `pause ${e.ms} ms`;
  if (kind === 'check') return 'check';
  if (kind === 'move') return `move ${e.from} → ${e.to}`;
  return `${kind} ${e.file}${'why' in e && e.why ? `: ${e.why}` : ''}`;
}

// ── Driving the server ───────────────────────────────────────────────────────────────────

class Driver {
  private readonly versions = new Map<string, number>();
  private lastWatchedAt = 0;

  constructor(
    private readonly lsp: LspClient,
    private readonly root: string,
    private readonly model: Model,
    private readonly settleMs: number,
  ) {}

  private abs(file: string): string {
    return path.join(this.root, file);
  }

  private notify(method: string, params: unknown): void {
    void this.lsp.conn.sendNotification(method, params);
  }

  /** Sends one action; answers a failure message for a check that fails. */
  async run(a: Action): Promise<string | undefined> {
    switch (a.t) {
      case 'didOpen':
        this.versions.set(a.file, 1);
        this.notify('textDocument/didOpen', { textDocument: { uri: uri(this.abs(a.file)), languageId: a.file.endsWith('.py') ? 'python' : 'typescript', version: 1, text: a.text } });
        return;
      case 'didChange': {
        const version = (this.versions.get(a.file) ?? 1) + 1;
        this.versions.set(a.file, version);
        this.notify('textDocument/didChange', { textDocument: { uri: uri(this.abs(a.file)), version }, contentChanges: [a.range ? { range: a.range, text: a.text } : { text: a.text }] });
        return;
      }
      case 'didClose':
        this.versions.delete(a.file);
        this.notify('textDocument/didClose', { textDocument: { uri: uri(this.abs(a.file)) } });
        return;
      case 'disk':
        if (a.text === null) fs.rmSync(this.abs(a.file), { force: true });
        else {
          fs.mkdirSync(path.dirname(this.abs(a.file)), { recursive: true });
          fs.writeFileSync(this.abs(a.file), a.text);
        }
        return;
      case 'watched':
        this.lastWatchedAt = Date.now();
        this.notify('workspace/didChangeWatchedFiles', { changes: a.changes.map((c) => ({ uri: uri(this.abs(c.file)), type: c.type })) });
        return;
      case 'touch':
        fs.writeFileSync(this.abs(a.file), fs.readFileSync(this.abs(a.file)));
        this.lastWatchedAt = Date.now();
        this.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(this.abs(a.file)), type: 2 }] });
        return;
      case 'pause':
        await sleep(a.ms);
        return;
      case 'check':
        return this.check();
    }
  }

  /** Waits out the watcher's debounce and any re-index. */
  private async settle(): Promise<void> {
    const wait = this.lastWatchedAt + 160 - Date.now();
    if (wait > 0) await sleep(wait);
    for (let i = 0; i < 200; i++) {
      const status = await withTimeout(this.lsp.request<{ indexing: boolean }>('eventFlow/status', {}), 10000, 'eventFlow/status');
      if (!status.indexing) return;
      await sleep(50);
    }
  }

  /** Compares the server with a fresh index of the model's texts; a failure message when they differ. */
  async check(): Promise<string | undefined> {
    const fresh = await freshSnapshot(this.root, this.model);
    const deadline = Date.now() + this.settleMs;
    for (;;) {
      if (this.lsp.proc.exitCode !== null) return `the server exited with code ${this.lsp.proc.exitCode}`;
      await this.settle();
      const server = await serverSnapshot(this.lsp, this.root);
      const problems = [...diffValues(server.report, fresh.report, 'report'), ...diffValues(server.published, fresh.published, 'published')];
      for (const [file, version] of this.versions) {
        const p = this.lsp.diagnostics.get(uri(this.abs(file)));
        if (!p) problems.push(`published: nothing for the open document ${file}`);
        else if (p.version !== version) problems.push(`published: ${file} has diagnostics for version ${p.version}, the document is at ${version}`);
      }
      const errors = this.lsp.logs.filter((l) => /failed|uncaught|unhandled rejection/i.test(l));
      if (errors.length) problems.push(`server log: ${errors[0].slice(0, 2000)}`);
      if (!problems.length) return undefined;
      if (Date.now() > deadline || errors.length) return problems.slice(0, 12).join('\n');
      await sleep(200);
    }
  }
}

// ── The oracle: a fresh index of the same texts ──────────────────────────────────────────

/** The server's graph and diagnostics report, and the diagnostics it published, normalised. */
export async function serverSnapshot(lsp: LspClient, root: string): Promise<Snapshot> {
  const res = await withTimeout(lsp.request<{ folders: { folderUri: string; report: Report }[] }>('eventFlow/graph', {}), 30000, 'eventFlow/graph');
  if (res.folders.length !== 1) throw new Error(`eventFlow/graph answered ${res.folders.length} folders`);
  const published: Record<string, unknown[]> = {};
  for (const [u, p] of lsp.diagnostics) {
    if (!p.diagnostics.length) continue;
    published[relOf(root, u)] = normaliseDiagnostics(root, p.diagnostics);
  }
  return { report: normaliseReport(res.folders[0].report), published: sortKeys(published) };
}


export interface Snapshot {
  report: unknown;
  published: Record<string, unknown[]>;
}

const TMP = fs.realpathSync(os.tmpdir());

/** Indexes a copy of the workspace with the open documents' texts written over it, as `eventflow check` would. */
export async function freshSnapshot(root: string, model: Model = new Model()): Promise<Snapshot> {
  const dir = fs.mkdtempSync(path.join(TMP, 'eventflow-fresh-'));
  try {
    fs.cpSync(root, dir, { recursive: true });
    for (const [file, text] of model.open) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const setup = await createIndex({ root: dir, wasmDirs: [path.join(REPO, 'dist')] });
    await setup.index.indexAll();
    const config = setup.configDiagnostics();
    const report = buildReport(setup.index, config);
    const conv = new Converter(setup.index);
    const published: Record<string, unknown[]> = {};
    const files = new Set([...setup.index.filesWithDiagnostics(), ...config.map((d) => d.file)]);
    for (const file of files) {
      const list = [...config.filter((d) => d.file === file), ...setup.index.diagnosticsOf(file)].map((d) => conv.diagnostic(d));
      if (list.length) published[path.relative(dir, file).split(path.sep).join('/')] = normaliseDiagnostics(dir, list);
    }
    return { report: normaliseReport(report), published: sortKeys(published) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What legitimately differs between the server and a fresh index: the root, the timing,
 * how many files happened to be parsed (resolution parses files on demand, and an edited
 * file stays parsed) and the order in which skipped files were met. Nothing else.
 */
function normaliseReport(r: Report): unknown {
  return {
    ...r,
    root: '<root>',
    stats: { filesScanned: r.stats.filesScanned, unresolved: r.stats.unresolved },
    skipped: [...r.skipped].sort((a, b) => a.file.localeCompare(b.file) || a.reason.localeCompare(b.reason)),
  };
}

interface LspDiagnostic {
  range: unknown;
  severity?: number;
  code?: string | number;
  message: unknown;
  source?: string;
  data?: unknown;
  relatedInformation?: unknown[];
}

/** Published diagnostics as a set (their order within a file carries no meaning), URIs made relative. */
function normaliseDiagnostics(root: string, list: readonly LspDiagnostic[]): unknown[] {
  return list
    .map((d) => {
      const out: Record<string, unknown> = { range: d.range, severity: d.severity, code: d.code, message: d.message, source: d.source };
      if (d.data !== undefined) out.data = d.data;
      if (d.relatedInformation?.length) {
        out.related = (d.relatedInformation as { location: { uri: string; range: unknown }; message: string }[]).map((r) => ({ file: relOf(root, r.location.uri), range: r.location.range, message: r.message }));
      }
      return out;
    })
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function relOf(root: string, u: string): string {
  return path.relative(root, URI.parse(u).fsPath).split(path.sep).join('/');
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Where two JSON values differ, briefly ("server" is the first, "fresh" the second). */
export function diffValues(a: unknown, b: unknown, at: string, out: string[] = []): string[] {
  if (out.length >= 12 || JSON.stringify(a) === JSON.stringify(b)) return out;
  const clip = (v: unknown) => {
    const s = JSON.stringify(v) ?? 'undefined';
    return s.length > 400 ? s.slice(0, 400) + '…' : s;
  };
  if (Array.isArray(a) && Array.isArray(b)) {
    const sa = a.map((x) => JSON.stringify(x));
    const sb = b.map((x) => JSON.stringify(x));
    const onlyA = sa.filter((x) => !sb.includes(x));
    const onlyB = sb.filter((x) => !sa.includes(x));
    if (!onlyA.length && !onlyB.length) {
      const count = (list: string[], x: string) => list.filter((y) => y === x).length;
      const repeated = [...new Set(sa)].filter((x) => count(sa, x) !== count(sb, x));
      if (!repeated.length) out.push(`${at}: the same items in another order`);
      for (const x of repeated.slice(0, 3)) out.push(`${at}: the server has ${count(sa, x)}, a fresh index ${count(sb, x)} of ${clip(JSON.parse(x))}`);
    }
    for (const x of onlyA.slice(0, 3)) out.push(`${at}: only the server has ${clip(JSON.parse(x))}`);
    for (const x of onlyB.slice(0, 3)) out.push(`${at}: only a fresh index has ${clip(JSON.parse(x))}`);
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) diffValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`, out);
    return out;
  }
  out.push(`${at}: the server has ${clip(a)}, a fresh index ${clip(b)}`);
  return out;
}

// ── Shrinking and cases ──────────────────────────────────────────────────────────────────

/**
 * Drops edits while the sequence still fails (delta debugging: halves, then smaller chunks,
 * down to single edits). `fails` runs a candidate; the budget bounds the number of runs.
 */
export async function shrink(edits: FuzzEdit[], fails: (edits: FuzzEdit[]) => Promise<boolean>, budget = 150): Promise<FuzzEdit[]> {
  let current = edits;
  let runs = 0;
  let chunk = Math.max(1, Math.floor(current.length / 2));
  for (;;) {
    let removed = false;
    for (let i = 0; i < current.length && runs < budget; ) {
      const candidate = [...current.slice(0, i), ...current.slice(i + chunk)];
      runs++;
      if (candidate.length && (await fails(candidate))) {
        current = candidate;
        removed = true;
      } else i += chunk;
    }
    if (runs >= budget) break;
    if (chunk === 1 && !removed) break;
    if (!removed) chunk = Math.max(1, Math.floor(chunk / 2));
    else chunk = Math.min(chunk, Math.max(1, Math.floor(current.length / 2)));
  }
  return current;
}

export function loadCases(): FuzzCase[] {
  if (!fs.existsSync(CASES_DIR)) return [];
  return fs
    .readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(CASES_DIR, f), 'utf8')) as FuzzCase);
}

export function writeCase(c: FuzzCase): string {
  fs.mkdirSync(CASES_DIR, { recursive: true });
  const file = path.join(CASES_DIR, `${c.name}.json`);
  // One edit a line: a case is read (and reviewed) by people.
  const edits = c.edits.map((e) => '    ' + JSON.stringify(e)).join(',\n');
  // No stack traces or machine paths in a file that is committed.
  const failure = c.failure
    ?.split('\n')
    .filter((l) => !/^\s+at /.test(l))
    .join('\n')
    .split(REPO)
    .join('<repo>')
    .split(TMP)
    .join('<tmp>');
  const head = JSON.stringify({ name: c.name, fixture: c.fixture, seed: c.seed, failure }, null, 2).replace(/\n}$/, '');
  fs.writeFileSync(file, `${head},\n  "edits": [\n${edits}\n  ]\n}\n`);
  return file;
}

// ── Small helpers ────────────────────────────────────────────────────────────────────────

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms} ms`)), ms);
    }),
  ]);
}
