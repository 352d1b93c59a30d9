/**
 * The client's copy of the server's graph and status. It refetches (debounced) when the
 * server says the graph changed, and polls the status while the server indexes (the file
 * counts move, nothing announces them). Two events, so that a status tick does not redraw
 * the tree: `onDidChange` (graph, indexing or server state) and `onDidChangeStatus`.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { GraphChangedNotification, GraphRequest, StatusRequest, type GraphResult, type StatusResult } from '../../server/src/protocol';
import { describeError } from './errors';

const REFRESH_DELAY_MS = 200;
const STATUS_POLL_MS = 1000;

export class GraphStore implements vscode.Disposable {
  private currentGraph: GraphResult | undefined;
  private currentStatus: StatusResult | undefined;
  private indexingNow = true;
  private serverEverStarted = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  /** Responses of an older refresh than the latest one are dropped. */
  private generation = 0;
  private markReady!: () => void;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly statusChanged = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed, this.statusChanged];

  readonly onDidChange = this.changed.event;
  readonly onDidChangeStatus = this.statusChanged.event;
  /** Resolves when the first index is complete. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      client.onNotification(GraphChangedNotification.type, (params) => {
        this.setIndexing(params.indexing);
        this.scheduleRefresh();
      }),
      client.onDidChangeState((e) => {
        if (e.newState === State.Starting || e.newState === State.Running) this.serverEverStarted = true;
        if (e.newState === State.Running) this.scheduleRefresh();
        this.fireAll();
      }),
    );
  }

  get graph(): GraphResult | undefined {
    return this.currentGraph;
  }

  get status(): StatusResult | undefined {
    return this.currentStatus;
  }

  get indexing(): boolean {
    return this.indexingNow;
  }

  get serverRunning(): boolean {
    return this.client.state === State.Running;
  }

  /** `stopped` means it ran (or tried to) and is down now: it crashed too often, failed to start or was stopped. */
  get serverState(): 'starting' | 'running' | 'stopped' {
    switch (this.client.state) {
      case State.Running:
        return 'running';
      case State.Starting:
        return 'starting';
      case State.StartFailed:
        return 'stopped';
      case State.Stopped:
        return this.serverEverStarted ? 'stopped' : 'starting';
    }
  }

  /** The server could not be started at all: the views say so instead of waiting for it. */
  markStartFailed(): void {
    this.serverEverStarted = true;
    this.fireAll();
  }

  /** Asks the server for its current graph, without touching what the views show. */
  fetchGraph(): Promise<GraphResult> {
    return this.client.sendRequest(GraphRequest.type, {});
  }

  /** Refetches the graph and the status now; rejects when the server cannot answer. */
  async refresh(): Promise<void> {
    clearTimeout(this.refreshTimer);
    if (!this.serverRunning) return;
    const generation = ++this.generation;
    const [graph, status] = await Promise.all([this.fetchGraph(), this.fetchStatus()]);
    if (generation !== this.generation) return;
    this.currentGraph = graph;
    this.currentStatus = status;
    this.setIndexing(status.indexing);
    this.fireAll();
  }

  scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refresh().catch((error: unknown) => this.log.warn(`Could not fetch the event graph: ${describeError(error)}`));
    }, REFRESH_DELAY_MS);
  }

  private fetchStatus(): Promise<StatusResult> {
    return this.client.sendRequest(StatusRequest.type);
  }

  private setIndexing(indexing: boolean): void {
    if (!indexing) this.markReady();
    if (indexing) this.startPolling();
    else this.stopPolling();
    if (indexing === this.indexingNow) return;
    this.indexingNow = indexing;
    this.fireAll();
  }

  private startPolling(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => {
      if (!this.serverRunning) return;
      this.fetchStatus().then(
        (status) => {
          this.currentStatus = status;
          this.statusChanged.fire();
          if (!status.indexing) {
            this.setIndexing(false);
            this.scheduleRefresh();
          }
        },
        (error: unknown) => this.log.warn(`Could not fetch the indexing status: ${describeError(error)}`),
      );
    }, STATUS_POLL_MS);
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private fireAll(): void {
    this.changed.fire();
    this.statusChanged.fire();
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.stopPolling();
    for (const d of this.disposables) d.dispose();
  }
}
