// One esbuild script for every entry: the extension client, the language server, the CLI
// and the graph webview. `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  absWorkingDir: root,
  // Prefer ES modules: jsonc-parser's UMD build hides its requires from the bundler.
  mainFields: ['module', 'main'],
  // The TypeScript compiler is bundled once per entry that needs it (server, CLI); it warns
  // about its own dynamic requires, which are never taken on our paths.
  logOverride: { 'require-resolve-not-external': 'silent', 'empty-import-meta': 'silent' },
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['server/src/core/worker.ts'], outfile: 'dist/worker.js' },
].filter((e) => existsSync(join(root, e.entryPoints[0])));

const webview = existsSync(join(root, 'client/webview/graph.ts'))
  ? [{ ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['client/webview/graph.ts'], outfile: 'dist/webview/graph.js' }]
  : [];

function copyAssets() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const assets = [
    ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'dist/web-tree-sitter.wasm'],
    ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/tree-sitter-python.wasm'],
    ['client/webview/graph.css', 'dist/webview/graph.css'],
  ];
  for (const [from, to] of assets) {
    if (existsSync(join(root, from))) {
      mkdirSync(dirname(join(root, to)), { recursive: true });
      cpSync(join(root, from), join(root, to));
    }
  }
}

const configs = [...entries.map((e) => ({ ...common, ...e })), ...webview];
if (watch) {
  for (const config of configs) {
    const ctx = await esbuild.context(config);
    await ctx.watch();
  }
  copyAssets();
  console.log('[watch] watching for changes');
} else {
  await Promise.all(configs.map((config) => esbuild.build(config)));
  copyAssets();
}
