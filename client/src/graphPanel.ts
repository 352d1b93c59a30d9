/**
 * The "Event Flow Graph" webview panel: one panel at a time, restored after a reload, fed
 * with the graph model whenever the graph changes. The webview runs under a strict CSP
 * (scripts only with this page's nonce, nothing remote) and may only load dist/webview.
 * Its messages are validated; what it asks to open is looked up, never trusted as a path.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { Commands } from './commandIds';
import { moduleFolder } from './eventFacts';
import { buildGraphModel, type BuiltGraph, type NodeTarget } from './graphModel';
import { describeError } from './errors';
import type { GraphStore } from './graphStore';
import { fileExists, folderRelativeUri, reportLocationToVscode } from './locations';
import { parseWebviewMessage, type HostMessage } from './webviewMessages';

const GRAPH_VIEW_TYPE = 'eventFlow.graph';

/** A module opens at its entry file, the first of these that exists in its folder. */
const MODULE_ENTRY_FILES = ['index.ts', 'index.tsx', 'index.js', '__init__.py'];

export class GraphPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private webviewReady = false;
  private pendingFocus: string | undefined;
  private built: BuiltGraph | undefined;
  private lastPostedModel: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: GraphStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      store.onDidChange(() => this.postGraph()),
      vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
    );
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Event Flow Graph', vscode.ViewColumn.Active, this.webviewOptions());
    this.attach(panel);
  }

  /** Shows the panel with the event's node selected and focused; false when the graph does not show it. */
  async revealEvent(key: string): Promise<boolean> {
    if (!this.store.graph) await this.store.refresh();
    this.show();
    this.built ??= this.build();
    const nodeId = this.built.eventIds.get(key)?.[0];
    if (!nodeId) return false;
    if (this.webviewReady) this.post({ type: 'focus', nodeId });
    else this.pendingFocus = nodeId;
    return true;
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.webviewReady = false;
    this.lastPostedModel = undefined;
    panel.webview.options = this.webviewOptions();
    panel.iconPath = {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'event-flow-light.svg'),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'event-flow-dark.svg'),
    };
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      // A hidden webview is torn down; it asks for the graph again when it comes back.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.webviewReady = false;
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
      }),
    );
  }

  private onMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.log.warn(`Ignored an unexpected message from the graph view: ${safePreview(raw)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.lastPostedModel = undefined;
        this.postGraph();
        if (this.pendingFocus) this.post({ type: 'focus', nodeId: this.pendingFocus });
        this.pendingFocus = undefined;
        break;
      case 'open':
        this.openNode(message.nodeId).catch((error: unknown) => void vscode.window.showErrorMessage(`Event Flow could not open that node: ${describeError(error)}`));
        break;
      case 'exportMermaid':
        void vscode.commands.executeCommand(Commands.exportMermaid);
        break;
    }
  }

  private build(): BuiltGraph {
    return buildGraphModel(this.store.graph ?? { folders: [] }, this.store.indexing || !this.store.graph);
  }

  private postGraph(): void {
    if (!this.panel || !this.webviewReady) return;
    this.built = this.build();
    // The store also fires for status updates; an unchanged graph is not sent (nor re-laid out).
    const serialized = JSON.stringify(this.built.model);
    if (serialized === this.lastPostedModel) return;
    this.lastPostedModel = serialized;
    this.post({ type: 'graph', model: this.built.model });
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  private async openNode(nodeId: string): Promise<void> {
    const target = this.built?.targets.get(nodeId);
    if (!target) {
      this.log.warn(`The graph view asked to open an unknown node: ${safePreview(nodeId)}`);
      return;
    }
    const viewColumn = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    if (target.kind === 'location') {
      const location = reportLocationToVscode(target.folderUri, target.location);
      await vscode.window.showTextDocument(location.uri, { selection: location.range, viewColumn, preview: true });
      return;
    }
    await this.openModule(target, viewColumn);
  }

  private async openModule(target: Extract<NodeTarget, { kind: 'module' }>, viewColumn: vscode.ViewColumn): Promise<void> {
    const report = this.store.graph?.folders.find((f) => f.folderUri === target.folderUri)?.report;
    const folder = report && moduleFolder(report, target.module);
    if (!folder) {
      void vscode.window.showInformationMessage(`Event Flow does not know the folder of module '${target.module}'.`);
      return;
    }
    const folderUri = folderRelativeUri(target.folderUri, folder);
    for (const name of MODULE_ENTRY_FILES) {
      const entry = vscode.Uri.joinPath(folderUri, name);
      if (await fileExists(entry)) {
        await vscode.window.showTextDocument(entry, { viewColumn, preview: true });
        return;
      }
    }
    await vscode.commands.executeCommand('revealInExplorer', folderUri);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', name)).toString();
    const csp = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'; img-src ${webview.cspSource} data:;`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('graph.css')}">
<title>Event Flow Graph</title>
</head>
<body>
<header class="toolbar" role="toolbar" aria-label="Graph actions">
  <button type="button" id="zoom-in" class="icon" title="Zoom In (+)" aria-label="Zoom in"><svg viewBox="0 0 16 16" aria-hidden="true"><path d="M7.5 3v9M3 7.5h9"/></svg></button>
  <button type="button" id="zoom-out" class="icon" title="Zoom Out (-)" aria-label="Zoom out"><svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3 7.5h9"/></svg></button>
  <button type="button" id="zoom-fit" class="icon" title="Fit to View (0)" aria-label="Fit to view"><svg viewBox="0 0 16 16" aria-hidden="true"><path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4"/></svg></button>
  <span class="separator" role="separator"></span>
  <button type="button" id="export-mermaid" title="Export the graph as a Mermaid diagram in a Markdown file">Export as Mermaid</button>
  <ul class="legend" aria-label="Legend">
    <li><svg viewBox="0 0 28 8" aria-hidden="true"><path class="edge publishes" d="M1 4h26"/></svg>publishes</li>
    <li><svg viewBox="0 0 28 8" aria-hidden="true"><path class="edge handles" d="M1 4h26"/></svg>handled by</li>
    <li><svg viewBox="0 0 28 8" aria-hidden="true"><path class="edge flow" d="M1 4h26"/></svg>leads to</li>
    <li><svg viewBox="0 0 28 8" aria-hidden="true"><path class="edge flow cycle" d="M1 4h26"/></svg>cycle</li>
  </ul>
</header>
<main id="canvas" aria-label="Event flow graph">
  <p id="message" role="status" aria-live="polite"></p>
</main>
<script nonce="${nonce}" src="${asset('graph.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function safePreview(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200);
  } catch {
    return typeof value;
  }
}
