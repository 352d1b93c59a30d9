/**
 * Rename an event type across the workspace: every place the key is written as a literal
 * (event classes, handlers, registrations, publishes, constants) changes in one
 * WorkspaceEdit. A key written through a constant changes once, at the constant.
 */
import { ResponseError, ErrorCodes, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import { checkEventName } from '../core/naming';
import type { Folder } from './folder';
import type { Target } from './navigation';
import { EditBuilder, type VersionOf } from './edits';

export function prepareRename(t: Target | undefined): { range: Range; placeholder: string } | null {
  // Only a key string is ours to rename; identifiers (class names, constants) stay TypeScript's.
  if (!t || !t.ref.literal) return null;
  return { range: t.folder.conv.range(t.path, t.ref.span), placeholder: t.ref.key };
}

export function rename(t: Target | undefined, newName: string, versionOf: VersionOf): WorkspaceEdit | null {
  if (!t || !t.ref.literal) return null;
  return renameKey(t.folder, t.ref.key, newName, versionOf);
}

/** The edit that renames `key` to `newKey` everywhere; refuses names that break the convention or exist. */
export function renameKey(folder: Folder, key: string, newKey: string, versionOf: VersionOf): WorkspaceEdit {
  const problem = renameProblem(folder, key, newKey);
  if (problem) throw new ResponseError(ErrorCodes.InvalidParams, problem);
  const builder = new EditBuilder(versionOf);
  for (const { file, ref } of folder.index.literalRefs(key)) builder.replace(file, folder.conv.range(file, ref.span), newKey);
  return builder.build();
}

export function renameProblem(folder: Folder, key: string, newKey: string): string | undefined {
  const trimmed = newKey.trim();
  if (trimmed !== newKey || newKey.length === 0) return `'${newKey}' is not a valid event type: no surrounding spaces, not empty`;
  if (/['"`\\\n]/.test(newKey)) return `'${newKey}' is not a valid event type: it may not contain quotes, backslashes or line breaks`;
  if (newKey === key) return `The event type is already '${key}'`;
  const naming = checkEventName(newKey, folder.index.currentConventions.naming);
  if (naming) return `Cannot rename: event type ${naming.message}`;
  const existing = folder.index.graph.entry(newKey);
  if (existing && (existing.declarations.length || existing.publishers.length || existing.handlers.length)) {
    return `Cannot rename to '${newKey}': that event type already exists (${existing.declarations[0]?.name ?? 'used by handlers or publishers'}); renaming would merge two events`;
  }
  return undefined;
}
