/**
 * Security, server side, through the built server over stdio (and the CLI): a hostile
 * workspace — its `.eventflow.json`, its `tsconfig.json`, its source files, its package
 * scripts — changes nothing outside what it should, runs none of its code, and cannot make
 * code generation write outside the workspace folder. Plus "nothing lost": a rename computed
 * while a document is open with unsaved changes is an edit of that document's version.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { parseConfig } from '../../server/src/core/config';
import { seedConventions } from '../../server/src/core/conventions';
import { copyToTemp, LspClient, positionOf, REPO, uri, type Range } from './client';

const SAMPLE = path.join(REPO, 'sample-workspace');
const CLI = path.join(REPO, 'dist/cli.js');
const USER_SERVICE = 'src/modules/users/services/user-service.ts';

interface TextEdit {
  range: Range;
  newText: string;
}
type DocumentChange = { kind: 'create' | 'rename' | 'delete'; uri: string; newUri?: string; oldUri?: string } | { textDocument: { uri: string; version: number | null }; edits: TextEdit[] };
interface WorkspaceEdit {
  documentChanges?: DocumentChange[];
  changes?: Record<string, TextEdit[]>;
}
interface Report {
  events: { key: string; declarations: { file: string }[]; publishers: { file: string }[] }[];
  modules: string[];
  diagnostics: { file: string; code: string; message: string; severity: string }[];
}

function workspace(name: string, files: Record<string, string> = {}): string {
  const root = copyToTemp(SAMPLE, `sec-${name}`);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return root;
}

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `eventflow-sec-${name}-`));
}

async function graphReport(lsp: LspClient): Promise<Report> {
  const graph = await lsp.request<{ folders: { report: Report }[] }>('eventFlow/graph', {});
  return graph.folders[0].report;
}

async function assertServerWorks(lsp: LspClient, root: string): Promise<void> {
  assert.equal(lsp.proc.exitCode, null, 'the server process must still run');
  const file = path.join(root, USER_SERVICE);
  const text = fs.readFileSync(file, 'utf8');
  const h = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uri(file) }, position: positionOf(text, 'event.publish()', 7) });
  assert.ok(h, 'a hover on event.publish() must answer');
  assert.match(h.contents.value, /`user\.created`/);
}

/** The sample's four deliberate mistakes: what a config that changes nothing leaves in place. */
function sampleFindings(lsp: LspClient, root: string): string[] {
  return [...lsp.diagnostics.values()]
    .flatMap((p) => p.diagnostics.map((d) => `${path.relative(root, new URL(p.uri).pathname)}:${d.range.start.line + 1} ${d.code} ${d.severity}`))
    .filter((d) => !d.startsWith('.eventflow.json') && !d.startsWith('tsconfig'))
    .sort();
}

const SAMPLE_FINDINGS = [
  'src/modules/items/domain/events.ts:51 event-naming 2',
  'src/modules/notifications/services/notifications-event-handlers.ts:21 unknown-event 2',
  'src/modules/users/domain/events.ts:24 unpublished-event 4',
  'src/modules/users/services/user-service.ts:58 unhandled-event 2',
];

/** Every file a WorkspaceEdit touches or creates. */
function editedPaths(edit: WorkspaceEdit): string[] {
  const uris = [
    ...(edit.documentChanges ?? []).flatMap((c) => ('kind' in c ? [c.uri, c.newUri, c.oldUri].filter((u): u is string => !!u) : [c.textDocument.uri])),
    ...Object.keys(edit.changes ?? {}),
  ];
  return uris.map((u) => new URL(u).pathname);
}

/** Inside the folder, lexically and once symbolic links of existing ancestors are followed. */
function assertInside(root: string, file: string): void {
  assert.ok(file.startsWith(root + '/'), `${file} is outside ${root}`);
  let dir = file;
  while (!fs.existsSync(dir)) dir = path.dirname(dir);
  const real = fs.realpathSync(dir);
  assert.ok(real === fs.realpathSync(root) || real.startsWith(fs.realpathSync(root) + '/'), `${file} resolves to ${real}, outside ${root}`);
}

/** Applies edits to a text, as an editor does (edits do not overlap; applied from the end). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }) => starts[p.line] + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

/** A listing of a folder tree with sizes and modification times, to prove nothing in it changed. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      out.push(`${path.relative(dir, p)} ${st.size} ${st.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe('security: a hostile workspace', () => {
  let lsp: LspClient | undefined;
  const cleanup: string[] = [];
  afterEach(async () => {
    await lsp?.stop();
    lsp = undefined;
    for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prototype-pollution keys in .eventflow.json reach no prototype (in process)', () => {
    // Written by hand: JSON.stringify of an object literal drops a `__proto__` key.
    const hostile = `{
      "__proto__": { "polluted": true, "maxFileSize": 1 },
      "constructor": { "prototype": { "polluted": true } },
      "prototype": { "polluted": true },
      "severities": { "__proto__": { "polluted": true, "unhandled-event": "off" }, "constructor": { "prototype": { "polluted": true } } },
      "naming": { "__proto__": { "polluted": true, "minSegments": 9 } },
      "handlerDecorators": [{ "name": "eventHandler", "__proto__": { "keyArg": 5 } }],
      "publishes": [{ "name": "publish", "kind": "instance", "constructor": { "prototype": { "polluted": true } } }],
      "exclude": ["x"]
    }`;
    const { conventions, issues } = parseConfig(hostile, '/w/.eventflow.json');
    const plain: Record<string, unknown> = {};
    assert.equal(plain.polluted, undefined, 'Object.prototype is untouched');
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    assert.equal(Object.getPrototypeOf(conventions), Object.prototype);
    assert.equal(Object.getPrototypeOf(conventions.severities), Object.prototype);
    assert.equal(Object.getPrototypeOf(conventions.naming), Object.prototype);
    assert.equal((conventions as unknown as Record<string, unknown>).polluted, undefined);
    assert.equal((conventions.severities as unknown as Record<string, unknown>).polluted, undefined);
    assert.equal(conventions.maxFileSize, seedConventions().maxFileSize);
    // The invalid settings keep their defaults; the valid parts of the file still apply.
    assert.equal(conventions.severities['unhandled-event'], 'warning');
    assert.equal(conventions.naming.minSegments, 2);
    assert.deepEqual(conventions.handlerDecorators, seedConventions().handlerDecorators);
    assert.deepEqual(conventions.publishes, seedConventions().publishes);
    assert.ok(conventions.exclude.includes('x'));
    const messages = issues.map((i) => i.message);
    for (const expected of [
      "Unknown setting '__proto__'",
      "Unknown setting 'constructor'",
      "Unknown setting 'prototype'",
      "'severities': unknown property '__proto__'",
      "'severities': unknown property 'constructor'",
      "'naming': unknown property '__proto__'",
      "'handlerDecorators[0]': unknown property '__proto__'",
      "'publishes[0]': unknown property 'constructor'",
    ]) {
      assert.ok(messages.includes(expected), `expected '${expected}' in:\n${messages.join('\n')}`);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('prototype-pollution keys in .eventflow.json: diagnostics on the file, the server behaves as without them', async () => {
    const config = '{\n  "__proto__": { "polluted": true, "maxFileSize": 1, "modulesRoots": ["nowhere"] },\n  "constructor": { "prototype": { "polluted": true } },\n  "severities": { "__proto__": { "unhandled-event": "off" }, "constructor": { "prototype": { "polluted": true } } },\n  "naming": { "__proto__": { "minSegments": 9 } },\n  "handlerDecorators": [{ "name": "eventHandler", "__proto__": { "keyArg": 5 } }]\n}\n';
    const root = workspace('proto', { '.eventflow.json': config });
    cleanup.push(root);
    lsp = await LspClient.start(root);
    await lsp.ready();
    const configFile = path.join(root, '.eventflow.json');
    const diags = await lsp.waitFor(() => lsp!.diagnosticsOf(configFile).length >= 6 && lsp!.diagnosticsOf(configFile), 'the config diagnostics');
    assert.deepEqual(
      diags.map((d) => `${d.range.start.line}: ${d.message}`),
      [
        "1: Unknown setting '__proto__'",
        "2: Unknown setting 'constructor'",
        "3: 'severities': unknown property '__proto__'",
        "3: 'severities': unknown property 'constructor'",
        "4: 'naming': unknown property '__proto__'",
        "5: 'handlerDecorators[0]': unknown property '__proto__'",
      ],
    );
    await lsp.waitFor(() => sampleFindings(lsp!, root).length === SAMPLE_FINDINGS.length, 'the sample findings');
    assert.deepEqual(sampleFindings(lsp, root), SAMPLE_FINDINGS, 'the same findings, severities and modules as with no config');
    const modules = await lsp.request<{ modules: string[] }[]>('eventFlow/modules', {});
    assert.deepEqual(modules[0].modules, ['auth', 'email', 'items', 'notifications', 'search', 'users']);
    // Keys named like Object.prototype members are just keys.
    const v = await lsp.request<{ ok: boolean; exists: boolean }>('eventFlow/validateKey', { key: 'constructor.created' });
    assert.deepEqual(v, { ok: true, exists: false });
    assert.equal((await lsp.request<Location[]>('eventFlow/locations', { key: '__proto__', kind: 'references' })).length, 0);
    assert.equal((await lsp.request<Location[]>('eventFlow/locations', { key: 'constructor', kind: 'handlers' })).length, 0);
    await assertServerWorks(lsp, root);
  });

  it(
    'a key named like an Object.prototype member gets a real suggestion, not a prototype’s',
    async () => {
      const root = workspace('proto-names');
      cleanup.push(root);
      const client = await LspClient.start(root);
      lsp = client;
      await client.ready();
      for (const key of ['user.constructor', 'user.__proto__']) {
        const v = await client.request<{ ok: boolean; message?: string; suggestion?: string }>('eventFlow/validateKey', { key });
        assert.equal(v.ok, false);
        assert.doesNotMatch(`${v.message} ${v.suggestion}`, /native code|\[object Object\]/, key);
      }
    },
  );

  it('huge values in .eventflow.json are refused with a message, without a hang', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => `generated/${i}/**`);
    const config = JSON.stringify({
      exclude: many,
      baseClasses: ['B'.repeat(10 * 1024 * 1024)],
      naming: { pastTenseWords: Array.from({ length: 100_000 }, (_, i) => `w${i}`) },
      testFiles: ['**/**/**/**/**/**/**/**/**/**/**/**/**/**/x', '*a*a*a*a*a*a*a*a*b', 'src/***/x', 'a**b/c'],
      maxFileSize: 1e300,
      severities: { 'unhandled-event': 'E'.repeat(100_000) },
    });
    const root = workspace('huge-config', { '.eventflow.json': config });
    cleanup.push(root);
    // A deep folder that the glob above would take minutes to reject, were it accepted.
    fs.mkdirSync(path.join(root, 'a/'.repeat(40)), { recursive: true });
    fs.writeFileSync(path.join(root, 'a/'.repeat(40), 'deep.ts'), 'export const deep = 1;\n');
    const t = Date.now();
    lsp = await LspClient.start(root);
    await lsp.ready();
    console.log(`# timing: cold index with an 11 MB hostile .eventflow.json: ${Date.now() - t} ms`);
    const configFile = path.join(root, '.eventflow.json');
    const diags = await lsp.waitFor(() => lsp!.diagnosticsOf(configFile).length >= 8 && lsp!.diagnosticsOf(configFile), 'the config diagnostics');
    const messages = diags.map((d) => d.message);
    for (const expected of [
      /^'exclude': must have at most 10000 items \(found 100000\)$/,
      /^'baseClasses\[0\]': must be at most 1000 characters long \(found 10485760\)$/,
      /^'naming\.pastTenseWords': must have at most 10000 items \(found 100000\)$/,
      /^'testFiles\[0\]': '(\*\*\/){14}x' has 14 wildcards; at most 3 are allowed/,
      /^'testFiles\[1\]': '\*a\*a\*a\*a\*a\*a\*a\*a\*b' has 9 wildcards; at most 3 are allowed/,
      /^'testFiles\[2\]': 'src\/\*\*\*\/x' is not a valid glob: use '\*' or '\*\*', not '\*\*\*'$/,
      /^'testFiles\[3\]': 'a\*\*b\/c' is not a valid glob: '\*\*' must be a whole path segment/,
      /^'maxFileSize': must be at most 1073741824$/,
      /^'severities\.unhandled-event': must be at most 1000 characters long \(found 100000\)$/,
    ]) {
      assert.ok(messages.some((m) => expected.test(m)), `expected ${expected} in:\n${messages.map((m) => m.slice(0, 200)).join('\n')}`);
    }
    assert.ok(messages.every((m) => m.length < 500), 'messages quote no huge value');
    assert.ok(diags.length < 20, `a handful of messages, not one per item (${diags.length})`);
    assert.deepEqual(sampleFindings(lsp, root), SAMPLE_FINDINGS);
    await assertServerWorks(lsp, root);
    const c = Date.now();
    const cli = spawnSync(process.execPath, [CLI, 'check', root], { encoding: 'utf8', timeout: 60_000 });
    console.log(`# timing: CLI check with the hostile .eventflow.json: ${Date.now() - c} ms`);
    assert.equal(cli.status, 2, 'a refused configuration is a configuration error for CI');
    assert.match(cli.stderr, /'exclude': must have at most 10000 items/);
  });

  it('path traversal in modulesRoots and exclude reads and writes nothing outside the workspace', async () => {
    const parent = tempDir('traversal');
    cleanup.push(parent);
    // A sibling of the workspace with an event of its own, and the workspace next to it.
    const outside = path.join(parent, 'outside');
    fs.mkdirSync(path.join(outside, 'src/modules/evil/domain'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'src/modules/evil/domain/events.ts'), "class EventBase {}\nexport class EvilDoneEvent extends EventBase { readonly eventType = 'evil.done'; }\n");
    const root = path.join(parent, 'ws');
    fs.cpSync(SAMPLE, root, { recursive: true });
    fs.writeFileSync(
      path.join(root, '.eventflow.json'),
      JSON.stringify({
        modulesRoots: ['../../../etc', '/etc', '..', '../outside/src/modules', 'src/modules', '../../../../../../../../..'],
        exclude: ['/etc/**', '../**', '../../**/*', '{', '[', '\\', '{a,b', '**/../**', '.*', 'x/{,}/y'],
        testFiles: ['../outside/**'],
      }),
    );
    const before = snapshot(outside);
    lsp = await LspClient.start(root);
    await lsp.ready();
    const report = await graphReport(lsp);
    assert.equal(report.events.find((e) => e.key === 'evil.done'), undefined, 'nothing outside the workspace is indexed');
    assert.deepEqual(report.modules, ['auth', 'email', 'items', 'notifications', 'search', 'users']);
    assert.ok(report.events.find((e) => e.key === 'user.created'), 'the workspace itself is indexed');
    for (const u of lsp.diagnostics.keys()) assert.ok(new URL(u).pathname.startsWith(root + '/'), `a diagnostic for ${u}, outside the workspace`);
    await assert.rejects(lsp.request('eventFlow/newHandler', { key: 'user.deleted', module: 'evil' }), /No module named 'evil'/);
    await assert.rejects(lsp.request('eventFlow/newEvent', { key: 'evil.created', module: 'etc' }), /No module named 'etc'/);
    assert.deepEqual(snapshot(outside), before, 'nothing outside the workspace changed');
    assert.deepEqual(fs.readdirSync(parent).sort(), ['outside', 'ws']);
    await assertServerWorks(lsp, root);
  });

  it('a tsconfig extends outside the workspace, to a pipe, or to the server’s own stdin: ignored with a message, no hang', async (t) => {
    const aliased = "import { UserCreatedEvent } from 'modules/users/domain/events';\nexport function viaAlias(): void {\n  new UserCreatedEvent({ userId: '1', email: 'a@b.c' }).publish();\n}\n";
    const root = workspace('extends', {
      'tsconfig.json': JSON.stringify({ extends: '../../../../../../../../../../etc/passwd', compilerOptions: { baseUrl: 'src' } }),
      'src/modules/users/tsconfig.json': JSON.stringify({ extends: ['../../../tsconfig.fifo.json', '/dev/stdin'], compilerOptions: { baseUrl: '../..' } }),
      'src/modules/users/services/aliased.ts': aliased,
      'src/aliased.ts': aliased,
      'src/modules/items/tsconfig.json': JSON.stringify({ extends: '/dev/zero/../stdin', compilerOptions: { baseUrl: '../..' } }),
      'src/modules/items/services/aliased.ts': aliased,
    });
    cleanup.push(root);
    try {
      execFileSync('mkfifo', [path.join(root, 'tsconfig.fifo.json')]);
    } catch (e) {
      t.diagnostic(`no mkfifo here: ${(e as Error).message}`);
      fs.writeFileSync(path.join(root, 'tsconfig.fifo.json'), '{}');
    }
    const started = Date.now();
    lsp = await LspClient.start(root);
    await lsp.ready();
    console.log(`# timing: cold index with tsconfig extends to /etc/passwd, a FIFO and /dev/stdin: ${Date.now() - started} ms`);
    const rootConfig = path.join(root, 'tsconfig.json');
    const rootDiags = await lsp.waitFor(() => lsp!.diagnosticsOf(rootConfig).length > 0 && lsp!.diagnosticsOf(rootConfig), 'a diagnostic on tsconfig.json');
    assert.deepEqual(
      rootDiags.map((d) => d.message),
      ["'extends' names a file that is not valid JSON (InvalidSymbol): /etc/passwd; it is ignored"],
    );
    const usersConfig = path.join(root, 'src/modules/users/tsconfig.json');
    const usersDiags = await lsp.waitFor(() => lsp!.diagnosticsOf(usersConfig).length >= 2 && lsp!.diagnosticsOf(usersConfig), 'diagnostics on the users tsconfig.json');
    assert.deepEqual(
      usersDiags.map((d) => d.message).sort(),
      ["'extends' names a file that cannot be read: /dev/stdin.json", `'extends' names a file that cannot be read: ${path.join(root, 'tsconfig.fifo.json.json')}`],
    );
    for (const u of lsp.diagnostics.keys()) assert.ok(new URL(u).pathname.startsWith(root + '/'), `a diagnostic for ${u}, outside the workspace`);
    // The files' own options still apply: the aliases resolve.
    const report = await graphReport(lsp);
    const created = report.events.find((e) => e.key === 'user.created')!;
    assert.ok(created.publishers.some((p) => p.file === 'src/modules/users/services/aliased.ts'));
    assert.ok(created.publishers.some((p) => p.file === 'src/modules/items/services/aliased.ts'));
    assert.ok(created.publishers.some((p) => p.file === 'src/aliased.ts'));
    await assertServerWorks(lsp, root);
  });

  it('a .eventflow.json that is a pipe is reported, not waited for', async (t) => {
    const root = workspace('config-fifo');
    cleanup.push(root);
    const config = path.join(root, '.eventflow.json');
    try {
      execFileSync('mkfifo', [config]);
    } catch (e) {
      t.skip(`no mkfifo here: ${(e as Error).message}`);
      return;
    }
    lsp = await LspClient.start(root);
    await lsp.ready();
    const diags = await lsp.waitFor(() => lsp!.diagnosticsOf(config).length > 0 && lsp!.diagnosticsOf(config), 'a diagnostic on .eventflow.json');
    assert.match(diags[0].message, /^cannot read the config file \(not a readable regular file\); the defaults apply$/);
    assert.deepEqual(sampleFindings(lsp, root), SAMPLE_FINDINGS);
    await assertServerWorks(lsp, root);
  });

  it('code generation refuses hostile module names and keys, and never creates a file outside the workspace', async () => {
    const parent = tempDir('generate');
    cleanup.push(parent);
    const root = path.join(parent, 'ws');
    fs.cpSync(SAMPLE, root, { recursive: true });
    // Keys declared in the workspace that would break out of a generated string or comment.
    fs.writeFileSync(
      path.join(root, 'src/modules/items/domain/hostile-events.ts'),
      [
        "import { EventBase } from '../../../core/events';",
        "export class NewlineEvent extends EventBase { readonly eventType = 'evil.created\\nprocess.exit(1); //'; }",
        'export class QuoteEvent extends EventBase { readonly eventType = "it\'s.created"; }',
        "export class TemplateEvent extends EventBase { readonly eventType = 'evil.${process.exit(1)}'; }",
        "export class ScriptEvent extends EventBase { readonly eventType = 'x</script><script>alert(1)</script>.created'; }",
        '',
      ].join('\n'),
    );
    // A module folder that is a link to a folder outside the workspace.
    const elsewhere = path.join(parent, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'index.ts'), '/** A module that lives elsewhere. */\nexport const here = 1;\n');
    fs.symlinkSync(elsewhere, path.join(root, 'src/modules/linked'), 'dir');
    lsp = await LspClient.start(root);
    await lsp.ready();
    const badModules = ['../../x', 'users/../../x', '../users', '/etc', '/tmp/x', 'C:\\x', '..', '.', '', 'users\n', 'users/', ' users', 'users\u0000', '${x}', '</script>'];
    for (const module of badModules) {
      await assert.rejects(lsp.request('eventFlow/newHandler', { key: 'user.deleted', module }), /not a valid module name/, `newHandler module ${JSON.stringify(module)}`);
      await assert.rejects(lsp.request('eventFlow/newEvent', { key: 'user.suspended', module }), /not a valid module name/, `newEvent module ${JSON.stringify(module)}`);
    }
    const badKeys = ["user.created'; process.exit(1); '", 'user.\ncreated', 'user.${process.exit(1)}', 'user</script>.created', 'user."created"', 'user.created\\', '../../x.created'];
    for (const key of badKeys) {
      await assert.rejects(lsp.request('eventFlow/newEvent', { key, module: 'users' }), /Event type '.*' should be/s, `newEvent key ${JSON.stringify(key)}`);
      await assert.rejects(lsp.request('eventFlow/newHandler', { key, module: 'email' }), /No event class declares|Cannot generate a handler/, `newHandler key ${JSON.stringify(key)}`);
    }
    // Declared keys that cannot be written into code as they are.
    for (const key of ['evil.created\nprocess.exit(1); //', "it's.created", 'evil.${process.exit(1)}']) {
      await assert.rejects(lsp.request('eventFlow/newHandler', { key, module: 'email' }), /Cannot generate a handler for .*: the event type contains/, `declared key ${JSON.stringify(key)}`);
    }
    // Not strings at all.
    for (const params of [{ key: 42, module: 'email' }, { key: 'user.deleted', module: 42 }, { key: null, module: 'email' }, { key: 'user.suspended', module: ['users'] }, {}]) {
      await assert.rejects(lsp.request('eventFlow/newHandler', params), (e: Error & { code?: number }) => e.code === -32602 && /must be|not a valid/.test(e.message), JSON.stringify(params));
      await assert.rejects(lsp.request('eventFlow/newEvent', params), (e: Error & { code?: number }) => e.code === -32602, JSON.stringify(params));
    }
    // A module that is a link out of the workspace: refused, nothing created there.
    await assert.rejects(lsp.request('eventFlow/newHandler', { key: 'user.deleted', module: 'linked' }), /link to a folder outside the workspace/);
    await assert.rejects(lsp.request('eventFlow/newEvent', { key: 'linked.created', module: 'linked' }), /link to a folder outside the workspace/);
    assert.deepEqual(fs.readdirSync(elsewhere), ['index.ts']);
    // Real generations: every file they create or edit is inside the workspace folder.
    const generated = [
      await lsp.request<{ edit: WorkspaceEdit }>('eventFlow/newHandler', { key: 'user.deleted', module: 'auth' }),
      await lsp.request<{ edit: WorkspaceEdit }>('eventFlow/newHandler', { key: 'user.deleted', module: 'email' }),
      await lsp.request<{ edit: WorkspaceEdit }>('eventFlow/newEvent', { key: 'user.suspended', module: 'users' }),
      await lsp.request<{ edit: WorkspaceEdit }>('eventFlow/newEvent', { key: 'notification.archived', module: 'notifications' }),
      await lsp.request<{ edit: WorkspaceEdit }>('eventFlow/newHandler', { key: 'x</script><script>alert(1)</script>.created', module: 'search' }),
    ];
    let creates = 0;
    for (const g of generated) {
      for (const file of editedPaths(g.edit)) assertInside(root, file);
      creates += (g.edit.documentChanges ?? []).filter((c) => 'kind' in c && c.kind === 'create').length;
    }
    assert.ok(creates >= 2, 'the generations create files (auth handlers, notifications events)');
    // The HTML-looking key is written as it is inside a string literal: valid TypeScript, nothing more.
    const scriptEdit = JSON.stringify(generated[4].edit);
    assert.ok(scriptEdit.includes("@eventHandler('x</script><script>alert(1)</script>.created')"));
    await assertServerWorks(lsp, root);
  });

  it('rename to a key with a quote, a line break or a template refuses with a clear error', async () => {
    const root = workspace('rename');
    cleanup.push(root);
    lsp = await LspClient.start(root);
    await lsp.ready();
    const file = path.join(root, 'src/modules/email/services/email-event-handlers.ts');
    const text = fs.readFileSync(file, 'utf8');
    const position = positionOf(text, "'user.created'", 3);
    const prepared = await lsp.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: uri(file) }, position });
    assert.equal(prepared.placeholder, 'user.created');
    for (const [newName, message] of [
      ["user.created'; process.exit(1); '", /may not contain quotes, backslashes or line breaks/],
      ['user.\ncreated', /may not contain quotes, backslashes or line breaks/],
      ['user.created\\', /may not contain quotes, backslashes or line breaks/],
      ['user.`created`', /may not contain quotes, backslashes or line breaks/],
      ['user.${x}', /should be lower-case words separated by dots/],
      ['user</script>.created', /should be lower-case words separated by dots/],
      [' user.made', /no surrounding spaces/],
    ] as const) {
      await assert.rejects(lsp.request('textDocument/rename', { textDocument: { uri: uri(file) }, position, newName }), message, JSON.stringify(newName));
    }
    assert.equal(fs.readFileSync(file, 'utf8'), text);
    await assertServerWorks(lsp, root);
  });

  it('never executes workspace code: top-level side effects, package scripts and config-as-code leave no trace', async () => {
    const markers = tempDir('markers');
    cleanup.push(markers);
    const m = (n: string) => JSON.stringify(path.join(markers, n));
    const root = workspace('no-exec', {
      'src/modules/users/services/evil.ts': [
        "import { execSync } from 'node:child_process';",
        "import { writeFileSync } from 'node:fs';",
        "import { UserCreatedEvent } from '../domain/events';",
        `execSync('touch ' + ${m('pwned-exec')});`,
        `require('child_process').execSync('touch ' + ${m('pwned-require')});`,
        `writeFileSync(${m('pwned-write')}, 'x');`,
        'process.exit(1);',
        'export function evil(): void {',
        "  new UserCreatedEvent({ userId: '1', email: 'a@b.c' }).publish();",
        '}',
        `@((): ClassDecorator => { require('fs').writeFileSync(${m('pwned-decorator')}, 'x'); return () => undefined; })()`,
        'export class Decorated {}',
        '',
      ].join('\n'),
      'src/modules/users/services/evil_module.py': `import os\nos.system('touch ' + ${m('pwned-python')})\nraise SystemExit(1)\n`,
      'package.json': JSON.stringify({
        name: 'evil',
        main: 'evil-main.js',
        scripts: Object.fromEntries(['preinstall', 'install', 'postinstall', 'prepare', 'prepublish', 'build', 'test', 'eventflow', 'pretest'].map((s) => [s, `touch ${path.join(markers, `pwned-script-${s}`)}`])),
      }),
      'evil-main.js': `require('fs').writeFileSync(${m('pwned-main')}, 'x');`,
      '.eventflow.js': `require('fs').writeFileSync(${m('pwned-config-js')}, 'x'); module.exports = {};`,
      'eventflow.config.js': `require('fs').writeFileSync(${m('pwned-config-js2')}, 'x'); module.exports = {};`,
      'eventflow.config.ts': `require('fs').writeFileSync(${m('pwned-config-ts')}, 'x'); export default {};`,
      'node_modules/evil-plugin/package.json': JSON.stringify({ name: 'evil-plugin', main: 'index.js' }),
      'node_modules/evil-plugin/index.js': `require('fs').writeFileSync(${m('pwned-plugin')}, 'x'); module.exports = () => ({});`,
      'tsconfig.json': JSON.stringify({ extends: './evil-main.js', compilerOptions: { plugins: [{ name: 'evil-plugin' }], baseUrl: '.' } }),
      '.eventflow.json': JSON.stringify({ profiles: ['seed'] }),
    });
    cleanup.push(root);
    lsp = await LspClient.start(root);
    await lsp.ready();
    const evil = path.join(root, 'src/modules/users/services/evil.ts');
    // Indexed as text: its publish is found, nothing of it ran.
    const report = await graphReport(lsp);
    assert.ok(report.events.find((e) => e.key === 'user.created')!.publishers.some((p) => p.file === 'src/modules/users/services/evil.ts'));
    const text = fs.readFileSync(evil, 'utf8');
    lsp.open(evil, text);
    const version = lsp.change(evil, text.replace('process.exit(1);', 'process.exit(2); process.kill(process.pid);'));
    await lsp.waitFor(() => lsp!.diagnostics.get(uri(evil))?.version === version, 'the edited evil file to be processed');
    await lsp.request('textDocument/codeLens', { textDocument: { uri: uri(evil) } });
    await lsp.request('textDocument/hover', { textDocument: { uri: uri(evil) }, position: positionOf(text, 'publish()') });
    await lsp.request('eventFlow/graph', {});
    const cli = spawnSync(process.execPath, [CLI, 'check', root, '--format', 'json'], { encoding: 'utf8' });
    assert.ok(cli.stdout.includes('"user.created"'), cli.stderr);
    assert.deepEqual(fs.readdirSync(markers), [], 'no workspace code ran');
    await assertServerWorks(lsp, root);
  });
});

describe('nothing lost: edits against the open, unsaved documents', () => {
  let lsp: LspClient | undefined;
  let root: string | undefined;
  afterEach(async () => {
    await lsp?.stop();
    lsp = undefined;
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('a rename while a file holding the key has unsaved changes carries its version and unsaved positions; both survive', async () => {
    root = copyToTemp(SAMPLE, 'sec-unsaved');
    lsp = await LspClient.start(root);
    await lsp.ready();
    const eventsFile = path.join(root, 'src/modules/users/domain/events.ts');
    const handlersFile = path.join(root, 'src/modules/email/services/email-event-handlers.ts');
    const onDisk = fs.readFileSync(eventsFile, 'utf8');
    const handlersOnDisk = fs.readFileSync(handlersFile, 'utf8');
    // Unsaved: lines inserted above the key (with a UTF-16 surrogate pair), and in another
    // open file a new, unsaved handler of the key.
    const insertion = '// 🚧 unsaved note one\n// unsaved note two\n\n';
    const unsaved = onDisk.replace('/** A new account exists;', `${insertion}/** A new account exists;`);
    lsp.open(eventsFile, onDisk);
    const eventsVersion = lsp.change(eventsFile, unsaved);
    const extraHandler = "\n  @eventHandler('user.created')\n  static auditUserCreated(event: UserCreatedEvent): void {\n    void event;\n  }\n";
    const handlersUnsaved = handlersOnDisk.replace(/\n}\n\s*$/, `\n${extraHandler}}\n`);
    assert.notEqual(handlersUnsaved, handlersOnDisk);
    lsp.open(handlersFile, handlersOnDisk);
    lsp.change(handlersFile, handlersUnsaved);
    const handlersVersion = lsp.change(handlersFile, handlersUnsaved + '\n');
    // The rename, right after the changes, at the key's position in the unsaved text.
    const keyAt = positionOf(unsaved, "'user.created'", 1);
    const edit = await lsp.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uri(eventsFile) }, position: keyAt, newName: 'user.registered' });
    assert.ok(edit.documentChanges, 'the rename is a list of versioned document edits');
    const byUri = new Map<string, { version: number | null; edits: TextEdit[] }>();
    for (const c of edit.documentChanges) {
      assert.ok(!('kind' in c), 'a rename creates no files');
      byUri.set(c.textDocument.uri, { version: c.textDocument.version, edits: c.edits });
    }
    const events = byUri.get(uri(eventsFile));
    assert.ok(events, 'the open document is edited');
    assert.equal(events.version, eventsVersion, 'the edit is against the version with the unsaved changes');
    assert.deepEqual(
      events.edits.map((e) => e.range.start),
      [positionOf(unsaved, "'user.created'", 1)],
      'ranges computed against the unsaved text (three lines lower than on disk)',
    );
    const handlers = byUri.get(uri(handlersFile));
    assert.ok(handlers);
    assert.equal(handlers.version, handlersVersion);
    assert.equal(handlers.edits.length, 2, 'the saved handler and the unsaved one');
    // Closed files are edited on their disk text: no version.
    for (const [u, c] of byUri) if (u !== uri(eventsFile) && u !== uri(handlersFile)) assert.equal(c.version, null, `${u} is not open`);
    // Applied as an editor would: both the unsaved changes and the rename are there.
    const applied = applyEdits(unsaved, events.edits);
    assert.ok(applied.includes(insertion + '/** A new account exists;'), 'the unsaved insertion survives');
    assert.ok(applied.includes("readonly eventType = 'user.registered';"), 'the rename is applied');
    assert.ok(!applied.includes("'user.created'"));
    assert.equal(applied, unsaved.replace("'user.created'", "'user.registered'"));
    const appliedHandlers = applyEdits(handlersUnsaved + '\n', handlers.edits);
    assert.equal(appliedHandlers, (handlersUnsaved + '\n').split("'user.created'").join("'user.registered'"));
    assert.ok(appliedHandlers.includes('static auditUserCreated('), 'the unsaved handler survives');
    // Disk was never touched by the server.
    assert.equal(fs.readFileSync(eventsFile, 'utf8'), onDisk);
  });
});

interface Location {
  uri: string;
  range: Range;
}
