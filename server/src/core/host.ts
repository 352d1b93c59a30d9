/**
 * The file system as the core sees it: finding source files and reading them as text.
 * Never follows a directory symlink twice (no loops), never throws: what cannot be read
 * is reported as skipped with a reason.
 */
import * as fs from 'node:fs';
import { GlobSet, relativePath } from './text';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.py'];

export interface Skipped {
  file: string;
  reason: string;
}

export interface ScanResult {
  files: string[];
  skipped: Skipped[];
}

/** Directories never worth entering, whatever the configured excludes say. */
const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.vscode-test', '__pycache__', '.venv', 'venv', '.mypy_cache', '.pytest_cache']);

export function isSourcePath(path: string): boolean {
  if (path.endsWith('.d.ts')) return false;
  for (const ext of SOURCE_EXTENSIONS) if (path.endsWith(ext)) return true;
  return false;
}

export function scanWorkspace(root: string, exclude: GlobSet): ScanResult {
  const files: string[] = [];
  const skipped: Skipped[] = [];
  const seenDirs = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      continue;
    }
    if (seenDirs.has(real)) continue; // a symlink loop or a second way into the same folder
    seenDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({ file: relativePath(root, dir), reason: `cannot read folder: ${(e as NodeJS.ErrnoException).code ?? e}` });
      continue;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      const rel = relativePath(root, path);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = fs.statSync(path);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (e) {
          skipped.push({ file: rel, reason: (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'symbolic link loop' : 'broken symbolic link' });
          continue;
        }
      }
      if (isDir) {
        if (ALWAYS_SKIPPED_DIRS.has(entry.name) || exclude.matches(rel + '/')) continue;
        stack.push(path);
      } else if (isFile && isSourcePath(path) && !exclude.matches(rel)) {
        files.push(path);
      }
    }
  }
  files.sort();
  return { files, skipped };
}

export type ReadResult = { text: string } | { skipped: string };

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Reads a source file as text: binary files and files over the size limit are skipped with a reason. */
export function readSourceFile(path: string, maxSize: number): ReadResult {
  const r = readRegularFile(path, maxSize);
  if ('skipped' in r) return r;
  return decodeSource(r.bytes);
}

export function decodeSource(buf: Uint8Array): ReadResult {
  const probe = Math.min(buf.length, 8192);
  for (let i = 0; i < probe; i++) if (buf[i] === 0) return { skipped: 'binary content (NUL bytes), not a text file' };
  let text = decoder.decode(buf);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // editors drop the BOM too, so offsets agree
  return { text };
}

/** Reads a configuration file (tsconfig.json, .eventflow.json, pyproject.toml): regular files only. */
export function readTextFile(path: string): string | undefined {
  const r = readRegularFile(path, Infinity);
  return 'bytes' in r ? r.bytes.toString('utf8') : undefined;
}

/**
 * Reads a file only when it is a regular file. A FIFO, a device (`/dev/zero`, `/dev/stdin` —
 * the server's own LSP channel) or a folder, reached through a path or a symbolic link that a
 * workspace controls, would block, never end, or steal input. The file is opened without
 * blocking and checked through its descriptor, so it cannot be swapped between check and read.
 */
function readRegularFile(path: string, maxSize: number): { bytes: Buffer } | { skipped: string } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { skipped: st.isDirectory() ? 'cannot be read: EISDIR' : 'not a regular file (a pipe, socket or device)' };
    if (st.size > maxSize) return { skipped: tooLarge(st.size, maxSize) };
    return { bytes: fs.readFileSync(fd) };
  } catch (e) {
    return { skipped: `cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}


/** Why a file of `size` bytes is skipped under the `maxFileSize` limit. */
export function tooLarge(size: number, maxSize: number): string {
  return `larger than the ${formatBytes(maxSize)} limit (${formatBytes(size)}); raise "maxFileSize" in .eventflow.json to index it`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}
