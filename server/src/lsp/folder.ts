/**
 * One workspace folder: its index, its configuration, and the edits waiting for it. Edits
 * that arrive while the cold index runs are queued and applied when it ends, so the index
 * never mixes two versions of a file.
 */
import { CONFIG_FILE } from '../core/config';
import { seedConventions, RULE_CODES, type Conventions, type SeverityOrOff } from '../core/conventions';
import type { CoreDiagnostic } from '../core/rules';
import { createIndex, workerScriptNextTo, type Setup } from '../core/setup';
import { joinPath } from '../core/text';
import type { FileChange, UpdateResult, WorkspaceIndex } from '../core/workspace';
import { Converter } from './convert';

/** The `eventFlow.*` settings as the client sends them. */
export interface EventFlowSettings {
  modulesRoots?: string[];
  exclude?: string[];
  baseClasses?: string[];
  handlerDecorators?: string[];
  severity?: Partial<Record<string, SeverityOrOff>>;
  codeLens?: { enabled?: boolean };
}

export interface FolderHost {
  wasmDirs: string[];
  onProgress(folder: Folder, done: number, total: number): void;
  log(message: string): void;
}

export class Folder {
  setup!: Setup;
  conv!: Converter;
  indexing = true;
  /** Resolves when the first cold index is complete. */
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private readonly queued = new Map<string, FileChange>();
  /** The index whose diagnostics the editor shows: the last completed build's. */
  private published: Setup | undefined;
  /** Open documents' texts, kept here so that a rebuilt index starts from them. */
  private readonly overlays = new Map<string, string>();
  private generation = 0;

  constructor(
    readonly uri: string,
    readonly root: string,
    private readonly host: FolderHost,
    private settings: EventFlowSettings = {},
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  get index(): WorkspaceIndex {
    return this.setup.index;
  }

  get configPath(): string {
    return joinPath(this.root, CONFIG_FILE);
  }

  contains(path: string): boolean {
    return path === this.root || path.startsWith(this.root.endsWith('/') ? this.root : this.root + '/');
  }

  /** (Re)builds the index from scratch: first start, a changed `.eventflow.json` or changed settings. */
  async build(openDocuments: Map<string, string>): Promise<UpdateResult> {
    const generation = ++this.generation;
    this.indexing = true;
    const setup = await createIndex({
      root: this.root,
      wasmDirs: this.host.wasmDirs,
      workerScript: workerScriptNextTo(this.host.wasmDirs[0]),
      baseConventions: conventionsFromSettings(this.settings),
      onProgress: (done, total) => this.host.onProgress(this, done, total),
    });
    // The open documents as they are now: edits that arrived while the index was being created included.
    for (const [path, text] of openDocuments) if (this.contains(path) && !this.overlays.has(path)) this.overlays.set(path, text);
    for (const [path, text] of this.overlays) setup.index.setOverlayQuiet(path, text);
    this.setup = setup;
    this.conv = new Converter(setup.index);
    const started = Date.now();
    await setup.index.indexAll();
    if (generation !== this.generation) return { diagnosticsChanged: [], graphChanged: false }; // superseded by a newer build
    this.host.log(`Indexed ${this.root}: ${setup.index.stats.filesScanned} files (${setup.index.stats.filesParsed} parsed), ${setup.index.graph.events.size} events in ${Date.now() - started} ms`);
    // Every file that had or has findings, configuration files included, is republished. What
    // the editor shows comes from the last build that completed: one superseded by a newer
    // build (two configuration changes in a row) never published anything.
    const changed = new Set<string>([...setup.index.filesWithDiagnostics(), ...setup.configDiagnostics().map((d) => d.file)]);
    const previous = this.published;
    this.published = setup;
    if (previous) for (const f of [...previous.index.filesWithDiagnostics(), ...previous.configDiagnostics().map((d) => d.file)]) changed.add(f);
    this.indexing = false;
    const queued = [...this.queued.values()];
    this.queued.clear();
    if (queued.length) for (const f of setup.index.update(queued).diagnosticsChanged) changed.add(f);
    this.resolveReady();
    return { diagnosticsChanged: [...changed], graphChanged: true };
  }

  updateSettings(settings: EventFlowSettings): void {
    this.settings = settings;
  }

  /** Applies edits now, or queues them while the cold index runs. */
  apply(changes: FileChange[]): UpdateResult {
    if (this.indexing) {
      for (const c of changes) this.queued.set(c.path, c);
      return { diagnosticsChanged: [], graphChanged: false };
    }
    return this.index.update(changes);
  }

  /** Sets or clears an open document's text. */
  setOverlay(path: string, text: string | undefined): UpdateResult {
    if (text === undefined) this.overlays.delete(path);
    else this.overlays.set(path, text);
    if (this.indexing) {
      // The index being built (or, before it exists, the next one) takes the text when it starts.
      if (this.setup) {
        if (text === undefined) this.index.removeOverlayQuiet(path);
        else this.index.setOverlayQuiet(path, text);
      }
      this.queued.set(path, { path, text });
      return { diagnosticsChanged: [], graphChanged: false };
    }
    return text === undefined ? this.index.removeOverlay(path) : this.index.setOverlay(path, text);
  }

  /** Diagnostics of a file: the index's, plus configuration problems when it is a config file. */
  diagnosticsOf(path: string): CoreDiagnostic[] {
    const own = this.index.diagnosticsOf(path);
    const config = this.setup.configDiagnostics().filter((d) => d.file === path);
    return config.length ? [...config, ...own] : own;
  }

  get codeLensEnabled(): boolean {
    return this.settings.codeLens?.enabled !== false;
  }
}

/** Settings form the base conventions; `.eventflow.json` (the project's, shared with CI) applies over them. */
export function conventionsFromSettings(s: EventFlowSettings): Conventions {
  const c = seedConventions();
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
  const roots = strings(s.modulesRoots);
  if (roots?.length) c.modulesRoots = roots;
  const exclude = strings(s.exclude);
  if (exclude?.length) c.exclude = [...c.exclude, ...exclude];
  const bases = strings(s.baseClasses);
  if (bases?.length) c.baseClasses = bases;
  const decorators = strings(s.handlerDecorators);
  if (decorators?.length) c.handlerDecorators = decorators.map((name) => ({ name, keyArg: 0 }));
  for (const code of RULE_CODES) {
    const v = s.severity?.[code];
    if (v === 'error' || v === 'warning' || v === 'information' || v === 'hint' || v === 'off') c.severities[code] = v;
  }
  return c;
}
