/**
 * Locations: the one place where report locations (root-relative files, 1-based lines) and
 * server locations (LSP JSON) become `vscode.Location`s, and where a list of them is shown
 * the way VS Code shows its own (open one, peek several, say so when there are none).
 */
import * as vscode from 'vscode';
import type { ReportLocation } from '../../server/src/core/report';

export function reportLocationToVscode(folderUri: string, location: ReportLocation): vscode.Location {
  const uri = vscode.Uri.joinPath(vscode.Uri.parse(folderUri), ...location.file.split('/'));
  return new vscode.Location(uri, new vscode.Range(location.line - 1, location.column - 1, location.endLine - 1, location.endColumn - 1));
}

export function folderRelativeUri(folderUri: string, relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.Uri.parse(folderUri), ...relativePath.split('/').filter(Boolean));
}

export async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The arguments of `vscode.open` that open a location with its range selected. */
export function openArguments(location: vscode.Location): [vscode.Uri, vscode.TextDocumentShowOptions] {
  return [location.uri, { selection: location.range, preview: true }];
}

async function openLocation(location: vscode.Location): Promise<void> {
  await vscode.window.showTextDocument(location.uri, { selection: location.range, preview: true });
}

/**
 * Shows locations like Go to Implementations does: one opens, several open in a peek view at
 * `anchor` (the cursor, or the first location when the command came from elsewhere).
 */
export async function goToLocations(locations: readonly vscode.Location[], anchor: vscode.Location | undefined, noResultsMessage: string): Promise<void> {
  if (locations.length === 0) {
    void vscode.window.showInformationMessage(noResultsMessage);
    return;
  }
  if (locations.length === 1) {
    await openLocation(locations[0]);
    return;
  }
  const at = anchor ?? locations[0];
  await vscode.commands.executeCommand('editor.action.goToLocations', at.uri, at.range.start, [...locations], 'peek', noResultsMessage);
}

interface LspPosition {
  line: number;
  character: number;
}

interface LspLocation {
  uri: string;
  range: { start: LspPosition; end: LspPosition };
}

export function isLspPosition(value: unknown): value is LspPosition {
  const p = value as Partial<LspPosition> | null;
  return typeof p === 'object' && p !== null && isIndex(p.line) && isIndex(p.character);
}

export function isLspLocation(value: unknown): value is LspLocation {
  const l = value as Partial<LspLocation> | null;
  return typeof l === 'object' && l !== null && typeof l.uri === 'string' && typeof l.range === 'object' && l.range !== null && isLspPosition(l.range.start) && isLspPosition(l.range.end);
}

export function lspPositionToVscode(p: LspPosition): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

export function lspLocationToVscode(l: LspLocation): vscode.Location {
  return new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(lspPositionToVscode(l.range.start), lspPositionToVscode(l.range.end)));
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
