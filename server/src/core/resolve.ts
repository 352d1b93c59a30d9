/**
 * Name resolution without a type checker: which class an identifier means and which key a
 * constant holds, by following the import graph (relative imports, `index.ts` folders,
 * re-exports, aliases, tsconfig `paths`). Results are memoised until a file's declarations
 * (its "surface") change.
 */
import type { Conventions } from './conventions';
import type { ClassDecl, FileFacts, KeyExpr } from './facts';
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
  /** The class extends a base, directly or not. */
  isEvent: boolean;
  /** The key it declares or inherits. */
  key?: string;
  /** Why the key could not be determined, when it is written but unresolvable. */
  keyProblem?: string;
}

export type KeyResult = { key: string } | { unresolved: string };

const MAX_HOPS = 32;
const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts'];

export class Resolver {
  private readonly moduleCache = new Map<string, string | null>();
  private readonly tsconfigByDir = new Map<string, PathsConfig>();
  private readonly symbolCache = new Map<string, Symbol | null>();
  private eventInfoCache = new WeakMap<ClassDecl, EventClassInfo>();
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
    if (config.baseUrl) return this.tryFile(joinPath(config.baseUrl, specifier));
    return undefined;
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
    const cacheKey = `${file}\0${path.join('.')}`;
    const cached = this.symbolCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    this.symbolCache.set(cacheKey, null); // guards against import cycles
    const result = this.lookupLocal(file, path, 0);
    this.symbolCache.set(cacheKey, result ?? null);
    return result;
  }

  private lookupLocal(file: string, path: readonly string[], hops: number): Symbol | undefined {
    if (hops > MAX_HOPS || path.length === 0) return undefined;
    const facts = this.host.factsOf(file);
    if (!facts) return undefined;
    const [head, ...rest] = path;
    // A value declared in this file under exactly this path (const, enum member, object leaf).
    const joined = path.join('.');
    for (const v of facts.values) if (v.path.join('.') === joined) return { kind: 'value', file, value: v.value };
    for (const c of facts.classes) {
      if (c.name === head) {
        if (rest.length === 0) return { kind: 'class', ref: { file, decl: c } };
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

  resolveClass(file: string, path: readonly string[]): ClassRef | undefined {
    const sym = this.resolveSymbol(file, path);
    return sym?.kind === 'class' ? sym.ref : undefined;
  }

  /** The key an expression written in `file` stands for. */
  resolveKey(file: string, expr: KeyExpr, hops = 0): KeyResult {
    switch (expr.kind) {
      case 'literal':
        return { key: expr.value };
      case 'dynamic':
        return { unresolved: `${expr.reason}: ${expr.text}` };
      case 'className': {
        const cls = this.resolveClass(file, expr.path);
        return cls ? { key: cls.decl.name } : { unresolved: `class '${expr.path.join('.')}' is not declared in the workspace` };
      }
      case 'ref': {
        if (hops > MAX_HOPS) return { unresolved: `'${expr.path.join('.')}' refers to itself` };
        const sym = this.resolveSymbol(file, expr.path);
        if (!sym) return { unresolved: `'${expr.path.join('.')}' cannot be resolved to a constant` };
        if (sym.kind === 'value') return this.resolveKey(sym.file, sym.value, hops + 1);
        if (sym.kind === 'class') return { unresolved: `'${expr.path.join('.')}' is a class, not a key` };
        return { unresolved: `'${expr.path.join('.')}' is a module, not a key` };
      }
    }
  }

  /** Whether a class is an event class, and the key it declares or inherits. */
  eventInfo(ref: ClassRef, depth = 0): EventClassInfo {
    const cached = this.eventInfoCache.get(ref.decl);
    if (cached) return cached;
    const info: EventClassInfo = { isBase: false, isEvent: false };
    this.eventInfoCache.set(ref.decl, info); // cycle guard: a class extending itself is not an event
    if (this.conventions.baseClasses.includes(ref.decl.name)) {
      info.isBase = true;
      return info;
    }
    if (ref.decl.extends.length === 0 || depth > MAX_HOPS) return info;
    const parent = this.resolveClass(ref.file, ref.decl.extends);
    if (parent) {
      const p = this.eventInfo(parent, depth + 1);
      info.isEvent = p.isBase || p.isEvent;
      if (p.key) info.key = p.key;
    } else {
      // A base class from a package (not in the workspace): recognised by name.
      info.isEvent = this.conventions.baseClasses.includes(ref.decl.extends[ref.decl.extends.length - 1]);
    }
    if (info.isEvent && ref.decl.eventType) {
      const k = this.resolveKey(ref.file, ref.decl.eventType);
      if ('key' in k) info.key = k.key;
      else {
        delete info.key;
        info.keyProblem = k.unresolved;
      }
    }
    return info;
  }

  /** Forgets everything derived; called when any file's declarations change. */
  clearSymbols(): void {
    this.symbolCache.clear();
    this.eventInfoCache = new WeakMap();
  }

  /** Forgets module resolution too; called when files are added or removed, or tsconfig changes. */
  clearAll(): void {
    this.clearSymbols();
    this.moduleCache.clear();
    this.tsconfigByDir.clear();
    this.configProblems.length = 0;
  }
}

export type Symbol =
  | { kind: 'class'; ref: ClassRef }
  | { kind: 'value'; file: string; value: KeyExpr }
  | { kind: 'module'; file: string };
