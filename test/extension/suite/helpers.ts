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

// ---------------------------------------------------------------------------------------
// Event Flow specifics

/** The sample's four deliberate mistakes (`path:LINE code`), as the protocol tests know them. */
export const SAMPLE_DIAGNOSTICS = [
  'src/modules/items/domain/events.ts:51 event-naming',
  'src/modules/notifications/services/notifications-event-handlers.ts:21 unknown-event',
  'src/modules/users/domain/events.ts:24 unpublished-event',
  'src/modules/users/services/user-service.ts:58 unhandled-event',
];

/** What the extension's `activate` returns (client/src/extension.ts), as the tests use it. */
export type EventFlowApi = import('../../../client/src/extension').EventFlowApi;

/** Activates Event Flow and waits for its first index; returns its API. */
export async function eventFlowReady(timeoutMs = 60_000): Promise<EventFlowApi> {
  const api = await activateExtensionUnderTest<EventFlowApi>();
  await Promise.race([
    api.ready,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`Event Flow's first index did not finish within ${timeoutMs} ms`)), timeoutMs)),
  ]);
  return api;
}

/** A workspace file's URI from its path relative to the workspace root. */
export function sampleUri(relPath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relPath.split(/[\\/]/));
}

/** `uri` relative to the workspace root, with forward slashes. */
export function relPath(uri: vscode.Uri): string {
  return path.relative(workspaceRoot().fsPath, uri.fsPath).split(path.sep).join('/');
}

/** A location (or location link) as `relative/path.ts:LINE` (1-based line), for exact comparisons. */
export function where(location: vscode.Location | vscode.LocationLink): string {
  const uri = 'targetUri' in location ? location.targetUri : location.uri;
  const range = 'targetUri' in location ? (location.targetSelectionRange ?? location.targetRange) : location.range;
  return `${relPath(uri)}:${range.start.line + 1}`;
}

/** Every Event Flow diagnostic of the workspace as `path:LINE code`, sorted. */
export function eventFlowDiagnostics(): string[] {
  return vscode.languages
    .getDiagnostics()
    .flatMap(([uri, diagnostics]) => diagnostics.filter((d) => d.source === 'event-flow').map((d) => `${relPath(uri)}:${d.range.start.line + 1} ${codeOf(d)}`))
    .sort();
}

/** A diagnostic's code as a string (VS Code may wrap it as `{ value, target }`). */
export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code);
}

/** The Event Flow diagnostics of one file. */
export function eventFlowDiagnosticsOf(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'event-flow');
}

/**
 * Reverts every document with unsaved changes (untitled ones too), so a test that edits leaves
 * the workspace as it found it for the next one, and closes all editors. Files on disk are not
 * touched. (Closing a dirty editor would open a "Save changes?" dialog that blocks the suite.)
 */
export async function revertAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor(() => !doc.isDirty || doc.isClosed, 5000, `${doc.uri.toString()} to be reverted`);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Edits of a WorkspaceEdit grouped by relative path: `{ 'src/a.ts': ['8:25 item.archived', …] }` (1-based line, 0-based column). */
export function editsByFile(edit: vscode.WorkspaceEdit): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [uri, edits] of edit.entries()) {
    out[relPath(uri)] = edits.map((e) => `${e.range.start.line + 1}:${e.range.start.character} ${e.newText}`).sort();
  }
  return out;
}
