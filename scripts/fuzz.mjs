#!/usr/bin/env node
// The long differential fuzz run: random seeds against every fixture for N minutes, each
// sequence of edits sent through the language server and compared with a fresh index.
// A failing sequence is shrunk (edits dropped while it still fails) and written to
// test/fuzz/cases/<name>.json, which test/fuzz/cases.test.ts replays in `npm test`.
//
//   npm run fuzz -- --minutes 10 [--jobs 2] [--seed N] [--fixture name] [--no-shrink]
//   npm run fuzz -- --replay test/fuzz/cases/<name>.json [--shrink]   (--shrink: shrink it if it fails)
//   npm run fuzz -- --seed N --fixture name --once        (one sequence, e.g. from a report)
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const args = { minutes: 1, jobs: Math.max(1, Math.min(2, cpus().length)), shrink: true, build: true, once: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--minutes') args.minutes = Number(value());
    else if (a === '--jobs') args.jobs = Math.max(1, Number(value()));
    else if (a === '--seed') args.seed = Number(value());
    else if (a === '--fixture') args.fixture = value();
    else if (a === '--replay') args.replay = value();
    else if (a === '--no-shrink') args.shrink = false;
    else if (a === '--shrink') args.shrinkReplay = true;
    else if (a === '--no-build') args.build = false;
    else if (a === '--once') args.once = true;
    else if (a === '-h' || a === '--help') args.help = true;
    else throw new Error(`unknown option '${a}'`);
  }
  if (!(args.minutes > 0)) throw new Error('--minutes needs a positive number');
  return args;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`fuzz: ${e.message}`);
  process.exit(2);
}
if (args.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 9).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

// The server under test, and the harness bundled for Node 20 (which cannot strip types). Both
// run from a snapshot, out/fuzz-run/: a rebuild of dist/ in the working tree during a long run
// must not swap the server under it. The snapshot looks like the repository to the harness
// (it finds the server, fixtures and cases relative to itself); fixtures and cases are links.
if (args.build) {
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    process.exit(r.status ?? 1);
  }
}
const snapshot = join(root, `out/fuzz-run-${process.pid}`); // one per run: several may run at once
rmSync(snapshot, { recursive: true, force: true });
process.on('exit', () => rmSync(snapshot, { recursive: true, force: true }));
cpSync(join(root, 'dist'), join(snapshot, 'dist'), { recursive: true });
mkdirSync(join(root, 'test/fuzz/cases'), { recursive: true });
mkdirSync(join(snapshot, 'test/fuzz'), { recursive: true });
symlinkSync(join(root, 'sample-workspace'), join(snapshot, 'sample-workspace'));
symlinkSync(join(root, 'test/fixtures'), join(snapshot, 'test/fixtures'));
symlinkSync(join(root, 'test/fuzz/cases'), join(snapshot, 'test/fuzz/cases'));
const outfile = join(snapshot, 'out/test/fuzz/harness.js'); // three levels below the snapshot, like out/test/<suite>/
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['test/fuzz/harness.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  packages: 'external',
  logLevel: 'warning',
});
const harness = createRequire(import.meta.url)(outfile);

const fixtures = args.fixture ? [args.fixture] : harness.listFixtures();
for (const f of fixtures) if (!existsSync(harness.fixtureDir(f))) (console.error(`fuzz: no fixture '${f}'`), process.exit(2));

const stats = { sequences: 0, edits: 0, checks: 0, failures: 0, cases: [] };
const firstLine = (s) => s.split('\n').slice(0, 4).join('\n    ');

async function failsWith(fixture, seed, edits) {
  const r = await harness.runSequence(fixture, seed, edits);
  return r.failure;
}

async function report(result, caseName) {
  stats.failures++;
  console.log(`\n✗ ${result.fixture} seed ${result.seed}: ${result.edits.length} edits\n    ${firstLine(result.failure)}`);
  let edits = result.edits;
  let failure = result.failure;
  if (args.shrink) {
    const started = Date.now();
    edits = await harness.shrink(edits, async (candidate) => {
      const f = await failsWith(result.fixture, result.seed, candidate);
      if (f) failure = f;
      return !!f;
    });
    // A shrunk case must fail on its own, twice (timing must not be what makes it fail).
    const again = await failsWith(result.fixture, result.seed, edits);
    const twice = again && (await failsWith(result.fixture, result.seed, edits));
    if (!twice) {
      console.log(`    the shrunk sequence did not fail again; keeping all ${result.edits.length} edits`);
      edits = result.edits;
      failure = result.failure;
    } else failure = twice;
    console.log(`    shrunk to ${edits.length} edits in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const name = caseName ?? `${result.fixture}-${result.seed}`;
  const file = harness.writeCase({ name, fixture: result.fixture, seed: result.seed, failure: failure.split('\n').slice(0, 6).join('\n'), edits });
  const shown = join('test/fuzz/cases', basename(file));
  stats.cases.push(shown);
  console.log(`    written to ${shown}`);
}

if (args.replay) {
  const path = existsSync(args.replay) ? resolve(args.replay) : join(harness.CASES_DIR, `${args.replay.replace(/\.json$/, '')}.json`);
  const c = JSON.parse(readFileSync(path, 'utf8'));
  const r = await harness.runSequence(c.fixture, c.seed, c.edits);
  console.log(r.failure ? `✗ ${c.name}: ${r.failure}` : `✓ ${c.name}: ${r.applied} edits applied, ${r.checks} checks, identical to a fresh index`);
  if (r.failure && args.shrinkReplay) await report(r, c.name);
  process.exit(r.failure ? 1 : 0);
}

const started = Date.now();
const deadline = started + args.minutes * 60_000;
let nextSeed = args.seed ?? randomInt(2 ** 31);
let turn = 0;
let lastProgress = started;
console.log(`fuzz: ${args.once ? 'one sequence' : `${args.minutes} min`}, ${args.jobs} job(s), fixtures ${fixtures.join(', ')}, first seed ${nextSeed}`);

async function worker() {
  while (Date.now() < deadline) {
    const seed = nextSeed++;
    const fixture = fixtures[turn++ % fixtures.length];
    const result = await harness.runSequence(fixture, seed);
    stats.sequences++;
    stats.edits += result.applied;
    stats.checks += result.checks;
    if (result.failure) await report(result);
    if (Date.now() - lastProgress > 60_000) {
      lastProgress = Date.now();
      console.log(`  ${Math.round((Date.now() - started) / 60_000)} min: ${stats.sequences} sequences, ${stats.edits} edits, ${stats.failures} failures`);
    }
    if (args.once) return;
  }
}

await Promise.all(Array.from({ length: args.once ? 1 : args.jobs }, worker));
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`\nfuzz: ${stats.sequences} sequences run, ${stats.edits} edits applied, ${stats.checks} comparisons with a fresh index, ${stats.failures} failures in ${seconds} s`);
for (const c of stats.cases) console.log(`  case: ${c}`);
process.exit(stats.failures ? 1 : 0);
