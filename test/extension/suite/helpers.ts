// Helpers for the extension-host tests. They run inside the real VS Code (code-server's Node
// extension host), so everything here is the real `vscode` API.
//
// Adding a language-feature test is meant to be a few lines, e.g.:
//
//   it('hovers an event name with its publishers', async () => {
//     const doc = await openSample('src/orders/place-order.ts');
//     await activateExtensionUnderTest();
//     const hovers = await waitFor(async () => {
//       const h = await executeProvider<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'OrderPlaced'));
//       return h.length > 0 ? h : undefined;
//     }, 15_000, 'a hover on OrderPlaced');
//     assert.match(hoverText(hovers), /published by/);
//   });
//
// Never sleep for a fixed time: poll with waitFor() for the state you expect.
import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * Polls `condition` (every 50 ms) until it returns something truthy and returns that value.
 * A condition that throws counts as "not yet"; its last error is quoted if time runs out.
 */
export async function waitFor<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  message = 'the condition',
): Promise<T> {
  const start = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() - start > timeoutMs) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The folder the workbench opened (the sample workspace). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('No workspace folder is open; the runner opens the sample workspace.');
  return folder.uri;
}

/** The path the runner asked the workbench to open (EVENTFLOW_TEST_WORKSPACE). */
export function expectedWorkspacePath(): string | undefined {
  return process.env.EVENTFLOW_TEST_WORKSPACE;
}

/** Opens `relPath` (relative to the sample workspace) in an editor and returns its document. */
export async function openSample(relPath: string, options: { preview?: boolean } = {}): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...relPath.split(/[\\/]/));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: options.preview ?? false });
  return doc;
}

/**
 * The position of `needle` in `doc`: the `occurrence`-th match (1-based, default 1), moved
 * `offset` characters into the needle (default 0, its first character).
 */
export function positionOf(
  doc: vscode.TextDocument,
  needle: string,
  options: { occurrence?: number; offset?: number } = {},
): vscode.Position {
  return rangeOf(doc, needle, options).start.translate(0, options.offset ?? 0);
}

/** The range of the `occurrence`-th match (1-based) of `needle` in `doc`. */
export function rangeOf(doc: vscode.TextDocument, needle: string, options: { occurrence?: number } = {}): vscode.Range {
  const text = doc.getText();
  const occurrence = options.occurrence ?? 1;
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) {
      throw new Error(`"${needle}" occurs fewer than ${occurrence} time(s) in ${path.basename(doc.uri.fsPath)}`);
    }
  }
  return new vscode.Range(doc.positionAt(index), doc.positionAt(index + needle.length));
}

/** Runs a command, typically one of the `vscode.execute…Provider` commands, and types its result. */
export async function executeProvider<T>(command: string, ...args: unknown[]): Promise<T> {
  return (await vscode.commands.executeCommand<T>(command, ...args)) as T;
}

/** The plain text of hovers, for matching. */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

/** The id (`publisher.name`) of the extension under test, when the runner installed one. */
export function extensionUnderTestId(): string | undefined {
  return process.env.EVENTFLOW_TEST_EXTENSION_ID || undefined;
}

/** The extension under test as VS Code sees it. */
export function extensionUnderTest(): vscode.Extension<unknown> {
  const id = extensionUnderTestId();
  if (!id) throw new Error('The runner installed no extension under test (no package.json).');
  const ext = vscode.extensions.getExtension(id);
  if (!ext) throw new Error(`VS Code does not know the extension ${id}.`);
  return ext;
}

/** Activates the extension under test (a no-op when it is active) and returns its exports. */
export async function activateExtensionUnderTest<T = unknown>(): Promise<T> {
  const ext = extensionUnderTest();
  return (ext.isActive ? ext.exports : await ext.activate()) as T;
}

/** Waits until the diagnostics of `uri` satisfy `predicate` and returns them. */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = 15_000,
  message = `diagnostics of ${path.basename(uri.fsPath)}`,
): Promise<readonly vscode.Diagnostic[]> {
  return waitFor(() => {
    const diagnostics = vscode.languages.getDiagnostics(uri);
    return predicate(diagnostics) ? diagnostics : undefined;
  }, timeoutMs, message);
}
