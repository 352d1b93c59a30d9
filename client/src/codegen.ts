/**
 * New Event… and New Handler for Event…: the user picks and types, the server writes the
 * code (a WorkspaceEdit that follows the workspace's conventions), the editor applies it
 * (so it can be undone) and shows the result.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { NewEventRequest, NewHandlerRequest, ValidateKeyRequest, type GeneratedEdit } from '../../server/src/protocol';
import { entityOf } from './eventFacts';
import type { GraphStore } from './graphStore';
import { lspLocationToVscode } from './locations';
import { eventAtCursor, eventFromArgument, pickEvent, pickModule, type ModuleChoice } from './pickers';
import { withProgress } from './commandRunner';
import type { TreeNode } from './treeModel';

const NEW_EVENT = 'New Event';

export async function newEvent(client: LanguageClient, store: GraphStore, argument: unknown): Promise<void> {
  const module = moduleFromArgument(argument) ?? (await pickModule(client, NEW_EVENT, { step: '1/3' }));
  if (!module) return;

  const knownEntities = [...new Set(store.graph?.folders.flatMap((f) => f.report.events.map((e) => entityOf(e.key))) ?? [])].sort();
  const entity = await vscode.window.showInputBox({
    title: `${NEW_EVENT} in ${module.module} (2/3)`,
    prompt: 'The entity the event is about: the first part of its type, as "user" in user.created.',
    placeHolder: knownEntities.length ? `e.g. ${knownEntities.slice(0, 4).join(', ')}` : 'e.g. invoice',
    validateInput: validateEntity,
    ignoreFocusOut: true,
  });
  if (!entity) return;

  const action = await vscode.window.showInputBox({
    title: `${NEW_EVENT} in ${module.module} (3/3)`,
    prompt: `What happened to the ${entity}, in the past tense: the last part of its type.`,
    value: 'created',
    valueSelection: [0, 'created'.length],
    validateInput: async (value) => validateKey(client, `${entity}.${value.trim()}`, module.folderUri, value.trim() === ''),
    ignoreFocusOut: true,
  });
  if (!action) return;

  const key = `${entity}.${action.trim()}`;
  const generated = await withProgress(`Creating event ${key}…`, () => client.sendRequest(NewEventRequest.type, { folderUri: module.folderUri, module: module.module, key }));
  await applyGeneratedEdit(client, generated);
}

export async function newHandler(client: LanguageClient, store: GraphStore, argument: unknown): Promise<void> {
  const title = 'New Handler for Event';
  const event = eventFromArgument(argument) ?? (await eventAtCursor(client)) ?? (await pickEvent(store, `${title} (1/2)`));
  if (!event) return;
  const module = await pickModule(client, `New Handler for ${event.key}`, { folderUri: event.folderUri, step: '2/2' });
  if (!module) return;
  const generated = await withProgress(`Creating a handler for ${event.key} in ${module.module}…`, () =>
    client.sendRequest(NewHandlerRequest.type, { key: event.key, module: module.module, folderUri: module.folderUri }),
  );
  await applyGeneratedEdit(client, generated);
}

/**
 * Checks a key with the server's naming convention as the user types. Problems block the
 * input (the generated code must follow the convention); a fine key shows what will be created.
 */
export async function validateKey(client: LanguageClient, key: string, folderUri: string | undefined, empty: boolean): Promise<vscode.InputBoxValidationMessage | undefined> {
  if (empty) return { message: 'Type what happened, e.g. "created".', severity: vscode.InputBoxValidationSeverity.Error };
  const result = await client.sendRequest(ValidateKeyRequest.type, { key, folderUri });
  if (result.exists) return { message: `'${key}' already exists.`, severity: vscode.InputBoxValidationSeverity.Error };
  if (!result.ok) {
    const message = result.message ?? `'${key}' does not follow the naming convention.`;
    const suggestion = result.suggestion && !message.includes(result.suggestion) ? ` Did you mean '${result.suggestion}'?` : '';
    return { message: message + suggestion, severity: vscode.InputBoxValidationSeverity.Error };
  }
  return { message: `The event type will be '${key}'.`, severity: vscode.InputBoxValidationSeverity.Info };
}

function validateEntity(value: string): string | undefined {
  const entity = value.trim();
  if (!entity) return 'Type the entity, e.g. "invoice".';
  if (/\s|['"`\\]/.test(entity)) return 'An entity has no spaces, quotes or backslashes.';
  if (entity.startsWith('.') || entity.endsWith('.')) return 'An entity does not start or end with a dot.';
  return undefined;
}

function moduleFromArgument(argument: unknown): ModuleChoice | undefined {
  const node = argument as TreeNode | undefined;
  return node && typeof node === 'object' && 'kind' in node && node.kind === 'module' ? { module: node.module, folderUri: node.folderUri } : undefined;
}

/** Applies the server's edit through the editor (undoable, saved like a refactoring) and shows the new code. */
async function applyGeneratedEdit(client: LanguageClient, generated: GeneratedEdit): Promise<void> {
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(generated.edit);
  if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: true }))) {
    throw new Error('The editor could not apply the generated code (did a file change meanwhile?).');
  }
  if (generated.reveal) {
    const location = lspLocationToVscode(generated.reveal);
    await vscode.window.showTextDocument(location.uri, { selection: location.range });
  }
  vscode.window.setStatusBarMessage(`$(check) ${generated.summary}`, 5000);
}
