/**
 * Two configuration changes in a row: the second re-index starts while the first one still
 * runs, and supersedes it. The diagnostics the editor shows came from the index before both,
 * and a file that had findings there and is gone now must be cleared: found by the fuzzer
 * (case conventions-174646829), made deterministic here with a workspace large enough for
 * the first re-index to be still running when the second one starts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyToTemp, LspClient, REPO } from '../protocol/client';
import { diffValues, freshSnapshot, serverSnapshot, sleep, withTimeout } from './harness';

describe('re-indexes that overlap (two configuration changes in a row)', () => {
  let root: string;
  let lsp: LspClient;
  const file = (rel: string) => path.join(root, rel);

  before(async () => {
    root = copyToTemp(path.join(REPO, 'sample-workspace'), 'rebuild');
    // Ordinary code, so that an index takes long enough to be overtaken.
    for (let i = 0; i < 3000; i++) {
      const dir = file(`src/lib/part-${i % 30}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `util-${i}.ts`), `export function util${i}(x: number): number {\n  return x + ${i};\n}\n`);
    }
    lsp = await withTimeout(LspClient.start(root), 60_000, 'initialize');
    await lsp.ready();
  });
  after(async () => {
    await lsp?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('clears the findings of a file deleted meanwhile, although the first re-index never finished', { timeout: 120_000 }, async () => {
    const withFinding = file('src/modules/notifications/services/notifications-event-handlers.ts');
    await lsp.waitFor(() => lsp.diagnosticsOf(withFinding).length > 0, 'the unknown-event finding');
    const starts = () => lsp.notifications.filter((n) => n.method === 'eventFlow/graphChanged' && (n.params as { indexing: boolean }).indexing).length;
    const ends = () => lsp.notifications.filter((n) => n.method === 'eventFlow/graphChanged' && !(n.params as { indexing: boolean }).indexing).length;
    const startsBefore = starts();
    fs.rmSync(withFinding);
    const tsconfig = file('tsconfig.json');
    fs.writeFileSync(tsconfig, fs.readFileSync(tsconfig));
    lsp.filesChanged([
      { file: withFinding, type: 3 },
      { file: tsconfig, type: 2 },
    ]);
    await lsp.waitFor(() => starts() > startsBefore, 'the first re-index to start');
    fs.writeFileSync(tsconfig, fs.readFileSync(tsconfig));
    lsp.filesChanged([{ file: tsconfig, type: 2 }]);
    await lsp.waitFor(() => starts() > startsBefore + 1, 'the second re-index to start');
    const endsNow = ends();
    await lsp.waitFor(() => ends() > endsNow, 'the second re-index to end', 60_000);
    while ((await withTimeout(lsp.request<{ indexing: boolean }>('eventFlow/status', {}), 30_000, 'eventFlow/status')).indexing) await sleep(50);
    await sleep(200);
    assert.deepEqual(lsp.diagnosticsOf(withFinding), [], 'the deleted file keeps no findings');
    const fresh = await freshSnapshot(root);
    const server = await serverSnapshot(lsp, root);
    assert.deepEqual([...diffValues(server.report, fresh.report, 'report'), ...diffValues(server.published, fresh.published, 'published')], []);
  });
});
