/// <reference types="mocha" />
// Activation, the extension's API and the diagnostics it publishes on the sample workspace.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  SAMPLE_DIAGNOSTICS, codeOf, eventFlowDiagnostics, eventFlowDiagnosticsOf, eventFlowReady, extensionUnderTest, sampleUri, waitFor, workspaceRoot,
  type EventFlowApi,
} from './helpers';

const SAMPLE_EVENTS = [
  'email.sent',
  'item.archive',
  'item.craeted',
  'item.created',
  'item.deleted',
  'item.updated',
  'password.reset.requested',
  'probe.fired',
  'user.created',
  'user.deleted',
  'user.updated',
];

describe('Event Flow: activation and API', function () {
  this.timeout(90_000);
  let api: EventFlowApi;

  it('activates without an error and returns its API', async () => {
    const ext = extensionUnderTest();
    api = (await ext.activate()) as EventFlowApi;
    assert.equal(ext.isActive, true);
    assert.equal(typeof api.getGraph, 'function');
    assert.ok(api.ready instanceof Promise, 'ready is a promise');
    assert.ok(api.client, 'the API exposes the language client');
  });

  it('resolves `ready` once the first index is complete', async () => {
    api = await eventFlowReady();
    assert.equal(api.client.isRunning(), true);
  });

  it("getGraph() has the sample's 11 events in one folder", async () => {
    const graph = await api.getGraph();
    assert.equal(graph.folders.length, 1);
    assert.equal(vscode.Uri.parse(graph.folders[0].folderUri).fsPath, workspaceRoot().fsPath);
    assert.deepEqual(graph.folders[0].report.events.map((e) => e.key).sort(), SAMPLE_EVENTS);
    const created = graph.folders[0].report.events.find((e) => e.key === 'user.created')!;
    assert.deepEqual(created.declarations.map((d) => `${d.name} ${d.file}:${d.line}`), ['UserCreatedEvent src/modules/users/domain/events.ts:9']);
    assert.deepEqual(created.handlers.filter((h) => !h.isTest).map((h) => `${h.name} ${h.module}`), ['EmailEventHandlers.handleUserCreated email']);
    assert.deepEqual(
      graph.folders[0].report.flows.map((f) => `${f.from}>${f.to}`),
      ['password.reset.requested>email.sent', 'user.created>email.sent'],
    );
  });

  it('registers every command it contributes', async () => {
    const contributed: string[] = extensionUnderTest().packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), []);
  });

  it('publishes diagnostics for the four deliberate mistakes, and nothing else', async () => {
    const got = await waitFor(() => {
      const all = eventFlowDiagnostics();
      return all.length >= SAMPLE_DIAGNOSTICS.length ? all : undefined;
    }, 30_000, "Event Flow's diagnostics");
    assert.deepEqual(got, SAMPLE_DIAGNOSTICS);

    const severityOf = (rel: string) => eventFlowDiagnosticsOf(sampleUri(rel)).map((d) => `${codeOf(d)} ${vscode.DiagnosticSeverity[d.severity]}`);
    assert.deepEqual(severityOf('src/modules/items/domain/events.ts'), ['event-naming Warning']);
    assert.deepEqual(severityOf('src/modules/users/domain/events.ts'), ['unpublished-event Hint']);
    assert.deepEqual(severityOf('src/modules/users/services/user-service.ts'), ['unhandled-event Warning']);
    const [unknown] = eventFlowDiagnosticsOf(sampleUri('src/modules/notifications/services/notifications-event-handlers.ts'));
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(unknown.message, /did you mean 'item\.created'/);
    // The range is the key string, so the squiggle sits under 'item.craeted'.
    assert.deepEqual([unknown.range.start.line, unknown.range.start.character, unknown.range.end.character], [20, 17, 29]);
  });
});
