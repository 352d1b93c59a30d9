/**
 * How every command runs: a failure (most often an error the server answered with) is
 * shown to the user with the command's name and a way to the log, never swallowed; a
 * cancelled request is not a failure.
 */
import * as vscode from 'vscode';
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { Commands } from './commandIds';
import { describeError } from './errors';

export function registerCommand(id: string, title: string, output: vscode.LogOutputChannel, run: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (error) {
      if (isCancellation(error)) return undefined;
      output.error(`${title} failed: ${describeError(error)}`);
      void showFailure(title, error);
      return undefined;
    }
  });
}

async function showFailure(title: string, error: unknown): Promise<void> {
  const choice = await vscode.window.showErrorMessage(`${title}: ${describeError(error)}`, 'Show Output');
  if (choice) await vscode.commands.executeCommand(Commands.showOutput);
}

function isCancellation(error: unknown): boolean {
  if (error instanceof vscode.CancellationError) return true;
  return error instanceof ResponseError && (error.code === LSPErrorCodes.RequestCancelled || error.code === ErrorCodes.PendingResponseRejected);
}

/** Runs slow work with a progress notification the user can see (and that says what is happening). */
export function withProgress<T>(title: string, work: () => Thenable<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, work);
}
