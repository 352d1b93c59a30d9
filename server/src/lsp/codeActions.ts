/**
 * Quick fixes for Event Flow's diagnostics:
 * - event-naming: "Rename to 'x.y'" — the same edit as a rename, so handlers stay connected;
 * - unknown-event: "Change to 'x.y'" — the handler's key only;
 * - unhandled-event: "Create a handler in module …", one per module, computed on resolve.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import { EditBuilder, type VersionOf } from './edits';
import type { Folder } from './folder';
import { generateHandler } from './generate';
import { renameKey, renameProblem } from './rename';

interface DiagnosticData {
  key?: string;
  suggestion?: string;
}

interface ResolveData {
  kind: 'createHandler';
  folderUri: string;
  key: string;
  module: string;
}

export function codeActions(folder: Folder | undefined, path: string | undefined, params: CodeActionParams, versionOf: VersionOf): CodeAction[] {
  if (!folder || !path) return [];
  const actions: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== 'event-flow') continue;
    const data = (d.data ?? {}) as DiagnosticData;
    if (d.code === 'event-naming' && data.key && data.suggestion && !renameProblem(folder, data.key, data.suggestion)) {
      actions.push({
        title: `Rename event type to '${data.suggestion}' everywhere`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: renameKey(folder, data.key, data.suggestion, versionOf),
      });
    } else if (d.code === 'unknown-event' && data.suggestion && isLiteralAt(folder, path, d)) {
      actions.push({
        title: `Change to '${data.suggestion}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: new EditBuilder(versionOf).replace(path, d.range, data.suggestion).build(),
      });
    } else if (d.code === 'unhandled-event' && data.key) {
      const publishingModule = folder.index.moduleOf(path);
      // A handler can be generated in a module of the language the event is declared in.
      const declared = new Set(folder.index.graph.declarationsOf(data.key).map((x) => (x.file.endsWith('.py') ? 'python' : 'typescript')));
      for (const [module, language] of [...folder.index.moduleLanguages()].sort(([a], [b]) => a.localeCompare(b))) {
        if (module === publishingModule) continue;
        if (declared.size > 0 && !declared.has(language) && language === 'typescript') continue;
        actions.push({
          title: `Create a handler for '${data.key}' in module ${module}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          data: { kind: 'createHandler', folderUri: folder.uri, key: data.key, module } satisfies ResolveData,
        });
      }
    }
  }
  return actions;
}

export function resolveCodeAction(folders: readonly Folder[], action: CodeAction, versionOf: VersionOf): CodeAction {
  const data = action.data as ResolveData | undefined;
  if (data?.kind !== 'createHandler') return action;
  const folder = folders.find((f) => f.uri === data.folderUri);
  if (!folder) return action;
  action.edit = generateHandler(folder, data.key, data.module, versionOf).edit;
  return action;
}

function isLiteralAt(folder: Folder, path: string, d: Diagnostic): boolean {
  const offset = folder.conv.offset(path, d.range.start);
  if (offset === undefined) return false;
  const ref = folder.index.refAt(path, offset);
  return !!ref?.literal;
}
