#!/usr/bin/env node
// Runs the UI tests test/ui/*.test.mjs with node:test, in this process, against ONE shared
// workbench: code-server on the sample folder with the extension installed, and headless Chromium
// showing it. It is started in a top-level before() and stopped in after() (and on Ctrl+C).
//
//   node test/ui/run.mjs [name-filter ...]      e.g. `node test/ui/run.mjs smoke`
//
// Environment: EVENTFLOW_EXTENSION_DIR (extension to install, default the repo; it is not built
// here: run `node scripts/build.mjs` first), EVENTFLOW_SAMPLE_DIR (folder to open), HEADFUL=1.
// Test files get the workbench from `shared()` in ./workbench.mjs: { page, server, folder, ... }.
import { after, before } from 'node:test';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EnvError } from '../../scripts/vscode-env.mjs';
import { setShared, startWorkbench } from './workbench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

let workbench;
let stopping;
const stop = () => (stopping ??= (async () => { await workbench?.stop(); })());

before(async () => {
  try {
    workbench = await startWorkbench();
  } catch (e) {
    // A one-paragraph reason instead of a stack for environment problems.
    throw e instanceof EnvError ? new Error(e.message) : e;
  }
  setShared(workbench);
}, { timeout: 600_000 }); // a cold cache installs code-server first

after(stop, { timeout: 60_000 });

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping the workbench\n`);
    stop().finally(() => process.exit(130));
  });
}

for (const f of files) await import(pathToFileURL(join(here, f)).href);
