/**
 * The status bar item: a spinner while the server indexes, then "N events · M problems";
 * the tooltip has the details per folder, a click opens the Event Flows view.
 */
import * as vscode from 'vscode';
import type { FolderStatus } from '../../server/src/protocol';
import { Commands, EVENTS_VIEW_ID } from './commandIds';
import { folderName, plural } from './eventFacts';
import type { GraphStore } from './graphStore';

export class EventFlowStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('eventFlow.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: GraphStore) {
    this.item.name = 'Event Flow';
    this.subscription = store.onDidChangeStatus(() => this.update());
    this.update();
    this.item.show();
  }

  private update(): void {
    const { item, store } = this;
    const folders = store.status?.folders ?? [];
    item.backgroundColor = undefined;
    item.command = { title: 'Show Event Flows', command: `${EVENTS_VIEW_ID}.focus` };

    if (store.serverState === 'stopped') {
      item.text = '$(circle-slash) Event Flow';
      item.tooltip = 'The Event Flow server is not running. Click to restart it.';
      item.command = { title: 'Restart Server', command: Commands.restartServer };
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      item.accessibilityInformation = { label: 'Event Flow: the server is not running. Activate to restart it.' };
      return;
    }
    if (store.serverState === 'starting' || !store.status) {
      item.text = '$(sync~spin) Event Flow: starting…';
      item.tooltip = 'The Event Flow server is starting.';
      item.accessibilityInformation = { label: 'Event Flow is starting' };
      return;
    }
    if (store.indexing) {
      const files = sum(folders, (f) => f.filesScanned);
      item.text = `$(sync~spin) Event Flow: indexing…${files ? ` ${files} files` : ''}`;
      item.tooltip = this.tooltip(folders, true);
      item.accessibilityInformation = { label: `Event Flow is indexing the workspace, ${plural(files, 'file')} so far` };
      return;
    }
    const events = sum(folders, (f) => f.events);
    const problems = sum(folders, (f) => f.problems);
    item.text = `$(pulse) ${plural(events, 'event')} · ${plural(problems, 'problem')}`;
    item.tooltip = this.tooltip(folders, false);
    item.accessibilityInformation = { label: `Event Flow: ${plural(events, 'event')}, ${plural(problems, 'problem')}. Activate to show the Event Flows view.` };
  }

  private tooltip(folders: readonly FolderStatus[], indexing: boolean): vscode.MarkdownString {
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [`${EVENTS_VIEW_ID}.focus`, Commands.showGraph, Commands.showOutput] };
    md.appendMarkdown(indexing ? '**Event Flow** is indexing the workspace…\n\n' : '**Event Flow**\n\n');
    for (const f of folders) {
      if (folders.length > 1) md.appendMarkdown('**').appendText(folderName(f.folderUri)).appendMarkdown('**\n\n');
      md.appendText(`${plural(f.events, 'event')} · ${plural(f.problems, 'problem')}`).appendMarkdown('  \n');
      md.appendText(`${plural(f.filesScanned, 'file')} scanned, ${f.filesParsed} parsed`).appendMarkdown('  \n');
      md.appendText(`${f.unresolved} unresolved publish${f.unresolved === 1 ? '' : 'es'} or handler${f.unresolved === 1 ? '' : 's'}`).appendMarkdown('  \n');
      if (!f.indexing) md.appendText(`indexed in ${formatDuration(f.durationMs)}`).appendMarkdown('  \n');
      md.appendText(f.configFile ? `configuration: ${f.configFile}` : 'configuration: defaults (no .eventflow.json)').appendMarkdown('\n\n');
    }
    md.appendMarkdown(`[Show Event Flows](command:${EVENTS_VIEW_ID}.focus) · [Show Graph](command:${Commands.showGraph}) · [Show Output](command:${Commands.showOutput})`);
    return md;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

function sum(folders: readonly FolderStatus[], value: (f: FolderStatus) => number): number {
  return folders.reduce((total, f) => total + value(f), 0);
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
