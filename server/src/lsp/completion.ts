/**
 * Completion inside the key string of a handler decorator, a registration call or a
 * publish function that takes a key: the known keys, each with its declaring class and its
 * counts. Works on the current line only, so it costs the same on any workspace.
 */
import type { CompletionItem, Position } from 'vscode-languageserver';
import { CompletionItemKind, MarkupKind } from 'vscode-languageserver';
import type { Folder } from './folder';

/** `callee(` or `@callee(`, optionally `[` and earlier keys, then an open string up to the cursor. */
const KEY_CONTEXT = /@?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\(\s*(?:\w+\s*=\s*)?(?:\[\s*(?:(['"`])[^'"`]*\2\s*,\s*)*)?(['"`])([^'"`]*)$/;

export function completion(folder: Folder | undefined, path: string | undefined, position: Position): CompletionItem[] | null {
  if (!folder || !path) return null;
  const text = folder.index.textOf(path);
  if (text === undefined) return null;
  const starts = folder.index.lineStartsOf(path);
  if (!starts || position.line >= starts.length) return null;
  const lineStart = starts[position.line];
  const prefix = text.slice(lineStart, lineStart + position.character);
  const m = KEY_CONTEXT.exec(prefix);
  if (!m || !isKeyCallee(folder, path, m[1])) return null;
  const typed = m[4];
  const range = { start: { line: position.line, character: position.character - typed.length }, end: position };
  const graph = folder.index.graph;
  const items: CompletionItem[] = [];
  for (const key of graph.keys()) {
    const e = graph.entry(key)!;
    const decl = e.declarations[0];
    const counts = `${e.publishers.length} publisher${e.publishers.length === 1 ? '' : 's'} · ${e.handlers.length} handler${e.handlers.length === 1 ? '' : 's'}`;
    items.push({
      label: key,
      kind: CompletionItemKind.Event,
      detail: decl ? `${decl.name}${decl.module ? ` (${decl.module})` : ''}` : 'not declared by any event class',
      documentation: { kind: MarkupKind.Markdown, value: counts },
      labelDetails: { description: counts },
      sortText: `${decl ? '0' : '1'}${key}`,
      filterText: key,
      textEdit: { range, newText: key },
    });
  }
  return items;
}

/** Whether a callee (as written, possibly aliased or namespaced) takes an event key. */
function isKeyCallee(folder: Folder, path: string, written: string): boolean {
  const c = folder.index.currentConventions;
  const facts = folder.index.factsOfFile(path);
  const last = written.slice(written.lastIndexOf('.') + 1);
  const aliased = facts?.imports.flatMap((i) => i.bindings).find((b) => b.local === written)?.imported ?? last;
  const names = new Set<string>([
    ...c.handlerDecorators.map((d) => d.name),
    ...c.registrations.map((r) => r.name.slice(r.name.lastIndexOf('.') + 1)),
    ...c.publishes.filter((p) => p.kind === 'function' && p.argumentIs === 'key').map((p) => p.name),
  ]);
  return names.has(aliased) || names.has(last);
}
