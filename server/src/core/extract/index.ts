/**
 * Chooses the extractor for a file and decides, cheaply, whether a file can matter at all.
 */
import type { Conventions } from '../conventions';
import { emptyFacts, type FileFacts } from '../facts';
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
 * Whether a file can contain a fact that matters by itself: an event class (any subclass),
 * a handler, a registration or a publish. Files that only declare constants or re-export
 * are not parsed eagerly: resolution parses them on demand when an import leads there, so
 * skipping them here never loses a fact.
 */
export function mayMatter(path: string, text: string, conventions: Conventions): boolean {
  if (isPython(path)) {
    if (/^\s*class\s+\w+\s*\(/m.test(text)) return true;
  } else if (text.includes('extends')) return true;
  for (const d of conventions.handlerDecorators) if (text.includes(d.name)) return true;
  for (const r of conventions.registrations) if (text.includes(r.name.slice(r.name.lastIndexOf('.') + 1))) return true;
  for (const p of conventions.publishes) if (text.includes(p.kind === 'instance' ? `.${p.name}(` : p.name)) return true;
  return false;
}
