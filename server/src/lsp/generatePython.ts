/**
 * Code generation for Python modules, in the seed's conventions, as WorkspaceEdits:
 * - a handler function in the module's `services/<module>_event_handlers.py` (created if
 *   missing, else appended), with the imports it needs, and the import that registers it in
 *   the module's `__init__.py` (inside `init_<module>_module` when there is one);
 * - an `EventBase` subclass in the module's `domain/events.py`.
 * Text edits, not a reprinted AST: the rest of each file is untouched. Import paths are
 * computed from the files that define the names and the workspace's Python source roots.
 */
import * as fs from 'node:fs';
import { ErrorCodes, ResponseError, type Position } from 'vscode-languageserver';
import type { PythonOutline } from '../core/extract/python';
import type { FileFacts } from '../core/facts';
import { detectPythonSourceRoots, pythonModuleName, pythonSubmoduleSpecifier, resolvePythonModule } from '../core/extract/pythonModules';
import { readTextFile } from '../core/host';
import { joinPath, relativePath } from '../core/text';
import type { GeneratedEdit } from '../protocol';
import { pathToUri } from './convert';
import { EditBuilder, type VersionOf } from './edits';
import type { Folder } from './folder';

/** Whether a module's files are Python (more `.py` than TypeScript files under its folder). */
export function isPythonModule(folder: Folder, module: string): boolean {
  return folder.index.moduleLanguages().get(module) === 'python';
}

export function generatePythonHandler(folder: Folder, key: string, module: string, moduleDir: string, versionOf: VersionOf): GeneratedEdit {
  const index = folder.index;
  if (!isPythonModule(folder, module)) {
    const decl = index.graph.declarationsOf(key)[0];
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `'${key}' is declared in Python (${decl?.name ?? 'an event class'}) and module ${module} is not a Python module: write its handler by hand`,
    );
  }
  const ctx = new PythonContext(folder);
  const decorator = ctx.handlerDecorator();
  // The event class: a Python declaration (outside tests, first); else the base class, so the
  // parameter is still typed.
  const decls = index.graph.declarationsOf(key).filter((d) => d.file.endsWith('.py'));
  const decl = decls.find((d) => !d.isTest) ?? decls[0];
  const eventClass = decl ? { name: decl.name, module: ctx.moduleName(decl.file) } : ctx.baseClass();

  const pkg = pythonIdentifier(module);
  const handlerFile = joinPath(moduleDir, `services/${pkg}_event_handlers.py`);
  const functionBase = `handle_${snake(key)}_event`;
  const builder = new EditBuilder(versionOf);
  const existing = index.textOf(handlerFile);

  if (existing !== undefined) {
    const outline = ctx.outline(handlerFile, existing);
    const taken = new Set(outline.names);
    let fn = functionBase;
    for (let i = 2; taken.has(fn); i++) fn = `${functionBase}_${i}`;
    const [decoratorLocal, classLocal] = ctx.addImports(builder, handlerFile, existing, outline, eventClass ? [decorator, eventClass] : [decorator]);
    const end = existing.length;
    const code = handlerFunction(decoratorLocal, key, fn, classLocal);
    builder.insert(handlerFile, folder.conv.position(handlerFile, end), separatorBefore(existing) + code);
    const line = positionAfter(folder.conv.position(handlerFile, end), separatorBefore(existing)).line + 1 + ctx.linesAdded(handlerFile);
    return {
      edit: builder.build(),
      summary: `Added ${fn} for '${key}' to ${relativePath(folder.root, handlerFile)}`,
      reveal: revealLine(handlerFile, line),
    };
  }

  // A new handler file, and the import in the module's `__init__.py` that registers it.
  const servicesInit = joinPath(moduleDir, 'services/__init__.py');
  if (ctx.isPackageStyle(moduleDir) && index.textOf(servicesInit) === undefined) builder.create(servicesInit, '');
  const byModule = new Map<string, string[]>();
  for (const w of eventClass ? [decorator, eventClass] : [decorator]) byModule.set(w.module, [...(byModule.get(w.module) ?? []), w.name]);
  const header = [
    `"""How the ${module} module reacts to other modules' events. Importing this module registers its handlers."""`,
    ...[...byModule].map(([from, names]) => `from ${from} import ${names.sort(isortOrder).join(', ')}`),
  ];
  const text = `${header.join('\n')}\n\n\n${handlerFunction(decorator.name, key, functionBase, eventClass?.name)}`;
  builder.create(handlerFile, text);
  ctx.addRegistration(builder, module, moduleDir, handlerFile);
  return {
    edit: builder.build(),
    summary: `Created ${relativePath(folder.root, handlerFile)} with ${functionBase} for '${key}'`,
    reveal: revealLine(handlerFile, header.length + 3),
  };
}

export function generatePythonEvent(folder: Folder, module: string, moduleDir: string, key: string, versionOf: VersionOf): GeneratedEdit {
  const index = folder.index;
  const ctx = new PythonContext(folder);
  const base = ctx.baseClass();
  if (!base) throw new ResponseError(ErrorCodes.InvalidParams, `No Python file declares the event base class (${index.currentConventions.baseClasses.join(', ') || 'EventBase'})`);
  const className = `${pascal(key)}Event`;
  const path = joinPath(moduleDir, 'domain/events.py');
  const builder = new EditBuilder(versionOf);
  const text = index.textOf(path);
  const classLines = (baseLocal: string) => [`class ${className}(${baseLocal}):`, `    """Event emitted when ${key.split('.').join(' ')}."""`, ``, `    event_type: str = "${pyString(key)}"`, ``].join('\n');
  if (text !== undefined) {
    const outline = ctx.outline(path, text);
    if (outline.names.includes(className)) throw new ResponseError(ErrorCodes.InvalidParams, `${className} already exists in ${relativePath(folder.root, path)}`);
    const [baseLocal] = ctx.addImports(builder, path, text, outline, [base]);
    const separator = separatorBefore(text);
    const end = folder.conv.position(path, text.length);
    builder.insert(path, end, separator + classLines(baseLocal));
    return { edit: builder.build(), summary: `Added ${className} ('${key}') to ${relativePath(folder.root, path)}`, reveal: revealLine(path, positionAfter(end, separator).line + ctx.linesAdded(path)) };
  }
  const domainInit = joinPath(moduleDir, 'domain/__init__.py');
  if (ctx.isPackageStyle(moduleDir) && index.textOf(domainInit) === undefined) builder.create(domainInit, '');
  builder.create(path, [`"""Events the ${module} module publishes."""`, `from ${base.module} import ${base.name}`, ``, ``, classLines(base.name)].join('\n'));
  return { edit: builder.build(), summary: `Created ${relativePath(folder.root, path)} with ${className} ('${key}')`, reveal: revealLine(path, 4) };
}

// ── The workspace's Python ─────────────────────────────────────────────────────────────

interface ImportedName {
  name: string;
  /** The dotted module to import it from. */
  module: string;
}

class PythonContext {
  private roots?: string[];
  /** Lines inserted above the end of each file (imports), to place the cursor after the edit. */
  private readonly added = new Map<string, number>();

  constructor(private readonly folder: Folder) {}

  private get sourceRoots(): string[] {
    this.roots ??= detectPythonSourceRoots(this.folder.root, readTextFile, (p) => fs.existsSync(p));
    return this.roots;
  }

  private exists = (p: string): boolean => this.folder.index.files.has(p) || fs.existsSync(p);

  /** The dotted module name of a workspace file. */
  moduleName(file: string): string {
    const name = pythonModuleName(file, this.sourceRoots, this.exists);
    if (!name) throw new ResponseError(ErrorCodes.InvalidRequest, `${relativePath(this.folder.root, file)} cannot be imported: its path is not a Python module name`);
    return name;
  }

  resolve(fromFile: string, specifier: string): string | undefined {
    return resolvePythonModule(fromFile, specifier, this.sourceRoots, this.exists);
  }

  outline(path: string, text: string): PythonOutline {
    // Loaded on demand, like the extractor: TypeScript-only workspaces never load the parser.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const python = require('../core/extract/python') as typeof import('../core/extract/python');
    const outline = python.pythonOutline(text);
    if (!outline) throw new ResponseError(ErrorCodes.InternalError, 'The Python parser is not loaded');
    if (outline.syntaxErrors) throw new ResponseError(ErrorCodes.InvalidRequest, `${relativePath(this.folder.root, path)} has syntax errors; fix them first`);
    return outline;
  }

  /** The handler decorator the workspace's Python defines (or imports from a package). */
  handlerDecorator(): ImportedName {
    const names = this.folder.index.currentConventions.handlerDecorators.map((d) => d.name);
    const found = this.defining(names, (facts, name) => facts.functions.some((f) => f.id === name)) ?? this.importedFromPackage(names);
    if (!found) throw new ResponseError(ErrorCodes.InvalidParams, `No Python file defines a handler decorator (${names.join(', ')}); configure handlerDecorators in .eventflow.json`);
    return found;
  }

  /** The event base class, from the Python file that declares it (or a package it is imported from). */
  baseClass(): ImportedName | undefined {
    const names = this.folder.index.currentConventions.baseClasses;
    return (
      this.defining(names, (facts, name, text) => facts.classes.some((c) => c.name === name) || new RegExp(`^class\\s+${name.replace(/[^\w]/g, '\\$&')}\\b`, 'm').test(text())) ??
      this.importedFromPackage(names)
    );
  }

  /** The first Python file (outside modules and tests first) that defines one of `names`. */
  private defining(names: string[], defines: (facts: FileFacts, name: string, text: () => string) => boolean): ImportedName | undefined {
    let fallback: ImportedName | undefined;
    for (const name of names) {
      for (const entry of this.folder.index.files.values()) {
        if (!entry.path.endsWith('.py') || entry.isTest || !entry.facts) continue;
        if (!defines(entry.facts, name, () => this.folder.index.textOf(entry.path) ?? '')) continue;
        const found = { name, module: this.moduleName(entry.path) };
        if (!entry.module) return found;
        fallback ??= found;
      }
    }
    return fallback;
  }

  /** A name the workspace imports from outside itself (`from eventlib import event_handler`). */
  private importedFromPackage(names: string[]): ImportedName | undefined {
    for (const entry of this.folder.index.files.values()) {
      if (!entry.path.endsWith('.py') || !entry.facts) continue;
      for (const imp of entry.facts.imports) {
        if (imp.specifier.startsWith('.')) continue;
        const b = imp.bindings.find((x) => names.includes(x.imported));
        if (b && !this.resolve(entry.path, imp.specifier)) return { name: b.imported, module: imp.specifier };
      }
    }
    return undefined;
  }

  /** Directories of the module hold `__init__.py` files (regular packages, as the seed). */
  isPackageStyle(moduleDir: string): boolean {
    return this.exists(joinPath(moduleDir, '__init__.py'));
  }

  /**
   * Makes names available in a file; returns the local name of each. Reuses an import that
   * already binds it (under an alias too), appends to a one-line `from <module> import …`, or
   * adds `from <module> import …` lines (one per module) after the last top-level import.
   */
  addImports(builder: EditBuilder, path: string, text: string, outline: PythonOutline, wanted: ImportedName[]): string[] {
    const fresh = new Map<string, string[]>();
    const locals = wanted.map(({ name, module }) => {
      const target = this.resolve(path, module);
      const sameModule = (imp: PythonOutline['imports'][number]) => imp.from !== undefined && (imp.from === module || (target !== undefined && this.resolve(path, imp.from) === target));
      for (const imp of outline.imports) {
        const bound = sameModule(imp) ? imp.names.find((n) => n.name === name) : undefined;
        if (bound) return bound.local;
      }
      if (outline.names.includes(name)) return name; // defined or imported otherwise: leave it alone
      const appendable = outline.imports.find((imp) => sameModule(imp) && imp.appendAt !== undefined);
      if (appendable) builder.insert(path, this.folder.conv.position(path, appendable.appendAt!), `, ${name}`);
      else fresh.set(module, [...(fresh.get(module) ?? []), name]);
      return name;
    });
    if (fresh.size) {
      const { offset, prefix } = importInsertion(text, outline);
      const lines = prefix + [...fresh].map(([module, names]) => `from ${module} import ${names.sort(isortOrder).join(', ')}\n`).join('');
      builder.insert(path, this.folder.conv.position(path, offset), lines);
      this.added.set(path, this.linesAdded(path) + lines.split('\n').length - 1);
    }
    return locals;
  }

  linesAdded(path: string): number {
    return this.added.get(path) ?? 0;
  }

  /** Registers a new handlers file: its import in the module's `__init__.py` (created if missing). */
  addRegistration(builder: EditBuilder, module: string, moduleDir: string, handlerFile: string): void {
    const index = this.folder.index;
    const initPath = joinPath(moduleDir, '__init__.py');
    const handlersModule = this.moduleName(handlerFile);
    const parent = handlersModule.slice(0, handlersModule.lastIndexOf('.'));
    const leaf = handlersModule.slice(handlersModule.lastIndexOf('.') + 1);
    const statement = `from ${parent} import ${leaf}  # noqa: F401`;
    const text = index.textOf(initPath);
    if (text === undefined) {
      builder.create(initPath, `"""The ${module} module."""\n# Imported for its side effect: importing the handlers registers them.\n${statement}\n`);
      return;
    }
    if (this.importsModule(initPath, handlerFile)) return;
    const outline = this.outline(initPath, text);
    const initFunction = outline.functions.find((f) => f.name === `init_${pythonIdentifier(module)}_module`);
    // A body on the `def` line (`def init_x_module(): pass`) takes no indented lines: module level then.
    const ownLine = (s: { span: { start: number } }) => /^[ \t]*$/.test(text.slice(text.lastIndexOf('\n', s.span.start - 1) + 1, s.span.start));
    if (initFunction?.body[0] && ownLine(initFunction.body[0])) {
      // After the function's own imports (the seed imports there to avoid circular imports),
      // else after its docstring, else at the start of its body.
      const body = initFunction.body;
      const lastImport = [...body].reverse().find((s) => s.type === 'import_from_statement' || s.type === 'import_statement');
      const anchor = lastImport ?? (body[0].isString ? body[0] : undefined);
      const lines = `${initFunction.bodyIndent}# Import event handlers to register them\n${initFunction.bodyIndent}${statement}\n`;
      if (anchor) {
        const nl = text.indexOf('\n', anchor.span.end);
        builder.insert(initPath, this.folder.conv.position(initPath, nl < 0 ? text.length : nl + 1), (nl < 0 ? '\n' : '') + lines);
      } else {
        builder.insert(initPath, this.folder.conv.position(initPath, text.lastIndexOf('\n', body[0].span.start - 1) + 1), lines);
      }
      return;
    }
    const { offset, prefix } = importInsertion(text, outline);
    builder.insert(initPath, this.folder.conv.position(initPath, offset), `${prefix}# Imported for its side effect: importing the handlers registers them.\n${statement}\n`);
  }

  /** Whether a file imports `target` anywhere (at the top, inside a function), in any form. */
  private importsModule(path: string, target: string): boolean {
    const facts = this.folder.index.factsOfFile(path);
    return !!facts?.imports.some(
      (imp) => this.resolve(path, imp.specifier) === target || imp.bindings.some((b) => b.imported !== '*' && this.resolve(path, pythonSubmoduleSpecifier(imp.specifier, b.imported)) === target),
    );
  }
}

// ── Text ─────────────────────────────────────────────────────────────────────────────

function handlerFunction(decorator: string, key: string, name: string, eventClass: string | undefined): string {
  return [`@${decorator}("${pyString(key)}")`, `def ${name}(event${eventClass ? `: ${eventClass}` : ''}) -> None:`, `    """Handle ${pyString(key)}."""`, `    ...`, ``].join('\n');
}

/** Where a new top-level import goes: after the last top-level import, else after the docstring and leading comments. */
function importInsertion(text: string, outline: PythonOutline): { offset: number; prefix: string } {
  const last = outline.imports[outline.imports.length - 1];
  const after = (end: number) => {
    const nl = text.indexOf('\n', end);
    return nl < 0 ? { offset: text.length, prefix: '\n' } : { offset: nl + 1, prefix: '' };
  };
  if (last) return after(last.span.end);
  if (outline.docstringEnd > 0) return after(outline.docstringEnd);
  // After a leading block of comments (a shebang, an encoding line, a path header).
  const m = /^(?:#[^\n]*\n)+/.exec(text);
  return { offset: m ? m[0].length : 0, prefix: '' };
}

/** Blank lines so that a new top-level definition starts two blank lines after the last code (PEP 8). */
function separatorBefore(text: string): string {
  if (text.trim() === '') return '\n\n'; // after the imports added to an empty file
  const trailing = /\n*$/.exec(text)![0].length;
  return '\n'.repeat(Math.max(0, 3 - trailing));
}

function positionAfter(start: Position, inserted: string): Position {
  const lines = inserted.split('\n');
  return lines.length === 1 ? { line: start.line, character: start.character + inserted.length } : { line: start.line + lines.length - 1, character: lines[lines.length - 1].length };
}

function revealLine(path: string, line: number): GeneratedEdit['reveal'] {
  return { uri: pathToUri(path), range: { start: { line, character: 0 }, end: { line, character: 0 } } };
}

/** A key as the content of a double-quoted Python string. */
function pyString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** isort's default order of imported names: CONSTANTS, then Classes, then functions. */
function isortOrder(a: string, b: string): number {
  const rank = (n: string) => (n === n.toUpperCase() ? 0 : n[0] === n[0].toUpperCase() ? 1 : 2);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function snake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .join('_')
    .toLowerCase();
}

function pythonIdentifier(module: string): string {
  return module.replace(/[^A-Za-z0-9_]/g, '_');
}

function pascal(key: string): string {
  return key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}
