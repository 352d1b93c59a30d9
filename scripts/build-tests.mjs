// Bundles the TypeScript test suites (test/unit, test/protocol) into out/test/ so that
// node's own test runner can run them on Node 20, which cannot strip types.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'protocol', 'fuzz'];

for (const suite of suites) {
  const dir = join(root, 'test', suite);
  if (!existsSync(dir)) continue;
  const entryPoints = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join('test', suite, f));
  const outdir = join(root, 'out', 'test', suite);
  rmSync(outdir, { recursive: true, force: true });
  if (entryPoints.length === 0) continue;
  await esbuild.build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    packages: 'external',
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'silent' },
    define: { 'process.env.EVENTFLOW_REPO_ROOT': JSON.stringify('') },
  });
}
