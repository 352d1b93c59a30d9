#!/usr/bin/env node
// Parse-only baseline: read every `.ts` file under a directory (node_modules skipped) and parse
// each with TypeScript's `createSourceFile`, single-threaded, without parent pointers. This is the
// floor for any tool that looks at every file with the TypeScript parser.
//
//   node bench/parse-baseline.mjs <dir> [--json]
//
// TypeScript is resolved from the repository's node_modules (relative to this file).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const processStart = performance.now();
const ts = require('typescript');
const loadMs = performance.now() - processStart;

const args = process.argv.slice(2);
const json = args.includes('--json');
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: node bench/parse-baseline.mjs <dir> [--json]');
  process.exit(2);
}

function collect(root) {
  const files = [];
  const stack = [resolve(root)];
  while (stack.length) {
    const current = stack.pop();
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name === '.git') continue;
        stack.push(join(current, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.ts')) {
        files.push(join(current, entry.name));
      }
    }
  }
  return files.sort();
}

const t0 = performance.now();
const files = collect(dir);
let readMs = 0;
let parseMs = 0;
let statements = 0;
let bytes = 0;
for (const file of files) {
  const r0 = performance.now();
  const text = readFileSync(file, 'utf8');
  const r1 = performance.now();
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, /* setParentNodes */ false);
  parseMs += performance.now() - r1;
  readMs += r1 - r0;
  statements += sf.statements.length; // keeps the result alive and observable
  bytes += text.length;
}
const totalMs = performance.now() - t0;

const result = {
  files: files.length,
  bytes,
  statements,
  ms: Math.round(totalMs),
  readMs: Math.round(readMs),
  parseMs: Math.round(parseMs),
  loadTypescriptMs: Math.round(loadMs),
  typescript: ts.version,
};
if (json) console.log(JSON.stringify(result));
else
  console.log(
    `parsed ${result.files} files (${(bytes / 1e6).toFixed(1)} MB) in ${result.ms} ms ` +
      `(read ${result.readMs} ms, parse ${result.parseMs} ms; loading typescript ${result.loadTypescriptMs} ms; TypeScript ${ts.version})`,
  );
