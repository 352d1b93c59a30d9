/**
 * The `eventflow` CLI as users and CI run it: the BUILT dist/cli.js, spawned on the small
 * workspaces under test/fixtures/cli/ and on sample-workspace. Checks the text, JSON, SARIF
 * and graph outputs, the exit codes and the messages on stderr.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './helpers';

const REPO = repoRoot();
const CLI = path.join(REPO, 'dist', 'cli.js');
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'cli');
const SAMPLE = path.join(REPO, 'sample-workspace');
const VERSION: string = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;

const slash = (p: string) => p.replace(/\\/g, '/');
const fixture = (name: string) => path.join(FIXTURES, name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** At most this many CLI processes at once: the tests of a suite run side by side. */
const MAX_PROCESSES = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function run(args: string[], options: { cwd?: string } = {}): Promise<Run> {
  // A finishing run hands its slot to the next waiting one.
  if (running >= MAX_PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await runNow(args, options);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

async function runNow(args: string[], options: { cwd?: string }): Promise<Run> {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill(), 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  });
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Asserts the exit code; on failure shows what the CLI printed. */
function expectExit(r: Run, code: number, what = ''): void {
  assert.equal(r.code, code, `${what ? what + ': ' : ''}exit code ${r.code}, expected ${code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 2000)}`);
}

function json(r: Run): any {
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    assert.fail(`stdout is not JSON (${String(e)}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** `file:line:col severity code message` lines, without the closing summary line. */
function diagnosticLines(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  return lines.slice(0, -1);
}

function summaryLine(stdout: string): string {
  return stdout.trimEnd().split('\n').pop()!;
}

before(() => {
  if (!fs.existsSync(CLI)) {
    throw new Error(`${CLI} is missing: build it first with \`node scripts/build.mjs\` (the CLI tests run the built bundle)`);
  }
});

describe('eventflow check: text output', { concurrency: true }, () => {
  test('a clean workspace: no diagnostics, a summary, exit 0', async () => {
    const r = await run(['check', fixture('clean')]);
    assert.equal(r.stderr, '');
    expectExit(r, 0);
    assert.deepEqual(diagnosticLines(r.stdout), []);
    assert.match(
      summaryLine(r.stdout),
      /^2 events, 2 publishers, 2 handlers, 0 unresolved · 0 errors, 0 warnings, 0 infos, 0 hints · 6 files \(6 parsed\) in \d+ ms$/,
    );
  });

  test('one line per diagnostic: path:line:col severity code message, sorted by file and position', async () => {
    const r = await run(['check', fixture('warnings')]);
    assert.equal(r.stderr, '');
    expectExit(r, 0, 'warnings alone do not fail without --max-warnings');
    assert.deepEqual(diagnosticLines(r.stdout), [
      "src/modules/orders/events.ts:8:25 warning event-naming Event type 'order.ship' should end in a past-tense action ('ship' is not past tense); use 'order.shipped'",
      "src/modules/orders/events.ts:11:14 hint unpublished-event 'order.cancelled' (OrderCancelledEvent) is declared but never published",
      "src/modules/orders/service.ts:7:3 warning unhandled-event 'order.placed' is published here but no handler handles it",
      'src/modules/orders/service.ts:8:3 information unresolved-event Event Flow cannot tell which event this publishes: the event is computed at run time',
    ]);
    assert.match(
      summaryLine(r.stdout),
      /^3 events, 2 publishers, 1 handlers, 1 unresolved · 0 errors, 2 warnings, 1 infos, 1 hints · 3 files \(3 parsed\) in \d+ ms$/,
    );
  });

  test('no colour when stdout is not a terminal; --color forces it and groups by file', async () => {
    const plain = await run(['check', fixture('warnings')]);
    assert.doesNotMatch(plain.stdout, /\x1b\[/);
    const coloured = await run(['check', fixture('warnings'), '--color']);
    assert.match(coloured.stdout, /\x1b\[33mwarning\x1b\[0m/);
    const lines = coloured.stdout.split('\n');
    assert.equal(lines[0], '\x1b[1msrc/modules/orders/events.ts\x1b[0m', 'a file header starts each group');
    const noColour = await run(['check', fixture('warnings'), '--color', '--no-color']);
    assert.doesNotMatch(noColour.stdout, /\x1b\[/);
  });

  test('the directory defaults to the current one', async () => {
    const r = await run(['check'], { cwd: fixture('warnings') });
    expectExit(r, 0);
    assert.equal(diagnosticLines(r.stdout).length, 4);
    assert.ok(r.stdout.startsWith('src/modules/orders/events.ts:8:25 warning event-naming'), r.stdout);
  });

  test('sample-workspace: exactly its four deliberate mistakes', async () => {
    const r = await run(['check', 'sample-workspace']);
    assert.equal(r.stderr, '');
    expectExit(r, 0);
    const lines = diagnosticLines(r.stdout);
    const parsed = lines.map((l) => {
      const m = /^(\S+):(\d+):(\d+) (error|warning|information|hint) (\S+) (.+)$/.exec(l);
      assert.ok(m, `not a diagnostic line: ${l}`);
      return `${m[1]} ${m[4]} ${m[5]}`;
    });
    assert.deepEqual(parsed, [
      'src/modules/items/domain/events.ts warning event-naming',
      'src/modules/notifications/services/notifications-event-handlers.ts warning unknown-event',
      'src/modules/users/domain/events.ts hint unpublished-event',
      'src/modules/users/services/user-service.ts warning unhandled-event',
    ]);
    assert.match(lines[0], /'item\.archive'.*use 'item\.archived'/);
    assert.match(lines[1], /'item\.craeted'; did you mean 'item\.created'\?/);
    assert.match(lines[2], /'user\.updated' \(UserUpdatedEvent\)/);
    assert.match(lines[3], /'user\.deleted' is published here/);
    assert.match(summaryLine(r.stdout), / · 0 errors, 3 warnings, 0 infos, 1 hints · /);
  });
});

describe('eventflow check --format json', { concurrency: true }, () => {
  test('the documented shape, exactly, for a small workspace', async () => {
    const r = await run(['check', fixture('clean'), '--format', 'json']);
    expectExit(r, 0);
    assert.equal(r.stderr, '');
    const report = json(r);
    assert.equal(typeof report.stats.durationMs, 'number');
    assert.ok(report.stats.durationMs >= 0);
    report.stats.durationMs = '<ms>';
    const at = (file: string, line: number, column: number, endLine: number, endColumn: number, module: string) => ({ file, line, column, endLine, endColumn, module });
    assert.deepEqual(report, {
      version: 1,
      root: slash(fixture('clean')),
      stats: { filesScanned: 6, filesParsed: 6, durationMs: '<ms>', unresolved: 0 },
      modules: ['audit', 'email', 'users'],
      events: [
        {
          key: 'email.sent',
          declarations: [{ ...at('src/modules/email/events.ts', 3, 14, 3, 28, 'email'), name: 'EmailSentEvent', fields: [], isTest: false }],
          publishers: [{ ...at('src/modules/email/handlers.ts', 9, 5, 9, 35, 'email'), text: 'new EmailSentEvent().publish()', isTest: false }],
          handlers: [{ ...at('src/modules/audit/handlers.ts', 3, 1, 3, 82, 'audit'), name: 'recordDelivery', async: true, via: 'registration', isTest: false }],
        },
        {
          key: 'user.created',
          declarations: [
            { ...at('src/modules/users/events.ts', 3, 14, 3, 30, 'users'), name: 'UserCreatedEvent', fields: [{ name: 'email', type: 'string', optional: false }], isTest: false },
          ],
          publishers: [{ ...at('src/modules/users/service.ts', 4, 3, 4, 40, 'users'), text: 'new UserCreatedEvent(email).publish()', isTest: false }],
          handlers: [{ ...at('src/modules/email/handlers.ts', 6, 3, 6, 32, 'email'), name: 'EmailHandlers.welcome', async: false, via: 'decorator', isTest: false }],
        },
      ],
      flows: [
        {
          from: 'user.created',
          to: 'email.sent',
          via: 'EmailHandlers.welcome',
          handler: at('src/modules/email/handlers.ts', 7, 10, 7, 17, 'email'),
          publisher: at('src/modules/email/handlers.ts', 9, 5, 9, 35, 'email'),
        },
      ],
      unresolved: [],
      skipped: [],
      diagnostics: [],
    });
  });

  test('unresolved sites and diagnostics with their end positions and data', async () => {
    const r = await run(['check', fixture('warnings'), '--format', 'json']);
    expectExit(r, 0);
    const report = json(r);
    assert.deepEqual(report.unresolved, [
      {
        file: 'src/modules/orders/service.ts',
        line: 8,
        column: 3,
        endLine: 8,
        endColumn: 28,
        module: 'orders',
        kind: 'publish',
        text: 'publishEvent(nextEvent())',
        reason: 'the event is computed at run time',
      },
    ]);
    assert.deepEqual(report.diagnostics, [
      {
        file: 'src/modules/orders/events.ts',
        line: 8,
        column: 25,
        endLine: 8,
        endColumn: 35,
        severity: 'warning',
        code: 'event-naming',
        message: "Event type 'order.ship' should end in a past-tense action ('ship' is not past tense); use 'order.shipped'",
        data: { key: 'order.ship', suggestion: 'order.shipped' },
      },
      {
        file: 'src/modules/orders/events.ts',
        line: 11,
        column: 14,
        endLine: 11,
        endColumn: 33,
        severity: 'hint',
        code: 'unpublished-event',
        message: "'order.cancelled' (OrderCancelledEvent) is declared but never published",
        data: { key: 'order.cancelled' },
      },
      {
        file: 'src/modules/orders/service.ts',
        line: 7,
        column: 3,
        endLine: 7,
        endColumn: 35,
        severity: 'warning',
        code: 'unhandled-event',
        message: "'order.placed' is published here but no handler handles it",
        data: { key: 'order.placed' },
      },
      {
        file: 'src/modules/orders/service.ts',
        line: 8,
        column: 3,
        endLine: 8,
        endColumn: 28,
        severity: 'information',
        code: 'unresolved-event',
        message: 'Event Flow cannot tell which event this publishes: the event is computed at run time',
      },
    ]);
  });

  test('sample-workspace: every documented field, with the right types', async () => {
    const r = await run(['check', 'sample-workspace', '--format', 'json']);
    expectExit(r, 0);
    const report = json(r);
    assert.equal(report.version, 1);
    assert.equal(report.root, slash(SAMPLE));
    for (const k of ['filesScanned', 'filesParsed', 'durationMs']) assert.equal(typeof report.stats[k], 'number', `stats.${k}`);
    assert.ok(report.stats.filesParsed > 0 && report.stats.filesParsed <= report.stats.filesScanned);
    const isLocation = (l: any, what: string, withModule = true) => {
      assert.equal(typeof l.file, 'string', `${what}.file`);
      assert.ok(!l.file.startsWith('/') && !l.file.includes('\\'), `${what}.file is relative with '/': ${l.file}`);
      assert.ok(fs.existsSync(path.join(SAMPLE, l.file)), `${what}.file exists: ${l.file}`);
      for (const k of ['line', 'column']) assert.ok(Number.isInteger(l[k]) && l[k] >= 1, `${what}.${k} is 1-based: ${l[k]}`);
      // The module is the folder under src/modules; files elsewhere (the tests) have none.
      if (withModule) assert.equal(l.module, /^src\/modules\/([^/]+)\//.exec(l.file)?.[1], `${what}.module`);
    };
    assert.ok(report.events.length >= 10);
    const keys = report.events.map((e: any) => e.key);
    assert.deepEqual(keys, [...keys].sort(), 'events are sorted by key');
    for (const e of report.events) {
      assert.equal(typeof e.key, 'string');
      for (const d of e.declarations) {
        isLocation(d, `${e.key} declaration`);
        assert.equal(typeof d.name, 'string');
      }
      for (const p of e.publishers) isLocation(p, `${e.key} publisher`);
      for (const h of e.handlers) {
        isLocation(h, `${e.key} handler`);
        assert.equal(typeof h.name, 'string');
        assert.equal(typeof h.async, 'boolean');
      }
    }
    const userCreated = report.events.find((e: any) => e.key === 'user.created');
    assert.deepEqual(
      userCreated.declarations.map((d: any) => `${d.name} ${d.file} ${d.module}`),
      ['UserCreatedEvent src/modules/users/domain/events.ts users'],
    );
    assert.ok(userCreated.handlers.some((h: any) => h.name === 'EmailEventHandlers.handleUserCreated' && h.module === 'email'));
    for (const f of report.flows) {
      assert.deepEqual(Object.keys(f).slice(0, 3), ['from', 'to', 'via']);
      assert.ok(keys.includes(f.from) && keys.includes(f.to), `${f.from} > ${f.to}`);
    }
    assert.deepEqual(report.unresolved, []);
    assert.ok(Array.isArray(report.skipped));
    for (const d of report.diagnostics) {
      isLocation(d, `diagnostic ${d.code}`, false);
      assert.ok(Number.isInteger(d.endLine) && Number.isInteger(d.endColumn));
      assert.ok(d.endLine > d.line || (d.endLine === d.line && d.endColumn > d.column), 'a diagnostic covers a non-empty range');
    }
    assert.deepEqual(
      report.diagnostics.map((d: any) => `${d.severity} ${d.code} ${d.data?.key}`),
      ['warning event-naming item.archive', 'warning unknown-event item.craeted', 'hint unpublished-event user.updated', 'warning unhandled-event user.deleted'],
    );
  });
});

describe('eventflow check --format sarif', { concurrency: true }, () => {
  function checkSarif(sarif: any, root: string, expectedResults: number): void {
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const runEntry = sarif.runs[0];
    assert.equal(runEntry.tool.driver.name, 'eventflow');
    assert.equal(runEntry.tool.driver.version, VERSION);
    const ruleIds = runEntry.tool.driver.rules.map((rule: any) => rule.id);
    assert.equal(runEntry.originalUriBaseIds.ROOT.uri, `file://${encodeURI(slash(root))}/`);
    assert.equal(runEntry.results.length, expectedResults);
    for (const result of runEntry.results) {
      assert.ok(ruleIds.includes(result.ruleId), `rule ${result.ruleId} is described in tool.driver.rules`);
      assert.ok(['error', 'warning', 'note', 'none'].includes(result.level), result.level);
      assert.equal(typeof result.message.text, 'string');
      assert.ok(result.locations.length >= 1);
      const loc = result.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uriBaseId, 'ROOT');
      assert.ok(fs.existsSync(path.join(root, decodeURI(loc.artifactLocation.uri))), loc.artifactLocation.uri);
      for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) assert.ok(Number.isInteger(loc.region[k]) && loc.region[k] >= 1, k);
    }
    for (const rule of runEntry.tool.driver.rules) assert.equal(typeof rule.shortDescription.text, 'string');
  }

  test('a valid SARIF 2.1.0 log whose results mirror the JSON diagnostics', async () => {
    const r = await run(['check', fixture('warnings'), '--format', 'sarif']);
    expectExit(r, 0);
    const sarif = json(r);
    checkSarif(sarif, fixture('warnings'), 4);
    assert.deepEqual(
      sarif.runs[0].results.map((x: any) => `${x.locations[0].physicalLocation.artifactLocation.uri}:${x.locations[0].physicalLocation.region.startLine}:${x.locations[0].physicalLocation.region.startColumn} ${x.level} ${x.ruleId}`),
      [
        'src/modules/orders/events.ts:8:25 warning event-naming',
        'src/modules/orders/events.ts:11:14 note unpublished-event',
        'src/modules/orders/service.ts:7:3 warning unhandled-event',
        'src/modules/orders/service.ts:8:3 note unresolved-event',
      ],
    );
    assert.deepEqual(sarif.runs[0].tool.driver.rules.map((x: any) => x.id), ['event-naming', 'unhandled-event', 'unpublished-event', 'unresolved-event']);
  });

  test('errors with related locations; the exit code follows the errors', async () => {
    const r = await run(['check', fixture('errors'), '--format', 'sarif']);
    expectExit(r, 1);
    const sarif = json(r);
    checkSarif(sarif, fixture('errors'), 2);
    const [first] = sarif.runs[0].results;
    assert.equal(first.level, 'error');
    assert.equal(first.ruleId, 'duplicate-event-type');
    assert.deepEqual(
      first.relatedLocations.map((x: any) => `${x.physicalLocation.artifactLocation.uri}:${x.physicalLocation.region.startLine} ${x.message.text}`),
      ['src/modules/users/events.ts:3 also declared by UserCreatedEvent'],
    );
  });

  test('sample-workspace', async () => {
    const r = await run(['check', 'sample-workspace', '--format', 'sarif']);
    expectExit(r, 0);
    checkSarif(json(r), SAMPLE, 4);
  });
});

describe('eventflow graph', { concurrency: true }, () => {
  test('--format mermaid (the default)', async () => {
    const r = await run(['graph', fixture('clean')]);
    expectExit(r, 0);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'flowchart LR',
        '  n0[["audit"]]',
        '  n1[["email"]]',
        '  n2[["users"]]',
        '  n3(["email.sent"])',
        '  n4(["user.created"])',
        '  n1 -- publishes --> n3',
        '  n2 -- publishes --> n4',
        '  n3 -- handled by --> n0',
        '  n4 -- handled by --> n1',
        '  n4 -. leads to .-> n3',
        '  classDef module fill:#eef,stroke:#557;',
        '',
      ].join('\n'),
    );
    assert.equal((await run(['graph', fixture('clean'), '--format', 'mermaid'])).stdout, r.stdout);
  });

  test('--format dot', async () => {
    const r = await run(['graph', fixture('clean'), '--format=dot']);
    expectExit(r, 0);
    assert.equal(
      r.stdout,
      [
        'digraph eventflow {',
        '  rankdir=LR;',
        '  node [fontname="Helvetica"];',
        '  "event:email.sent" [label="email.sent", shape=ellipse];',
        '  "event:user.created" [label="user.created", shape=ellipse];',
        '  "module:audit" [label="audit", shape=box];',
        '  "module:email" [label="email", shape=box];',
        '  "module:users" [label="users", shape=box];',
        '  "event:email.sent" -> "module:audit" [label="handled by"];',
        '  "event:user.created" -> "event:email.sent" [style=dashed, label="via EmailHandlers.welcome"];',
        '  "event:user.created" -> "module:email" [label="handled by"];',
        '  "module:email" -> "event:email.sent" [label="publishes"];',
        '  "module:users" -> "event:user.created" [label="publishes"];',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('--format json: modules, events with the modules that declare, publish and handle them, flows', async () => {
    const r = await run(['graph', fixture('clean'), '--format', 'json']);
    expectExit(r, 0);
    assert.deepEqual(json(r), {
      version: 1,
      root: slash(fixture('clean')),
      modules: ['audit', 'email', 'users'],
      events: [
        { key: 'email.sent', declaredIn: ['email'], publishedBy: ['email'], handledBy: ['audit'] },
        { key: 'user.created', declaredIn: ['users'], publishedBy: ['users'], handledBy: ['email'] },
      ],
      flows: [{ from: 'user.created', to: 'email.sent', via: 'EmailHandlers.welcome' }],
    });
  });

  test('sample-workspace: every module and every flow', async () => {
    const graph = json(await run(['graph', 'sample-workspace', '--format', 'json']));
    assert.deepEqual(graph.modules, ['auth', 'email', 'items', 'notifications', 'search', 'users']);
    const report = json(await run(['check', 'sample-workspace', '--format', 'json']));
    assert.deepEqual(
      graph.flows,
      report.flows.map((f: any) => ({ from: f.from, to: f.to, via: f.via })),
    );
    const mermaid = (await run(['graph', 'sample-workspace'])).stdout;
    for (const m of graph.modules) assert.ok(mermaid.includes(`[["${m}"]]`), m);
    const dot = (await run(['graph', 'sample-workspace', '--format', 'dot'])).stdout;
    assert.ok(dot.startsWith('digraph eventflow {') && dot.trimEnd().endsWith('}'));
  });
});

describe('exit codes and messages', { concurrency: true }, () => {
  test('0 clean, 1 with errors, 1 with more warnings than --max-warnings', async () => {
    expectExit(await run(['check', fixture('clean'), '--max-warnings', '0']), 0);
    expectExit(await run(['check', fixture('errors')]), 1);
    expectExit(await run(['check', fixture('warnings'), '--max-warnings', '2']), 0);
    const over = await run(['check', fixture('warnings'), '--max-warnings', '0']);
    expectExit(over, 1);
    assert.equal(over.stderr, 'eventflow: 2 warnings, more than the maximum of 0\n');
    expectExit(await run(['check', fixture('warnings'), '--max-warnings', '1']), 1);
    expectExit(await run(['check', 'sample-workspace', '--max-warnings', '0']), 1);
  });

  test('--name=value works for every option that takes a value', async () => {
    const config = path.join(FIXTURES, 'configs', 'strict.json');
    const spaced = await run(['check', fixture('warnings'), '--format', 'json', '--config', config, '--max-warnings', '5']);
    const joined = await run(['check', fixture('warnings'), '--format=json', `--config=${config}`, '--max-warnings=5']);
    expectExit(joined, 1);
    assert.equal(joined.stderr, '');
    assert.deepEqual(json(joined).diagnostics, json(spaced).diagnostics);
    expectExit(await run(['check', fixture('warnings'), '--max-warnings=0']), 1);
    expectExit(await run(['check', fixture('warnings'), '--max-warnings=2']), 0);
  });

  test('--config replaces .eventflow.json: a stricter severity makes a warning an error', async () => {
    const r = await run(['check', fixture('warnings'), '--config', path.join(FIXTURES, 'configs', 'strict.json')]);
    expectExit(r, 1);
    assert.ok(r.stdout.includes("src/modules/orders/service.ts:7:3 error unhandled-event 'order.placed'"), r.stdout);
  });

  const usage = (message: string) => `eventflow: ${message}\nRun 'eventflow --help' for usage.\n`;
  const badArguments: [string, string[], string][] = [
    ['an unknown option', ['check', '--bogus', 'x'], usage("unknown option '--bogus'")],
    ['an unknown command', ['lint', '.'], usage("unknown command 'lint' (expected 'check' or 'graph')")],
    ['a format check does not have', ['check', '--format', 'xml', 'x'], usage("--format for 'check' must be one of text, json, sarif, got 'xml'")],
    ['a format graph does not have', ['graph', '--format', 'sarif', 'x'], usage("--format for 'graph' must be one of mermaid, dot, json, got 'sarif'")],
    ['an option without its value', ['check', 'x', '--format'], usage('--format needs a value')],
    ['an option followed by another option', ['check', '--config', '--no-color'], usage('--config needs a value')],
    ['a --max-warnings that is not a number', ['check', '--max-warnings', 'many'], usage("--max-warnings needs a non-negative integer, got 'many'")],
    ['a negative --max-warnings', ['check', '--max-warnings=-1'], usage("--max-warnings needs a non-negative integer, got '-1'")],
    ['an empty --name= value', ['check', '--config='], usage('--config needs a value')],
    ['a value given to a flag', ['check', '--no-color=yes'], usage('--no-color takes no value')],
    ['an unknown option written with a value', ['check', '--bogus=1'], usage("unknown option '--bogus'")],
    ['two directories', ['check', 'a', 'b'], usage("unexpected argument 'b'")],
  ];
  for (const [what, args, stderr] of badArguments) {
    test(`2 for ${what}, with a clear message and nothing on stdout`, async () => {
      const r = await run(args);
      expectExit(r, 2);
      assert.equal(r.stderr, stderr);
      assert.equal(r.stdout, '');
    });
  }

  test('2 for a missing directory, and for a file given as the directory', async () => {
    const missing = await run(['check', 'no/such/dir']);
    expectExit(missing, 2);
    assert.equal(missing.stderr, "eventflow: 'no/such/dir' is not a directory\n");
    assert.equal(missing.stdout, '');
    const file = await run(['graph', 'package.json']);
    expectExit(file, 2);
    assert.equal(file.stderr, "eventflow: 'package.json' is not a directory\n");
  });

  test('2 for a missing --config file', async () => {
    const r = await run(['check', fixture('clean'), '--config', 'nope.json']);
    expectExit(r, 2);
    assert.equal(r.stderr, "eventflow: config file 'nope.json' does not exist\n");
  });

  test('2 for a broken .eventflow.json, with the position of the problem; the report is still printed', async () => {
    const r = await run(['check', fixture('broken-config')]);
    expectExit(r, 2);
    assert.equal(r.stderr, 'eventflow: .eventflow.json:5:3: Invalid JSON: CommaExpected\n');
    assert.deepEqual(diagnosticLines(r.stdout), [
      '.eventflow.json:5:3 error config-error Invalid JSON: CommaExpected',
      // The settings around the error still apply: unhandled-event is an error here.
      "src/modules/users/service.ts:4:3 error unhandled-event 'user.created' is published here but no handler handles it",
    ]);
    const graph = await run(['graph', fixture('broken-config')]);
    expectExit(graph, 2);
    assert.equal(graph.stderr, 'eventflow: .eventflow.json:5:3: Invalid JSON: CommaExpected\n');
    assert.ok(graph.stdout.startsWith('flowchart LR\n'));
  });

  test('2 for an invalid --config file: every problem with its position', async () => {
    const config = path.join(FIXTURES, 'configs', 'invalid.json');
    const r = await run(['check', fixture('clean'), '--config', config, '--format', 'json']);
    expectExit(r, 2);
    assert.equal(
      r.stderr,
      `eventflow: ${slash(config)}:2:3: Unknown setting 'maxWarnings'\n` +
        `eventflow: ${slash(config)}:3:28: 'asyncRejectionsCaught': expected a boolean, found string "yes"\n`,
    );
    // The JSON report still holds the problems, as config-error diagnostics.
    assert.deepEqual(
      json(r).diagnostics.map((d: any) => `${d.line}:${d.column} ${d.severity} ${d.code}`),
      ['2:3 error config-error', '3:28 error config-error'],
    );
  });

  test('--help and --version print to stdout and exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['check', '--help'], []]) {
      const r = await run(args);
      expectExit(r, 0, args.join(' '));
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.startsWith(`eventflow ${VERSION}`), r.stdout);
      for (const needle of ['eventflow check [dir]', 'eventflow graph [dir]', '--format', '--config', '--max-warnings', 'Exit codes']) assert.ok(r.stdout.includes(needle), needle);
    }
    for (const args of [['--version'], ['-v']]) {
      const r = await run(args);
      expectExit(r, 0);
      assert.equal(r.stdout, `${VERSION}\n`);
      assert.equal(r.stderr, '');
    }
  });
});
