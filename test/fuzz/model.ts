/**
 * The fuzzer's data: a seeded PRNG, the edits a sequence is made of (plain JSON, so a
 * failing sequence can be stored and replayed), and the model of the workspace the edits
 * act on — the texts on disk and the texts of the open documents. `plan` applies one edit
 * to the model and says what an editor would send for it; the generator uses it to know
 * the state it generates the next edit against, the runner to drive the server. Both
 * therefore agree on what every edit means, also for a shrunk sequence where an edit no
 * longer fits (it is clamped or skipped, the same way on both sides).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

// ── PRNG ─────────────────────────────────────────────────────────────────────────────────

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [value, w] of pairs) {
      r -= w;
      if (r < 0) return value;
    }
    return pairs[pairs.length - 1][0];
  }
}

// ── Edits ────────────────────────────────────────────────────────────────────────────────

/** Paths are relative to the workspace root, `/`-separated. Offsets are UTF-16 code units. */
export type FuzzEdit =
  /** didOpen; the text is the disk's unless given (a new, unsaved file). */
  | { kind: 'open'; file: string; text?: string; why?: string }
  /** An incremental didChange replacing [start, end) of the open document (opened from disk first if need be). */
  | { kind: 'change'; file: string; start: number; end: number; text: string; why?: string }
  /** A didChange with the whole text. */
  | { kind: 'replace'; file: string; text: string; why?: string }
  /** didClose: unsaved changes are dropped, the disk's text wins. */
  | { kind: 'close'; file: string; why?: string }
  /** The open document's text written to disk (the watcher reports it; the server ignores it for open files). */
  | { kind: 'save'; file: string; why?: string }
  /** A file written on disk (created or changed) and reported by the watcher. */
  | { kind: 'write'; file: string; text: string; why?: string }
  /** A file deleted on disk and reported by the watcher. */
  | { kind: 'delete'; file: string; why?: string }
  /** A file moved on disk (an open document moves with it, unsaved changes included). */
  | { kind: 'move'; from: string; to: string; why?: string }
  /** A configuration file rewritten unchanged: the server re-indexes the folder. */
  | { kind: 'touch'; file: string; why?: string }
  | { kind: 'pause'; ms: number }
  /** Compare the server with a fresh index now (the end of a sequence always does). */
  | { kind: 'check' };

export interface FuzzCase {
  name: string;
  fixture: string;
  seed: number;
  /** What went wrong when the case was found. */
  failure?: string;
  edits: FuzzEdit[];
}

// ── The model ────────────────────────────────────────────────────────────────────────────

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.py'];

export function isSource(rel: string): boolean {
  return !rel.endsWith('.d.ts') && SOURCE_EXTENSIONS.some((e) => rel.endsWith(e));
}

const IGNORED_DIRS = new Set(['node_modules', 'out', '.git', '__pycache__']);

export class Model {
  /** Text on disk by relative path (every file of the workspace). */
  readonly disk = new Map<string, string>();
  /** Open documents' texts by relative path. */
  readonly open = new Map<string, string>();

  static load(root: string): Model {
    const model = new Model();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (IGNORED_DIRS.has(entry.name)) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) model.disk.set(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
      }
    };
    walk(root);
    return model;
  }

  textOf(rel: string): string | undefined {
    return this.open.get(rel) ?? this.disk.get(rel);
  }

  /** Source files the editor or the disk knows, sorted (never in Map order: that is history). */
  sourceFiles(): string[] {
    return [...new Set([...this.disk.keys(), ...this.open.keys()])].filter(isSource).sort();
  }
}

export interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** What an editor and a file watcher send for an edit, after the model took it. */
export type Action =
  | { t: 'didOpen'; file: string; text: string }
  | { t: 'didChange'; file: string; range?: Range; text: string }
  | { t: 'didClose'; file: string }
  | { t: 'disk'; file: string; text: string | null }
  | { t: 'watched'; changes: { file: string; type: 1 | 2 | 3 }[] }
  | { t: 'pause'; ms: number }
  | { t: 'touch'; file: string }
  | { t: 'check' };

/** Applies an edit to the model; returns what to send (empty when the edit does not apply here). */
export function plan(model: Model, edit: FuzzEdit): Action[] {
  const out: Action[] = [];
  const ensureOpen = (file: string): boolean => {
    if (model.open.has(file)) return true;
    const disk = model.disk.get(file);
    if (disk === undefined || !isSource(file) || isBinary(disk)) return false;
    model.open.set(file, disk);
    out.push({ t: 'didOpen', file, text: disk });
    return true;
  };
  switch (edit.kind) {
    case 'open': {
      if (model.open.has(edit.file) || !isSource(edit.file)) return [];
      const text = edit.text ?? model.disk.get(edit.file);
      if (text === undefined || isBinary(text)) return [];
      model.open.set(edit.file, text);
      return [{ t: 'didOpen', file: edit.file, text }];
    }
    case 'change': {
      if (!ensureOpen(edit.file)) return [];
      const text = model.open.get(edit.file)!;
      const start = snap(text, edit.start);
      const end = Math.max(start, snap(text, edit.end));
      const next = text.slice(0, start) + edit.text + text.slice(end);
      if (isBinary(edit.text)) return out;
      model.open.set(edit.file, next);
      out.push({ t: 'didChange', file: edit.file, range: { start: positionAt(text, start), end: positionAt(text, end) }, text: edit.text });
      return out;
    }
    case 'replace': {
      if (isBinary(edit.text) || !ensureOpen(edit.file)) return [];
      model.open.set(edit.file, edit.text);
      out.push({ t: 'didChange', file: edit.file, text: edit.text });
      return out;
    }
    case 'close':
      if (!model.open.delete(edit.file)) return [];
      return [{ t: 'didClose', file: edit.file }];
    case 'save': {
      const text = model.open.get(edit.file);
      if (text === undefined) return [];
      const existed = model.disk.has(edit.file);
      model.disk.set(edit.file, text);
      return [
        { t: 'disk', file: edit.file, text },
        { t: 'watched', changes: [{ file: edit.file, type: existed ? 2 : 1 }] },
      ];
    }
    case 'write': {
      const existed = model.disk.has(edit.file);
      model.disk.set(edit.file, edit.text);
      return [
        { t: 'disk', file: edit.file, text: edit.text },
        { t: 'watched', changes: [{ file: edit.file, type: existed ? 2 : 1 }] },
      ];
    }
    case 'delete':
      if (!model.disk.delete(edit.file)) return [];
      return [
        { t: 'disk', file: edit.file, text: null },
        { t: 'watched', changes: [{ file: edit.file, type: 3 }] },
      ];
    case 'move': {
      const text = model.disk.get(edit.from);
      if (text === undefined || model.disk.has(edit.to) || model.open.has(edit.to) || edit.from === edit.to) return [];
      model.disk.delete(edit.from);
      model.disk.set(edit.to, text);
      out.push({ t: 'disk', file: edit.to, text }, { t: 'disk', file: edit.from, text: null });
      // The editor moves an open document to its new name, unsaved changes included.
      const open = model.open.get(edit.from);
      if (open !== undefined) {
        model.open.delete(edit.from);
        out.push({ t: 'didClose', file: edit.from });
        if (isSource(edit.to)) {
          model.open.set(edit.to, open);
          out.push({ t: 'didOpen', file: edit.to, text: open });
        }
      }
      out.push({
        t: 'watched',
        changes: [
          { file: edit.from, type: 3 },
          { file: edit.to, type: 1 },
        ],
      });
      return out;
    }
    case 'touch':
      if (!model.disk.has(edit.file)) return [];
      return [{ t: 'touch', file: edit.file }];
    case 'pause':
      return [{ t: 'pause', ms: Math.max(0, Math.min(1000, edit.ms)) }];
    case 'check':
      return [{ t: 'check' }];
  }
}

/**
 * Editors do not open binary files as text (VS Code asks first and then shows no text), so
 * an open document never holds NUL characters; on disk they make a file "binary, skipped".
 */
export function isBinary(text: string): boolean {
  return text.includes('\u0000');
}

/** Clamps an offset into the text, off the middle of a CRLF and of a surrogate pair. */
export function snap(text: string, offset: number): number {
  let o = Math.max(0, Math.min(text.length, Math.floor(offset)));
  if (o > 0 && o < text.length) {
    if (text.charCodeAt(o - 1) === 13 && text.charCodeAt(o) === 10) o--;
    else if (isHigh(text.charCodeAt(o - 1)) && isLow(text.charCodeAt(o))) o--;
  }
  return o;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** LSP position of an offset: lines end at \r\n, \r or \n; characters are UTF-16 units. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 || c === 10) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) {
        if (i + 1 >= offset) break; // never reached: offsets are snapped off a CRLF's middle
        i++;
      }
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}
