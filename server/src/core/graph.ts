/**
 * The event graph: for each key, who declares, publishes and handles it, and the flows
 * between events (a handler that publishes). Built from per-file contributions so that an
 * edit to one file replaces only that file's part.
 *
 * Wildcard handlers (`@OnEvent('order.*')`) live under their pattern and are also listed,
 * as the same objects, among the handlers of every key the pattern matches that something
 * declares or publishes: rules, navigation and hovers see them as that key's handlers. Which
 * keys a pattern matches is kept up to date on every add and remove, and the keys whose
 * handlers changed that way are reported as touched, so that they are re-checked.
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
  /** The key is the class's name (a class-keyed event: CQRS, domain-event styles). */
  classKey?: true;
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
  /** The key is a wildcard pattern (`order.*`, `**`): the handler handles every key it matches. */
  wildcard?: true;
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
  /** Bumped on every change, so answers derived from the whole graph can be cached. */
  version = 0;
  readonly flows = new Map<string, Flow[]>(); // by file
  readonly unresolved = new Map<string, Unresolved[]>(); // by file
  /** Wildcard patterns (keys of entries with wildcard handlers) → the keys each matches. */
  private readonly patterns = new Map<string, Set<string>>();

  constructor(private delimiter = '.') {}

  /** The segment delimiter of wildcard patterns; changing it re-matches every pattern. */
  setDelimiter(delimiter: string): void {
    if (delimiter === this.delimiter) return;
    this.delimiter = delimiter;
    this.refreshWildcards(new Set(this.events.keys()));
  }

  /** The keys a wildcard pattern matches (declared or published ones), sorted; empty for a plain key. */
  matchesOf(pattern: string): string[] {
    return [...(this.patterns.get(pattern) ?? [])].sort();
  }

  /** Whether the key is a wildcard pattern some handler listens to. */
  isPattern(key: string): boolean {
    return this.patterns.has(key);
  }

  /** Wildcard patterns handlers listen to, sorted. */
  patternKeys(): string[] {
    return [...this.patterns.keys()].sort();
  }

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

  /**
   * By file, in path order: never in the order files happened to be edited (rules and reports
   * depend on it). A flow from a wildcard handler is a flow from each key its pattern matches.
   */
  allFlows(): Flow[] {
    const flows = byFile(this.flows);
    if (this.patterns.size === 0) return flows;
    return flows.flatMap((f) => {
      const matched = this.patterns.get(f.from);
      return matched ? [...matched].sort().map((from) => ({ ...f, from })) : [f];
    });
  }

  allUnresolved(): Unresolved[] {
    return byFile(this.unresolved);
  }

  /** Event keys sorted, for stable output; a wildcard pattern that nothing declares or publishes is not one. */
  keys(): string[] {
    return [...this.events.keys()].filter((k) => !this.isPatternOnly(k)).sort();
  }

  private isPatternOnly(key: string): boolean {
    if (!this.patterns.has(key)) return false;
    const e = this.events.get(key)!;
    return !e.declarations.length && !e.publishers.length && e.handlers.every((h) => h.wildcard && h.key === key);
  }

  /** Adds a file's contribution; returns the keys it touches. */
  add(file: string, c: FileContribution): Set<string> {
    this.version++;
    const touched = new Set<string>();
    // Each list stays in file path order, whatever the order of edits: a fresh index and an
    // incremental one then list (and name in messages) the same things in the same order.
    for (const d of c.declarations) insertInFileOrder(this.getOrCreate(d.key).declarations, d), touched.add(d.key);
    for (const p of c.publishers) insertInFileOrder(this.getOrCreate(p.key).publishers, p), touched.add(p.key);
    for (const h of c.handlers) insertInFileOrder(this.getOrCreate(h.key).handlers, h), touched.add(h.key);
    if (c.flows.length) this.flows.set(file, c.flows);
    if (c.unresolved.length) this.unresolved.set(file, c.unresolved);
    this.refreshWildcards(touched);
    return touched;
  }

  /** Removes a file's contribution; returns the keys it touched. */
  remove(file: string, c: FileContribution): Set<string> {
    this.version++;
    const touched = new Set<string>();
    const drop = <T extends Location>(list: T[]) => list.filter((x) => x.file !== file);
    for (const key of contributionKeys(c)) {
      const e = this.events.get(key);
      if (!e) continue;
      touched.add(key);
      e.declarations = drop(e.declarations);
      e.publishers = drop(e.publishers);
      e.handlers = drop(e.handlers);
      if (!e.declarations.length && !e.publishers.length && !e.handlers.some((h) => h.key === key)) this.events.delete(key);
    }
    this.flows.delete(file);
    this.unresolved.delete(file);
    this.refreshWildcards(touched);
    return touched;
  }

  clear(): void {
    this.version++;
    this.events.clear();
    this.flows.clear();
    this.unresolved.clear();
    this.patterns.clear();
  }

  /**
   * Brings wildcard handlers up to date after the entries of `touched` changed: patterns that
   * appeared, changed or went away are re-matched against every key, and touched keys against
   * every pattern. Keys whose handlers changed and patterns whose matches changed are added to
   * `touched`.
   */
  private refreshWildcards(touched: Set<string>): void {
    if (this.patterns.size === 0 && ![...touched].some((k) => this.events.get(k)?.handlers.some((h) => h.wildcard))) return;
    const rematch = new Set<string>();
    for (const key of [...touched]) {
      const e = this.events.get(key);
      const isPattern = !!e?.handlers.some((h) => h.wildcard && h.key === key);
      const was = this.patterns.get(key);
      if (isPattern || was) {
        // The pattern's handlers may have changed: every key it matched or matches now is re-derived.
        for (const k of was ?? []) rematch.add(k);
        if (isPattern) {
          if (!was) this.patterns.set(key, new Set());
          for (const [k, entry] of this.events) if (this.matchable(k, entry) && k !== key && wildcardMatches(key, k, this.delimiter)) rematch.add(k);
        } else this.patterns.delete(key);
      }
      rematch.add(key);
    }
    for (const key of rematch) {
      const e = this.events.get(key);
      const own = e ? e.handlers.filter((h) => h.key === key) : [];
      const copies: EventHandler[] = [];
      for (const [pattern, matched] of this.patterns) {
        if (pattern === key) continue;
        const matches = !!e && this.matchable(key, e) && wildcardMatches(pattern, key, this.delimiter);
        if (matches) copies.push(...this.events.get(pattern)!.handlers.filter((h) => h.wildcard && h.key === pattern));
        if (matches !== matched.has(key)) {
          if (matches) matched.add(key);
          else matched.delete(key);
          touched.add(pattern);
        }
      }
      if (!e) continue;
      const before = e.handlers.length - own.length;
      if (copies.length === 0 && before === 0) continue;
      const next = [...own, ...copies].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start));
      if (next.length !== e.handlers.length || next.some((h, i) => h !== e.handlers[i])) touched.add(key);
      e.handlers = next;
    }
  }

  /** A key a wildcard can match: something declares or publishes it. */
  private matchable(key: string, e: EventEntry): boolean {
    return (e.declarations.length > 0 || e.publishers.length > 0) && !this.isPatternOnly(key);
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

/** Whether a key has a wildcard segment (`*` or `**`, whole segments, as EventEmitter2 reads them). */
export function isWildcardKey(key: string, delimiter: string): boolean {
  return key.split(delimiter).some((s) => s === '*' || s === '**');
}

/** EventEmitter2's matching: `*` is exactly one segment, `**` any number of segments (none included). */
export function wildcardMatches(pattern: string, key: string, delimiter: string): boolean {
  const p = pattern.split(delimiter);
  const k = key.split(delimiter);
  // Memoised over (pattern index, key index): `**` can make naive backtracking exponential.
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const id = i * (k.length + 1) + j;
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    let r: boolean;
    if (i === p.length) r = j === k.length;
    else if (p[i] === '**') r = match(i + 1, j) || (j < k.length && match(i, j + 1));
    else r = j < k.length && (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
    memo.set(id, r);
    return r;
  };
  return match(0, 0);
}

export const EMPTY_CONTRIBUTION: FileContribution = { declarations: [], publishers: [], handlers: [], unresolved: [], flows: [], refs: [] };
