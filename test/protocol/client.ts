/**
 * A tiny LSP client for tests: spawns the built server over stdio and speaks JSON-RPC with
 * vscode-jsonrpc, as any editor would. Collects published diagnostics and notifications so
 * tests can wait for conditions instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';

export const REPO = path.resolve(__dirname, '../../..');
export const SERVER = path.join(REPO, 'dist/server.js');

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: { range: Range; severity?: number; code?: string | number; message: string; source?: string; data?: unknown; relatedInformation?: unknown[] }[];
}

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export class LspClient {
  readonly diagnostics = new Map<string, PublishedDiagnostics>();
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly logs: string[] = [];
  private readonly versions = new Map<string, number>();
  private waiters: (() => void)[] = [];

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: MessageConnection,
    readonly root: string,
  ) {}

  static async start(root: string, options: { initializationOptions?: unknown; settings?: Record<string, unknown>; workspaceFolders?: string[] } = {}): Promise<LspClient> {
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn, root);
    proc.stderr!.on('data', (d) => client.logs.push(String(d)));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      client.diagnostics.set(p.uri, p);
      client.wake();
    });
    conn.onNotification((method, params) => {
      if (method === 'window/logMessage') client.logs.push((params as { message: string }).message);
      client.notifications.push({ method, params });
      client.wake();
    });
    conn.onUnhandledProgress((params) => {
      client.notifications.push({ method: '$/progress', params });
      client.wake();
    });
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => options.settings ?? {}));
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('workspace/applyEdit', () => ({ applied: true }));
    conn.listen();
    const folders = options.workspaceFolders ?? [root];
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(root),
      workspaceFolders: folders.map((f) => ({ uri: uri(f), name: path.basename(f) })),
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true }, rename: { prepareSupport: true } },
      },
      initializationOptions: options.initializationOptions,
    });
    await conn.sendNotification('initialized', {});
    return client;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Polls a condition on every message from the server, up to a timeout. */
  async waitFor<T>(condition: () => T | undefined | false, what: string, timeoutMs = 20000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = condition();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}\nserver log:\n${this.logs.slice(-20).join('\n')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits until the first cold index is done (graphChanged with indexing=false). */
  async ready(): Promise<void> {
    await this.waitFor(() => this.notifications.some((n) => n.method === 'eventFlow/graphChanged' && !(n.params as { indexing: boolean }).indexing), 'the cold index');
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  open(file: string, text?: string): string {
    const u = uri(file);
    const content = text ?? fs.readFileSync(file, 'utf8');
    this.versions.set(u, 1);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: file.endsWith('.py') ? 'python' : 'typescript', version: 1, text: content } });
    return u;
  }

  /** Replaces a document's whole text; returns the new version. */
  change(file: string, text: string): number {
    const u = uri(file);
    const version = (this.versions.get(u) ?? 1) + 1;
    this.versions.set(u, version);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri: u, version }, contentChanges: [{ text }] });
    return version;
  }

  close(file: string): void {
    void this.conn.sendNotification('textDocument/didClose', { textDocument: { uri: uri(file) } });
  }

  filesChanged(changes: { file: string; type: 1 | 2 | 3 }[]): void {
    void this.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: changes.map((c) => ({ uri: uri(c.file), type: c.type })) });
  }

  diagnosticsOf(file: string): PublishedDiagnostics['diagnostics'] {
    return this.diagnostics.get(uri(file))?.diagnostics ?? [];
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 3000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.conn.dispose();
  }
}

export function uri(file: string): string {
  return URI.file(file).toString();
}

/**
 * A fixture with cursor markers: `$0` marks a position; several named ones as `$1`, `$2`.
 * Returns the text without markers and the positions.
 */
export function marked(text: string): { text: string; positions: Map<string, Position> } {
  const positions = new Map<string, Position>();
  let out = '';
  let line = 0;
  let character = 0;
  for (let i = 0; i < text.length; i++) {
    const m = /^\$(\d)/.exec(text.slice(i, i + 2));
    if (m) {
      positions.set('$' + m[1], { line, character });
      i += 1;
      continue;
    }
    const ch = text[i];
    out += ch;
    if (ch === '\n') {
      line++;
      character = 0;
    } else character++;
  }
  return { text: out, positions };
}

/** The position of the n-th occurrence of `needle` in a file's text (plus an offset into it). */
export function positionOf(text: string, needle: string, delta = 0, occurrence = 0): Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (occurrence ${occurrence}) not found`);
  }
  const before = text.slice(0, at + delta);
  const lines = before.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** Copies a folder to a fresh temporary directory (tests edit files on disk). */
export function copyToTemp(src: string, name: string): string {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(require('node:os').tmpdir()), `eventflow-${name}-`));
  fs.cpSync(src, dir, { recursive: true, filter: (s) => !/[\\/](node_modules|out)([\\/]|$)/.test(s) });
  return dir;
}
