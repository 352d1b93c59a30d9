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

export { mayMatter, mentionsUse } from './triggers';
