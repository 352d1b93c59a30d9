#!/usr/bin/env node
// The real-VS Code environment: code-server (VS Code's own server, workbench and Node
// extension host, published on npm) run by Node 24, plus Debian's Chromium to show the
// workbench. The project notes on running a real VS Code here explain why it is built this way.
//
//   node scripts/vscode-env.mjs        prepare the cache (idempotent) and print what it has
//
// Everything lives in the git-ignored cache `.vscode-test/` at the repo root
// (EVENTFLOW_VSCODE_CACHE moves it, e.g. to a folder that outlives fresh clones).
// A marker file with the versions makes a warm `prepare()` take milliseconds.
//
// Exports, for scripts/start.mjs, test/extension/run.mjs and test/ui/:
//   prepare()                       -> { node24, codeServerBin, chromium, ... }
//   buildExtension(extensionDir)    runs <dir>/scripts/build.mjs when it exists
//   installExtension(extensionDir, extensionsDir) -> { id, dir }
//   startCodeServer({ folder, port, extensionsDir, userDataDir, env, settings, logFile })
//                                   -> { url, folderUrl, port, pid, logFile, stop(), exited }
//   processGroupMembers(pgid), logTail(file, lines), EnvError
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync,
  symlinkSync, writeFileSync, readlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VERSIONS = Object.freeze({ node: '24.21.0', codeServer: '4.139.1' });
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = resolve(process.env.EVENTFLOW_VSCODE_CACHE || join(repoRoot, '.vscode-test'));
/** The extension the scripts build, install and test: the repo, unless EVENTFLOW_EXTENSION_DIR says otherwise. */
export const defaultExtensionDir = resolve(process.env.EVENTFLOW_EXTENSION_DIR || repoRoot);
/** The folder the workbench opens: the repo's sample, unless EVENTFLOW_SAMPLE_DIR says otherwise. */
export const defaultSampleDir = resolve(process.env.EVENTFLOW_SAMPLE_DIR || join(repoRoot, 'sample-workspace'));

const CHROMIUM = process.env.EVENTFLOW_CHROMIUM || '/usr/bin/chromium';
const markerFile = join(cacheDir, 'ready.json');
const nodePackage = `node-${process.platform}-${process.arch}`;
const node24Dir = join(cacheDir, 'node24', 'node_modules', nodePackage);
const codeServerPrefix = join(cacheDir, 'code-server');
const codeServerPackageDir = join(codeServerPrefix, 'node_modules', 'code-server');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A failure whose message is one readable paragraph; the CLIs print it without a stack. */
export class EnvError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EnvError';
  }
}

function log(message) {
  process.stderr.write(`[vscode-env] ${message}\n`);
}

// ---------------------------------------------------------------------------------------
// prepare()

/**
 * Makes sure Node 24, code-server and Chromium are there and returns their paths.
 * Quick when the cache is warm; installs (with progress on stderr) when it is not.
 */
export async function prepare({ quiet = false } = {}) {
  const say = quiet ? () => {} : log;
  const t0 = Date.now();
  const apt = aptRunner(say);
  const warm = isWarm();
  if (!warm) {
    // Several people may share one working tree: one prepare at a time installs into the cache.
    const release = await lockCache(say);
    try {
      if (!isWarm()) {
        say(`preparing ${cacheDir} (Node ${VERSIONS.node}, code-server ${VERSIONS.codeServer}); the first time takes a few minutes`);
        await ensureNode24(say);
        await ensureBuildPrerequisites(say, apt);
        await ensureCodeServer(say);
        writeFileSync(markerFile, JSON.stringify({
          node: VERSIONS.node,
          codeServer: VERSIONS.codeServer,
          platform: `${process.platform}-${process.arch}`,
          preparedAt: new Date().toISOString(),
        }, null, 2) + '\n');
      }
    } finally {
      release();
    }
  }
  const chromium = await ensureChromium(say, apt);
  const node24 = join(node24Dir, 'bin', 'node');
  const paths = {
    cacheDir,
    node24,
    node24BinDir: dirname(node24),
    codeServerBin: codeServerEntry(), // a JS entry point: run it with node24
    codeServerVersion: VERSIONS.codeServer,
    vscodeVersion: readJson(join(codeServerPackageDir, 'lib', 'vscode', 'package.json'))?.version ?? '?',
    chromium,
    warm,
    seconds: (Date.now() - t0) / 1000,
  };
  if (!warm) say(`ready in ${paths.seconds.toFixed(1)} s`);
  return paths;
}

/** The marker names the versions the cache was prepared with; the files must still be there. */
function isWarm() {
  const m = readJson(markerFile);
  return m?.node === VERSIONS.node && m?.codeServer === VERSIONS.codeServer &&
    m?.platform === `${process.platform}-${process.arch}` &&
    existsSync(join(node24Dir, 'bin', 'node')) && existsSync(codeServerEntry());
}

/** An exclusive lock on the cache (a directory holding the owner's pid); stale locks are taken over. */
async function lockCache(say) {
  mkdirSync(cacheDir, { recursive: true });
  const lockDir = join(cacheDir, '.prepare.lock');
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      const release = () => rmSync(lockDir, { recursive: true, force: true });
      process.once('exit', release);
      return () => { process.off('exit', release); release(); };
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const owner = Number(readFileSync(join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
    let ownerAlive = false;
    if (owner) try { process.kill(owner, 0); ownerAlive = true; } catch { /* gone */ }
    const lockAge = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((owner && !ownerAlive) || (!owner && lockAge > 10_000)) {
      rmSync(lockDir, { recursive: true, force: true }); // left by a prepare that died
      continue;
    }
    if (!announced) say(`waiting for another prepare of ${cacheDir} (pid ${owner || '?'}) to finish`);
    announced = true;
    await sleep(1000);
  }
}

async function ensureNode24(say) {
  const bin = join(node24Dir, 'bin', 'node');
  if (existsSync(bin) && versionOf(bin) === `v${VERSIONS.node}`) return;
  if (!['linux', 'darwin'].includes(process.platform)) {
    throw new EnvError(`Node ${VERSIONS.node} comes from the npm package ${nodePackage}, which is only used here on Linux and macOS; this machine is ${process.platform}-${process.arch}. Install Node 24 by other means and point EVENTFLOW_VSCODE_CACHE at a prepared cache.`);
  }
  say(`installing Node ${VERSIONS.node} from npm (${nodePackage}) into ${dirname(dirname(node24Dir))}`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', join(cacheDir, 'node24'), `${nodePackage}@${VERSIONS.node}`],
    { label: `Node ${VERSIONS.node}`, say, hint: `It comes from the npm registry as the package ${nodePackage}@${VERSIONS.node}.` });
  const got = existsSync(bin) ? versionOf(bin) : 'nothing';
  if (got !== `v${VERSIONS.node}`) {
    throw new EnvError(`Installing ${nodePackage}@${VERSIONS.node} finished but ${bin} reports ${got} instead of v${VERSIONS.node}. Delete ${join(cacheDir, 'node24')} and run \`node scripts/vscode-env.mjs\` again.`);
  }
}

async function ensureBuildPrerequisites(say, apt) {
  // code-server's install builds native modules with node-gyp; `kerberos` needs GSSAPI headers.
  const missing = [];
  if (!hasDebPackage('libkrb5-dev', ['/usr/include/gssapi/gssapi.h'])) missing.push('libkrb5-dev');
  if (!onPath('make') || !onPath('g++')) missing.push('build-essential');
  if (!onPath('python3')) missing.push('python3');
  if (missing.length === 0) return;
  if (!isRoot || !onPath('apt-get')) {
    throw new EnvError(`Building code-server's native modules needs ${missing.join(', ')}, which this machine lacks, and this script installs system packages only when it runs as root with apt-get. Install them (on Debian: \`sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\`) and run \`node scripts/vscode-env.mjs\` again.`);
  }
  await apt.install(missing);
}

async function ensureCodeServer(say) {
  const pkg = join(codeServerPackageDir, 'package.json');
  if (existsSync(pkg) && readJson(pkg)?.version === VERSIONS.codeServer && existsSync(codeServerEntry()) &&
      existsSync(join(codeServerPackageDir, 'lib', 'vscode', 'node_modules'))) {
    return;
  }
  say(`installing code-server ${VERSIONS.codeServer} with Node ${VERSIONS.node} into ${codeServerPrefix} (about 2 minutes and 620 MB; native modules are built for Node 24)`);
  const env = { ...process.env, PATH: [join(node24Dir, 'bin'), process.env.PATH].join(delimiter) };
  // Run from an npm script (`npm test`), the outer npm's user agent ("node/v20") is in the
  // environment, and the nested npm would pass it on: code-server's postinstall reads the Node
  // version from it and refuses. The nested npm sets its own when none is inherited.
  delete env.npm_config_user_agent;
  // `npm` is a `#!/usr/bin/env node` script, so with Node 24 first on PATH npm and every install
  // script run on Node 24; --nodedir makes node-gyp build against Node 24's headers, not the
  // machine-wide `nodedir=/usr` (Node 20) that npm is configured with here.
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--foreground-scripts', `--nodedir=${node24Dir}`,
    '--prefix', codeServerPrefix, `code-server@${VERSIONS.codeServer}`],
  { env, label: `code-server ${VERSIONS.codeServer}`, say,
    hint: `If a native module failed to build, check that libkrb5-dev, make, g++ and python3 are installed and that ${node24Dir}/include exists. Delete ${codeServerPrefix} to start over.` });
  if (!existsSync(codeServerEntry())) {
    throw new EnvError(`code-server ${VERSIONS.codeServer} was installed into ${codeServerPrefix} but its entry point ${codeServerEntry()} is missing. Delete ${codeServerPrefix} and run \`node scripts/vscode-env.mjs\` again.`);
  }
}

function codeServerEntry() {
  const pkg = readJson(join(codeServerPackageDir, 'package.json'));
  const bin = typeof pkg?.bin === 'string' ? pkg.bin : pkg?.bin?.['code-server'];
  return join(codeServerPackageDir, bin || 'out/node/entry.js');
}

async function ensureChromium(say, apt) {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (CHROMIUM === '/usr/bin/chromium' && isRoot && onPath('apt-get')) {
    say('Chromium is missing; installing Debian\'s `chromium` package');
    await apt.install(['chromium']);
    if (existsSync(CHROMIUM)) return CHROMIUM;
  }
  throw new EnvError(`The workbench needs a Chromium at ${CHROMIUM} and there is none. On Debian install it with \`sudo apt-get update && sudo apt-get install -y chromium\` (this script does that itself only when it runs as root), or point EVENTFLOW_CHROMIUM at another Chromium or Chrome binary. Playwright's own browser download does not work on these machines.`);
}

function aptRunner(say) {
  let updated = false;
  return {
    async install(packages) {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      if (!updated) {
        say('apt-get update');
        await run('apt-get', ['update'], { env, label: 'apt-get update', say, quietOutput: true });
        updated = true;
      }
      say(`apt-get install -y ${packages.join(' ')}`);
      await run('apt-get', ['install', '-y', ...packages], { env, label: `apt-get install ${packages.join(' ')}`, say, quietOutput: true });
    },
  };
}

// ---------------------------------------------------------------------------------------
// building and installing an extension

/** Runs `<extensionDir>/scripts/build.mjs` when there is one; returns whether it did. */
export async function buildExtension(extensionDir = defaultExtensionDir, { say = log } = {}) {
  const script = join(extensionDir, 'scripts', 'build.mjs');
  if (!existsSync(script)) {
    say(`no ${script}; using ${extensionDir} as it is`);
    return false;
  }
  say(`building: node ${script}`);
  const r = spawnSync(process.execPath, [script], { cwd: extensionDir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    throw new EnvError(`The extension build \`node ${script}\` failed (exit ${r.status ?? r.signal}); its errors are printed above.`);
  }
  return true;
}

/**
 * Copies the extension at `extensionDir` into `extensionsDir` as the folder
 * `<publisher>.<name>-<version>`, the way VS Code lays out installed extensions: package.json,
 * dist/, README.md, LICENSE, media/, package.nls*.json and the `main`/`browser` entry when it is
 * outside dist/ (whatever exists). Older copies of the same extension are removed first.
 */
export function installExtension(extensionDir, extensionsDir) {
  const manifestFile = join(extensionDir, 'package.json');
  const manifest = readJson(manifestFile);
  if (!manifest) throw new EnvError(`There is no readable ${manifestFile}, so ${extensionDir} cannot be installed as an extension.`);
  for (const key of ['publisher', 'name', 'version']) {
    if (!manifest[key]) throw new EnvError(`${manifestFile} has no "${key}", which VS Code needs to load it as an installed extension.`);
  }
  const id = `${manifest.publisher}.${manifest.name}`;
  mkdirSync(extensionsDir, { recursive: true });
  for (const entry of readdirSync(extensionsDir)) {
    if (entry.toLowerCase().startsWith(`${id.toLowerCase()}-`)) rmSync(join(extensionsDir, entry), { recursive: true, force: true });
  }
  const target = join(extensionsDir, `${id}-${manifest.version}`);
  mkdirSync(target, { recursive: true });
  const items = ['package.json', 'dist', 'README.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', 'CHANGELOG.md', 'media', 'schemas', 'client/snippets'];
  for (const entry of readdirSync(extensionDir)) if (/^package\.nls(\..+)?\.json$/.test(entry)) items.push(entry);
  for (const key of ['main', 'browser']) {
    if (typeof manifest[key] !== 'string') continue;
    const rel = manifest[key].replace(/^\.\//, '');
    if (rel.startsWith('dist/')) continue;
    for (const candidate of [rel, `${rel}.js`]) if (existsSync(join(extensionDir, candidate))) items.push(candidate);
  }
  for (const item of new Set(items)) {
    const from = join(extensionDir, item);
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(target, item)), { recursive: true });
    cpSync(from, join(target, item), { recursive: true });
  }
  return { id, dir: target, manifest };
}

// ---------------------------------------------------------------------------------------
// code-server

export const DEFAULT_SETTINGS = Object.freeze({
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  // No agent host / copilot-runtime processes, no empty chat side bar.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
});

/**
 * What the test runners add to DEFAULT_SETTINGS: VS Code's default `files.autoSave: afterDelay`
 * would save a test's "unsaved" change a second later, whenever the machine is slow enough.
 */
export const TEST_SETTINGS = Object.freeze({
  'files.autoSave': 'off',
});

/**
 * Starts code-server on 127.0.0.1 in its own process group and waits until it serves HTTP.
 * `stop()` ends the whole group (and any descendant that left it) and waits until none is left.
 */
export async function startCodeServer({
  folder, port, extensionsDir, userDataDir, env = {}, settings = {}, logFile, paths, say = log,
} = {}) {
  paths ??= await prepare({ quiet: true });
  if (!folder || !isAbsolute(folder)) throw new EnvError(`startCodeServer needs an absolute folder; got ${folder}.`);
  if (!extensionsDir || !userDataDir) throw new EnvError('startCodeServer needs extensionsDir and userDataDir.');
  mkdirSync(folder, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, settings);
  port = Number(port || process.env.PORT || 0) || await freePort();
  logFile ??= join(userDataDir, 'code-server.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  // VS Code's server puts IPC sockets (vscode-ipc-*.sock) into the temp dir and leaves them there;
  // give it a short private one (socket paths are limited to 108 bytes) that stop() removes.
  const tmp = mkdtempSync(join(tmpdir(), 'eventflow-cs-'));

  const args = [
    paths.codeServerBin,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--config', join(userDataDir, 'code-server-config.yaml'),
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    folder,
  ];
  const child = spawn(paths.node24, args, {
    detached: true, // its own session and process group, so stop() can end every process in it
    stdio: ['ignore', out, out],
    env: { ...process.env, PATH: [paths.node24BinDir, process.env.PATH].join(delimiter), TMPDIR: tmp, ...env },
  });
  closeSync(out);
  const pgid = child.pid;
  let exitInfo;
  const exited = new Promise((res) => child.once('exit', (code, signal) => { exitInfo = { code, signal }; res(exitInfo); }));
  child.once('error', (e) => { exitInfo = { code: null, signal: null, error: e }; });

  // Remember every descendant (pid and start time, so a reused pid is never signalled), in case
  // one moves to its own group or session.
  const tracked = new Map();
  const stillOurs = (pid) => { const st = readStat(pid); return st !== undefined && st.state !== 'Z' && st.start === tracked.get(pid); };
  const snapshot = () => {
    for (const pid of tracked.keys()) if (!stillOurs(pid)) tracked.delete(pid);
    for (const st of descendantsOf(pgid)) tracked.set(st.pid, st.start);
  };
  const snapshotTimer = setInterval(snapshot, 1000);
  snapshotTimer.unref();
  const killAllSync = (signal) => {
    try { process.kill(-pgid, signal); } catch { /* group gone */ }
    for (const pid of tracked.keys()) if (stillOurs(pid)) try { process.kill(pid, signal); } catch { /* gone */ }
  };
  const onExit = () => { // last resort if our process exits without stop()
    killAllSync('SIGKILL');
    try { rmSync(tmp, { recursive: true, force: true }); } catch { /* best effort */ }
  };
  process.on('exit', onExit);

  let stopping;
  const stop = () => (stopping ??= (async () => {
    clearInterval(snapshotTimer);
    snapshot();
    const left = () => [...new Set([...processGroupMembers(pgid), ...[...tracked.keys()].filter(stillOurs)])];
    killAllSync('SIGTERM');
    let ok = await waitUntil(() => exitInfo && left().length === 0, 8000);
    if (!ok) {
      killAllSync('SIGKILL');
      ok = await waitUntil(() => exitInfo && left().length === 0, 5000);
    }
    process.off('exit', onExit);
    if (ok) rmSync(tmp, { recursive: true, force: true });
    if (!ok) say(`warning: processes of code-server still alive after SIGKILL: ${left().join(' ')}`);
    return ok;
  })());

  const url = `http://127.0.0.1:${port}/`;
  const folderUrl = `${url}?folder=${folder.split('/').map(encodeURIComponent).join('/')}`;
  const startTimeoutMs = Number(process.env.EVENTFLOW_CODE_SERVER_START_TIMEOUT || 90_000);
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exitInfo) {
      await stop();
      throw new EnvError(`code-server exited before it served HTTP (${exitInfo.error?.message ?? `exit ${exitInfo.code ?? exitInfo.signal}`}). The end of its log ${logFile}:\n${logTail(logFile, 30)}`);
    }
    if (await httpAnswers(`${url}healthz`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new EnvError(`code-server did not answer on ${url} within ${startTimeoutMs / 1000} s. The end of its log ${logFile}:\n${logTail(logFile, 30)}`);
    }
    await sleep(200);
  }
  snapshot();
  return { url, folderUrl, port, pid: pgid, logFile, userDataDir, extensionsDir, stop, exited };
}

/** Writes our defaults into `<userDataDir>/User/settings.json`, keeping keys a person set there. */
export function writeUserSettings(userDataDir, extra = {}) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  let existing = {};
  if (existsSync(file)) {
    try { existing = JSON.parse(readFileSync(file, 'utf8')); } catch { existing = {}; }
  }
  writeFileSync(file, JSON.stringify({ ...DEFAULT_SETTINGS, ...existing, ...extra }, null, 2) + '\n');
  return file;
}

// ---------------------------------------------------------------------------------------
// processes

function readStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pid, state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), start: f[19] };
  } catch {
    return undefined;
  }
}

function allStats() {
  let entries = [];
  try { entries = readdirSync('/proc'); } catch { return []; }
  return entries.filter((e) => /^\d+$/.test(e)).map((e) => readStat(Number(e))).filter(Boolean);
}

/** Live (not zombie) processes whose process group is `pgid`. */
export function processGroupMembers(pgid) {
  if (process.platform !== 'linux') {
    try { process.kill(-pgid, 0); return [pgid]; } catch { return []; }
  }
  return allStats().filter((s) => s.pgrp === pgid && s.state !== 'Z').map((s) => s.pid);
}

/** Live descendants of `root` (their /proc stat entries). */
function descendantsOf(root) {
  const stats = allStats();
  const out = [];
  const frontier = [root];
  while (frontier.length) {
    const p = frontier.pop();
    for (const s of stats) if (s.ppid === p && s.state !== 'Z') { out.push(s); frontier.push(s.pid); }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// small helpers

/**
 * Makes `.vscode-test/runs/` and removes old state dirs of runs whose name starts with `prefix`
 * (failed runs keep theirs for debugging): those beyond the `keep` newest, if over an hour old.
 */
export function pruneRuns(prefix, keep = 5) {
  const dir = join(cacheDir, 'runs');
  mkdirSync(dir, { recursive: true });
  const runs = readdirSync(dir)
    .filter((e) => e.startsWith(prefix))
    .map((e) => { try { return { path: join(dir, e), mtime: statSync(join(dir, e)).mtimeMs }; } catch { return undefined; } })
    .filter(Boolean)
    .sort((a, b) => b.mtime - a.mtime);
  for (const run of runs.slice(keep)) {
    if (Date.now() - run.mtime > 3600_000) rmSync(run.path, { recursive: true, force: true });
  }
  return dir;
}

/**
 * Copies the workspace folder `source` into a new temp dir (as `<tmp>/<basename of source>`,
 * so the workbench shows the same folder name), leaving out node_modules, out/ and .git.
 * Tests that edit, create or save files then never touch the original. Returns
 * { dir, remove() }; remove() deletes the copy (and is also run when the process exits).
 *
 * Where the original finds packages in an ancestor's node_modules (the sample finds
 * @types/node in the repo's), the copy's parent gets a symlink to that folder, so TypeScript
 * resolves the same types in the copy and reports no errors the original does not have.
 */
export function copyWorkspace(source, { prefix = 'eventflow-ws-' } = {}) {
  if (!existsSync(source)) throw new EnvError(`The workspace folder to copy, ${source}, does not exist.`);
  const parent = mkdtempSync(join(tmpdir(), prefix));
  const dir = join(parent, basename(source));
  const skip = new Set(['node_modules', 'out', '.git']);
  cpSync(source, dir, { recursive: true, filter: (from) => from === source || !skip.has(basename(from)) });
  for (let up = dirname(source); up !== dirname(up); up = dirname(up)) {
    if (existsSync(join(up, 'node_modules'))) {
      symlinkSync(join(up, 'node_modules'), join(parent, 'node_modules'), 'dir');
      break;
    }
  }
  const remove = () => {
    process.off('exit', remove);
    rmSync(parent, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  process.on('exit', remove);
  return { dir, remove };
}

export function logTail(file, lines = 40) {
  try {
    const text = readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n').trimEnd() || '(empty)';
  } catch {
    return `(no log at ${file})`;
  }
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function httpAnswers(url) {
  return new Promise((res) => {
    const req = request(url, { timeout: 2000 }, (r) => { r.resume(); res(r.statusCode < 500); });
    req.on('error', () => res(false));
    req.on('timeout', () => { req.destroy(); res(false); });
    req.end();
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(condition, timeoutMs, intervalMs = 100) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > end) return false;
    await sleep(intervalMs);
  }
}

function readJson(file) {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return undefined; }
}

function versionOf(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `an error (${(r.stderr || r.error?.message || '').trim()})`;
}

function onPath(cmd) {
  return (process.env.PATH || '').split(delimiter).some((d) => d && isExecutable(join(d, cmd)));
}

function isExecutable(file) {
  try { return statSync(file).isFile(); } catch { return false; }
}

function hasDebPackage(name, files) {
  if (onPath('dpkg-query')) {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.includes('install ok installed')) return true;
  }
  return files.some((f) => existsSync(f));
}

const PROGRESS_LINE = /^\s*(> \S+@\S+ \w+$|added \d+ packages?|Installing Code)/;
// The lines of a failed command's output worth quoting: not stack frames or object dumps.
const USEFUL_LINE = /\S/;
const NOISE_LINE = /^\s*(npm (error|ERR!)\s*)?(at\s|[{}]|\w+: ['\d]|$)|A complete log of this run/;

/** Runs a command, streaming its output indented; on failure throws an EnvError with its last lines. */
function run(cmd, args, { env = process.env, label, say, hint = '', quietOutput = false }) {
  return new Promise((res, rej) => {
    const t0 = Date.now();
    const tail = [];
    // The full output goes to .vscode-test/install.log; the terminal gets the lines that show
    // progress (npm's script headers and summaries, errors), not node-gyp's compiler chatter.
    mkdirSync(cacheDir, { recursive: true });
    const fullLog = join(cacheDir, 'install.log');
    writeFileSync(fullLog, `\n$ ${cmd} ${args.join(' ')}\n`, { flag: 'a' });
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const heartbeat = setInterval(() => say(`  … still working on ${label} (${Math.round((Date.now() - t0) / 1000)} s)`), 20_000);
    let partial = '';
    const onData = (chunk) => {
      writeFileSync(fullLog, chunk, { flag: 'a' });
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 60) tail.shift();
        if (!quietOutput && PROGRESS_LINE.test(line)) process.stderr.write(`    ${line.trim()}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      clearInterval(heartbeat);
      rej(new EnvError(`Could not run \`${cmd}\` for ${label}: ${e.message}. ${hint}`.trim()));
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      if (partial) tail.push(partial);
      if (code === 0) {
        say(`  ${label}: done in ${Math.round((Date.now() - t0) / 1000)} s`);
        res();
      } else {
        rej(new EnvError(`Preparing the real-VS Code environment failed: \`${cmd} ${args.join(' ')}\` (${label}) exited with ${code ?? signal}. ${hint} Its last output (all of it is in ${fullLog}):\n${tail.filter((l) => USEFUL_LINE.test(l) && !NOISE_LINE.test(l)).slice(-10).join('\n')}`));
      }
    });
  });
}

/** For CLIs: run `main`, print an EnvError's paragraph (not a stack) and exit 1 on failure. */
export async function runCli(main) {
  try {
    await main();
  } catch (e) {
    if (e instanceof EnvError) {
      process.stderr.write(`\nerror: ${e.message}\n`);
    } else {
      process.stderr.write(`\nerror: ${e?.stack || e}\n`);
    }
    process.exitCode = 1;
  }
}

// ---------------------------------------------------------------------------------------
// CLI

const invokedDirectly = (() => {
  try { return resolve(process.argv[1] || '') === fileURLToPath(import.meta.url) || readlinkSync(process.argv[1]) === fileURLToPath(import.meta.url); } catch { return false; }
})();

if (invokedDirectly) {
  await runCli(async () => {
    const p = await prepare();
    const chromiumVersion = spawnSync(p.chromium, ['--version'], { encoding: 'utf8' }).stdout?.trim() || '?';
    process.stdout.write([
      `cache        ${p.cacheDir} (${p.warm ? 'warm' : 'prepared now'}, ${p.seconds.toFixed(2)} s)`,
      `node 24      ${p.node24} (${versionOf(p.node24)})`,
      `code-server  ${p.codeServerBin} (${p.codeServerVersion}, VS Code ${p.vscodeVersion})`,
      `chromium     ${p.chromium} (${chromiumVersion})`,
      '',
    ].join('\n'));
  });
}
