/**
 * Generates a sequence of realistic edits from a seed: what a developer does to a modular
 * monolith in an afternoon, compressed — typing, deleting, pasting, breaking and repairing
 * syntax, renaming a key in one place, changing an event type, adding and removing imports,
 * handlers and publishes, creating, deleting and moving files, closing documents without
 * saving. Every choice comes from the seeded PRNG and from the model's sorted state, so the
 * same (fixture, seed) always yields the same edits.
 */
import { isSource, Model, plan, Rng, snap, type FuzzEdit } from './model';

type Lang = 'ts' | 'py';

interface Splice {
  start: number;
  end: number;
  text: string;
  why: string;
}

interface Gen {
  rng: Rng;
  model: Model;
  /** Break snippets inserted so far (a later edit may repair them). */
  breaks: { file: string; snippet: string }[];
  counter: number;
}

export function generateEdits(initial: Model, seed: number, count?: number): FuzzEdit[] {
  const g: Gen = { rng: new Rng(seed), model: initial, breaks: [], counter: 0 };
  const n = count ?? g.rng.int(8, 36);
  const edits: FuzzEdit[] = [];
  for (let i = 0; i < n; i++) {
    let produced: FuzzEdit[] = [];
    for (let attempt = 0; attempt < 8 && produced.length === 0; attempt++) {
      const intent = g.rng.weighted(INTENTS.map(([name, w]) => [name, w] as const));
      produced = INTENTS.find(([name]) => name === intent)![2](g);
    }
    for (const e of produced) {
      plan(g.model, e); // keep the model in step: the next edit is generated against it
      edits.push(e);
    }
  }
  return edits;
}

// ── Intents ──────────────────────────────────────────────────────────────────────────────

type Intent = (g: Gen) => FuzzEdit[];

const INTENTS: [string, number, Intent][] = [
  ['type', 14, typeText],
  ['backspace', 6, backspace],
  ['editorMutation', 34, editorMutation],
  ['diskMutation', 5, diskMutation],
  ['newFile', 4, newFile],
  ['deleteFile', 2, deleteFile],
  ['moveFile', 3, moveFile],
  ['close', 5, closeDocument],
  ['save', 4, saveDocument],
  ['revert', 2, revertDocument],
  ['crlf', 1, crlf],
  ['binary', 1, binaryFile],
  ['touchConfig', 1, touchConfig],
  ['pause', 3, (g) => [{ kind: 'pause', ms: g.rng.pick([0, 20, 60, 120, 150]) }]],
  ['check', 3, () => [{ kind: 'check' }]],
];

const langOf = (file: string): Lang => (file.endsWith('.py') ? 'py' : 'ts');

/** A source file to edit: open ones and event-related ones more often. */
function pickFile(g: Gen, filter: (file: string) => boolean = () => true): string | undefined {
  const files = g.model.sourceFiles().filter(filter);
  if (!files.length) return undefined;
  return g.rng.weighted(
    files.map((f) => {
      const text = g.model.textOf(f) ?? '';
      let w = 1;
      if (/vent|publish|handler/i.test(text)) w += 3;
      if (g.model.open.has(f)) w += 3;
      return [f, w] as const;
    }),
  );
}

function openFirst(g: Gen, file: string): FuzzEdit[] {
  return g.model.open.has(file) ? [] : [{ kind: 'open', file }];
}

function typeText(g: Gen): FuzzEdit[] {
  const file = pickFile(g);
  if (!file) return [];
  const edits = openFirst(g, file);
  const text = g.model.textOf(file)!;
  const token = g.rng.pick(vocabulary(g, langOf(file)));
  let at = snap(text, randomOffset(g, text));
  // Typed one character at a time, as fast as a person types: each is its own didChange.
  Array.from(token).forEach((ch, i) => {
    edits.push(i === 0 ? { kind: 'change', file, start: at, end: at, text: ch, why: `type ${JSON.stringify(token)}` } : { kind: 'change', file, start: at, end: at, text: ch });
    at += ch.length;
  });
  return edits;
}

function backspace(g: Gen): FuzzEdit[] {
  const file = pickFile(g);
  if (!file) return [];
  const edits = openFirst(g, file);
  const text = g.model.textOf(file)!;
  let at = snap(text, randomOffset(g, text));
  const n = g.rng.int(1, 12);
  for (let i = 0; i < n && at > 0; i++) {
    const from = snap(text, at - 1); // the text before the cursor is still the original's
    edits.push({ kind: 'change', file, start: from, end: at, text: '', why: 'backspace' });
    at = from;
  }
  return edits;
}

function editorMutation(g: Gen): FuzzEdit[] {
  const file = pickFile(g);
  if (!file) return [];
  const text = g.model.textOf(file)!;
  const s = mutate(g, file, text);
  if (!s) return [];
  return [...openFirst(g, file), { kind: 'change', file, start: s.start, end: s.end, text: s.text, why: s.why }];
}

/** A change on disk to a file that is not open (a `git pull`, a code generator, another editor). */
function diskMutation(g: Gen): FuzzEdit[] {
  const file = pickFile(g, (f) => g.model.disk.has(f) && !g.model.open.has(f));
  if (!file) return [];
  const text = g.model.disk.get(file)!;
  const s = mutate(g, file, text);
  if (!s) return [];
  return [{ kind: 'write', file, text: text.slice(0, s.start) + s.text + text.slice(s.end), why: `on disk: ${s.why}` }];
}

function newFile(g: Gen): FuzzEdit[] {
  const dirs = moduleDirs(g);
  const any = g.model.sourceFiles();
  if (!any.length) return [];
  const lang = langOf(g.rng.pick(any));
  const dir = dirs.length ? g.rng.pick(dirs) : dirname(g.rng.pick(any));
  const n = ++g.counter;
  const file = `${dir}/${lang === 'py' ? `fuzz_${n}.py` : `fuzz-${n}.ts`}`;
  if (g.model.textOf(file) !== undefined) return [];
  let text: string;
  if (g.rng.chance(0.3)) {
    // A copy of another file (copy, paste, rename the class later).
    text = g.model.textOf(g.rng.pick(any.filter((f) => langOf(f) === lang)) ?? any[0]) ?? '';
  } else {
    text = importLineForEvents(g, file, lang);
    const k = g.rng.int(1, 3);
    for (let i = 0; i < k; i++) text += snippet(g, lang);
  }
  if (g.rng.chance(0.35)) return [{ kind: 'open', file, text, why: 'new unsaved file' }];
  return [{ kind: 'write', file, text, why: 'new file' }];
}

function deleteFile(g: Gen): FuzzEdit[] {
  const file = pickFile(g, (f) => g.model.disk.has(f));
  return file ? [{ kind: 'delete', file }] : [];
}

function moveFile(g: Gen): FuzzEdit[] {
  const file = pickFile(g, (f) => g.model.disk.has(f) && /\/modules\/[^/]+\//.test(f));
  if (!file) return [];
  const m = /^(.*\/modules\/)([^/]+)(\/.*)$/.exec(file)!;
  const modules = [...new Set(g.model.sourceFiles().map((f) => /\/modules\/([^/]+)\//.exec(f)?.[1]).filter((x): x is string => !!x && x !== m[2]))].sort();
  if (!modules.length) return [];
  let to = `${m[1]}${g.rng.pick(modules)}${m[3]}`;
  if (g.model.textOf(to) !== undefined) to = to.replace(/(\.\w+)$/, `_moved${++g.counter}$1`);
  return [{ kind: 'move', from: file, to }];
}

function closeDocument(g: Gen): FuzzEdit[] {
  const open = [...g.model.open.keys()].sort();
  return open.length ? [{ kind: 'close', file: g.rng.pick(open), why: 'close without saving' }] : [];
}

function saveDocument(g: Gen): FuzzEdit[] {
  const open = [...g.model.open.keys()].sort();
  if (!open.length) return [];
  const file = g.rng.pick(open);
  const edits: FuzzEdit[] = [{ kind: 'save', file }];
  if (g.rng.chance(0.4)) edits.push({ kind: 'close', file });
  return edits;
}

function revertDocument(g: Gen): FuzzEdit[] {
  const open = [...g.model.open.keys()].filter((f) => g.model.disk.has(f)).sort();
  if (!open.length) return [];
  const file = g.rng.pick(open);
  return [{ kind: 'replace', file, text: g.model.disk.get(file)!, why: 'revert to the saved text' }];
}

function crlf(g: Gen): FuzzEdit[] {
  const file = pickFile(g);
  if (!file) return [];
  const text = g.model.textOf(file)!;
  const converted = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n');
  return [...openFirst(g, file), { kind: 'replace', file, text: converted, why: 'line endings' }];
}

function binaryFile(g: Gen): FuzzEdit[] {
  const file = pickFile(g, (f) => !g.model.open.has(f));
  if (!file) return [];
  return [{ kind: 'write', file, text: 'PK\u0003\u0004\u0000\u0000binary\u0000' + (g.model.disk.get(file) ?? '').slice(0, 40), why: 'binary content' }];
}

function touchConfig(g: Gen): FuzzEdit[] {
  const configs = [...g.model.disk.keys()].filter((f) => /(^|\/)(tsconfig\.json|pyproject\.toml|\.eventflow\.json)$/.test(f)).sort();
  return configs.length ? [{ kind: 'touch', file: g.rng.pick(configs) }] : [];
}

// ── Text mutations (in the editor or on disk) ────────────────────────────────────────────

type Mutation = (g: Gen, file: string, text: string) => Splice | undefined;

const MUTATIONS: [Mutation, number][] = [
  [deleteRange, 6],
  [deleteLines, 7],
  [paste, 4],
  [breakSyntax, 6],
  [repairSyntax, 6],
  [renameKey, 9],
  [changeEventType, 5],
  [addImport, 4],
  [removeImport, 4],
  [addSnippet, 7],
  [toggleExtends, 3],
  [renameClass, 3],
  [pasteFile, 2],
];

function mutate(g: Gen, file: string, text: string): Splice | undefined {
  for (let i = 0; i < 6; i++) {
    const s = g.rng.weighted(MUTATIONS)(g, file, text);
    if (s) return { ...s, start: snap(text, s.start), end: snap(text, s.end) };
  }
  return undefined;
}

function deleteRange(g: Gen, _file: string, text: string): Splice | undefined {
  if (!text.length) return undefined;
  const start = g.rng.int(0, text.length - 1);
  return { start, end: Math.min(text.length, start + g.rng.int(1, 60)), text: '', why: 'delete a selection' };
}

function deleteLines(g: Gen, _file: string, text: string): Splice | undefined {
  const starts = lineStarts(text);
  const i = g.rng.int(0, starts.length - 1);
  const j = Math.min(starts.length, i + g.rng.int(1, 4));
  return { start: starts[i], end: j < starts.length ? starts[j] : text.length, text: '', why: `delete ${j - i} line(s)` };
}

function paste(g: Gen, file: string, text: string): Splice | undefined {
  const others = g.model.sourceFiles().filter((f) => f !== file);
  if (!others.length) return undefined;
  const source = g.model.textOf(g.rng.pick(others)) ?? '';
  const lines = source.split('\n');
  const from = g.rng.int(0, Math.max(0, lines.length - 1));
  const chunk = lines.slice(from, from + g.rng.int(1, 15)).join('\n') + '\n';
  const at = g.rng.pick(lineStarts(text));
  return { start: at, end: at, text: chunk, why: 'paste lines of another file' };
}

function pasteFile(g: Gen, file: string, text: string): Splice | undefined {
  const others = g.model.sourceFiles().filter((f) => f !== file && langOf(f) === langOf(file));
  if (!others.length) return undefined;
  const source = g.model.textOf(g.rng.pick(others)) ?? '';
  if (g.rng.chance(0.5)) return { start: 0, end: text.length, text: source, why: "select all, paste another file's text" };
  const at = g.rng.pick(lineStarts(text));
  return { start: at, end: at, text: source, why: "paste another file's text" };
}

const TS_BREAKS = ['brk((', 'class Brk {', "'brk", 'import { brk', '@brk', '}brk', '/*brk', '`brk${', 'extends brk', 'brk =>'];
const PY_BREAKS = ['def brk(:\n', '    ((brk\n', 'class Brk(\n', '"""brk\n', 'brk = [\n', '  @brk\n', 'from . import (\n'];

function breakSyntax(g: Gen, file: string, text: string): Splice | undefined {
  const lang = langOf(file);
  const snippet = g.rng.pick(lang === 'py' ? PY_BREAKS : TS_BREAKS);
  const at = lang === 'py' ? g.rng.pick(lineStarts(text)) : randomOffset(g, text);
  g.breaks.push({ file, snippet });
  return { start: at, end: at, text: snippet, why: `break the syntax with ${JSON.stringify(snippet)}` };
}

function repairSyntax(g: Gen, file: string, text: string): Splice | undefined {
  const mine = g.breaks.filter((b) => b.file === file && text.includes(b.snippet));
  if (!mine.length) return undefined;
  const b = g.rng.pick(mine);
  const at = text.indexOf(b.snippet);
  return { start: at, end: at + b.snippet.length, text: '', why: `repair ${JSON.stringify(b.snippet)}` };
}

const KEY_LITERAL = /(['"`])([A-Za-z_][\w-]*(?:\.[\w-]+)+)\1/g;

function renameKey(g: Gen, _file: string, text: string): Splice | undefined {
  const found = [...text.matchAll(KEY_LITERAL)];
  if (!found.length) return undefined;
  const m = g.rng.pick(found);
  const start = m.index! + 1;
  const old = m[2];
  const next = variantOf(g, old);
  return { start, end: start + old.length, text: next, why: `rename key '${old}' to '${next}' here only` };
}

function variantOf(g: Gen, key: string): string {
  const keys = knownKeys(g);
  switch (g.rng.int(0, 6)) {
    case 0:
      return key + g.rng.pick(['d', 's', '2', '_x']);
    case 1:
      return g.rng.pick(keys);
    case 2: {
      if (key.length < 3) return key + 'x';
      const i = g.rng.int(0, key.length - 2);
      return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2); // a typo
    }
    case 3:
      return key.replace(/\.(\w+)$/, '.Created'); // breaks the naming rule
    case 4:
      return key.replace(/ed$/, 'e'); // not past tense
    case 5:
      return key.split('.')[0]; // one segment: not a key any more
    default:
      return `fuzz.${g.rng.pick(['created', 'updated', 'deleted', 'archived'])}`;
  }
}

function changeEventType(g: Gen, file: string, text: string): Splice | undefined {
  const re = langOf(file) === 'py' ? /(event_type(?:\s*:\s*[\w[\]]+)?\s*=\s*)([^\n]*)/g : /(eventType\s*=\s*)([^;\n]*)/g;
  const found = [...text.matchAll(re)];
  if (!found.length) return undefined;
  const m = g.rng.pick(found);
  const start = m.index! + m[1].length;
  const q = langOf(file) === 'py' ? '"' : "'";
  const consts = [...new Set([...text.matchAll(/\b([A-Z][A-Z0-9_]{3,})\b/g)].map((x) => x[1]))].sort();
  let value: string;
  switch (g.rng.int(0, 4)) {
    case 0:
      value = consts.length ? g.rng.pick(consts) : `${q}${g.rng.pick(knownKeys(g))}${q}`;
      break;
    case 1:
      value = langOf(file) === 'py' ? 'f"{prefix}.created"' : '`${prefix}.created`';
      break;
    case 2:
      value = `${q}${variantOf(g, g.rng.pick(knownKeys(g)))}${q}`;
      break;
    default:
      value = `${q}${g.rng.pick(knownKeys(g))}${q}`;
  }
  if (langOf(file) === 'ts' && !m[2].trim().startsWith('`') && g.rng.chance(0.2)) value += ' as const';
  return { start, end: start + m[2].length, text: value, why: `event type ${m[2].trim()} → ${value}` };
}

function addImport(g: Gen, file: string, text: string): Splice | undefined {
  const lang = langOf(file);
  const targets = g.model.sourceFiles().filter((f) => f !== file && langOf(f) === lang);
  if (!targets.length) return undefined;
  const target = g.rng.pick(targets);
  const names = exportedNames(g.model.textOf(target) ?? '', lang);
  const name = names.length ? g.rng.pick(names) : 'Missing';
  let line: string;
  if (lang === 'ts') {
    const spec = g.rng.chance(0.1) ? './does-not-exist' : tsSpecifier(file, target);
    line = g.rng.pick([
      `import { ${name} } from '${spec}';\n`,
      `import { ${name} as Fuzz${name} } from '${spec}';\n`,
      `import * as fuzzNs${++g.counter} from '${spec}';\n`,
      `import type { ${name} } from '${spec}';\n`,
      `export * from '${spec}';\n`,
      `export { ${name} } from '${spec}';\n`,
    ]);
  } else {
    const mod = pyModule(g, target);
    if (!mod) return undefined;
    line = g.rng.pick([`from ${mod} import ${name}\n`, `import ${mod}\n`, `from ${mod} import ${name} as fuzz_${name}\n`]);
  }
  const importLines = [...text.matchAll(lang === 'ts' ? /^(import|export)\b.*$/gm : /^(from|import)\s.*$/gm)];
  const at = importLines.length && g.rng.chance(0.7) ? importLines[importLines.length - 1].index! + importLines[importLines.length - 1][0].length + 1 : 0;
  return { start: Math.min(at, text.length), end: Math.min(at, text.length), text: line, why: `add ${line.trim()}` };
}

function removeImport(g: Gen, file: string, text: string): Splice | undefined {
  const re = langOf(file) === 'py' ? /^(?:from\s+\S+\s+import\s+(?:\([^)]*\)|[^\n]*)|import\s+[^\n]*)\n?/gm : /^(?:import|export)\b[^;]*?\bfrom\s+['"][^'"]+['"];?[^\n]*\n?/gm;
  const found = [...text.matchAll(re)];
  if (!found.length) return undefined;
  const m = g.rng.pick(found);
  return { start: m.index!, end: m.index! + m[0].length, text: '', why: `remove ${m[0].split('\n')[0].trim()}` };
}

function addSnippet(g: Gen, file: string, text: string): Splice | undefined {
  const at = g.rng.chance(0.5) ? text.length : g.rng.pick(lineStarts(text));
  const s = snippet(g, langOf(file));
  return { start: at, end: at, text: s, why: 'add an event, handler or publish' };
}

function toggleExtends(g: Gen, file: string, text: string): Splice | undefined {
  const lang = langOf(file);
  const found = [...text.matchAll(lang === 'py' ? /class\s+\w+\(([\w.]*)\)/g : /\bextends\s+([\w.]+)/g)];
  if (!found.length) return undefined;
  const m = g.rng.pick(found);
  const start = m.index! + m[0].length - m[1].length - (lang === 'py' ? 1 : 0);
  const classes = classNames(g);
  const next = g.rng.chance(0.3) ? (lang === 'py' ? 'object' : 'Object') : g.rng.pick([...classes, 'EventBase']);
  return { start, end: start + m[1].length, text: next, why: `base class ${m[1]} → ${next}` };
}

function renameClass(g: Gen, _file: string, text: string): Splice | undefined {
  const found = [...text.matchAll(/\bclass\s+([A-Za-z_]\w*)/g)];
  if (!found.length) return undefined;
  const m = g.rng.pick(found);
  const start = m.index! + m[0].length - m[1].length;
  const next = g.rng.chance(0.5) ? `${m[1]}V2` : g.rng.pick(classNames(g));
  return { start, end: start + m[1].length, text: next, why: `rename class ${m[1]} → ${next} here only` };
}

// ── Snippets and vocabulary ──────────────────────────────────────────────────────────────

function snippet(g: Gen, lang: Lang): string {
  const n = ++g.counter;
  const key = g.rng.pick(knownKeys(g));
  const other = g.rng.pick(knownKeys(g));
  const cls = g.rng.pick(eventClassNames(g));
  if (lang === 'py') {
    return g.rng.pick([
      `\n\n@event_handler("${key}")\ndef fuzz_on_${n}(event: ${cls}) -> None:\n    pass\n`,
      `\n\ndef fuzz_publish_${n}() -> None:\n    publish_event(${cls}())\n`,
      `\n\nclass Fuzz${n}Event(EventBase):\n    event_type: str = "${key}"\n`,
      `\n\ndef fuzz_handler_${n}(event) -> None:\n    pass\n\n\nsubscribe_to_event("${key}", fuzz_handler_${n})\n`,
      `\n\n@event_handler("${key}")\nasync def fuzz_relay_${n}(event: ${cls}) -> None:\n    ${cls}().publish()\n`,
      `\n\nFUZZ_KEY_${n} = "${key}"\n`,
    ]);
  }
  return g.rng.pick([
    `\nsubscribeToEvent('${key}', (event) => {\n  void event;\n});\n`,
    `\nexport class Fuzz${n}Handlers {\n  @eventHandler('${key}')\n  static on${n}(event: ${cls}): void {\n    void event;\n  }\n}\n`,
    `\nexport function fuzzPublish${n}(): void {\n  publishEvent(new ${cls}({} as never));\n}\n`,
    `\nexport class Fuzz${n}Event extends EventBase {\n  readonly eventType = '${key}';\n}\n`,
    `\nexport class Fuzz${n}Relay {\n  @eventHandler('${key}')\n  static async relay${n}(): Promise<void> {\n    new ${cls}({} as never).publish();\n  }\n}\n`,
    `\nexport const FUZZ_KEY_${n} = '${other}';\nsubscribeToEvent(FUZZ_KEY_${n}, () => undefined);\n`,
    `\nexport enum FuzzKeys${n} {\n  A = '${key}',\n}\n`,
  ]);
}

function vocabulary(g: Gen, lang: Lang): string[] {
  const keys = knownKeys(g).slice(0, 6);
  const common = ['\n', ' ', '{', '}', '(', ')', '"', "'", 'x', 'é', '🎉', '\t', ...keys.map((k) => `'${k}'`), ...eventClassNames(g).slice(0, 4)];
  if (lang === 'py') return [...common, 'class ', '(EventBase):', 'event_type = ', 'publish_event(', '@event_handler(', 'subscribe_to_event(', '    ', 'def ', ':', '#', '"""', 'f"{x}"', 'async ', '.publish()'];
  return [...common, 'Event', 'extends ', 'EventBase', 'publishEvent(', '.publish()', "@eventHandler('", 'subscribeToEvent(', ';', 'import ', '`', '${x}', '/*', '*/', '//', 'readonly eventType = ', 'static ', 'async ', 'export '];
}

function knownKeys(g: Gen): string[] {
  const set = new Set<string>(['fuzz.created', 'order.placed']);
  for (const f of g.model.sourceFiles()) for (const m of (g.model.textOf(f) ?? '').matchAll(KEY_LITERAL)) if (m[2].length < 40) set.add(m[2]);
  return [...set].sort();
}

function classNames(g: Gen): string[] {
  const set = new Set<string>();
  for (const f of g.model.sourceFiles()) for (const m of (g.model.textOf(f) ?? '').matchAll(/\bclass\s+([A-Za-z_]\w*)/g)) set.add(m[1]);
  return set.size ? [...set].sort() : ['Unknown'];
}

function eventClassNames(g: Gen): string[] {
  const names = classNames(g).filter((c) => c.endsWith('Event') || /^(Item|User)[A-Z]/.test(c));
  return names.length ? names : classNames(g);
}

function exportedNames(text: string, lang: Lang): string[] {
  const re = lang === 'py' ? /^(?:class\s+(\w+)|([A-Z][A-Z0-9_]+)\s*[:=]|def\s+(\w+))/gm : /\bexport\s+(?:abstract\s+)?(?:class|const|function|enum|type|interface)\s+(\w+)/g;
  return [...new Set([...text.matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3]).filter(Boolean))].sort();
}

function importLineForEvents(g: Gen, file: string, lang: Lang): string {
  const core = g.model.sourceFiles().find((f) => /(^|\/)core\/events\.(ts|py)$/.test(f) && langOf(f) === lang);
  if (lang === 'py') {
    const mod = core ? pyModule(g, core) : undefined;
    return mod ? `from ${mod} import EventBase, event_handler, publish_event, subscribe_to_event\n` : '';
  }
  return core ? `import { EventBase, eventHandler, publishEvent, subscribeToEvent } from '${tsSpecifier(file, core)}';\n` : '';
}

function tsSpecifier(from: string, to: string): string {
  const a = dirname(from).split('/').filter(Boolean);
  const b = to.replace(/\.(ts|tsx|mts|cts)$/, '').split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const up = a.length - i;
  const rest = b.slice(i).join('/');
  return (up === 0 ? './' : '../'.repeat(up)) + rest.replace(/\/index$/, '');
}

/** The dotted module of a Python file, from the folder of the nearest pyproject.toml. */
function pyModule(g: Gen, file: string): string | undefined {
  const roots = [...g.model.disk.keys()].filter((f) => f.endsWith('pyproject.toml')).map(dirname);
  const root = roots.filter((r) => r === '' || file.startsWith(r + '/')).sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return undefined;
  const rel = (root ? file.slice(root.length + 1) : file).replace(/\.py$/, '').replace(/\/__init__$/, '');
  return rel.split('/').join('.');
}

function moduleDirs(g: Gen): string[] {
  return [...new Set(g.model.sourceFiles().filter((f) => /\/modules\/[^/]+\/.+/.test(f) && isSource(f)).map(dirname))].sort();
}

function dirname(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '' : file.slice(0, i);
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}

/** Where a cursor lands: a line start, inside a key literal, or anywhere. */
function randomOffset(g: Gen, text: string): number {
  const r = g.rng.float();
  if (r < 0.4) return g.rng.pick(lineStarts(text));
  if (r < 0.7) {
    const keys = [...text.matchAll(KEY_LITERAL)];
    if (keys.length) {
      const m = g.rng.pick(keys);
      return m.index! + 1 + g.rng.int(0, m[2].length);
    }
  }
  return g.rng.int(0, text.length);
}
