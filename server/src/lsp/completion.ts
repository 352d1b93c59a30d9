/**
 * Completion inside the key string of a handler decorator, a registration call or a
 * publish function that takes a key: the known keys, each with its declaring class and its
 * counts. The context is read from the current line only; the items are built once per
 * graph change, and a large workspace gets the best matches of what is typed, marked
 * incomplete so the editor asks again as the user types.
 */
import type { CompletionItem, CompletionList, Position } from 'vscode-languageserver';
import { CompletionItemKind, MarkupKind } from 'vscode-languageserver';
import type { Folder } from './folder';

/** `callee(` or `@callee(`, optionally `[` and earlier keys, then an open string up to the cursor. */
const KEY_CONTEXT = /@?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\(\s*(?:\w+\s*=\s*)?(?:\[\s*(?:(['"`])[^'"`]*\2\s*,\s*)*)?(['"`])([^'"`]*)$/;

/** More items than this and the list is filtered by what is typed, then cut. */
const MAX_ITEMS = 200;

export function completion(folder: Folder | undefined, path: string | undefined, position: Position): CompletionList | null {
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
  const all = keyItems(folder);
  let candidates = all;
  let isIncomplete = false;
  if (all.length > MAX_ITEMS) {
    const query = typed.toLowerCase();
    candidates = query ? all.filter((item) => isSubsequence(query, item.label.toLowerCase())) : all;
    if (candidates.length > MAX_ITEMS) candidates = candidates.slice(0, MAX_ITEMS);
    isIncomplete = true;
  }
  return { isIncomplete, items: candidates.map((item) => ({ ...item, textEdit: { range, newText: item.label } })) };
}

const itemCache = new WeakMap<Folder, { version: number; items: CompletionItem[] }>();

/** Every known key as a completion item (without its edit range), cached until the graph changes. */
function keyItems(folder: Folder): CompletionItem[] {
  const graph = folder.index.graph;
  const cached = itemCache.get(folder);
  if (cached && cached.version === graph.version) return cached.items;
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
    });
  }
  // Declared keys first, as the editor sorts them.
  items.sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
  itemCache.set(folder, { version: graph.version, items });
  return items;
}

function isSubsequence(query: string, text: string): boolean {
  let i = 0;
  for (let j = 0; j < text.length && i < query.length; j++) if (text[j] === query[i]) i++;
  return i === query.length;
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
    ...c.publishes.filter((p) => p.argumentIs === 'key').map((p) => p.name),
  ]);
  return names.has(aliased) || names.has(last);
}
