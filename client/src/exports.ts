/**
 * Exports: the event catalog opens as an untitled Markdown document (nothing is written
 * until the user saves it, wherever they like); the Mermaid graph is written to a file the
 * user picks (event-flows.md in the workspace folder by default), then opened.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CatalogRequest, MermaidRequest } from '../../server/src/protocol';
import { withProgress } from './commandRunner';
import type { GraphStore } from './graphStore';

export async function exportCatalog(client: LanguageClient, store: GraphStore): Promise<void> {
  const folder = await pickGraphFolder(store, 'Export Event Catalog');
  if (!folder) return;
  const { markdown } = await withProgress('Building the event catalog…', () => client.sendRequest(CatalogRequest.type, { folderUri: folder.uri.toString() }));
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(document);
}

export async function exportMermaid(client: LanguageClient, store: GraphStore): Promise<void> {
  const folder = await pickGraphFolder(store, 'Export as Mermaid');
  if (!folder) return;
  const target = await vscode.window.showSaveDialog({
    title: 'Export Event Flows as Mermaid',
    saveLabel: 'Export',
    defaultUri: vscode.Uri.joinPath(folder.uri, 'event-flows.md'),
    filters: { Markdown: ['md'] },
  });
  if (!target) return;
  const { markdown } = await withProgress('Exporting the event flows as Mermaid…', () => client.sendRequest(MermaidRequest.type, { folderUri: folder.uri.toString() }));
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(asMarkdownDocument(markdown, folder.name)));
  await vscode.window.showTextDocument(target);
}

/** The server's Mermaid as a Markdown document with a ```mermaid block, whichever of the two it sent. */
function asMarkdownDocument(text: string, folderName: string): string {
  if (text.includes('```mermaid')) return text;
  return `# Event flows of ${folderName}\n\n\`\`\`mermaid\n${text.trimEnd()}\n\`\`\`\n`;
}

/** The workspace folder to export: the only one with a graph, or the one the user picks. */
async function pickGraphFolder(store: GraphStore, title: string): Promise<vscode.WorkspaceFolder | undefined> {
  const graph = store.graph ?? (await store.fetchGraph());
  const folders = graph.folders.map((f) => vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(f.folderUri))).filter((f): f is vscode.WorkspaceFolder => f !== undefined);
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('Event Flow has no indexed workspace folder to export yet.');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: `${title}: pick a workspace folder` });
}
