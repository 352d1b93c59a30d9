/**
 * Chooses the extractor for a file and decides, cheaply, whether a file can matter at all.
 */
import type { Conventions } from '../conventions';
import { emptyFacts, type FileFacts } from '../facts';
import { tooLarge } from '../host';
import { extractTypeScript } from './typescript';

export type Extractor = (path: string, text: string, conventions: Conventions) => FileFacts;

let pythonExtractor: Extractor | undefined;
let pythonLoadError: string | undefined;

/** Loads the Python parser (WebAssembly) once; TypeScript needs no preparation. */
export async function preparePython(wasmDirs?: string[]): Promise<void> {
  if (pythonExtractor || pythonLoadError) return;
  try {
    const python = await import('./python');
    await python.initPythonParser(wasmDirs);
    pythonExtractor = python.extractPython;
  } catch (e) {
    pythonLoadError = `the Python parser could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export function isPython(path: string): boolean {
  return path.endsWith('.py');
}

/** Extracts a file's facts; undefined with a reason when its language cannot be parsed here. */
export function extractFile(path: string, text: string, conventions: Conventions): FileFacts | { skipped: string } {
  // The limit holds for open documents too (their text does not pass through readSourceFile):
  // a generated file opened in the editor must not be re-parsed on every keystroke.
  if (text.length * 3 > conventions.maxFileSize) {
    const size = Buffer.byteLength(text, 'utf8');
    if (size > conventions.maxFileSize) return { skipped: tooLarge(size, conventions.maxFileSize) };
  }
  if (isPython(path)) {
    if (!pythonExtractor) return { skipped: pythonLoadError ?? 'the Python parser is not loaded' };
    return safely(pythonExtractor, path, text, conventions, 'python');
  }
  return safely(extractTypeScript, path, text, conventions, 'typescript');
}

function safely(fn: Extractor, path: string, text: string, conventions: Conventions, language: FileFacts['language']): FileFacts {
  try {
    return fn(path, text, conventions);
  } catch (e) {
    // An extractor bug must cost one file, not the index.
    const facts = emptyFacts(path, language);
    facts.parseFailure = e instanceof RangeError ? 'nesting too deep to parse' : `internal error while extracting: ${e instanceof Error ? e.message : String(e)}`;
    return facts;
  }
}

/**
 * Whether a file can contain a fact that matters by itself: an event class (any subclass, or
 * a class implementing an event interface), a handler, a registration or a publish. Files
 * that only declare constants, re-export, or declare plain classes (CQRS events that are
 * events because a handler names them) are not parsed eagerly: resolution parses them on
 * demand when an import leads there, so skipping them here never loses a fact.
 */
export function mayMatter(path: string, text: string, conventions: Conventions): boolean {
  if (isPython(path)) {
    if (/^\s*class\s+\w+\s*\(/m.test(text)) return true;
  } else if (text.includes('extends')) return true;
  for (const d of conventions.handlerDecorators) if (text.includes(d.name)) return true;
  for (const r of conventions.registrations) if (text.includes(r.name.slice(r.name.lastIndexOf('.') + 1))) return true;
  for (const p of conventions.publishes) {
    if (p.kind === 'instance') {
      if (text.includes(`.${p.name}(`)) return true;
    } else if (p.kind === 'method') {
      // A receiver is recognised by its declared type, written in the file (or `this` in a subclass: `extends` above).
      if (text.includes(p.name) && (p.thisExtends?.length || (p.receiverTypes ?? []).some((t) => text.includes(t)))) return true;
    } else if (text.includes(p.name)) return true;
  }
  for (const h of conventions.handlerCalls ?? []) if (text.includes(h.name)) return true;
  for (const i of conventions.eventInterfaces ?? []) if (text.includes(i)) return true;
  return false;
}
