/** Text utilities shared by the core: line tables, positions, paths and globs. */

/** Offsets (UTF-16) where each line starts. Handles `\n`, `\r\n` and lone `\r`. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** 0-based line and UTF-16 character of an offset. */
export function positionAt(lineStarts: readonly number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - lineStarts[lo] };
}

/** The offset of a 0-based line/character, clamped to the line table. */
export function offsetAt(lineStarts: readonly number[], line: number, character: number, textLength: number): number {
  if (line < 0) return 0;
  if (line >= lineStarts.length) return textLength;
  const next = line + 1 < lineStarts.length ? lineStarts[line + 1] : textLength;
  return Math.max(lineStarts[line], Math.min(lineStarts[line] + character, next));
}

/** Normalises a path to `/` separators. */
export function slash(p: string): string {
  return p.replace(/\\/g, '/');
}

/** `a/b/c.ts` relative to `a` → `b/c.ts` (both absolute, `/`-separated). */
export function relativePath(root: string, file: string): string {
  const r = root.endsWith('/') ? root : root + '/';
  return file.startsWith(r) ? file.slice(r.length) : file;
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

/** Joins and normalises `/`-separated path segments (`..` and `.` resolved). */
export function joinPath(base: string, rel: string): string {
  const abs = rel.startsWith('/');
  const parts = (abs ? rel : base + '/' + rel).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/**
 * A glob (`**`, `*`, `?`, `{a,b}`) over `/`-separated relative paths, matched segment by
 * segment: each segment is a small regex without `/`, and `**` is matched by dynamic
 * programming over segments, so matching is linear in the path and the pattern — no glob,
 * however many `**` it has, can make it backtrack. A pattern without `/` matches a file name
 * anywhere (like `.gitignore`); a pattern matches a path and everything below it.
 */
export class Glob {
  private readonly segments: (RegExp | '**')[];

  constructor(glob: string) {
    let g = glob.trim().replace(/^\.\//, '').replace(/\/+$/, '');
    if (!g.includes('/')) g = '**/' + g;
    this.segments = g
      .split('/')
      .filter((seg, i, all) => seg !== '' && !(seg === '**' && all[i - 1] === '**'))
      .map((seg) => (seg === '**' ? '**' : segmentRegExp(seg)));
  }

  matches(relPath: string): boolean {
    const parts = relPath.split('/').filter(Boolean);
    const pattern = this.segments;
    // reach[j]: the first i path segments can be matched by the first j pattern segments.
    let reach = new Array<boolean>(pattern.length + 1).fill(false);
    reach[0] = true;
    for (let j = 0; j < pattern.length && pattern[j] === '**'; j++) reach[j + 1] = true;
    for (let i = 0; i < parts.length; i++) {
      // Once the whole pattern matched a prefix, everything below it matches too.
      if (reach[pattern.length]) return true;
      const next = new Array<boolean>(pattern.length + 1).fill(false);
      for (let j = 0; j < pattern.length; j++) {
        const p = pattern[j];
        if (p === '**') {
          if (reach[j] || reach[j + 1]) next[j + 1] = true; // ** takes this segment too
        } else if (reach[j] && p.test(parts[i])) next[j + 1] = true;
      }
      for (let j = 0; j < pattern.length; j++) if (next[j] && pattern[j] === '**') next[j + 1] = true; // ** may also take nothing
      reach = next;
    }
    return reach[pattern.length];
  }
}

function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') {
      while (seg[i + 1] === '*') i++;
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = seg.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += '(?:' + seg.slice(i + 1, close).split(',').map(escapeRegExp).join('|') + ')';
        i = close;
      }
    } else re += escapeRegExp(c);
  }
  return new RegExp('^' + re + '$');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class GlobSet {
  private readonly globs: Glob[];
  constructor(readonly patterns: readonly string[]) {
    this.globs = patterns.map((p) => new Glob(p));
  }
  matches(relPath: string): boolean {
    for (const g of this.globs) if (g.matches(relPath)) return true;
    return false;
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
