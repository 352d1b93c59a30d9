/**
 * The language server keeping up with a changing workspace: files deleted on disk, generated
 * handlers that compile, configuration errors and fixes, UTF-16 positions with CRLF line
 * endings, multi-root workspaces and progress.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { copyToTemp, LspClient, positionOf, REPO, uri, type Range } from './client';

interface TextEdit {
  range: Range;
  newText: string;
}
type DocumentChange = { kind: 'create'; uri: string } | { textDocument: { uri: string; version: number | null }; edits: TextEdit[] };

/** Applies a WorkspaceEdit to files on disk, as an editor would for closed documents. */
function applyToDisk(edit: { documentChanges: DocumentChange[] }): string[] {
  const touched: string[] = [];
  for (const change of edit.documentChanges) {
    if ('kind' in change) {
      const file = new URL(change.uri).pathname;
      assert.ok(!fs.existsSync(file), `the edit must not overwrite ${file}`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '');
      continue;
    }
    const file = new URL(change.textDocument.uri).pathname;
    let text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    const sorted = [...change.edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
    for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
    fs.writeFileSync(file, text);
    touched.push(file);
  }
  return touched;
}

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `eventflow-${name}-`));
}

describe('language server with a changing workspace', () => {
  let lsp: LspClient | undefined;
  let root: string | undefined;
  afterEach(async () => {
    await lsp?.stop();
    lsp = undefined;
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('reacts to a handler file deleted on disk: its events become unhandled', async () => {
    root = copyToTemp(path.join(REPO, 'sample-workspace'), 'deleted');
    lsp = await LspClient.start(root);
    await lsp.ready();
    const itemService = path.join(root, 'src/modules/items/services/item-service.ts');
    assert.equal(lsp.diagnosticsOf(itemService).length, 0);
    const handlers = path.join(root, 'src/modules/search/services/search-event-handlers.ts');
    fs.rmSync(handlers);
    lsp.filesChanged([{ file: handlers, type: 3 }]);
    const diags = await lsp.waitFor(() => {
      const d = lsp!.diagnosticsOf(itemService).filter((x) => x.code === 'unhandled-event');
      return d.length === 3 && d;
    }, 'item.updated, item.deleted and item.archive to become unhandled');
    assert.deepEqual(diags.map((d) => d.message.split("'")[1]).sort(), ['item.archive', 'item.deleted', 'item.updated']);
  });

  it('creates a handler in another module that compiles, and the event is handled', async () => {
    root = copyToTemp(path.join(REPO, 'sample-workspace'), 'generate');
    lsp = await LspClient.start(root);
    await lsp.ready();
    const userService = path.join(root, 'src/modules/users/services/user-service.ts');
    const diags = await lsp.waitFor(() => lsp!.diagnosticsOf(userService).length > 0 && lsp!.diagnosticsOf(userService), 'the unhandled user.deleted');
    const actions = await lsp.request<{ title: string; data: unknown }[]>('textDocument/codeAction', {
      textDocument: { uri: uri(userService) },
      range: diags[0].range,
      context: { diagnostics: diags },
    });
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles, ['auth', 'email', 'items', 'notifications', 'search'].map((m) => `Create a handler for 'user.deleted' in module ${m}`));
    // One into a module with a handler file (email), one into a module without (auth).
    for (const module of ['email', 'auth']) {
      const action = actions.find((a) => a.title.endsWith(` ${module}`))!;
      const resolved = await lsp.request<{ edit: { documentChanges: DocumentChange[] } }>('codeAction/resolve', action);
      const touched = applyToDisk(resolved.edit);
      lsp.filesChanged(touched.map((file) => ({ file, type: 2 as const })));
    }
    assert.ok(fs.existsSync(path.join(root, 'src/modules/auth/services/auth-event-handlers.ts')));
    assert.match(fs.readFileSync(path.join(root, 'src/modules/auth/index.ts'), 'utf8'), /import '\.\/services\/auth-event-handlers';/);
    await lsp.waitFor(() => !lsp!.diagnosticsOf(userService).some((d) => d.code === 'unhandled-event'), 'user.deleted to be handled');
    // The copy has no node_modules of its own: its type roots are the repository's.
    const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root, '--typeRoots', path.join(REPO, 'node_modules/@types')], {
      encoding: 'utf8',
    });
    assert.equal(tsc.status, 0, `the generated code must compile:\n${tsc.stdout}${tsc.stderr}`);
    const graph = await lsp.request<{ folders: { report: { events: { key: string; handlers: { name: string }[] }[] } }[] }>('eventFlow/graph', {});
    const deleted = graph.folders[0].report.events.find((e) => e.key === 'user.deleted')!;
    assert.deepEqual(deleted.handlers.map((h) => h.name).sort(), ['AuthEventHandlers.handleUserDeleted', 'EmailEventHandlers.handleUserDeleted']);
  });

  it('reports a broken .eventflow.json where it is, keeps working, and recovers when fixed', async () => {
    root = copyToTemp(path.join(REPO, 'sample-workspace'), 'config');
    const config = path.join(root, '.eventflow.json');
    fs.writeFileSync(config, '{\n  "severities": { "unhandled-event": "loud" },\n  "modulesRoot": ["src/modules"]\n}\n');
    lsp = await LspClient.start(root);
    await lsp.ready();
    const problems = await lsp.waitFor(() => lsp!.diagnosticsOf(config).length === 2 && lsp!.diagnosticsOf(config), 'config diagnostics');
    assert.deepEqual(
      problems.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.message}`),
      [`1:37 'severities.unhandled-event': must be one of "error", "warning", "information", "hint", "off"`, "2:2 Unknown setting 'modulesRoot'"],
    );
    // The rest keeps working: the sample's findings are there.
    assert.ok(lsp.diagnosticsOf(path.join(root, 'src/modules/users/services/user-service.ts')).some((d) => d.code === 'unhandled-event'));
    fs.writeFileSync(config, '{ "severities": { "unhandled-event": "error" } }\n');
    lsp.filesChanged([{ file: config, type: 2 }]);
    await lsp.waitFor(() => lsp!.diagnosticsOf(config).length === 0, 'the config diagnostics to clear');
    const unhandled = await lsp.waitFor(
      () => lsp!.diagnosticsOf(path.join(root!, 'src/modules/users/services/user-service.ts')).find((d) => d.code === 'unhandled-event' && d.severity === 1),
      'unhandled-event as an error',
    );
    assert.ok(unhandled);
  });

  it('speaks UTF-16 positions on lines with emoji and CRLF line endings', async () => {
    root = tempDir('utf16');
    const src = path.join(root, 'src/modules/shop');
    fs.mkdirSync(src, { recursive: true });
    const events = [
      "import { EventBase } from './base';",
      '// 🛒 Einkaufswagen: événements — 注文',
      "export class OrderPlacedEvent extends EventBase { readonly eventType = 'order.placed'; }",
      "export class OrderLostEvent extends EventBase { /* 😀😀 */ readonly eventType = 'order.lost'; }",
      '',
    ].join('\r\n');
    fs.writeFileSync(path.join(src, 'events.ts'), events);
    fs.writeFileSync(path.join(src, 'base.ts'), 'export class EventBase { publish(): void {} }\n');
    fs.writeFileSync(path.join(src, 'service.ts'), "import { OrderLostEvent } from './events';\r\nexport function lose(): void {\r\n  /* ✨ */ new OrderLostEvent().publish();\r\n}\r\n");
    lsp = await LspClient.start(root);
    await lsp.ready();
    const eventsFile = path.join(src, 'events.ts');
    const diags = await lsp.waitFor(() => lsp!.diagnosticsOf(eventsFile).length === 1 && lsp!.diagnosticsOf(eventsFile), 'the unpublished order.placed');
    const line = events.split('\r\n')[2];
    assert.equal(diags[0].range.start.line, 2);
    assert.equal(diags[0].range.start.character, line.indexOf('OrderPlacedEvent'));
    const serviceFile = path.join(src, 'service.ts');
    const unhandled = await lsp.waitFor(() => lsp!.diagnosticsOf(serviceFile)[0], 'the unhandled order.lost');
    // "  /* ✨ */ " is 11 UTF-16 code units: the sparkle is one.
    assert.deepEqual(unhandled.range.start, { line: 2, character: '  /* ✨ */ '.length });
    const hover = await lsp.request<{ contents: { value: string }; range: Range }>('textDocument/hover', {
      textDocument: { uri: uri(eventsFile) },
      position: { line: 3, character: events.split('\r\n')[3].indexOf("'order.lost'") + 3 },
    });
    assert.match(hover.contents.value, /`order\.lost`/);
    assert.equal(hover.range.start.character, events.split('\r\n')[3].indexOf("'order.lost'") + 1);
  });

  it('indexes every folder of a multi-root workspace and reports progress', async () => {
    root = tempDir('multi');
    const a = copyToTemp(path.join(REPO, 'sample-workspace'), 'multi-a');
    const b = path.join(root, 'b');
    fs.mkdirSync(path.join(b, 'src'), { recursive: true });
    fs.writeFileSync(path.join(b, 'src/events.ts'), "class EventBase {}\nexport class PingSentEvent extends EventBase { readonly eventType = 'ping.sent'; }\n");
    try {
      lsp = await LspClient.start(a, { workspaceFolders: [a, b] });
      await lsp.waitFor(() => lsp!.notifications.filter((n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'end').length >= 2, 'two progress ends');
      const graph = await lsp.request<{ folders: { folderUri: string; report: { events: { key: string }[] } }[] }>('eventFlow/graph', {});
      assert.deepEqual(
        graph.folders.map((f) => [path.basename(new URL(f.folderUri).pathname) === path.basename(b), f.report.events.some((e) => e.key === 'ping.sent')]),
        [
          [false, false],
          [true, true],
        ],
      );
      const begins = lsp.notifications.filter((n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'begin');
      assert.equal(begins.length, 2);
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
    }
  });

  it('completes from thousands of keys by what is typed, marking the list incomplete', async () => {
    root = tempDir('many-keys');
    const mod = path.join(root, 'src/modules/big');
    fs.mkdirSync(mod, { recursive: true });
    const classes = Array.from({ length: 1200 }, (_, i) => `export class Thing${i}CreatedEvent extends EventBase { readonly eventType = 'thing${i}.created'; }`);
    fs.writeFileSync(path.join(mod, 'events.ts'), `class EventBase {}\n${classes.join('\n')}\n`);
    const handlerText = "declare function eventHandler(k: string): MethodDecorator;\nexport class H {\n  @eventHandler('thing12')\n  static on(): void {}\n}\n";
    fs.writeFileSync(path.join(mod, 'handlers.ts'), handlerText);
    lsp = await LspClient.start(root);
    await lsp.ready();
    const list = await lsp.request<{ isIncomplete: boolean; items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri: uri(path.join(mod, 'handlers.ts')) },
      position: positionOf(handlerText, "'thing12'", "'thing12".length),
    });
    assert.equal(list.isIncomplete, true);
    assert.ok(list.items.length > 0 && list.items.length <= 200, `${list.items.length} items`);
    assert.ok(list.items.some((i) => i.label === 'thing12.created'));
    assert.ok(list.items.every((i) => /t.*h.*i.*n.*g.*1.*2/.test(i.label)), 'every item matches what is typed');
  });

  it('answers malformed requests with errors or nothing, and keeps serving', async () => {
    root = copyToTemp(path.join(REPO, 'sample-workspace'), 'robust');
    lsp = await LspClient.start(root);
    await lsp.ready();
    assert.equal(await lsp.request('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 0, character: 0 } }), null);
    assert.equal(await lsp.request('textDocument/hover', { textDocument: { uri: uri(path.join(root, 'nope.ts')) }, position: { line: 99, character: 99 } }), null);
    await assert.rejects(lsp.request('eventFlow/newHandler', { key: 'user.deleted', module: '../../etc' }), /not a valid module name/);
    await assert.rejects(lsp.request('eventFlow/newEvent', { module: 'users', key: 'Users Did Things' }), /at least 2 dot-separated segments/);
    const f = path.join(root, 'src/modules/users/services/user-service.ts');
    const text = fs.readFileSync(f, 'utf8');
    const h = await lsp.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: uri(f) }, position: positionOf(text, 'event.publish()', 7) });
    assert.match(h.contents.value, /user\.created/);
  });
});
