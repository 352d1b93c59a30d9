/**
 * Python module resolution for the resolver: which file an `import` names, and where a
 * workspace's import roots ("source roots") are. Pure string work over absolute,
 * `/`-separated paths; the file system is only reached through the callbacks, and nothing
 * from the workspace is ever executed (pyproject.toml is read by a small TOML subset reader).
 */

/** `dirname` for `/`-separated paths (`/a/b/c.py` → `/a/b`, `/a` → `/`, `c:/a` → `c:`). */
function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '';
  if (i === 0) return '/';
  return p.slice(0, i);
}

function joinPath(dir: string, rel: string): string {
  if (!rel) return dir;
  if (dir === '' ) return rel;
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}

function normalizeSlashes(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.length > 1 && s.endsWith('/') && !/^[A-Za-z]:\/$/.test(s)) s = s.slice(0, -1);
  return s;
}

/** Resolves `./x`, `../x` and `.` segments of a `/`-separated path. */
function normalizePath(p: string): string {
  const s = normalizeSlashes(p);
  const absolute = s.startsWith('/');
  const out: string[] = [];
  for (const part of s.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined;
}

const IDENT = /^[A-Za-z_\u00a0-\uffff][\w\u00a0-\uffff]*$/;

/**
 * The file a Python import specifier names, or undefined.
 * - Absolute dotted specifiers (`app.core.events`) are tried against each source root in
 *   order: `<root>/app/core/events.py`, then `<root>/app/core/events/__init__.py`.
 * - Relative specifiers (`.`, `.events`, `..core.events`) start from the importing file's
 *   package (its directory), one directory up per extra dot; `.` alone names the package
 *   itself (`<dir>/__init__.py`).
 * Stub files (`.pyi`) are not considered. `from pkg import name` where `name` is a submodule
 * is the caller's business: see `pythonSubmoduleSpecifier`.
 */
export function resolvePythonModule(
  fromFile: string,
  specifier: string,
  sourceRoots: string[],
  fileExists: (p: string) => boolean,
): string | undefined {
  const spec = specifier.replace(/\s+/g, '');
  if (spec === '') return undefined;
  const dots = /^\.*/.exec(spec)![0].length;
  const rest = spec.slice(dots);
  const parts = rest === '' ? [] : rest.split('.');
  if (parts.some((p) => !IDENT.test(p))) return undefined;
  const candidates = (base: string): string[] => {
    if (parts.length === 0) return [joinPath(base, '__init__.py')];
    const rel = parts.join('/');
    return [joinPath(base, `${rel}.py`), joinPath(base, `${rel}/__init__.py`)];
  };
  if (dots > 0) {
    let dir = dirOf(normalizePath(fromFile));
    for (let i = 1; i < dots; i++) {
      if (dir === '/' || dir === '' || /^[A-Za-z]:$/.test(dir)) return undefined; // above the file system root
      dir = dirOf(dir);
    }
    for (const c of candidates(dir)) if (fileExists(c)) return c;
    return undefined;
  }
  for (const root of sourceRoots) {
    for (const c of candidates(normalizeSlashes(root))) if (fileExists(c)) return c;
  }
  return undefined;
}

/**
 * The specifier of `name` as a submodule of the module `specifier` names, for
 * `from pkg import name` where `name` is not a top-level name of `pkg/__init__.py` but a
 * module `pkg/name.py`: (`'.'`, `'events'`) → `'.events'`, (`'..'`, `'x'`) → `'..x'`,
 * (`'app.core'`, `'events'`) → `'app.core.events'`.
 */
export function pythonSubmoduleSpecifier(specifier: string, name: string): string {
  return specifier.endsWith('.') ? specifier + name : `${specifier}.${name}`;
}

/**
 * The dotted name under which a file is imported (`/ws/backend/app/core/events.py` →
 * `app.core.events`; a package's `__init__.py` → the package), the inverse of
 * `resolvePythonModule`. The import root is the deepest source root that holds the file and
 * is not itself inside a package (has no `__init__.py`); when no source root qualifies, the
 * file's chain of packages (directories with `__init__.py`) decides. Undefined when a
 * segment is not an identifier (`my-scripts/x.py`).
 */
export function pythonModuleName(file: string, sourceRoots: string[], exists: (p: string) => boolean): string | undefined {
  const f = normalizePath(file);
  if (!f.endsWith('.py')) return undefined;
  const dotted = (root: string): string | undefined => {
    const rel = f.slice(root.length + 1, -'.py'.length).split('/');
    if (rel[rel.length - 1] === '__init__') rel.pop();
    return rel.length > 0 && rel.every((p) => IDENT.test(p)) ? rel.join('.') : undefined;
  };
  const roots = sourceRoots
    .map(normalizePath)
    .filter((r) => f.startsWith(r.endsWith('/') ? r : `${r}/`))
    .sort((a, b) => b.length - a.length);
  for (const root of roots) {
    if (exists(joinPath(root, '__init__.py'))) continue;
    const name = dotted(root.replace(/\/+$/, ''));
    if (name) return name;
  }
  // No source root fits: the import root is the first directory up that is not a package.
  let dir = dirOf(f);
  while (dir !== '/' && dir !== '' && exists(joinPath(dir, '__init__.py'))) dir = dirOf(dir);
  return dotted(dir === '/' ? '' : dir);
}

// ---------------------------------------------------------------------------------------
// Source roots

/**
 * Directories absolute imports are resolved against, most likely first, deduplicated, only
 * existing ones (the workspace root is always included):
 * 1. the workspace root;
 * 2. `backend/`, `src/` when they exist;
 * 3. the parent of an `app/` package found at `app/`, `backend/app/`, `src/app/`,
 *    `server/app/`, `api/app/` (the seed's layout: `backend/app/...`);
 * 4. for each `pyproject.toml` at the root, `backend/` or `src/` (in its directory D):
 *    D itself, `[tool.setuptools.packages.find] where = [...]`, `[tool.setuptools]
 *    package-dir = { "" = "src" }`, `[tool.poetry] packages = [{ include = "...", from =
 *    "src" }]` (D/from, or D without `from`), and `[tool.hatch.build.targets.wheel]
 *    packages = ["src/app"]` (the package's parent).
 * `exists` is asked about directories and files alike.
 */
export function detectPythonSourceRoots(
  workspaceRoot: string,
  readFile: (p: string) => string | undefined,
  exists: (p: string) => boolean,
): string[] {
  const root = normalizeSlashes(workspaceRoot);
  const roots: string[] = [];
  const add = (p: string, mustExist = true): void => {
    const n = normalizePath(p);
    if (roots.includes(n)) return;
    if (mustExist && !exists(n)) return;
    roots.push(n);
  };
  add(root, false);
  add(joinPath(root, 'backend'));
  add(joinPath(root, 'src'));
  for (const parent of ['', 'backend', 'src', 'server', 'api']) {
    const dir = parent ? joinPath(root, parent) : root;
    if (exists(joinPath(dir, 'app/__init__.py')) || exists(joinPath(dir, 'app'))) add(dir);
  }
  for (const dirName of ['', 'backend', 'src']) {
    const dir = dirName ? joinPath(root, dirName) : root;
    const file = joinPath(dir, 'pyproject.toml');
    if (!exists(file)) continue;
    const text = readFile(file);
    if (text === undefined) continue;
    add(dir);
    for (const rel of pyprojectPackageRoots(text)) add(joinPath(dir, rel));
  }
  return roots;
}

/** Directories (relative to the pyproject's directory) that hold importable packages. */
export function pyprojectPackageRoots(text: string): string[] {
  let doc: TomlTable;
  try {
    doc = parseTomlSubset(text);
  } catch {
    return [];
  }
  const out: string[] = [];
  const get = (path: string[]): unknown => {
    let cur: unknown = doc;
    for (const key of path) {
      if (!isTable(cur)) return undefined;
      cur = cur[key];
    }
    return cur;
  };
  const pushDir = (d: unknown): void => {
    if (typeof d !== 'string') return;
    const clean = d.replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/+$/, '');
    if (!out.includes(clean)) out.push(clean);
  };
  const where = get(['tool', 'setuptools', 'packages', 'find', 'where']);
  if (Array.isArray(where)) where.forEach(pushDir);
  else pushDir(where);
  const packageDir = get(['tool', 'setuptools', 'package-dir']);
  if (isTable(packageDir)) pushDir(packageDir['']);
  const poetry = get(['tool', 'poetry', 'packages']);
  if (Array.isArray(poetry)) {
    for (const p of poetry) if (isTable(p)) pushDir(typeof p.from === 'string' ? p.from : '');
  }
  const hatch = get(['tool', 'hatch', 'build', 'targets', 'wheel', 'packages']);
  if (Array.isArray(hatch)) {
    for (const p of hatch) if (typeof p === 'string') pushDir(p.includes('/') ? p.slice(0, p.replace(/\/+$/, '').lastIndexOf('/')) : '');
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// A TOML subset: tables, arrays of tables, dotted keys, basic/literal strings (one line and
// multi-line), arrays, inline tables, and scalars kept as their text. Enough for the keys
// above; anything it does not understand is skipped line by line.

type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
interface TomlTable {
  [key: string]: TomlValue;
}

function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseTomlSubset(text: string): TomlTable {
  const doc: TomlTable = {};
  let current: TomlTable = doc;
  let i = 0;
  const n = text.length;

  const skipWs = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipWsNlComments = (): void => {
    for (;;) {
      while (i < n && /\s/.test(text[i])) i++;
      if (text[i] === '#') {
        while (i < n && text[i] !== '\n') i++;
        continue;
      }
      return;
    }
  };
  const skipLine = (): void => {
    while (i < n && text[i] !== '\n') i++;
    if (i < n) i++;
  };
  const parseKey = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipWs();
      if (text[i] === '"' || text[i] === "'") parts.push(parseString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 200));
        if (!m) throw new Error('bad key');
        parts.push(m[0]);
        i += m[0].length;
      }
      skipWs();
      if (text[i] === '.') {
        i++;
        continue;
      }
      return parts;
    }
  };
  const parseString = (): string => {
    const q = text[i];
    const triple = text.startsWith(q.repeat(3), i);
    if (triple) {
      i += 3;
      if (text[i] === '\n') i++;
      else if (text.startsWith('\r\n', i)) i += 2;
      const end = text.indexOf(q.repeat(3), i);
      if (end < 0) throw new Error('unterminated string');
      const raw = text.slice(i, end);
      i = end + 3;
      return q === '"' ? unescapeToml(raw) : raw;
    }
    i++;
    let raw = '';
    while (i < n && text[i] !== q && text[i] !== '\n') {
      if (q === '"' && text[i] === '\\' && i + 1 < n) {
        raw += text[i] + text[i + 1];
        i += 2;
        continue;
      }
      raw += text[i++];
    }
    if (text[i] !== q) throw new Error('unterminated string');
    i++;
    return q === '"' ? unescapeToml(raw) : raw;
  };
  const parseValue = (): TomlValue => {
    skipWs();
    const c = text[i];
    if (c === '"' || c === "'") return parseString();
    if (c === '[') {
      i++;
      const arr: TomlValue[] = [];
      for (;;) {
        skipWsNlComments();
        if (text[i] === ']') {
          i++;
          return arr;
        }
        if (i >= n) throw new Error('unterminated array');
        arr.push(parseValue());
        skipWsNlComments();
        if (text[i] === ',') i++;
      }
    }
    if (c === '{') {
      i++;
      const t: TomlTable = {};
      for (;;) {
        skipWsNlComments();
        if (text[i] === '}') {
          i++;
          return t;
        }
        if (i >= n) throw new Error('unterminated inline table');
        const key = parseKey();
        skipWs();
        if (text[i] !== '=') throw new Error('expected =');
        i++;
        setPath(t, key, parseValue());
        skipWsNlComments();
        if (text[i] === ',') i++;
      }
    }
    const m = /^[^\s,\]}#]+/.exec(text.slice(i, i + 200));
    if (!m) throw new Error('bad value');
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    return m[0];
  };

  while (i < n) {
    skipWsNlComments();
    if (i >= n) break;
    const lineStart = i;
    try {
      if (text[i] === '[') {
        const arrayTable = text[i + 1] === '[';
        i += arrayTable ? 2 : 1;
        const key = parseKey();
        if (text[i] !== ']') throw new Error('bad header');
        i += arrayTable ? 2 : 1;
        if (arrayTable) {
          const parent = tableAt(doc, key.slice(0, -1));
          const last = key[key.length - 1];
          const arr = Array.isArray(parent[last]) ? (parent[last] as TomlValue[]) : (parent[last] = []);
          const t: TomlTable = {};
          arr.push(t);
          current = t;
        } else {
          current = tableAt(doc, key);
        }
        skipLine();
        continue;
      }
      const key = parseKey();
      skipWs();
      if (text[i] !== '=') throw new Error('expected =');
      i++;
      setPath(current, key, parseValue());
      skipLine();
    } catch {
      i = lineStart;
      skipLine();
    }
  }
  return doc;
}

function tableAt(root: TomlTable, path: string[]): TomlTable {
  let cur = root;
  for (const key of path) {
    let next = cur[key];
    if (Array.isArray(next)) next = next[next.length - 1];
    if (!isTable(next)) {
      next = {};
      cur[key] = next;
    }
    cur = next;
  }
  return cur;
}

function setPath(t: TomlTable, path: string[], value: TomlValue): void {
  tableAt(t, path.slice(0, -1))[path[path.length - 1]] = value;
}

function unescapeToml(raw: string): string {
  return raw.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|\r?\n\s*|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'u':
      case 'U': {
        const cp = parseInt(e.slice(1), 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      }
      case '\n':
      case '\r':
        return '';
      default:
        return e;
    }
  });
}
