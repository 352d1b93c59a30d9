/**
 * Event Flow's VS Code extension: a thin shell around the language server. Activation
 * sets up the views and commands first (so they answer at once, with a "starting" state),
 * then starts the server; a failure to start is shown to the user, never swallowed.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { GraphResult } from '../../server/src/protocol';
import { registerCommands } from './commands';
import { describeError } from './errors';
import { GraphPanel } from './graphPanel';
import { GraphStore } from './graphStore';
import { createLanguageClient, startLanguageClient } from './languageClient';
import { EventFlowStatusBar } from './statusBar';
import { EventFlowsView } from './tree';

/** What `activate` returns; the extension tests use it. */
export interface EventFlowApi {
  /** Resolves when the first index is complete; rejects when the server cannot start. */
  ready: Promise<void>;
  /** The server's current graph, fetched fresh. */
  getGraph(): Promise<GraphResult>;
  client: LanguageClient;
}

let runningClient: LanguageClient | undefined;

/** Shows a failure to activate (with the way to the log) before VS Code records it. */
export function activate(context: vscode.ExtensionContext): EventFlowApi {
  const output = vscode.window.createOutputChannel('Event Flow', { log: true });
  context.subscriptions.push(output);
  try {
    return activateWith(context, output);
  } catch (error) {
    const reason = describeError(error);
    output.error(`Event Flow failed to activate: ${error instanceof Error && error.stack ? error.stack : reason}`);
    void vscode.window.showErrorMessage(`Event Flow failed to activate: ${reason}`, 'Show Output').then((choice) => choice && output.show());
    throw error;
  }
}

function activateWith(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): EventFlowApi {
  const client = createLanguageClient(context, output);
  runningClient = client;
  const store = new GraphStore(client, output);
  const view = new EventFlowsView(store, context.workspaceState);
  const graphPanel = new GraphPanel(context.extensionUri, store, output);
  context.subscriptions.push(store, view, graphPanel, new EventFlowStatusBar(store), ...registerCommands({ client, store, view, graphPanel, output }));

  const started = startLanguageClient(context, client, output);
  started.catch(() => store.markStartFailed());
  const ready = started.then(() => store.ready);
  // The failure was shown to the user already; this only keeps it from counting as unhandled.
  ready.catch(() => undefined);
  return {
    ready,
    getGraph: async () => {
      await started;
      return store.fetchGraph();
    },
    client,
  };
}

export function deactivate(): Thenable<void> | undefined {
  return runningClient?.stop();
}
