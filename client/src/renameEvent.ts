/**
 * Rename Event… from the tree (or the palette): asks for the new type, checked as the user
 * types, then has the server compute the rename (the same edit as a rename at a key string)
 * and applies it through the editor, so it is one undoable edit.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RenameEventRequest } from '../../server/src/protocol';
import { validateKey } from './codegen';
import { withProgress } from './commandRunner';
import type { GraphStore } from './graphStore';
import { resolveEvent } from './pickers';

export async function renameEvent(client: LanguageClient, store: GraphStore, argument: unknown): Promise<void> {
  const event = await resolveEvent(argument, client, store, 'Rename Event');
  if (!event) return;
  const { key } = event;
  const newKey = await vscode.window.showInputBox({
    title: `Rename Event ${key}`,
    prompt: 'The new event type. Every class, handler, registration and constant that writes it changes.',
    value: key,
    valueSelection: [key.lastIndexOf('.') + 1, key.length],
    validateInput: async (value) => (value.trim() === key ? undefined : validateKey(client, value.trim(), event.folderUri, value.trim() === '')),
    ignoreFocusOut: true,
  });
  if (!newKey || newKey.trim() === key) return;

  const changed = await withProgress(`Renaming ${key} to ${newKey.trim()}…`, async () => {
    const lspEdit = await client.sendRequest(RenameEventRequest.type, { key, newKey: newKey.trim(), folderUri: event.folderUri });
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(lspEdit);
    if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: true }))) throw new Error('The editor could not apply the rename.');
    return edit.entries().length;
  });
  vscode.window.setStatusBarMessage(`$(check) Renamed '${key}' to '${newKey.trim()}' in ${changed} file${changed === 1 ? '' : 's'}`, 5000);
}
