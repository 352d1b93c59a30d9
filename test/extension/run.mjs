#!/usr/bin/env node
// Runs test/extension/suite (Mocha) inside a real VS Code extension host:
//   prepare the env (scripts/vscode-env.mjs) -> build the extension -> compile the suite into
//   out/extension-tests/ -> install the extension under test + the harness extension (with the
//   compiled suite) into a fresh extensions dir -> copy the sample folder to a temp dir -> start
//   code-server on the copy (files.autoSave off) with EVENTFLOW_TEST_RUN=<results file> -> open
//   the workbench in headless Chromium (the extension host starts only when a window connects)
//   -> wait for the results -> print them.
// Ends with the line `N passed, N failed`; exits non-zero on any failure. Always cleans up.
//
// Options (or environment):
//   --extension <dir>   EVENTFLOW_EXTENSION_DIR   extension under test (default: the repo)
//   --folder <dir>      EVENTFLOW_SAMPLE_DIR      workspace to test on (default: sample-workspace/); the
//                                                 tests run on a fresh temp copy of it, removed afterwards
//   --in-place                                    open the folder itself instead of a copy (tests edit files!)
//   --grep <pattern>    EVENTFLOW_TEST_GREP       only tests whose full title matches
//   --no-build          EVENTFLOW_SKIP_BUILD=1    do not run <extension>/scripts/build.mjs
//   --keep                                        keep the run's state dir (logs, results)
//   EVENTFLOW_TEST_ACTIVATION_TIMEOUT (s, default 120), EVENTFLOW_TEST_RUN_TIMEOUT (s, default 600),
//   EVENTFLOW_TEST_TIMEOUT_MS (per test, default 20000)
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  EnvError, buildExtension, cacheDir, copyWorkspace, defaultExtensionDir, defaultSampleDir, installExtension, logTail, prepare,
  pruneRuns, repoRoot, sleep, startCodeServer, TEST_SETTINGS,
} from '../../scripts/vscode-env.mjs';
import { launchBrowser, openWorkbench } from '../ui/workbench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const suiteSrc = join(here, 'suite');
const harnessDir = join(here, 'harness');
const suiteOut = join(repoRoot, 'out', 'extension-tests');

const { values: opts } = parseArgs({
  options: {
    extension: { type: 'string' },
    folder: { type: 'string' },
    grep: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'in-place': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const extensionDir = resolve(opts.extension ?? defaultExtensionDir);
const sourceFolder = resolve(opts.folder ?? defaultSampleDir);
const grep = opts.grep ?? process.env.EVENTFLOW_TEST_GREP;
const skipBuild = opts['no-build'] || process.env.EVENTFLOW_SKIP_BUILD === '1';
const activationTimeoutMs = Number(process.env.EVENTFLOW_TEST_ACTIVATION_TIMEOUT || 120) * 1000;
const runTimeoutMs = Number(process.env.EVENTFLOW_TEST_RUN_TIMEOUT || 600) * 1000;

const say = (m) => process.stderr.write(`[ext-test] ${m}\n`);

/**
 * Compiles suite/index.ts and suite/*.test.ts (one CJS bundle each) and writes them both into
 * out/extension-tests/ and into `harnessSuiteDir`, the run's own copy. Writing from memory keeps
 * concurrent runs in the same working tree from copying each other's half-written files.
 */
async function compileSuite(harnessSuiteDir) {
  const entries = readdirSync(suiteSrc).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => join(suiteSrc, f));
  const result = await esbuild.build({
    entryPoints: entries,
    outdir: suiteOut,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    // The files run from the harness extension's folder: inline maps survive the move, and an
    // absolute sourceRoot keeps the sources pointing at test/extension/suite/*.ts.
    sourcemap: 'inline',
    sourceRoot: `${pathToFileURL(suiteOut).href}/`,
    logLevel: 'warning',
    absWorkingDir: repoRoot,
  });
  await esbuild.stop();
  const names = new Set(result.outputFiles.map((f) => basename(f.path)));
  for (const dir of [suiteOut, harnessSuiteDir]) {
    mkdirSync(dir, { recursive: true });
    for (const f of result.outputFiles) writeFileSync(join(dir, basename(f.path)), f.contents);
    // Drop bundles whose .ts source is gone, so a deleted test does not keep running.
    for (const f of readdirSync(dir)) if (f.endsWith('.js') && !names.has(f)) rmSync(join(dir, f), { force: true });
  }
  return entries.length;
}

/** mocha 12's package entry is ESM; the harness `require`s its CommonJS build by absolute path. */
function mochaCjsPath() {
  const require = createRequire(join(repoRoot, 'package.json'));
  const file = join(dirname(require.resolve('mocha/package.json')), 'lib', 'mocha.cjs');
  if (!existsSync(file)) throw new EnvError(`mocha's CommonJS build is not at ${file}; run \`npm ci\` at the repo root.`);
  return file;
}

function findLogs(dir, pattern, out = []) {
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (st.isDirectory()) findLogs(p, pattern, out);
    else if (pattern.test(e)) out.push(p);
  }
  return out;
}

function formatTest(t) {
  const mark = t.state === 'passed' ? '✔' : t.state === 'failed' ? '✘' : '-';
  const lines = [`  ${mark} ${t.fullTitle}${t.state === 'pending' ? ' (skipped)' : ` (${t.durationMs} ms)`}`];
  if (t.error) {
    const stack = (t.error.stack || t.error.message || '').split('\n');
    // Keep the message and the frames that point into the suite, not Mocha's or VS Code's.
    const frames = stack.slice(1).filter((l) => /suite[\\/]|\.test\.[tj]s|helpers\.[tj]s/.test(l)).slice(0, 4);
    lines.push(...t.error.message.split('\n').map((l) => `      ${l}`));
    if (t.error.expected !== undefined || t.error.actual !== undefined) {
      lines.push(`      expected: ${t.error.expected}`, `      actual:   ${t.error.actual}`);
    }
    lines.push(...frames.map((l) => `      ${l.trim().replace(`${repoRoot}/`, '')}`));
  }
  return lines.join('\n');
}

/** After failed tests: the extension host's [error] entries (e.g. an extension that failed to activate). */
function printExtensionHostErrors(userDataDir) {
  for (const f of findLogs(join(userDataDir, 'logs'), /exthost\.log$/i)) {
    const lines = readFileSync(f, 'utf8').split('\n');
    const errors = [];
    const entry = /^\d{4}-\d\d-\d\d \S+ \[/;
    lines.forEach((l, i) => {
      if (!/^\S+ \S+ \[error\]/.test(l)) return;
      errors.push(l);
      for (let j = i + 1; j < Math.min(lines.length, i + 4) && !entry.test(lines[j]); j++) errors.push(lines[j]);
    });
    if (errors.length) {
      process.stderr.write(`\n--- errors in the extension host log ${f} ---\n${errors.slice(-30).join('\n')}\n`);
    }
  }
}

async function main() {
  const t0 = Date.now();
  const cleanups = [];
  let cleaned;
  const cleanup = () => (cleaned ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e) => say(`cleanup: ${e.message}`));
  })());
  const onSignal = (sig) => {
    say(`${sig}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let ok = false;
  let summary;
  let stateDir;
  let server;
  let browser;
  try {
    const paths = await prepare();
    if (!skipBuild) await buildExtension(extensionDir, { say });
    pruneRuns('ext-');
    stateDir = mkdtempSync(join(cacheDir, 'runs', 'ext-'));
    const extensionsDir = join(stateDir, 'extensions');
    const userDataDir = join(stateDir, 'user-data');
    const resultsFile = join(stateDir, 'results.json');
    const progressFile = `${resultsFile}.progress`;

    const underTest = existsSync(join(extensionDir, 'package.json')) ? installExtension(extensionDir, extensionsDir) : undefined;
    if (underTest) say(`installed ${underTest.id} ${underTest.manifest.version} from ${extensionDir}`);
    else say(`no package.json in ${extensionDir}: running the suite without an extension under test`);
    const harness = installExtension(harnessDir, extensionsDir);
    let folder = sourceFolder;
    if (!opts['in-place']) {
      const copy = copyWorkspace(sourceFolder, { prefix: 'eventflow-ext-ws-' });
      cleanups.push(async () => copy.remove());
      folder = copy.dir;
      say(`testing on a fresh copy of ${relative(process.cwd(), sourceFolder) || sourceFolder}: ${folder}`);
    }
    const compiled = await compileSuite(join(harness.dir, 'suite'));
    say(`compiled ${compiled} suite file(s) into ${relative(repoRoot, suiteOut)}/ and the harness`);

    server = await startCodeServer({
      folder, extensionsDir, userDataDir, paths, logFile: join(stateDir, 'code-server.log'), settings: TEST_SETTINGS,
      env: {
        EVENTFLOW_TEST_RUN: resultsFile,
        EVENTFLOW_MOCHA_PATH: mochaCjsPath(),
        EVENTFLOW_TEST_SUITE_DIR: join(harness.dir, 'suite'),
        EVENTFLOW_TEST_WORKSPACE: folder,
        EVENTFLOW_TEST_EXTENSION_ID: underTest?.id ?? '',
        EVENTFLOW_TEST_EXTENSION_DIR: underTest ? extensionDir : '',
        ...(grep ? { EVENTFLOW_TEST_GREP: grep } : {}),
      },
    });
    cleanups.push(() => server.stop());
    let serverExited = false;
    server.exited.then(() => { serverExited = true; });
    say(`code-server ${paths.codeServerVersion} on ${server.url} (pid ${server.pid})`);

    browser = await launchBrowser({ executablePath: paths.chromium });
    cleanups.push(() => browser.close());
    await openWorkbench(browser.page, server.folderUrl);
    say(`workbench open on ${folder}; waiting for the harness`);

    const fail = (message) => { throw new EnvError(message); };
    const tStart = Date.now();
    while (!existsSync(`${resultsFile}.started`)) {
      if (Date.now() - tStart > activationTimeoutMs) {
        fail(`The test harness extension did not activate within ${activationTimeoutMs / 1000} s, so the extension host probably did not start (or did not load ${harness.dir}).`);
      }
      if (serverExited) fail('code-server exited while the tests were starting.');
      await sleep(250);
    }

    console.log(`Running ${underTest ? underTest.id : 'the suite'} tests in VS Code (code-server ${paths.codeServerVersion})`);
    let printed = 0;
    const printProgress = () => {
      if (!existsSync(progressFile)) return;
      const lines = readFileSync(progressFile, 'utf8').split('\n').filter(Boolean);
      for (; printed < lines.length; printed++) {
        try { console.log(formatTest(JSON.parse(lines[printed]))); } catch { /* a line still being written */ break; }
      }
    };
    while (!existsSync(resultsFile)) {
      printProgress();
      if (Date.now() - tStart > runTimeoutMs) fail(`The suite did not finish within ${runTimeoutMs / 1000} s (EVENTFLOW_TEST_RUN_TIMEOUT).`);
      if (serverExited) fail('code-server exited while the tests were running.');
      await sleep(250);
    }
    printProgress();
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    if (results.error) {
      // The suite could not run at all (e.g. a test file threw while loading): count it as a failure.
      const stack = (results.error.stack ?? '').split('\n').slice(1, 4).map((l) => `      ${l.trim()}`).join('\n');
      console.log(`  ✘ the suite could not run: ${results.error.message}\n${stack}`);
      results.failed += 1;
    }
    const total = results.passed + results.failed + results.pending;
    console.log('');
    console.log(`VS Code ${results.vscodeVersion}, extension host on Node ${results.node}; ${total} test(s) in ${results.durationMs} ms, ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
    if (results.pending) console.log(`(${results.pending} skipped)`);
    summary = `${results.passed} passed, ${results.failed} failed`; // printed last, after cleanup
    ok = !results.error && results.failed === 0 && results.passed > 0;
    if (!results.error && total === 0) say('no test ran: check the suite and EVENTFLOW_TEST_GREP');
    if (!ok) printExtensionHostErrors(userDataDir);
  } catch (e) {
    process.stderr.write(`\nerror: ${e instanceof EnvError ? e.message : e?.stack ?? e}\n`);
    if (server) {
      process.stderr.write(`\n--- code-server log (${server.logFile}), last lines ---\n${logTail(server.logFile, 40)}\n`);
      for (const f of findLogs(join(server.userDataDir, 'logs'), /exthost\.log$/i).slice(0, 2)) {
        process.stderr.write(`\n--- ${relative(stateDir, f)}, last lines ---\n${logTail(f, 25)}\n`);
      }
    }
    if (browser?.consoleErrors.length) {
      process.stderr.write(`\n--- browser console errors (last 10) ---\n${browser.consoleErrors.slice(-10).join('\n')}\n`);
    }
  } finally {
    await cleanup();
    if (stateDir) {
      if (ok && !opts.keep) rmSync(stateDir, { recursive: true, force: true });
      else say(`logs and results kept in ${stateDir}`);
    }
  }
  // The closing line CI reads: `N passed, N failed`, alone and last.
  if (summary) console.log(summary);
  process.exitCode = ok ? 0 : 1;
}

await main();
