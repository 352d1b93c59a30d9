/**
 * The Python extractor: per-file facts (see `../facts.ts`) from Python source, parsed with
 * web-tree-sitter and the tree-sitter-python grammar (both WebAssembly, no native build).
 *
 * Usage: `await initPythonParser()` once, then `extractPython(path, text, conventions)`
 * synchronously, as often as needed. Extraction is a pure function of its inputs and does
 * not throw on any input text: syntax errors are counted in `syntaxErrors` and whatever
 * parsed is still extracted.
 *
 * Decisions (the contract leaves these open for Python):
 * - Syntax errors: `syntaxErrors` counts ERROR and MISSING nodes (an ERROR node's own
 *   subtree is not searched further). When a file has errors, tree-sitter's recovery can let
 *   one unclosed bracket swallow everything after it (common while typing), so the file is
 *   re-parsed as separate top-level chunks cut at column-0 statements inside the erroneous
 *   nodes; facts before and after an error survive (see `chunkStarts`).
 * - Spans: web-tree-sitter parses JS strings as UTF-16, and its `startIndex`/`endIndex` are
 *   UTF-16 code-unit offsets into the string (tested with non-BMP characters), so they are
 *   used as they are.
 * - Imports: `import a.b.c` gives `{ specifier: 'a', bindings: [{ local: 'a', imported: '*' }] }`
 *   (Python binds the top package; `a.b.c.X` is found through the packages' submodules) plus
 *   `{ specifier: 'a.b.c', bindings: [] }` recording the module import itself;
 *   `import a.b.c as m` gives specifier 'a.b.c' with `{ local: 'm', imported: '*' }`;
 *   `from a.b import X as Y` binds `{ local: 'Y', imported: 'X' }` with specifier 'a.b';
 *   relative specifiers keep their dots ('.', '.events', '..core.events');
 *   `from m import *` binds `{ local: '*', imported: '*' }`. One ImportDecl per imported
 *   module (`import a, b` gives two), each with the whole statement's span. Imports are
 *   collected wherever they are written (inside functions, `try`, `if TYPE_CHECKING`).
 *   `from pkg import name` may name a submodule `pkg/name.py`; the resolver tries that
 *   when `pkg/__init__.py` has no such name (see `pythonSubmoduleSpecifier`).
 * - Exports: none (Python has no export syntax; the resolver treats top-level names and
 *   imports as exported). `__all__` is ignored.
 * - isTest: always false here; the caller sets it from `conventions.testFiles`.
 * - Names of decorators, registration and publish functions are matched by the name they
 *   were imported under: `from app.core.events import event_handler as on` makes `@on(...)`
 *   a handler decorator; `@events.event_handler(...)` (any receiver) matches by its last
 *   segment. Imports are gathered file-wide for this (not per scope).
 * - Classes: a ClassDecl for every class with a base other than `object`. `extends` is the
 *   first base whose last segment is one of `conventions.baseClasses`, else the first base
 *   that is not `object`, `Generic[...]` or `Protocol[...]` (a subscripted base `B[T]` counts
 *   as `B`). Class spans include the class's decorators. Fields are the annotated class
 *   attributes other than the event-type properties and `ClassVar[...]`s.
 * - Values: module-level assignments of a string literal or a dotted reference, and the
 *   same inside plain classes (no base but `object`) and Enum classes (a base whose last
 *   segment ends in `Enum`), nested plain classes included. Dunder names are skipped.
 *   A trailing `.value` of a reference with at least three segments is dropped
 *   (`EventType.USER_CREATED.value` → `['EventType', 'USER_CREATED']`).
 * - Publishes: the instance convention (`x.publish()`) only counts with no arguments (the
 *   seed's `EventBase.publish(self)` takes none; `redis.publish("ch", msg)` is not an event).
 *   A receiver is a class instantiation when the callee's last segment starts with an
 *   upper-case letter (`UserCreatedEvent(...)`, `events.UserCreatedEvent(...)`); variables
 *   are followed within the function (and enclosing functions), using their latest
 *   assignment so far or their parameter annotation; a parameter typed as one of the
 *   conventions' base classes is unresolved. `publish_event(self)` / `self.publish()` are
 *   skipped inside a method named like an instance publish convention (the base class's
 *   implementation) and in classes not directly derived from a base class; in a direct
 *   subclass they publish that class. `super().publish()` is always skipped.
 * - Functions: ids are `name` (module level), `Class.method` (`Outer.Inner.method` for nested
 *   classes), `outer.inner` for functions nested in functions, `lambda@<offset>` for lambdas;
 *   a repeated id gets `@<offset>` appended. `calls` lists same-file function ids called
 *   directly (nested function bodies excluded): `f()` looked up in the enclosing functions
 *   then at module level; `self.m()`/`cls.m()` → `Class.m`; `Class.m()` → `Class.m`.
 * - Key uses: the event-type value and every string inside a `Literal[...]` event-type
 *   annotation ('declaration'; both must change on rename), handler and registration keys
 *   ('handler'), constant values ('constant'), keys of `argumentIs: 'key'` publishes ('publish').
 * - Handlers: decorator keys are the decorator's positional argument `keyArg`, else a keyword
 *   argument named like an event-type property (`event_type=`), else its only keyword
 *   argument; a list/tuple/set of keys gives several keys. A bare decorator (`@event_handler`)
 *   gives a dynamic key. Registrations (`subscribe_to_event(key, fn)`) are named by the
 *   handler argument's text (`<anonymous>` for a lambda).
 */
import type * as WebTreeSitter from 'web-tree-sitter';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { Conventions, PublishConvention } from '../conventions';
import {
  emptyFacts,
  type ClassDecl,
  type FieldDecl,
  type FileFacts,
  type FunctionDecl,
  type HandlerSite,
  type ImportDecl,
  type KeyExpr,
  type KeyUse,
  type PublishTarget,
  type Span,
  type ValueDecl,
} from '../facts';

// `require`, not `import`: web-tree-sitter's ES module build calls `createRequire(import.meta.url)`,
// which fails once esbuild bundles it into our CommonJS `dist/*.js` (import.meta is empty
// there); `require` makes esbuild pick the package's CommonJS build, which works bundled and
// unbundled (tests keep packages external).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TS: typeof WebTreeSitter = require('web-tree-sitter');

type Node = WebTreeSitter.Node;

// ---------------------------------------------------------------------------------------
// Parser initialization

let parser: WebTreeSitter.Parser | undefined;
let initPromise: Promise<void> | undefined;

const RUNTIME_WASM = 'web-tree-sitter.wasm';
const GRAMMAR_WASM = 'tree-sitter-python.wasm';

function locateWasm(file: string, packagePath: string, dirs: string[]): string {
  const tried: string[] = [];
  for (const dir of [...dirs, __dirname]) {
    const p = nodePath.join(dir, file);
    tried.push(p);
    if (fs.existsSync(p)) return p;
  }
  try {
    const p = require.resolve(packagePath);
    if (fs.existsSync(p)) return p;
    tried.push(p);
  } catch {
    tried.push(`require.resolve('${packagePath}')`);
  }
  throw new Error(`Event Flow: cannot load the Python parser: ${file} was not found (looked in: ${tried.join(', ')})`);
}

async function loadParser(wasmDirs: string[]): Promise<WebTreeSitter.Parser> {
  const runtime = locateWasm(RUNTIME_WASM, `web-tree-sitter/${RUNTIME_WASM}`, wasmDirs);
  const grammar = locateWasm(GRAMMAR_WASM, `tree-sitter-python/${GRAMMAR_WASM}`, wasmDirs);
  await TS.Parser.init({
    locateFile: (name: string) => (name === RUNTIME_WASM ? runtime : nodePath.join(nodePath.dirname(runtime), name)),
  });
  const language = await TS.Language.load(new Uint8Array(fs.readFileSync(grammar)));
  const p = new TS.Parser();
  p.setLanguage(language);
  return p;
}

/**
 * Loads web-tree-sitter and the Python grammar once; concurrent and later calls share the
 * same promise. The two wasm files are looked for in `wasmDirs`, then next to this script
 * (`dist/` when bundled), then in node_modules. A failed load can be retried.
 */
export function initPythonParser(wasmDirs: string[] = []): Promise<void> {
  if (parser) return Promise.resolve();
  if (!initPromise) {
    initPromise = loadParser(wasmDirs).then(
      (p) => {
        parser = p;
      },
      (err: unknown) => {
        initPromise = undefined;
        throw err instanceof Error ? err : new Error(String(err));
      },
    );
  }
  return initPromise;
}

/** True once `initPythonParser()` has completed. */
export function isPythonParserReady(): boolean {
  return parser !== undefined;
}

// ---------------------------------------------------------------------------------------
// Small helpers

const SHORT = 80;

function shorten(s: string, max = SHORT): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

function spanOf(n: Node): Span {
  return { start: n.startIndex, end: n.endIndex };
}

function isUpperInitial(name: string): boolean {
  const c = name.charAt(0);
  return c !== c.toLowerCase() && c === c.toUpperCase();
}

function isDunder(name: string): boolean {
  return name.length > 4 && name.startsWith('__') && name.endsWith('__');
}

/** Named children without comments. */
function kids(n: Node): Node[] {
  return n.namedChildren.filter((c) => c.type !== 'comment');
}

function unwrapParens(n: Node): Node {
  let cur = n;
  while (cur.type === 'parenthesized_expression') {
    const inner = kids(cur)[0];
    if (!inner) break;
    cur = inner;
  }
  return cur;
}

/** `a`, `a.b.c` → path; anything else → undefined. Iterative (attribute chains can be long). */
function dottedPath(n: Node | null): string[] | undefined {
  if (!n) return undefined;
  const out: string[] = [];
  let cur: Node | null = n;
  while (cur) {
    if (cur.type === 'identifier') {
      out.unshift(cur.text);
      return out;
    }
    if (cur.type !== 'attribute') return undefined;
    const attr = cur.childForFieldName('attribute');
    if (!attr || attr.type !== 'identifier') return undefined;
    out.unshift(attr.text);
    cur = cur.childForFieldName('object');
  }
  return undefined;
}

function stripValue(path: string[]): string[] {
  return path.length >= 3 && path[path.length - 1] === 'value' ? path.slice(0, -1) : path;
}

interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
  /** `*args` / `**kw` present: positions are unreliable. */
  splat: boolean;
}

function callArgs(call: Node): CallArgs {
  const res: CallArgs = { positional: [], keywords: new Map(), splat: false };
  const list = call.childForFieldName('arguments');
  if (!list) return res;
  if (list.type === 'generator_expression') {
    res.positional.push(list);
    return res;
  }
  for (const a of kids(list)) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name');
      const value = a.childForFieldName('value');
      if (name && value) res.keywords.set(name.text, value);
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      res.splat = true;
    } else {
      res.positional.push(a);
    }
  }
  return res;
}

// ---- strings

interface StringInfo {
  /** Unescaped value; undefined when the string is not a plain key literal. */
  value?: string;
  /** Why it is not a plain literal. */
  reason?: string;
  /** Span of the content, without prefix and quotes. */
  content: Span;
}

function stringInfo(n: Node): StringInfo {
  const children = n.children;
  const start = children[0];
  const end = children[children.length - 1];
  const content: Span = {
    start: start && start.type === 'string_start' ? start.endIndex : n.startIndex,
    end: end && end.type === 'string_end' ? end.startIndex : n.endIndex,
  };
  if (!start || start.type !== 'string_start' || !end || end.type !== 'string_end' || end.isMissing || content.end < content.start) {
    return { reason: 'unterminated string', content: spanOf(n) };
  }
  const prefix = start.text.replace(/['"]+$/, '').toLowerCase();
  if (prefix.includes('b')) return { reason: 'bytes literal', content };
  if (prefix.includes('t')) return { reason: 'template string', content };
  const isF = prefix.includes('f');
  const raw = prefix.includes('r');
  if (children.some((c) => c.type === 'interpolation')) return { reason: 'f-string with substitutions', content };
  const body = contentText(n, content);
  const value = unescapePython(body, raw, isF);
  if (value === undefined) return { reason: 'string with a named unicode escape (\\N{...})', content };
  return { value, content };
}

function contentText(n: Node, content: Span): string {
  const full = n.text;
  return full.slice(content.start - n.startIndex, content.end - n.startIndex);
}

/** Python string escapes → value. Undefined for `\N{...}` (needs the Unicode name table). */
export function unescapePython(body: string, raw: boolean, fString: boolean): string | undefined {
  let s = body;
  if (fString) s = s.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  if (raw) return s;
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[i + 1];
    switch (e) {
      case '\n':
        i += 1;
        continue;
      case '\r':
        i += s[i + 2] === '\n' ? 2 : 1;
        continue;
      case '\\':
      case "'":
      case '"':
        out += e;
        i += 1;
        continue;
      case 'a':
        out += '\x07';
        i += 1;
        continue;
      case 'b':
        out += '\b';
        i += 1;
        continue;
      case 'f':
        out += '\f';
        i += 1;
        continue;
      case 'n':
        out += '\n';
        i += 1;
        continue;
      case 'r':
        out += '\r';
        i += 1;
        continue;
      case 't':
        out += '\t';
        i += 1;
        continue;
      case 'v':
        out += '\v';
        i += 1;
        continue;
      case 'N':
        return undefined;
      case 'x':
      case 'u':
      case 'U': {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = s.slice(i + 2, i + 2 + len);
        if (hex.length === len && /^[0-9A-Fa-f]+$/.test(hex)) {
          const cp = parseInt(hex, 16);
          if (cp <= 0x10ffff) {
            out += String.fromCodePoint(cp);
            i += 1 + len;
            continue;
          }
        }
        out += c;
        continue;
      }
      default: {
        const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
        if (oct) {
          out += String.fromCharCode(parseInt(oct[0], 8));
          i += oct[0].length;
          continue;
        }
        out += c; // unknown escapes keep their backslash
      }
    }
  }
  return out;
}

// ---- type annotations

function unwrapType(n: Node | null): Node | null {
  let cur = n;
  while (cur && (cur.type === 'type' || cur.type === 'parenthesized_expression')) cur = kids(cur)[0] ?? null;
  return cur;
}

/** `Optional[X]` / `Union[X, None]` / `X | None` / `Annotated[X, …]` → X's node; otherwise the node itself. */
function genericParts(n: Node): { head: string[]; args: Node[] } | undefined {
  if (n.type === 'generic_type') {
    const head = kids(n)[0];
    const params = kids(n).find((c) => c.type === 'type_parameter');
    const path = head ? dottedPath(head) : undefined;
    if (!path) return undefined;
    return { head: path, args: params ? kids(params) : [] };
  }
  if (n.type === 'subscript') {
    const path = dottedPath(n.childForFieldName('value'));
    if (!path) return undefined;
    const args = n.childrenForFieldName('subscript').filter((c) => c.type !== 'comment');
    const flat = args.length === 1 && args[0].type === 'tuple' ? kids(args[0]) : args;
    return { head: path, args: flat };
  }
  return undefined;
}

function isNoneNode(n: Node | null): boolean {
  const u = unwrapType(n);
  return !!u && (u.type === 'none' || (u.type === 'identifier' && u.text === 'None'));
}

function optionalInner(n: Node): { inner: Node; optional: boolean } {
  const u = unwrapType(n) ?? n;
  if (u.type === 'binary_operator') {
    const op = u.childForFieldName('operator');
    const l = u.childForFieldName('left');
    const r = u.childForFieldName('right');
    if (op && op.text === '|' && l && r) {
      if (isNoneNode(r)) return { inner: unwrapType(l) ?? l, optional: true };
      if (isNoneNode(l)) return { inner: unwrapType(r) ?? r, optional: true };
      return { inner: u, optional: false };
    }
  }
  const g = genericParts(u);
  if (g) {
    const last = g.head[g.head.length - 1];
    if (last === 'Optional' && g.args.length === 1) return { inner: unwrapType(g.args[0]) ?? g.args[0], optional: true };
    if (last === 'Union') {
      const nonNone = g.args.filter((a) => !isNoneNode(a));
      if (nonNone.length < g.args.length) {
        return nonNone.length === 1 ? { inner: unwrapType(nonNone[0]) ?? nonNone[0], optional: true } : { inner: u, optional: true };
      }
    }
    if (last === 'Annotated' && g.args.length >= 1) return optionalInner(g.args[0]);
  }
  return { inner: u, optional: false };
}

/** The path an annotation names (`X`, `m.X`, `"X"`, `Optional[X]`, `X | None`), if any. */
function typePath(annotation: Node | null): string[] | undefined {
  if (!annotation) return undefined;
  const { inner } = optionalInner(annotation);
  if (inner.type === 'string') {
    const info = stringInfo(inner);
    if (info.value !== undefined && /^\s*[A-Za-z_][\w]*(\s*\.\s*[A-Za-z_][\w]*)*\s*$/.test(info.value)) {
      return info.value.split('.').map((s) => s.trim());
    }
    return undefined;
  }
  return dottedPath(inner);
}

// ---------------------------------------------------------------------------------------
// Extraction

/** What a name holds, as far as publishes care. */
type Binding = { kind: 'target'; target: PublishTarget } | { kind: 'self' } | { kind: 'skip' };

interface Scope {
  parent?: Scope;
  kind: 'module' | 'class' | 'function';
  vars: Map<string, Binding>;
}

interface SelfClass {
  path: string[];
  /** Directly derived from one of the conventions' base classes. */
  eventLike: boolean;
}

interface FnInfo {
  id: string;
  decl: FunctionDecl;
  rawCalls: RawCall[];
  paramType?: string[];
  async: boolean;
  className?: string;
}

type RawCall = { kind: 'name'; name: string; chain: string[] } | { kind: 'id'; id: string };

interface Ctx {
  scope: Scope;
  /** Path of the class whose body this is (for `def` directly inside it). */
  classBody?: string[];
  selfClass?: SelfClass;
  fn?: FnInfo;
  /** Ids of the enclosing functions, innermost first. */
  fnChain: string[];
  /** Inside a method named like an instance publish convention (the base's implementation). */
  inPublishImpl: boolean;
}

interface PendingRegistration {
  site: HandlerSite;
  ref: RawCall | undefined;
}

const SKIP_BASES = new Set(['object']);
/** Keyword names a registration's handler may be passed as when not positional. */
const HANDLER_KEYWORDS = ['handler', 'callback', 'func', 'fn'];
const SKIP_GENERIC_BASES = new Set(['Generic', 'Protocol']);

class Extractor {
  readonly facts: FileFacts;
  private readonly conv: Conventions;
  /** Local name → imported name, from `from m import a as b` (b → a). */
  private readonly fromImports = new Map<string, string>();
  private readonly fns = new Map<string, FnInfo>();
  private readonly pending: PendingRegistration[] = [];
  private readonly instancePublishNames: Set<string>;
  private readonly functionPublishes: PublishConvention[];

  constructor(path: string, conventions: Conventions) {
    this.facts = emptyFacts(path, 'python');
    this.conv = conventions;
    this.instancePublishNames = new Set(conventions.publishes.filter((p) => p.kind === 'instance').map((p) => p.name));
    this.functionPublishes = conventions.publishes.filter((p) => p.kind === 'function');
  }

  /** Extracts from one tree, or from the trees of consecutive top-level chunks of one file. */
  run(roots: Node[]): void {
    for (const root of roots) this.collectImportsFirst(root);
    for (const root of roots) this.collectValues(root, []);
    const moduleScope: Scope = { kind: 'module', vars: new Map() };
    for (const root of roots) {
      const stack: Array<[Node, Ctx]> = [[root, { scope: moduleScope, fnChain: [], inPublishImpl: false }]];
      while (stack.length > 0) {
        const [node, ctx] = stack.pop()!;
        const next = this.visit(node, ctx);
        for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
      }
    }
    this.finish();
  }

  // ---- imports (a first pass, so that aliases are known wherever they are used)

  private collectImportsFirst(root: Node): void {
    for (const stmt of root.descendantsOfType(['import_statement', 'import_from_statement', 'future_import_statement'])) {
      this.importDecl(stmt);
    }
  }

  private importDecl(stmt: Node): void {
    const span = spanOf(stmt);
    if (stmt.type === 'import_statement') {
      for (const name of stmt.childrenForFieldName('name')) {
        if (name.type === 'dotted_name') {
          // `import a.b.c` binds `a` (the top package); `a.b.c.X` is then found through the
          // packages' submodules. The dotted module itself is recorded without bindings.
          const spec = dottedText(name);
          if (!spec) continue;
          const top = spec.split('.')[0];
          this.facts.imports.push({ specifier: top, bindings: [{ local: top, imported: '*' }], span });
          if (spec !== top) this.facts.imports.push({ specifier: spec, bindings: [], span });
        } else if (name.type === 'aliased_import') {
          const spec = dottedText(name.childForFieldName('name'));
          const alias = name.childForFieldName('alias');
          if (spec && alias) this.facts.imports.push({ specifier: spec, bindings: [{ local: alias.text, imported: '*' }], span });
        }
      }
      return;
    }
    let specifier: string | undefined;
    if (stmt.type === 'future_import_statement') specifier = '__future__';
    else {
      const mod = stmt.childForFieldName('module_name');
      if (mod?.type === 'dotted_name') specifier = dottedText(mod);
      else if (mod?.type === 'relative_import') {
        const prefix = kids(mod).find((c) => c.type === 'import_prefix');
        const dotted = kids(mod).find((c) => c.type === 'dotted_name');
        specifier = (prefix ? prefix.text.replace(/\s+/g, '') : '') + (dotted ? (dottedText(dotted) ?? '') : '');
      }
    }
    if (!specifier) return;
    const decl: ImportDecl = { specifier, bindings: [], span };
    for (const c of kids(stmt)) {
      if (c.type === 'wildcard_import') decl.bindings.push({ local: '*', imported: '*' });
    }
    for (const name of stmt.childrenForFieldName('name')) {
      if (name.type === 'dotted_name') {
        const n = dottedText(name);
        if (n) decl.bindings.push({ local: n, imported: n });
      } else if (name.type === 'aliased_import') {
        const n = dottedText(name.childForFieldName('name'));
        const alias = name.childForFieldName('alias');
        if (n && alias) decl.bindings.push({ local: alias.text, imported: n });
      }
    }
    for (const b of decl.bindings) if (b.local !== '*') this.fromImports.set(b.local, b.imported);
    this.facts.imports.push(decl);
  }

  // ---- values (module-level constants, plain-class attributes, enum members)

  private collectValues(block: Node, prefix: string[]): void {
    for (const stmt of kids(block)) {
      if (stmt.type === 'expression_statement') {
        const a = kids(stmt)[0];
        if (a?.type === 'assignment') this.valueFromAssignment(a, prefix);
      } else if (stmt.type === 'class_definition' || stmt.type === 'decorated_definition') {
        const cls = stmt.type === 'class_definition' ? stmt : stmt.childForFieldName('definition');
        if (!cls || cls.type !== 'class_definition') continue;
        const name = cls.childForFieldName('name');
        const body = cls.childForFieldName('body');
        if (!name || !body) continue;
        const kind = classValueKind(cls);
        if (kind) this.collectValues(body, [...prefix, name.text]);
      }
    }
  }

  private valueFromAssignment(a: Node, prefix: string[]): void {
    // `A = B = "x"`: every target gets the innermost value.
    const targets: Node[] = [];
    let cur: Node | null = a;
    let value: Node | null = null;
    while (cur && cur.type === 'assignment') {
      const left = cur.childForFieldName('left');
      if (left) targets.push(left);
      value = cur.childForFieldName('right');
      cur = value;
    }
    if (!value) return;
    const v = unwrapParens(value);
    let key: KeyExpr | undefined;
    if (v.type === 'string') {
      const info = stringInfo(v);
      if (info.value === undefined) return;
      key = { kind: 'literal', value: info.value, span: info.content };
    } else if (v.type === 'identifier' || v.type === 'attribute') {
      const path = dottedPath(v);
      if (!path) return;
      key = { kind: 'ref', path: stripValue(path), span: spanOf(v) };
    } else return;
    let first = true;
    for (const t of targets) {
      if (t.type !== 'identifier' || isDunder(t.text)) continue;
      this.facts.values.push({ path: [...prefix, t.text], value: key, span: spanOf(a) } satisfies ValueDecl);
      if (first && key.kind === 'literal') this.keyUse(key.span, key.value, 'constant');
      first = false;
    }
  }

  // ---- the walk

  private visit(node: Node, ctx: Ctx): Array<[Node, Ctx]> {
    switch (node.type) {
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
      case 'comment':
      case 'identifier':
      case 'integer':
      case 'float':
        return []; // imports were collected in the first pass
      case 'string':
      case 'concatenated_string':
        return this.interpolations(node, ctx); // calls can hide in f-string substitutions
      case 'decorated_definition':
        return this.visitDecorated(node, ctx);
      case 'function_definition':
        return this.visitFunction(node, ctx, []);
      case 'class_definition':
        return this.visitClass(node, node, ctx);
      case 'lambda':
        return this.visitLambda(node, ctx);
      case 'assignment':
        this.bindAssignment(node, ctx);
        break;
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        if (left?.type === 'identifier') this.bind(ctx, left.text, unresolvedBinding(`'${left.text}' is reassigned with ${shorten(node.text, 40)}`));
        break;
      }
      case 'named_expression': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        if (name && value) this.bind(ctx, name.text, this.bindingOf(value, ctx));
        break;
      }
      case 'for_statement':
      case 'for_in_clause': {
        const left = node.childForFieldName('left');
        if (left) this.bindUnknown(left, ctx, 'a loop variable');
        break;
      }
      case 'as_pattern_target':
        this.bindUnknown(node, ctx, "bound by 'as'");
        break;
      case 'call':
        this.visitCall(node, ctx);
        break;
      default:
        break;
    }
    return kids(node).map((c): [Node, Ctx] => [c, ctx]);
  }

  private interpolations(node: Node, ctx: Ctx): Array<[Node, Ctx]> {
    const out: Array<[Node, Ctx]> = [];
    const strings = node.type === 'concatenated_string' ? kids(node) : [node];
    for (const s of strings) for (const c of kids(s)) if (c.type === 'interpolation') out.push([c, ctx]);
    return out;
  }

  private visitDecorated(node: Node, ctx: Ctx): Array<[Node, Ctx]> {
    const decorators = kids(node).filter((c) => c.type === 'decorator');
    const def = node.childForFieldName('definition');
    const out: Array<[Node, Ctx]> = decorators.map((d): [Node, Ctx] => [d, ctx]);
    if (def?.type === 'function_definition') out.push(...this.visitFunction(def, ctx, decorators));
    else if (def?.type === 'class_definition') out.push(...this.visitClass(def, node, ctx));
    else if (def) out.push([def, ctx]);
    return out;
  }

  private newFunctionId(base: string, start: number): string {
    return this.fns.has(base) ? `${base}@${start}` : base;
  }

  private visitFunction(node: Node, ctx: Ctx, decorators: Node[]): Array<[Node, Ctx]> {
    const nameNode = node.childForFieldName('name');
    const name = nameNode?.text ?? '<anonymous>';
    const inClass = ctx.classBody !== undefined;
    const base = inClass ? [...ctx.classBody!, name].join('.') : ctx.fn ? `${ctx.fn.id}.${name}` : name;
    const id = this.newFunctionId(base, node.startIndex);
    const decl: FunctionDecl = { id, span: spanOf(node), calls: [] };
    const isAsync = node.children.some((c) => c.type === 'async');
    const params = node.childForFieldName('parameters');
    const scope: Scope = { parent: ctx.scope, kind: 'function', vars: new Map() };
    const paramType = params ? this.bindParameters(params, scope) : undefined;
    const className = inClass ? ctx.classBody![ctx.classBody!.length - 1] : undefined;
    const info: FnInfo = { id, decl, rawCalls: [], paramType, async: isAsync, className };
    this.fns.set(id, info);
    this.facts.functions.push(decl);

    for (const d of decorators) this.handlerFromDecorator(d, info, name, nameNode ?? node, className);

    const inner: Ctx = {
      scope,
      selfClass: ctx.selfClass,
      fn: info,
      fnChain: [id, ...ctx.fnChain],
      inPublishImpl: ctx.inPublishImpl || (inClass && this.instancePublishNames.has(name)),
    };
    const out: Array<[Node, Ctx]> = [];
    if (params) out.push([params, ctx]); // default values run in the enclosing scope
    const body = node.childForFieldName('body');
    if (body) out.push([body, inner]);
    return out;
  }

  private visitLambda(node: Node, ctx: Ctx): Array<[Node, Ctx]> {
    const id = this.newFunctionId(`lambda@${node.startIndex}`, node.startIndex);
    const decl: FunctionDecl = { id, span: spanOf(node), calls: [] };
    const scope: Scope = { parent: ctx.scope, kind: 'function', vars: new Map() };
    const params = node.childForFieldName('parameters');
    if (params) this.bindParameters(params, scope);
    const info: FnInfo = { id, decl, rawCalls: [], async: false };
    this.fns.set(id, info);
    this.facts.functions.push(decl);
    const body = node.childForFieldName('body');
    const out: Array<[Node, Ctx]> = [];
    if (params) out.push([params, ctx]);
    if (body) out.push([body, { scope, selfClass: ctx.selfClass, fn: info, fnChain: [id, ...ctx.fnChain], inPublishImpl: ctx.inPublishImpl }]);
    return out;
  }

  /** Binds parameters in `scope`; returns the first non-self parameter's type path. */
  private bindParameters(params: Node, scope: Scope): string[] | undefined {
    let first = true; // the first parameter (self/cls when so named) not yet seen
    let firstType: string[] | undefined;
    let typeTaken = false;
    for (const p of kids(params)) {
      let nameNode: Node | null = null;
      let type: Node | null = null;
      switch (p.type) {
        case 'identifier':
          nameNode = p;
          break;
        case 'typed_parameter':
          nameNode = kids(p).find((c) => c.type === 'identifier') ?? null;
          type = p.childForFieldName('type');
          break;
        case 'default_parameter':
        case 'typed_default_parameter':
          nameNode = p.childForFieldName('name');
          type = p.childForFieldName('type');
          break;
        case 'list_splat_pattern':
        case 'dictionary_splat_pattern': {
          const n = kids(p).find((c) => c.type === 'identifier');
          if (n) scope.vars.set(n.text, unresolvedBinding(`'${n.text}' is a variadic parameter`));
          first = false;
          typeTaken = true;
          continue;
        }
        default:
          continue;
      }
      if (!nameNode || nameNode.type !== 'identifier') continue;
      const name = nameNode.text;
      if (first && (name === 'self' || name === 'cls')) {
        scope.vars.set(name, { kind: 'self' });
        first = false;
        continue;
      }
      const path = typePath(type);
      if (!typeTaken) firstType = path;
      typeTaken = true;
      first = false;
      scope.vars.set(name, this.bindingFromAnnotation(name, type, path));
    }
    return firstType;
  }

  private bindingFromAnnotation(name: string, type: Node | null, path: string[] | undefined): Binding {
    if (!type) return unresolvedBinding(`parameter '${name}' has no type annotation`);
    if (!path) return unresolvedBinding(`parameter '${name}' is typed ${shorten(type.text, 40)}, not an event class`);
    if (this.conv.baseClasses.includes(path[path.length - 1])) {
      return unresolvedBinding(`'${name}' is typed as the base class ${path.join('.')}; the concrete event is not known statically`);
    }
    return { kind: 'target', target: { kind: 'class', path } };
  }

  // ---- classes

  private visitClass(node: Node, declNode: Node, ctx: Ctx): Array<[Node, Ctx]> {
    const nameNode = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    const supers = node.childForFieldName('superclasses');
    const out: Array<[Node, Ctx]> = [];
    if (supers) out.push([supers, ctx]);
    if (!nameNode) {
      if (body) out.push([body, ctx]);
      return out;
    }
    const name = nameNode.text;
    const bases = supers ? positionalBases(supers) : [];
    const ext = this.chooseBase(bases);
    if (ext.length > 0) {
      const decl: ClassDecl = { name, nameSpan: spanOf(nameNode), span: spanOf(declNode), extends: ext, fields: [], exported: true };
      if (body) this.classBody(body, decl);
      this.facts.classes.push(decl);
    }
    const classPath = ctx.classBody ? [...ctx.classBody, name] : [name];
    const eventLike = bases.some((b) => {
      const p = dottedPath(b);
      return !!p && this.conv.baseClasses.includes(p[p.length - 1]);
    });
    if (body) {
      out.push([
        body,
        {
          scope: { parent: ctx.scope, kind: 'class', vars: new Map() },
          classBody: classPath,
          selfClass: { path: classPath, eventLike },
          fn: ctx.fn,
          fnChain: ctx.fnChain,
          inPublishImpl: ctx.inPublishImpl,
        },
      ]);
    }
    return out;
  }

  private chooseBase(bases: Node[]): string[] {
    const paths: string[][] = [];
    for (const b of bases) {
      let path = dottedPath(b);
      if (!path) {
        const g = genericParts(b);
        if (!g) continue;
        if (SKIP_GENERIC_BASES.has(g.head[g.head.length - 1])) continue;
        path = g.head;
      }
      if (path.length === 1 && SKIP_BASES.has(path[0])) continue;
      paths.push(path);
    }
    return paths.find((p) => this.conv.baseClasses.includes(p[p.length - 1])) ?? paths[0] ?? [];
  }

  private classBody(body: Node, decl: ClassDecl): void {
    const props = new Set(this.conv.eventTypeProperties);
    for (const stmt of kids(body)) {
      if (stmt.type !== 'expression_statement') continue;
      const a = kids(stmt)[0];
      if (!a || a.type !== 'assignment') continue;
      const left = a.childForFieldName('left');
      if (!left || left.type !== 'identifier') continue;
      const type = a.childForFieldName('type');
      const right = a.childForFieldName('right');
      const name = left.text;
      if (props.has(name)) {
        const key = this.eventTypeKey(type, right);
        if (key) decl.eventType = key;
        continue;
      }
      if (!type) continue;
      const t = unwrapType(type);
      const g = t ? genericParts(t) : undefined;
      if (g && g.head[g.head.length - 1] === 'ClassVar') continue;
      const field: FieldDecl = { name, type: shorten(type.text, 200), optional: optionalInner(type).optional || hasDefault(right) };
      decl.fields.push(field);
    }
  }

  private eventTypeKey(type: Node | null, right: Node | null): KeyExpr | undefined {
    // Strings inside `Literal[...]` are declarations too (renaming must change them).
    let fromLiteral: KeyExpr | undefined;
    const literalStrings: Node[] = [];
    const collectLiteral = (t: Node | null): void => {
      const u = unwrapType(t);
      if (!u) return;
      const g = genericParts(u);
      if (!g) {
        const opt = optionalInner(u);
        if (opt.inner !== u) collectLiteral(opt.inner);
        return;
      }
      const last = g.head[g.head.length - 1];
      if (last === 'Literal') {
        for (const a of g.args) {
          const s = unwrapType(a);
          if (s?.type === 'string') literalStrings.push(s);
        }
      } else if (last === 'ClassVar' || last === 'Final' || last === 'Annotated' || last === 'Optional') {
        if (g.args[0]) collectLiteral(g.args[0]);
      }
    };
    collectLiteral(type);
    const literalKeys = literalStrings.map((s) => this.keyExpr(s, 'declaration'));
    if (literalKeys.length === 1) fromLiteral = literalKeys[0];
    else if (literalKeys.length > 1) {
      fromLiteral = { kind: 'dynamic', text: shorten(type!.text), reason: 'Literal with several values', span: spanOf(type!) };
    }
    if (right) {
      const v = unwrapParens(right);
      if (v.type === 'call' && isFieldCall(v)) {
        const args = callArgs(v);
        const d = args.keywords.get('default') ?? (args.positional[0] && args.positional[0].type !== 'ellipsis' ? args.positional[0] : undefined);
        if (d) return this.keyExpr(d, 'declaration');
        return fromLiteral;
      }
      if (v.type === 'ellipsis' || v.type === 'none') return fromLiteral;
      return this.keyExpr(v, 'declaration');
    }
    return fromLiteral;
  }

  // ---- key expressions

  private keyExpr(n: Node, role: KeyUse['role']): KeyExpr {
    const v = unwrapParens(n);
    if (v.type === 'string') {
      const info = stringInfo(v);
      if (info.value !== undefined) {
        this.keyUse(info.content, info.value, role);
        return { kind: 'literal', value: info.value, span: info.content };
      }
      return { kind: 'dynamic', text: shorten(v.text), reason: info.reason ?? 'not a plain string', span: spanOf(v) };
    }
    if (v.type === 'identifier' || v.type === 'attribute') {
      const path = dottedPath(v);
      if (path) return { kind: 'ref', path: stripValue(path), span: spanOf(v) };
    }
    return { kind: 'dynamic', text: shorten(v.text), reason: dynamicReason(v), span: spanOf(v) };
  }

  /** Keys of a handler argument: one key, or each element of a list/tuple/set. */
  private keysOf(n: Node, role: KeyUse['role']): KeyExpr[] {
    const v = unwrapParens(n);
    if (v.type === 'list' || v.type === 'tuple' || v.type === 'set') {
      const elems = kids(v);
      if (elems.some((e) => e.type === 'list_splat')) return [this.keyExpr(v, role)];
      return elems.map((e) => this.keyExpr(e, role));
    }
    return [this.keyExpr(v, role)];
  }

  private keyUse(span: Span, value: string, role: KeyUse['role']): void {
    this.facts.keyUses.push({ span, value, role });
  }

  // ---- name matching through imports

  private matches(path: string[] | undefined, conventionName: string): boolean {
    if (!path || path.length === 0) return false;
    const conv = conventionName.split('.');
    if (path.length === 1) {
      const eff = this.fromImports.get(path[0]) ?? path[0];
      return conv.length === 1 && eff === conv[0];
    }
    if (conv.length === 1) return path[path.length - 1] === conv[0];
    if (path.length < conv.length) return false;
    const tail = path.slice(path.length - conv.length);
    if (path.length === conv.length) tail[0] = this.fromImports.get(tail[0]) ?? tail[0];
    return tail.every((s, i) => s === conv[i]);
  }

  // ---- handlers

  private handlerFromDecorator(decorator: Node, fn: FnInfo, name: string, nameNode: Node, className: string | undefined): void {
    const expr = kids(decorator)[0];
    if (!expr) return;
    const isCall = expr.type === 'call';
    const callee = isCall ? expr.childForFieldName('function') : expr;
    const path = dottedPath(callee);
    const conv = this.conv.handlerDecorators.find((d) => this.matches(path, d.name));
    if (!conv) return;
    let keys: KeyExpr[];
    if (!isCall) {
      keys = [{ kind: 'dynamic', text: shorten(decorator.text), reason: 'decorator used without a key argument', span: spanOf(decorator) }];
    } else {
      const arg = this.keyArgument(callArgs(expr), conv.keyArg, true);
      keys = arg
        ? this.keysOf(arg, 'handler')
        : [{ kind: 'dynamic', text: shorten(expr.text), reason: 'no key argument', span: spanOf(expr) }];
    }
    const site: HandlerSite = {
      keys,
      name: className ? `${className}.${name}` : name,
      ...(className ? { className } : {}),
      ...(fn.paramType ? { paramType: fn.paramType } : {}),
      async: fn.async,
      span: spanOf(decorator),
      nameSpan: spanOf(nameNode),
      functionId: fn.id,
      via: 'decorator',
    };
    this.facts.handlers.push(site);
  }

  /** The positional key argument, else a keyword named like an event-type property, else (decorators) the only keyword. */
  private keyArgument(args: CallArgs, index: number, soleKeyword: boolean): Node | undefined {
    const pos = args.positional[index];
    if (pos) return pos;
    for (const p of this.conv.eventTypeProperties) {
      const k = args.keywords.get(p);
      if (k) return k;
    }
    if (soleKeyword && args.positional.length === 0 && args.keywords.size === 1) return [...args.keywords.values()][0];
    return undefined;
  }

  private registration(call: Node, ctx: Ctx, path: string[]): boolean {
    const conv = this.conv.registrations.find((r) => this.matches(path, r.name));
    if (!conv) return false;
    const args = callArgs(call);
    const keyNode = this.keyArgument(args, conv.keyArg, false);
    const keys = keyNode
      ? this.keysOf(keyNode, 'handler')
      : [{ kind: 'dynamic' as const, text: shorten(call.text), reason: 'no key argument', span: spanOf(call) }];
    const handlerNode = args.positional[conv.handlerArg] ?? HANDLER_KEYWORDS.map((k) => args.keywords.get(k)).find((k) => k !== undefined);
    const site: HandlerSite = {
      keys,
      name: '<anonymous>',
      async: false,
      span: spanOf(call),
      nameSpan: spanOf(handlerNode ?? call),
      via: 'registration',
    };
    let ref: RawCall | undefined;
    if (handlerNode) {
      const h = unwrapParens(handlerNode);
      if (h.type === 'lambda') {
        site.functionId = `lambda@${h.startIndex}`;
      } else {
        site.name = shorten(h.text);
        ref = this.callRef(h, ctx);
      }
    }
    this.facts.handlers.push(site);
    this.pending.push({ site, ref });
    return true;
  }

  // ---- calls and publishes

  private visitCall(call: Node, ctx: Ctx): void {
    const fnNode = call.childForFieldName('function');
    if (!fnNode) return;
    const path = dottedPath(fnNode);
    if (ctx.fn) {
      const ref = this.callRef(fnNode, ctx);
      if (ref) ctx.fn.rawCalls.push(ref);
    }
    if (path && this.registration(call, ctx, path)) return;
    if (path) {
      const fconv = this.functionPublishes.find((p) => this.matches(path, p.name));
      if (fconv) {
        this.functionPublish(call, ctx, fconv);
        return;
      }
    }
    if (fnNode.type === 'attribute') {
      const attr = fnNode.childForFieldName('attribute');
      const obj = fnNode.childForFieldName('object');
      if (attr && obj && this.instancePublishNames.has(attr.text)) {
        const args = callArgs(call);
        if (args.positional.length === 0 && args.keywords.size === 0 && !args.splat) this.instancePublish(call, obj, ctx);
      }
    }
  }

  /** A same-file function reference (`f`, `self.f`, `cls.f`, `Class.f`) for `calls`. */
  private callRef(n: Node, ctx: Ctx): RawCall | undefined {
    if (n.type === 'identifier') return { kind: 'name', name: n.text, chain: ctx.fnChain };
    const path = dottedPath(n);
    if (!path || path.length !== 2) return undefined;
    if ((path[0] === 'self' || path[0] === 'cls') && ctx.selfClass) {
      const b = this.lookup(ctx.scope, path[0]);
      if (b?.kind === 'self') return { kind: 'id', id: [...ctx.selfClass.path, path[1]].join('.') };
    }
    return { kind: 'id', id: path.join('.') };
  }

  private functionPublish(call: Node, ctx: Ctx, conv: PublishConvention): void {
    const args = callArgs(call);
    const index = conv.argument ?? 0;
    const arg = args.positional[index] ?? (args.positional.length === 0 && args.keywords.size === 1 ? [...args.keywords.values()][0] : undefined);
    let target: PublishTarget;
    if (!arg) {
      target = { kind: 'unresolved', reason: `${conv.name}() is called without its argument` };
    } else if (conv.argumentIs === 'key') {
      target = { kind: 'key', key: this.keyExpr(arg, 'publish') };
    } else {
      const t = this.targetOfExpr(arg, ctx);
      if (!t) return;
      target = t;
    }
    this.addPublish(call, target, ctx);
  }

  private instancePublish(call: Node, receiver: Node, ctx: Ctx): void {
    const t = this.targetOfExpr(receiver, ctx);
    if (t) this.addPublish(call, t, ctx);
  }

  private addPublish(call: Node, target: PublishTarget, ctx: Ctx): void {
    this.facts.publishes.push({
      target,
      span: spanOf(call),
      text: shorten(call.text),
      ...(ctx.fn ? { inFunction: ctx.fn.id } : {}),
    });
  }

  /** What an expression published (or passed to publish_event) is; undefined = not a publish. */
  private targetOfExpr(expr: Node, ctx: Ctx): PublishTarget | undefined {
    const b = this.bindingOf(expr, ctx);
    switch (b.kind) {
      case 'target':
        return b.target;
      case 'skip':
        return undefined;
      case 'self':
        if (ctx.inPublishImpl || !ctx.selfClass?.eventLike) return undefined;
        return { kind: 'class', path: ctx.selfClass.path };
    }
  }

  private bindingOf(expr: Node, ctx: Ctx): Binding {
    const v = unwrapParens(expr);
    switch (v.type) {
      case 'call': {
        const fnNode = v.childForFieldName('function');
        const path = dottedPath(fnNode);
        if (!path) return unresolvedBinding(`the event is built by ${shorten(v.text, 40)}`);
        if (path.length === 1 && path[0] === 'super') return { kind: 'skip' };
        if (path.length === 1 && path[0] === 'cls' && ctx.selfClass && this.lookup(ctx.scope, 'cls')?.kind === 'self') {
          return { kind: 'target', target: { kind: 'class', path: ctx.selfClass.path } };
        }
        if (isUpperInitial(path[path.length - 1])) return { kind: 'target', target: { kind: 'class', path } };
        return unresolvedBinding(`the event comes from a call to ${path.join('.')}(), not a class instantiation`);
      }
      case 'identifier': {
        const found = this.lookup(ctx.scope, v.text);
        return found ?? unresolvedBinding(`cannot tell which event '${v.text}' holds`);
      }
      case 'named_expression': {
        const value = v.childForFieldName('value');
        return value ? this.bindingOf(value, ctx) : unresolvedBinding('cannot tell the event');
      }
      case 'await':
        return unresolvedBinding(`the event is an awaited value: ${shorten(v.text, 40)}`);
      default:
        return unresolvedBinding(`cannot tell the event from ${shorten(v.text, 40)}`);
    }
  }

  private lookup(scope: Scope, name: string): Binding | undefined {
    let s: Scope | undefined = scope;
    let first = true;
    while (s) {
      // Like Python, names in a class body are not visible from its methods.
      if (first || s.kind !== 'class') {
        const b = s.vars.get(name);
        if (b) return b;
      }
      first = false;
      s = s.parent;
    }
    return undefined;
  }

  private bind(ctx: Ctx, name: string, b: Binding): void {
    ctx.scope.vars.set(name, b);
  }

  private bindUnknown(target: Node, ctx: Ctx, why: string): void {
    const ids = target.type === 'identifier' ? [target] : target.descendantsOfType('identifier');
    for (const id of ids) this.bind(ctx, id.text, unresolvedBinding(`'${id.text}' is ${why}`));
  }

  private bindAssignment(a: Node, ctx: Ctx): void {
    const left = a.childForFieldName('left');
    const type = a.childForFieldName('type');
    let right = a.childForFieldName('right');
    while (right?.type === 'assignment') right = right.childForFieldName('right');
    if (!left) return;
    if (left.type === 'identifier') {
      const name = left.text;
      if (type) {
        const path = typePath(type);
        if (path) {
          this.bind(ctx, name, this.bindingFromAnnotation(name, type, path));
          return;
        }
      }
      if (right) this.bind(ctx, name, this.bindingOf(right, ctx));
      return;
    }
    if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern' || left.type === 'tuple') {
      this.bindUnknown(left, ctx, 'bound by unpacking');
    }
  }

  // ---- finishing: calls and registrations resolved against all functions

  private resolveRef(ref: RawCall): string | undefined {
    if (ref.kind === 'id') return this.fns.has(ref.id) ? ref.id : undefined;
    for (const outer of ref.chain) {
      const id = `${outer}.${ref.name}`;
      if (this.fns.has(id) && !id.startsWith('lambda@')) return id;
    }
    return this.fns.has(ref.name) ? ref.name : undefined;
  }

  private finish(): void {
    for (const fn of this.fns.values()) {
      const seen = new Set<string>();
      for (const raw of fn.rawCalls) {
        const id = this.resolveRef(raw);
        if (id && !seen.has(id)) {
          seen.add(id);
          fn.decl.calls.push(id);
        }
      }
    }
    for (const { site, ref } of this.pending) {
      if (site.functionId && !ref) continue; // lambdas
      const id = ref ? this.resolveRef(ref) : undefined;
      if (!id) continue;
      const fn = this.fns.get(id)!;
      site.functionId = id;
      site.async = fn.async;
      if (fn.paramType) site.paramType = fn.paramType;
      if (fn.className) site.className = fn.className;
    }
    this.facts.imports.sort((a, b) => a.span.start - b.span.start);
    this.facts.keyUses.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  }
}

function unresolvedBinding(reason: string): Binding {
  return { kind: 'target', target: { kind: 'unresolved', reason } };
}

function dottedText(n: Node | null): string | undefined {
  if (!n) return undefined;
  const parts = kids(n).filter((c) => c.type === 'identifier').map((c) => c.text);
  return parts.length > 0 ? parts.join('.') : undefined;
}

function positionalBases(supers: Node): Node[] {
  return kids(supers).filter((c) => c.type !== 'keyword_argument' && c.type !== 'list_splat' && c.type !== 'dictionary_splat');
}

/** 'plain' (no base but object), 'enum' (an *Enum base), or undefined (anything else). */
function classValueKind(cls: Node): 'plain' | 'enum' | undefined {
  const supers = cls.childForFieldName('superclasses');
  const bases = supers ? positionalBases(supers) : [];
  const paths = bases.map((b) => dottedPath(b));
  if (paths.every((p) => p && p.length === 1 && p[0] === 'object')) return 'plain';
  if (paths.some((p) => p && p[p.length - 1].endsWith('Enum'))) return 'enum';
  return undefined;
}

function isFieldCall(call: Node): boolean {
  const path = dottedPath(call.childForFieldName('function'));
  return !!path && path[path.length - 1] === 'Field';
}

/** Whether a class attribute's value makes the field optional. `Field(...)` / `Field()` without a default does not. */
function hasDefault(right: Node | null): boolean {
  if (!right) return false;
  const v = unwrapParens(right);
  if (v.type === 'ellipsis') return false;
  if (v.type === 'call' && isFieldCall(v)) {
    const args = callArgs(v);
    if (args.keywords.has('default') || args.keywords.has('default_factory')) return args.keywords.get('default')?.type !== 'ellipsis';
    const first = args.positional[0];
    return !!first && first.type !== 'ellipsis';
  }
  return true;
}

function dynamicReason(n: Node): string {
  switch (n.type) {
    case 'call': {
      const path = dottedPath(n.childForFieldName('function'));
      return path ? `computed by a call to ${path.join('.')}()` : 'computed by a call';
    }
    case 'binary_operator':
      return 'computed by an operator expression';
    case 'concatenated_string':
      return 'implicitly concatenated string';
    case 'subscript':
      return 'a subscript expression';
    case 'conditional_expression':
      return 'a conditional expression';
    default:
      return `a ${n.type.replace(/_/g, ' ')}`;
  }
}

function countSyntaxErrors(root: Node): number {
  if (!root.hasError) return 0;
  let count = 0;
  const cursor = root.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      const isError = type === 'ERROR';
      if (isError || cursor.nodeIsMissing) count++;
      if (!isError && cursor.gotoFirstChild()) continue;
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) return count;
      }
    }
  } finally {
    cursor.delete();
  }
}

const CONTINUATION_KEYWORDS = new Set(['else', 'elif', 'except', 'finally']);
const DEFINITION_KEYWORDS = new Set(['def', 'class', 'async']);

function insideString(root: Node, pos: number): boolean {
  let n: Node | null = root.descendantForIndex(pos, pos);
  while (n) {
    if ((n.type === 'string' || n.type === 'string_content') && n.startIndex < pos) return true;
    n = n.parent;
  }
  return false;
}

/**
 * Where to cut a file whose parse has errors so that one error cannot swallow the rest:
 * column-0 lines that start a statement (a name or `@`; not `else`/`elif`/`except`/
 * `finally`), but only inside top-level nodes that contain an error (a cut inside an
 * error-free statement could only break it) and never inside a string. A decorator stays
 * with the definition it decorates. Returns the chunks' start offsets, or undefined when
 * no cut falls inside an erroneous node (the single parse is as good as it gets).
 */
function chunkStarts(text: string, root: Node): number[] | undefined {
  const tops = root.children;
  const starts: number[] = [0];
  let ti = 0;
  let pendingDecorator = text.startsWith('@');
  let useful = false;
  for (let pos = text.indexOf('\n') + 1; pos > 0 && pos < text.length; pos = text.indexOf('\n', pos) + 1) {
    const c = text.charCodeAt(pos);
    const isDecorator = c === 64; /* @ */
    if (!isDecorator && !(c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0xc0)) continue;
    const word = isDecorator ? '@' : /^[\w\u00c0-\uffff]*/.exec(text.slice(pos, pos + 40))![0];
    if (CONTINUATION_KEYWORDS.has(word)) continue;
    while (ti < tops.length && tops[ti].endIndex <= pos) ti++;
    const top = tops[ti];
    const inside = !!top && top.startIndex < pos;
    if (inside && !top.hasError) continue;
    if (inside && insideString(root, pos)) continue;
    if (isDecorator) {
      if (pendingDecorator) continue;
      pendingDecorator = true;
    } else if (DEFINITION_KEYWORDS.has(word) && pendingDecorator) {
      pendingDecorator = false;
      continue;
    } else {
      pendingDecorator = false;
    }
    starts.push(pos);
    if (inside) useful = true;
  }
  return useful ? starts : undefined;
}

function rowOf(lineStarts: number[], pos: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Per-file facts of a Python file. Synchronous; `initPythonParser()` must have completed.
 * Never throws on any input text. When the file has syntax errors, its top-level chunks are
 * parsed separately (see `chunkStarts`) so that facts before and after an error survive.
 */
export function extractPython(path: string, text: string, conventions: Conventions): FileFacts {
  if (!parser) throw new Error('Event Flow: extractPython() called before initPythonParser() completed');
  const p = parser;
  const tree = p.parse(text);
  if (!tree) {
    const facts = emptyFacts(path, 'python');
    facts.syntaxErrors = 1;
    facts.parseFailure = 'the Python parser returned no tree';
    return facts;
  }
  const trees: WebTreeSitter.Tree[] = [tree];
  try {
    let roots = [tree.rootNode];
    const starts = tree.rootNode.hasError ? chunkStarts(text, tree.rootNode) : undefined;
    if (starts) {
      const lineStarts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
      const lastRow = lineStarts.length - 1;
      roots = [];
      for (let i = 0; i < starts.length; i++) {
        const start = starts[i];
        const end = i + 1 < starts.length ? starts[i + 1] : text.length;
        const endRow = i + 1 < starts.length ? rowOf(lineStarts, end) : lastRow;
        const endColumn = i + 1 < starts.length ? 0 : text.length - lineStarts[lastRow];
        const chunk = p.parse(text, null, {
          includedRanges: [
            { startIndex: start, endIndex: end, startPosition: { row: rowOf(lineStarts, start), column: 0 }, endPosition: { row: endRow, column: endColumn } },
          ],
        });
        if (!chunk) continue;
        trees.push(chunk);
        roots.push(chunk.rootNode);
      }
    }
    const ex = new Extractor(path, conventions);
    ex.run(roots);
    ex.facts.syntaxErrors = roots.reduce((n, r) => n + countSyntaxErrors(r), 0);
    return ex.facts;
  } finally {
    for (const t of trees) t.delete();
  }
}

// ---------------------------------------------------------------------------------------
// Outline: where code generation may insert (imports, function bodies), for the editor's
// "Create a handler" and "New Event" in Python modules. Not facts: positions for edits.

/** A top-level `import …` / `from … import …` statement. */
export interface PythonImportOutline {
  span: Span;
  /** The module of a `from … import …` (dots kept: `.events`); undefined for `import …`. */
  from?: string;
  /** Imported names with their local names (`from m import a as b` → `{ name: 'a', local: 'b' }`). */
  names: { name: string; local: string }[];
  /**
   * Where `, Name` can be appended to add a name: set for a one-line `from m import a, b`
   * without parentheses, backslashes or `*` (a trailing comment stays after it).
   */
  appendAt?: number;
}

export interface PythonStatementOutline {
  span: Span;
  /** The tree-sitter node type (`import_from_statement`, `return_statement`, `expression_statement`, …). */
  type: string;
  /** A string on its own: a docstring when first. */
  isString: boolean;
}

export interface PythonFunctionOutline {
  name: string;
  /** The whole definition, decorators included. */
  span: Span;
  /** The indentation of the body's statements. */
  bodyIndent: string;
  body: PythonStatementOutline[];
}

export interface PythonOutline {
  /** Offset just after the module docstring; 0 when there is none. */
  docstringEnd: number;
  /** Top-level imports only (not those inside functions or `if` blocks). */
  imports: PythonImportOutline[];
  /** Top-level functions (decorated or not). */
  functions: PythonFunctionOutline[];
  /** Every top-level name: functions, classes, assignment targets, imported names. */
  names: string[];
  syntaxErrors: boolean;
}

/**
 * The top-level outline of a Python file, or undefined before `initPythonParser()` has
 * completed. Pure; never throws on any text.
 */
export function pythonOutline(text: string): PythonOutline | undefined {
  if (!parser) return undefined;
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    const root = tree.rootNode;
    const out: PythonOutline = { docstringEnd: 0, imports: [], functions: [], names: [], syntaxErrors: root.hasError };
    const statements = kids(root);
    const first = statements[0];
    if (first?.type === 'expression_statement' && kids(first).length === 1 && kids(first)[0].type === 'string') out.docstringEnd = first.endIndex;
    for (const stmt of statements) {
      if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement' || stmt.type === 'future_import_statement') {
        const imp = importOutline(stmt, text);
        out.imports.push(imp);
        out.names.push(...imp.names.map((n) => n.local));
        continue;
      }
      const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      if (def?.type === 'function_definition') {
        const name = def.childForFieldName('name')?.text;
        if (!name) continue;
        out.names.push(name);
        const body = def.childForFieldName('body');
        const bodyStatements = body ? kids(body) : [];
        const firstStatement = bodyStatements[0];
        let bodyIndent = '    ';
        if (firstStatement) {
          const lineStart = text.lastIndexOf('\n', firstStatement.startIndex - 1) + 1;
          const prefix = text.slice(lineStart, firstStatement.startIndex);
          if (/^[ \t]+$/.test(prefix)) bodyIndent = prefix;
        }
        out.functions.push({
          name,
          span: spanOf(stmt),
          bodyIndent,
          body: bodyStatements.map((s) => ({ span: spanOf(s), type: s.type, isString: s.type === 'expression_statement' && kids(s).length === 1 && kids(s)[0].type === 'string' })),
        });
      } else if (def?.type === 'class_definition') {
        const name = def.childForFieldName('name')?.text;
        if (name) out.names.push(name);
      } else if (stmt.type === 'expression_statement') {
        const a = kids(stmt)[0];
        if (a?.type !== 'assignment') continue;
        const left = a.childForFieldName('left');
        if (left?.type === 'identifier') out.names.push(left.text);
        else if (left) for (const id of left.descendantsOfType('identifier')) out.names.push(id.text);
      }
    }
    return out;
  } finally {
    tree.delete();
  }
}

function importOutline(stmt: Node, text: string): PythonImportOutline {
  const imp: PythonImportOutline = { span: spanOf(stmt), names: [] };
  if (stmt.type === 'import_statement') {
    for (const name of stmt.childrenForFieldName('name')) {
      if (name.type === 'dotted_name') {
        const n = dottedText(name);
        if (n) imp.names.push({ name: n, local: n.split('.')[0] });
      } else if (name.type === 'aliased_import') {
        const n = dottedText(name.childForFieldName('name'));
        const alias = name.childForFieldName('alias');
        if (n && alias) imp.names.push({ name: n, local: alias.text });
      }
    }
    return imp;
  }
  if (stmt.type === 'future_import_statement') imp.from = '__future__';
  else {
    const mod = stmt.childForFieldName('module_name');
    if (mod?.type === 'dotted_name') imp.from = dottedText(mod);
    else if (mod?.type === 'relative_import') imp.from = mod.text.replace(/\s+/g, '');
  }
  let wildcard = false;
  for (const c of kids(stmt)) if (c.type === 'wildcard_import') wildcard = true;
  for (const name of stmt.childrenForFieldName('name')) {
    if (name.type === 'dotted_name') {
      const n = dottedText(name);
      if (n) imp.names.push({ name: n, local: n });
    } else if (name.type === 'aliased_import') {
      const n = dottedText(name.childForFieldName('name'));
      const alias = name.childForFieldName('alias');
      if (n && alias) imp.names.push({ name: n, local: alias.text });
    }
  }
  const source = text.slice(stmt.startIndex, stmt.endIndex);
  if (stmt.type === 'import_from_statement' && !wildcard && imp.names.length > 0 && !/[\n\\()]/.test(source)) imp.appendAt = stmt.endIndex;
  return imp;
}
