/**
 * Builds a WorkspaceIndex for a folder the way both faces (CLI and server) need it: the
 * configuration loaded and validated, Python source roots detected, configuration problems
 * turned into diagnostics on the file where they are.
 */
import * as fs from 'node:fs';
import { loadConfig, type ConfigIssue } from './config';
import { seedConventions, type Conventions } from './conventions';
import { detectPythonSourceRoots, resolvePythonModule } from './extract/pythonModules';
import { readTextFile } from './host';
import type { CoreDiagnostic } from './rules';
import { WorkspaceIndex } from './workspace';

export interface SetupOptions {
  root: string;
  configFile?: string;
  profiles?: string[];
  wasmDirs?: string[];
  /** The worker script for a parallel cold index (dist/worker.js). */
  workerScript?: string;
  /** The conventions `.eventflow.json` applies over (the editor's settings); the seed profile by default. */
  baseConventions?: Conventions;
  /** Applied over `.eventflow.json`. */
  overrides?: Partial<Conventions>;
  onProgress?: (done: number, total: number) => void;
}

export interface Setup {
  index: WorkspaceIndex;
  configFile?: string;
  configIssues: ConfigIssue[];
  /** Configuration problems (.eventflow.json, tsconfig.json) as diagnostics. */
  configDiagnostics(): CoreDiagnostic[];
  /** A reason the index cannot be built at all (never for a merely invalid config). */
  fatal?: string;
}

export async function createIndex(options: SetupOptions): Promise<Setup> {
  const root = options.root;
  const loaded = loadConfig(root, options.configFile, options.baseConventions ?? seedConventions());
  const conventions: Conventions = { ...loaded.conventions, ...(options.overrides ?? {}) };
  if (options.profiles?.length) conventions.profiles = options.profiles;
  const exists = (p: string) => fs.existsSync(p);
  let pythonRoots: string[] | undefined;
  const index: WorkspaceIndex = new WorkspaceIndex({
    root,
    conventions,
    wasmDirs: options.wasmDirs,
    workerScript: options.workerScript,
    onProgress: options.onProgress,
    resolvePythonModule: (from: string, spec: string): string | undefined => {
      pythonRoots ??= detectPythonSourceRoots(root, readTextFile, exists);
      return resolvePythonModule(from, spec, pythonRoots, (p) => index.files.has(p));
    },
  });
  return {
    index,
    configFile: loaded.file,
    configIssues: loaded.issues,
    configDiagnostics: () => configDiagnostics(loaded.issues, index),
  };
}

export function configDiagnostics(issues: readonly ConfigIssue[], index: WorkspaceIndex): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = issues.map((i) => ({
    file: i.file,
    span: { start: i.offset, end: i.offset + i.length },
    severity: 'error',
    code: 'config-error',
    message: i.message,
  }));
  for (const p of index.configProblems()) {
    out.push({ file: p.file, span: { start: p.offset, end: p.offset + 1 }, severity: 'warning', code: 'config-error', message: p.message });
  }
  return out;
}

/** The bundled worker next to a bundle (dist/worker.js), if it is there. */
export function workerScriptNextTo(dir: string): string | undefined {
  const script = `${dir}/worker.js`;
  return fs.existsSync(script) ? script : undefined;
}
