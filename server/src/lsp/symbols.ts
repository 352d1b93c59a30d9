/** Workspace symbols: events by key and by class name. */
import type { SymbolInformation } from 'vscode-languageserver';
import { SymbolKind } from 'vscode-languageserver';
import type { Folder } from './folder';

const MAX_RESULTS = 500;

export function workspaceSymbols(folders: readonly Folder[], query: string): SymbolInformation[] {
  const q = query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const folder of folders) {
    for (const entry of folder.index.graph.events.values()) {
      for (const d of entry.declarations) {
        if (q && !fuzzy(entry.key.toLowerCase(), q) && !fuzzy(d.name.toLowerCase(), q)) continue;
        out.push({ name: `${entry.key} (${d.name})`, kind: SymbolKind.Event, location: folder.conv.location(d.file, d.nameSpan), containerName: d.module });
        if (out.length >= MAX_RESULTS) return out;
      }
    }
  }
  return out;
}

/** The query's characters appear in order (VS Code's own filtering then ranks them). */
function fuzzy(text: string, query: string): boolean {
  let i = 0;
  for (const ch of text) if (ch === query[i]) i++;
  return i === query.length;
}
