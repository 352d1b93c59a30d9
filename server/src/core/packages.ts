/**
 * The packages of a workspace: the root `package.json` and the packages of an npm, yarn, pnpm
 * or lerna workspace (or, when none is declared, the usual monorepo folders). Used twice:
 * their dependencies choose the convention profiles, and their names resolve imports such as
 * `import { OrderPlaced } from '@acme/orders'` to the package's source in the workspace.
 * JSON and YAML are read, never executed; folders are walked with bounds.
 */
import * as fs from 'node:fs';
import { parse as parseJsonc } from 'jsonc-parser';
import { readTextFile } from './host';
import { joinPath } from './text';

export interface WorkspacePackage {
  /** The `name` in its package.json, if any. */
  name?: string;
  /** Absolute folder, `/`-separated. */
  dir: string;
  /** Every dependency name (dependencies, devDependencies, peerDependencies, optionalDependencies). */
  dependencies: string[];
  /** Where the package's main module is, relative to `dir`, in order of preference (from `exports`, `types`, `main`, …). */
  entries: string[];
  /** Subpath exports: `./events` → relative targets (a `*` in both stands for the rest of the path). */
  subpaths: Record<string, string[]>;
}

/** Folders never entered while looking for packages. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', 'generated', '__generated__', 'tmp']);
/** Where monorepos keep their packages when the root declares no workspace. */
const DEFAULT_PATTERNS = ['*', 'apps/*', 'libs/*', 'libs/*/*', 'packages/*', 'services/*', 'modules/*'];
const MAX_PACKAGES = 2000;
const MAX_DIRS_VISITED = 20000;
const MAX_DEPTH = 6;

export function discoverPackages(root: string): WorkspacePackage[] {
  const found = new Map<string, WorkspacePackage>();
  const rootPkg = readPackage(root);
  if (rootPkg) found.set(root, rootPkg.pkg);
  const declared = workspacePatterns(root, rootPkg?.json);
  const patterns = declared.length ? declared : DEFAULT_PATTERNS;
  const budget = { dirs: 0 };
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    for (const dir of expand(root, pattern.replace(/^\.\//, '').replace(/\/+$/, ''), budget)) {
      if (found.size >= MAX_PACKAGES) break;
      if (found.has(dir)) continue;
      const p = readPackage(dir);
      if (p) found.set(dir, p.pkg);
    }
  }
  return [...found.values()];
}

/** Resolves a bare import specifier to a workspace package's source file, through `tryFile`. */
export function packageResolver(packages: readonly WorkspacePackage[]): (specifier: string, tryFile: (base: string) => string | undefined) => string | undefined {
  const byName = new Map<string, WorkspacePackage>();
  for (const p of packages) if (p.name && !byName.has(p.name)) byName.set(p.name, p);
  return (specifier, tryFile) => {
    const m = /^(@[^/]+\/[^/]+|[^@./][^/]*)(?:\/(.+))?$/.exec(specifier);
    if (!m) return undefined;
    const pkg = byName.get(m[1]);
    if (!pkg) return undefined;
    const sub = m[2];
    const candidates: string[] = [];
    if (sub === undefined) candidates.push(...pkg.entries, 'src/index', 'index', 'lib/index');
    else {
      candidates.push(...(pkg.subpaths[`./${sub}`] ?? []));
      for (const [pattern, targets] of Object.entries(pkg.subpaths)) {
        const star = pattern.indexOf('*');
        if (star < 0) continue;
        const prefix = pattern.slice(2, star);
        const suffix = pattern.slice(star + 1);
        if (sub.startsWith(prefix) && sub.endsWith(suffix) && sub.length >= prefix.length + suffix.length) {
          const capture = sub.slice(prefix.length, sub.length - suffix.length);
          candidates.push(...targets.map((t) => t.replace('*', capture)));
        }
      }
      candidates.push(`src/${sub}`, sub, `lib/${sub}`);
    }
    for (const c of candidates) {
      for (const variant of sourceVariants(c)) {
        const file = tryFile(joinPath(pkg.dir, variant));
        if (file) return file;
      }
    }
    return undefined;
  };
}

/** A published path and where its source probably is: `dist/index.js` → `src/index.js` (then .ts). */
function sourceVariants(target: string): string[] {
  let t = target.replace(/^\.\//, '');
  if (t.endsWith('.d.ts')) t = t.slice(0, -'.d.ts'.length);
  else if (t.endsWith('.d.mts') || t.endsWith('.d.cts')) t = t.slice(0, -'.d.mts'.length);
  const out = [t];
  const first = t.split('/')[0];
  if (['dist', 'build', 'lib', 'out', 'esm', 'cjs'].includes(first)) {
    const rest = t.slice(first.length + 1);
    out.push(`src/${rest}`, rest);
    const second = rest.split('/')[0];
    if (['esm', 'cjs', 'src'].includes(second)) out.push(`src/${rest.slice(second.length + 1)}`);
  }
  return [...new Set(out.filter((x) => x !== ''))];
}

function readPackage(dir: string): { pkg: WorkspacePackage; json: Record<string, unknown> } | undefined {
  const text = readTextFile(joinPath(dir, 'package.json'));
  if (text === undefined) return undefined;
  const json = parseJsonc(text, [], { allowTrailingComma: true });
  if (!isRecord(json)) return undefined;
  const dependencies = new Set<string>();
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = json[field];
    if (isRecord(deps)) for (const name of Object.keys(deps)) dependencies.add(name);
  }
  const entries: string[] = [];
  const subpaths: Record<string, string[]> = Object.create(null);
  const exp = json['exports'];
  if (typeof exp === 'string' || (isRecord(exp) && !Object.keys(exp).some((k) => k.startsWith('.')))) entries.push(...conditionTargets(exp));
  else if (isRecord(exp)) {
    for (const [key, value] of Object.entries(exp)) {
      if (key === '.') entries.push(...conditionTargets(value));
      else if (key.startsWith('./')) subpaths[key] = conditionTargets(value);
    }
  }
  for (const field of ['source', 'types', 'typings', 'module', 'main']) {
    const v = json[field];
    if (typeof v === 'string') entries.push(v);
  }
  const pkg: WorkspacePackage = { dir, dependencies: [...dependencies], entries: [...new Set(entries)], subpaths };
  if (typeof json['name'] === 'string') pkg.name = json['name'];
  return { pkg, json };
}

/** The string targets of an `exports` value, source-like conditions first. */
function conditionTargets(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => conditionTargets(v, depth + 1));
  if (!isRecord(value) || depth > 8) return [];
  const preferred = ['source', 'development', 'types', 'typescript', 'import', 'default', 'require', 'node'];
  const keys = Object.keys(value).sort((a, b) => rank(preferred, a) - rank(preferred, b));
  return keys.flatMap((k) => conditionTargets(value[k], depth + 1));
}

function rank(order: string[], key: string): number {
  const i = order.indexOf(key);
  return i < 0 ? order.length : i;
}

/** The workspace globs the root declares: package.json `workspaces`, pnpm-workspace.yaml, lerna.json. */
function workspacePatterns(root: string, rootJson: Record<string, unknown> | undefined): string[] {
  const patterns: string[] = [];
  const ws = rootJson?.['workspaces'];
  if (Array.isArray(ws)) patterns.push(...ws.filter((x): x is string => typeof x === 'string'));
  else if (isRecord(ws) && Array.isArray(ws['packages'])) patterns.push(...(ws['packages'] as unknown[]).filter((x): x is string => typeof x === 'string'));
  const pnpm = readTextFile(joinPath(root, 'pnpm-workspace.yaml'));
  if (pnpm !== undefined) patterns.push(...pnpmPackages(pnpm));
  const lerna = readTextFile(joinPath(root, 'lerna.json'));
  if (lerna !== undefined) {
    const json = parseJsonc(lerna, [], { allowTrailingComma: true });
    if (isRecord(json) && Array.isArray(json['packages'])) patterns.push(...(json['packages'] as unknown[]).filter((x): x is string => typeof x === 'string'));
  }
  return [...new Set(patterns)];
}

/** The `packages:` list of a pnpm-workspace.yaml (the only part we need; no YAML library). */
export function pnpmPackages(yaml: string): string[] {
  const out: string[] = [];
  let inPackages = false;
  for (const raw of yaml.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^packages\s*:/.test(line)) {
      inPackages = true;
      const inline = /\[(.*)\]/.exec(line);
      if (inline) {
        out.push(...inline[1].split(',').map(unquote).filter(Boolean));
        inPackages = false;
      }
      continue;
    }
    if (!inPackages) continue;
    const item = /^\s*-\s*(.+?)\s*$/.exec(line);
    if (item) out.push(unquote(item[1]));
    else if (/^\S/.test(line)) inPackages = false;
  }
  return out;
}

function unquote(s: string): string {
  return s.trim().replace(/^(['"])(.*)\1$/, '$2');
}

/** The folders a workspace glob names (`packages/*`, `apps/**`, `libs/shared`), bounded. */
function expand(root: string, pattern: string, budget: { dirs: number }): string[] {
  const segments = pattern.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return [];
  const out: string[] = [];
  const walk = (dir: string, i: number, depth: number) => {
    if (budget.dirs > MAX_DIRS_VISITED || depth > MAX_DEPTH) return;
    if (i === segments.length) {
      out.push(dir);
      return;
    }
    const seg = segments[i];
    if (seg === '**') {
      walk(dir, i + 1, depth); // zero folders
      for (const child of subdirs(dir, budget)) walk(child, i, depth + 1);
      return;
    }
    if (!seg.includes('*')) {
      walk(joinPath(dir, seg), i + 1, depth + 1);
      return;
    }
    const re = new RegExp('^' + seg.split('*').map(escapeRegExp).join('[^/]*') + '$');
    for (const child of subdirs(dir, budget)) if (re.test(child.slice(child.lastIndexOf('/') + 1))) walk(child, i + 1, depth + 1);
  };
  walk(root, 0, 0);
  return out;
}

function subdirs(dir: string, budget: { dirs: number }): string[] {
  budget.dirs++;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name))
    .map((e) => `${dir}/${e.name}`)
    .sort();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
