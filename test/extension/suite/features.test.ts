/// <reference types="mocha" />
// Every language feature end to end, through VS Code's own `vscode.execute…Provider` commands:
// what a user gets in the editor, merged with what TypeScript answers at the same place.
// Read-only: nothing here leaves a change behind (the completion test reverts its edit).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  editsByFile, eventFlowDiagnosticsOf, eventFlowReady, executeProvider, hoverText, openSample, positionOf, rangeOf, relPath,
  revertAll, waitFor, where,
} from './helpers';

const USER_SERVICE = 'src/modules/users/services/user-service.ts';
const ITEM_EVENTS = 'src/modules/items/domain/events.ts';
const SEARCH_HANDLERS = 'src/modules/search/services/search-event-handlers.ts';
const EMAIL_HANDLERS = 'src/modules/email/services/email-event-handlers.ts';
const NOTIFICATION_HANDLERS = 'src/modules/notifications/services/notifications-event-handlers.ts';

describe('Event Flow: language features in the editor', function () {
  this.timeout(60_000);

  before(async () => {
    await eventFlowReady();
  });
  afterEach(revertAll);

  it('hovers a publish call with its event, declaration, handlers and flows', async () => {
    const doc = await openSample(USER_SERVICE);
    const position = positionOf(doc, 'event.publish()', { offset: 7 });
    const text = await waitFor(async () => {
      const t = hoverText(await executeProvider<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position));
      return t.includes('user.created') ? t : undefined;
    }, 20_000, 'an Event Flow hover on event.publish()');
    assert.match(text, /\*\*Event\*\* `user\.created`/);
    assert.match(text, /Declared by \[UserCreatedEvent\]/);
    assert.match(text, /\*\*Handled by\*\* \(1, and 2 in tests\)/);
    assert.match(text, /EmailEventHandlers\.handleUserCreated.*— email/);
    assert.match(text, /leads to `email\.sent`/);
    assert.match(text, /userId: string/);
  });

  it('goes from a publish call to its handlers (Go to Implementations)', async () => {
    const doc = await openSample(USER_SERVICE);
    const locations = await executeProvider<vscode.Location[]>('vscode.executeImplementationProvider', doc.uri, positionOf(doc, 'event.publish()', { offset: 7 }));
    // TypeScript adds EventBase.publish itself (src/core); the modules' answer is Event Flow's.
    assert.deepEqual(
      locations.map(where).filter((w) => w.startsWith('src/modules/')),
      ['src/modules/email/services/email-event-handlers.ts:21'],
    );
  });

  it('goes from a key string to the event class (Go to Definition)', async () => {
    const doc = await openSample(SEARCH_HANDLERS);
    const locations = await executeProvider<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, "'item.created'", { offset: 3 }));
    assert.deepEqual(locations.map(where), ['src/modules/items/domain/events.ts:8']);
  });

  it('finds all references of a key written through a constant', async () => {
    const doc = await openSample(EMAIL_HANDLERS);
    const locations = await executeProvider<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, positionOf(doc, '@eventHandler(PASSWORD_RESET_REQUESTED)', { offset: 16 }));
    const got = [...new Set(locations.map(where))].sort();
    // Event Flow's: the constant, the event class's key, the publisher, the handler and a test's
    // publish. TypeScript adds the references of the constant (its import, its uses).
    for (const expected of [
      'src/modules/auth/domain/event-types.ts:5',
      'src/modules/auth/domain/events.ts:8',
      'src/modules/auth/services/auth-service.ts:47',
      'src/modules/email/services/email-event-handlers.ts:27',
      'test/auth.test.ts:27',
    ]) {
      assert.ok(got.includes(expected), `${expected} is among the references: ${got.join(', ')}`);
    }
    // The class's key string is no reference to the constant for TypeScript: only Event Flow finds it.
    assert.ok(locations.some((l) => relPath(l.uri) === 'src/modules/auth/domain/events.ts'));
  });

  it('shows CodeLens on event classes and handlers, resolving to the peek command', async () => {
    const doc = await openSample(ITEM_EVENTS);
    const lenses = await waitFor(async () => {
      const all = await executeProvider<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
      return all.some((l) => l.command?.command === 'eventFlow.showLocations') ? all : undefined;
    }, 20_000, 'resolved Event Flow lenses');
    const ours = lenses.filter((l) => l.command?.command === 'eventFlow.showLocations');
    const titles = ours.map((l) => `${l.range.start.line + 1} ${l.command!.title}`);
    assert.ok(titles.includes('8 1 publisher · 2 handlers'), titles.join('\n'));
    const created = ours.find((l) => l.range.start.line === 7)!;
    const [uri, position, locations] = created.command!.arguments as [string, unknown, unknown[]];
    assert.equal(vscode.Uri.parse(uri).fsPath, doc.uri.fsPath);
    assert.ok(position && typeof position === 'object');
    assert.equal(locations.length, 3);

    const handlers = await openSample(SEARCH_HANDLERS);
    const handlerTitles = (await executeProvider<vscode.CodeLens[]>('vscode.executeCodeLensProvider', handlers.uri, 100)).map((l) => l.command?.title);
    assert.ok(handlerTitles.includes('handles item.created · 1 publisher'), handlerTitles.join('\n'));
  });

  it('completes keys inside a handler decorator, with the class and module', async () => {
    const doc = await openSample(SEARCH_HANDLERS);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, rangeOf(doc, "'item.updated'"), "'item.up'");
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const position = positionOf(doc, "@eventHandler('item.up'", { offset: "@eventHandler('item.up".length });
    const list = await waitFor(async () => {
      const l = await executeProvider<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position);
      return l.items.some((i) => label(i) === 'item.updated') ? l : undefined;
    }, 20_000, 'key completions');
    const labels = list.items.map(label);
    assert.ok(labels.includes('user.created'), labels.join(','));
    const updated = list.items.find((i) => label(i) === 'item.updated')!;
    assert.equal(updated.detail, 'ItemUpdatedEvent (items)');
    const range = updated.range instanceof vscode.Range ? updated.range : updated.range?.replacing;
    assert.ok(range, 'the completion replaces the typed part of the key');
    assert.equal(range.end.character - range.start.character, 'item.up'.length);
  });

  it('offers the quick fix for a misspelt handler key', async () => {
    const doc = await openSample(NOTIFICATION_HANDLERS);
    const [diagnostic] = eventFlowDiagnosticsOf(doc.uri);
    assert.ok(diagnostic, 'the unknown-event diagnostic is there');
    const actions = await executeProvider<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    // (The API's CodeActions carry no diagnostics; TypeScript offers no quick fix here.)
    const ours = actions;
    assert.deepEqual(ours.map((a) => a.title), ["Change to 'item.created'"]);
    assert.equal(ours[0].isPreferred, true);
    assert.deepEqual(editsByFile(ours[0].edit!), { [NOTIFICATION_HANDLERS]: ['21:17 item.created'] });
  });

  it('offers to create a handler in each other module for an unhandled event', async () => {
    const doc = await openSample(USER_SERVICE);
    const [diagnostic] = eventFlowDiagnosticsOf(doc.uri);
    assert.ok(diagnostic, 'the unhandled-event diagnostic is there');
    const actions = await executeProvider<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value, 10);
    const ours = actions.filter((a) => a.title.startsWith('Create a handler'));
    assert.deepEqual(actions.map((a) => a.title), ['auth', 'email', 'items', 'notifications', 'search'].map((m) => `Create a handler for 'user.deleted' in module ${m}`));
    // Resolved lazily (itemResolveCount): the email one adds a method to EmailEventHandlers.
    const email = ours.find((a) => a.title.endsWith('module email'))!;
    assert.ok(email.edit, 'the action was resolved to an edit');
    const files = Object.keys(editsByFile(email.edit));
    assert.deepEqual(files, [EMAIL_HANDLERS]);
  });

  it('finds events by key and by class name (workspace symbols)', async () => {
    const symbols = await waitFor(async () => {
      const s = await executeProvider<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'item.cre');
      return s.some((x) => x.kind === vscode.SymbolKind.Event) ? s : undefined;
    }, 20_000, 'event symbols');
    const events = symbols.filter((s) => s.kind === vscode.SymbolKind.Event);
    const created = events.find((s) => s.name === 'item.created (ItemCreatedEvent)');
    assert.ok(created, events.map((s) => s.name).join(', '));
    assert.equal(created.containerName, 'items');
    assert.equal(where(created.location), 'src/modules/items/domain/events.ts:8');

    const byClass = await executeProvider<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'PasswordResetRequested');
    assert.ok(byClass.some((s) => s.kind === vscode.SymbolKind.Event && s.name === 'password.reset.requested (PasswordResetRequestedEvent)'));
  });

  it('prepares a rename at a key string and renames the key in every file', async () => {
    const doc = await openSample(ITEM_EVENTS);
    const position = positionOf(doc, "= 'item.archive'", { offset: 4 });
    const prepared = await executeProvider<{ range: vscode.Range; placeholder: string }>('vscode.prepareRename', doc.uri, position);
    assert.equal(prepared.placeholder, 'item.archive');
    assert.equal(doc.getText(prepared.range), 'item.archive');

    const edit = await executeProvider<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, position, 'item.archived');
    const byFile = editsByFile(edit);
    assert.deepEqual(Object.keys(byFile).sort(), [ITEM_EVENTS, SEARCH_HANDLERS, 'test/items.test.ts']);
    assert.ok(Object.values(byFile).flat().every((e) => e.endsWith(' item.archived')), JSON.stringify(byFile));
    assert.deepEqual(byFile[ITEM_EVENTS], ['51:24 item.archived']);
  });

  it('refuses a rename that breaks the naming convention or merges two events', async () => {
    const doc = await openSample(ITEM_EVENTS);
    const position = positionOf(doc, "= 'item.archive'", { offset: 4 });
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', doc.uri, position, 'item.archiving')),
      /past-tense/,
    );
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', doc.uri, position, 'item.created')),
      /already exists/,
    );
  });

  describe("TypeScript's own features still work on identifiers", () => {
    it("renames a class name with TypeScript's rename, not Event Flow's", async () => {
      const doc = await openSample('src/modules/users/domain/events.ts');
      const position = positionOf(doc, 'class UserCreatedEvent', { offset: 'class '.length + 2 });
      const edit = await waitFor(async () => {
        const e = await executeProvider<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, position, 'UserAddedEvent');
        return e && e.size > 0 ? e : undefined;
      }, 30_000, "TypeScript's rename of UserCreatedEvent");
      const byFile = editsByFile(edit);
      // The identifier, wherever TypeScript sees it: the class, its imports and uses.
      assert.ok(byFile['src/modules/users/domain/events.ts']?.includes('9:13 UserAddedEvent'), JSON.stringify(byFile));
      assert.ok(byFile[USER_SERVICE]?.some((e) => e.endsWith(' UserAddedEvent')), JSON.stringify(byFile));
      assert.ok(byFile[EMAIL_HANDLERS]?.some((e) => e.endsWith(' UserAddedEvent')), JSON.stringify(byFile));
      // Re-exports keep their public name (TypeScript's `useAliasesForRenames`); no event key changes.
      assert.ok(Object.values(byFile).flat().every((e) => / UserAddedEvent( as UserCreatedEvent)?$/.test(e)), `only identifiers change: ${JSON.stringify(byFile)}`);
      assert.deepEqual(byFile['src/modules/users/index.ts'], ['8:9 UserAddedEvent as UserCreatedEvent']);
    });

    it("goes to a class's definition with TypeScript", async () => {
      const doc = await openSample(USER_SERVICE);
      const locations = await waitFor(async () => {
        const l = await executeProvider<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, 'new UserCreatedEvent', { offset: 6 }));
        return l.length > 0 ? l : undefined;
      }, 30_000, "TypeScript's definition of UserCreatedEvent");
      // TypeScript's answer for `new X`: the class and its constructor. Event Flow adds nothing here.
      assert.deepEqual([...new Set(locations.map(where))].sort(), ['src/modules/users/domain/events.ts:15', 'src/modules/users/domain/events.ts:9']);
    });

    it("renames a constant holding a key with TypeScript's rename", async () => {
      const doc = await openSample('src/modules/auth/domain/event-types.ts');
      const position = positionOf(doc, 'PASSWORD_RESET_REQUESTED', { offset: 3 });
      const edit = await waitFor(async () => {
        const e = await executeProvider<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, position, 'RESET_REQUESTED');
        return e && e.size > 0 ? e : undefined;
      }, 30_000, "TypeScript's rename of PASSWORD_RESET_REQUESTED");
      const edits = Object.values(editsByFile(edit)).flat();
      assert.ok(edits.length >= 3, JSON.stringify(editsByFile(edit)));
      assert.ok(edits.every((e) => / RESET_REQUESTED( as PASSWORD_RESET_REQUESTED)?$/.test(e)), `the key string itself is not renamed: ${JSON.stringify(editsByFile(edit))}`);
      assert.deepEqual(editsByFile(edit)['src/modules/email/services/email-event-handlers.ts'], ['26:16 RESET_REQUESTED', '7:9 RESET_REQUESTED']);
    });
  });
});

function label(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}
