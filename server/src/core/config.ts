/**
 * `.eventflow.json`: read as JSON (comments allowed), validated against the schema that the
 * extension also contributes to VS Code, merged over the profile's defaults. Problems are
 * reported with their offset; an invalid setting is ignored and the rest still applies.
 * Nothing here is ever executed, and keys such as `__proto__` cannot reach any prototype.
 */
import * as fs from 'node:fs';
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import schema from '../../../schemas/eventflow.schema.json';
import {
  DEFAULT_EXCLUDE,
  appendUnique,
  seedConventions,
  type Conventions,
  type HandlerCallConvention,
  type HandlerDecoratorConvention,
  type PublishConvention,
} from './conventions';
import { readTextFile } from './host';
import { joinPath } from './text';

export const CONFIG_FILE = '.eventflow.json';

export interface ConfigIssue {
  file: string;
  offset: number;
  length: number;
  message: string;
}

export interface LoadedConfig {
  conventions: Conventions;
  /** The config file used, if there was one. */
  file?: string;
  issues: ConfigIssue[];
}

interface SchemaNode {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  required?: string[];
  items?: SchemaNode;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  $ref?: string;
  description?: string;
}

const ROOT_SCHEMA = schema as unknown as SchemaNode & { definitions: Record<string, SchemaNode> };

/**
 * Bounds beyond the schema, so that a hostile `.eventflow.json` costs a message, not a hang:
 * no setting needs a longer string or a longer list, and a glob with many wildcards compiles
 * to a regular expression that backtracks for minutes on a deep path.
 */
const MAX_STRING_LENGTH = 1000;
const MAX_ITEMS = 10_000;
const MAX_GLOB_WILDCARDS = 3;
const GLOB_SETTINGS = /^(?:exclude|testFiles)\[\d+\]$/;
/** More problems than this in one file are summed up in one last message. */
const MAX_ISSUES = 100;

/** Loads `<root>/.eventflow.json` (or an explicit file) over the default conventions. */
export function loadConfig(root: string, explicitFile?: string, base: Conventions = seedConventions()): LoadedConfig {
  const file = explicitFile ?? joinPath(root, CONFIG_FILE);
  const text = readTextFile(file);
  if (text === undefined) {
    // There but not readable (a folder, a pipe, a device, no permission): say so rather than ignore it.
    if (explicitFile || fs.existsSync(file)) return { conventions: base, file, issues: [{ file, offset: 0, length: 0, message: `cannot read the config file (not a readable regular file); the defaults apply` }] };
    return { conventions: base, issues: [] };
  }
  return { ...parseConfig(text, file, base), file };
}

export function parseConfig(text: string, file: string, base: Conventions = seedConventions()): { conventions: Conventions; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) issues.push({ file, offset: e.offset, length: Math.max(1, e.length), message: `Invalid JSON: ${printParseErrorCode(e.error)}` });
  if (!tree) return { conventions: base, issues: capped(issues) };
  if (tree.type !== 'object') {
    issues.push({ file, offset: tree.offset, length: tree.length, message: 'The configuration must be a JSON object' });
    return { conventions: base, issues: capped(issues) };
  }
  const conventions = structuredClone(base);
  for (const prop of tree.children ?? []) {
    const [keyNode, valueNode] = prop.children ?? [];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    const propSchema = Object.prototype.hasOwnProperty.call(ROOT_SCHEMA.properties, key) ? ROOT_SCHEMA.properties![key] : undefined;
    if (!propSchema) {
      issues.push({ file, offset: keyNode.offset, length: keyNode.length, message: `Unknown setting '${key}'` });
      continue;
    }
    const before = issues.length;
    validate(valueNode, propSchema, key, file, issues);
    if (issues.length > before || key === '$schema') continue; // an invalid setting keeps its default
    apply(conventions, key, toValue(valueNode));
  }
  return { conventions, issues: capped(issues) };
}

function capped(issues: ConfigIssue[]): ConfigIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const rest = issues.length - MAX_ISSUES + 1;
  return [...issues.slice(0, MAX_ISSUES - 1), { ...issues[MAX_ISSUES - 1], message: `${rest} more problems in this file (fix the ones above first)` }];
}

function apply(c: Conventions, key: string, value: unknown): void {
  switch (key) {
    case 'exclude':
      c.exclude = [...DEFAULT_EXCLUDE, ...(value as string[])];
      return;
    case 'severities':
      Object.assign(c.severities, value);
      return;
    case 'naming':
      Object.assign(c.naming, value);
      return;
    // The event system's vocabulary adds to what the active profiles bring (`"profiles": ["custom"]` alone brings nothing).
    case 'handlerDecorators':
      appendUnique(
        c.handlerDecorators,
        (value as Record<string, unknown>[]).map((d) => ({ ...pick(d, ['name', 'target', 'method', 'argumentIs', 'array', 'wildcards']), keyArg: (d.keyArg as number | undefined) ?? 0 }) as HandlerDecoratorConvention),
      );
      return;
    case 'registrations':
      appendUnique(
        c.registrations,
        (value as { name: string; keyArg?: number; handlerArg?: number }[]).map((r) => ({ name: r.name, keyArg: r.keyArg ?? 0, handlerArg: r.handlerArg ?? 1 })),
      );
      return;
    case 'publishes':
      appendUnique(
        c.publishes,
        (value as Record<string, unknown>[]).map((p) => pick(p, ['name', 'kind', 'argument', 'argumentIs', 'receiverTypes', 'thisExtends', 'declaresEventClass', 'array']) as unknown as PublishConvention),
      );
      return;
    case 'handlerCalls':
      appendUnique(c.handlerCalls, (value as Record<string, unknown>[]).map((h) => pick(h, ['name', 'within']) as unknown as HandlerCallConvention));
      return;
    case 'baseClasses':
    case 'eventTypeProperties':
    case 'eventInterfaces':
      appendUnique(c[key], value as string[]);
      return;
    case 'wildcards':
      Object.assign(c.wildcards, pick(value as Record<string, unknown>, ['enabled', 'delimiter']));
      return;
    default:
      (c as unknown as Record<string, unknown>)[key] = value;
  }
}

/** The named properties that are present, copied into a plain object (arrays copied too). */
function pick(from: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) {
    if (!Object.prototype.hasOwnProperty.call(from, n)) continue;
    const v = from[n];
    out[n] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

/** A plain value from a JSON node; objects are null-prototype so no key can touch a prototype. */
function toValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const out = Object.create(null) as Record<string, unknown>;
      for (const p of node.children ?? []) {
        const [k, v] = p.children ?? [];
        if (k && v) out[String(k.value)] = toValue(v);
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(toValue);
    default:
      return node.value;
  }
}

function validate(node: JsonNode, s: SchemaNode, path: string, file: string, issues: ConfigIssue[]): void {
  if (s.$ref) s = ROOT_SCHEMA.definitions[s.$ref.split('/').pop()!];
  const fail = (message: string, at: JsonNode = node) => issues.push({ file, offset: at.offset, length: at.length, message: `'${path}': ${message}` });
  const actual = node.type === 'number' && Number.isInteger(node.value) ? 'integer' : node.type;
  if (s.type && !(s.type === actual || (s.type === 'number' && actual === 'integer'))) {
    fail(`expected ${s.type === 'array' ? 'an array' : s.type === 'object' ? 'an object' : `a ${s.type}`}, found ${describe(node)}`);
    return;
  }
  if (typeof node.value === 'string' && node.value.length > MAX_STRING_LENGTH) {
    fail(`must be at most ${MAX_STRING_LENGTH} characters long (found ${node.value.length})`);
    return;
  }
  if (s.enum && !s.enum.includes(node.value)) fail(`must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (typeof node.value === 'number') {
    if (s.minimum !== undefined && node.value < s.minimum) fail(`must be at least ${s.minimum}`);
    if (s.maximum !== undefined && node.value > s.maximum) fail(`must be at most ${s.maximum}`);
  }
  if (typeof node.value === 'string' && s.minLength !== undefined && node.value.length < s.minLength) fail('must not be empty');
  if (typeof node.value === 'string' && GLOB_SETTINGS.test(path)) {
    const problem = globProblem(node.value);
    if (problem) fail(problem);
  }
  if (node.type === 'array' && (node.children?.length ?? 0) > MAX_ITEMS) {
    fail(`must have at most ${MAX_ITEMS} items (found ${node.children!.length})`);
    return;
  }
  if (node.type === 'array' && s.items) (node.children ?? []).forEach((child, i) => validate(child, s.items!, `${path}[${i}]`, file, issues));
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const p of node.children ?? []) {
      const [k, v] = p.children ?? [];
      if (!k || !v) continue;
      const name = String(k.value);
      seen.add(name);
      const child = s.properties && Object.prototype.hasOwnProperty.call(s.properties, name) ? s.properties[name] : undefined;
      if (child) validate(v, child, `${path}.${name}`, file, issues);
      else if (s.additionalProperties === false) fail(`unknown property '${name}'`, k);
    }
    for (const r of s.required ?? []) if (!seen.has(r)) fail(`missing required property '${r}'`);
  }
}

/** Why a glob is refused: `**` only as a whole path segment, and a few wildcards at most. */
function globProblem(glob: string): string | undefined {
  const runs = glob.match(/\*+/g) ?? [];
  if (runs.some((r) => r.length > 2)) return `'${glob}' is not a valid glob: use '*' or '**', not '${runs.find((r) => r.length > 2)}'`;
  const segments = glob.split('/');
  if (segments.some((seg) => seg.includes('**') && seg !== '**')) return `'${glob}' is not a valid glob: '**' must be a whole path segment (as in '**/x' or 'a/**/b')`;
  if (runs.length > MAX_GLOB_WILDCARDS) return `'${glob}' has ${runs.length} wildcards; at most ${MAX_GLOB_WILDCARDS} are allowed (more can take minutes to match)`;
  return undefined;
}

function describe(node: JsonNode): string {
  if (node.type === 'null') return 'null';
  if (node.type === 'array') return 'an array';
  if (node.type === 'object') return 'an object';
  return `${node.type} ${JSON.stringify(node.value)}`;
}

