/**
 * `.eventflow.json`: read as JSON (comments allowed), validated against the schema that the
 * extension also contributes to VS Code, merged over the profile's defaults. Problems are
 * reported with their offset; an invalid setting is ignored and the rest still applies.
 * Nothing here is ever executed, and keys such as `__proto__` cannot reach any prototype.
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import schema from '../../../schemas/eventflow.schema.json';
import { DEFAULT_EXCLUDE, seedConventions, type Conventions } from './conventions';
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

/** Loads `<root>/.eventflow.json` (or an explicit file) over the default conventions. */
export function loadConfig(root: string, explicitFile?: string, base: Conventions = seedConventions()): LoadedConfig {
  const file = explicitFile ?? joinPath(root, CONFIG_FILE);
  const text = readTextFile(file);
  if (text === undefined) {
    if (explicitFile) return { conventions: base, file, issues: [{ file, offset: 0, length: 0, message: `cannot read the config file` }] };
    return { conventions: base, issues: [] };
  }
  return { ...parseConfig(text, file, base), file };
}

export function parseConfig(text: string, file: string, base: Conventions = seedConventions()): { conventions: Conventions; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) issues.push({ file, offset: e.offset, length: Math.max(1, e.length), message: `Invalid JSON: ${printParseErrorCode(e.error)}` });
  if (!tree) return { conventions: base, issues };
  if (tree.type !== 'object') {
    issues.push({ file, offset: tree.offset, length: tree.length, message: 'The configuration must be a JSON object' });
    return { conventions: base, issues };
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
  return { conventions, issues };
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
    case 'handlerDecorators':
      c.handlerDecorators = (value as { name: string; keyArg?: number }[]).map((d) => ({ name: d.name, keyArg: d.keyArg ?? 0 }));
      return;
    case 'registrations':
      c.registrations = (value as { name: string; keyArg?: number; handlerArg?: number }[]).map((r) => ({ name: r.name, keyArg: r.keyArg ?? 0, handlerArg: r.handlerArg ?? 1 }));
      return;
    default:
      (c as unknown as Record<string, unknown>)[key] = value;
  }
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
  if (s.enum && !s.enum.includes(node.value)) fail(`must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (typeof node.value === 'number') {
    if (s.minimum !== undefined && node.value < s.minimum) fail(`must be at least ${s.minimum}`);
    if (s.maximum !== undefined && node.value > s.maximum) fail(`must be at most ${s.maximum}`);
  }
  if (typeof node.value === 'string' && s.minLength !== undefined && node.value.length < s.minLength) fail('must not be empty');
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

function describe(node: JsonNode): string {
  if (node.type === 'null') return 'null';
  if (node.type === 'array') return 'an array';
  if (node.type === 'object') return 'an object';
  return `${node.type} ${JSON.stringify(node.value)}`;
}

