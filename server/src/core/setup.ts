/**
 * Builds a WorkspaceIndex for a folder the way both faces (CLI and server) need it: the
 * configuration loaded and validated, Python source roots detected, configuration problems
 * turned into diagnostics on the file where they are.
 */
import * as fs from 'node:fs';
import { parse as parseJsonc } from 'jsonc-parser';
import { CONFIG_FILE, loadConfig, type ConfigIssue } from './config';
import type { Conventions } from './conventions';
import { detectPythonSourceRoots, resolvePythonModule } from './extract/pythonModules';
import { readTextFile } from './host';
import { discoverPackages, packageResolver, type WorkspacePackage } from './packages';
import { PROFILE_NAMES, conventionsForProfiles, detectProfiles, isProfileName, type ProfileName } from './profiles';
import { joinPath } from './text';
import type { CoreDiagnostic } from './rules';
import { WorkspaceIndex } from './workspace';

export interface SetupOptions {
  root: string;
  configFile?: string;
  /** Convention profiles that win over `.eventflow.json` and detection (`eventflow check --profile`). */
  profiles?: string[];
  wasmDirs?: string[];
  /** The worker script for a parallel cold index (dist/worker.js). */
  workerScript?: string;
  /**
   * The editor's settings as conventions (the seed profile's with changes); the active profiles
   * replace its event-system vocabulary, and what the settings add to it is kept.
   */
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
  /** The active convention profiles and where they come from. */
  profiles: ProfileName[];
  profilesFrom: 'option' | 'config' | 'detected';
  /** The workspace's packages (root and workspace packages). */
  packages: WorkspacePackage[];
}

export async function createIndex(options: SetupOptions): Promise<Setup> {
  const root = options.root;
  const packages = discoverPackages(root);
  // Profiles: the caller's (CLI), else `.eventflow.json`'s, else detected from package.json.
  const unknown = (options.profiles ?? []).filter((p) => !isProfileName(p));
  let profiles: ProfileName[];
  let profilesFrom: Setup['profilesFrom'];
  if (options.profiles?.length) {
    profiles = unique(options.profiles.filter(isProfileName));
    profilesFrom = 'option';
  } else {
    const configured = configuredProfiles(options.configFile ?? joinPath(root, CONFIG_FILE));
    profiles = configured?.length ? configured : detectProfiles(packages);
    profilesFrom = configured?.length ? 'config' : 'detected';
  }
  const base = conventionsForProfiles(profiles, options.baseConventions);
  const loaded = loadConfig(root, options.configFile, base);
  const conventions: Conventions = { ...loaded.conventions, ...(options.overrides ?? {}) };
  conventions.profiles = profiles;
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
    resolvePackage: packages.some((p) => p.name) ? packageResolver(packages) : undefined,
  });
  const setup: Setup = {
    index,
    configFile: loaded.file,
    configIssues: loaded.issues,
    configDiagnostics: () => configDiagnostics(loaded.issues, index),
    profiles,
    profilesFrom,
    packages,
  };
  if (unknown.length) setup.fatal = unknownProfilesMessage(unknown);
  return setup;
}

export function unknownProfilesMessage(names: readonly string[]): string {
  return `unknown profile${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')} (expected ${PROFILE_NAMES.join(', ')})`;
}

/** The valid profile names `.eventflow.json` lists (its other problems are reported when it is loaded). */
function configuredProfiles(file: string): ProfileName[] | undefined {
  const text = readTextFile(file);
  if (text === undefined) return undefined;
  const json = parseJsonc(text, [], { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (typeof json !== 'object' || json === null || !Object.prototype.hasOwnProperty.call(json, 'profiles')) return undefined;
  const list = (json as { profiles?: unknown }).profiles;
  if (!Array.isArray(list)) return undefined;
  return unique(list.filter((p): p is ProfileName => typeof p === 'string' && isProfileName(p)));
}

function unique<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
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
