/**
 * The messages between the graph panel (extension side) and its webview, declared once for
 * both sides. Whatever arrives from the other side is checked before use: a webview is a
 * web page, and its messages are input like any other.
 */

// ── What the graph webview draws ───────────────────────────────────────────────────────
// Plain JSON: modules, events (grouped by the module that declares them), publish /
// handle / flow edges, problems and cycles. Built by graphModel.ts.

export interface GraphModule {
  id: string;
  label: string;
}

export interface GraphEvent {
  id: string;
  key: string;
  className?: string;
  /** The module that declares the event; undefined when no class declares it. */
  moduleId?: string;
  publishers: number;
  handlers: number;
  problems: { severity: 'error' | 'warning' | 'information' | 'hint'; message: string }[];
  inCycle: boolean;
}

export interface GraphEdge {
  kind: 'publishes' | 'handles' | 'flow';
  from: string;
  to: string;
  /** Handler names (handles, flow) or publish sites (publishes), for the tooltip. */
  details: string[];
  inCycle: boolean;
}

export interface GraphModel {
  modules: GraphModule[];
  events: GraphEvent[];
  edges: GraphEdge[];
  indexing: boolean;
}

// ── Messages ───────────────────────────────────────────────────────────────────────────

export type HostMessage =
  /** The graph to draw (sent when the webview is ready and whenever the graph changes). */
  | { type: 'graph'; model: GraphModel }
  /** Select, show and focus a node. */
  | { type: 'focus'; nodeId: string };

export type WebviewMessage =
  | { type: 'ready' }
  /** Open the code of a node: an event's class, a module's entry file. */
  | { type: 'open'; nodeId: string }
  | { type: 'exportMermaid' };

const MAX_NODE_ID_LENGTH = 2048;

/** The message if it is one the webview may send, else undefined. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'exportMermaid':
      return Object.keys(message).length === 1 ? { type: message.type } : undefined;
    case 'open':
      return isNodeId(message.nodeId) && Object.keys(message).length === 2 ? { type: 'open', nodeId: message.nodeId } : undefined;
    default:
      return undefined;
  }
}

/** The message if it is one the extension sends, else undefined (the model is trusted to be the extension's own). */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  if (message.type === 'focus' && isNodeId(message.nodeId)) return { type: 'focus', nodeId: message.nodeId };
  if (message.type === 'graph' && isGraphModel(message.model)) return { type: 'graph', model: message.model };
  return undefined;
}

function isNodeId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NODE_ID_LENGTH;
}

function isGraphModel(value: unknown): value is GraphModel {
  const model = value as Partial<GraphModel> | null;
  return typeof model === 'object' && model !== null && Array.isArray(model.modules) && Array.isArray(model.events) && Array.isArray(model.edges) && typeof model.indexing === 'boolean';
}
