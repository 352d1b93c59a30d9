#!/usr/bin/env node
// Runs the UI tests test/ui/*.test.mjs with node:test, in this process, against ONE shared
// workbench: code-server on a fresh temp copy of the sample folder with the extension installed,
// and headless Chromium showing it (1280x800). It is started in a top-level before() and stopped
// in after() (and on Ctrl+C / SIGTERM); the copy is removed with it. The files run in name order
// (1-…, 2-…): later ones may rely on what earlier ones changed in the copy.
//
//   node test/ui/run.mjs [name-filter ...]      e.g. `node test/ui/run.mjs smoke`
//   node test/ui/run.mjs --docs-screenshots     also write the README's images to docs/screenshots/
//
// Output: node:test's spec reporter, then `N passed, N failed` as the last line. (Without a
// --test-reporter of its own, the script runs itself again with those reporters.)
// Environment: EVENTFLOW_EXTENSION_DIR (extension to install, default the repo; it is not built
// here: run `node scripts/build.mjs` first), EVENTFLOW_SAMPLE_DIR (folder to copy and open),
// HEADFUL=1, EVENTFLOW_DOCS_SCREENSHOTS=1 (also write the README's images to docs/screenshots/).
// Test files get the workbench from `shared()` in ./workbench.mjs: { page, server, folder, ... }.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

if (!process.execArgv.some((a) => a.startsWith('--test-reporter'))) {
  // Re-run with a readable reporter and the closing summary line.
  const child = spawn(process.execPath, [
    ...process.execArgv,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${pathToFileURL(join(here, 'summary-reporter.mjs')).href}`, '--test-reporter-destination=stdout',
    fileURLToPath(import.meta.url), ...process.argv.slice(2),
  ], { stdio: 'inherit' });
  // A terminal's Ctrl+C reaches both processes; a signal sent to this one alone is passed on.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => { process.exitCode = code ?? (signal ? 1 : 0); });
} else {
  await runTests();
}

async function runTests() {
  const { EnvError, TEST_SETTINGS } = await import('../../scripts/vscode-env.mjs');
  const { setShared, startWorkbench } = await import('./workbench.mjs');
  const args = process.argv.slice(2);
  if (args.includes('--docs-screenshots')) process.env.EVENTFLOW_DOCS_SCREENSHOTS = '1';
  const filters = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.test.mjs'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();

  let workbench;
  let stopping;
  const stop = () => (stopping ??= (async () => { await workbench?.stop(); })());

  before(async () => {
    try {
      // 1280x800: the size of the README's screenshots.
      workbench = await startWorkbench({ viewport: { width: 1280, height: 800 }, settings: TEST_SETTINGS });
    } catch (e) {
      // A one-paragraph reason instead of a stack for environment problems.
      throw e instanceof EnvError ? new Error(e.message) : e;
    }
    setShared(workbench);
  }, { timeout: 600_000 }); // a cold cache installs code-server first

  after(stop, { timeout: 60_000 });

  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (stopping) return; // already on the way out
      process.stderr.write(`\n${sig}: stopping the workbench\n`);
      stop().finally(() => process.exit(130));
    });
  }

  for (const f of files) await import(pathToFileURL(join(here, f)).href);
}
