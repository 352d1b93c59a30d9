/**
 * The LanguageClient that runs the Event Flow server (dist/server.js) and what happens when
 * that server dies: it is restarted, and the user hears about it once, not at every crash.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { ClientCommands } from '../../server/src/protocol';
import { Commands } from './commandIds';
import { describeError } from './errors';

/** More crashes than this within the window and the server stays down until the user restarts it. */
const MAX_CRASHES = 4;
const CRASH_WINDOW_MS = 3 * 60 * 1000;
/** Connection errors in a row before the client gives up on a server that still runs. */
const MAX_CONNECTION_ERRORS = 3;

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    // The "Attach to Server" launch configuration connects to this port.
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'typescriptreact' },
      { scheme: 'file', language: 'python' },
      { scheme: 'file', pattern: '**/.eventflow.json' },
    ],
    // The server registers the file watchers it needs itself (dynamic registration).
    synchronize: { configurationSection: 'eventFlow' },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: new CrashReportingErrorHandler(output),
    // Hovers link to our commands only; no other command may run from server markdown.
    markdown: { isTrusted: { enabledCommands: [ClientCommands.showLocations, ClientCommands.revealEvent] }, supportThemeIcons: true },
  };
  return new LanguageClient('eventFlow', 'Event Flow', serverOptions, clientOptions);
}

/** Starts the server; a failure is logged and shown (with the way to the log) and rethrown. */
export async function startLanguageClient(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): Promise<void> {
  try {
    const serverModule = context.asAbsolutePath('dist/server.js');
    if (!fs.existsSync(serverModule)) throw new Error(`its program is missing (${serverModule}); rebuild the extension with "npm run build"`);
    await client.start();
  } catch (error) {
    const reason = describeError(error);
    output.error(`The Event Flow language server did not start: ${reason}`);
    void vscode.window.showErrorMessage(`Event Flow could not start its language server: ${reason}`, 'Show Output').then((choice) => choice && output.show());
    throw error;
  }
}

/**
 * Restarts a crashed server and tells the user once per session; after too many crashes in a
 * short time it stops restarting and says so, with a way to restart by hand.
 */
class CrashReportingErrorHandler implements ErrorHandler {
  private crashes: number[] = [];
  private toldAboutRestart = false;

  constructor(private readonly output: vscode.LogOutputChannel) {}

  error(error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    this.output.error(`Connection to the Event Flow server failed: ${error.message}`);
    if (count !== undefined && count <= MAX_CONNECTION_ERRORS) return { action: ErrorAction.Continue, handled: true };
    void showServerDown(`The connection to the Event Flow server keeps failing (${error.message}); the server was stopped.`);
    return { action: ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashes.length > MAX_CRASHES) {
      const message = `The Event Flow server crashed ${this.crashes.length} times in the last 3 minutes and will not be restarted.`;
      this.crashes = [];
      void showServerDown(message);
      return { action: CloseAction.DoNotRestart, message, handled: true };
    }
    if (!this.toldAboutRestart) {
      this.toldAboutRestart = true;
      void vscode.window
        .showWarningMessage('The Event Flow server stopped unexpectedly and was restarted.', 'Show Output')
        .then((choice) => choice && vscode.commands.executeCommand(Commands.showOutput));
    }
    return { action: CloseAction.Restart, message: 'The Event Flow server stopped unexpectedly; restarting it.', handled: true };
  }
}

async function showServerDown(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Restart Server', 'Show Output');
  if (choice === 'Restart Server') await vscode.commands.executeCommand(Commands.restartServer);
  else if (choice === 'Show Output') await vscode.commands.executeCommand(Commands.showOutput);
}
