/**
 * The language server over stdio on Python workspaces: every capability in `.py` files
 * (diagnostics, hover, navigation, CodeLens, completion, rename, quick fixes, generated
 * handlers and events), the look-alikes that must stay silent, and a mixed Python +
 * TypeScript workspace that is one graph with one rename.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyToTemp, LspClient, positionOf, REPO, uri, type Position, type Range } from './client';

interface Location {
  uri: string;
  range: Range;
}
interface TextEdit {
  range: Range;
  newText: string;
}
type DocumentChange = { kind: 'create'; uri: string } | { textDocument: { uri: string; version: number | null }; edits: TextEdit[] };
interface WorkspaceEdit {
  documentChanges: DocumentChange[];
}
interface GeneratedEdit {
  edit: WorkspaceEdit;
  summary: string;
  reveal?: Location;
}
interface Hover {
  contents: { value: string };
  range: Range;
}
interface CodeLens {
  range: Range;
  data: unknown;
  command?: { title: string; command: string; arguments: unknown[] };
}
interface GraphReport {
  folders: { report: { events: { key: string; declarations: { name: string }[]; publishers: unknown[]; handlers: { name: string }[] }[]; flows: { from: string; to: string }[] } }[];
}

/** Applies a WorkspaceEdit to files on disk, as an editor would for closed documents; returns the files touched. */
function applyToDisk(edit: WorkspaceEdit): string[] {
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
    const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    // Same-position inserts keep their order (LSP): sort stably by start, then apply from the end.
    const sorted = change.edits.map((e, i) => ({ e, i })).sort((a, b) => offset(b.e.range.start) - offset(a.e.range.start) || b.i - a.i);
    for (const { e } of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
    fs.writeFileSync(file, text);
    touched.push(file);
  }
  return [...new Set(touched)];
}

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__pycache__') out.push(...pythonFiles(p));
    } else if (entry.name.endsWith('.py')) out.push(p);
  }
  return out.sort();
}

const hasPython = (() => {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0;
})();

/** `python3 -m py_compile` on every file, into a throwaway cache (no __pycache__ in the workspace). */
function assertCompiles(files: string[]): void {
  if (!hasPython) return;
  const code = [
    'import py_compile, sys, tempfile, os',
    'd = tempfile.mkdtemp()',
    'bad = 0',
    'for i, f in enumerate(sys.argv[1:]):',
    '    try:',
    '        py_compile.compile(f, cfile=os.path.join(d, str(i) + ".pyc"), doraise=True)',
    '    except py_compile.PyCompileError as e:',
    '        bad += 1',
    '        print(e.msg)',
    'sys.exit(1 if bad else 0)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', code, ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, `py_compile failed:\n${r.stdout}\n${r.stderr}`);
}

function workspace(fixture: string) {
  const ctx = {
    root: '',
    lsp: undefined as unknown as LspClient,
    file: (rel: string) => path.join(ctx.root, rel),
    read: (rel: string) => fs.readFileSync(ctx.file(rel), 'utf8'),
    rel: (u: string) => path.relative(ctx.root, new URL(u).pathname),
    at: (l: Location) => `${ctx.rel(l.uri)}:${l.range.start.line + 1}`,
    doc: (rel: string) => ({ uri: uri(ctx.file(rel)) }),
    /** A position inside the n-th occurrence of `needle` in a file. */
    pos: (rel: string, needle: string, delta = 1, occurrence = 0) => positionOf(ctx.read(rel), needle, delta, occurrence),
    hover: (rel: string, needle: string, delta = 1, occurrence = 0) =>
      ctx.lsp.request<Hover | null>('textDocument/hover', { textDocument: ctx.doc(rel), position: ctx.pos(rel, needle, delta, occurrence) }),
    lenses: async (rel: string) => {
      const lenses = await ctx.lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: ctx.doc(rel) });
      const resolved = await Promise.all(lenses.map((l) => ctx.lsp.request<CodeLens>('codeLens/resolve', l)));
      return resolved.map((l) => `${l.range.start.line + 1} ${l.command!.title}`);
    },
    allDiagnostics: () => [...ctx.lsp.diagnostics.values()].flatMap((p) => p.diagnostics.map((d) => `${ctx.rel(p.uri)}:${d.range.start.line + 1} ${d.code}`)).sort(),
    graph: async () => (await ctx.lsp.request<GraphReport>('eventFlow/graph', {})).folders[0].report,
    /** Polls an asynchronous condition (a request) until it holds. */
    until: async <T>(condition: () => Promise<T | undefined | false>, what: string, timeoutMs = 10000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = await condition();
        if (v) return v;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  before(async () => {
    ctx.root = copyToTemp(path.join(REPO, 'test/fixtures', fixture), fixture);
    ctx.lsp = await LspClient.start(ctx.root);
    await ctx.lsp.ready();
  });
  after(async () => {
    await ctx.lsp?.stop();
    fs.rmSync(ctx.root, { recursive: true, force: true });
  });
  return ctx;
}

describe('language server on the Python fixture (python-app)', () => {
  const w = workspace('python-app');
  const USER_SERVICE = 'backend/app/modules/users/services/user_service.py';
  const EMAIL_HANDLERS = 'backend/app/modules/email/services/email_event_handlers.py';
  const NOTIFICATIONS = 'backend/app/modules/notifications/services/notification_handlers.py';
  const SEARCH = 'backend/app/modules/search/services/search_handlers.py';

  it('pushes diagnostics for the deliberate findings, and nothing else', async () => {
    await w.lsp.waitFor(() => w.lsp.diagnosticsOf(w.file(USER_SERVICE)).length > 0, 'diagnostics');
    assert.deepEqual(w.allDiagnostics(), [
      'backend/app/modules/email/services/email_event_handlers.py:29 unhandled-event',
      'backend/app/modules/email/services/email_event_handlers.py:33 unhandled-event',
      'backend/app/modules/items/services/item_service.py:16 unhandled-event',
      'backend/app/modules/notifications/services/notification_handlers.py:18 unknown-event',
      'backend/app/modules/search/services/search_handlers.py:24 unresolved-event',
      'backend/app/modules/users/services/user_service.py:37 unhandled-event',
    ]);
    const unknown = w.lsp.diagnosticsOf(w.file(NOTIFICATIONS))[0];
    assert.equal(unknown.source, 'event-flow');
    assert.match(unknown.message, /No event declares 'item\.craeted'; did you mean 'item\.created'\?/);
    // The range is the key's content, inside the quotes.
    const line = w.read(NOTIFICATIONS).split('\n')[17];
    assert.equal(unknown.range.start.character, line.indexOf('item.craeted'));
    assert.equal(unknown.range.end.character, line.indexOf('item.craeted') + 'item.craeted'.length);
  });

  it('hovers `event.publish()`: key, fields, publishers (tests apart), handlers with modules, flows', async () => {
    const h = (await w.hover(USER_SERVICE, 'event.publish()', 7))!;
    const md = h.contents.value;
    assert.match(md, /\*\*Event\*\* `user\.created`/);
    assert.match(md, /Declared by \[UserCreatedEvent\]\(file:.*users\/domain\/events\.py#L8,1\) in module \*\*users\*\*/);
    assert.match(md, /user_id: uuid\.UUID/);
    // One publisher and one in a test: the `publish_event(self)` inside the classes' own
    // `publish` methods is not a publisher (it would count every publish twice).
    assert.match(md, /\*\*Published by\*\* \(1, and 1 in tests\)/);
    assert.match(md, /\*\*Handled by\*\* \(1\)/);
    assert.match(md, /\[handle\\_user\\_created\\_event\]\(.*email_event_handlers\.py#L10,5\) — email/);
    assert.match(md, /leads to `email\.sent`/);
    assert.deepEqual(h.range, { start: { line: 29, character: 8 }, end: { line: 29, character: 23 } });
  });

  it('hovers `publish_event(...)`, an event class and a key string in `@event_handler("…")`', async () => {
    const sent = (await w.hover(EMAIL_HANDLERS, 'publish_event(EmailSentEvent', 3))!.contents.value;
    assert.match(sent, /\*\*Event\*\* `email\.sent`/);
    assert.match(sent, /\*\*Published by\*\* \(2\)/);
    assert.match(sent, /\*\*Handled by\*\* \(0\)/);
    assert.match(sent, /after `password\.reset\.requested`, `user\.created`|after `user\.created`, `password\.reset\.requested`/);

    const cls = (await w.hover('backend/app/modules/auth/domain/events.py', 'class PasswordResetRequested', 8))!.contents.value;
    assert.match(cls, /\*\*Event\*\* `password\.reset\.requested`/);
    assert.match(cls, /handle\\_password\\_reset\\_requested\\_event.*— email/);
    assert.match(cls, /auth\\_service\.py:25\]\(.*\) — auth/);

    const key = (await w.hover(EMAIL_HANDLERS, '@event_handler("password.reset.requested")', 20))!;
    assert.match(key.contents.value, /\*\*Event\*\* `password\.reset\.requested`/);
    const line = w.read(EMAIL_HANDLERS).split('\n')[19];
    assert.deepEqual(key.range, { start: { line: 19, character: line.indexOf('password') }, end: { line: 19, character: line.indexOf('password') + 'password.reset.requested'.length } });

    // A key through an aliased decorator and an enum member.
    const alias = (await w.hover(NOTIFICATIONS, '@on(ItemEventTypes.ITEM_CREATED)', 22))!.contents.value;
    assert.match(alias, /\*\*Event\*\* `item\.created`/);
    assert.match(alias, /\*\*Handled by\*\* \(2\)/);
  });

  it('goes to handlers (implementation) from publishes, through a helper typed with the class', async () => {
    const fromAuth = await w.lsp.request<Location[]>('textDocument/implementation', {
      textDocument: w.doc('backend/app/modules/auth/services/auth_service.py'),
      position: w.pos('backend/app/modules/auth/services/auth_service.py', 'event.publish()', 7),
    });
    assert.deepEqual(fromAuth.map(w.at), ['backend/app/modules/email/services/email_event_handlers.py:21']);
    const fromItems = await w.lsp.request<Location[]>('textDocument/implementation', {
      textDocument: w.doc('backend/app/modules/items/services/item_service.py'),
      position: w.pos('backend/app/modules/items/services/item_service.py', 'publish_event(event)', 3),
    });
    assert.deepEqual(fromItems.map(w.at).sort(), [
      'backend/app/modules/notifications/services/notification_handlers.py:12',
      'backend/app/modules/search/services/search_handlers.py:21',
    ]);
  });

  it('goes to the event class (definition) from a key string and from a key constant', async () => {
    const fromString = await w.lsp.request<Location[]>('textDocument/definition', { textDocument: w.doc(EMAIL_HANDLERS), position: w.pos(EMAIL_HANDLERS, '"user.created"', 3) });
    assert.deepEqual(fromString.map(w.at), ['backend/app/modules/users/domain/events.py:8']);
    const fromEnum = await w.lsp.request<Location[]>('textDocument/definition', { textDocument: w.doc(SEARCH), position: w.pos(SEARCH, 'ItemEventTypes.ITEM_CREATED.value', 16) });
    assert.deepEqual(fromEnum.map(w.at), ['backend/app/modules/items/domain/events.py:7']);
  });

  it('finds references: the class, the publisher, the handler and the key as written', async () => {
    const locations = await w.lsp.request<Location[]>('textDocument/references', {
      textDocument: w.doc(EMAIL_HANDLERS),
      position: w.pos(EMAIL_HANDLERS, '"password.reset.requested"', 3),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(locations.map(w.at).sort(), [
      'backend/app/modules/auth/domain/events.py:6',
      'backend/app/modules/auth/services/auth_service.py:25',
      'backend/app/modules/email/services/email_event_handlers.py:20',
      'backend/app/modules/email/services/email_event_handlers.py:21',
    ]);
    const created = await w.lsp.request<Location[]>('textDocument/references', {
      textDocument: w.doc('backend/app/modules/items/domain/event_types.py'),
      position: w.pos('backend/app/modules/items/domain/event_types.py', '"item.created"', 3),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(created.map(w.at).sort(), [
      'backend/app/modules/items/domain/event_types.py:8',
      'backend/app/modules/items/domain/events.py:7',
      'backend/app/modules/items/services/item_service.py:19',
      'backend/app/modules/notifications/services/notification_handlers.py:12',
      'backend/app/modules/search/services/search_handlers.py:21',
    ]);
  });

  it('shows CodeLens on Python event classes and handler functions', async () => {
    assert.deepEqual(await w.lenses('backend/app/modules/users/domain/events.py'), ['8 1 publisher · 1 handler', '22 1 publisher · 0 handlers']);
    assert.deepEqual(await w.lenses(EMAIL_HANDLERS), ['10 handles user.created · 1 publisher', '21 handles password.reset.requested · 1 publisher']);
    assert.deepEqual(await w.lenses(SEARCH), ['21 handles item.created · 1 publisher']);
    const lenses = await w.lsp.request<CodeLens[]>('textDocument/codeLens', { textDocument: w.doc('backend/app/modules/users/domain/events.py') });
    const resolved = await w.lsp.request<CodeLens>('codeLens/resolve', lenses[0]);
    assert.equal(resolved.command!.command, 'eventFlow.showLocations');
    assert.deepEqual((resolved.command!.arguments[2] as Location[]).map(w.at), [
      'backend/app/modules/users/services/user_service.py:30',
      'backend/app/modules/email/services/email_event_handlers.py:10',
    ]);
  });

  it('stays silent on look-alikes: FastAPI hooks and routes, Celery tasks, a docstring, EventBase.publish', async () => {
    const silent: [string, string, number][] = [
      ['backend/app/main.py', '@app.on_event("startup")', 6],
      ['backend/app/main.py', '@app.on_event("startup")', 16],
      ['backend/app/main.py', '@app.get("/health")', 10],
      ['backend/app/modules/users/api/routes.py', '@router.get("/me")', 10],
      ['backend/app/modules/users/api/routes.py', '@router.get("/me")', 14],
      ['backend/app/modules/email/api/routes.py', '@router.post("/test")', 3],
      ['backend/app/worker.py', '@app.task', 6],
      ['backend/app/worker.py', 'def send_digest', 6],
      ['backend/app/worker.py', '@shared_task(name="cleanup.expired"', 20],
      // The example inside the event system's docstring.
      ['backend/app/core/events.py', '@event_handler("user.created")', 18],
      // `publish_event(self)` inside the base class's and an event's own `publish()`.
      ['backend/app/core/events.py', 'publish_event(self)', 3],
      ['backend/app/modules/users/domain/events.py', 'publish_event(self)', 3],
    ];
    for (const [file, needle, delta] of silent) assert.equal(await w.hover(file, needle, delta), null, `hover on ${needle} in ${file}`);
    for (const file of ['backend/app/main.py', 'backend/app/worker.py', 'backend/app/modules/users/api/routes.py', 'backend/app/core/events.py']) {
      assert.deepEqual(await w.lenses(file), [], `CodeLens in ${file}`);
      assert.deepEqual(w.lsp.diagnosticsOf(w.file(file)), [], `diagnostics in ${file}`);
    }
    // Completion does not offer keys in a route's or a lifecycle hook's string either.
    const main = 'backend/app/main.py';
    for (const [needle, delta] of [
      ['@app.on_event("startup")', '@app.on_event("st'.length],
      ['@app.get("/health")', '@app.get("/he'.length],
    ] as const) {
      assert.equal(await w.lsp.request('textDocument/completion', { textDocument: w.doc(main), position: w.pos(main, needle, delta) }), null, needle);
    }
    // The user.created publishers: the service and the test, never the `publish_event(self)`s.
    const report = await w.graph();
    assert.equal(report.events.find((e) => e.key === 'user.created')!.publishers.length, 2);
  });

  it('follows edits in an open .py document, also while it does not parse', async () => {
    const handlers = w.file(EMAIL_HANDLERS);
    const original = w.read(EMAIL_HANDLERS);
    const userService = w.file(USER_SERVICE);
    const unhandledCreated = () => w.lsp.diagnosticsOf(userService).some((d) => d.code === 'unhandled-event' && d.message.includes("'user.created'"));
    w.lsp.open(handlers, original);
    w.lsp.change(handlers, original.replace('@event_handler("user.created")', '@event_handler("user.created.nope")'));
    await w.lsp.waitFor(unhandledCreated, 'user.created to become unhandled');
    // Half-typed code (an unclosed call) above the handler: the handler is still found.
    w.lsp.change(handlers, original.replace('\n\n@event_handler("user.created")', '\n\nlogger = get_logger(\n\n\n@event_handler("user.created")'));
    await w.lsp.waitFor(() => !unhandledCreated(), 'user.created to be handled again');
    w.lsp.close(handlers);
    await w.lsp.waitFor(() => !unhandledCreated() && w.lsp.diagnosticsOf(handlers).length === 2, 'the file on disk to count again');
  });

  it('completes keys inside `@event_handler("…")`, an aliased decorator and `subscribe_to_event("…"`', async () => {
    type Item = { label: string; detail: string; textEdit: { range: Range; newText: string } };
    const complete = async (rel: string, from: string, to: string, typed: string) => {
      const text = w.read(rel).replace(from, to);
      w.lsp.open(w.file(rel), text);
      const list = await w.lsp.request<{ items: Item[] } | null>('textDocument/completion', { textDocument: w.doc(rel), position: positionOf(text, to, to.indexOf(typed) + typed.length) });
      w.lsp.close(w.file(rel));
      return list?.items ?? [];
    };
    const viaDecorator = await complete(EMAIL_HANDLERS, '@event_handler("user.created")', '@event_handler("user.cr")', 'user.cr');
    const created = viaDecorator.find((i) => i.label === 'user.created')!;
    assert.equal(created.detail, 'UserCreatedEvent (users)');
    assert.equal(created.textEdit.range.end.character - created.textEdit.range.start.character, 'user.cr'.length);
    assert.ok(viaDecorator.some((i) => i.label === 'password.reset.requested'));

    const viaAlias = await complete(NOTIFICATIONS, '@on("item.craeted")', '@on("item.")', 'item.');
    assert.equal(viaAlias.find((i) => i.label === 'item.created')?.detail, 'ItemCreated (items)');

    const viaRegistration = await complete(SEARCH, 'events.subscribe_to_event(ItemEventTypes.ITEM_CREATED.value, index_new_item)', "events.subscribe_to_event('item', index_new_item)", "'item");
    assert.ok(viaRegistration.some((i) => i.label === 'item.deleted'));
  });
});

describe('"Create a handler" and "New Event" in Python modules (python-app)', () => {
  const w = workspace('python-app');
  const USER_SERVICE = 'backend/app/modules/users/services/user_service.py';
  const MODULES = 'backend/app/modules';

  it('offers a handler in every other module; each generated handler compiles and handles the event', async () => {
    const diags = await w.lsp.waitFor(() => w.lsp.diagnosticsOf(w.file(USER_SERVICE)).length > 0 && w.lsp.diagnosticsOf(w.file(USER_SERVICE)), 'the unhandled user.updated');
    const actions = await w.lsp.request<{ title: string; data: unknown }[]>('textDocument/codeAction', {
      textDocument: w.doc(USER_SERVICE),
      range: diags[0].range,
      context: { diagnostics: diags },
    });
    assert.deepEqual(
      actions.map((a) => a.title),
      ['auth', 'email', 'items', 'notifications', 'search'].map((m) => `Create a handler for 'user.updated' in module ${m}`),
    );
    const emailBefore = w.read(`${MODULES}/email/services/email_event_handlers.py`);
    const touched = new Set<string>();
    // email: appended to the existing handlers file; auth: a new file, registered at module
    // level of an empty __init__.py; search: a new file, registered inside init_search_module.
    for (const module of ['email', 'auth', 'search']) {
      const action = actions.find((a) => a.title.endsWith(` ${module}`))!;
      const resolved = await w.lsp.request<{ edit: WorkspaceEdit }>('codeAction/resolve', action);
      for (const f of applyToDisk(resolved.edit)) touched.add(f);
    }
    w.lsp.filesChanged([...touched].map((file) => ({ file, type: 2 as const })));

    assert.equal(
      w.read(`${MODULES}/email/services/email_event_handlers.py`),
      emailBefore
        .replace('import UserCreatedEvent\n', 'import UserCreatedEvent, UserUpdatedEvent\n')
        .concat(
          [
            '',
            '',
            '@event_handler("user.updated")',
            'def handle_user_updated_event(event: UserUpdatedEvent) -> None:',
            '    """Handle user.updated."""',
            '    ...',
            '',
          ].join('\n'),
        ),
    );
    assert.equal(
      w.read(`${MODULES}/auth/services/auth_event_handlers.py`),
      [
        `"""How the auth module reacts to other modules' events. Importing this module registers its handlers."""`,
        'from app.core.events import event_handler',
        'from app.modules.users.domain.events import UserUpdatedEvent',
        '',
        '',
        '@event_handler("user.updated")',
        'def handle_user_updated_event(event: UserUpdatedEvent) -> None:',
        '    """Handle user.updated."""',
        '    ...',
        '',
      ].join('\n'),
    );
    assert.equal(
      w.read(`${MODULES}/auth/__init__.py`),
      '# Imported for its side effect: importing the handlers registers them.\nfrom app.modules.auth.services import auth_event_handlers  # noqa: F401\n',
    );
    assert.match(
      w.read(`${MODULES}/search/__init__.py`),
      /    from app\.modules\.search\.services\.search_handlers import register_search_handlers\n    # Import event handlers to register them\n    from app\.modules\.search\.services import search_event_handlers {2}# noqa: F401\n\n    register_search_handlers\(\)\n/,
    );
    assertCompiles(pythonFiles(w.file('backend')));

    await w.lsp.waitFor(() => !w.lsp.diagnosticsOf(w.file(USER_SERVICE)).some((d) => d.code === 'unhandled-event'), 'user.updated to be handled');
    const updated = (await w.graph()).events.find((e) => e.key === 'user.updated')!;
    assert.deepEqual(updated.handlers.map((h) => h.name).sort(), ['handle_user_updated_event', 'handle_user_updated_event', 'handle_user_updated_event']);
    // The hover on the publisher now lists the three modules.
    const md = (await w.hover(USER_SERVICE, 'UserUpdatedEvent(user_id', 3))!.contents.value;
    assert.match(md, /\*\*Handled by\*\* \(3\)/);
    for (const m of ['auth', 'email', 'search']) assert.match(md, new RegExp(`— ${m}`));
  });

  it('adds a second handler for the same event under a new name, and reveals it', async () => {
    const file = w.file(`${MODULES}/email/services/email_event_handlers.py`);
    // Open in the editor (version 2): the edit is computed on the editor's text and carries its version.
    w.lsp.open(file, fs.readFileSync(file, 'utf8'));
    const version = w.lsp.change(file, fs.readFileSync(file, 'utf8'));
    const generated = await w.lsp.request<GeneratedEdit>('eventFlow/newHandler', { key: 'user.updated', module: 'email' });
    const changes = generated.edit.documentChanges.filter((c) => !('kind' in c)) as { textDocument: { uri: string; version: number | null } }[];
    assert.deepEqual(changes.map((c) => [w.rel(c.textDocument.uri), c.textDocument.version]), [[`${MODULES}/email/services/email_event_handlers.py`, version]]);
    w.lsp.close(file);
    assert.match(generated.summary, /Added handle_user_updated_event_2 for 'user\.updated'/);
    applyToDisk(generated.edit);
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(text.split('\n')[generated.reveal!.range.start.line], 'def handle_user_updated_event_2(event: UserUpdatedEvent) -> None:');
    assert.equal(text.match(/^from app\.modules\.users\.domain\.events import .*$/gm)!.length, 1, 'no second import line');
    assertCompiles([file]);
    w.lsp.filesChanged([{ file, type: 2 }]);
    await w.until(async () => (await w.graph()).events.find((e) => e.key === 'user.updated')!.handlers.length === 4, 'the fourth user.updated handler');
  });

  it('creates a new Python event class (New Event…) in an existing and in a missing domain/events.py', async () => {
    const existing = await w.lsp.request<GeneratedEdit>('eventFlow/newEvent', { module: 'items', key: 'item.archived' });
    assert.match(existing.summary, /Added ItemArchivedEvent \('item\.archived'\) to backend\/app\/modules\/items\/domain\/events\.py/);
    const created = await w.lsp.request<GeneratedEdit>('eventFlow/newEvent', { module: 'search', key: 'search.reindexed' });
    assert.match(created.summary, /Created backend\/app\/modules\/search\/domain\/events\.py with SearchReindexedEvent/);
    const touched = [...applyToDisk(existing.edit), ...applyToDisk(created.edit)];
    const items = w.read(`${MODULES}/items/domain/events.py`);
    assert.ok(
      items.endsWith(['    item_id: uuid.UUID', '', '', 'class ItemArchivedEvent(EventBase):', '    """Event emitted when item archived."""', '', '    event_type: str = "item.archived"', ''].join('\n')),
      items,
    );
    assert.equal(items.split('\n')[existing.reveal!.range.start.line], 'class ItemArchivedEvent(EventBase):');
    assert.equal(w.read(`${MODULES}/search/domain/__init__.py`), '');
    assert.equal(
      w.read(`${MODULES}/search/domain/events.py`),
      [
        '"""Events the search module publishes."""',
        'from app.core.events import EventBase',
        '',
        '',
        'class SearchReindexedEvent(EventBase):',
        '    """Event emitted when search reindexed."""',
        '',
        '    event_type: str = "search.reindexed"',
        '',
      ].join('\n'),
    );
    assertCompiles(pythonFiles(w.file('backend')));
    w.lsp.filesChanged(touched.map((file) => ({ file, type: 2 as const })));
    // Declared, not yet published: the hint on the new classes.
    const archived = await w.lsp.waitFor(
      () => w.lsp.diagnosticsOf(w.file(`${MODULES}/items/domain/events.py`)).find((d) => d.code === 'unpublished-event'),
      'item.archived to be declared',
    );
    assert.match(archived.message, /'item\.archived' \(ItemArchivedEvent\) is declared but never published/);
    await w.lsp.waitFor(() => w.lsp.diagnosticsOf(w.file(`${MODULES}/search/domain/events.py`)).some((d) => d.code === 'unpublished-event'), 'search.reindexed to be declared');
    // Now a handler for it can be generated too, typed with the new class.
    const handler = await w.lsp.request<GeneratedEdit>('eventFlow/newHandler', { key: 'item.archived', module: 'notifications' });
    const creates = handler.edit.documentChanges.filter((c) => 'kind' in c).map((c) => w.rel((c as { uri: string }).uri));
    assert.deepEqual(creates, ['backend/app/modules/notifications/services/notifications_event_handlers.py']);
    const newFile = handler.edit.documentChanges.find((c) => !('kind' in c) && c.textDocument.uri.endsWith('notifications_event_handlers.py')) as { edits: TextEdit[] };
    assert.match(newFile.edits[0].newText, /from app\.modules\.items\.domain\.events import ItemArchivedEvent\n/);
  });

  it('refuses what it cannot generate', async () => {
    await assert.rejects(w.lsp.request('eventFlow/newEvent', { module: 'items', key: 'item.created' }), /already declared/);
    await assert.rejects(w.lsp.request('eventFlow/newEvent', { module: 'items', key: 'Item Archive' }), /Event type/);
    await assert.rejects(w.lsp.request('eventFlow/newHandler', { key: 'item.nothing', module: 'email' }), /No event class declares 'item\.nothing'/);
  });
});

describe('a mixed Python + TypeScript workspace is one graph (python-mixed)', () => {
  const w = workspace('python-mixed');
  const ORDERS_EVENTS = 'backend/app/modules/orders/domain/events.py';
  const BILLING = 'backend/app/modules/billing/services/billing_event_handlers.py';
  const SHIPPING = 'worker/src/modules/shipping/services/shipping-event-handlers.ts';

  it('reports one graph: keys, handlers in both languages and a flow across them', async () => {
    await w.lsp.waitFor(() => w.lsp.diagnosticsOf(w.file(ORDERS_EVENTS)).length > 0, 'diagnostics');
    assert.deepEqual(w.allDiagnostics(), ['backend/app/modules/orders/domain/events.py:16 event-naming']);
    const report = await w.graph();
    assert.deepEqual(
      report.events.map((e) => `${e.key}: ${e.declarations.map((d) => d.name).join()} / ${e.handlers.map((h) => h.name).sort().join(', ')}`),
      [
        'order.placed: OrderPlacedEvent / ShippingEventHandlers.reserveStock, handle_order_placed_event',
        'order.ship: OrderShipEvent / ShippingEventHandlers.dispatch',
        'shipment.dispatched: ShipmentDispatchedEvent / handle_shipment_dispatched_event',
      ],
    );
    assert.deepEqual(report.flows.map((f) => `${f.from}>${f.to}`), ['order.ship>shipment.dispatched']);
    // From the TypeScript handler's key to the Python class, and the hover lists both languages.
    const def = await w.lsp.request<Location[]>('textDocument/definition', { textDocument: w.doc(SHIPPING), position: w.pos(SHIPPING, "@eventHandler('order.placed')", 16) });
    assert.deepEqual(def.map(w.at), [`${ORDERS_EVENTS}:6`]);
    const md = (await w.hover(SHIPPING, "@eventHandler('order.placed')", 16))!.contents.value;
    assert.match(md, /ShippingEventHandlers\.reserveStock.*— shipping/);
    assert.match(md, /handle\\_order\\_placed\\_event.*— billing/);
    const impl = await w.lsp.request<Location[]>('textDocument/implementation', {
      textDocument: w.doc('backend/app/modules/orders/services/order_service.py'),
      position: w.pos('backend/app/modules/orders/services/order_service.py', 'event.publish()', 7),
    });
    assert.deepEqual(impl.map(w.at), [`${SHIPPING}:21`]);
  });

  it('renames a key in the Python class, the Python handler and the TypeScript handler in one edit', async () => {
    const position = w.pos(BILLING, '"order.placed"', 3);
    const prepared = await w.lsp.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: w.doc(BILLING), position });
    assert.equal(prepared.placeholder, 'order.placed');
    await assert.rejects(w.lsp.request('textDocument/rename', { textDocument: w.doc(BILLING), position, newName: 'shipment.dispatched' }), /already exists/);
    const edit = await w.lsp.request<WorkspaceEdit>('textDocument/rename', { textDocument: w.doc(BILLING), position, newName: 'order.submitted' });
    const changes = edit.documentChanges as { textDocument: { uri: string }; edits: TextEdit[] }[];
    assert.deepEqual(changes.map((c) => w.rel(c.textDocument.uri)).sort(), [BILLING, ORDERS_EVENTS, SHIPPING]);
    assert.ok(changes.every((c) => c.edits.every((e) => e.newText === 'order.submitted')));
    const touched = applyToDisk(edit);
    assert.match(w.read(ORDERS_EVENTS), /event_type: str = "order\.submitted"/);
    assert.match(w.read(BILLING), /@event_handler\("order\.submitted"\)/);
    assert.match(w.read(SHIPPING), /@eventHandler\('order\.submitted'\)/);
    w.lsp.filesChanged(touched.map((file) => ({ file, type: 2 as const })));
    const submitted = await w.until(async () => (await w.graph()).events.find((e) => e.key === 'order.submitted'), 'order.submitted in the graph');
    assert.equal(submitted.declarations.length, 1);
    assert.equal(submitted.publishers.length, 1);
    assert.equal(submitted.handlers.length, 2);
    assert.ok(!(await w.graph()).events.some((e) => e.key === 'order.placed'));
  });

  it('fixes the naming finding with one rename across both languages', async () => {
    const diags = w.lsp.diagnosticsOf(w.file(ORDERS_EVENTS));
    const actions = await w.lsp.request<{ title: string; edit?: WorkspaceEdit }[]>('textDocument/codeAction', {
      textDocument: w.doc(ORDERS_EVENTS),
      range: diags[0].range,
      context: { diagnostics: diags },
    });
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Rename event type to 'order.shipped' everywhere"],
    );
    const changes = actions[0].edit!.documentChanges as { textDocument: { uri: string }; edits: TextEdit[] }[];
    assert.deepEqual(changes.map((c) => w.rel(c.textDocument.uri)).sort(), [ORDERS_EVENTS, SHIPPING]);
    const touched = applyToDisk(actions[0].edit!);
    w.lsp.filesChanged(touched.map((file) => ({ file, type: 2 as const })));
    await w.lsp.waitFor(() => w.lsp.diagnosticsOf(w.file(ORDERS_EVENTS)).length === 0, 'the naming finding to clear');
    assert.deepEqual(w.allDiagnostics(), []);
    assertCompiles(pythonFiles(w.file('backend')));
    const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', w.file('worker')], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, `the worker must still compile:\n${tsc.stdout}${tsc.stderr}`);
  });

  it('generates handlers across languages where it can, and says why where it cannot', async () => {
    // A TypeScript-declared event, handled in a Python module: typed with the Python base class.
    const fromTs = await w.lsp.request<GeneratedEdit>('eventFlow/newHandler', { key: 'shipment.dispatched', module: 'orders' });
    const applied = applyToDisk(fromTs.edit);
    const orders = w.read('backend/app/modules/orders/services/orders_event_handlers.py');
    assert.match(orders, /from app\.core\.events import EventBase, event_handler\n/);
    assert.match(orders, /def handle_shipment_dispatched_event\(event: EventBase\) -> None:/);
    assert.match(w.read('backend/app/modules/orders/__init__.py'), /"""Initialize the orders module\."""\n    # Import event handlers to register them\n    from app\.modules\.orders\.services import orders_event_handlers {2}# noqa: F401\n/);
    assertCompiles(pythonFiles(w.file('backend')));
    w.lsp.filesChanged(applied.map((file) => ({ file, type: 2 as const })));
    // A Python-declared event cannot be typed in a TypeScript module.
    await assert.rejects(w.lsp.request('eventFlow/newHandler', { key: 'order.shipped', module: 'shipping' }), /declared in Python \(OrderShipEvent\) and module shipping is not a Python module/);
  });
});

describe('Python edge cases in small workspaces', () => {
  let root: string;
  let lsp: LspClient | undefined;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  before(async () => {
    root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'eventflow-python-edge-'));
    write('app/__init__.py', '');
    write('app/core/__init__.py', '');
    write('app/core/events.py', ['class EventBase:', '    event_type: str', '', '    def publish(self) -> None:', '        publish_event(self)', '', '', 'def event_handler(event_type):', '    return lambda f: f', '', '', 'def publish_event(event):', '    pass', ''].join('\n'));
    write(
      'app/modules/things/domain/events.py',
      [
        'from typing import Literal',
        '',
        'from app.core.events import EventBase, event_handler',
        '',
        '',
        'class ThingCreatedEvent(EventBase):',
        '    event_type: Literal["thing.created"] = "thing.created"',
        '',
        '',
        '@event_handler("thing.created")',
        'def on_thing_created(event: ThingCreatedEvent) -> None:',
        '    ...',
        '',
      ].join('\n'),
    );
    // CRLF line endings and characters outside the BMP before a publish on the same line.
    write('app/modules/things/services.py', 'from app.modules.things.domain.events import ThingCreatedEvent\r\n\r\n\r\ndef go() -> None:\r\n    x = "\u{1F600}\u2728"; ThingCreatedEvent().publish()\r\n');
    lsp = await LspClient.start(root);
    await lsp.ready();
  });
  after(async () => {
    await lsp?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('speaks UTF-16 positions in Python files with CRLF line endings', async () => {
    const services = path.join(root, 'app/modules/things/services.py');
    const hover = await lsp!.request<Hover>('textDocument/hover', { textDocument: { uri: uri(services) }, position: { line: 4, character: 20 } });
    assert.match(hover.contents.value, /`thing\.created`/);
    // `    x = "😀✨"; ` is 15 UTF-16 code units: the emoji is two, the sparkle one.
    assert.deepEqual(hover.range, { start: { line: 4, character: 15 }, end: { line: 4, character: 44 } });
  });

  it('renames the key in `Literal["…"]` too, so the annotation keeps matching the value', async () => {
    const events = path.join(root, 'app/modules/things/domain/events.py');
    const text = fs.readFileSync(events, 'utf8');
    const edit = await lsp!.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uri(events) }, position: positionOf(text, '@event_handler("thing.created")', 18), newName: 'thing.made' });
    const starts = (edit.documentChanges as { edits: TextEdit[] }[]).flatMap((c) => c.edits.map((e) => `${e.range.start.line}:${e.range.start.character}`)).sort();
    const line = text.split('\n')[6];
    assert.deepEqual(starts, [`6:${line.indexOf('thing.created')}`, `6:${line.lastIndexOf('thing.created')}`, `9:${'@event_handler("'.length}`].sort());
  });
});
