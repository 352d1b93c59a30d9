/**
 * CodeLens on event classes ("2 publishers · 3 handlers") and on handlers ("handles
 * user.created · 1 publisher"). Lenses are cheap to list; each resolves to a command that
 * shows the locations (the client's peek command).
 */
import type { CodeLens, Location } from 'vscode-languageserver';
import { ClientCommands } from '../protocol';
import { pathToUri } from './convert';
import type { Folder } from './folder';
import { handlerLocations, publisherLocations } from './navigation';

interface LensData {
  uri: string;
  key: string;
  /** What the lens shows when clicked. */
  show: 'handlers' | 'publishers' | 'both';
  title: string;
}

export function codeLenses(folder: Folder | undefined, path: string | undefined): CodeLens[] {
  if (!folder || !path || !folder.codeLensEnabled) return [];
  const graph = folder.index.graph;
  const uri = pathToUri(path);
  const lenses: CodeLens[] = [];
  const seen = new Set<string>();
  for (const ref of folder.index.refsOf(path)) {
    if (ref.role !== 'class' && ref.role !== 'handler') continue;
    const entry = graph.entry(ref.key);
    if (!entry) continue;
    if (ref.role === 'class') {
      const id = `c${ref.span.start}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const title = `${plural(live(entry.publishers), 'publisher')} · ${plural(live(entry.handlers), 'handler')}`;
      lenses.push({ range: folder.conv.range(path, ref.span), data: { uri, key: ref.key, show: 'both', title } satisfies LensData });
    }
  }
  // One lens per handler, on its name.
  for (const h of handlersIn(folder, path)) {
    const entry = graph.entry(h.key);
    const publishers = entry ? live(entry.publishers) : 0;
    const title = `handles ${h.key} · ${plural(publishers, 'publisher')}`;
    lenses.push({ range: folder.conv.range(path, h.nameSpan), data: { uri, key: h.key, show: 'publishers', title } satisfies LensData });
  }
  return lenses;
}

function handlersIn(folder: Folder, path: string) {
  const contribution = folder.index.files.get(path)?.contribution;
  return contribution?.handlers ?? [];
}

export function resolveCodeLens(folder: Folder | undefined, lens: CodeLens): CodeLens {
  const data = lens.data as LensData | undefined;
  if (!folder || !data) return lens;
  let locations: Location[];
  if (data.show === 'handlers') locations = handlerLocations(folder, data.key);
  else if (data.show === 'publishers') locations = publisherLocations(folder, data.key);
  else locations = [...publisherLocations(folder, data.key), ...handlerLocations(folder, data.key)];
  lens.command = { title: data.title, command: ClientCommands.showLocations, arguments: [data.uri, lens.range.start, locations] };
  return lens;
}

/** Counts as the rules do: tests neither publish nor handle. */
function live(list: { isTest: boolean }[]): number {
  return list.filter((x) => !x.isTest).length;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
