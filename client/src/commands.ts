/**
 * Registers every command the extension contributes (ids in commandIds.ts, titles and menus
 * in package.json). The commands that need more than a few lines live in their own files.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LocationsRequest, ReindexRequest, type LocationKind } from '../../server/src/protocol';
import { newEvent, newHandler } from './codegen';
import { Commands, EVENTS_VIEW_ID } from './commandIds';
import { registerCommand } from './commandRunner';
import { createConfigFile } from './configFile';
import { exportCatalog, exportMermaid } from './exports';
import type { GraphPanel } from './graphPanel';
import type { GraphStore } from './graphStore';
import { goToLocations, isLspLocation, isLspPosition, lspLocationToVscode, lspPositionToVscode } from './locations';
import { eventAtCursor, eventFromArgument, pickEvent, resolveEvent } from './pickers';
import { renameEvent } from './renameEvent';
import type { EventFlowsView } from './tree';

export interface CommandContext {
  client: LanguageClient;
  store: GraphStore;
  view: EventFlowsView;
  graphPanel: GraphPanel;
  output: vscode.LogOutputChannel;
}

export function registerCommands(c: CommandContext): vscode.Disposable[] {
  const { client, store, view, graphPanel, output } = c;
  const command = (id: string, title: string, run: (...args: unknown[]) => unknown) => registerCommand(id, title, output, run);

  return [
    command(Commands.newEvent, 'New Event', (arg) => newEvent(client, store, arg)),
    command(Commands.newHandler, 'New Handler for Event', (arg) => newHandler(client, store, arg)),
    command(Commands.goToHandlers, 'Go to Handlers', (arg) => goToEventLocations(c, 'handlers', arg)),
    command(Commands.goToPublishers, 'Go to Publishers', (arg) => goToEventLocations(c, 'publishers', arg)),
    command(Commands.findReferences, 'Find All References', (arg) => goToEventLocations(c, 'references', arg)),
    command(Commands.renameEvent, 'Rename Event', (arg) => renameEvent(client, store, arg)),
    command(Commands.copyEventType, 'Copy Event Type', async (arg) => {
      const event = await resolveEvent(arg, client, store, 'Copy Event Type');
      if (!event) return;
      await vscode.env.clipboard.writeText(event.key);
      vscode.window.setStatusBarMessage(`$(copy) Copied '${event.key}'`, 3000);
    }),
    command(Commands.revealInTree, 'Reveal in Event Flows', async (arg) => {
      const event = eventFromArgument(arg) ?? (await eventAtCursor(client));
      if (!event) {
        void vscode.window.showInformationMessage('There is no event at the cursor.');
        return;
      }
      if (!(await view.reveal(event.key))) void vscode.window.showInformationMessage(`'${event.key}' is not in the Event Flows view.`);
    }),
    command(Commands.revealInGraph, 'Reveal in Graph', async (arg) => {
      const event = await resolveEvent(arg, client, store, 'Reveal in Graph');
      if (!event) return;
      if (!(await graphPanel.revealEvent(event.key))) void vscode.window.showInformationMessage(`'${event.key}' is not in the graph: only tests publish or handle it.`);
    }),
    command(Commands.showLocations, 'Show Locations', (uri, position, locations) => showLocations(uri, position, locations, output)),
    command(Commands.showGraph, 'Show Event Graph', () => graphPanel.show()),
    command(Commands.exportCatalog, 'Export Event Catalog', () => exportCatalog(client, store)),
    command(Commands.exportMermaid, 'Export as Mermaid', () => exportMermaid(client, store)),
    command(Commands.restartServer, 'Restart Server', () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Restarting the Event Flow server' }, () => client.restart()),
    ),
    command(Commands.showOutput, 'Show Output', () => output.show(true)),
    // Refresh re-indexes from disk (after a change the watchers cannot see, e.g. a mounted folder).
    command(Commands.refresh, 'Refresh', () =>
      vscode.window.withProgress({ location: { viewId: EVENTS_VIEW_ID } }, async () => {
        await client.sendRequest(ReindexRequest.type);
        await store.refresh();
      }),
    ),
    command(Commands.filter, 'Filter', () => view.promptFilter()),
    command(Commands.clearFilter, 'Clear Filter', () => view.setFilter(undefined)),
    command(Commands.groupByModule, 'Group by Module', () => view.setGroupBy('module')),
    command(Commands.groupByEvent, 'Group by Event', () => view.setGroupBy('event')),
    command(Commands.groupByEntity, 'Group by Entity', () => view.setGroupBy('entity')),
    command(Commands.createConfig, 'Create .eventflow.json', () => createConfigFile()),
  ];
}

const NO_RESULTS: Record<LocationKind, string> = {
  handlers: 'No handler handles',
  publishers: 'Nothing publishes',
  declarations: 'No class declares',
  references: 'Nothing references',
};

/**
 * Go to Handlers / Publishers and Find All References: for the tree item, the event under
 * the cursor or a picked one. From the cursor, the peek view opens there; otherwise at the
 * event's class, so that it reads as "this event's handlers".
 */
async function goToEventLocations({ client, store }: CommandContext, kind: LocationKind, arg: unknown): Promise<void> {
  const fromArgument = eventFromArgument(arg);
  const atCursor = fromArgument ? undefined : await eventAtCursor(client);
  const event = fromArgument ?? atCursor ?? (await pickEvent(store, kind === 'references' ? 'Find All References' : `Go to ${kind === 'handlers' ? 'Handlers' : 'Publishers'}`));
  if (!event) return;
  const locations = (await client.sendRequest(LocationsRequest.type, { key: event.key, kind })).map(lspLocationToVscode);
  const editor = vscode.window.activeTextEditor;
  let anchor = atCursor && editor ? new vscode.Location(editor.document.uri, editor.selection.active) : undefined;
  if (!anchor) anchor = (await client.sendRequest(LocationsRequest.type, { key: event.key, kind: 'declarations' })).map(lspLocationToVscode)[0];
  await goToLocations(locations, anchor, `${NO_RESULTS[kind]} '${event.key}'.`);
}

/** The command of the server's lenses: arguments [uri, position, locations] as LSP JSON. */
async function showLocations(uri: unknown, position: unknown, locations: unknown, output: vscode.LogOutputChannel): Promise<void> {
  if (typeof uri !== 'string' || !isLspPosition(position) || !Array.isArray(locations) || !locations.every(isLspLocation)) {
    output.warn('eventFlow.showLocations was called with unexpected arguments; ignored.');
    return;
  }
  await vscode.commands.executeCommand('editor.action.showReferences', vscode.Uri.parse(uri), lspPositionToVscode(position), locations.map(lspLocationToVscode));
}
