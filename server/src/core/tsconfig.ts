/**
 * Reads the parts of `tsconfig.json` that module resolution needs: `baseUrl` and `paths`,
 * following `extends` (relative files and packages under node_modules). JSON with comments,
 * never executed; a broken file or an `extends` loop is reported, never thrown.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { dirname, joinPath } from './text';

export interface PathsConfig {
  /** The directory `paths` patterns are relative to (baseUrl, or the defining config's folder). */
  pathsBase?: string;
  baseUrl?: string;
  paths?: Record<string, string[]>;
}

export interface ConfigProblem {
  file: string;
  offset: number;
  message: string;
}

export type ReadFile = (path: string) => string | undefined;

export function loadTsconfig(file: string, readFile: ReadFile, problems: ConfigProblem[], seen: string[] = []): PathsConfig {
  if (seen.includes(file)) {
    problems.push({ file, offset: 0, message: `'extends' loop: ${[...seen, file].map((f) => f.split('/').pop()).join(' → ')}` });
    return {};
  }
  if (seen.length > 16) {
    problems.push({ file, offset: 0, message: `'extends' chain longer than 16 files` });
    return {};
  }
  const text = readFile(file);
  if (text === undefined) {
    if (seen.length) problems.push({ file: seen[seen.length - 1], offset: 0, message: `'extends' names a file that cannot be read: ${file}` });
    return {};
  }
  const errors: ParseError[] = [];
  const json = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const e = errors[0];
    // A file outside the folder that holds the chain's first tsconfig (`extends: "../../../etc/passwd"`)
    // is reported on that first file: the editor shows it there, and nothing of the other file is quoted.
    const outside = seen.length > 0 && !file.startsWith(dirname(seen[0]) + '/');
    if (outside) problems.push({ file: seen[0], offset: 0, message: `'extends' names a file that is not valid JSON (${printParseErrorCode(e.error)}): ${file}; it is ignored` });
    else problems.push({ file, offset: e.offset, message: `invalid JSON: ${printParseErrorCode(e.error)}; module aliases from this file are ignored` });
    // As the message says: what a broken file seems to say is not used (error recovery guesses).
    return {};
  }
  if (!isRecord(json)) return {};
  let result: PathsConfig = {};
  const ext = json['extends'];
  const bases = typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext.filter((e): e is string => typeof e === 'string') : [];
  for (const base of bases) {
    const basePath = resolveExtends(file, base, readFile);
    if (basePath) result = { ...result, ...loadTsconfig(basePath, readFile, problems, [...seen, file]) };
  }
  const co = json['compilerOptions'];
  if (isRecord(co)) {
    const dir = dirname(file);
    if (typeof co['baseUrl'] === 'string') {
      result.baseUrl = joinPath(dir, co['baseUrl']);
      result.pathsBase = result.baseUrl;
    }
    const paths = co['paths'];
    if (isRecord(paths)) {
      const clean: Record<string, string[]> = Object.create(null);
      for (const [pattern, targets] of Object.entries(paths)) {
        if (Array.isArray(targets)) clean[pattern] = targets.filter((t): t is string => typeof t === 'string');
      }
      result.paths = clean;
      if (!result.pathsBase || typeof co['baseUrl'] !== 'string') result.pathsBase = result.baseUrl ?? dir;
    }
  }
  return result;
}

function resolveExtends(from: string, spec: string, readFile: ReadFile): string | undefined {
  const dir = dirname(from);
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const p = joinPath(dir, spec);
    return readFile(p) !== undefined ? p : p + '.json';
  }
  // A package: look in node_modules up the tree.
  for (let d = dir; ; d = dirname(d)) {
    const candidate = joinPath(d, `node_modules/${spec}`);
    for (const c of [candidate, candidate + '.json', candidate + '/tsconfig.json']) if (readFile(c) !== undefined) return c;
    if (d === '/' || d === '.') return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
