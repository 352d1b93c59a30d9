/**
 * A watcher storm: a branch switch rewrites 5,000 files at once. The server must coalesce the
 * burst of `workspace/didChangeWatchedFiles` notifications into one re-index (one
 * `eventFlow/graphChanged`, not thousands), end identical to a fresh index, and keep its
 * memory bounded while it works.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspClient, REPO, uri } from '../protocol/client';
import { diffValues, freshSnapshot, serverSnapshot, sleep, withTimeout } from './harness';

const MODULES = 50;
const FILES_PER_MODULE = 100; // 3 with events, the rest ordinary code: 5,000 files, plus the event system

/**
 * A modular monolith in the sample's conventions. `branch` changes every file: on the other
 * branch one event of each module has another key and every helper another body.
 */
function writeMonolith(root: string, branch: 'main' | 'feature'): string[] {
  const written: string[] = [];
  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    written.push(file);
  };
  if (branch === 'main') {
    fs.mkdirSync(path.join(root, 'src/core'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'sample-workspace/src/core/events.ts'), path.join(root, 'src/core/events.ts'));
    fs.copyFileSync(path.join(REPO, 'sample-workspace/src/core/logger.ts'), path.join(root, 'src/core/logger.ts'));
  }
  const action = branch === 'main' ? 'updated' : 'renamed';
  for (let m = 0; m < MODULES; m++) {
    const dir = `src/modules/m${m}`;
    const next = (m + 1) % MODULES;
    write(
      `${dir}/domain/events.ts`,
      `import { EventBase } from '../../../core/events';\n\n` +
        `export class M${m}CreatedEvent extends EventBase {\n  readonly eventType = 'm${m}.thing.created';\n}\n\n` +
        `export class M${m}ChangedEvent extends EventBase {\n  readonly eventType = 'm${m}.thing.${action}';\n}\n`,
    );
    write(
      `${dir}/services/service.ts`,
      `import { M${m}ChangedEvent, M${m}CreatedEvent } from '../domain/events';\n\n` +
        `export function create${m}(): void {\n  new M${m}CreatedEvent().publish();\n}\n\n` +
        `export function change${m}(): void {\n  new M${m}ChangedEvent().publish();\n}\n`,
    );
    write(
      `${dir}/services/handlers.ts`,
      `import { eventHandler } from '../../../core/events';\n\n` +
        `export class M${m}Handlers {\n  @eventHandler('m${next}.thing.created')\n  static onCreated(): void {}\n\n` +
        `  @eventHandler('m${next}.thing.${action}')\n  static onChanged(): void {}\n}\n`,
    );
    for (let k = 3; k < FILES_PER_MODULE; k++) {
      write(`${dir}/lib/helper-${k}.ts`, `/** Helper ${k} of module m${m} (${branch}). */\nexport function helper${k}(x: number): number {\n  return x * ${k} + ${branch === 'main' ? 1 : 2};\n}\n`);
    }
  }
  return written;
}

/** The resident set of a process in MB (0 once it is gone). */
function rssMb(pid: number): number {
  let status = '';
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0;
  }
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const graphChanges = (lsp: LspClient) => lsp.notifications.filter((n) => n.method === 'eventFlow/graphChanged' && !(n.params as { indexing: boolean }).indexing).length;

describe('a watcher storm (a branch switch rewriting 5,000 files)', { skip: process.platform !== 'linux' && 'reads /proc for the memory figures' }, () => {
  let root: string;
  let lsp: LspClient;
  let files: string[];
  let rssAfterColdIndex = 0;

  before(async () => {
    root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'eventflow-storm-'));
    files = writeMonolith(root, 'main');
    lsp = await withTimeout(LspClient.start(root), 60_000, 'initialize');
    await lsp.waitFor(() => graphChanges(lsp) > 0, 'the cold index of 5,000 files', 120_000);
    await sleep(500); // the cold index announces its end more than once
    rssAfterColdIndex = rssMb(lsp.proc.pid!);
  });

  after(async () => {
    await lsp?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('coalesces the burst into one re-index, ends like a fresh index, and keeps memory bounded', { timeout: 300_000 }, async (t) => {
    assert.equal(files.length, MODULES * FILES_PER_MODULE);
    const before = graphChanges(lsp);
    // The branch switch: every file rewritten on disk, then reported as the watcher does, in
    // batches, some immediately after each other and some a little apart (within the debounce).
    writeMonolith(root, 'feature');
    let peak = rssMb(lsp.proc.pid!);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(lsp.proc.pid!))), 20);
    t.after(() => clearInterval(sampler));
    const started = Date.now();
    const batches: string[][] = [];
    for (let i = 0; i < files.length; i += 250) batches.push(files.slice(i, i + 250));
    let notifications = 0;
    for (let i = 0; i < batches.length; i++) {
      lsp.filesChanged(batches[i].map((file) => ({ file, type: 2 as const })));
      notifications++;
      if (i % 5 === 4) await sleep(30); // a watcher delivers in bursts
    }
    // And the same files reported again, as watchers do for a write and a rename of a temp file.
    lsp.filesChanged(files.slice(0, 500).map((file) => ({ file, type: 2 as const })));
    notifications++;
    // A request during the storm is answered (after the update or before it, never lost).
    const during = withTimeout(lsp.request<{ folders: unknown[] }>('eventFlow/status', {}), 120_000, 'eventFlow/status during the storm');
    await lsp.waitFor(() => graphChanges(lsp) > before, 'the re-index after the storm', 120_000);
    const elapsed = Date.now() - started;
    assert.equal((await during).folders.length, 1);
    await sleep(1000); // anything else the burst would trigger arrives now
    clearInterval(sampler);
    const rssAfter = rssMb(lsp.proc.pid!);
    const reindexes = graphChanges(lsp) - before;

    const fresh = await freshSnapshot(root);
    const server = await serverSnapshot(lsp, root);
    const problems = [...diffValues(server.report, fresh.report, 'report'), ...diffValues(server.published, fresh.published, 'published')];

    const figures =
      `${files.length} files rewritten, ${notifications} didChangeWatchedFiles notifications (${files.length + 500} changes); ` +
      `re-indexed ${elapsed} ms after the first notification, with ${reindexes} eventFlow/graphChanged; ` +
      `server RSS ${rssAfterColdIndex} MB after the cold index, ${peak} MB at the peak, ${rssAfter} MB after`;
    t.diagnostic(figures);
    if (process.env.EVENTFLOW_STORM_REPORT) fs.writeFileSync(process.env.EVENTFLOW_STORM_REPORT, figures + '\n');

    assert.equal(reindexes, 1, `the burst must be applied as one update (${figures})`);
    assert.deepEqual(problems, [], 'the server after the storm must equal a fresh index');
    const events = (server.report as { events: { key: string }[] }).events.map((e) => e.key);
    assert.ok(events.includes('m0.thing.renamed') && !events.includes('m0.thing.updated'), 'the graph is the new branch');
    // Bounded: re-indexing 5,000 files must not take more than the cold index's memory again.
    assert.ok(peak <= rssAfterColdIndex * 2 + 100, `peak RSS ${peak} MB against ${rssAfterColdIndex} MB after the cold index`);
  });

  it('keeps serving during and after the storm', { timeout: 60_000 }, async () => {
    const status = await withTimeout(lsp.request<{ indexing: boolean; folders: { events: number; filesScanned: number }[] }>('eventFlow/status', {}), 30_000, 'eventFlow/status');
    assert.equal(status.folders[0].filesScanned, files.length + 2);
    assert.equal(status.folders[0].events, MODULES * 2);
    const hover = await withTimeout(
      lsp.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: uri(path.join(root, 'src/modules/m1/services/handlers.ts')) },
        position: { line: 3, character: 20 },
      }),
      30_000,
      'hover',
    );
    assert.match(hover?.contents.value ?? '', /m2\.thing\.created/);
  });
});
