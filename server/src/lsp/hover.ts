/**
 * Hover on a publish call, an event class, a key string or a handler: the key, the event's
 * fields, who publishes and who handles it (with modules and links), and its flows.
 */
import type { Hover } from 'vscode-languageserver';
import { MarkupKind } from 'vscode-languageserver';
import type { Location as CoreLocation } from '../core/graph';
import { relativePath } from '../core/text';
import type { Folder } from './folder';
import type { Target } from './navigation';
import { pathToUri } from './convert';

const MAX_LISTED = 12;

export function hover(t: Target | undefined): Hover | null {
  if (!t) return null;
  const { folder, ref } = t;
  const key = ref.key;
  const entry = folder.index.graph.entry(key);
  const lines: string[] = [];
  lines.push(`**Event** \`${escapeCode(key)}\``);
  if (!entry) {
    lines.push('', '_No event declares, publishes or handles this key._');
    return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: folder.conv.range(t.path, ref.span) };
  }
  const decl = entry.declarations[0];
  if (decl) {
    lines.push('', `Declared by ${link(folder, decl, decl.name)}${decl.module ? ` in module **${escapeText(decl.module)}**` : ''}`);
    if (decl.fields.length) {
      const python = decl.file.endsWith('.py');
      lines.push('', python ? '```python' : '```typescript', ...decl.fields.map((f) => (python ? `${f.name}: ${f.type}` : `${f.name}${f.optional ? '?' : ''}: ${f.type}`)), '```');
    }
    if (entry.declarations.length > 1) lines.push('', `⚠️ Also declared by ${entry.declarations.slice(1).map((d) => link(folder, d, d.name)).join(', ')}`);
  } else {
    lines.push('', '_No event class declares this key._');
  }
  // Production code first; tests after, marked, and not counted.
  const publishers = [...entry.publishers.filter((p) => !p.isTest), ...entry.publishers.filter((p) => p.isTest)];
  lines.push('', `**Published by** (${count(publishers)})`);
  if (publishers.length === 0) lines.push('', '_nobody_');
  else lines.push('', ...list(publishers.map((p) => `${link(folder, p, where(folder, p))}${p.module ? ` — ${escapeText(p.module)}` : ''}${p.isTest ? ' _(test)_' : ''}`)));
  const handlers = [...entry.handlers.filter((h) => !h.isTest), ...entry.handlers.filter((h) => h.isTest)];
  lines.push('', `**Handled by** (${count(handlers)})`);
  if (handlers.length === 0) lines.push('', '_nobody_');
  else
    lines.push(
      '',
      ...list(handlers.map((h) => `${link(folder, { file: h.file, span: h.nameSpan }, h.name)}${h.module ? ` — ${escapeText(h.module)}` : ''}${h.async ? ' _(async)_' : ''}${h.isTest ? ' _(test)_' : ''}`)),
    );
  const flows = folder.index.graph.allFlows();
  const leadsTo = [...new Set(flows.filter((f) => f.from === key).map((f) => f.to))];
  const comesFrom = [...new Set(flows.filter((f) => f.to === key).map((f) => f.from))];
  if (leadsTo.length || comesFrom.length) {
    lines.push('', '**Flows**', '');
    if (comesFrom.length) lines.push(`- after ${comesFrom.map((k) => `\`${escapeCode(k)}\``).join(', ')}`);
    if (leadsTo.length) lines.push(`- leads to ${leadsTo.map((k) => `\`${escapeCode(k)}\``).join(', ')}`);
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: folder.conv.range(t.path, ref.span) };
}

function count(list: { isTest: boolean }[]): string {
  const tests = list.filter((x) => x.isTest).length;
  return tests ? `${list.length - tests}, and ${tests} in tests` : String(list.length);
}

function list(items: string[]): string[] {
  const shown = items.slice(0, MAX_LISTED).map((i) => `- ${i}`);
  if (items.length > MAX_LISTED) shown.push(`- _and ${items.length - MAX_LISTED} more (Find All References lists them all)_`);
  return shown;
}

function where(folder: Folder, l: CoreLocation): string {
  const pos = folder.conv.position(l.file, l.span.start);
  return `${relativePath(folder.root, l.file)}:${pos.line + 1}`;
}

function link(folder: Folder, l: CoreLocation, label: string): string {
  const pos = folder.conv.position(l.file, l.span.start);
  return `[${escapeText(label)}](${pathToUri(l.file)}#L${pos.line + 1},${pos.character + 1})`;
}

/** Markdown-escapes text from the workspace (names, paths) so it renders as written. */
export function escapeText(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, '\\$&');
}

function escapeCode(s: string): string {
  return s.replace(/`/g, "'");
}
