/// <reference types="mocha" />
// The commands that need no QuickPick when given an event key (as hovers and the tree give
// them): where they take the user, what they open. The QuickPick-driven ones are UI tests.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  SAMPLE_DIAGNOSTICS, codeOf, eventFlowDiagnostics, eventFlowReady, openSample, rangeOf, relPath, revertAll, sampleUri, waitFor, waitForDiagnostics,
  type EventFlowApi,
} from './helpers';

describe('Event Flow: commands', function () {
  this.timeout(60_000);
  let api: EventFlowApi;

  before(async () => {
    api = await eventFlowReady();
  });
  afterEach(revertAll);

  const activeAt = () => {
    const editor = vscode.window.activeTextEditor;
    return editor ? `${relPath(editor.document.uri)}:${editor.selection.active.line + 1}` : undefined;
  };

  it("Go to Handlers opens an event's only handler at its line", async () => {
    await vscode.commands.executeCommand('eventFlow.goToHandlers', 'user.created');
    assert.equal(await waitFor(activeAt, 10_000, 'an editor'), 'src/modules/email/services/email-event-handlers.ts:21');
  });

  it("Go to Publishers opens an event's only publisher at its line", async () => {
    await vscode.commands.executeCommand('eventFlow.goToPublishers', 'user.deleted');
    assert.equal(await waitFor(activeAt, 10_000, 'an editor'), 'src/modules/users/services/user-service.ts:58');
  });

  it('Export Event Catalog opens an untitled Markdown document with every event', async () => {
    await vscode.commands.executeCommand('eventFlow.exportCatalog');
    const doc = await waitFor(() => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.isUntitled && d.languageId === 'markdown' ? d : undefined;
    }, 10_000, 'the catalog');
    const text = doc.getText();
    for (const key of ['user.created', 'user.deleted', 'item.archive', 'email.sent', 'password.reset.requested']) {
      assert.ok(text.includes(key), `the catalog mentions ${key}`);
    }
    assert.match(text, /UserCreatedEvent/);
    assert.match(text, /EmailEventHandlers\.handleUserCreated/);
  });

  it('Show Event Graph opens the graph webview', async () => {
    await vscode.commands.executeCommand('eventFlow.showGraph');
    const tab = await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('eventFlow.graph')),
      10_000,
      'the graph tab',
    );
    assert.equal(tab.label, 'Event Flow Graph');
    await vscode.window.tabGroups.close(tab);
  });

  it('Restart Server brings the server back with the same graph and diagnostics', async () => {
    await vscode.commands.executeCommand('eventFlow.restartServer');
    await waitFor(() => api.client.isRunning(), 30_000, 'the server to run again');
    const graph = await waitFor(async () => {
      const g = await api.getGraph();
      return g.folders[0]?.report.events.length === 11 ? g : undefined;
    }, 30_000, 'the graph after the restart');
    assert.ok(graph.folders[0].report.events.some((e) => e.key === 'user.created'));
    await waitFor(() => JSON.stringify(eventFlowDiagnostics()) === JSON.stringify(SAMPLE_DIAGNOSTICS), 30_000, 'the diagnostics after the restart');
  });

  it('a restarted server knows the unsaved text of open documents', async () => {
    // Unsaved: the search module stops handling item.deleted, so item-service.ts gets a warning.
    const doc = await openSample('src/modules/search/services/search-event-handlers.ts');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, rangeOf(doc, "@eventHandler('item.deleted')"), "@eventHandler('item.deleted.nope')");
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const itemService = sampleUri('src/modules/items/services/item-service.ts');
    const unhandled = (ds: readonly vscode.Diagnostic[]) => ds.some((d) => d.source === 'event-flow' && codeOf(d) === 'unhandled-event');
    await waitForDiagnostics(itemService, unhandled, 15_000, 'item.deleted to become unhandled');

    await vscode.commands.executeCommand('eventFlow.restartServer');
    await waitFor(() => api.client.isRunning(), 30_000, 'the server to run again');
    await waitFor(async () => (await api.getGraph()).folders[0]?.report.events.length === 12, 30_000, 'the graph after the restart, with item.deleted.nope');
    assert.ok(unhandled(vscode.languages.getDiagnostics(itemService)), 'after the restart, item.deleted is still unhandled in the unsaved text');
  });
});
