/**
 * Lays the graph out in three columns, left to right in the direction events travel:
 * publishing modules, events (boxed by the module that declares them), handling modules.
 * A module that both publishes and handles appears in both outer columns. Orders are
 * improved with a few barycenter sweeps (fewer crossings); outer modules sit level with
 * the events they connect to. Flows (event → event) are arcs to the right of the events.
 * Pure: the caller measures text, so this runs (and is tested) anywhere.
 */
import type { GraphEdge, GraphEvent, GraphModel, GraphModule } from '../src/webviewMessages';

export type NodeRole = 'publisher' | 'event' | 'handler';

export interface LayoutNode {
  /** Unique in the layout: an event's model id, or `publisher:`/`handler:` + a module's id. */
  id: string;
  modelId: string;
  role: NodeRole;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  event?: GraphEvent;
}

export interface LayoutGroup {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutEdge {
  edge: GraphEdge;
  from: string;
  to: string;
  path: string;
}

export interface Layout {
  nodes: LayoutNode[];
  groups: LayoutGroup[];
  edges: LayoutEdge[];
  width: number;
  height: number;
}

export type MeasureText = (text: string, role: NodeRole | 'group') => number;

const SIZES = {
  moduleHeight: 34,
  eventHeight: 28,
  eventGap: 8,
  moduleGap: 14,
  groupPadding: 12,
  groupHeader: 24,
  groupGap: 18,
  columnGap: 150,
  flowSpace: 70,
  nodePaddingX: 16,
  /** Room for the problem icon at the end of an event. */
  eventIconSpace: 20,
  minNodeWidth: 90,
};

const UNDECLARED_GROUP = '(undeclared)';
const SWEEPS = 4;

export function layoutGraph(model: GraphModel, measure: MeasureText): Layout {
  const modulesById = new Map(model.modules.map((m) => [m.id, m]));
  const eventsById = new Map(model.events.map((e) => [e.id, e]));
  const publishEdges = model.edges.filter((e) => e.kind === 'publishes' && modulesById.has(e.from) && eventsById.has(e.to));
  const handleEdges = model.edges.filter((e) => e.kind === 'handles' && eventsById.has(e.from) && modulesById.has(e.to));
  const flowEdges = model.edges.filter((e) => e.kind === 'flow' && eventsById.has(e.from) && eventsById.has(e.to));

  // ── Orders ─────────────────────────────────────────────────────────────────────────
  const moduleRank = new Map(model.modules.map((m, i) => [m.id, i]));
  const groups = groupEvents(model.events, moduleRank, modulesById);
  let publishers = unique(publishEdges.map((e) => e.from)).sort((a, b) => moduleRank.get(a)! - moduleRank.get(b)!);
  let handlers = unique(handleEdges.map((e) => e.to)).sort((a, b) => moduleRank.get(a)! - moduleRank.get(b)!);

  const publishersOf = multimap(publishEdges.map((e) => [e.to, e.from]));
  const eventsPublishedBy = multimap(publishEdges.map((e) => [e.from, e.to]));
  const handlersOf = multimap(handleEdges.map((e) => [e.from, e.to]));
  const eventsHandledBy = multimap(handleEdges.map((e) => [e.to, e.from]));

  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const eventPos = relativePositions(groups.flatMap((g) => g.events.map((e) => e.id)));
    publishers = sortByBarycenter(publishers, (id) => eventsPublishedBy.get(id) ?? [], eventPos);
    handlers = sortByBarycenter(handlers, (id) => eventsHandledBy.get(id) ?? [], eventPos);
    const modulePos = new Map([...relativePositions(publishers.map((id) => `p${id}`)), ...relativePositions(handlers.map((id) => `h${id}`))]);
    const neighbours = (eventId: string) => [...(publishersOf.get(eventId) ?? []).map((id) => `p${id}`), ...(handlersOf.get(eventId) ?? []).map((id) => `h${id}`)];
    for (const group of groups) group.events = sortByBarycenter(group.events.map((e) => e.id), neighbours, modulePos).map((id) => eventsById.get(id)!);
    const groupCenter = (group: EventGroup) => mean(group.events.flatMap((e) => neighbours(e.id).map((n) => modulePos.get(n)!)));
    groups.sort((a, b) => compareBarycenters(groupCenter(a), groupCenter(b)) || a.rank - b.rank);
  }

  // ── Sizes and x positions ─────────────────────────────────────────────────────────
  const moduleWidth = (ids: string[], role: NodeRole) => Math.max(SIZES.minNodeWidth, ...ids.map((id) => measure(modulesById.get(id)!.label, role) + 2 * SIZES.nodePaddingX));
  const publisherWidth = publishers.length ? moduleWidth(publishers, 'publisher') : 0;
  const handlerWidth = handlers.length ? moduleWidth(handlers, 'handler') : 0;
  const eventWidth = Math.max(
    SIZES.minNodeWidth,
    ...model.events.map((e) => measure(e.key, 'event') + 2 * SIZES.nodePaddingX + SIZES.eventIconSpace),
    ...groups.map((g) => measure(g.label, 'group') + SIZES.nodePaddingX - 2 * SIZES.groupPadding),
  );
  const groupWidth = eventWidth + 2 * SIZES.groupPadding;
  const groupX = publishers.length ? publisherWidth + SIZES.columnGap : 0;
  const eventX = groupX + SIZES.groupPadding;
  const handlerX = groupX + groupWidth + SIZES.columnGap + (flowEdges.length ? SIZES.flowSpace : 0);

  // ── Events column ─────────────────────────────────────────────────────────────────
  const nodes: LayoutNode[] = [];
  const layoutGroups: LayoutGroup[] = [];
  const nodeById = new Map<string, LayoutNode>();
  let y = 0;
  for (const group of groups) {
    const top = y;
    y += SIZES.groupHeader;
    for (const event of group.events) {
      const node: LayoutNode = { id: event.id, modelId: event.id, role: 'event', label: event.key, x: eventX, y, width: eventWidth, height: SIZES.eventHeight, event };
      nodes.push(node);
      nodeById.set(node.id, node);
      y += SIZES.eventHeight + SIZES.eventGap;
    }
    y += SIZES.groupPadding - SIZES.eventGap;
    layoutGroups.push({ id: `group:${group.id}`, label: group.label, x: groupX, y: top, width: groupWidth, height: y - top });
    y += SIZES.groupGap;
  }
  const eventsBottom = Math.max(0, y - SIZES.groupGap);

  // ── Module columns, level with the events they connect to ─────────────────────────────
  const placeModules = (ids: string[], role: 'publisher' | 'handler', x: number, width: number, eventsOf: Map<string, string[]>) => {
    const wanted = ids.map((id) => mean((eventsOf.get(id) ?? []).map((e) => centerY(nodeById.get(e)!))) ?? 0);
    const tops = spreadWithoutOverlap(wanted.map((w) => w - SIZES.moduleHeight / 2), SIZES.moduleHeight + SIZES.moduleGap);
    ids.forEach((id, i) => {
      const module = modulesById.get(id)!;
      const node: LayoutNode = { id: `${role}:${id}`, modelId: id, role, label: module.label, x, y: tops[i], width, height: SIZES.moduleHeight };
      nodes.push(node);
      nodeById.set(node.id, node);
    });
  };
  placeModules(publishers, 'publisher', 0, publisherWidth, eventsPublishedBy);
  placeModules(handlers, 'handler', handlerX, handlerWidth, eventsHandledBy);

  // ── Edges ─────────────────────────────────────────────────────────────────────────
  const edges: LayoutEdge[] = [];
  const ports = new PortAllocator(nodeById);
  for (const edge of publishEdges) {
    ports.add(`publisher:${edge.from}`, 'right', edge.to, edge);
    ports.add(edge.to, 'left', `publisher:${edge.from}`, edge);
  }
  for (const edge of handleEdges) {
    ports.add(edge.from, 'right', `handler:${edge.to}`, edge);
    ports.add(`handler:${edge.to}`, 'left', edge.from, edge);
  }
  for (const edge of publishEdges) {
    const from = `publisher:${edge.from}`;
    edges.push({ edge, from, to: edge.to, path: curve(ports.point(from, 'right', edge), ports.point(edge.to, 'left', edge)) });
  }
  for (const edge of handleEdges) {
    const to = `handler:${edge.to}`;
    edges.push({ edge, from: edge.from, to, path: curve(ports.point(edge.from, 'right', edge), ports.point(to, 'left', edge)) });
  }
  flowEdges.forEach((edge, i) => {
    const from = nodeById.get(edge.from)!;
    const to = nodeById.get(edge.to)!;
    edges.push({ edge, from: edge.from, to: edge.to, path: flowArc(from, to, i) });
  });

  const right = Math.max(groupX + groupWidth + (flowEdges.length ? SIZES.flowSpace : 0), handlers.length ? handlerX + handlerWidth : 0);
  const bottom = Math.max(eventsBottom, ...nodes.map((n) => n.y + n.height));
  return { nodes, groups: layoutGroups, edges, width: right, height: bottom };
}

interface EventGroup {
  id: string;
  label: string;
  rank: number;
  events: GraphEvent[];
}

function groupEvents(events: GraphEvent[], moduleRank: Map<string, number>, modules: Map<string, GraphModule>): EventGroup[] {
  const byModule = new Map<string, GraphEvent[]>();
  for (const event of [...events].sort((a, b) => a.key.localeCompare(b.key))) {
    const id = event.moduleId ?? UNDECLARED_GROUP;
    byModule.set(id, [...(byModule.get(id) ?? []), event]);
  }
  return [...byModule]
    .map(([id, list]) => ({ id, label: modules.get(id)?.label ?? UNDECLARED_GROUP, rank: moduleRank.get(id) ?? Number.MAX_SAFE_INTEGER, events: list }))
    .sort((a, b) => a.rank - b.rank);
}

/** Slots along one side of a node, one per edge, ordered by where the other end is. */
class PortAllocator {
  private readonly sides = new Map<string, { other: string; edge: GraphEdge }[]>();

  constructor(private readonly nodes: Map<string, LayoutNode>) {}

  add(node: string, side: 'left' | 'right', other: string, edge: GraphEdge): void {
    const key = `${node}|${side}`;
    this.sides.set(key, [...(this.sides.get(key) ?? []), { other, edge }]);
  }

  point(node: string, side: 'left' | 'right', edge: GraphEdge): { x: number; y: number } {
    const box = this.nodes.get(node)!;
    const entries = this.sides.get(`${node}|${side}`) ?? [];
    const sorted = [...entries].sort((a, b) => centerY(this.nodes.get(a.other)!) - centerY(this.nodes.get(b.other)!));
    const index = Math.max(0, sorted.findIndex((e) => e.edge === edge));
    const inset = Math.min(8, box.height / 4);
    const usable = box.height - 2 * inset;
    const y = sorted.length === 1 ? centerY(box) : box.y + inset + (usable * index) / (sorted.length - 1);
    return { x: side === 'left' ? box.x : box.x + box.width, y };
  }
}

function curve(a: { x: number; y: number }, b: { x: number; y: number }): string {
  const dx = Math.max(30, (b.x - a.x) / 2);
  return `M ${fmt(a.x)} ${fmt(a.y)} C ${fmt(a.x + dx)} ${fmt(a.y)}, ${fmt(b.x - dx)} ${fmt(b.y)}, ${fmt(b.x)} ${fmt(b.y)}`;
}

/** An arc from the right side of one event to the right side of another (or itself). */
function flowArc(from: LayoutNode, to: LayoutNode, index: number): string {
  const x = from.x + from.width;
  const y1 = centerY(from) - 4;
  const y2 = centerY(to) + (from === to ? 4 : 4 * Math.sign(centerY(from) - centerY(to)));
  const bulge = from === to ? 28 : Math.min(SIZES.columnGap / 2 + SIZES.flowSpace - 12, 24 + Math.abs(y2 - y1) * 0.2 + (index % 3) * 6);
  return `M ${fmt(x)} ${fmt(y1)} C ${fmt(x + bulge)} ${fmt(y1)}, ${fmt(x + bulge)} ${fmt(y2)}, ${fmt(x)} ${fmt(y2)}`;
}

/** Moves boxes down (then back up where there is room) so that none overlaps the previous one. */
function spreadWithoutOverlap(wantedTops: number[], pitch: number): number[] {
  const tops = [...wantedTops];
  if (tops.length) tops[0] = Math.max(0, tops[0]);
  for (let i = 1; i < tops.length; i++) tops[i] = Math.max(tops[i], tops[i - 1] + pitch);
  // Pulling the column back up halfway keeps it centred on what it connects to.
  const overshoot = mean(tops.map((t, i) => t - wantedTops[i])) ?? 0;
  const shift = Math.min(overshoot / 2, Math.max(0, Math.min(...tops)));
  return tops.map((t) => t - shift);
}

function relativePositions(ids: string[]): Map<string, number> {
  return new Map(ids.map((id, i) => [id, ids.length > 1 ? i / (ids.length - 1) : 0.5]));
}

function sortByBarycenter(ids: string[], neighbours: (id: string) => string[], positions: Map<string, number>): string[] {
  const center = new Map(ids.map((id) => [id, mean(neighbours(id).map((n) => positions.get(n)).filter((p): p is number => p !== undefined))]));
  const original = new Map(ids.map((id, i) => [id, i]));
  return [...ids].sort((a, b) => compareBarycenters(center.get(a), center.get(b)) || original.get(a)! - original.get(b)!);
}

function compareBarycenters(a: number | undefined, b: number | undefined): number {
  // Unconnected items keep their place relative to each other, after the connected ones.
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return a - b;
}

function mean(values: number[]): number | undefined {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : undefined;
}

function centerY(node: LayoutNode): number {
  return node.y + node.height / 2;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function multimap(pairs: [string, string][]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [k, v] of pairs) map.set(k, unique([...(map.get(k) ?? []), v]));
  return map;
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}
