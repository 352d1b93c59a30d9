/**
 * The event graph: for each key, who declares, publishes and handles it, and the flows
 * between events (a handler that publishes). Built from per-file contributions so that an
 * edit to one file replaces only that file's part.
 */
import type { FieldDecl, Span } from './facts';

export interface Location {
  file: string;
  span: Span;
  /** The module the file belongs to, if any. */
  module?: string;
}

export interface EventDeclaration extends Location {
  key: string;
  /** The class name. */
  name: string;
  nameSpan: Span;
  /** The key's string literal (content only), when written as a literal in the class. */
  keySpan?: Span;
  fields: FieldDecl[];
  isTest: boolean;
}

export interface EventPublisher extends Location {
  key: string;
  text: string;
  isTest: boolean;
  /** The function the publish is in, if any. */
  inFunction?: string;
}

export interface EventHandler extends Location {
  key: string;
  /** `Class.method` or the function's name. */
  name: string;
  nameSpan: Span;
  async: boolean;
  via: 'decorator' | 'registration';
  /** The key as written in the registration (its literal's content, or the constant's reference). */
  keySpan: Span;
  /** The key of the event class named by the handler's first parameter type, when it is one. */
  paramKey?: string;
  paramType?: string;
  isTest: boolean;
}

export interface Flow {
  from: string;
  to: string;
  /** The handler that publishes. */
  via: string;
  handler: Location;
  publisher: Location;
}

export interface Unresolved extends Location {
  kind: 'publish' | 'handler';
  text: string;
  reason: string;
}

/** A place in a file that stands for an event: what the cursor can be on. */
export interface KeyRef {
  span: Span;
  key: string;
  role: 'declaration' | 'class' | 'handler' | 'publish' | 'constant';
  /** True when the span is a string literal's content (renameable in place). */
  literal: boolean;
}

export interface FileContribution {
  declarations: EventDeclaration[];
  publishers: EventPublisher[];
  handlers: EventHandler[];
  unresolved: Unresolved[];
  flows: Flow[];
  refs: KeyRef[];
}

export interface EventEntry {
  key: string;
  declarations: EventDeclaration[];
  publishers: EventPublisher[];
  handlers: EventHandler[];
}

export class EventGraph {
  readonly events = new Map<string, EventEntry>();
  readonly flows = new Map<string, Flow[]>(); // by file
  readonly unresolved = new Map<string, Unresolved[]>(); // by file

  entry(key: string): EventEntry | undefined {
    return this.events.get(key);
  }

  handlersOf(key: string): EventHandler[] {
    return this.events.get(key)?.handlers ?? [];
  }

  publishersOf(key: string): EventPublisher[] {
    return this.events.get(key)?.publishers ?? [];
  }

  declarationsOf(key: string): EventDeclaration[] {
    return this.events.get(key)?.declarations ?? [];
  }

  /** By file, in path order: never in the order files happened to be edited (rules and reports depend on it). */
  allFlows(): Flow[] {
    return byFile(this.flows);
  }

  allUnresolved(): Unresolved[] {
    return byFile(this.unresolved);
  }

  /** Keys sorted, for stable output. */
  keys(): string[] {
    return [...this.events.keys()].sort();
  }

  /** Adds a file's contribution; returns the keys it touches. */
  add(file: string, c: FileContribution): Set<string> {
    const touched = new Set<string>();
    // Each list stays in file path order, whatever the order of edits: a fresh index and an
    // incremental one then list (and name in messages) the same things in the same order.
    for (const d of c.declarations) insertInFileOrder(this.getOrCreate(d.key).declarations, d), touched.add(d.key);
    for (const p of c.publishers) insertInFileOrder(this.getOrCreate(p.key).publishers, p), touched.add(p.key);
    for (const h of c.handlers) insertInFileOrder(this.getOrCreate(h.key).handlers, h), touched.add(h.key);
    if (c.flows.length) this.flows.set(file, c.flows);
    if (c.unresolved.length) this.unresolved.set(file, c.unresolved);
    return touched;
  }

  /** Removes a file's contribution; returns the keys it touched. */
  remove(file: string, c: FileContribution): Set<string> {
    const touched = new Set<string>();
    const drop = <T extends Location>(list: T[]) => list.filter((x) => x.file !== file);
    for (const key of contributionKeys(c)) {
      const e = this.events.get(key);
      if (!e) continue;
      touched.add(key);
      e.declarations = drop(e.declarations);
      e.publishers = drop(e.publishers);
      e.handlers = drop(e.handlers);
      if (!e.declarations.length && !e.publishers.length && !e.handlers.length) this.events.delete(key);
    }
    this.flows.delete(file);
    this.unresolved.delete(file);
    return touched;
  }

  clear(): void {
    this.events.clear();
    this.flows.clear();
    this.unresolved.clear();
  }

  private getOrCreate(key: string): EventEntry {
    let e = this.events.get(key);
    if (!e) {
      e = { key, declarations: [], publishers: [], handlers: [] };
      this.events.set(key, e);
    }
    return e;
  }
}

/** Inserts after every item of the same or an earlier file (a file's own items keep their source order). */
function insertInFileOrder<T extends Location>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && list[i - 1].file > item.file) i--;
  list.splice(i, 0, item);
}

function byFile<T>(map: Map<string, T[]>): T[] {
  return [...map.keys()].sort().flatMap((file) => map.get(file)!);
}

export function contributionKeys(c: FileContribution): Set<string> {
  const keys = new Set<string>();
  for (const d of c.declarations) keys.add(d.key);
  for (const p of c.publishers) keys.add(p.key);
  for (const h of c.handlers) keys.add(h.key);
  return keys;
}

export const EMPTY_CONTRIBUTION: FileContribution = { declarations: [], publishers: [], handlers: [], unresolved: [], flows: [], refs: [] };
