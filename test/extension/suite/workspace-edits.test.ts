/// <reference types="mocha" />
// Changes to the workspace, as a user makes them: edits that change the diagnostics, a rename
// in a file with unsaved changes, the naming quick fix and the code generation behind
// "New Handler for Event…" and "New Event…". Each test puts the workspace back as it found it
// (the runner tests on a temp copy of the sample anyway).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  codeOf, editsByFile, eventFlowDiagnosticsOf, eventFlowReady, executeProvider, openSample, positionOf, rangeOf, relPath, revertAll,
  sampleUri, waitFor, waitForDiagnostics, workspaceRoot, type EventFlowApi,
} from './helpers';

const ITEM_EVENTS = 'src/modules/items/domain/events.ts';
const ITEM_SERVICE = 'src/modules/items/services/item-service.ts';
const SEARCH_HANDLERS = 'src/modules/search/services/search-event-handlers.ts';
const EMAIL_HANDLERS = 'src/modules/email/services/email-event-handlers.ts';
const USER_SERVICE = 'src/modules/users/services/user-service.ts';

type GeneratedEdit = import('../../../server/src/protocol').GeneratedEdit;

describe('Event Flow: changing the workspace', function () {
  this.timeout(60_000);
  let api: EventFlowApi;
  /** Files on disk as they were before the test, to be written back afterwards (a path -> its text, or undefined: it did not exist). */
  let snapshot: Map<string, string | undefined>;

  const hasCode = (code: string) => (ds: readonly vscode.Diagnostic[]) => ds.some((d) => d.source === 'event-flow' && codeOf(d) === code);
  const lacksCode = (code: string) => (ds: readonly vscode.Diagnostic[]) => !hasCode(code)(ds);
  const keys = async () => (await api.getGraph()).folders[0].report.events.map((e) => e.key);
  const onDisk = (rel: string) => fs.readFileSync(sampleUri(rel).fsPath, 'utf8');
  const remember = (...rels: string[]) => {
    for (const rel of rels) snapshot.set(rel, fs.existsSync(sampleUri(rel).fsPath) ? onDisk(rel) : undefined);
  };
  const applyGenerated = async (generated: GeneratedEdit) => {
    const edit = await api.client.protocol2CodeConverter.asWorkspaceEdit(generated.edit);
    assert.equal(await vscode.workspace.applyEdit(edit), true, 'the generated edit applies');
    return edit;
  };

  before(async () => {
    api = await eventFlowReady();
  });
  beforeEach(() => {
    snapshot = new Map();
  });
  afterEach(async () => {
    await revertAll();
    for (const [rel, text] of snapshot) {
      const uri = sampleUri(rel);
      if (text === undefined) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
      else if (!fs.existsSync(uri.fsPath) || onDisk(rel) !== text) await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    }
    // Back to the sample's own four problems before the next test starts.
    await waitFor(async () => (await keys()).length === 11 && !(await keys()).includes('item.archived'), 20_000, 'the graph to be the sample\'s again');
    await waitForDiagnostics(sampleUri(USER_SERVICE), hasCode('unhandled-event'), 20_000, 'user.deleted to be unhandled again');
  });

  it('an edit in an open document changes the diagnostics, and undo brings them back', async () => {
    const doc = await openSample(SEARCH_HANDLERS);
    const itemService = sampleUri(ITEM_SERVICE);
    assert.deepEqual(eventFlowDiagnosticsOf(itemService), [], 'item-service.ts starts without problems');

    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, rangeOf(doc, "@eventHandler('item.deleted')"), "@eventHandler('item.deleted.nope')");
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const [unhandled] = await waitForDiagnostics(itemService, hasCode('unhandled-event'), 15_000, 'item.deleted to become unhandled');
    assert.match(unhandled.message, /'item\.deleted' is published here but no handler handles it/);
    await waitForDiagnostics(doc.uri, hasCode('unknown-event'), 15_000, "the handler's key to become unknown");

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor(() => doc.getText().includes("@eventHandler('item.deleted')"), 5000, 'the undo');
    await waitForDiagnostics(itemService, lacksCode('unhandled-event'), 15_000, 'item.deleted to be handled again');
    await waitForDiagnostics(doc.uri, (ds) => ds.length === 0, 15_000, 'search-event-handlers.ts to be clean again');
    assert.equal(doc.isDirty, false, 'undo went back to the saved text');
  });

  it('renames a key in a file with unsaved changes: both survive, and one undo reverts the rename', async () => {
    remember(ITEM_EVENTS, SEARCH_HANDLERS, 'test/items.test.ts');
    const doc = await openSample(ITEM_EVENTS);
    const editor = await vscode.window.showTextDocument(doc);
    const note = '// An unsaved note at the top.\n';
    assert.equal(await editor.edit((b) => b.insert(new vscode.Position(0, 0), note)), true);
    assert.equal(doc.isDirty, true);

    // The server must rename in the edited text: the key moved down a line.
    const position = positionOf(doc, "= 'item.archive'", { offset: 4 });
    assert.equal(position.line, 51);
    const edit = await waitFor(async () => {
      const e = await executeProvider<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, position, 'item.archived');
      return editsByFile(e)[ITEM_EVENTS]?.[0] === '52:24 item.archived' ? e : undefined;
    }, 10_000, 'a rename computed on the unsaved text');
    assert.equal(await vscode.workspace.applyEdit(edit), true);

    assert.ok(doc.getText().startsWith(note), 'the unsaved change survived');
    assert.ok(doc.getText().includes("readonly eventType = 'item.archived';"), 'the rename is applied');
    assert.equal(doc.getText().split('\n').length, onDisk(ITEM_EVENTS).split('\n').length + 1, 'nothing else changed');
    const handlers = await vscode.workspace.openTextDocument(sampleUri(SEARCH_HANDLERS));
    assert.ok(handlers.getText().includes("@eventHandler('item.archived')"));
    assert.ok(onDisk(ITEM_EVENTS).includes("'item.archive'") && !onDisk(ITEM_EVENTS).startsWith(note), 'nothing was saved');
    await waitForDiagnostics(doc.uri, lacksCode('event-naming'), 15_000, 'the naming warning to go');

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor(() => doc.getText().includes("readonly eventType = 'item.archive';"), 10_000, 'one undo to revert the rename');
    assert.ok(doc.getText().startsWith(note), 'the unsaved change is still there after the undo');
    await waitFor(() => handlers.getText().includes("@eventHandler('item.archive')"), 10_000, 'the undo to revert the other files too');
    await waitForDiagnostics(doc.uri, hasCode('event-naming'), 15_000, 'the naming warning to come back');
  });

  it('applies the naming quick fix: the event and its handlers are renamed, the warning goes', async () => {
    remember(ITEM_EVENTS, SEARCH_HANDLERS, 'test/items.test.ts');
    const doc = await openSample(ITEM_EVENTS);
    const [diagnostic] = await waitForDiagnostics(doc.uri, hasCode('event-naming'));
    const actions = await executeProvider<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === "Rename event type to 'item.archived' everywhere");
    assert.ok(fix?.edit, `the quick fix is offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(fix.isPreferred, true);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);

    await waitForDiagnostics(doc.uri, lacksCode('event-naming'), 15_000, 'the naming warning to go');
    const handlers = await vscode.workspace.openTextDocument(sampleUri(SEARCH_HANDLERS));
    assert.ok(handlers.getText().includes("@eventHandler('item.archived')"));
    await waitFor(async () => (await keys()).includes('item.archived'), 15_000, 'the graph to have item.archived');
    const k = await keys();
    assert.ok(!k.includes('item.archive'), k.join(', '));
    const archived = (await api.getGraph()).folders[0].report.events.find((e) => e.key === 'item.archived')!;
    assert.deepEqual(archived.handlers.filter((h) => !h.isTest).map((h) => h.name), ['SearchEventHandlers.removeArchivedItem']);
  });

  it('New Handler for Event: the server request, applied next to unsaved changes, handles the event', async () => {
    remember(EMAIL_HANDLERS);
    const doc = await openSample(EMAIL_HANDLERS);
    const editor = await vscode.window.showTextDocument(doc);
    assert.equal(await editor.edit((b) => b.insert(doc.lineAt(doc.lineCount - 1).range.end, '\n// unsaved\n')), true);

    const folderUri = workspaceRoot().toString();
    const generated = await api.client.sendRequest<GeneratedEdit>('eventFlow/newHandler', { key: 'user.deleted', module: 'email', folderUri });
    assert.match(generated.summary, /EmailEventHandlers\.handleUserDeleted/);
    const edit = await applyGenerated(generated);
    assert.deepEqual(edit.entries().map(([uri]) => relPath(uri)), [EMAIL_HANDLERS], 'one file changes');

    const text = doc.getText();
    assert.ok(text.endsWith('\n// unsaved\n'), 'the unsaved change survived');
    assert.match(text, /@eventHandler\('user\.deleted'\)\n\s+static handleUserDeleted\(event: UserDeletedEvent\)/);
    assert.match(text, /import type \{[^}]*UserDeletedEvent[^}]*\} from '\.\.\/\.\.\/users\/domain\/events';/);
    // The method goes before the class's closing brace, which stays on a line of its own.
    assert.match(text, /static handleUserDeleted\(event: UserDeletedEvent\): void \{\n[^}]*\n {2}\}\n\}\n/);
    // `reveal` is where the client puts the cursor after applying: on the new handler, in the edited text.
    assert.ok(generated.reveal, 'the edit says where the new handler is');
    assert.equal(vscode.Uri.parse(generated.reveal.uri).fsPath, doc.uri.fsPath);
    const revealed = doc.lineAt(generated.reveal.range.start.line).text;
    assert.ok(/@eventHandler\('user\.deleted'\)|static handleUserDeleted\(/.test(revealed), `reveal points at line ${generated.reveal.range.start.line + 1}: "${revealed}"`);

    await waitForDiagnostics(sampleUri(USER_SERVICE), lacksCode('unhandled-event'), 15_000, 'user.deleted to be handled');
    const deleted = (await api.getGraph()).folders[0].report.events.find((e) => e.key === 'user.deleted')!;
    assert.deepEqual(deleted.handlers.filter((h) => !h.isTest).map((h) => `${h.name} ${h.module}`), ['EmailEventHandlers.handleUserDeleted email']);
  });

  it('New Handler for Event in a module without handlers creates the file and registers it', async () => {
    const created = 'src/modules/items/services/items-event-handlers.ts';
    remember(created, 'src/modules/items/index.ts');
    const generated = await api.client.sendRequest<GeneratedEdit>('eventFlow/newHandler', { key: 'user.deleted', module: 'items', folderUri: workspaceRoot().toString() });
    const edit = await applyGenerated(generated);
    assert.deepEqual(edit.entries().map(([uri]) => relPath(uri)).sort(), ['src/modules/items/index.ts', created]);
    const file = await vscode.workspace.openTextDocument(sampleUri(created));
    assert.match(file.getText(), /export class ItemsEventHandlers \{/);
    assert.match(file.getText(), /@eventHandler\('user\.deleted'\)/);
    const index = await vscode.workspace.openTextDocument(sampleUri('src/modules/items/index.ts'));
    assert.match(index.getText(), /import '\.\/services\/items-event-handlers';/);
    await waitForDiagnostics(sampleUri(USER_SERVICE), lacksCode('unhandled-event'), 15_000, 'user.deleted to be handled');
  });

  it('New Event: validates the key as typed, and the server request adds the event class', async () => {
    remember(ITEM_EVENTS);
    const folderUri = workspaceRoot().toString();
    type Validation = { ok: boolean; message?: string; suggestion?: string; exists: boolean };
    const notPast = await api.client.sendRequest<Validation>('eventFlow/validateKey', { key: 'item.restore', folderUri });
    assert.equal(notPast.ok, false);
    assert.equal(notPast.suggestion, 'item.restored');
    const taken = await api.client.sendRequest<Validation>('eventFlow/validateKey', { key: 'item.created', folderUri });
    assert.equal(taken.exists, true);
    const fine = await api.client.sendRequest<Validation>('eventFlow/validateKey', { key: 'item.restored', folderUri });
    assert.deepEqual([fine.ok, fine.exists], [true, false]);

    const generated = await api.client.sendRequest<GeneratedEdit>('eventFlow/newEvent', { module: 'items', key: 'item.restored', folderUri });
    const edit = await applyGenerated(generated);
    assert.deepEqual(edit.entries().map(([uri]) => relPath(uri)), [ITEM_EVENTS]);
    const doc = await vscode.workspace.openTextDocument(sampleUri(ITEM_EVENTS));
    assert.match(doc.getText(), /export class ItemRestoredEvent extends EventBase \{\n\s+readonly eventType = 'item\.restored';/);
    await waitFor(async () => (await keys()).includes('item.restored'), 15_000, 'the graph to have item.restored');
    // Declared, never published yet: the hint says so on the new class.
    const diagnostics = await waitForDiagnostics(doc.uri, hasCode('unpublished-event'));
    assert.ok(diagnostics.some((d) => d.message.includes("'item.restored'")));
    assert.equal(rangeOf(doc, 'ItemRestoredEvent').start.line, diagnostics.find((d) => d.message.includes("'item.restored'"))!.range.start.line);
  });
});
