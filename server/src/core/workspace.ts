/**
 * The workspace index: every source file's facts, the resolved event graph and the
 * diagnostics, kept up to date incrementally. The CLI indexes once; the language server
 * keeps one per workspace folder and feeds it edits.
 *
 * Incrementality: an edit re-extracts only the edited files. When no file's declarations
 * (its "surface": imports, exports, classes, constants) changed, only those files are
 * re-resolved and only the keys they touch are re-checked; otherwise resolution caches are
 * dropped and every file with facts is re-resolved (rare: typing inside an event class).
 */
import * as fs from 'node:fs';
import type { Conventions } from './conventions';
import { extractFile, isPython, mayMatter, preparePython } from './extract/index';
import type { FileFacts, KeyExpr, KeyUse, Span } from './facts';
import {
  EMPTY_CONTRIBUTION,
  EventGraph,
  contributionKeys,
  isWildcardKey,
  type EventDeclaration,
  type EventHandler,
  type EventPublisher,
  type FileContribution,
  type KeyRef,
} from './graph';
import { readSourceFile, readTextFile, scanWorkspace, isSourcePath, type Skipped } from './host';
import { runWorker, workerCount, type ExtractedFile } from './parallel';
import { Resolver } from './resolve';
import { diagnoseCycles, diagnoseKey, diagnoseUnresolved, type CoreDiagnostic } from './rules';
import { computeLineStarts, GlobSet, relativePath } from './text';

export interface FileEntry {
  path: string;
  rel: string;
  module?: string;
  isTest: boolean;
  /** Facts, once extracted (eagerly when the pre-filter says the file may matter, else on demand). */
  facts?: FileFacts;
  lineStarts?: number[];
  /** Why the file is not indexed, if it is not. */
  skipped?: string;
  /** The surface signature of the facts, to tell whether an edit changed declarations. */
  surface?: string;
  /**
   * Whether the pre-filter (`mayMatter`) passes the text the facts come from. A file it does
   * not pass is parsed only because resolution needed it or because it is open; its own
   * classes, publishes and handlers do not count (see `contribute`).
   */
  matters?: boolean;
  contribution: FileContribution;
}

export interface FileChange {
  path: string;
  /** The new text; `null` when the file was deleted; `undefined` to read it from disk. */
  text?: string | null;
}

export interface UpdateResult {
  /** Files whose diagnostics may have changed. */
  diagnosticsChanged: string[];
  /** True when events, publishers, handlers or flows changed. */
  graphChanged: boolean;
}

export interface IndexStats {
  filesScanned: number;
  filesParsed: number;
  durationMs: number;
}

export interface IndexOptions {
  root: string;
  conventions: Conventions;
  /** Where the Python grammar's .wasm files are (next to the bundle). */
  wasmDirs?: string[];
  /** Source roots for Python imports (absolute). */
  pythonSourceRoots?: string[];
  /** Resolves Python modules; set by the caller that knows the source roots. */
  resolvePythonModule?: (fromFile: string, specifier: string) => string | undefined;
  /** Resolves bare TypeScript specifiers to workspace packages (`@acme/orders`); set by the caller that found them. */
  resolvePackage?: (specifier: string, tryFile: (base: string) => string | undefined) => string | undefined;
  /** The bundled worker script (dist/worker.js); without it the cold index runs on this thread only. */
  workerScript?: string;
  /** Reports progress of the cold index. */
  onProgress?: (done: number, total: number) => void;
}

export class WorkspaceIndex {
  readonly root: string;
  readonly files = new Map<string, FileEntry>();
  readonly graph = new EventGraph();
  readonly skipped: Skipped[] = [];
  stats: IndexStats = { filesScanned: 0, filesParsed: 0, durationMs: 0 };
  private conventions: Conventions;
  private readonly resolver: Resolver;
  private exclude: GlobSet;
  private tests: GlobSet;
  /** Open documents: their text wins over disk. */
  private readonly overlays = new Map<string, string>();
  /** Diagnostics by owner (`key:…`, `file:…`, `cycles`), then by file. */
  private readonly byOwner = new Map<string, CoreDiagnostic[]>();
  private readonly byFile = new Map<string, Map<string, CoreDiagnostic[]>>();
  private flowSignature = '';
  /** `file#Class` of every class some file uses as an event by convention (see `FileFacts.eventClassUses`). */
  private eventClassesByUse = new Set<string>();

  constructor(private readonly options: IndexOptions) {
    this.root = options.root.replace(/\/+$/, '') || '/';
    this.conventions = options.conventions;
    this.exclude = new GlobSet(options.conventions.exclude);
    this.tests = new GlobSet(options.conventions.testFiles);
    this.resolver = new Resolver(
      {
        root: this.root,
        isSourceFile: (p) => this.files.has(p) && !this.files.get(p)!.skipped,
        factsOf: (p) => this.factsOf(p),
        readFile: (p) => readTextFile(p),
        resolvePythonModule: options.resolvePythonModule,
        resolvePackage: options.resolvePackage,
        isEventClassByUse: (file, name) => this.eventClassesByUse.has(`${file}#${name}`),
      },
      options.conventions,
    );
    this.graph.setDelimiter(options.conventions.wildcards.delimiter);
  }

  get currentConventions(): Conventions {
    return this.conventions;
  }

  /**
   * Scans the workspace and indexes every file. Yields to the event loop every few
   * milliseconds so that a server stays responsive while a large workspace is indexed.
   */
  async indexAll(): Promise<void> {
    const started = performance.now();
    const scan = scanWorkspace(this.root, this.exclude);
    this.skipped.push(...scan.skipped);
    if (scan.files.some(isPython)) await preparePython(this.options.wasmDirs);
    for (const path of scan.files) this.files.set(path, this.newEntry(path));
    // Open documents are registered even where the scan did not find them (unsaved, new), but
    // not where it would not look (an open generated or excluded file): `update` skips those too.
    for (const path of this.overlays.keys()) {
      if (!this.files.has(path) && isSourcePath(path) && !this.exclude.matches(relativePath(this.root, path))) this.files.set(path, this.newEntry(path));
    }
    this.moduleLanguageCache = undefined;
    const total = this.files.size;
    let done = 0;
    let slice = performance.now();
    const progress = async (n: number) => {
      done += n;
      if (performance.now() - slice > 20) {
        this.options.onProgress?.(done, total);
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    };
    // Workers take interleaved shares of the files on disk; this thread takes the rest and the open documents.
    const entries = [...this.files.values()];
    const workers = this.options.workerScript ? workerCount(entries.length) : 0;
    const own: FileEntry[] = [];
    const shares: FileEntry[][] = Array.from({ length: workers }, () => []);
    entries.forEach((entry, i) => {
      const share = i % (workers + 1);
      if (share === workers || this.overlays.has(entry.path)) own.push(entry);
      else shares[share].push(entry);
    });
    const jobs = shares.map((share) => {
      let reported = 0;
      return runWorker(this.options.workerScript!, { files: share.map((e) => e.path), conventions: this.conventions, wasmDirs: this.options.wasmDirs }, (results, workerDone) => {
        for (const r of results) this.acceptExtracted(r);
        done += workerDone - reported;
        reported = workerDone;
      }).catch(() => {
        // A worker that fails costs time, not facts: this thread extracts its share.
        own.push(...share.filter((e) => !e.facts && !e.skipped));
      });
    });
    // Shares handed back by failed workers are appended to `own`, so loop until no job is left.
    for (let i = 0; ; ) {
      for (; i < own.length; i++) {
        const entry = own[i];
        const text = this.overlays.get(entry.path) ?? this.read(entry);
        if (text !== undefined && (this.overlays.has(entry.path) || mayMatter(entry.path, text, this.conventions))) this.extract(entry, text);
        await progress(1);
      }
      if (jobs.length === 0) break;
      await Promise.all(jobs.splice(0));
    }
    this.options.onProgress?.(total, total);
    this.resolveAll();
    this.stats = { filesScanned: total, filesParsed: this.parsedCount(), durationMs: Math.round(performance.now() - started) };
  }

  /** Sets the text of an open document (it wins over disk) and updates the index. */
  setOverlay(path: string, text: string): UpdateResult {
    this.overlays.set(path, text);
    return this.update([{ path, text }]);
  }

  /** Forgets an open document's text; the file is re-read from disk. */
  removeOverlay(path: string): UpdateResult {
    if (!this.overlays.delete(path)) return { diagnosticsChanged: [], graphChanged: false };
    return this.update([{ path }]);
  }

  /** Records an open document's text without re-deriving anything (before or during a cold index). */
  setOverlayQuiet(path: string, text: string): void {
    this.overlays.set(path, text);
  }

  removeOverlayQuiet(path: string): void {
    this.overlays.delete(path);
  }

  hasOverlay(path: string): boolean {
    return this.overlays.has(path);
  }

  /** The current text of a file: the open document's, else the disk's. */
  textOf(path: string): string | undefined {
    const overlay = this.overlays.get(path);
    if (overlay !== undefined) return overlay;
    const r = readSourceFile(path, this.conventions.maxFileSize);
    return 'text' in r ? r.text : undefined;
  }

  /** Applies file changes (edits, creations, deletions) and re-derives what they affect. */
  update(changes: readonly FileChange[]): UpdateResult {
    let filesAddedOrRemoved = false;
    let surfaceChanged = false;
    const changed: FileEntry[] = [];
    const surfaceBefore = new Map<FileEntry, string | undefined>();
    for (const change of changes) {
      const path = change.path;
      if (!isSourcePath(path)) continue;
      const rel = relativePath(this.root, path);
      if (rel === path || this.exclude.matches(rel)) continue;
      this.forgetSkipped(rel); // re-read below; a file that was skipped may not be any more
      let entry = this.files.get(path);
      if (change.text === null || (change.text === undefined && !this.overlays.has(path) && !existsOnDisk(path))) {
        if (this.overlays.has(path)) continue; // an open document outlives its file on disk
        if (!entry) continue;
        this.files.delete(path);
        changed.push({ ...entry, facts: undefined, contribution: EMPTY_CONTRIBUTION, skipped: 'deleted' });
        this.dropContribution(entry);
        filesAddedOrRemoved = true;
        continue;
      }
      if (!entry) {
        entry = this.newEntry(path);
        this.files.set(path, entry);
        filesAddedOrRemoved = true;
      }
      // Cleared before reading: `read` records why a file it cannot read is skipped (binary, too large).
      entry.skipped = undefined;
      const text = change.text ?? this.overlays.get(path) ?? this.read(entry);
      const oldSurface = entry.surface;
      surfaceBefore.set(entry, oldSurface);
      const wasParsed = entry.facts !== undefined;
      if (text === undefined) {
        entry.facts = undefined;
        entry.surface = undefined;
      } else if (change.text !== undefined || wasParsed || this.overlays.has(path) || mayMatter(path, text, this.conventions)) {
        // A text given with the change is extracted now: left to on-demand extraction, the file
        // would later be read from disk, where it may not exist yet or still hold the old text.
        this.extract(entry, text);
      } else {
        entry.facts = undefined;
        entry.surface = undefined;
      }
      if (entry.surface !== oldSurface) surfaceChanged = true;
      changed.push(entry);
    }
    if (changed.length === 0) return { diagnosticsChanged: [], graphChanged: false };
    // The counts describe the index as it is now, not as the cold index left it (status, reports).
    if (filesAddedOrRemoved) {
      this.stats = { ...this.stats, filesScanned: this.files.size, filesParsed: this.parsedCount() };
      this.moduleLanguageCache = undefined; // a module may have gained or lost its last file
    }
    // Declarations changed: only the files whose resolution went through the changed files
    // (importers, barrels' importers, subclasses) are re-resolved, not the workspace. New or
    // deleted files, and class-by-use event systems (CQRS), still re-resolve everything.
    if (surfaceChanged && !filesAddedOrRemoved && this.eventClassesByUse.size === 0) {
      const declaring = changed.filter((e) => e.surface !== surfaceBefore.get(e)).map((e) => e.path);
      const affected = new Set<string>([...changed.map((e) => e.path), ...this.resolver.dependentsOf(declaring)]);
      this.resolver.invalidate(affected);
      const entries = [...affected].map((p) => this.files.get(p)).filter((e): e is FileEntry => !!e);
      return this.resolveSome(entries);
    }
    if (filesAddedOrRemoved || surfaceChanged) {
      if (filesAddedOrRemoved) this.resolver.clearAll();
      else this.resolver.clearSymbols();
      const before = this.graphSignature();
      const diagnosticsChanged = this.resolveAll(changed.map((e) => e.path));
      return { diagnosticsChanged, graphChanged: before !== this.graphSignature() };
    }
    return this.resolveSome(changed);
  }

  /** Replaces the conventions (a changed `.eventflow.json` or setting) and re-indexes everything. */
  async reconfigure(conventions: Conventions): Promise<void> {
    this.conventions = conventions;
    this.exclude = new GlobSet(conventions.exclude);
    this.tests = new GlobSet(conventions.testFiles);
    this.resolver.setConventions(conventions);
    this.files.clear();
    this.graph.clear();
    this.graph.setDelimiter(conventions.wildcards.delimiter);
    this.byOwner.clear();
    this.byFile.clear();
    this.skipped.length = 0;
    this.resolver.clearAll();
    await this.indexAll();
  }

  // ── Queries ──────────────────────────────────────────────────────────────────────────

  diagnosticsOf(path: string): CoreDiagnostic[] {
    const owners = this.byFile.get(path);
    if (!owners) return [];
    return sortDiagnostics([...owners.values()].flat());
  }

  allDiagnostics(): CoreDiagnostic[] {
    const out: CoreDiagnostic[] = [];
    for (const owners of this.byFile.values()) for (const list of owners.values()) out.push(...list);
    return sortDiagnostics(out);
  }

  filesWithDiagnostics(): string[] {
    return [...this.byFile.keys()].filter((f) => this.byFile.get(f)!.size > 0);
  }

  lineStartsOf(path: string): number[] | undefined {
    const entry = this.files.get(path);
    if (entry?.lineStarts) return entry.lineStarts;
    const text = this.textOf(path);
    return text === undefined ? undefined : computeLineStarts(text);
  }

  moduleOf(path: string): string | undefined {
    return this.files.get(path)?.module ?? moduleOfPath(relativePath(this.root, path), this.conventions.modulesRoots);
  }

  /** The modules of the workspace (folders under a modules root that hold source files). */
  modules(): string[] {
    return [...this.moduleLanguages().keys()].sort();
  }

  /** Each module's main language (the one most of its files are in); cached until files come or go. */
  moduleLanguages(): Map<string, 'typescript' | 'python'> {
    if (this.moduleLanguageCache) return this.moduleLanguageCache;
    const counts = new Map<string, { py: number; ts: number }>();
    for (const e of this.files.values()) {
      if (!e.module) continue;
      let c = counts.get(e.module);
      if (!c) counts.set(e.module, (c = { py: 0, ts: 0 }));
      if (isPython(e.path)) c.py++;
      else c.ts++;
    }
    this.moduleLanguageCache = new Map([...counts].map(([m, c]) => [m, c.py > c.ts ? 'python' : 'typescript']));
    return this.moduleLanguageCache;
  }

  private moduleLanguageCache: Map<string, 'typescript' | 'python'> | undefined;

  /** What stands for an event at an offset of a file, innermost first. */
  refAt(path: string, offset: number): KeyRef | undefined {
    const entry = this.files.get(path);
    if (!entry) return undefined;
    let best: KeyRef | undefined;
    for (const r of entry.contribution.refs) {
      if (offset >= r.span.start && offset <= r.span.end) {
        if (!best || r.span.end - r.span.start < best.span.end - best.span.start) best = r;
      }
    }
    return best;
  }

  refsOf(path: string): readonly KeyRef[] {
    return this.files.get(path)?.contribution.refs ?? [];
  }

  /** Every literal occurrence of a key in the workspace (for rename). */
  literalRefs(key: string): { file: string; ref: KeyRef }[] {
    const out: { file: string; ref: KeyRef }[] = [];
    for (const [file, entry] of this.files) for (const ref of entry.contribution.refs) if (ref.literal && ref.key === key) out.push({ file, ref });
    return out;
  }

  factsOfFile(path: string): FileFacts | undefined {
    return this.factsOf(path);
  }

  /** Resolves a key expression as written in a file. */
  resolveKeyIn(path: string, expr: KeyExpr) {
    return this.resolver.resolveKey(path, expr);
  }

  /** Problems found in tsconfig files while resolving modules. */
  configProblems() {
    return this.resolver.configProblems;
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────

  private newEntry(path: string): FileEntry {
    const rel = relativePath(this.root, path);
    const entry: FileEntry = { path, rel, isTest: this.tests.matches(rel), contribution: EMPTY_CONTRIBUTION };
    const module = moduleOfPath(rel, this.conventions.modulesRoots);
    if (module) entry.module = module;
    return entry;
  }

  private read(entry: FileEntry): string | undefined {
    const r = readSourceFile(entry.path, this.conventions.maxFileSize);
    if ('skipped' in r) {
      entry.skipped = r.skipped;
      this.skipped.push({ file: entry.rel, reason: r.skipped });
      return undefined;
    }
    return r.text;
  }

  private extract(entry: FileEntry, text: string): void {
    const facts = extractFile(entry.path, text, this.conventions);
    if ('skipped' in facts) {
      entry.skipped = facts.skipped;
      entry.facts = undefined;
      entry.surface = undefined;
      this.skipped.push({ file: entry.rel, reason: facts.skipped });
      return;
    }
    facts.isTest = entry.isTest;
    if (facts.parseFailure) this.skipped.push({ file: entry.rel, reason: facts.parseFailure });
    entry.facts = facts;
    entry.matters = mayMatter(entry.path, text, this.conventions);
    entry.lineStarts = computeLineStarts(text);
    entry.surface = surfaceOf(facts);
  }

  /** Takes a worker's result for a file on disk. */
  private acceptExtracted(r: ExtractedFile): void {
    const entry = this.files.get(r.path);
    if (!entry || this.overlays.has(r.path)) return;
    if (r.skipped !== undefined) {
      entry.skipped = r.skipped;
      this.skipped.push({ file: entry.rel, reason: r.skipped });
      return;
    }
    if (!r.facts) return;
    r.facts.isTest = entry.isTest;
    if (r.facts.parseFailure) this.skipped.push({ file: entry.rel, reason: r.facts.parseFailure });
    entry.facts = r.facts;
    entry.matters = true; // workers extract only what the pre-filter passes
    entry.lineStarts = r.lineStarts;
    entry.surface = surfaceOf(r.facts);
  }

  /** Facts of a file, extracted on demand when the pre-filter skipped it (a constants file, a barrel). */
  private factsOf(path: string): FileFacts | undefined {
    const entry = this.files.get(path);
    if (!entry || entry.skipped) return undefined;
    if (!entry.facts) {
      const text = this.overlays.get(path) ?? this.read(entry);
      if (text !== undefined) this.extract(entry, text);
      // Such a file declares no events, handlers or publishes (the pre-filter said so), but
      // its constants' literals are places a key is written: record them for rename.
      if (entry.facts) entry.contribution = this.contribute(entry);
    }
    return entry.facts;
  }

  private parsedCount(): number {
    let n = 0;
    for (const e of this.files.values()) if (e.facts) n++;
    return n;
  }

  private dropContribution(entry: FileEntry): void {
    this.graph.remove(entry.path, entry.contribution);
    entry.contribution = EMPTY_CONTRIBUTION;
  }

  /** Re-resolves every file with facts and re-runs every rule. Returns files whose diagnostics changed. */
  private resolveAll(extraChanged: string[] = []): string[] {
    this.graph.clear();
    this.collectEventClassUses();
    // Snapshot: resolution may extract more files on demand while we iterate.
    const entries = [...this.files.values()];
    for (const entry of entries) {
      entry.contribution = entry.facts ? this.contribute(entry) : EMPTY_CONTRIBUTION;
      if (entry.contribution !== EMPTY_CONTRIBUTION) this.graph.add(entry.path, entry.contribution);
    }
    const changedFiles = new Set<string>(extraChanged);
    // Owners that no longer exist must be cleared too.
    const owners = new Set<string>(this.byOwner.keys());
    for (const key of this.graph.events.keys()) owners.add(`key:${key}`);
    for (const file of this.graph.unresolved.keys()) owners.add(`file:${file}`);
    owners.add('cycles');
    for (const owner of owners) this.recheck(owner, changedFiles);
    this.flowSignature = flowSignatureOf(this.graph);
    return [...changedFiles];
  }

  /**
   * Which classes files use as events (CQRS-style: a class is an event because a handler or a
   * publish names it). Resolving the uses extracts, on demand, the files that declare those
   * classes, before any contribution is computed; event-ness derived earlier is forgotten.
   */
  private collectEventClassUses(): void {
    const used = new Set<string>();
    for (const entry of [...this.files.values()]) {
      for (const use of entry.facts?.eventClassUses ?? []) {
        if (use.ifExtends && this.resolver.classRelation(entry.path, use.ifExtends.classPath, use.ifExtends.bases) !== 'extends') continue;
        const cls = this.resolver.resolveClass(entry.path, use.path);
        // `publish(e)` with `e: DomainEvent` names a base of events, not an event, when that base is abstract.
        if (cls && !(use.typed && cls.decl.abstract)) used.add(`${cls.file}#${cls.decl.name}`);
      }
    }
    this.eventClassesByUse = used;
    this.resolver.clearEventInfo();
  }

  /** Re-resolves only the changed files (their declarations did not change). */
  private resolveSome(changed: FileEntry[]): UpdateResult {
    const touchedKeys = new Set<string>();
    const touchedFiles = new Set<string>();
    const declaredBefore = new Map<string, boolean>();
    const isDeclared = (key: string) => this.isKnownKey(key);
    let graphChanged = false;
    let flowsTouched = false;
    for (const entry of changed) {
      const old = entry.contribution;
      const next = entry.facts ? this.contribute(entry) : EMPTY_CONTRIBUTION;
      if (contributionSignature(old) !== contributionSignature(next)) graphChanged = true;
      if (old.flows.length || next.flows.length) flowsTouched = true;
      for (const k of [...contributionKeys(old), ...contributionKeys(next)]) if (!declaredBefore.has(k)) declaredBefore.set(k, isDeclared(k));
      for (const k of this.graph.remove(entry.path, old)) touchedKeys.add(k);
      entry.contribution = next;
      for (const k of this.graph.add(entry.path, next)) touchedKeys.add(k);
      touchedFiles.add(entry.path);
    }
    const changedFiles = new Set<string>(touchedFiles);
    for (const key of touchedKeys) this.recheck(`key:${key}`, changedFiles);
    for (const file of touchedFiles) this.recheck(`file:${file}`, changedFiles);
    // Flows can only change where a changed file had or has some.
    if (flowsTouched) {
      const flows = flowSignatureOf(this.graph);
      // Same edges, but a cycle's publish in an edited file may have moved: its diagnostics move too.
      if (flows !== this.flowSignature || this.byOwner.has('cycles')) {
        this.flowSignature = flows;
        this.recheck('cycles', changedFiles);
      }
    }
    // A key declared (or published) or no longer so changes the "did you mean" of unknown keys:
    // those handled but neither declared nor published.
    if ([...declaredBefore].some(([key, was]) => was !== isDeclared(key))) {
      for (const [key, e] of this.graph.events) {
        if (!touchedKeys.has(key) && e.declarations.length === 0 && e.publishers.length === 0) this.recheck(`key:${key}`, changedFiles);
      }
    }
    return { diagnosticsChanged: [...changedFiles], graphChanged };
  }

  /** Recomputes one owner's diagnostics and records which files they touched. */
  private recheck(owner: string, changedFiles: Set<string>): void {
    const next = this.diagnose(owner);
    const prev = this.byOwner.get(owner) ?? [];
    for (const d of prev) {
      changedFiles.add(d.file);
      this.byFile.get(d.file)?.delete(owner);
    }
    if (next.length) this.byOwner.set(owner, next);
    else this.byOwner.delete(owner);
    const grouped = new Map<string, CoreDiagnostic[]>();
    for (const d of next) {
      changedFiles.add(d.file);
      const list = grouped.get(d.file);
      if (list) list.push(d);
      else grouped.set(d.file, [d]);
    }
    for (const [file, list] of grouped) {
      let owners = this.byFile.get(file);
      if (!owners) this.byFile.set(file, (owners = new Map()));
      owners.set(owner, list);
    }
    for (const d of prev) if (this.byFile.get(d.file)?.size === 0) this.byFile.delete(d.file);
  }

  private diagnose(owner: string): CoreDiagnostic[] {
    if (owner === 'cycles') return diagnoseCycles(this.graph, this.conventions);
    if (owner.startsWith('key:')) {
      const key = owner.slice(4);
      const entry = this.graph.events.get(key);
      if (!entry) return [];
      return diagnoseKey(entry, this.conventions, () => this.declaredKeys(), this.graph.isPattern(key) ? { matches: this.graph.matchesOf(key) } : undefined);
    }
    if (owner.startsWith('file:')) return diagnoseUnresolved(this.graph.unresolved.get(owner.slice(5)) ?? [], this.conventions);
    return [];
  }

  /**
   * The keys a "did you mean" may suggest: declared ones, and published ones (events of
   * key-based systems are not declared by classes). In key order: the first of equally near
   * keys is the suggestion, whatever the order of edits.
   */
  private *declaredKeys(): Iterable<string> {
    for (const key of this.graph.keys()) if (this.isKnownKey(key)) yield key;
  }

  private isKnownKey(key: string): boolean {
    const e = this.graph.events.get(key);
    return !!e && (e.declarations.length > 0 || e.publishers.some((p) => !p.isTest)) && !this.graph.isPattern(key);
  }

  private forgetSkipped(rel: string): void {
    for (let i = this.skipped.length - 1; i >= 0; i--) if (this.skipped[i].file === rel) this.skipped.splice(i, 1);
  }

  private graphSignature(): string {
    let s = '';
    for (const key of this.graph.keys()) {
      const e = this.graph.events.get(key)!;
      s += `${key}:${e.declarations.length}/${e.publishers.length}/${e.handlers.length};`;
    }
    return s + flowSignatureOf(this.graph);
  }

  /** Resolves one file's facts into its contribution to the graph. */
  private contribute(entry: FileEntry): FileContribution {
    const facts = entry.facts!;
    const file = entry.path;
    const module = entry.module;
    const at = (span: Span) => (module ? { file, span, module } : { file, span });
    // Declaration literals by value, built once per file (a file may hold thousands of classes).
    let usesByKey: Map<string, KeyUse[]> | undefined;
    const declarationUses = () => {
      if (!usesByKey) {
        usesByKey = new Map();
        for (const use of facts.keyUses) {
          if (use.role !== 'declaration') continue;
          const list = usesByKey.get(use.value);
          if (list) list.push(use);
          else usesByKey.set(use.value, [use]);
        }
      }
      return usesByKey;
    };
    const c: FileContribution = { declarations: [], publishers: [], handlers: [], unresolved: [], flows: [], refs: [] };
    // A file the pre-filter passes over holds no event facts of its own but where its text
    // fools the pre-filter (broken code the parser still reads a class in). Whether such a file
    // was parsed at all depends on what was opened and resolved before, and in which order:
    // the graph must not, so only its classes used as events elsewhere count (and its constants).
    const own = entry.matters !== false;

    for (const cls of facts.classes) {
      if (!own && !this.eventClassesByUse.has(`${file}#${cls.name}`)) continue;
      if (cls.extends.length === 0 && !cls.implements && !this.eventClassesByUse.has(`${file}#${cls.name}`)) continue;
      const info = this.resolver.eventInfo({ file, decl: cls });
      if (!info.isEvent || info.key === undefined) continue;
      c.refs.push({ span: cls.nameSpan, key: info.key, role: 'class', literal: false });
      if (info.classKey) {
        // A class-keyed event (CQRS): the class declares the event its name is.
        c.declarations.push({ ...at(cls.span), key: info.key, name: cls.name, nameSpan: cls.nameSpan, fields: cls.fields, isTest: entry.isTest, classKey: true });
        continue;
      }
      // A subclass that inherits its key (`class AdminCreated extends UserCreated {}`) publishes
      // that event when published; it does not declare the key a second time.
      if (!cls.eventType) continue;
      const decl: EventDeclaration = { ...at(cls.span), key: info.key, name: cls.name, nameSpan: cls.nameSpan, fields: cls.fields, isTest: entry.isTest };
      if (cls.eventType.kind === 'literal') decl.keySpan = cls.eventType.span;
      c.declarations.push(decl);
      c.refs.push({ span: cls.eventType.span, key: info.key, role: 'declaration', literal: cls.eventType.kind === 'literal' });
      // The key may be written twice in one class (a literal type and its value, Python's
      // `Literal["k"] = "k"`): every copy is renamed with it.
      for (const use of declarationUses().get(info.key) ?? []) {
        if (use.span.start >= cls.span.start && use.span.end <= cls.span.end && use.span.start !== cls.eventType.span.start) {
          c.refs.push({ span: use.span, key: info.key, role: 'declaration', literal: true });
        }
      }
    }

    const publishesByFunction = new Map<string, EventPublisher[]>();
    for (const site of own ? facts.publishes : []) {
      let key: string | undefined;
      let reason: string | undefined;
      // `this.apply(e)` publishes only in a class that extends `AggregateRoot` (not in the base itself).
      if (site.ifExtends && this.resolver.classRelation(file, site.ifExtends.classPath, site.ifExtends.bases) !== 'extends') continue;
      if (site.target.kind === 'class') {
        const cls = this.resolver.resolveClass(file, site.target.path);
        const typeName = site.target.path[site.target.path.length - 1];
        if (!cls && this.conventions.eventInterfaces.includes(typeName)) {
          reason = `the event is typed as the interface '${typeName}'`;
        } else if (!cls) {
          // `x.publish()` on a class we do not know is not one of our events; `publishEvent(x)` is.
          reason = `class '${site.target.path.join('.')}' is not declared in the workspace`;
        } else {
          const info = this.resolver.eventInfo(cls);
          // Typed as the base class itself: some event is published, which one is decided at run time.
          if (info.isBase) reason = `the event is typed as the base class '${cls.decl.name}'`;
          else if (!info.isEvent && site.classIsEvent && cls.decl.abstract) reason = `the event is typed as the abstract class '${cls.decl.name}'`;
          else if (!info.isEvent) continue; // a `publish()` on something that is not an event
          else if (info.key === undefined && info.classKey) reason = `the event is typed as the abstract class '${cls.decl.name}'`;
          else if (info.key === undefined) reason = info.keyProblem ?? `event class '${cls.decl.name}' declares no event type`;
          else key = info.key;
        }
      } else if (site.target.kind === 'key') {
        const k = this.resolver.resolveKey(file, site.target.key);
        if ('key' in k) {
          key = k.key;
          c.refs.push({ span: site.target.key.span, key, role: 'publish', literal: site.target.key.kind === 'literal' });
        } else reason = k.unresolved;
      } else reason = site.target.reason;
      if (key === undefined) {
        c.unresolved.push({ ...at(site.span), kind: 'publish', text: site.text, reason: reason ?? 'unknown' });
        continue;
      }
      const pub: EventPublisher = { ...at(site.span), key, text: site.text, isTest: entry.isTest };
      if (site.inFunction) {
        pub.inFunction = site.inFunction;
        const list = publishesByFunction.get(site.inFunction);
        if (list) list.push(pub);
        else publishesByFunction.set(site.inFunction, [pub]);
      }
      c.publishers.push(pub);
      c.refs.push({ span: site.span, key, role: 'publish', literal: false });
    }

    const calls = new Map(facts.functions.map((f) => [f.id, f.calls]));
    for (const site of own ? facts.handlers : []) {
      let paramKey: string | undefined;
      if (site.paramType) {
        const cls = this.resolver.resolveClass(file, site.paramType);
        const info = cls ? this.resolver.eventInfo(cls) : undefined;
        if (info?.isEvent && info.key !== undefined) paramKey = info.key;
      }
      for (const keyExpr of site.keys) {
        const k = this.resolver.resolveKey(file, keyExpr);
        if (!('key' in k)) {
          c.unresolved.push({ ...at(site.span), kind: 'handler', text: site.name, reason: k.unresolved });
          continue;
        }
        const handler: EventHandler = {
          ...at(site.span),
          key: k.key,
          name: site.name,
          nameSpan: site.nameSpan,
          async: site.async,
          via: site.via,
          keySpan: keyExpr.span,
          isTest: entry.isTest,
        };
        if (paramKey !== undefined) handler.paramKey = paramKey;
        if (site.paramType) handler.paramType = site.paramType.join('.');
        if (site.wildcards && isWildcardKey(k.key, this.conventions.wildcards.delimiter)) handler.wildcard = true;
        c.handlers.push(handler);
        c.refs.push({ span: keyExpr.span, key: k.key, role: 'handler', literal: keyExpr.kind === 'literal' });
        c.refs.push({ span: site.span, key: k.key, role: 'handler', literal: false });
        if (site.nameSpan.start !== site.span.start) c.refs.push({ span: site.nameSpan, key: k.key, role: 'handler', literal: false });
        if (site.functionId) {
          for (const fnId of reachable(site.functionId, calls)) {
            for (const pub of publishesByFunction.get(fnId) ?? []) {
              c.flows.push({ from: k.key, to: pub.key, via: site.name, handler: at(site.nameSpan), publisher: at(pub.span) });
            }
          }
        }
      }
    }

    // Literal keys written as constants, for rename and cursor lookups.
    for (const use of facts.keyUses) {
      if (use.role === 'constant') c.refs.push({ span: use.span, key: use.value, role: 'constant', literal: true });
    }
    return c;
  }
}

/** The function and the same-file functions it calls, transitively. */
function reachable(start: string, calls: Map<string, string[]>): string[] {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    for (const next of calls.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return [...seen];
}

export function moduleOfPath(rel: string, roots: readonly string[]): string | undefined {
  const padded = '/' + rel;
  for (const root of roots) {
    const marker = '/' + root.replace(/^\/+|\/+$/g, '') + '/';
    const i = padded.indexOf(marker);
    if (i < 0) continue;
    const rest = padded.slice(i + marker.length);
    const slashAt = rest.indexOf('/');
    if (slashAt > 0) return rest.slice(0, slashAt);
  }
  return undefined;
}

function existsOnDisk(path: string): boolean {
  try {
    return fs.statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Declarations only, without positions: when this is unchanged, other files' resolution is too. */
function surfaceOf(f: FileFacts): string {
  return JSON.stringify([
    f.imports.map((i) => [i.specifier, i.bindings]),
    f.exports,
    f.classes.map((c) => [c.name, c.extends, c.exported, c.eventType && stripSpan(c.eventType), c.implements, c.abstract]),
    f.values.map((v) => [v.path, stripSpan(v.value), v.spread]),
    // A class used as an event makes its declaring file declare one: a new use re-resolves it.
    f.eventClassUses,
  ]);
}

function stripSpan(k: KeyExpr): unknown {
  switch (k.kind) {
    case 'literal':
      return ['l', k.value];
    case 'ref':
      return ['r', k.path];
    case 'className':
      return ['c', k.path];
    case 'eventClass':
      return ['e', k.path];
    case 'dynamic':
      return k.parts ? ['d', k.text, k.parts.map(stripSpan)] : ['d', k.text];
  }
}

function contributionSignature(c: FileContribution): string {
  const parts: string[] = [];
  for (const d of c.declarations) parts.push(`d${d.key}|${d.name}`);
  for (const p of c.publishers) parts.push(`p${p.key}`);
  for (const h of c.handlers) parts.push(`h${h.key}|${h.name}|${h.async}`);
  for (const f of c.flows) parts.push(`f${f.from}>${f.to}`);
  for (const u of c.unresolved) parts.push(`u${u.text}`);
  return parts.join('\n');
}

function flowSignatureOf(graph: EventGraph): string {
  return graph
    .allFlows()
    .map((f) => `${f.from}>${f.to}`)
    .sort()
    .join(',');
}

function sortDiagnostics(list: CoreDiagnostic[]): CoreDiagnostic[] {
  return list.sort((a, b) => a.file.localeCompare(b.file) || a.span.start - b.span.start || a.code.localeCompare(b.code));
}

