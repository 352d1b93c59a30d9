/**
 * The Event Flow language server: LSP over stdio or node-ipc, one index per workspace
 * folder. Each capability is a thin adapter in `lsp/` over the core; this file wires them to
 * the connection, keeps documents and indexes in step, and pushes diagnostics.
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  LSPErrorCodes,
  Message,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_FILE } from './core/config';
import { checkEventName } from './core/naming';
import { buildReport, toCatalog, toMermaid } from './core/report';
import { slash } from './core/text';
import type { FileChange, UpdateResult } from './core/workspace';
import {
  CatalogRequest,
  GraphChangedNotification,
  GraphRequest,
  KeyAtRequest,
  LocationsRequest,
  MermaidRequest,
  ModulesRequest,
  NewEventRequest,
  NewHandlerRequest,
  ReindexRequest,
  RenameEventRequest,
  StatusRequest,
  ValidateKeyRequest,
  type FolderStatus,
} from './protocol';
import { codeActions, resolveCodeAction } from './lsp/codeActions';
import { codeLenses, resolveCodeLens } from './lsp/codeLens';
import { completion } from './lsp/completion';
import { pathToUri, uriToPath } from './lsp/convert';
import { Folder, type EventFlowSettings } from './lsp/folder';
import { generateEvent, generateHandler } from './lsp/generate';
import { hover } from './lsp/hover';
import { declarationLocations, definition, handlerLocations, implementation, publisherLocations, references, targetAt } from './lsp/navigation';
import { prepareRename, rename, renameKey } from './lsp/rename';
import { workspaceSymbols } from './lsp/symbols';

const connection = createConnection(ProposedFeatures.all, {
  // A request cancelled while it waits in the queue is answered at once with RequestCancelled
  // and never runs. Handlers are synchronous, so that is when a cancellation can take effect.
  cancelUndispatched: (message) => (Message.isRequest(message) ? { jsonrpc: '2.0', id: message.id, error: requestCancelled().toJson() } : undefined),
});
const documents = new TextDocuments(TextDocument);
const folders: Folder[] = [];
let supportsConfiguration = false;
let supportsWatchedFiles = false;
let supportsProgress = false;
const progressByFolder = new Map<Folder, WorkDoneProgressServerReporter>();

const log = (message: string) => connection.console.log(message);

// ── Lifecycle ───────────────────────────────────────────────────────────────────────────

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  supportsConfiguration = !!caps.workspace?.configuration;
  supportsWatchedFiles = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  supportsProgress = !!caps.window?.workDoneProgress;
  const roots = params.workspaceFolders?.length
    ? params.workspaceFolders.map((f) => f.uri)
    : params.rootUri
      ? [params.rootUri]
      : params.rootPath
        ? [pathToUri(params.rootPath)]
        : [];
  for (const uri of roots) addFolder(uri);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      definitionProvider: true,
      implementationProvider: true,
      referencesProvider: true,
      codeLensProvider: { resolveProvider: true },
      completionProvider: { triggerCharacters: ["'", '"', '`', '.'], resolveProvider: false },
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: true },
      workspaceSymbolProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'event-flow', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'eventFlow' });
  if (supportsWatchedFiles) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*.{ts,tsx,mts,cts,py}' }, { globPattern: `**/${CONFIG_FILE}` }, { globPattern: '**/tsconfig*.json' }, { globPattern: '**/pyproject.toml' }],
    });
  }
  connection.workspace.onDidChangeWorkspaceFolders((e) => {
    for (const removed of e.removed) {
      const i = folders.findIndex((f) => f.uri === removed.uri);
      if (i >= 0) {
        const [folder] = folders.splice(i, 1);
        for (const file of folder.index.filesWithDiagnostics()) void connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: [] });
      }
    }
    for (const added of e.added) void buildFolder(addFolder(added.uri));
  });
  await Promise.all(folders.map((f) => buildFolder(f)));
});

function addFolder(uri: string): Folder {
  const root = uriToPath(uri) ?? slash(path.resolve(uri));
  const folder = new Folder(uri, root.replace(/\/+$/, '') || '/', {
    wasmDirs: [__dirname],
    onProgress: (f, done, total) => progressByFolder.get(f)?.report(total ? Math.round((done / total) * 100) : 0, `${done}/${total} files`),
    log,
  });
  folders.push(folder);
  return folder;
}

async function settingsFor(folder: Folder): Promise<EventFlowSettings> {
  if (!supportsConfiguration) return {};
  try {
    return ((await connection.workspace.getConfiguration({ scopeUri: folder.uri, section: 'eventFlow' })) ?? {}) as EventFlowSettings;
  } catch {
    return {};
  }
}

/** Indexes a folder from scratch with progress, then publishes its diagnostics. */
async function buildFolder(folder: Folder): Promise<void> {
  folder.updateSettings(await settingsFor(folder));
  let reporter: WorkDoneProgressServerReporter | undefined;
  if (supportsProgress) {
    try {
      reporter = await connection.window.createWorkDoneProgress();
      reporter.begin('Event Flow: indexing', 0, path.basename(folder.root), false);
      progressByFolder.set(folder, reporter);
    } catch {
      reporter = undefined;
    }
  }
  void connection.sendNotification(GraphChangedNotification.type, { folderUris: [folder.uri], indexing: true });
  try {
    const result = await folder.build(openTexts());
    publish(folder, result, []);
  } catch (e) {
    connection.console.error(`Indexing ${folder.root} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void connection.window.showErrorMessage(`Event Flow could not index ${path.basename(folder.root)}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    reporter?.done();
    progressByFolder.delete(folder);
  }
  void connection.sendNotification(GraphChangedNotification.type, { folderUris: [folder.uri], indexing: folders.some((f) => f.indexing) });
}

function openTexts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const doc of documents.all()) {
    const p = uriToPath(doc.uri);
    if (p) out.set(p, doc.getText());
  }
  return out;
}

// ── Documents and files ─────────────────────────────────────────────────────────────────

function folderOf(filePath: string | undefined): Folder | undefined {
  if (!filePath) return undefined;
  let best: Folder | undefined;
  for (const f of folders) if (f.contains(filePath) && (!best || f.root.length > best.root.length)) best = f;
  return best;
}

/** Edits are applied once per event-loop turn, with the latest text of each document. */
const pendingDocuments = new Map<string, string | undefined>();
let flushScheduled = false;

function scheduleDocument(uri: string, text: string | undefined): void {
  pendingDocuments.set(uri, text);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushDocuments);
  }
}

function flushDocuments(): void {
  flushScheduled = false;
  const batch = [...pendingDocuments];
  pendingDocuments.clear();
  for (const [uri, text] of batch) {
    const p = uriToPath(uri);
    const folder = folderOf(p);
    if (!folder || !p) continue;
    if (path.basename(p) === CONFIG_FILE) {
      void buildFolder(folder);
      continue;
    }
    guarded(`updating ${uri}`, () => publish(folder, folder.setOverlay(p, text), text !== undefined ? [p] : []));
  }
}

documents.onDidOpen((e) => scheduleDocument(e.document.uri, e.document.getText()));
documents.onDidChangeContent((e) => scheduleDocument(e.document.uri, e.document.getText()));
documents.onDidClose((e) => scheduleDocument(e.document.uri, undefined));

/** Watched-file changes of files that are not open; a burst (a branch switch) becomes one update. */
const pendingFiles = new Map<string, FileChange>();
let fileTimer: NodeJS.Timeout | undefined;
const configChanged = new Set<Folder>();

connection.onDidChangeWatchedFiles((params) => {
  for (const change of params.changes) {
    const p = uriToPath(change.uri);
    const folder = folderOf(p);
    if (!p || !folder) continue;
    const base = path.basename(p);
    if (base === CONFIG_FILE || /^tsconfig.*\.json$/.test(base) || base === 'pyproject.toml') {
      configChanged.add(folder);
      continue;
    }
    if (documents.get(change.uri)) continue; // the editor's text wins over disk
    pendingFiles.set(p, { path: p, text: change.type === FileChangeType.Deleted ? null : undefined });
  }
  if (fileTimer) clearTimeout(fileTimer);
  fileTimer = setTimeout(flushFiles, 100);
});

function flushFiles(): void {
  fileTimer = undefined;
  for (const folder of configChanged) void buildFolder(folder);
  const rebuilt = new Set(configChanged);
  configChanged.clear();
  const byFolder = new Map<Folder, FileChange[]>();
  for (const change of pendingFiles.values()) {
    const folder = folderOf(change.path);
    if (!folder || rebuilt.has(folder)) continue;
    const list = byFolder.get(folder);
    if (list) list.push(change);
    else byFolder.set(folder, [change]);
  }
  pendingFiles.clear();
  for (const [folder, changes] of byFolder) guarded('applying file changes', () => publish(folder, folder.apply(changes), []));
}

connection.onDidChangeConfiguration(() => {
  for (const folder of folders) void buildFolder(folder);
});

/** Pushes diagnostics for files whose findings changed, and for `always` (edited open documents). */
function publish(folder: Folder, result: UpdateResult, always: string[]): void {
  const files = new Set([...result.diagnosticsChanged, ...always]);
  for (const file of files) publishFile(folder, file);
  if (result.graphChanged) void connection.sendNotification(GraphChangedNotification.type, { folderUris: [folder.uri], indexing: folder.indexing });
}

function publishFile(folder: Folder, file: string): void {
  const uri = pathToUri(file);
  const doc = documents.get(uri);
  const diagnostics = folder.diagnosticsOf(file).map((d) => folder.conv.diagnostic(d));
  void connection.sendDiagnostics(doc ? { uri, version: doc.version, diagnostics } : { uri, diagnostics });
}

// ── Requests ────────────────────────────────────────────────────────────────────────────

/** Runs a request handler; a failure is logged with its stack and answered with an error, never fatal. */
function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ResponseError) throw e;
    connection.console.error(`Event Flow: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    throw new ResponseError(ErrorCodes.InternalError, `Event Flow: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A request cancelled before its handler ran is answered with RequestCancelled, without the work. */
function cancelled(token: CancellationToken | undefined): undefined {
  if (token?.isCancellationRequested) throw requestCancelled();
  return undefined;
}

function requestCancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled');
}

const versionOf = (uri: string) => documents.get(uri)?.version ?? null;

function at(uri: string) {
  const p = uriToPath(uri);
  return { path: p, folder: folderOf(p) };
}

function ready(folder: Folder | undefined): folder is Folder {
  return !!folder && !!folder.setup;
}

connection.onHover((params, token) =>
  cancelled(token) ??
  guarded('hover', () => {
    const { path: p, folder } = at(params.textDocument.uri);
    return ready(folder) ? hover(targetAt(folder, p, params.position)) : null;
  }),
);

connection.onImplementation((params, token) =>
  cancelled(token) ??
  guarded('go to handlers', () => {
    const { path: p, folder } = at(params.textDocument.uri);
    return ready(folder) ? implementation(targetAt(folder, p, params.position)) : null;
  }),
);

connection.onDefinition((params, token) =>
  cancelled(token) ??
  guarded('go to definition', () => {
    const { path: p, folder } = at(params.textDocument.uri);
    return ready(folder) ? definition(targetAt(folder, p, params.position)) : null;
  }),
);

connection.onReferences((params, token) =>
  cancelled(token) ??
  guarded('find references', () => {
    const { path: p, folder } = at(params.textDocument.uri);
    return ready(folder) ? references(targetAt(folder, p, params.position), params.context.includeDeclaration) : null;
  }),
);

connection.onCodeLens((params, token) =>
  cancelled(token) ??
  guarded('code lens', () => {
    const { path: p, folder } = at(params.textDocument.uri);
    return ready(folder) ? codeLenses(folder, p) : [];
  }),
);

connection.onCodeLensResolve((lens) => guarded('code lens', () => resolveCodeLens(folderOf(uriToPath((lens.data as { uri?: string })?.uri ?? '')), lens)));

connection.onCompletion((params, token) =>
  cancelled(token) ??
  guarded('completion', () => {
    const { path: p, folder } = at(params.textDocument.uri);
    return ready(folder) ? completion(folder, p, params.position) : null;
  }),
);

connection.onPrepareRename((params) =>
  guarded('rename', () => {
    const { path: p, folder } = at(params.textDocument.uri);
    return ready(folder) ? prepareRename(targetAt(folder, p, params.position)) : null;
  }),
);

connection.onRenameRequest((params) =>
  guarded('rename', () => {
    const { path: p, folder } = at(params.textDocument.uri);
    return ready(folder) ? rename(targetAt(folder, p, params.position), params.newName, versionOf) : null;
  }),
);

connection.onCodeAction((params, token) =>
  cancelled(token) ??
  guarded('code actions', () => {
    const { path: p, folder } = at(params.textDocument.uri);
    return ready(folder) ? codeActions(folder, p, params, versionOf) : [];
  }),
);

connection.onCodeActionResolve((action) => guarded('code action', () => resolveCodeAction(folders, action, versionOf)));

connection.onWorkspaceSymbol((params, token) => cancelled(token) ?? guarded('workspace symbols', () => workspaceSymbols(folders.filter(ready), params.query)));

// ── Custom requests ────────────────────────────────────────────────────────────────────

function pickFolder(folderUri?: string): Folder {
  const folder = folderUri ? folders.find((f) => f.uri === folderUri) : folders.find(ready);
  if (!ready(folder)) throw new ResponseError(ErrorCodes.InvalidParams, folderUri ? `Unknown workspace folder ${folderUri}` : 'No workspace folder is open');
  return folder;
}

connection.onRequest(GraphRequest.type, (params) =>
  guarded('graph', () => ({
    folders: folders.filter((f) => ready(f) && (!params?.folderUri || f.uri === params.folderUri)).map((f) => ({ folderUri: f.uri, report: buildReport(f.index, f.setup.configDiagnostics()) })),
  })),
);

connection.onRequest(StatusRequest.type, () =>
  guarded('status', () => ({
    indexing: folders.some((f) => f.indexing),
    folders: folders.filter(ready).map((f): FolderStatus => {
      const s = f.index.stats;
      const status: FolderStatus = {
        folderUri: f.uri,
        indexing: f.indexing,
        filesScanned: s.filesScanned,
        filesParsed: s.filesParsed,
        events: f.index.graph.events.size,
        problems: f.index.allDiagnostics().filter((d) => d.severity === 'error' || d.severity === 'warning').length,
        unresolved: f.index.graph.allUnresolved().length,
        durationMs: s.durationMs,
      };
      if (f.setup.configFile) status.configFile = pathToUri(f.setup.configFile);
      return status;
    }),
  })),
);

connection.onRequest(KeyAtRequest.type, (params) =>
  guarded('event at cursor', () => {
    const { path: p, folder } = at(params.uri);
    if (!ready(folder)) return null;
    const t = targetAt(folder, p, params.position);
    return t ? { key: t.ref.key } : null;
  }),
);

connection.onRequest(LocationsRequest.type, (params) =>
  guarded('locations', () =>
    folders.filter(ready).flatMap((f) => {
      switch (params.kind) {
        case 'handlers':
          return handlerLocations(f, params.key);
        case 'publishers':
          return publisherLocations(f, params.key);
        case 'declarations':
          return declarationLocations(f, params.key);
        default:
          return [...declarationLocations(f, params.key), ...publisherLocations(f, params.key), ...handlerLocations(f, params.key)];
      }
    }),
  ),
);

connection.onRequest(ModulesRequest.type, (params) =>
  guarded('modules', () => folders.filter((f) => ready(f) && (!params?.folderUri || f.uri === params.folderUri)).map((f) => ({ folderUri: f.uri, modules: f.index.modules() }))),
);

connection.onRequest(NewEventRequest.type, (params) => guarded('new event', () => generateEvent(pickFolder(params.folderUri), params.module, params.key, versionOf)));

connection.onRequest(NewHandlerRequest.type, (params) => {
  const folder = params.folderUri ? pickFolder(params.folderUri) : (folders.filter(ready).find((f) => f.index.graph.declarationsOf(params.key).length) ?? pickFolder());
  return guarded('new handler', () => generateHandler(folder, params.key, params.module, versionOf));
});

connection.onRequest(RenameEventRequest.type, (params) =>
  guarded('rename event', () => {
    const folder = params.folderUri ? pickFolder(params.folderUri) : (folders.filter(ready).find((f) => f.index.graph.entry(params.key)) ?? pickFolder());
    return renameKey(folder, params.key, params.newKey, versionOf);
  }),
);

connection.onRequest(ReindexRequest.type, async () => {
  await Promise.all(folders.map((f) => buildFolder(f)));
});

connection.onRequest(ValidateKeyRequest.type, (params) =>
  guarded('validate key', () => {
    const folder = pickFolder(params.folderUri);
    const problem = checkEventName(params.key, folder.index.currentConventions.naming);
    const exists = folder.index.graph.declarationsOf(params.key).length > 0;
    const result: { ok: boolean; message?: string; suggestion?: string; exists: boolean } = { ok: !problem && !exists, exists };
    if (problem) {
      result.message = `Event type ${problem.message}`;
      if (problem.suggestion) result.suggestion = problem.suggestion;
    } else if (exists) result.message = `'${params.key}' already exists`;
    return result;
  }),
);

connection.onRequest(CatalogRequest.type, (params) => guarded('catalog', () => ({ markdown: toCatalog(buildReport(pickFolder(params?.folderUri).index)) })));

connection.onRequest(MermaidRequest.type, (params) =>
  guarded('mermaid', () => ({ markdown: `# Event flows\n\n\`\`\`mermaid\n${toMermaid(buildReport(pickFolder(params?.folderUri).index))}\`\`\`\n` })),
);

documents.listen(connection);
connection.listen();

process.on('uncaughtException', (e) => connection.console.error(`Event Flow: uncaught error: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => connection.console.error(`Event Flow: unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
