/**
 * "Create .eventflow.json": the way out of an empty Event Flows view. Writes a starting
 * configuration (the sample conventions, for the user to adapt) or opens the existing one.
 */
import * as vscode from 'vscode';
import { fileExists } from './locations';

const CONFIG_FILE = '.eventflow.json';

const STARTER_CONFIG = `{
  // How Event Flow recognises this workspace's events. Hover a setting for help;
  // the eventFlow.* settings apply where this file says nothing.

  // Folders whose direct children are modules.
  "modulesRoots": ["src/modules"],

  // A class is an event when it extends one of these, directly or not.
  "baseClasses": ["EventBase"],

  // Decorators and calls that register handlers (keyArg: the argument with the event type).
  "handlerDecorators": [{ "name": "eventHandler", "keyArg": 0 }],
  "registrations": [{ "name": "subscribeToEvent", "keyArg": 0, "handlerArg": 1 }],

  // Calls that publish: a function taking the event, or a method called on the event.
  "publishes": [
    { "name": "publishEvent", "kind": "function", "argument": 0, "argumentIs": "event" },
    { "name": "publish", "kind": "instance" }
  ]
}
`;

export async function createConfigFile(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.length === 1 ? vscode.workspace.workspaceFolders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: `Where to create ${CONFIG_FILE}` });
  if (!folder) {
    if (!vscode.workspace.workspaceFolders?.length) void vscode.window.showInformationMessage(`Open a folder first: ${CONFIG_FILE} lives at the root of a workspace folder.`);
    return;
  }
  const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE);
  if (!(await fileExists(uri))) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(STARTER_CONFIG));
  await vscode.window.showTextDocument(uri);
}
