// Checks that the packaged .vsix holds exactly what the extension needs: the bundles, the
// wasm grammars, the webview assets, the manifest, README, LICENSE, media and schema — and
// nothing else (no sources, tests, node_modules or source maps).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vsix = process.argv[2] ?? 'dist/event-flow.vsix';
const listing = execFileSync('unzip', ['-Z1', join(root, vsix)], { encoding: 'utf8' }).split('\n').filter(Boolean);
// vsce stores README.md as readme.md and LICENSE as LICENSE.txt.
const files = listing.filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length)).filter((f) => !f.endsWith('/'));

const required = ['package.json', 'readme.md', 'LICENSE.txt', 'dist/client.js', 'dist/server.js', 'dist/cli.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'schemas/eventflow.schema.json'];
const allowed = [/^package\.json$/, /^readme\.md$/i, /^LICENSE(\.txt)?$/, /^dist\/[\w.-]+\.(js|wasm)$/, /^dist\/webview\/[\w.-]+\.(js|css)$/, /^media\//, /^schemas\/[\w.-]+\.json$/, /^client\/snippets\/[\w.-]+\.json$/, /^changelog\.md$/i];

const missing = required.filter((f) => !files.includes(f));
const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)));
if (missing.length || unexpected.length) {
  if (missing.length) console.error(`The .vsix lacks: ${missing.join(', ')}`);
  if (unexpected.length) console.error(`The .vsix should not ship: ${unexpected.join(', ')}`);
  process.exit(1);
}
console.log(`${vsix}: ${files.length} files, all expected:\n  ${files.join('\n  ')}`);
