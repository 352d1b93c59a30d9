/**
 * Cheap text checks that decide how much of a file needs to be looked at, without parsing.
 * Both err on the side of looking: they may say yes to a file with nothing in it, never no
 * to a file with something.
 */
import type { Conventions } from '../conventions';

/**
 * Whether a file can contain a fact that matters by itself: an event class (any subclass, or
 * a class implementing an event interface), a handler, a registration or a publish. Files
 * that only declare constants, re-export, or declare plain classes (CQRS events that are
 * events because a handler names them) are not parsed eagerly: resolution parses them on
 * demand when an import leads there, so skipping them here never loses a fact.
 */
export function mayMatter(path: string, text: string, conventions: Conventions): boolean {
  if (path.endsWith('.py')) {
    if (/^\s*class\s+\w+\s*\(/m.test(text)) return true;
  } else if (text.includes('extends')) return true;
  return mentionsUse(text, conventions);
}

/**
 * Whether a file names anything that registers, handles or publishes: without that, only its
 * declarations (imports, exports, classes, constants) can matter.
 */
export function mentionsUse(text: string, conventions: Conventions): boolean {
  for (const d of conventions.handlerDecorators) if (text.includes(d.name)) return true;
  for (const r of conventions.registrations) if (text.includes(r.name.slice(r.name.lastIndexOf('.') + 1))) return true;
  for (const p of conventions.publishes) {
    if (p.kind === 'instance') {
      if (text.includes(`.${p.name}(`)) return true;
    } else if (p.kind === 'method') {
      // A receiver is recognised by its declared type, written in the file (or `this` in a subclass: `extends` above).
      if (text.includes(p.name) && (p.thisExtends?.length || (p.receiverTypes ?? []).some((t) => text.includes(t)))) return true;
    } else if (text.includes(p.name)) return true;
  }
  for (const h of conventions.handlerCalls ?? []) if (text.includes(h.name)) return true;
  for (const i of conventions.eventInterfaces ?? []) if (text.includes(i)) return true;
  return false;
}
