/**
 * Code generation in the sample's conventions, as WorkspaceEdits: a handler for an event in
 * a module (in the module's handler file, created if missing, with its imports and the
 * registration import in the module's index), and a new event class in a module's
 * `domain/events.ts`. Text edits, not a reprinted AST: the rest of each file is untouched.
 */
import * as fs from 'node:fs';
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { FileFacts } from '../core/facts';
import { checkEventName } from '../core/naming';
import { dirname, joinPath, relativePath, slash } from '../core/text';
import type { GeneratedEdit } from '../protocol';
import { pathToUri } from './convert';
import { EditBuilder, type VersionOf } from './edits';
import type { Folder } from './folder';
import { generatePythonEvent, generatePythonHandler, isPythonModule } from './generatePython';

const MODULE_NAME = /^[A-Za-z][\w-]*$/;

export function generateHandler(folder: Folder, key: string, module: string, versionOf: VersionOf): GeneratedEdit {
  const index = folder.index;
  checkParams(key, module);
  // The key is written into generated code (a string literal, a comment): one declared in the
  // workspace as `'a\nb'` or with a quote would break out of them and inject code.
  const unsafe = unsafeKeyReason(key);
  if (unsafe) throw new ResponseError(ErrorCodes.InvalidParams, `Cannot generate a handler for '${JSON.stringify(key).slice(1, -1)}': the event type ${unsafe}`);
  const decl = index.graph.declarationsOf(key)[0];
  if (!decl) throw new ResponseError(ErrorCodes.InvalidParams, `No event class declares '${key}'; declare it first (Event Flow: New Event…)`);
  const moduleDir = moduleDirectory(folder, module);
  if (decl.file.endsWith('.py') || isPythonModule(folder, module)) return generatePythonHandler(folder, key, module, moduleDir, versionOf);
  const conventions = index.currentConventions;
  const decorator = conventions.handlerDecorators.find((d) => !d.name.includes('_'))?.name ?? conventions.handlerDecorators[0]?.name;
  if (!decorator) throw new ResponseError(ErrorCodes.InvalidParams, 'No handler decorator is configured (handlerDecorators in .eventflow.json)');
  const builder = new EditBuilder(versionOf);
  const existing = findHandlerFile(folder, moduleDir);
  const methodBase = 'handle' + pascal(key);
  if (existing) {
    const { path, facts, className } = existing;
    const cls = facts.classes.find((c) => c.name === className)!;
    const text = index.textOf(path) ?? '';
    const taken = new Set(facts.functions.map((f) => f.id));
    let method = methodBase;
    for (let i = 2; taken.has(`${className}.${method}`); i++) method = `${methodBase}${i}`;
    // Insert before the class's closing brace, indented like its members.
    const closing = text.lastIndexOf('}', cls.span.end - 1);
    const indent = memberIndent(text, cls.span.start, closing);
    const beforeClosing = text.slice(0, closing).replace(/[ \t]*$/, '');
    const insertAt = beforeClosing.length;
    const methodText = `\n${handlerMethod(decorator, key, method, decl.name, indent)}\n`;
    const imports = missingImports(facts, path, [
      { name: decorator, from: exportingFile(folder, decorator) },
      { name: decl.name, from: decl.file, typeOnly: true },
    ]);
    if (imports) builder.insert(path, folder.conv.position(path, importInsertOffset(facts, text)), imports);
    builder.insert(path, folder.conv.position(path, insertAt), methodText);
    // Where the new method's decorator is once the edit is applied: after the blank line, below any added imports.
    const at = { line: folder.conv.position(path, insertAt).line + 1 + (imports.match(/\n/g)?.length ?? 0), character: indent.length };
    return {
      edit: builder.build(),
      summary: `Added ${className}.${method} for '${key}' in ${relativePath(folder.root, path)}`,
      reveal: { uri: pathToUri(path), range: { start: at, end: at } },
    };
  }
  // A new handler file, and the import in the module's index that registers it.
  const fileName = `${module}-event-handlers.ts`;
  const path = joinPath(moduleDir, `services/${fileName}`);
  if (index.files.has(path) || index.textOf(path) !== undefined) throw new ResponseError(ErrorCodes.InvalidRequest, `${relativePath(folder.root, path)} exists but holds no handler class; add the handler there by hand`);
  const className = `${pascal(module)}EventHandlers`;
  const decoratorFile = exportingFile(folder, decorator);
  const lines = [
    `/**`,
    ` * How the ${module} module reacts to other modules' events. Importing this file`,
    ` * registers the handlers (see ../index.ts).`,
    ` */`,
    ``,
    ...(decoratorFile ? [`import { ${decorator} } from '${importPath(path, decoratorFile)}';`] : []),
    `import type { ${decl.name} } from '${importPath(path, decl.file)}';`,
    ``,
    `export class ${className} {`,
    handlerMethod(decorator, key, methodBase, decl.name, '  '),
    `}`,
    ``,
  ];
  builder.create(path, lines.join('\n'));
  const indexPath = joinPath(moduleDir, 'index.ts');
  const registration = `// Imported for its side effect: defining ${className} registers its handlers.\nimport './services/${fileName.replace(/\.ts$/, '')}';\n`;
  const indexFacts = index.factsOfFile(indexPath);
  if (indexFacts) {
    const indexText = index.textOf(indexPath) ?? '';
    builder.insert(indexPath, folder.conv.position(indexPath, importInsertOffset(indexFacts, indexText)), registration);
  } else if (index.textOf(indexPath) === undefined) {
    builder.create(indexPath, `/** The ${module} module. */\n\n${registration}`);
  }
  const line = lines.findIndex((l) => l.includes(`static ${methodBase}(`));
  return {
    edit: builder.build(),
    summary: `Created ${relativePath(folder.root, path)} with ${className}.${methodBase} for '${key}'`,
    reveal: { uri: pathToUri(path), range: { start: { line, character: 0 }, end: { line, character: 0 } } },
  };
}

export function generateEvent(folder: Folder, module: string, key: string, versionOf: VersionOf): GeneratedEdit {
  const index = folder.index;
  checkParams(key, module);
  const naming = checkEventName(key, index.currentConventions.naming);
  if (naming) throw new ResponseError(ErrorCodes.InvalidParams, `Event type ${naming.message}`);
  if (index.graph.declarationsOf(key).length) throw new ResponseError(ErrorCodes.InvalidParams, `'${key}' is already declared by ${index.graph.declarationsOf(key)[0].name}`);
  const moduleDir = moduleDirectory(folder, module);
  if (isPythonModule(folder, module)) return generatePythonEvent(folder, module, moduleDir, key, versionOf);
  const base = index.currentConventions.baseClasses[0] ?? 'EventBase';
  const className = `${pascal(key)}Event`;
  const path = joinPath(moduleDir, 'domain/events.ts');
  const builder = new EditBuilder(versionOf);
  const classText = [
    `/** Published when ${key.split('.').join(' ')}. */`,
    `export class ${className} extends ${base} {`,
    `  readonly eventType = '${key}';`,
    ``,
    `  constructor(readonly payload: { id: string }) {`,
    `    super();`,
    `  }`,
    `}`,
    ``,
  ].join('\n');
  const facts = index.factsOfFile(path);
  const text = index.textOf(path);
  if (text !== undefined) {
    if (facts?.classes.some((c) => c.name === className)) throw new ResponseError(ErrorCodes.InvalidParams, `${className} already exists in ${relativePath(folder.root, path)}`);
    const imports = facts ? missingImports(facts, path, [{ name: base, from: declaringFile(folder, base) }]) : '';
    if (imports && facts) builder.insert(path, folder.conv.position(path, importInsertOffset(facts, text)), imports);
    const end = folder.conv.position(path, text.length);
    builder.insert(path, end, (text.endsWith('\n') ? '\n' : '\n\n') + classText);
    return { edit: builder.build(), summary: `Added ${className} ('${key}') to ${relativePath(folder.root, path)}`, reveal: { uri: pathToUri(path), range: { start: end, end } } };
  }
  const baseFile = declaringFile(folder, base);
  builder.create(path, [`/** Events the ${module} module publishes. */`, ``, ...(baseFile ? [`import { ${base} } from '${importPath(path, baseFile)}';`, ``] : []), classText].join('\n'));
  return { edit: builder.build(), summary: `Created ${relativePath(folder.root, path)} with ${className} ('${key}')`, reveal: { uri: pathToUri(path), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } };
}

// ── Where things are ─────────────────────────────────────────────────────────────────

/** The folder of a module (`…/src/modules/<module>`), from any file it holds. */
export function moduleDirectory(folder: Folder, module: string): string {
  if (!MODULE_NAME.test(module)) throw new ResponseError(ErrorCodes.InvalidParams, `'${module}' is not a valid module name`);
  for (const entry of folder.index.files.values()) {
    if (entry.module !== module) continue;
    const padded = '/' + entry.rel;
    for (const root of folder.index.currentConventions.modulesRoots) {
      const marker = `/${root.replace(/^\/+|\/+$/g, '')}/${module}/`;
      const i = padded.indexOf(marker);
      if (i >= 0) {
        const dir = joinPath(folder.root, padded.slice(1, i + marker.length - 1));
        if (!dir.startsWith(folder.root + '/')) break; // never outside the workspace folder
        // Nor through a symbolic link: a module folder that is a link out of the workspace.
        if (!insideOnDisk(folder.root, dir)) throw new ResponseError(ErrorCodes.InvalidParams, `Module '${module}' is a link to a folder outside the workspace; Event Flow does not create files there`);
        return dir;
      }
    }
  }
  throw new ResponseError(ErrorCodes.InvalidParams, `No module named '${module}' in this workspace`);
}

/** Requests come from the client: their fields are checked, not trusted to be strings. */
function checkParams(key: unknown, module: unknown): void {
  if (typeof key !== 'string' || key.length === 0) throw new ResponseError(ErrorCodes.InvalidParams, 'The event type must be a non-empty string');
  if (typeof module !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'The module name must be a string');
}

/** Why a key cannot be written into generated code as is, if it cannot. */
function unsafeKeyReason(key: string): string | undefined {
  if (/['"`\\\u0000-\u001f\u007f\u2028\u2029]/.test(key)) return 'contains a quote, a backslash or a control character (a line break)';
  if (key.includes('${')) return "contains '${'";
  if (key.length > 200) return 'is longer than 200 characters';
  return undefined;
}

/** Whether `dir` (or its nearest existing ancestor) is inside `root` once symbolic links are followed. */
function insideOnDisk(root: string, dir: string): boolean {
  let realRoot: string;
  try {
    realRoot = slash(fs.realpathSync(root));
  } catch {
    return false;
  }
  for (let d = dir; d.startsWith(root + '/') || d === root; d = dirname(d)) {
    let real: string;
    try {
      real = slash(fs.realpathSync(d));
    } catch {
      continue; // not there yet: its parent decides
    }
    return real === realRoot || real.startsWith(realRoot + '/');
  }
  return false;
}

function findHandlerFile(folder: Folder, moduleDir: string): { path: string; facts: FileFacts; className: string } | undefined {
  let best: { path: string; facts: FileFacts; className: string } | undefined;
  for (const entry of folder.index.files.values()) {
    if (!entry.path.startsWith(moduleDir + '/') || !entry.facts || entry.isTest || !entry.path.endsWith('.ts')) continue;
    const h = entry.facts.handlers.find((x) => x.via === 'decorator' && x.className);
    if (!h) continue;
    const candidate = { path: entry.path, facts: entry.facts, className: h.className! };
    if (!best || /event-handlers\.ts$/.test(entry.path)) best = candidate;
  }
  return best;
}

/** The file that exports a name (the event system's decorator), preferring files outside modules. */
function exportingFile(folder: Folder, name: string): string | undefined {
  let found: string | undefined;
  for (const entry of folder.index.files.values()) {
    if (!entry.facts || entry.isTest) continue;
    if (entry.facts.exports.some((e) => e.kind === 'local' && e.exported === name)) {
      if (!entry.module) return entry.path;
      found ??= entry.path;
    }
  }
  return found;
}

function declaringFile(folder: Folder, className: string): string | undefined {
  for (const entry of folder.index.files.values()) {
    if (entry.facts?.classes.some((c) => c.name === className && c.exported)) return entry.path;
  }
  return exportingFile(folder, className);
}

// ── Text ─────────────────────────────────────────────────────────────────────────────

function handlerMethod(decorator: string, key: string, method: string, eventClass: string, indent: string): string {
  return [
    `${indent}@${decorator}('${key}')`,
    `${indent}static ${method}(event: ${eventClass}): void {`,
    `${indent}  // Event Flow generated this handler: react to '${key}' here.`,
    `${indent}  void event;`,
    `${indent}}`,
  ].join('\n');
}

function missingImports(facts: FileFacts, path: string, wanted: { name: string; from?: string; typeOnly?: boolean }[]): string {
  const have = new Set(facts.imports.flatMap((i) => i.bindings.map((b) => b.local)));
  const declared = new Set(facts.classes.map((c) => c.name));
  return wanted
    .filter((w) => w.from && w.from !== path && !have.has(w.name) && !declared.has(w.name))
    .map((w) => `import ${w.typeOnly ? 'type ' : ''}{ ${w.name} } from '${importPath(path, w.from!)}';\n`)
    .join('');
}

/** After the last import, or at the top. */
function importInsertOffset(facts: FileFacts, text: string): number {
  const last = facts.imports.reduce((max, i) => Math.max(max, i.span.end), -1);
  if (last < 0) {
    // After a leading comment block, if any.
    const m = /^(?:\s*(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*))*\s*\n/.exec(text);
    return m ? m[0].length : 0;
  }
  const nl = text.indexOf('\n', last);
  return nl < 0 ? text.length : nl + 1;
}

function memberIndent(text: string, from: number, to: number): string {
  const m = /\n([ \t]+)\S/.exec(text.slice(from, to));
  return m ? m[1] : '  ';
}

/** A relative module specifier from one file to another, without extension. */
export function importPath(fromFile: string, toFile: string): string {
  const from = dirname(fromFile).split('/').filter(Boolean);
  const to = toFile.replace(/\.(tsx?|mts|cts)$/, '').replace(/\/index$/, '').split('/').filter(Boolean);
  let i = 0;
  while (i < from.length && i < to.length && from[i] === to[i]) i++;
  const up = from.length - i;
  const rest = to.slice(i).join('/');
  const prefix = up === 0 ? './' : '../'.repeat(up);
  return (prefix + rest).replace(/\/$/, '') || '.';
}

export function pascal(key: string): string {
  return key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}
