/**
 * Rename Event… from the tree (or the palette): asks for the new type, checked as the user
 * types, then has the server rename it everywhere through the standard rename request at
 * one of the places where the key is written as a literal.
 */
import * as vscode from 'vscode';
import { PrepareRenameRequest, RenameRequest, type LanguageClient } from 'vscode-languageclient/node';
import { LocationsRequest } from '../../server/src/protocol';
import { validateKey } from './codegen';
import { escapeRegExp } from './eventFacts';
import { withProgress } from './commandRunner';
import type { GraphStore } from './graphStore';
import { lspLocationToVscode } from './locations';
import { resolveEvent } from './pickers';

/** How many sites, and quoted keys per site, to try before giving up on finding the key written as a literal. */
const MAX_SITES_TRIED = 30;
const LITERALS_TRIED_PER_SITE = 3;

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
    const site = await findRenameSite(client, key);
    if (!site) throw new Error(`Event Flow found no place where '${key}' is written as a string to rename from.`);
    const lspEdit = await client.sendRequest(RenameRequest.type, {
      textDocument: { uri: client.code2ProtocolConverter.asUri(site.uri) },
      position: client.code2ProtocolConverter.asPosition(site.position),
      newName: newKey.trim(),
    });
    if (!lspEdit) throw new Error(`The server cannot rename '${key}'.`);
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(lspEdit);
    if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: true }))) throw new Error('The editor could not apply the rename.');
    return edit.entries().length;
  });
  vscode.window.setStatusBarMessage(`$(check) Renamed '${key}' to '${newKey.trim()}' in ${changed} file${changed === 1 ? '' : 's'}`, 5000);
}

/**
 * A position inside a string literal that holds the key, which is where the server renames
 * from: the quoted key nearest to one of the event's sites (its class, handlers,
 * publishers), as long as the server agrees that it can rename there.
 */
async function findRenameSite(client: LanguageClient, key: string): Promise<{ uri: vscode.Uri; position: vscode.Position } | undefined> {
  const sites = (await client.sendRequest(LocationsRequest.type, { key, kind: 'references' })).map(lspLocationToVscode);
  const quoted = new RegExp(`(['"\`])${escapeRegExp(key)}\\1`, 'g');
  const tried = new Set<string>();
  for (const site of sites.slice(0, MAX_SITES_TRIED)) {
    const document = await vscode.workspace.openTextDocument(site.uri);
    const siteOffset = document.offsetAt(site.range.start);
    const literals = [...document.getText().matchAll(quoted)].map((m) => m.index + 1).sort((a, b) => Math.abs(a - siteOffset) - Math.abs(b - siteOffset));
    for (const offset of literals.slice(0, LITERALS_TRIED_PER_SITE)) {
      const id = `${site.uri.toString()}#${offset}`;
      if (tried.has(id)) continue;
      tried.add(id);
      const position = document.positionAt(offset);
      const prepared = await client.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: client.code2ProtocolConverter.asUri(site.uri) }, position: client.code2ProtocolConverter.asPosition(position) });
      if (prepared) return { uri: site.uri, position };
    }
  }
  return undefined;
}
