/**
 * Go to handlers (implementation), go to the event class (definition) and find references,
 * from a publish call, an event class, a key string or a handler.
 */
import type { Location, Position } from 'vscode-languageserver';
import type { KeyRef } from '../core/graph';
import type { Folder } from './folder';

export interface Target {
  folder: Folder;
  path: string;
  offset: number;
  ref: KeyRef;
}

/** What stands for an event under the cursor, if anything. */
export function targetAt(folder: Folder | undefined, path: string | undefined, position: Position): Target | undefined {
  if (!folder || !path) return undefined;
  const offset = folder.conv.offset(path, position);
  if (offset === undefined) return undefined;
  const ref = folder.index.refAt(path, offset);
  if (!ref) return undefined;
  // A string constant is an event only when its value is a key the workspace knows.
  if (ref.role === 'constant' && !folder.index.graph.events.has(ref.key)) return undefined;
  return { folder, path, offset, ref };
}

/** Handlers of a key outside test files (all of them when only tests handle it), for "go to handlers". */
export function handlerLocations(folder: Folder, key: string, includeTests = false): Location[] {
  return liveFirst(folder.index.graph.handlersOf(key), includeTests).map((h) => folder.conv.location(h.file, h.nameSpan));
}

export function publisherLocations(folder: Folder, key: string, includeTests = false): Location[] {
  return liveFirst(folder.index.graph.publishersOf(key), includeTests).map((p) => folder.conv.location(p.file, p.span));
}

function liveFirst<T extends { isTest: boolean }>(list: T[], includeTests: boolean): T[] {
  if (includeTests) return [...list.filter((x) => !x.isTest), ...list.filter((x) => x.isTest)];
  const live = list.filter((x) => !x.isTest);
  return live.length ? live : list;
}

export function declarationLocations(folder: Folder, key: string): Location[] {
  return folder.index.graph.declarationsOf(key).map((d) => folder.conv.location(d.file, d.nameSpan));
}

/** `textDocument/implementation`: every handler of the event under the cursor. */
export function implementation(t: Target | undefined): Location[] | null {
  if (!t) return null;
  return handlerLocations(t.folder, t.ref.key);
}

/**
 * `textDocument/definition`: on a key string or a handler, the event class. On the class
 * itself we answer nothing, so TypeScript's own definition stays the only answer there.
 */
export function definition(t: Target | undefined): Location[] | null {
  if (!t || t.ref.role === 'class') return null;
  const decls = declarationLocations(t.folder, t.ref.key);
  return decls.length ? decls : null;
}

/** `textDocument/references`: declarations, publishers and handlers of the key. */
export function references(t: Target | undefined, includeDeclaration: boolean): Location[] | null {
  if (!t) return null;
  const { folder } = t;
  const key = t.ref.key;
  const out = [...(includeDeclaration ? declarationLocations(folder, key) : []), ...publisherLocations(folder, key, true), ...handlerLocations(folder, key, true)];
  // Also the constants that hold the key (the class's own literal is its declaration, already listed).
  const seen = new Set(out.map((l) => `${l.uri}:${l.range.start.line}:${l.range.start.character}`));
  for (const { file, ref } of folder.index.literalRefs(key)) {
    const loc = folder.conv.location(file, ref.span);
    const id = `${loc.uri}:${loc.range.start.line}:${loc.range.start.character}`;
    if (!seen.has(id) && ref.role !== 'declaration') {
      seen.add(id);
      out.push(loc);
    }
  }
  return out;
}
