/**
 * The graph webview: draws the model the extension sends (laid out by layout.ts) as SVG,
 * and lets the user zoom (wheel, buttons, + / - / 0), pan (drag, arrow keys on the canvas)
 * and move between nodes with the keyboard (Tab, arrow keys; Enter opens the code).
 * Every string from the model reaches the page through textContent or setAttribute only.
 */
import { parseHostMessage, type GraphEdge, type GraphEvent, type GraphModel, type WebviewMessage } from '../src/webviewMessages';
import { layoutGraph, type Layout, type LayoutNode, type NodeRole } from './layout';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

interface ViewTransform {
  x: number;
  y: number;
  scale: number;
}

interface SavedState {
  transform?: ViewTransform;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const MIN_SCALE = 0.15;
const MAX_SCALE = 3;
const ZOOM_STEP = 1.25;
const FIT_PADDING = 32;
/** Below this scale labels are too small to read. */
const READABLE_SCALE = 0.6;
const PAN_STEP = 60;
const EDGE_KINDS: GraphEdge['kind'][] = ['publishes', 'handles', 'flow'];

const vscode = acquireVsCodeApi();
const canvas = document.getElementById('canvas') as HTMLElement;
const message = document.getElementById('message') as HTMLElement;

const svg = svgElement('svg', { class: 'graph', role: 'group', 'aria-label': 'Event flow graph' });
const viewport = svgElement('g', { class: 'viewport' });
svg.append(arrowMarkers(), viewport);
canvas.append(svg);
canvas.tabIndex = 0;
canvas.setAttribute('aria-roledescription', 'graph canvas');
canvas.setAttribute('aria-describedby', 'message');

let transform: ViewTransform | undefined = (vscode.getState() as SavedState | undefined)?.transform;
let layout: Layout | undefined;
const nodeElements = new Map<string, SVGGElement>();
const edgeElements: { element: SVGGElement; from: string; to: string }[] = [];

// ── Messages ─────────────────────────────────────────────────────────────────────────

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const hostMessage = parseHostMessage(event.data);
  if (!hostMessage) {
    console.warn('Event Flow graph: ignored an unexpected message');
    return;
  }
  if (hostMessage.type === 'graph') render(hostMessage.model);
  else focusNode(hostMessage.nodeId, { select: true });
});

function post(outgoing: WebviewMessage): void {
  vscode.postMessage(outgoing);
}

// ── Rendering ────────────────────────────────────────────────────────────────────────

function render(model: GraphModel): void {
  const focusedId = (document.activeElement as Element | null)?.closest('.node')?.getAttribute('data-node-id') ?? undefined;
  viewport.replaceChildren();
  nodeElements.clear();
  edgeElements.length = 0;

  if (model.events.length === 0) {
    layout = undefined;
    svg.classList.add('hidden');
    message.textContent = model.indexing ? 'Indexing the workspace…' : 'No events found. Event Flow shows event classes, publishers and handlers here once it finds them.';
    return;
  }
  svg.classList.remove('hidden');
  message.textContent = model.indexing ? 'Indexing the workspace… the graph is not complete yet.' : '';

  layout = layoutGraph(model, measureText);
  const groupLayer = svgElement('g', { class: 'groups' });
  const edgeLayer = svgElement('g', { class: 'edges' });
  const nodeLayer = svgElement('g', { class: 'nodes' });
  viewport.append(groupLayer, edgeLayer, nodeLayer);

  for (const group of layout.groups) {
    const g = svgElement('g', { class: 'group' });
    g.append(
      svgElement('rect', { x: group.x, y: group.y, width: group.width, height: group.height, rx: 6 }),
      text(group.label, { x: group.x + 10, y: group.y + 16, class: 'group-label' }),
    );
    groupLayer.append(g);
  }

  const labels = new Map(layout.nodes.map((n) => [n.id, n.label]));
  for (const { edge, from, to, path } of layout.edges) {
    const classes = `edge ${edge.kind}${edge.inCycle ? ' cycle' : ''}`;
    const g = svgElement('g', { class: classes });
    const title = svgElement('title', {});
    title.textContent = edgeTitle(edge, labels.get(from) ?? '', labels.get(to) ?? '');
    g.append(
      svgElement('path', { d: path, class: 'edge-hit' }),
      svgElement('path', { d: path, class: 'edge-line', 'marker-end': `url(#arrow-${edge.inCycle ? 'cycle' : edge.kind})` }),
      title,
    );
    edgeLayer.append(g);
    edgeElements.push({ element: g, from, to });
  }

  // DOM order is Tab order: columns left to right, top to bottom.
  const columnOrder: NodeRole[] = ['publisher', 'event', 'handler'];
  const ordered = [...layout.nodes].sort((a, b) => columnOrder.indexOf(a.role) - columnOrder.indexOf(b.role) || a.y - b.y);
  for (const node of ordered) {
    const element = nodeElement(node);
    nodeLayer.append(element);
    nodeElements.set(node.id, element);
  }

  if (transform) applyTransform();
  else showInitialView();
  if (focusedId && nodeElements.has(focusedId)) focusNode(focusedId, { select: false });
}

function nodeElement(node: LayoutNode): SVGGElement {
  const event = node.event;
  const classes = ['node', node.role === 'event' ? 'event' : 'module', node.role];
  const worst = event ? worstProblem(event) : undefined;
  if (worst) classes.push(`problem-${worst}`);
  if (event?.inCycle) classes.push('cycle');
  const g = svgElement('g', { class: classes.join(' '), tabindex: 0, role: 'button', 'data-node-id': node.id, 'aria-label': nodeDescription(node) });
  const radius = node.role === 'event' ? node.height / 2 : 4;
  g.append(svgElement('rect', { x: node.x, y: node.y, width: node.width, height: node.height, rx: radius }));
  g.append(text(node.label, { x: node.x + 16, y: node.y + node.height / 2, class: 'label', 'dominant-baseline': 'central' }));
  if (worst) g.append(problemIcon(worst, node.x + node.width - 18, node.y + node.height / 2));
  const title = svgElement('title', {});
  title.textContent = nodeDescription(node);
  g.append(title);

  g.addEventListener('click', () => post({ type: 'open', nodeId: node.modelId }));
  g.addEventListener('keydown', (e) => onNodeKey(e, node));
  g.addEventListener('focus', () => {
    highlight(node.id);
    scrollIntoView(node);
  });
  g.addEventListener('blur', () => highlight(undefined));
  g.addEventListener('pointerenter', () => highlight(node.id));
  g.addEventListener('pointerleave', () => highlight(document.activeElement instanceof SVGGElement ? (document.activeElement.getAttribute('data-node-id') ?? undefined) : undefined));
  return g;
}

function nodeDescription(node: LayoutNode): string {
  const event = node.event;
  if (!event) return `Module ${node.label}, ${node.role === 'publisher' ? 'publishes' : 'handles'} events. Press Enter to open its code.`;
  const parts = [`Event ${event.key}`];
  if (event.className) parts.push(`class ${event.className}`);
  parts.push(`${count(event.publishers, 'publisher')}, ${count(event.handlers, 'handler')}`);
  if (event.inCycle) parts.push('part of a cycle');
  for (const p of event.problems) parts.push(`${p.severity}: ${p.message}`);
  return `${parts.join('. ')}. Press Enter to open its code.`;
}

function edgeTitle(edge: GraphEdge, from: string, to: string): string {
  const details = edge.details.join(', ');
  switch (edge.kind) {
    case 'publishes':
      return `${from} publishes ${to} (${details})`;
    case 'handles':
      return `${from} is handled by ${to}: ${details}`;
    case 'flow':
      return `${from} leads to ${to} via ${details}${edge.inCycle ? ' (cycle)' : ''}`;
  }
}

function worstProblem(event: GraphEvent): 'error' | 'warning' | undefined {
  if (event.problems.some((p) => p.severity === 'error')) return 'error';
  return event.problems.length ? 'warning' : undefined;
}

function problemIcon(severity: 'error' | 'warning', cx: number, cy: number): SVGGElement {
  const g = svgElement('g', { class: `problem-icon ${severity}`, 'aria-hidden': 'true' });
  if (severity === 'error') {
    g.append(svgElement('circle', { cx, cy, r: 6 }), svgElement('path', { d: `M ${cx - 2.5} ${cy - 2.5} L ${cx + 2.5} ${cy + 2.5} M ${cx + 2.5} ${cy - 2.5} L ${cx - 2.5} ${cy + 2.5}`, class: 'glyph' }));
  } else {
    g.append(svgElement('path', { d: `M ${cx} ${cy - 6.5} L ${cx + 7} ${cy + 5.5} L ${cx - 7} ${cy + 5.5} Z` }), svgElement('path', { d: `M ${cx} ${cy - 2.5} L ${cx} ${cy + 1.5} M ${cx} ${cy + 3} L ${cx} ${cy + 3.6}`, class: 'glyph' }));
  }
  return g;
}

function arrowMarkers(): SVGDefsElement {
  const defs = svgElement('defs', {});
  for (const kind of [...EDGE_KINDS, 'cycle']) {
    const marker = svgElement('marker', { id: `arrow-${kind}`, class: `marker ${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svgElement('path', { d: 'M 0 1 L 9 5 L 0 9 Z' }));
    defs.append(marker);
  }
  return defs;
}

/** Highlights a node's edges and neighbours (and dims the rest); undefined clears it. */
function highlight(nodeId: string | undefined): void {
  svg.classList.toggle('highlighting', nodeId !== undefined);
  for (const element of nodeElements.values()) element.classList.remove('related');
  for (const { element, from, to } of edgeElements) {
    const related = nodeId !== undefined && (from === nodeId || to === nodeId);
    element.classList.toggle('related', related);
    if (related) {
      nodeElements.get(from)?.classList.add('related');
      nodeElements.get(to)?.classList.add('related');
    }
  }
  if (nodeId) nodeElements.get(nodeId)?.classList.add('related');
}

// ── Text ─────────────────────────────────────────────────────────────────────────────

const measurer = svgElement('text', { class: 'measure', 'aria-hidden': 'true' });
svg.append(measurer);

function measureText(value: string, role: NodeRole | 'group'): number {
  measurer.setAttribute('class', `measure ${role}`);
  measurer.textContent = value;
  return measurer.getComputedTextLength();
}

function text(value: string, attributes: Record<string, string | number>): SVGTextElement {
  const element = svgElement('text', attributes);
  element.textContent = value;
  return element;
}

function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ── Zoom and pan ─────────────────────────────────────────────────────────────────────

function applyTransform(): void {
  if (!transform) return;
  viewport.setAttribute('transform', `translate(${transform.x} ${transform.y}) scale(${transform.scale})`);
  vscode.setState({ transform } satisfies SavedState);
}

function fitToView(): void {
  if (!layout) return;
  const { width, height } = canvas.getBoundingClientRect();
  const scale = clamp(Math.min((width - 2 * FIT_PADDING) / Math.max(1, layout.width), (height - 2 * FIT_PADDING) / Math.max(1, layout.height), 1.25));
  transform = { scale, x: (width - layout.width * scale) / 2, y: Math.max(FIT_PADDING, (height - layout.height * scale) / 2) };
  applyTransform();
}

/** A graph that fits at a readable size is fitted; a taller one starts at its top, readable, to be panned. */
function showInitialView(): void {
  fitToView();
  if (!layout || !transform || transform.scale >= READABLE_SCALE) return;
  const { width } = canvas.getBoundingClientRect();
  const scale = clamp(Math.max(READABLE_SCALE, Math.min(1, (width - 2 * FIT_PADDING) / Math.max(1, layout.width))));
  transform = { scale, x: Math.max(FIT_PADDING, (width - layout.width * scale) / 2), y: FIT_PADDING };
  applyTransform();
}

/** Zooms by `factor`, keeping the canvas point (px, py) where it is. */
function zoomBy(factor: number, px?: number, py?: number): void {
  if (!transform) return;
  const rect = canvas.getBoundingClientRect();
  const x = px ?? rect.width / 2;
  const y = py ?? rect.height / 2;
  const scale = clamp(transform.scale * factor);
  transform = { scale, x: x - ((x - transform.x) * scale) / transform.scale, y: y - ((y - transform.y) * scale) / transform.scale };
  applyTransform();
}

function panBy(dx: number, dy: number): void {
  if (!transform) return;
  transform = { ...transform, x: transform.x + dx, y: transform.y + dy };
  applyTransform();
}

function clamp(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** Pans just enough to bring a node fully into view. */
function scrollIntoView(node: LayoutNode): void {
  if (!transform) return;
  const rect = canvas.getBoundingClientRect();
  const margin = 24;
  const left = transform.x + node.x * transform.scale;
  const right = transform.x + (node.x + node.width) * transform.scale;
  const top = transform.y + node.y * transform.scale;
  const bottom = transform.y + (node.y + node.height) * transform.scale;
  let dx = 0;
  let dy = 0;
  if (left < margin) dx = margin - left;
  else if (right > rect.width - margin) dx = rect.width - margin - right;
  if (top < margin) dy = margin - top;
  else if (bottom > rect.height - margin) dy = rect.height - margin - bottom;
  if (dx || dy) panBy(dx, dy);
}

canvas.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    const pixels = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? e.deltaY * 16 : e.deltaY;
    zoomBy(Math.exp(-pixels * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
  },
  { passive: false },
);

let drag: { pointerId: number; x: number; y: number } | undefined;
canvas.addEventListener('pointerdown', (e) => {
  if (e.button !== 0 || (e.target as Element).closest('.node')) return;
  drag = { pointerId: e.pointerId, x: e.clientX, y: e.clientY };
  canvas.setPointerCapture(e.pointerId);
  canvas.classList.add('panning');
});
canvas.addEventListener('pointermove', (e) => {
  if (!drag || e.pointerId !== drag.pointerId) return;
  panBy(e.clientX - drag.x, e.clientY - drag.y);
  drag = { ...drag, x: e.clientX, y: e.clientY };
});
const endDrag = (e: PointerEvent) => {
  if (!drag || e.pointerId !== drag.pointerId) return;
  drag = undefined;
  canvas.classList.remove('panning');
};
canvas.addEventListener('pointerup', endDrag);
canvas.addEventListener('pointercancel', endDrag);

// ── Keyboard ─────────────────────────────────────────────────────────────────────────

document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLButtonElement || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '+' || e.key === '=') zoomBy(ZOOM_STEP);
  else if (e.key === '-' || e.key === '_') zoomBy(1 / ZOOM_STEP);
  else if (e.key === '0') fitToView();
  else return;
  e.preventDefault();
});

canvas.addEventListener('keydown', (e) => {
  if (e.target !== canvas) return;
  const pan: Record<string, [number, number]> = { ArrowLeft: [PAN_STEP, 0], ArrowRight: [-PAN_STEP, 0], ArrowUp: [0, PAN_STEP], ArrowDown: [0, -PAN_STEP] };
  const step = pan[e.key];
  if (!step) return;
  e.preventDefault();
  panBy(...step);
});

function onNodeKey(e: KeyboardEvent, node: LayoutNode): void {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    post({ type: 'open', nodeId: node.modelId });
    return;
  }
  const next = neighbourFor(node, e.key);
  if (next) {
    e.preventDefault();
    focusNode(next.id, { select: false });
  }
}

/** Up/Down: the next node in the same column. Left/Right: the closest connected node that way, else the closest in the next column. */
function neighbourFor(node: LayoutNode, key: string): LayoutNode | undefined {
  if (!layout) return undefined;
  const column = (role: NodeRole) => layout!.nodes.filter((n) => n.role === role).sort((a, b) => a.y - b.y);
  if (key === 'ArrowUp' || key === 'ArrowDown') {
    const same = column(node.role);
    return same[same.indexOf(node) + (key === 'ArrowUp' ? -1 : 1)];
  }
  const roles: NodeRole[] = ['publisher', 'event', 'handler'];
  const direction = key === 'ArrowLeft' ? -1 : key === 'ArrowRight' ? 1 : 0;
  const role = roles[roles.indexOf(node.role) + direction];
  if (!direction || !role) return undefined;
  const connected = new Set(layout.edges.flatMap((e) => (e.from === node.id ? [e.to] : e.to === node.id ? [e.from] : [])));
  const candidates = column(role);
  const linked = candidates.filter((n) => connected.has(n.id));
  const pool = linked.length ? linked : candidates;
  return pool.reduce<LayoutNode | undefined>((best, n) => (!best || Math.abs(n.y - node.y) < Math.abs(best.y - node.y) ? n : best), undefined);
}

function focusNode(nodeId: string, options: { select: boolean }): void {
  const element = nodeElements.get(nodeId);
  if (!element) return;
  for (const other of nodeElements.values()) other.classList.remove('selected');
  if (options.select) element.classList.add('selected');
  element.focus();
}

// ── Toolbar ──────────────────────────────────────────────────────────────────────────

document.getElementById('zoom-in')?.addEventListener('click', () => zoomBy(ZOOM_STEP));
document.getElementById('zoom-out')?.addEventListener('click', () => zoomBy(1 / ZOOM_STEP));
document.getElementById('zoom-fit')?.addEventListener('click', () => fitToView());
document.getElementById('export-mermaid')?.addEventListener('click', () => post({ type: 'exportMermaid' }));

post({ type: 'ready' });
