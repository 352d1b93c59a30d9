/**
 * Request cancellation: a burst of requests of every kind the server answers, each cancelled
 * with `$/cancelRequest` right after it is sent, while the server is busy. Every cancelled
 * request must be answered — with the LSP RequestCancelled error (-32800) when the
 * cancellation arrived before it ran, else with its result — none may hang, and the server
 * must keep serving afterwards.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { copyToTemp, LspClient, positionOf, REPO, uri } from '../protocol/client';
import { diffValues, freshSnapshot, Model, serverSnapshot, withTimeout } from './harness';

const REQUEST_CANCELLED = -32800;

describe('request cancellation', () => {
  let root: string;
  let lsp: LspClient;
  const file = (rel: string) => path.join(root, rel);

  before(async () => {
    root = copyToTemp(path.join(REPO, 'sample-workspace'), 'cancel');
    lsp = await withTimeout(LspClient.start(root), 60_000, 'initialize');
    await lsp.ready();
  });
  after(async () => {
    await lsp?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers every cancelled request with RequestCancelled or its result, never leaves one hanging, and keeps serving', { timeout: 120_000 }, async (t) => {
    const service = 'src/modules/users/services/user-service.ts';
    const handlers = 'src/modules/search/services/search-event-handlers.ts';
    const serviceText = fs.readFileSync(file(service), 'utf8');
    const handlersText = fs.readFileSync(file(handlers), 'utf8');
    lsp.open(file(service));
    lsp.open(file(handlers));
    const diagnostics = await lsp.waitFor(() => lsp.diagnosticsOf(file(service)).length > 0 && lsp.diagnosticsOf(file(service)), 'diagnostics of the open document');
    const doc = (rel: string) => ({ uri: uri(file(rel)) });
    const onKey = positionOf(handlersText, "'item.created'", 3);
    const onPublish = positionOf(serviceText, 'event.publish()', 7);
    // Resolve requests need an item from an earlier answer.
    const lenses = await withTimeout(lsp.request<{ data?: unknown }[]>('textDocument/codeLens', { textDocument: doc(handlers) }), 30_000, 'codeLens');
    const actions = await withTimeout(lsp.request<{ data?: unknown }[]>('textDocument/codeAction', { textDocument: doc(service), range: diagnostics[0].range, context: { diagnostics } }), 30_000, 'codeAction');
    assert.ok(lenses.length > 0 && actions.length > 0);

    const requests: [string, unknown][] = [
      ['textDocument/hover', { textDocument: doc(handlers), position: onKey }],
      ['textDocument/definition', { textDocument: doc(handlers), position: onKey }],
      ['textDocument/implementation', { textDocument: doc(service), position: onPublish }],
      ['textDocument/references', { textDocument: doc(handlers), position: onKey, context: { includeDeclaration: true } }],
      ['textDocument/codeLens', { textDocument: doc(handlers) }],
      ['codeLens/resolve', lenses[0]],
      ['textDocument/completion', { textDocument: doc(handlers), position: onKey }],
      ['textDocument/prepareRename', { textDocument: doc(handlers), position: onKey }],
      ['textDocument/rename', { textDocument: doc(handlers), position: onKey, newName: 'item.added' }],
      ['textDocument/codeAction', { textDocument: doc(service), range: diagnostics[0].range, context: { diagnostics } }],
      ['codeAction/resolve', actions[0]],
      ['workspace/symbol', { query: 'Event' }],
      ['eventFlow/graph', {}],
      ['eventFlow/status', undefined],
      ['eventFlow/keyAt', { uri: uri(file(handlers)), position: onKey }],
      ['eventFlow/locations', { key: 'item.created', kind: 'all' }],
      ['eventFlow/modules', {}],
      ['eventFlow/validateKey', { key: 'invoice.paid' }],
      ['eventFlow/catalog', {}],
      ['eventFlow/mermaid', {}],
      ['eventFlow/newEvent', { module: 'items', key: 'item.restored' }],
      ['eventFlow/newHandler', { module: 'email', key: 'item.created' }],
    ];

    // Keep the server busy so that the burst queues up behind the work: a large unsaved document.
    const big = file('src/modules/items/services/generated-events.ts');
    let bigText = "import { EventBase } from '../../../core/events';\n";
    for (let i = 0; bigText.length < 300_000; i++) bigText += `export class Generated${i}Event extends EventBase {\n  readonly eventType = 'generated.n${i}.created';\n  readonly n = ${i};\n}\n`;
    lsp.open(big, bigText);

    type Outcome = { method: string; cancelled: boolean; answer: 'result' | 'cancelled' | 'hang' | string };
    const pending: Promise<Outcome>[] = [];
    for (let round = 0; round < 8; round++) {
      for (const [method, params] of requests) {
        // Most of the burst is cancelled right after it is sent; one in four is left to run.
        const cancel = round % 4 !== 3;
        const source = new CancellationTokenSource();
        const answer = lsp.conn.sendRequest(method, params, source.token);
        if (cancel) source.cancel();
        pending.push(
          withTimeout(answer, 30_000, method).then(
            (): Outcome => ({ method, cancelled: cancel, answer: 'result' }),
            (e: unknown): Outcome => ({
              method,
              cancelled: cancel,
              answer: e instanceof ResponseError ? (e.code === REQUEST_CANCELLED ? 'cancelled' : `error ${e.code}: ${e.message}`) : /no answer/.test(String(e)) ? 'hang' : String(e),
            }),
          ),
        );
      }
    }
    const outcomes = await Promise.all(pending);
    const count = (answer: string, cancelled: boolean) => outcomes.filter((o) => o.answer === answer && o.cancelled === cancelled).length;
    t.diagnostic(`${outcomes.length} requests: ${count('cancelled', true)} cancelled ones answered RequestCancelled, ${count('result', true)} answered with their result (they ran before the cancellation arrived), ${count('result', false)} left to run answered with their result`);

    const hanging = outcomes.filter((o) => o.answer === 'hang');
    assert.deepEqual(hanging, [], 'no request may be left without an answer');
    const wrong = outcomes.filter((o) => o.answer !== 'result' && !(o.cancelled && o.answer === 'cancelled'));
    assert.deepEqual(wrong, [], 'a cancelled request is answered with RequestCancelled or a result; a request left to run, with its result');
    // Honoured: for every kind of request, those cancelled while they waited did not run.
    const neverCancelled = requests.map(([m]) => m).filter((m) => !outcomes.some((o) => o.method === m && o.answer === 'cancelled'));
    assert.deepEqual(neverCancelled, [], 'every kind of request honours a cancellation that arrives before it runs');

    // The server keeps serving, and its index is the one of the texts it was given.
    const hover = await withTimeout(lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: doc(handlers), position: onKey }), 30_000, 'hover');
    assert.match(hover?.contents.value ?? '', /item\.created/);
    const model = Model.load(root);
    model.open.set(path.relative(root, big), bigText);
    const fresh = await freshSnapshot(root, model);
    const server = await serverSnapshot(lsp, root);
    assert.deepEqual([...diffValues(server.report, fresh.report, 'report'), ...diffValues(server.published, fresh.published, 'published')], []);
  });
});
