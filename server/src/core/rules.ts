/**
 * The rules. Each finding has a stable code; severities come from the conventions. Rules are
 * grouped by what they depend on so that an edit re-runs only what it can change:
 * per key (its declarations, publishers, handlers), per file (its unresolved sites) and the
 * flow graph as a whole (cycles).
 */
import type { Conventions, RuleCode, Severity } from './conventions';
import type { Span } from './facts';
import type { EventEntry, EventGraph, EventHandler, Flow, Unresolved } from './graph';
import { checkEventName, nearestKey } from './naming';

export interface RelatedInfo {
  file: string;
  span: Span;
  message: string;
}

export interface CoreDiagnostic {
  file: string;
  span: Span;
  severity: Severity;
  code: RuleCode;
  message: string;
  related?: RelatedInfo[];
  /** Machine-readable details for quick fixes: `{ key, suggestion }`. */
  data?: { key?: string; suggestion?: string };
}

type Emit = (code: RuleCode, d: Omit<CoreDiagnostic, 'code' | 'severity'>) => void;

function emitter(conventions: Conventions, out: CoreDiagnostic[]): Emit {
  return (code, d) => {
    const severity = conventions.severities[code];
    if (severity && severity !== 'off') out.push({ ...d, code, severity });
  };
}

/**
 * Rules that depend only on one key's entry (and the known keys, for suggestions). An entry's
 * handlers include the wildcard handlers whose pattern matches its key (they count as its
 * handlers); each handler's own findings are reported once, under the key it was written with.
 * `pattern` is given for a wildcard pattern's own entry, with the keys the pattern matches.
 */
export function diagnoseKey(entry: EventEntry, conventions: Conventions, declaredKeys: () => Iterable<string>, pattern?: { matches: readonly string[] }): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = [];
  const emit = emitter(conventions, out);
  const { key, declarations } = entry;
  const handlers = entry.handlers.filter((h) => h.key === key);
  // An event that lives only in tests (a probe, a fixture) is the tests' business.
  if (declarations.every((d) => d.isTest) && entry.publishers.every((p) => p.isTest) && entry.handlers.every((h) => h.isTest)) return out;
  const counted = (p: { isTest: boolean }) => conventions.countTestPublishes || !p.isTest;
  const publishers = entry.publishers.filter(counted);
  const liveHandlers = entry.handlers.filter((h) => !h.isTest);

  if (pattern && declarations.length === 0 && entry.publishers.length === 0) {
    if (pattern.matches.length === 0) {
      for (const h of handlers) {
        emit('unknown-event', {
          file: h.file,
          span: h.keySpan,
          message: `No published or declared event matches '${key}'`,
          data: { key },
        });
      }
    }
    for (const h of handlers) diagnoseHandler(h, key, declarations.length, conventions, emit);
    return out;
  }

  if (publishers.length > 0 && liveHandlers.length === 0) {
    for (const p of publishers) {
      emit('unhandled-event', {
        file: p.file,
        span: p.span,
        message: `'${key}' is published here but no handler handles it`,
        data: { key },
      });
    }
  }

  if (declarations.length === 0 && entry.publishers.length === 0) {
    for (const h of handlers) {
      // The handler's parameter type says which event was meant, when it names one.
      const suggestion = h.paramKey ?? nearestKey(key, declaredKeys());
      emit('unknown-event', {
        file: h.file,
        span: h.keySpan,
        message: `No event declares '${key}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
        data: suggestion ? { key, suggestion } : { key },
      });
    }
  }

  if (declarations.length > 0 && publishers.length === 0) {
    for (const d of declarations) {
      emit('unpublished-event', {
        file: d.file,
        span: d.nameSpan,
        message: `'${key}' (${d.name}) is declared but never published${handlers.length ? `; its ${handlers.length} handler(s) never run` : ''}`,
        related: liveHandlers.map((h) => ({ file: h.file, span: h.nameSpan, message: `handled by ${h.name}` })),
        data: { key },
      });
    }
  }

  // A class-keyed event's key is its class name: the naming convention is about string keys.
  if (declarations.length > 0 && !declarations.every((d) => d.classKey)) {
    const problem = checkEventName(key, conventions.naming);
    if (problem) {
      for (const d of declarations) {
        emit('event-naming', {
          file: d.file,
          span: d.keySpan ?? d.nameSpan,
          message: `Event type ${problem.message}`,
          data: problem.suggestion ? { key, suggestion: problem.suggestion } : { key },
        });
      }
    }
  }

  // Same-named event classes are different events to a class-keyed bus (CQRS dispatches by class).
  if (declarations.length > 1 && !declarations.every((d) => d.classKey)) {
    for (const d of declarations) {
      emit('duplicate-event-type', {
        file: d.file,
        span: d.nameSpan,
        message: `'${key}' is declared by ${declarations.length} classes: ${declarations.map((x) => x.name).join(', ')}`,
        related: declarations.filter((x) => x !== d).map((x) => ({ file: x.file, span: x.nameSpan, message: `also declared by ${x.name}` })),
        data: { key },
      });
    }
  }

  for (const h of handlers) diagnoseHandler(h, key, declarations.length, conventions, emit);
  return out;
}

function diagnoseHandler(h: EventHandler, key: string, declarationCount: number, conventions: Conventions, emit: Emit): void {
  // For an unknown key, unknown-event already says which event the parameter names.
  if (h.paramKey !== undefined && h.paramKey !== key && declarationCount > 0) {
    emit('handler-type-mismatch', {
      file: h.file,
      span: h.nameSpan,
      message: `${h.name} handles '${key}' but its parameter is ${h.paramType ?? 'an event'} ('${h.paramKey}')`,
      data: { key, suggestion: h.paramKey },
    });
  }
  if (h.async && !conventions.asyncRejectionsCaught) {
    emit('async-handler', {
      file: h.file,
      span: h.nameSpan,
      message: `${h.name} is async: if it rejects, the publisher of '${key}' never learns of it (the event system does not await handlers)`,
      data: { key },
    });
  }
}

/** Rules that depend only on one file's unresolved sites. */
export function diagnoseUnresolved(unresolved: readonly Unresolved[], conventions: Conventions): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = [];
  const emit = emitter(conventions, out);
  for (const u of unresolved) {
    emit('unresolved-event', {
      file: u.file,
      span: u.span,
      message: `Event Flow cannot tell which event this ${u.kind === 'publish' ? 'publishes' : 'handles'}: ${u.reason}`,
    });
  }
  return out;
}

/** Cycles in the flow graph (strongly connected components), each reported once per edge. */
export function diagnoseCycles(graph: EventGraph, conventions: Conventions): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = [];
  const emit = emitter(conventions, out);
  const flows = graph.allFlows();
  const edges = new Map<string, Flow[]>();
  for (const f of flows) {
    const list = edges.get(f.from);
    if (list) list.push(f);
    else edges.set(f.from, [f]);
  }
  for (const component of stronglyConnected(edges)) {
    const members = new Set(component);
    const cycle = describeCycle(component, edges, members);
    for (const from of component) {
      for (const f of edges.get(from) ?? []) {
        if (!members.has(f.to)) continue;
        const next = (edges.get(f.to) ?? []).find((g) => members.has(g.to));
        emit('event-cycle', {
          file: f.publisher.file,
          span: f.publisher.span,
          message: `Event cycle: ${cycle}`,
          related: next ? [{ file: next.publisher.file, span: next.publisher.span, message: `next: ${next.via} publishes '${next.to}'` }] : [],
          data: { key: f.to },
        });
      }
    }
  }
  return out;
}

function describeCycle(component: string[], edges: Map<string, Flow[]>, members: Set<string>): string {
  // Walk from the smallest key along edges inside the component until it closes.
  const start = [...component].sort()[0];
  const path = [start];
  let at = start;
  for (let i = 0; i < component.length; i++) {
    const next = (edges.get(at) ?? []).map((f) => f.to).filter((k) => members.has(k)).sort()[0];
    if (next === undefined) break;
    path.push(next);
    if (next === start) break;
    at = next;
  }
  return path.join(' → ');
}

/** Tarjan's algorithm, iterative; returns components that form a cycle (size > 1 or a self-loop). */
function stronglyConnected(edges: Map<string, Flow[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let counter = 0;
  const nodes = [...edges.keys()].sort();
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; i: number }[] = [{ node: root, i: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1];
      const succ = (edges.get(frame.node) ?? []).map((f) => f.to);
      if (frame.i < succ.length) {
        const next = succ[frame.i++];
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          work.push({ node: next, i: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        }
      } else {
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1].node;
          low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
        }
        if (low.get(frame.node) === index.get(frame.node)) {
          const component: string[] = [];
          let w: string;
          do {
            w = stack.pop()!;
            onStack.delete(w);
            component.push(w);
          } while (w !== frame.node);
          const selfLoop = component.length === 1 && (edges.get(component[0]) ?? []).some((f) => f.to === component[0]);
          if (component.length > 1 || selfLoop) result.push(component.sort());
        }
      }
    }
  }
  return result;
}
