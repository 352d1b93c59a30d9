/**
 * Choosing an event or a module: from a tree item, from the cursor, or from a QuickPick.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { KeyAtRequest, ModulesRequest } from '../../server/src/protocol';
import { problemsByKey, siteCounts, worstSeverity } from './eventFacts';
import type { GraphStore } from './graphStore';
import type { TreeNode } from './treeModel';

export interface EventChoice {
  key: string;
  /** The folder whose graph the event came from, when known. */
  folderUri?: string;
}

/** The event a command was invoked on: a tree item, a key (hover links, tests) or nothing. */
export function eventFromArgument(argument: unknown): EventChoice | undefined {
  if (typeof argument === 'string' && argument.length > 0) return { key: argument };
  const node = argument as TreeNode | undefined;
  if (node && typeof node === 'object' && 'kind' in node) {
    if (node.kind === 'event') return { key: node.event.key, folderUri: node.folderUri };
    if (node.kind === 'flow') return { key: node.to, folderUri: node.folderUri };
  }
  return undefined;
}

/** The event under the cursor of the active editor, if there is one. */
export async function eventAtCursor(client: LanguageClient): Promise<EventChoice | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== 'file') return undefined;
  const result = await client.sendRequest(KeyAtRequest.type, {
    uri: client.code2ProtocolConverter.asUri(editor.document.uri),
    position: client.code2ProtocolConverter.asPosition(editor.selection.active),
  });
  const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri);
  return result ? { key: result.key, folderUri: folder?.uri.toString() } : undefined;
}

interface EventItem extends vscode.QuickPickItem {
  choice: EventChoice;
}

/** A QuickPick of every known event: "user.created — UserCreatedEvent · users", "2 publishers · 1 handler". */
export async function pickEvent(store: GraphStore, title: string): Promise<EventChoice | undefined> {
  const graph = store.graph ?? (await store.fetchGraph());
  const multiRoot = graph.folders.length > 1;
  const items: EventItem[] = [];
  for (const { folderUri, report } of graph.folders) {
    const problems = problemsByKey(report);
    for (const event of report.events) {
      const declaration = event.declarations[0];
      const worst = worstSeverity(problems.get(event.key) ?? []);
      const where = [declaration?.name, declaration?.module, multiRoot ? folderLabel(folderUri) : undefined].filter(Boolean).join(' · ');
      items.push({
        label: event.key,
        description: where,
        detail: siteCounts(event),
        iconPath: new vscode.ThemeIcon(worst === 'error' ? 'error' : worst ? 'warning' : 'symbol-event'),
        choice: { key: event.key, folderUri },
      });
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(store.indexing ? 'Event Flow is still indexing the workspace.' : 'Event Flow found no events in this workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Type an event type or a class name', matchOnDescription: true, matchOnDetail: false });
  return picked?.choice;
}

/** The event a command is about: its argument, else the one under the cursor, else one the user picks. */
export async function resolveEvent(argument: unknown, client: LanguageClient, store: GraphStore, title: string): Promise<EventChoice | undefined> {
  return eventFromArgument(argument) ?? (await eventAtCursor(client)) ?? (await pickEvent(store, title));
}

export interface ModuleChoice {
  module: string;
  folderUri: string;
}

interface ModuleItem extends vscode.QuickPickItem {
  choice?: ModuleChoice;
}

export async function pickModule(client: LanguageClient, title: string, options: { folderUri?: string; step?: string } = {}): Promise<ModuleChoice | undefined> {
  const folders = await client.sendRequest(ModulesRequest.type, options.folderUri ? { folderUri: options.folderUri } : {});
  const items: ModuleItem[] = [];
  for (const { folderUri, modules } of folders) {
    if (folders.length > 1) items.push({ label: folderLabel(folderUri), kind: vscode.QuickPickItemKind.Separator });
    for (const module of modules) items.push({ label: module, iconPath: new vscode.ThemeIcon('package'), choice: { module, folderUri } });
  }
  if (items.length === 0) {
    void vscode.window.showWarningMessage('Event Flow found no modules. Set "modulesRoots" in .eventflow.json (or the eventFlow.modulesRoots setting) to the folders whose children are modules.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: options.step ? `${title} (${options.step})` : title, placeHolder: 'Pick a module' });
  return picked?.choice;
}

function folderLabel(folderUri: string): string {
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(folderUri))?.name ?? vscode.Uri.parse(folderUri).path.split('/').pop() ?? folderUri;
}
