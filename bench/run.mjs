#!/usr/bin/env node
// Event Flow benchmark runner (`npm run bench`).
//
//   node bench/run.mjs [--sizes S,M,L] [--quick] [--skip-tsc-l] [--no-lsp] [--seed N]
//
// Generates the S/M/L workspaces when missing (bench/generate.mjs), then measures on the same
// files: the CLI's cold index as a whole process, a parse-only baseline and `tsc --noEmit`, the
// language server over stdio (cold index, request latencies, edit→diagnostics, memory), and
// prints a Markdown table plus the targets. Figures also go to bench/results/<timestamp>.json
// and bench/results/latest.json. See bench/README.md for what each figure means.
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate, SIZES } from './generate.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');
const requireFromRoot = createRequire(join(root, 'package.json'));
let distCli = join(root, 'dist', 'cli.js');
let distServer = join(root, 'dist', 'server.js');
const parseBaseline = join(benchDir, 'parse-baseline.mjs');
const tscBin = join(dirname(requireFromRoot.resolve('typescript/package.json')), 'bin', 'tsc');
const resultsDir = join(benchDir, 'results');
const tmpDir = join(resultsDir, '.tmp');
const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));
const BUILD_HINT = 'dist/cli.js / dist/server.js not found: run npm run build first';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { sizes: ['S', 'M', 'L'], quick: false, skipTscL: false, lsp: true, lspSizes: ['M', 'L'], seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') o.sizes = argv[++i].split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    else if (a === '--quick') o.quick = true;
    else if (a === '--skip-tsc-l') o.skipTscL = true;
    else if (a === '--no-lsp') o.lsp = false;
    else if (a === '--lsp-only') o.lspOnly = true;
    else if (a === '--lsp-sizes') o.lspSizes = argv[++i].split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--dist') o.dist = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/run.mjs [--sizes S,M,L] [--quick] [--skip-tsc-l] [--no-lsp] [--lsp-sizes M,L] [--seed N] [--dist dir] [--lsp-only]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const s of o.sizes) if (!SIZES[s]) throw new Error(`unknown size ${s}`);
  o.lspSizes = o.lspSizes.filter((s) => o.sizes.includes(s));
  o.runs = (size) => (o.quick ? (size === 'L' ? 1 : 3) : size === 'L' ? 3 : 5);
  o.tscRuns = (size) => (o.quick || size === 'L' ? 1 : 3);
  o.requests = o.quick ? 50 : 200;
  o.edits = o.quick ? 30 : 100;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting
// ---------------------------------------------------------------------------------------------

const median = (xs) => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Nearest-rank percentile. */
const percentile = (xs, q) => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
const fmtMs = (ms) => (ms === undefined || ms === null ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
const fmtMb = (kb) => (kb === undefined || kb === null ? 'n/a' : `${Math.round(kb / 1024)} MB`);
const fmtX = (x) => (x === undefined || x === null || !Number.isFinite(x) ? 'n/a' : `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`);
const round1 = (x) => (x === undefined ? undefined : Math.round(x * 10) / 10);

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Whole-process runs: wall time + peak RSS
// ---------------------------------------------------------------------------------------------

let tmpCounter = 0;

/** Process ids below `pid` (Linux /proc; empty elsewhere). */
function descendantsOf(pid) {
  const children = (p) => {
    const out = [];
    try {
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const c = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (c) out.push(...c.split(/\s+/).map(Number));
      }
    } catch {
      // not on Linux, or gone
    }
    return out;
  };
  const all = [];
  const stack = children(pid);
  while (stack.length) {
    const p = stack.pop();
    all.push(p);
    stack.push(...children(p));
  }
  return all;
}

/**
 * Runs `node <args>` as a whole process; stdout goes to a file. Wall time is measured from spawn
 * to exit; peak RSS comes from GNU time (`Maximum resident set size`) or, without it, from
 * polling /proc/<pid>/status VmHWM.
 */
function runNode(args, { timeoutMs = 600_000, nodeFlags = [] } = {}) {
  mkdirSync(tmpDir, { recursive: true });
  const id = `${process.pid}-${tmpCounter++}`;
  const stdoutFile = join(tmpDir, `${id}.out`);
  const timeFile = join(tmpDir, `${id}.time`);
  const outFd = openSync(stdoutFile, 'w');
  const cmd = GNU_TIME ?? process.execPath;
  const cmdArgs = GNU_TIME ? ['-v', '-o', timeFile, process.execPath, ...nodeFlags, ...args] : [...nodeFlags, ...args];
  return new Promise((resolvePromise) => {
    const t0 = performance.now();
    const child = spawn(cmd, cmdArgs, { cwd: root, stdio: ['ignore', outFd, 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-8000);
    });
    let hwmKb = 0;
    const poll = GNU_TIME
      ? null
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
          } catch {
            // the process is gone
          }
        }, 20);
    // On timeout, end the measured node process too (GNU time would leave it running).
    const timer = setTimeout(() => {
      for (const pid of descendantsOf(child.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      child.kill('SIGKILL');
    }, timeoutMs);
    let wallMs;
    child.on('exit', () => {
      wallMs = performance.now() - t0;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      closeSync(outFd);
      let maxRssKb = hwmKb || undefined;
      let cpuMs;
      if (GNU_TIME && existsSync(timeFile)) {
        const t = readFileSync(timeFile, 'utf8');
        const m = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(t);
        if (m) maxRssKb = Number(m[1]);
        const user = /User time \(seconds\):\s*([\d.]+)/.exec(t);
        const sys = /System time \(seconds\):\s*([\d.]+)/.exec(t);
        if (user && sys) cpuMs = (Number(user[1]) + Number(sys[1])) * 1000;
        rmSync(timeFile, { force: true });
      }
      resolvePromise({ wallMs, cpuMs, code, signal, maxRssKb, stderr, stdoutFile });
    });
  });
}

function readAndDrop(file) {
  try {
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(file, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Whole-process measurements: CLI, parse-only baseline, tsc
// ---------------------------------------------------------------------------------------------

async function measureProcesses(size, dir, expected, o, haveCli) {
  const r = { parse: { samples: [], rss: [], cpu: [] }, cli: { samples: [], rss: [], cpu: [] }, tsc: { samples: [], rss: [], cpu: [] } };
  const runs = o.runs(size);
  const timeoutMs = size === 'L' ? 1_200_000 : 300_000;

  // One untimed parse pass warms the page cache for both contenders.
  log(`${size}: warm-up pass`);
  const warm = await runNode([parseBaseline, dir, '--json'], { timeoutMs });
  readAndDrop(warm.stdoutFile);

  for (let i = 0; i < runs; i++) {
    log(`${size}: run ${i + 1}/${runs}: parse-only baseline`);
    const p = await runNode([parseBaseline, dir, '--json'], { timeoutMs });
    const out = readAndDrop(p.stdoutFile);
    if (p.code !== 0) {
      r.parse.error = `exit ${p.code ?? p.signal}: ${p.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      break;
    }
    const info = JSON.parse(out);
    r.parse.samples.push(p.wallMs);
    r.parse.rss.push(p.maxRssKb);
    r.parse.cpu.push(p.cpuMs);
    r.parse.internalMs = [...(r.parse.internalMs ?? []), info.ms];
    r.parse.files = info.files;

    if (!haveCli || r.cli.error) continue;
    log(`${size}: run ${i + 1}/${runs}: eventflow check`);
    const c = await runNode([distCli, 'check', dir, '--format', 'json'], { timeoutMs });
    const text = readAndDrop(c.stdoutFile);
    if (c.code !== 0 && c.code !== 1) {
      r.cli.error = `exit ${c.code ?? c.signal}: ${c.stderr.trim().split('\n').slice(-5).join(' | ') || text.slice(0, 300)}`;
      continue;
    }
    r.cli.samples.push(c.wallMs);
    r.cli.rss.push(c.maxRssKb);
    r.cli.cpu.push(c.cpuMs);
    r.cli.exitCode = c.code;
    if (i === 0) {
      try {
        const report = JSON.parse(text);
        r.cli.sanity = sanityCheck(report, expected);
        r.cli.reportedDurationMs = report?.stats?.durationMs;
      } catch (error) {
        r.cli.sanity = { error: `output is not JSON: ${error.message}` };
      }
    }
  }

  const tscRuns = size === 'L' && o.skipTscL ? 0 : o.tscRuns(size);
  for (let i = 0; i < tscRuns; i++) {
    log(`${size}: run ${i + 1}/${tscRuns}: tsc --noEmit`);
    const t = await runNode([tscBin, '--noEmit', '-p', dir], { timeoutMs: 1_800_000, nodeFlags: ['--max-old-space-size=8192'] });
    const out = readAndDrop(t.stdoutFile);
    if (t.code !== 0) {
      const errors = (out.match(/error TS\d+/g) ?? []).length;
      r.tsc.error = errors ? `${errors} type errors (expected 0)` : `exit ${t.code ?? t.signal}: ${t.stderr.trim().slice(-300)}`;
      if (!errors) break;
    }
    r.tsc.samples.push(t.wallMs);
    r.tsc.rss.push(t.maxRssKb);
    r.tsc.cpu.push(t.cpuMs);
  }
  if (tscRuns === 0) r.tsc.skipped = true;

  for (const k of ['parse', 'cli', 'tsc']) {
    r[k].medianMs = median(r[k].samples);
    r[k].maxRssKb = r[k].rss.length ? Math.max(...r[k].rss.filter(Boolean)) : undefined;
    const cpu = r[k].cpu.filter((x) => x !== undefined);
    r[k].medianCpuMs = cpu.length ? median(cpu) : undefined;
  }
  return r;
}

/** Compares the CLI's JSON report with the generator's ground truth. Informational only. */
function sanityCheck(report, expected) {
  const list = (v) => (Array.isArray(v) ? v : []);
  const count = (v) => (Array.isArray(v) ? v.length : typeof v === 'number' ? v : 0);
  const events = list(report?.events);
  const declared = events.filter((e) => count(e.declarations) > 0).length;
  const publishers = events.reduce((s, e) => s + count(e.publishers), 0);
  const testPublishers = events.reduce((s, e) => s + list(e.publishers).filter((p) => p?.isTest === true).length, 0);
  const handlers = events.reduce((s, e) => s + count(e.handlers), 0);
  // Diagnostics per rule: the distinct keys they name (a rule may fire once per site).
  const byCode = {};
  for (const d of list(report?.diagnostics)) {
    const code = d.code ?? d.rule ?? d.ruleId ?? 'unknown';
    const entry = (byCode[code] ??= { sites: 0, keys: new Set() });
    entry.sites++;
    const key = d.data?.key ?? d.key;
    if (typeof key === 'string') entry.keys.add(key);
  }
  const rules = {};
  for (const [code, planted] of Object.entries(expected.anomalies)) {
    const got = byCode[code];
    const keys = got ? [...got.keys] : [];
    rules[code] = {
      planted: planted.length,
      reportedKeys: keys.length,
      sites: got?.sites ?? 0,
      missing: planted.filter((k) => !keys.includes(k)),
      extra: keys.filter((k) => !planted.includes(k)),
    };
  }
  const otherRules = Object.fromEntries(Object.entries(byCode).filter(([c]) => !(c in expected.anomalies)).map(([c, v]) => [c, v.sites]));
  return {
    filesScanned: [report?.stats?.filesScanned, expected.files.total],
    filesParsed: report?.stats?.filesParsed,
    eventsDeclared: [declared, expected.events.classes],
    publishers: [publishers - testPublishers, expected.publishes.nonTest],
    testPublishers: [testPublishers, expected.publishes.test],
    handlers: [handlers, expected.handlers.total],
    unresolved: count(report?.unresolved),
    skipped: count(report?.skipped),
    rules,
    otherRules,
  };
}

function sanityLine(size, s) {
  if (!s) return undefined;
  if (s.error) return `${size}: ${s.error}`;
  const mark = (ok) => (ok ? '✓' : '✗');
  const pair = (label, [got, want]) => `${label} ${got}/${want} ${mark(got === want)}`;
  const rules = Object.entries(s.rules)
    .map(([code, r]) => {
      const ok = r.missing.length === 0 && r.extra.length === 0;
      const detail = [r.missing.length ? `missing ${r.missing.join(', ')}` : '', r.extra.length ? `extra ${r.extra.join(', ')}` : ''].filter(Boolean).join('; ');
      return `${code} ${r.reportedKeys}/${r.planted} keys ${mark(ok)}${detail ? ` (${detail})` : ''}`;
    })
    .join(', ');
  const others = Object.entries(s.otherRules).map(([c, n]) => `${c} ×${n}`).join(', ');
  return (
    `${size}: ${pair('files', s.filesScanned)}, ${pair('events', s.eventsDeclared)}, ${pair('publishers', s.publishers)} ` +
    `(+${pair('in tests', s.testPublishers)}), ${pair('handlers', s.handlers)}, unresolved ${s.unresolved}, skipped ${s.skipped}; ` +
    `rules (planted keys): ${rules}${others ? `; other diagnostics: ${others}` : ''}`
  );
}

// ---------------------------------------------------------------------------------------------
// Language server over stdio
// ---------------------------------------------------------------------------------------------

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
function positionAt(starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

/** Picks handler and publishing service files spread over the modules, with real positions in them. */
function findTargets(dir, maxFiles = 10) {
  const modulesDir = join(dir, 'src', 'modules');
  const modules = readdirSync(modulesDir).sort();
  const step = Math.max(1, Math.floor(modules.length / maxFiles));
  const handlerFiles = [];
  const serviceFiles = [];
  for (let i = 0; i < modules.length && (handlerFiles.length < maxFiles || serviceFiles.length < maxFiles); i += step) {
    const servicesDir = join(modulesDir, modules[i], 'services');
    if (!existsSync(servicesDir)) continue;
    const names = readdirSync(servicesDir).sort();
    const h = names.find((n) => n.endsWith('-event-handlers.ts'));
    if (h && handlerFiles.length < maxFiles) handlerFiles.push(join(servicesDir, h));
    for (const n of names) {
      if (serviceFiles.length >= maxFiles || !n.endsWith('-service.ts')) continue;
      const text = readFileSync(join(servicesDir, n), 'utf8');
      if (text.includes('.publish()')) {
        serviceFiles.push(join(servicesDir, n));
        break;
      }
    }
  }
  const docs = [];
  const keyPositions = [];
  const completionPositions = [];
  const publishPositions = [];
  for (const file of [...handlerFiles, ...serviceFiles]) {
    const text = readFileSync(file, 'utf8');
    const starts = lineStarts(text);
    const uri = pathToFileURL(file).href;
    docs.push({ uri, file, text });
    for (const m of text.matchAll(/@eventHandler\(\s*'([^']+)'/g)) {
      const keyStart = m.index + m[0].length - m[1].length;
      keyPositions.push({ uri, position: positionAt(starts, keyStart + Math.floor(m[1].length / 2)) });
      completionPositions.push({ uri, position: positionAt(starts, keyStart + m[1].indexOf('.') + 1) });
    }
    for (const m of text.matchAll(/\.publish\(\)/g)) publishPositions.push({ uri, position: positionAt(starts, m.index + 3) });
  }
  // Interleave key and publish positions for hover/implementation/references.
  const mixed = [];
  for (let i = 0; i < Math.max(keyPositions.length, publishPositions.length); i++) {
    if (keyPositions[i]) mixed.push(keyPositions[i]);
    if (publishPositions[i]) mixed.push(publishPositions[i]);
  }
  return { docs, mixed, completionPositions, keyPositions, publishPositions, handlerFiles };
}

function rssKbOf(pid) {
  const read = (p) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  };
  const self = read(pid);
  const descendants = descendantsOf(pid).reduce((sum, p) => sum + read(p), 0);
  return { self: self || undefined, descendants };
}

function resultSize(method, result) {
  if (result === null || result === undefined) return 0;
  if (Array.isArray(result)) return result.length;
  if (method === 'textDocument/completion') return Array.isArray(result.items) ? result.items.length : 0;
  return 1;
}

function hasResult(method, result) {
  if (result === null || result === undefined) return false;
  if (Array.isArray(result)) return result.length > 0;
  if (method === 'textDocument/completion') return Array.isArray(result.items) ? result.items.length > 0 : false;
  if (method === 'textDocument/hover') {
    const c = result.contents;
    if (!c) return false;
    if (typeof c === 'string') return c.length > 0;
    if (Array.isArray(c)) return c.length > 0;
    return Boolean(c.value);
  }
  return true;
}

/** A single contiguous change from `before` to `after` (common prefix/suffix). */
function diffChange(before, after, starts) {
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  )
    suffix++;
  return {
    range: { start: positionAt(starts, prefix), end: positionAt(starts, before.length - suffix) },
    text: after.slice(prefix, after.length - suffix),
  };
}

async function measureServer(size, dir, o) {
  const rpc = requireFromRoot('vscode-jsonrpc/node');
  const result = { size };
  const child = spawn(process.execPath, [distServer, '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-8000);
  });
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    bus.emit('tick');
  });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  conn.onError(() => bus.emit('tick'));
  conn.onClose(() => bus.emit('tick'));

  let initializedAt = null;
  let graphChangedAt = null;
  let progressEndAt = null;
  const diagListeners = new Set();
  // The server announces the start of indexing with `{ indexing: true }`; the cold index is done
  // at the first graphChanged that does not say it is still indexing.
  conn.onNotification('eventFlow/graphChanged', (p) => {
    if (initializedAt !== null && graphChangedAt === null && p?.indexing !== true) graphChangedAt = performance.now();
    bus.emit('tick');
  });
  // vscode-jsonrpc routes `$/progress` to per-token handlers; tokens we did not register land here.
  const onProgress = (p) => {
    if (initializedAt !== null && progressEndAt === null && p?.value?.kind === 'end') progressEndAt = performance.now();
    bus.emit('tick');
  };
  conn.onUnhandledProgress(onProgress);
  conn.onNotification('$/progress', onProgress);
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    const at = performance.now();
    for (const l of diagListeners) l(p, at);
  });
  conn.onNotification(() => {});
  const folders = [{ uri: pathToFileURL(dir).href, name: `bench-${size}` }];
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('workspace/configuration', (p) => (p?.items ?? []).map(() => null));
  conn.onRequest('workspace/workspaceFolders', () => folders);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('client/unregisterCapability', () => null);
  conn.onRequest('window/showMessageRequest', () => null);
  conn.onRequest('workspace/applyEdit', () => ({ applied: false }));
  conn.onRequest(() => null);
  conn.listen();

  const waitUntil = (predicate, timeoutMs, what) =>
    new Promise((resolvePromise, reject) => {
      const check = () => {
        if (predicate()) return done(resolvePromise);
        if (exited) return done(() => reject(new Error(`server exited (${exited.code ?? exited.signal}) while waiting for ${what}: ${stderr.trim().slice(-500)}`)));
      };
      const poll = setInterval(check, 50);
      const timer = setTimeout(() => done(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`))), timeoutMs);
      const done = (fn) => {
        clearInterval(poll);
        clearTimeout(timer);
        bus.off('tick', check);
        fn();
      };
      bus.on('tick', check);
      check();
    });
  const request = (method, params, timeoutMs = 30_000) =>
    Promise.race([
      conn.sendRequest(method, params),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`${method} timed out`)), timeoutMs).unref()),
    ]);

  try {
    const initStart = performance.now();
    const init = await request(
      'initialize',
      {
        processId: process.pid,
        clientInfo: { name: 'eventflow-bench', version: '1' },
        rootUri: folders[0].uri,
        rootPath: dir,
        workspaceFolders: folders,
        capabilities: {
          workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: true },
            publishDiagnostics: { versionSupport: true, relatedInformation: true },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            completion: { completionItem: { snippetSupport: false } },
            implementation: {},
            references: {},
            definition: {},
          },
          window: { workDoneProgress: true },
        },
        initializationOptions: {},
      },
      120_000,
    );
    result.initializeMs = performance.now() - initStart;
    const sync = init?.capabilities?.textDocumentSync;
    const syncKind = typeof sync === 'number' ? sync : sync?.change ?? 1;
    result.textDocumentSync = syncKind === 2 ? 'incremental' : 'full';

    initializedAt = performance.now();
    conn.sendNotification('initialized', {});
    const indexTimeout = size === 'L' ? 900_000 : 300_000;
    await waitUntil(
      () => graphChangedAt !== null || (progressEndAt !== null && performance.now() - progressEndAt > 3000),
      indexTimeout,
      'the cold index (eventFlow/graphChanged or $/progress end)',
    );
    result.coldIndexMs = (graphChangedAt ?? progressEndAt) - initializedAt;
    result.coldIndexSignal = graphChangedAt !== null ? 'eventFlow/graphChanged' : '$/progress end';
    if (progressEndAt !== null) result.progressEndMs = progressEndAt - initializedAt;
    const rss = rssKbOf(child.pid);
    result.rssAfterIndexKb = rss.self;
    result.childRssKb = rss.descendants || undefined;

    // Open the handler and service files; wait for their first diagnostics (bounded).
    const targets = findTargets(dir);
    result.openedFiles = targets.docs.length;
    const firstDiag = new Set();
    const firstListener = (p) => firstDiag.add(p.uri);
    diagListeners.add(firstListener);
    for (const d of targets.docs) {
      conn.sendNotification('textDocument/didOpen', { textDocument: { uri: d.uri, languageId: 'typescript', version: 1, text: d.text } });
    }
    await waitUntil(() => targets.docs.every((d) => firstDiag.has(d.uri)), 10_000, 'diagnostics of the opened files').catch(() => {
      result.openNote = `diagnostics arrived for ${firstDiag.size}/${targets.docs.length} opened files within 10 s`;
    });
    diagListeners.delete(firstListener);

    // Request latencies.
    result.requests = {};
    const methods = [
      ['hover', 'textDocument/hover', targets.mixed],
      ['implementation', 'textDocument/implementation', targets.mixed],
      ['references', 'textDocument/references', targets.mixed],
      ['completion', 'textDocument/completion', targets.completionPositions],
    ];
    for (const [name, method, positions] of methods) {
      const r = { samples: [], hits: 0, errors: 0, items: 0 };
      result.requests[name] = r;
      if (!positions.length) {
        r.error = 'no positions found in the generated files';
        continue;
      }
      log(`${size}: LSP ${name} × ${o.requests}`);
      const warmup = 5;
      for (let i = 0; i < o.requests + warmup; i++) {
        const { uri, position } = positions[i % positions.length];
        const params = { textDocument: { uri }, position };
        if (method === 'textDocument/references') params.context = { includeDeclaration: true };
        if (method === 'textDocument/completion') params.context = { triggerKind: 1 };
        const t0 = performance.now();
        try {
          const res = await request(method, params, 10_000);
          const dt = performance.now() - t0;
          if (i >= warmup) {
            r.samples.push(dt);
            if (hasResult(method, res)) r.hits++;
            r.items += resultSize(method, res);
          }
        } catch (error) {
          if (i >= warmup) r.errors++;
          r.lastError = error?.message ?? String(error);
          if (exited) throw error;
        }
      }
      r.p50 = percentile(r.samples, 0.5);
      r.p95 = percentile(r.samples, 0.95);
      r.count = r.samples.length;
      r.meanItems = r.count ? Math.round((r.items / r.count) * 10) / 10 : 0;
      delete r.items;
      delete r.samples;
      r.positions = positions.length;
    }

    // Edit → diagnostics latency on one handler file.
    const editDoc = targets.docs.find((d) => /@eventHandler\(\s*'[^']+'/.test(d.text) && /static (async )?\w+\(event: [^)]*\): [^{]*\{\n/.test(d.text));
    if (!editDoc) result.edits = { error: 'no handler file with a literal key and a method body found' };
    else {
      log(`${size}: LSP edit→diagnostics × ${o.edits}`);
      const e = { file: relative(dir, editDoc.file), samples: [], timeouts: 0, keyEdits: 0, keyEditsChangedDiagnostics: 0 };
      result.edits = e;
      let text = editDoc.text;
      let version = 1;
      let typed = false;
      let keyChanged = false;
      let lastDiagnostics = null;
      const originalKeyMatch = /@eventHandler\(\s*'([^']+)'/.exec(text);
      const originalKey = originalKeyMatch[1];
      for (let i = 0; i < o.edits; i++) {
        const before = text;
        const isKeyEdit = i % 10 === 9;
        if (isKeyEdit) {
          const from = keyChanged ? `'${originalKey}x'` : `'${originalKey}'`;
          const to = keyChanged ? `'${originalKey}'` : `'${originalKey}x'`;
          const at = text.indexOf(`@eventHandler(${from}`);
          text = text.slice(0, at) + `@eventHandler(${to}` + text.slice(at + `@eventHandler(${from}`.length);
          keyChanged = !keyChanged;
          e.keyEdits++;
        } else {
          const m = /static (async )?\w+\(event: [^)]*\): [^{]*\{(x?)\n/.exec(text);
          const at = m.index + m[0].length - 1 - m[2].length; // right after the method body's `{`
          text = typed ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + 'x' + text.slice(at);
          typed = !typed;
        }
        version++;
        const starts = lineStarts(before);
        const change = syncKind === 2 ? diffChange(before, text, starts) : { text };
        const sentVersion = version;
        let arrived = null;
        const listener = (p, at) => {
          if (arrived || p.uri !== editDoc.uri) return;
          if (typeof p.version === 'number' && p.version < sentVersion) return; // stale
          arrived = { at, diagnostics: p.diagnostics };
          bus.emit('tick');
        };
        diagListeners.add(listener);
        const t0 = performance.now();
        conn.sendNotification('textDocument/didChange', { textDocument: { uri: editDoc.uri, version }, contentChanges: [change] });
        try {
          await waitUntil(() => arrived !== null, 5_000, 'publishDiagnostics after didChange');
          e.samples.push(arrived.at - t0);
          const sig = JSON.stringify((arrived.diagnostics ?? []).map((d) => [d.code, d.message]));
          if (isKeyEdit && lastDiagnostics !== null && sig !== lastDiagnostics) e.keyEditsChangedDiagnostics++;
          lastDiagnostics = sig;
        } catch (error) {
          if (exited) throw error;
          e.timeouts++;
        } finally {
          diagListeners.delete(listener);
        }
      }
      e.count = e.samples.length;
      e.p50 = percentile(e.samples, 0.5);
      e.p95 = percentile(e.samples, 0.95);
      e.max = e.samples.length ? Math.max(...e.samples) : undefined;
      delete e.samples;
    }
    result.rssAtEndKb = rssKbOf(child.pid).self;
  } catch (error) {
    result.error = error?.message ?? String(error);
  } finally {
    try {
      if (!exited) {
        await request('shutdown', null, 5_000);
        conn.sendNotification('exit');
      }
    } catch {
      // fall through to the kill below
    }
    await new Promise((r) => {
      if (exited) return r();
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        r();
      }, 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        r();
      });
    });
    conn.dispose();
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function machineInfo() {
  let commit;
  try {
    const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
    commit = r.status === 0 ? r.stdout.trim() : undefined;
  } catch {
    commit = undefined;
  }
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus[0]?.model?.trim(),
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    typescript: requireFromRoot('typescript/package.json').version,
    commit,
    distBuiltAt: existsSync(distCli) ? statSync(distCli).mtime.toISOString() : undefined,
    peakRssSource: GNU_TIME ? `${GNU_TIME} -v` : '/proc/<pid>/status VmHWM polling',
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/**
 * A fast answer is only worth something when it is right: a target whose measurement produced
 * no real results (an empty index, empty answers, diagnostics that never change) is not met.
 */
function evaluateTargets(results) {
  const s = (size) => results.sizes[size];
  const cli = (size) => s(size)?.processes?.cli?.medianMs;
  const parse = (size) => s(size)?.processes?.parse?.medianMs;
  const tsc = (size) => s(size)?.processes?.tsc?.medianMs;
  const lsp = (size) => s(size)?.server;
  // The CLI found at least 90% of the planted events.
  const cliSane = (size) => {
    const sanity = s(size)?.processes?.cli?.sanity;
    if (!sanity || sanity.error) return false;
    const [got, want] = sanity.eventsDeclared;
    return got >= 0.9 * want;
  };
  const insane = ' (CLI found too few events)';
  const targets = [];
  const add = (name, value, pass, shown) => targets.push({ name, value, pass, shown });
  for (const size of ['M', 'L']) {
    const ratio = cli(size) !== undefined && parse(size) ? cli(size) / parse(size) : undefined;
    const ok = cliSane(size);
    add(`cold index ≤ 1.0× parse-only baseline on ${size}`, ratio, ratio === undefined ? undefined : ratio <= 1.0 && ok, `${fmtX(ratio)}${ratio !== undefined && !ok ? insane : ''}`);
  }
  {
    const speedup = cli('M') && tsc('M') ? tsc('M') / cli('M') : undefined;
    const ok = cliSane('M');
    add('≥ 10× faster than tsc --noEmit on M', speedup, speedup === undefined ? undefined : speedup >= 10 && ok, speedup === undefined ? 'n/a' : `${fmtX(speedup)} faster${ok ? '' : insane}`);
  }
  {
    const growth = cli('L') && cli('M') ? cli('L') / cli('M') : undefined;
    const ok = cliSane('M') && cliSane('L');
    add('L within 11× of M (cold index)', growth, growth === undefined ? undefined : growth <= 11 && ok, `${fmtX(growth)}${growth !== undefined && !ok ? insane : ''}`);
  }
  for (const size of ['M', 'L']) {
    const e = lsp(size)?.edits;
    const p95 = e && !e.error && e.count ? e.p95 : undefined;
    const changed = e?.keyEdits ? e.keyEditsChangedDiagnostics > 0 : true;
    const pass = p95 === undefined ? undefined : p95 <= 20 && (e.timeouts ?? 0) === 0 && changed;
    const notes = [e?.timeouts ? `${e.timeouts} timeouts` : '', changed ? '' : 'key edits never changed the diagnostics'].filter(Boolean).join(', ');
    add(`edit→diagnostics p95 ≤ 20 ms on ${size}`, p95, pass, p95 === undefined ? 'n/a' : `${fmtMs(p95)}${notes ? ` (${notes})` : ''}`);
  }
  for (const name of ['hover', 'implementation', 'references', 'completion']) {
    const r = lsp('L')?.requests?.[name];
    const p95 = r && r.count ? r.p95 : undefined;
    const answered = r && r.count ? r.hits >= r.count / 2 : false;
    const pass = p95 === undefined ? undefined : p95 <= 10 && r.errors === 0 && answered;
    const notes = [r?.errors ? `${r.errors} errors` : '', p95 !== undefined && !answered ? `only ${r.hits}/${r.count} non-empty answers` : ''].filter(Boolean).join(', ');
    add(`${name} p95 ≤ 10 ms on L`, p95, pass, p95 === undefined ? 'n/a' : `${fmtMs(p95)}${notes ? ` (${notes})` : ''}`);
  }
  {
    const rss = lsp('L')?.rssAfterIndexKb;
    add('server RSS after indexing L ≤ 500 MB', rss, rss === undefined ? undefined : rss <= 500 * 1024, fmtMb(rss));
  }
  return targets;
}

function renderMarkdown(results, o) {
  const sizes = o.sizes;
  const L = [];
  const m = results.machine;
  L.push(`## Event Flow benchmark — ${results.timestamp}`);
  L.push('');
  L.push(
    `Machine: ${m.cores} cores (os.availableParallelism()), ${m.cpu ?? 'unknown CPU'}, ${m.totalMemoryMb} MB RAM, ` +
      `Node ${m.node}, ${m.platform}, TypeScript ${m.typescript}${m.commit ? `, commit ${m.commit}` : ''}. ` +
      `Peak RSS from ${m.peakRssSource}. Load average (1 min) ${m.loadAverageAtStart?.[0]} at start, ${m.loadAverageAtEnd?.[0]} at end` +
      `${m.loadAverageAtStart?.[0] > m.cores * 0.5 ? ' — **the machine was already busy at start; timings are noisy**' : ''}.` +
      `${o.quick ? ' **--quick** (fewer repetitions).' : ''} Total ${results.totalSeconds} s.`,
  );
  L.push('');
  const row = (label, fn) => `| ${label} | ${sizes.map((s) => fn(results.sizes[s], s) ?? 'n/a').join(' | ')} |`;
  L.push(`| Figure | ${sizes.join(' | ')} |`);
  L.push(`|---|${sizes.map(() => '---:').join('|')}|`);
  L.push(row('Files / lines', (r) => `${r.expected.files.total.toLocaleString('en-US')} / ${r.expected.files.lines.toLocaleString('en-US')}`));
  const n = (x) => x.toLocaleString('en-US');
  L.push(row('Events / publishes / handlers (planted)', (r) => `${n(r.expected.events.classes)} / ${n(r.expected.publishes.nonTest)} / ${n(r.expected.handlers.total)}`));
  L.push(row('Generation', (r) => (r.generation.skipped ? 'cached' : fmtMs(r.generation.ms))));
  const proc = (r) => r.processes;
  const runsNote = (r, k) => (proc(r)?.[k]?.samples?.length ? ` (n=${proc(r)[k].samples.length})` : '');
  if (sizes.some((size) => results.sizes[size].processes)) {
    L.push(row('**Cold index, `eventflow check --format json`** (median)', (r) => proc(r)?.cli?.error ? `error` : proc(r)?.cli?.medianMs === undefined ? 'n/a' : `**${fmtMs(proc(r).cli.medianMs)}**${runsNote(r, 'cli')}`));
    L.push(row('— CPU time, user + sys (median)', (r) => fmtMs(proc(r)?.cli?.medianCpuMs)));
    L.push(row('— peak RSS', (r) => fmtMb(proc(r)?.cli?.maxRssKb)));
    L.push(row('— stats.durationMs reported by the CLI (1st run)', (r) => fmtMs(proc(r)?.cli?.reportedDurationMs)));
    L.push(row('Parse-only baseline, whole process (median)', (r) => `${fmtMs(proc(r)?.parse?.medianMs)}${runsNote(r, 'parse')}`));
    L.push(row('— of which read + parse loop (median)', (r) => fmtMs(median(proc(r)?.parse?.internalMs ?? []))));
    L.push(row('— CPU time, user + sys (median)', (r) => fmtMs(proc(r)?.parse?.medianCpuMs)));
    L.push(row('— peak RSS', (r) => fmtMb(proc(r)?.parse?.maxRssKb)));
    L.push(row('`tsc --noEmit -p` (median)', (r) => (proc(r)?.tsc?.skipped ? 'skipped' : proc(r)?.tsc?.error && !proc(r).tsc.samples.length ? 'error' : `${fmtMs(proc(r)?.tsc?.medianMs)}${runsNote(r, 'tsc')}`)));
    L.push(row('— CPU time, user + sys (median)', (r) => fmtMs(proc(r)?.tsc?.medianCpuMs)));
    L.push(row('— peak RSS', (r) => fmtMb(proc(r)?.tsc?.maxRssKb)));
    L.push(row('Ours ÷ parse-only (wall)', (r) => fmtX(proc(r)?.cli?.medianMs / proc(r)?.parse?.medianMs)));
    L.push(row('Ours ÷ parse-only (CPU time; less sensitive to a busy machine)', (r) => fmtX(proc(r)?.cli?.medianCpuMs / proc(r)?.parse?.medianCpuMs)));
    L.push(row('tsc ÷ ours (speed-up)', (r) => fmtX(proc(r)?.tsc?.medianMs / proc(r)?.cli?.medianMs)));
  }
  const srv = (r) => r.server;
  const anyServer = sizes.some((s) => results.sizes[s].server);
  if (anyServer) {
    L.push(row('**LSP cold index** (initialized → graphChanged)', (r) => (srv(r)?.error && srv(r).coldIndexMs === undefined ? 'error' : srv(r) ? `**${fmtMs(srv(r).coldIndexMs)}**${srv(r).coldIndexSignal && srv(r).coldIndexSignal !== 'eventFlow/graphChanged' ? ' (progress end)' : ''}` : '–')));
    L.push(row('— initialize request (before the timer starts)', (r) => (srv(r) ? fmtMs(srv(r).initializeMs) : '–')));
    L.push(row('— server RSS after cold index', (r) => (srv(r) ? fmtMb(srv(r).rssAfterIndexKb) : '–')));
    for (const name of ['hover', 'implementation', 'references', 'completion']) {
      L.push(
        row(`${name} p50 / p95 (hits, mean items)`, (r) => {
          const q = srv(r)?.requests?.[name];
          if (!srv(r)) return '–';
          if (!q || q.error) return q?.error ? 'error' : 'n/a';
          const items = name === 'hover' ? '' : `, ~${q.meanItems} items`;
          return `${fmtMs(q.p50)} / ${fmtMs(q.p95)} (${q.hits}/${q.count}${items}${q.errors ? `, ${q.errors} err` : ''})`;
        }),
      );
    }
    L.push(
      row('edit → diagnostics p50 / p95', (r) => {
        const e = srv(r)?.edits;
        if (!srv(r)) return '–';
        if (!e || e.error || !e.count) return 'n/a';
        return `${fmtMs(e.p50)} / ${fmtMs(e.p95)} (n=${e.count}${e.timeouts ? `, ${e.timeouts} timeouts` : ''})`;
      }),
    );
  }
  L.push('');
  L.push('| Target | Result | |');
  L.push('|---|---:|:-:|');
  for (const t of results.targets) L.push(`| ${t.name} | ${t.shown} | ${t.pass === undefined ? '–' : t.pass ? '✓' : '✗'} |`);
  const notes = [];
  for (const s of sizes) {
    const r = results.sizes[s];
    if (r.processes?.cli?.error) notes.push(`${s}: eventflow check failed: ${r.processes.cli.error}`);
    if (r.processes?.parse?.error) notes.push(`${s}: parse baseline failed: ${r.processes.parse.error}`);
    if (r.processes?.tsc?.error) notes.push(`${s}: tsc: ${r.processes.tsc.error}`);
    if (r.server?.error) notes.push(`${s}: language server: ${r.server.error}`);
    if (r.server?.openNote) notes.push(`${s}: ${r.server.openNote}`);
    if (r.server?.edits?.error) notes.push(`${s}: edits: ${r.server.edits.error}`);
    if (r.server?.edits?.keyEdits) notes.push(`${s}: ${r.server.edits.keyEditsChangedDiagnostics}/${r.server.edits.keyEdits} handler-key edits changed the file's diagnostics (server sync: ${r.server.textDocumentSync}).`);
    for (const [name, q] of Object.entries(r.server?.requests ?? {})) {
      if (q.lastError) notes.push(`${s}: ${name}: ${q.errors} errors, last: ${q.lastError}`);
      if (q.count && q.hits < q.count / 2) notes.push(`⚠ ${s}: ${name} answered only ${q.hits}/${q.count} requests with a result — is the server's index empty?`);
    }
    const line = sanityLine(s, r.processes?.cli?.sanity);
    if (line) notes.push(`sanity vs expected.json — ${line}`);
  }
  if (results.missingDist) notes.unshift(`**${BUILD_HINT}** — only the generator and the baselines ran.`);
  if (notes.length) {
    L.push('');
    for (const n of notes) L.push(`- ${n}`);
  }
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.dist) {
    distCli = join(resolve(o.dist), 'cli.js');
    distServer = join(resolve(o.dist), 'server.js');
  }
  const started = performance.now();
  const haveCli = existsSync(distCli);
  const haveServer = existsSync(distServer);
  if (!haveCli || !haveServer) log(`${BUILD_HINT}; measuring the generator and the baselines only`);
  const timestamp = new Date().toISOString();
  const results = { timestamp, machine: machineInfo(), options: { ...o, runs: undefined, tscRuns: undefined }, sizes: {}, missingDist: !haveCli || !haveServer };

  for (const size of o.sizes) {
    log(`${size}: generating (if missing)`);
    const gen = generate({ size, seed: o.seed, quiet: true });
    const r = { dir: gen.out, generation: { skipped: gen.skipped, ms: round1(gen.ms) }, expected: gen.expected };
    results.sizes[size] = r;
    if (!o.lspOnly) r.processes = await measureProcesses(size, gen.out, gen.expected, o, haveCli);
    if (o.lsp && o.lspSizes.includes(size) && haveServer) {
      log(`${size}: language server`);
      r.server = await measureServer(size, gen.out, o);
    }
  }
  results.targets = evaluateTargets(results);
  results.totalSeconds = Math.round((performance.now() - started) / 1000);
  results.machine.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);

  const md = renderMarkdown(results, o);
  console.log(md);
  console.log(`\n(total ${results.totalSeconds} s)`);
  mkdirSync(resultsDir, { recursive: true });
  const json = JSON.stringify({ ...results, markdown: md }, null, 2) + '\n';
  const file = join(resultsDir, `${timestamp.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, json);
  writeFileSync(join(resultsDir, 'latest.json'), json);
  rmSync(tmpDir, { recursive: true, force: true });
  log(`figures written to ${relative(root, file)} and bench/results/latest.json`);
  if (results.missingDist) {
    console.error(`\nbench: ${BUILD_HINT}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`bench: ${error?.stack ?? error}`);
  process.exit(2);
});
