/**
 * The language server over stdio against a copy of the sample workspace: every capability,
 * end to end, as an editor would use it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyToTemp, LspClient, positionOf, REPO, uri, type Position, type Range } from './client';

interface Location {
  uri: string;
  range: Range;
}

describe('language server on the sample workspace', () => {
  let root: string;
  let lsp: LspClient;
  const file = (rel: string) => path.join(root, rel);
  const read = (rel: string) => fs.readFileSync(file(rel), 'utf8');
  const rel = (u: string) => path.relative(root, new URL(u).pathname);

  before(async () => {
    root = copyToTemp(path.join(REPO, 'sample-workspace'), 'sample');
    lsp = await LspClient.start(root);
    await lsp.ready();
  });
  after(async () => {
    await lsp?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('pushes diagnostics for the four deliberate mistakes, and nothing else', async () => {
    await lsp.waitFor(() => lsp.diagnosticsOf(file('src/modules/users/services/user-service.ts')).length > 0, 'diagnostics');
    const all = [...lsp.diagnostics.values()].flatMap((p) => p.diagnostics.map((d) => `${rel(p.uri)}:${d.range.start.line + 1} ${d.code}`)).sort();
    assert.deepEqual(all, [
      'src/modules/items/domain/events.ts:51 event-naming',
      'src/modules/notifications/services/notifications-event-handlers.ts:21 unknown-event',
      'src/modules/users/domain/events.ts:24 unpublished-event',
      'src/modules/users/services/user-service.ts:58 unhandled-event',
    ]);
    const unknown = lsp.diagnosticsOf(file('src/modules/notifications/services/notifications-event-handlers.ts'))[0];
    assert.equal(unknown.source, 'event-flow');
    assert.match(unknown.message, /did you mean 'item\.created'/);
  });

  it('goes from a publish call to its handlers (implementation)', async () => {
    const text = read('src/modules/users/services/user-service.ts');
    const locations = await lsp.request<Location[]>('textDocument/implementation', {
      textDocument: { uri: uri(file('src/modules/users/services/user-service.ts')) },
      position: positionOf(text, 'event.publish()', 7),
    });
    assert.deepEqual(
      locations.map((l) => `${rel(l.uri)}:${l.range.start.line + 1}`),
      ['src/modules/email/services/email-event-handlers.ts:21'],
    );
  });

  it('goes from a key string to the event class (definition)', async () => {
    const f = 'src/modules/search/services/search-event-handlers.ts';
    const text = read(f);
    const locations = await lsp.request<Location[]>('textDocument/definition', { textDocument: { uri: uri(file(f)) }, position: positionOf(text, "'item.created'", 3) });
    assert.deepEqual(
      locations.map((l) => `${rel(l.uri)}:${l.range.start.line + 1}`),
      ['src/modules/items/domain/events.ts:8'],
    );
  });

  it('finds references of a key through a constant: declaration, publisher, handler', async () => {
    const f = 'src/modules/email/services/email-event-handlers.ts';
    const text = read(f);
    const locations = await lsp.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri(file(f)) },
      position: positionOf(text, '@eventHandler(PASSWORD_RESET_REQUESTED)', 16),
      context: { includeDeclaration: true },
    });
    const got = locations.map((l) => `${rel(l.uri)}:${l.range.start.line + 1}`).sort();
    assert.deepEqual(got, [
      'src/modules/auth/domain/event-types.ts:5',
      'src/modules/auth/domain/events.ts:8',
      'src/modules/auth/services/auth-service.ts:47',
      'src/modules/email/services/email-event-handlers.ts:27',
      'test/auth.test.ts:27',
    ]);
  });

  it('hovers a publish call with its handlers, modules and flows', async () => {
    const f = 'src/modules/users/services/user-service.ts';
    const h = await lsp.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: uri(file(f)) }, position: positionOf(read(f), 'event.publish()', 7) });
    const md = h.contents.value;
    assert.match(md, /\*\*Event\*\* `user\.created`/);
    assert.match(md, /Declared by \[UserCreatedEvent\]/);
    assert.match(md, /\*\*Handled by\*\* \(1, and 2 in tests\)/);
    assert.match(md, /EmailEventHandlers\.handleUserCreated.*— email/);
    assert.match(md, /leads to `email\.sent`/);
    assert.match(md, /userId: string/);
  });

  it('shows CodeLens on event classes and handlers, resolving to the peek command', async () => {
    const f = 'src/modules/items/domain/events.ts';
    const lenses = await lsp.request<{ range: Range; data: unknown }[]>('textDocument/codeLens', { textDocument: { uri: uri(file(f)) } });
    const resolved = await Promise.all(lenses.map((l) => lsp.request<{ range: Range; command: { title: string; command: string; arguments: unknown[] } }>('codeLens/resolve', l)));
    const titles = resolved.map((l) => `${l.range.start.line + 1} ${l.command.title}`);
    assert.ok(titles.includes('8 1 publisher · 2 handlers'), titles.join('\n'));
    const created = resolved.find((l) => l.range.start.line === 7)!;
    assert.equal(created.command.command, 'eventFlow.showLocations');
    assert.equal((created.command.arguments[2] as Location[]).length, 3);
    const handlerFile = 'src/modules/search/services/search-event-handlers.ts';
    const handlerLenses = await lsp.request<{ range: Range; data: unknown }[]>('textDocument/codeLens', { textDocument: { uri: uri(file(handlerFile)) } });
    const handlerTitles = (await Promise.all(handlerLenses.map((l) => lsp.request<{ command: { title: string } }>('codeLens/resolve', l)))).map((l) => l.command.title);
    assert.ok(handlerTitles.includes('handles item.created · 1 publisher'), handlerTitles.join('\n'));
  });

  it('completes keys inside a handler decorator, with class and counts', async () => {
    const f = 'src/modules/search/services/search-event-handlers.ts';
    const text = read(f).replace("@eventHandler('item.updated')", "@eventHandler('item.up')");
    lsp.open(file(f), text);
    const { items, isIncomplete } = await lsp.request<{ isIncomplete: boolean; items: { label: string; detail: string; textEdit: { range: Range } }[] }>('textDocument/completion', {
      textDocument: { uri: uri(file(f)) },
      position: positionOf(text, "@eventHandler('item.up')", "@eventHandler('item.up".length),
    });
    assert.equal(isIncomplete, false, 'a small workspace gets every key at once');
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('item.updated') && labels.includes('user.created'), labels.join(','));
    const updated = items.find((i) => i.label === 'item.updated')!;
    assert.equal(updated.detail, 'ItemUpdatedEvent (items)');
    assert.equal(updated.textEdit.range.end.character - updated.textEdit.range.start.character, 'item.up'.length);
    lsp.close(file(f));
  });

  it('refuses a rename that breaks the convention, and renames a key in every file', async () => {
    const f = 'src/modules/items/domain/events.ts';
    const text = read(f);
    const position = positionOf(text, "= 'item.archive'", 4);
    const prepared = await lsp.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: uri(file(f)) }, position });
    assert.equal(prepared.placeholder, 'item.archive');
    await assert.rejects(lsp.request('textDocument/rename', { textDocument: { uri: uri(file(f)) }, position, newName: 'item.archiving' }), /past-tense/);
    await assert.rejects(lsp.request('textDocument/rename', { textDocument: { uri: uri(file(f)) }, position, newName: 'item.created' }), /already exists/);
    const edit = await lsp.request<{ documentChanges: { textDocument: { uri: string }; edits: { newText: string }[] }[] }>('textDocument/rename', {
      textDocument: { uri: uri(file(f)) },
      position,
      newName: 'item.archived',
    });
    const files = edit.documentChanges.map((c) => rel(c.textDocument.uri)).sort();
    assert.deepEqual(files, ['src/modules/items/domain/events.ts', 'src/modules/search/services/search-event-handlers.ts', 'test/items.test.ts']);
    assert.ok(edit.documentChanges.every((c) => c.edits.every((e) => e.newText === 'item.archived')));
  });

  it('offers quick fixes: rename to the suggested key, and change a misspelt key', async () => {
    const f = 'src/modules/notifications/services/notifications-event-handlers.ts';
    const diags = lsp.diagnosticsOf(file(f));
    const actions = await lsp.request<{ title: string; edit?: { documentChanges: { edits: { newText: string }[] }[] } }[]>('textDocument/codeAction', {
      textDocument: { uri: uri(file(f)) },
      range: diags[0].range,
      context: { diagnostics: diags },
    });
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Change to 'item.created'"],
    );
    assert.equal(actions[0].edit!.documentChanges[0].edits[0].newText, 'item.created');
  });

  it('follows an edit in an open document: a handler removed makes its event unhandled, and back', async () => {
    const f = 'src/modules/search/services/search-event-handlers.ts';
    const original = read(f);
    const itemService = file('src/modules/items/services/item-service.ts');
    lsp.open(file(f), original);
    const broken = original.replace("@eventHandler('item.deleted')", "@eventHandler('item.deleted.nope')");
    lsp.change(file(f), broken);
    await lsp.waitFor(() => lsp.diagnosticsOf(itemService).some((d) => d.code === 'unhandled-event'), 'item.deleted to become unhandled');
    lsp.change(file(f), original);
    await lsp.waitFor(() => !lsp.diagnosticsOf(itemService).some((d) => d.code === 'unhandled-event'), 'item.deleted to be handled again');
    lsp.close(file(f));
  });

  it('answers the custom graph and status requests', async () => {
    const graph = await lsp.request<{ folders: { report: { events: { key: string }[]; flows: { from: string; to: string }[] } }[] }>('eventFlow/graph', {});
    const keys = graph.folders[0].report.events.map((e) => e.key);
    assert.ok(keys.includes('user.created') && keys.includes('item.archive'));
    assert.deepEqual(graph.folders[0].report.flows.map((f) => `${f.from}>${f.to}`), ['password.reset.requested>email.sent', 'user.created>email.sent']);
    const status = await lsp.request<{ indexing: boolean; folders: { events: number; problems: number }[] }>('eventFlow/status', null);
    assert.equal(status.indexing, false);
    assert.equal(status.folders[0].problems, 3);
  });
});

export type { Position };
