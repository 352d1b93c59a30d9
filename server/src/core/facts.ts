/**
 * Per-file facts: what one file declares, imports, exports, publishes and handles.
 *
 * Facts are a pure function of (path, text, conventions). They name things the way the
 * file writes them (local identifiers, dotted paths); everything global — which class an
 * identifier means, which key a constant holds — is resolved later by `resolve.ts`.
 * Every position is a UTF-16 offset into the file's text (what LSP uses).
 *
 * Extractors for every language (TypeScript, Python) produce exactly these shapes; the rest
 * of the core does not know which language a fact came from.
 */

export interface Span {
  start: number;
  end: number;
}

export type Language = 'typescript' | 'python';

/**
 * How an event key is written at a use site.
 * - `literal`: a string literal / no-substitution template (`'user.created'`).
 * - `ref`: a dotted reference to a declared value: a const, enum member, nested const object
 *   property or static readonly class property (`USER_CREATED`, `Events.user.created`,
 *   `EventTypes.USER_CREATED`). The first segment is a name in the file's scope.
 * - `className`: the name of a class used as the key (`X.name`); the first segment is a name
 *   in the file's scope.
 * - `eventClass`: a class named as the event itself (`@EventsHandler(X)`, `ofType(X)`): the key
 *   is the key that class declares (its class name for class-keyed events); the class is an
 *   event by this use.
 * - `dynamic`: anything that cannot be determined statically; `reason` says why. With `parts`,
 *   the key is those pieces joined (a template literal `` `${PREFIX}.created` ``, an
 *   EventEmitter2 key written as an array of segments): known after all when every piece
 *   resolves to a constant.
 *
 * A `ref` path may name an instance member as `[...Class, 'prototype', member]` (a property
 * read off a typed instance) and a method returning a constant as `member()` (`X.getName()`);
 * `text` is then the expression as written, for messages.
 */
export type KeyExpr =
  | { kind: 'literal'; value: string; span: Span }
  | { kind: 'ref'; path: string[]; span: Span; text?: string }
  | { kind: 'className'; path: string[]; span: Span }
  | { kind: 'eventClass'; path: string[]; span: Span }
  | { kind: 'dynamic'; text: string; reason: string; span: Span; parts?: KeyExpr[] };

/** A value declared in a file that may hold a key: `const X = 'a.b'`, enum members, const objects. */
export interface ValueDecl {
  /** Dotted path from the top-level name: `['Events', 'user', 'created']`, `['EventTypes', 'USER_CREATED']`. */
  path: string[];
  /** The value: a literal or a reference to another value (`const A = B`). */
  value: KeyExpr;
  span: Span;
  /** `{ ...value }` inside the object at `path`: every member of `value` is a member of `path`. */
  spread?: true;
}

/** An event class candidate: any class with a base class (event-ness is decided globally). */
export interface ClassDecl {
  name: string;
  /** The class name's span. */
  nameSpan: Span;
  /** The whole declaration's span. */
  span: Span;
  /** The base class as written: `['EventBase']`, `['events', 'EventBase']`; empty when none. */
  extends: string[];
  /** Interfaces as written (`implements IEvent, ns.IDomainEvent`), when any. */
  implements?: string[][];
  /** Declared `abstract`: never an event by itself, whatever it extends. */
  abstract?: true;
  /** The key this class declares through its event-type property or `super('...')`, if any. */
  eventType?: KeyExpr;
  /** Declared fields (name and type text), for hovers and the catalog. */
  fields: FieldDecl[];
  exported: boolean;
}

export interface FieldDecl {
  name: string;
  type: string;
  optional: boolean;
}

/** `import { a as b } from './x'`, `import * as ns from './x'`, `import d from './x'`. */
export interface ImportDecl {
  specifier: string;
  /** Local name → name exported by the target ('default' for default imports, '*' for namespaces). */
  bindings: { local: string; imported: string }[];
  span: Span;
}

/**
 * What a file exports under which name.
 * - `local`: `export const X`, `export class Y`, `export { a as b }` (name → local name).
 * - `from`: `export { a as b } from './x'` (name → the target's exported name).
 * - `star`: `export * from './x'`.
 */
export type ExportDecl =
  | { kind: 'local'; exported: string; local: string }
  | { kind: 'from'; exported: string; imported: string; specifier: string }
  | { kind: 'star'; specifier: string };

/**
 * What a publish site publishes.
 * - `class`: an instance of a class named by a path in scope (`new X()`, a variable typed `X`).
 * - `key`: a key expression (`emit('user.created', …)`).
 * - `unresolved`: the event cannot be determined statically.
 */
export type PublishTarget =
  | { kind: 'class'; path: string[] }
  | { kind: 'key'; key: KeyExpr }
  | { kind: 'unresolved'; reason: string };

export interface PublishSite {
  target: PublishTarget;
  /** The publishing call expression's span; a publisher's location is where it starts. */
  span: Span;
  /** The source text of the call, shortened, for reports of unresolved sites. */
  text: string;
  /** The enclosing function's id (see `FunctionDecl.id`), if any. */
  inFunction?: string;
  /**
   * A publish only when the class at `classPath` (as written in this file) is or extends one
   * of `bases` (`this.apply(e)` in an `AggregateRoot` subclass); decided with the whole
   * workspace. A class that is one of `bases` itself is the event system: no publish.
   */
  ifExtends?: { classPath: string[]; bases: string[] };
  /** By its convention, what this publishes is an event (`EventBus.publish`): a class that is not one is worth a report. */
  classIsEvent?: true;
}

export interface HandlerSite {
  /** The key(s) the handler is registered for. */
  keys: KeyExpr[];
  /** `Class.method` for methods, the function name otherwise (`<anonymous>` when there is none). */
  name: string;
  className?: string;
  /** The declared type of the first parameter, as a path in scope. */
  paramType?: string[];
  async: boolean;
  /** Where the decorator or registration call is (its start is the handler's location). */
  span: Span;
  /** The span of the handler's name (method or function name), for CodeLens. */
  nameSpan: Span;
  /** The id of the function that implements the handler, for flows; undefined when unknown. */
  functionId?: string;
  /** `decorator` or `registration` (a `subscribeToEvent(key, fn)` call). */
  via: 'decorator' | 'registration';
  /** Keys with `*`/`**` segments are patterns (EventEmitter2 wildcards), matched against published keys. */
  wildcards?: true;
}

/** A function or method body, for flows: the publishes it makes and the same-file functions it calls. */
export interface FunctionDecl {
  /** Unique within the file: `Class.method`, `function`, or `name@offset` when anonymous. */
  id: string;
  span: Span;
  /** Ids of functions in the same file it calls directly. */
  calls: string[];
}

/** A string literal that is used as an event key (in a handler, registration, publish, event class). */
export interface KeyUse {
  span: Span;
  value: string;
  role: 'declaration' | 'handler' | 'publish' | 'constant';
}

/** A class used as an event by a convention; with `ifExtends`, only when that condition holds (see `PublishSite`). */
export interface EventClassUse {
  path: string[];
  ifExtends?: { classPath: string[]; bases: string[] };
  /** Known from a declared type (`publish(e)` with `e: X`), not a construction: an abstract X is not meant. */
  typed?: true;
}

export interface FileFacts {
  /** Absolute path with '/' separators. */
  path: string;
  language: Language;
  imports: ImportDecl[];
  exports: ExportDecl[];
  classes: ClassDecl[];
  values: ValueDecl[];
  publishes: PublishSite[];
  handlers: HandlerSite[];
  functions: FunctionDecl[];
  /** Every string literal written as a key, with its role; drives rename and completion. */
  keyUses: KeyUse[];
  /**
   * Classes this file uses as events by convention (`@EventsHandler(X)`, `eventBus.publish(new X())`),
   * as paths in scope: such a class is an event wherever it is declared. Part of the file's
   * surface, so that a new use re-resolves the class's file.
   */
  eventClassUses?: EventClassUse[];
  /** Number of syntax errors the parser reported; facts are what parsed. */
  syntaxErrors: number;
  /** True for test files (by the conventions' test globs). */
  isTest: boolean;
  /** Set when the file could not be parsed at all (e.g. nesting too deep); the reason. */
  parseFailure?: string;
}

export function emptyFacts(path: string, language: Language): FileFacts {
  return {
    path,
    language,
    imports: [],
    exports: [],
    classes: [],
    values: [],
    publishes: [],
    handlers: [],
    functions: [],
    keyUses: [],
    syntaxErrors: 0,
    isTest: false,
  };
}
