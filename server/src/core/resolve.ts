/**
 * Name resolution without a type checker: which class an identifier means and which key a
 * constant holds, by following the import graph (relative imports, `index.ts` folders,
 * re-exports, aliases, tsconfig `paths`). Results are memoised until a file's declarations
 * (its "surface") change.
 */
import type { Conventions } from './conventions';
import type { ClassDecl, FileFacts, KeyExpr, ValueDecl } from './facts';
import { loadTsconfig, type ConfigProblem, type PathsConfig } from './tsconfig';
import { dirname, joinPath } from './text';

export interface ResolverHost {
  /** True when the path is a source file of the workspace (scanned and not excluded). */
  isSourceFile(path: string): boolean;
  /** The facts of a source file, extracting it on demand. */
  factsOf(path: string): FileFacts | undefined;
  /** Reads a non-source file (tsconfig.json); undefined when missing. */
  readFile(path: string): string | undefined;
  /** Resolves a Python module specifier (dotted or relative) to a file. */
  resolvePythonModule?(fromFile: string, specifier: string): string | undefined;
  /** Resolves a bare specifier to a workspace package's source (`@acme/orders` → its `src/index.ts`), through `tryFile`. */
  resolvePackage?(specifier: string, tryFile: (base: string) => string | undefined): string | undefined;
  /** Whether some file uses the class `name` of `file` as an event (`@EventsHandler(X)`, `eventBus.publish(new X())`). */
  isEventClassByUse?(file: string, name: string): boolean;
  /** The workspace root: tsconfig lookup stops there. */
  root: string;
}

export interface ClassRef {
  file: string;
  decl: ClassDecl;
}

export interface EventClassInfo {
  /** The class is the configured base (EventBase) itself. */
  isBase: boolean;
  /** It implements an event interface (directly or through its bases): its subclasses are events too. */
  classInterface?: boolean;
  /** The class extends a base, directly or not. */
  isEvent: boolean;
  /** The key it declares or inherits. */
  key?: string;
  /** The key is the class's name (CQRS-style events), not a declared string. */
  classKey?: boolean;
  /** Why the key could not be determined, when it is written but unresolvable. */
  keyProblem?: string;
}

export type KeyResult = { key: string } | { unresolved: string };

const MAX_HOPS = 32;
const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts'];

export class Resolver {
  private readonly moduleCache = new Map<string, string | null>();
  private readonly tsconfigByDir = new Map<string, PathsConfig>();
  /** Resolved symbols by the file they are written in, then by dotted path. */
  private readonly symbolCache = new Map<string, Map<string, Symbol | null>>();
  /** Which files' resolution looked into a file (an import or re-export led there). */
  private readonly dependents = new Map<string, Set<string>>();
  private eventInfoCache = new WeakMap<ClassDecl, EventClassInfo>();
  /** Each file's values by dotted path (exact paths; spreads by the path of their object). */
  private valuesCache = new WeakMap<FileFacts, { byPath: Map<string, ValueDecl>; spreads: Map<string, ValueDecl[]> }>();
  readonly configProblems: ConfigProblem[] = [];

  constructor(
    private readonly host: ResolverHost,
    private conventions: Conventions,
  ) {}

  setConventions(conventions: Conventions): void {
    this.conventions = conventions;
    this.clearAll();
  }

  // ── Modules ─────────────────────────────────────────────────────────────────────────

  resolveModule(fromFile: string, specifier: string, language: FileFacts['language']): string | undefined {
    const target = this.resolveModuleUncounted(fromFile, specifier, language);
    if (target && target !== fromFile) {
      let set = this.dependents.get(target);
      if (!set) this.dependents.set(target, (set = new Set()));
      set.add(fromFile);
    }
    return target;
  }

  private resolveModuleUncounted(fromFile: string, specifier: string, language: FileFacts['language']): string | undefined {
    const cacheKey = `${dirname(fromFile)}\0${specifier}\0${language}`;
    const cached = this.moduleCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const result = language === 'python' ? this.host.resolvePythonModule?.(fromFile, specifier) : this.resolveTsModule(fromFile, specifier);
    this.moduleCache.set(cacheKey, result ?? null);
    return result;
  }

  private resolveTsModule(fromFile: string, specifier: string): string | undefined {
    if (specifier.startsWith('.') || specifier.startsWith('/')) return this.tryFile(joinPath(dirname(fromFile), specifier));
    const config = this.tsconfigFor(dirname(fromFile));
    if (config.paths && config.pathsBase) {
      for (const [pattern, targets] of Object.entries(config.paths)) {
        const star = pattern.indexOf('*');
        let capture: string | undefined;
        if (star < 0) capture = pattern === specifier ? '' : undefined;
        else {
          const prefix = pattern.slice(0, star);
          const suffix = pattern.slice(star + 1);
          if (specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length) {
            capture = specifier.slice(prefix.length, specifier.length - suffix.length);
          }
        }
        if (capture === undefined) continue;
        for (const target of targets) {
          const found = this.tryFile(joinPath(config.pathsBase, target.replace('*', capture)));
          if (found) return found;
        }
      }
    }
    if (config.baseUrl) {
      const found = this.tryFile(joinPath(config.baseUrl, specifier));
      if (found) return found;
    }
    // A package of the workspace, imported by its name (what node_modules would link to).
    return this.host.resolvePackage?.(specifier, (base) => this.tryFile(base));
  }

  private tryFile(base: string): string | undefined {
    if (this.host.isSourceFile(base)) return base;
    const js = /\.(m|c)?jsx?$/.exec(base);
    if (js) {
      const stem = base.slice(0, js.index);
      for (const ext of js[1] === 'm' ? ['.mts'] : js[1] === 'c' ? ['.cts'] : ['.ts', '.tsx']) if (this.host.isSourceFile(stem + ext)) return stem + ext;
    }
    for (const ext of TS_EXTENSIONS) if (this.host.isSourceFile(base + ext)) return base + ext;
    for (const ext of TS_EXTENSIONS) if (this.host.isSourceFile(`${base}/index${ext}`)) return `${base}/index${ext}`;
    return undefined;
  }

  /** The nearest tsconfig.json at or above `dir`, within the workspace root. */
  private tsconfigFor(dir: string): PathsConfig {
    const cached = this.tsconfigByDir.get(dir);
    if (cached) return cached;
    let config: PathsConfig = {};
    const file = joinPath(dir, 'tsconfig.json');
    if (this.host.readFile(file) !== undefined) config = loadTsconfig(file, (p) => this.host.readFile(p), this.configProblems);
    else if (dir !== this.host.root && dir.startsWith(this.host.root) && dir !== '/') config = this.tsconfigFor(dirname(dir));
    this.tsconfigByDir.set(dir, config);
    return config;
  }

  // ── Symbols ─────────────────────────────────────────────────────────────────────────

  /** Resolves a dotted path written in `file` to a class or a value declaration. */
  resolveSymbol(file: string, path: readonly string[]): Symbol | undefined {
    const cacheKey = path.join('.');
    let cache = this.symbolCache.get(file);
    if (!cache) this.symbolCache.set(file, (cache = new Map()));
    const cached = cache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    cache.set(cacheKey, null); // guards against import cycles
    const result = this.lookupLocal(file, path, 0);
    cache.set(cacheKey, result ?? null);
    return result;
  }

  /**
   * The files whose resolution may depend on these files' declarations: every file whose
   * lookups went through them, transitively (importers, importers of re-exporting barrels,
   * subclasses' files). An over-approximation: edges are only ever added until `clearAll`.
   */
  dependentsOf(files: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const stack = [...files];
    while (stack.length) {
      for (const d of this.dependents.get(stack.pop()!) ?? []) {
        if (!out.has(d)) {
          out.add(d);
          stack.push(d);
        }
      }
    }
    return out;
  }

  /** Forgets what was resolved in these files (their declarations, or their dependencies', changed). */
  invalidate(files: Iterable<string>): void {
    for (const f of files) this.symbolCache.delete(f);
    this.eventInfoCache = new WeakMap();
  }

  private lookupLocal(file: string, path: readonly string[], hops: number): Symbol | undefined {
    if (hops > MAX_HOPS || path.length === 0) return undefined;
    const facts = this.host.factsOf(file);
    if (!facts) return undefined;
    const [head, ...rest] = path;
    // A value declared in this file under exactly this path (const, enum member, object leaf).
    const values = this.valuesOf(facts);
    const exact = values.byPath.get(path.join('.'));
    if (exact) return { kind: 'value', file, value: exact.value };
    // Through an alias or a spread of a prefix: `const ORDER = EVENTS.order` then `ORDER.created`;
    // `{ ...ORDER_EVENTS }`. Always by value, never by the member's name.
    for (let n = path.length - 1; n >= 1; n--) {
      const prefix = path.slice(0, n).join('.');
      const alias = values.byPath.get(prefix);
      if (alias) return alias.value.kind === 'ref' ? this.lookupLocal(file, [...alias.value.path, ...path.slice(n)], hops + 1) : undefined;
      for (const spread of values.spreads.get(prefix) ?? []) {
        if (spread.value.kind !== 'ref') continue;
        const found = this.lookupLocal(file, [...spread.value.path, ...path.slice(n)], hops + 1);
        if (found) return found;
      }
    }
    for (const c of facts.classes) {
      if (c.name === head) {
        if (rest.length === 0) return { kind: 'class', ref: { file, decl: c } };
        // A member the class does not declare may be its base class's (static or on instances).
        if (c.extends.length) return this.lookupLocal(file, [...c.extends, ...rest], hops + 1);
        return undefined; // a static property that is not a recorded value
      }
    }
    for (const imp of facts.imports) {
      const binding = imp.bindings.find((b) => b.local === head);
      if (!binding) continue;
      const target = this.resolveModule(file, imp.specifier, facts.language);
      if (!target) return undefined;
      if (binding.imported === '*') return this.lookupExport(target, rest, hops + 1);
      return this.lookupExport(target, [binding.imported, ...rest], hops + 1);
    }
    // TypeScript: `export { a as b }` of a local is found through the local name already.
    return undefined;
  }

  /** Resolves a path whose head is a name exported by `file`. */
  private lookupExport(file: string, path: readonly string[], hops: number): Symbol | undefined {
    if (hops > MAX_HOPS) return undefined;
    const facts = this.host.factsOf(file);
    if (!facts) return undefined;
    if (path.length === 0) return { kind: 'module', file };
    if (facts.language === 'python') {
      // Python exports every top-level name, imported ones included; a package's submodules too.
      const local = this.lookupLocal(file, path, hops + 1);
      if (local) return local;
      if (!file.endsWith('/__init__.py')) return undefined;
      const sub = this.resolveModule(file, `.${path[0]}`, 'python');
      return sub ? this.lookupExport(sub, path.slice(1), hops + 1) : undefined;
    }
    const [head, ...rest] = path;
    for (const exp of facts.exports) {
      if (exp.kind === 'local' && exp.exported === head) return this.lookupLocal(file, [exp.local, ...rest], hops + 1);
      if (exp.kind === 'from' && exp.exported === head) {
        const target = this.resolveModule(file, exp.specifier, 'typescript');
        if (!target) return undefined;
        return exp.imported === '*' ? this.lookupExport(target, rest, hops + 1) : this.lookupExport(target, [exp.imported, ...rest], hops + 1);
      }
    }
    for (const exp of facts.exports) {
      if (exp.kind !== 'star') continue;
      const target = this.resolveModule(file, exp.specifier, 'typescript');
      const found = target ? this.lookupExport(target, path, hops + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  private valuesOf(facts: FileFacts): { byPath: Map<string, ValueDecl>; spreads: Map<string, ValueDecl[]> } {
    let v = this.valuesCache.get(facts);
    if (!v) {
      v = { byPath: new Map(), spreads: new Map() };
      for (const decl of facts.values) {
        const joined = decl.path.join('.');
        if (decl.spread) {
          const list = v.spreads.get(joined);
          if (list) list.push(decl);
          else v.spreads.set(joined, [decl]);
        } else if (!v.byPath.has(joined)) v.byPath.set(joined, decl);
      }
      this.valuesCache.set(facts, v);
    }
    return v;
  }

  resolveClass(file: string, path: readonly string[]): ClassRef | undefined {
    const sym = this.resolveSymbol(file, path);
    return sym?.kind === 'class' ? sym.ref : undefined;
  }

  /** The key an expression written in `file` stands for. */
  resolveKey(file: string, expr: KeyExpr, hops = 0): KeyResult {
    switch (expr.kind) {
      case 'literal':
        return { key: expr.value };
      case 'dynamic': {
        if (expr.parts && hops <= MAX_HOPS) {
          // Pieces joined: a key when every piece is a constant.
          let key = '';
          for (const part of expr.parts) {
            const k = this.resolveKey(file, part, hops + 1);
            if (!('key' in k)) return { unresolved: `${expr.reason}: ${expr.text}` };
            key += k.key;
          }
          return { key };
        }
        return { unresolved: `${expr.reason}: ${expr.text}` };
      }
      case 'className': {
        const cls = this.resolveClass(file, expr.path);
        return cls ? { key: cls.decl.name } : { unresolved: `class '${expr.path.join('.')}' is not declared in the workspace` };
      }
      case 'eventClass': {
        const cls = this.resolveClass(file, expr.path);
        if (!cls) return { unresolved: `class '${expr.path.join('.')}' is not declared in the workspace` };
        const info = this.eventInfo(cls);
        if (info.key !== undefined) return { key: info.key };
        return { unresolved: info.keyProblem ?? `'${cls.decl.name}' is not an event class with a key` };
      }
      case 'ref': {
        const written = expr.text ?? expr.path.join('.');
        if (hops > MAX_HOPS) return { unresolved: `'${written}' refers to itself` };
        const sym = this.resolveSymbol(file, expr.path);
        // `X.getName()` is a constant only when it is a method returning one; any other call is run-time.
        if (!sym && expr.path[expr.path.length - 1].endsWith('()')) return { unresolved: `the result of a call: ${written}` };
        if (!sym) return { unresolved: `'${written}' cannot be resolved to a constant` };
        if (sym.kind === 'value') return this.resolveKey(sym.file, sym.value, hops + 1);
        if (sym.kind === 'class') return { unresolved: `'${written}' is a class, not a key` };
        return { unresolved: `'${written}' is a module, not a key` };
      }
    }
  }

  /**
   * Whether a class is an event class, and the key it declares or inherits. A class is an
   * event when it extends a configured base class (its key: its event-type property, or the
   * inherited one), or — class-keyed events, keyed by the class's own name — when it implements
   * one of the event interfaces, extends such a class, or is used as an event by a convention.
   */
  eventInfo(ref: ClassRef, depth = 0): EventClassInfo {
    const cached = this.eventInfoCache.get(ref.decl);
    if (cached) return cached;
    const info: EventClassInfo = { isBase: false, isEvent: false };
    this.eventInfoCache.set(ref.decl, info); // cycle guard: a class extending itself is not an event
    if (this.conventions.baseClasses.includes(ref.decl.name)) {
      info.isBase = true;
      return info;
    }
    let parentInterface = false;
    let parentClassKeyed = false;
    if (ref.decl.extends.length !== 0 && depth <= MAX_HOPS) {
      const parent = this.resolveClass(ref.file, ref.decl.extends);
      if (parent) {
        const p = this.eventInfo(parent, depth + 1);
        info.isEvent = p.isBase || p.isEvent;
        // A class-keyed parent's key is its own name: a subclass does not inherit it.
        if (p.key && !p.classKey) info.key = p.key;
        parentInterface = !!p.classInterface;
        parentClassKeyed = !!p.classKey;
      } else {
        // A base class from a package (not in the workspace): recognised by name.
        info.isEvent = this.conventions.baseClasses.includes(ref.decl.extends[ref.decl.extends.length - 1]);
      }
    }
    if (info.isEvent && ref.decl.eventType) {
      const k = this.resolveKey(ref.file, ref.decl.eventType);
      if ('key' in k) info.key = k.key;
      else {
        delete info.key;
        info.keyProblem = k.unresolved;
      }
    }
    if (parentInterface || ref.decl.implements?.some((p) => this.conventions.eventInterfaces.includes(p[p.length - 1]))) info.classInterface = true;
    if (info.isEvent) {
      // A subclass of an event base that declares no key (`class OrderPlaced extends DomainEvent {}`).
      if (info.key === undefined && !info.keyProblem && (this.conventions.classNameKeys || parentClassKeyed) && !ref.decl.abstract) {
        info.key = ref.decl.name;
        info.classKey = true;
      }
      return info;
    }
    const used = !!this.host.isEventClassByUse?.(ref.file, ref.decl.name);
    if (info.classInterface || used) {
      info.isEvent = true;
      info.classKey = true;
      if (!ref.decl.abstract || used) info.key = ref.decl.name;
    }
    return info;
  }

  /**
   * Whether the class at `classPath` (as written in `file`) is one of `bases` (`'is'`), extends
   * one directly or not (`'extends'`), or neither. A base class outside the workspace is
   * recognised by its name.
   */
  classRelation(file: string, classPath: readonly string[], bases: readonly string[]): 'is' | 'extends' | 'no' {
    const cls = this.resolveClass(file, classPath);
    if (!cls) return bases.includes(classPath[classPath.length - 1]) ? 'extends' : 'no';
    if (bases.includes(cls.decl.name)) return 'is';
    let ref: ClassRef | undefined = cls;
    for (let hops = 0; ref && ref.decl.extends.length && hops <= MAX_HOPS; hops++) {
      const parentPath = ref.decl.extends;
      const parent = this.resolveClass(ref.file, parentPath);
      if (!parent) return bases.includes(parentPath[parentPath.length - 1]) ? 'extends' : 'no';
      if (bases.includes(parent.decl.name)) return 'extends';
      ref = parent;
    }
    return 'no';
  }

  /** Forgets which classes are events (the classes used as events changed). */
  clearEventInfo(): void {
    this.eventInfoCache = new WeakMap();
  }

  /** Forgets everything derived; called when any file's declarations change. */
  clearSymbols(): void {
    this.symbolCache.clear();
    this.eventInfoCache = new WeakMap();
  }

  /** Forgets module resolution too; called when files are added or removed, or tsconfig changes. */
  clearAll(): void {
    this.clearSymbols();
    this.dependents.clear();
    this.moduleCache.clear();
    this.tsconfigByDir.clear();
    this.configProblems.length = 0;
  }
}

export type Symbol =
  | { kind: 'class'; ref: ClassRef }
  | { kind: 'value'; file: string; value: KeyExpr }
  | { kind: 'module'; file: string };
