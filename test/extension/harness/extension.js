// The test harness extension. test/extension/run.mjs installs it next to the extension under
// test and starts code-server with these environment variables (they reach the extension host):
//
//   EVENTFLOW_TEST_RUN         results file to write; without it the harness does nothing
//   EVENTFLOW_MOCHA_PATH       absolute path of mocha's CommonJS build (node_modules/mocha/lib/mocha.cjs)
//   EVENTFLOW_TEST_SUITE_DIR   folder with the compiled *.test.js files (default: ./suite next to this file)
//   EVENTFLOW_TEST_GREP        optional Mocha grep
//   EVENTFLOW_TEST_TIMEOUT_MS  per-test timeout (default 20000)
//
// While it runs it appends one JSON line per finished test to `<results>.progress` (the runner
// prints them live), and at the end writes `<results>` (atomically, via a rename):
//   { passed, failed, pending, durationMs, tests: [{ title, fullTitle, file, state, durationMs, error? }],
//     error?, vscodeVersion, node }
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

function activate() {
  const resultsFile = process.env.EVENTFLOW_TEST_RUN;
  if (!resultsFile) return;
  const startedFile = `${resultsFile}.started`;
  // A reloaded window activates the harness again: run the suite only once per results file.
  if (fs.existsSync(startedFile)) return;
  fs.writeFileSync(startedFile, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }) + '\n');
  // Run after activate() returns, so activation itself is not held up by the suite.
  setTimeout(() => {
    runSuite(resultsFile).catch((e) => writeResults(resultsFile, {
      passed: 0, failed: 0, pending: 0, durationMs: 0, tests: [], error: describeError(e),
    }));
  }, 0);
}

async function runSuite(resultsFile) {
  if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);
  const mochaPath = process.env.EVENTFLOW_MOCHA_PATH;
  if (!mochaPath || !fs.existsSync(mochaPath)) {
    throw new Error(`EVENTFLOW_MOCHA_PATH does not name mocha's CommonJS build (got ${mochaPath})`);
  }
  const Mocha = require(mochaPath);
  const suiteDir = process.env.EVENTFLOW_TEST_SUITE_DIR || path.join(__dirname, 'suite');
  const files = fs.readdirSync(suiteDir).filter((f) => f.endsWith('.test.js')).sort();
  const progressFile = `${resultsFile}.progress`;
  const tests = [];
  const t0 = Date.now();

  const record = (runnable, state, err) => {
    const entry = {
      title: runnable.title,
      fullTitle: runnable.fullTitle(),
      file: runnable.file ? path.basename(runnable.file) : undefined,
      state,
      durationMs: typeof runnable.duration === 'number' ? runnable.duration : 0,
    };
    if (err) entry.error = describeError(err);
    tests.push(entry);
    fs.appendFileSync(progressFile, JSON.stringify(entry) + '\n');
  };

  class Collector {
    constructor(runner) {
      runner.on('pass', (test) => record(test, 'passed'));
      runner.on('fail', (runnable, err) => record(runnable, 'failed', err));
      runner.on('pending', (test) => record(test, 'pending'));
    }
  }

  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    fullTrace: true, // keep absolute paths in stacks, so mapStack() can map them to the .ts sources
    reporter: Collector,
    timeout: Number(process.env.EVENTFLOW_TEST_TIMEOUT_MS || 20000),
    grep: process.env.EVENTFLOW_TEST_GREP || undefined,
  });
  for (const f of files) mocha.addFile(path.join(suiteDir, f));

  await new Promise((resolve, reject) => {
    try {
      mocha.run(() => resolve());
    } catch (e) {
      reject(e); // e.g. a test file that throws while it is loaded
    }
  });

  const count = (state) => tests.filter((t) => t.state === state).length;
  writeResults(resultsFile, {
    passed: count('passed'),
    failed: count('failed'),
    pending: count('pending'),
    durationMs: Date.now() - t0,
    files,
    tests,
  });
}

function writeResults(resultsFile, results) {
  const full = { ...results, vscodeVersion: vscode.version, node: process.version };
  const tmp = `${resultsFile}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(full, null, 2) + '\n');
  fs.renameSync(tmp, resultsFile);
}

function describeError(e) {
  if (!e || typeof e !== 'object') return { message: String(e) };
  const out = { message: String(e.message ?? e), stack: typeof e.stack === 'string' ? mapStack(e.stack) : undefined };
  if ('expected' in e || 'actual' in e) {
    out.expected = safeString(e.expected);
    out.actual = safeString(e.actual);
  }
  return out;
}

// The extension host installs its own Error.prepareStackTrace, which bypasses Node's source-map
// support; map the frames of the compiled suite back to the .ts sources here.
function mapStack(stack) {
  const { findSourceMap } = require('node:module');
  const { fileURLToPath } = require('node:url');
  return stack.replace(/([(\s])((?:file:\/\/)?\/[^()\s]+\.js):(\d+):(\d+)/g, (match, pre, file, line, col) => {
    try {
      const map = findSourceMap(file.startsWith('file:') ? fileURLToPath(file) : file);
      const entry = map && map.findEntry(Number(line) - 1, Number(col) - 1);
      if (!entry || !entry.originalSource) return match;
      const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
      return `${pre}${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    } catch {
      return match;
    }
  });
}

function safeString(v) {
  try {
    return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
  } catch {
    return String(v);
  }
}

function deactivate() {}

module.exports = { activate, deactivate };
