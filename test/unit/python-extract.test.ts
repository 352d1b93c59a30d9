/**
 * The Python extractor (server/src/core/extract/python.ts) and Python module resolution
 * (pythonModules.ts). Facts are compared exactly; spans are compared through the text they
 * cover (`view()` replaces every `{ start, end }` by `text.slice(start, end)`).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seedConventions, type Conventions } from '../../server/src/core/conventions';
import type { FileFacts, Span } from '../../server/src/core/facts';
import { extractPython, initPythonParser, isPythonParserReady, unescapePython } from '../../server/src/core/extract/python';
import {
  detectPythonSourceRoots,
  parseTomlSubset,
  pyprojectPackageRoots,
  pythonSubmoduleSpecifier,
  resolvePythonModule,
} from '../../server/src/core/extract/pythonModules';

const conventions: Conventions = seedConventions();

function findRepoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = start;
    for (let i = 0; i < 8; i++) {
      if (fs.existsSync(path.join(dir, 'test', 'fixtures', 'python-app'))) return dir;
      dir = path.dirname(dir);
    }
  }
  throw new Error('cannot find the repository root (test/fixtures/python-app)');
}
const repoRoot = findRepoRoot();
const fixtureRoot = path.join(repoRoot, 'test', 'fixtures', 'python-app').replace(/\\/g, '/');
const backend = `${fixtureRoot}/backend`;

function isSpan(v: unknown): v is Span {
  return (
    typeof v === 'object' &&
    v !== null &&
    Object.keys(v).length === 2 &&
    typeof (v as Span).start === 'number' &&
    typeof (v as Span).end === 'number'
  );
}

/** Replaces spans by the text they cover, recursively. */
function view(v: unknown, text: string): unknown {
  if (Array.isArray(v)) return v.map((x) => view(x, text));
  if (isSpan(v)) {
    assert.ok(v.start >= 0 && v.start <= v.end && v.end <= text.length, `span out of range: ${JSON.stringify(v)}`);
    return text.slice(v.start, v.end);
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = view(x, text);
    return out;
  }
  return v;
}

function extract(src: string, file = '/ws/app/mod.py'): FileFacts {
  return extractPython(file, src, conventions);
}

type Part = 'imports' | 'exports' | 'classes' | 'values' | 'publishes' | 'handlers' | 'functions' | 'keyUses' | 'syntaxErrors';

interface Case {
  name: string;
  src: string;
  expect: Partial<Record<Part, unknown>>;
}

function check(c: Case): void {
  const facts = extract(c.src);
  for (const [part, expected] of Object.entries(c.expect)) {
    assert.deepEqual(view(facts[part as Part], c.src), expected, `${c.name}: ${part}`);
  }
}

function runCases(cases: Case[]): void {
  for (const c of cases) test(c.name, () => check(c));
}

/** Everything empty: for look-alikes. */
const NOTHING = { classes: [], values: [], publishes: [], handlers: [], keyUses: [] };

before(async () => {
  await initPythonParser();
});

describe('initPythonParser', () => {
  test('is idempotent and shares one promise between concurrent calls', async () => {
    await Promise.all([initPythonParser(), initPythonParser(), initPythonParser(['/nonexistent'])]);
    assert.equal(isPythonParserReady(), true);
  });
});

// ---------------------------------------------------------------------------------------

describe('imports', () => {
  runCases([
    {
      name: 'from-import with an alias, relative imports, package imports',
      src: [
        'from app.modules.users.domain.events import UserCreatedEvent',
        'from .events import X as Y',
        'from . import events',
        'from ..core.events import (A,',
        '    B as C)',
        'from x import *',
      ].join('\n'),
      expect: {
        imports: [
          {
            specifier: 'app.modules.users.domain.events',
            bindings: [{ local: 'UserCreatedEvent', imported: 'UserCreatedEvent' }],
            span: 'from app.modules.users.domain.events import UserCreatedEvent',
          },
          { specifier: '.events', bindings: [{ local: 'Y', imported: 'X' }], span: 'from .events import X as Y' },
          { specifier: '.', bindings: [{ local: 'events', imported: 'events' }], span: 'from . import events' },
          {
            specifier: '..core.events',
            bindings: [
              { local: 'A', imported: 'A' },
              { local: 'C', imported: 'B' },
            ],
            span: 'from ..core.events import (A,\n    B as C)',
          },
          { specifier: 'x', bindings: [{ local: '*', imported: '*' }], span: 'from x import *' },
        ],
        exports: [],
      },
    },
    {
      name: 'plain imports: aliased, dotted (binds the top package), several per statement',
      src: 'import app.core.events as ev\nimport app.core.events\nimport os, json as j\n',
      expect: {
        imports: [
          { specifier: 'app.core.events', bindings: [{ local: 'ev', imported: '*' }], span: 'import app.core.events as ev' },
          { specifier: 'app', bindings: [{ local: 'app', imported: '*' }], span: 'import app.core.events' },
          { specifier: 'app.core.events', bindings: [], span: 'import app.core.events' },
          { specifier: 'os', bindings: [{ local: 'os', imported: '*' }], span: 'import os, json as j' },
          { specifier: 'json', bindings: [{ local: 'j', imported: '*' }], span: 'import os, json as j' },
        ],
      },
    },
    {
      name: 'imports inside functions, try and if blocks, in source order',
      src: [
        'from __future__ import annotations',
        'try:',
        '    from typing import Literal',
        'except ImportError:',
        '    pass',
        'def publish(self) -> None:',
        '    from app.core.events import publish_event',
        '    publish_event(self)',
      ].join('\n'),
      expect: {
        imports: [
          { specifier: '__future__', bindings: [{ local: 'annotations', imported: 'annotations' }], span: 'from __future__ import annotations' },
          { specifier: 'typing', bindings: [{ local: 'Literal', imported: 'Literal' }], span: 'from typing import Literal' },
          { specifier: 'app.core.events', bindings: [{ local: 'publish_event', imported: 'publish_event' }], span: 'from app.core.events import publish_event' },
        ],
        // `publish_event(self)`: a first parameter named self is never published outside an event class
        publishes: [],
      },
    },
  ]);
});

// ---------------------------------------------------------------------------------------

const EVENT_TYPE_SRC = [
  'class A(EventBase):',
  '    event_type: Literal["a.created"] = "a.created"',
  'class B(EventBase):',
  '    event_type: Literal["b.created"]',
  'class C(EventBase):',
  '    event_type: str = Field(default="c.created")',
  'class D(EventBase):',
  '    event_type = EventTypes.D_CREATED',
  'class E(EventBase):',
  '    event_type: str = EventType.E_CREATED.value',
  'class F(EventBase):',
  "    event_type: ClassVar[str] = 'f.created'",
  'class G(EventBase):',
  '    event_type: str = Field("g.created", description="positional default")',
];
/** Class name → its two-line declaration in EVENT_TYPE_SRC. */
const TWO_LINE_CLASSES: Record<string, string> = Object.fromEntries(
  Array.from({ length: EVENT_TYPE_SRC.length / 2 }, (_, i) => [EVENT_TYPE_SRC[2 * i].slice(6, 7), `${EVENT_TYPE_SRC[2 * i]}\n${EVENT_TYPE_SRC[2 * i + 1]}`]),
);

describe('classes', () => {
  runCases([
    {
      name: 'the seed event class',
      src: [
        'class UserCreatedEvent(EventBase):',
        '    """Event emitted when a new user is created."""',
        '    event_type: str = "user.created"',
        '    user_id: uuid.UUID',
        '    email: str',
        '    full_name: Optional[str] = None',
        '',
        '    def publish(self) -> None:',
        '        from app.core.events import publish_event',
        '        publish_event(self)',
      ].join('\n'),
      expect: {
        classes: [
          {
            name: 'UserCreatedEvent',
            nameSpan: 'UserCreatedEvent',
            span: [
              'class UserCreatedEvent(EventBase):',
              '    """Event emitted when a new user is created."""',
              '    event_type: str = "user.created"',
              '    user_id: uuid.UUID',
              '    email: str',
              '    full_name: Optional[str] = None',
              '',
              '    def publish(self) -> None:',
              '        from app.core.events import publish_event',
              '        publish_event(self)',
            ].join('\n'),
            extends: ['EventBase'],
            eventType: { kind: 'literal', value: 'user.created', span: 'user.created' },
            fields: [
              { name: 'user_id', type: 'uuid.UUID', optional: false },
              { name: 'email', type: 'str', optional: false },
              { name: 'full_name', type: 'Optional[str]', optional: true },
            ],
            exported: true,
          },
        ],
        publishes: [], // publish_event(self) inside `publish` is the base's implementation
        functions: [{ id: 'UserCreatedEvent.publish', span: 'def publish(self) -> None:\n        from app.core.events import publish_event\n        publish_event(self)', calls: [] }],
        keyUses: [{ span: 'user.created', value: 'user.created', role: 'declaration' }],
      },
    },
    {
      name: 'event type through Literal with a value, Literal alone, Field(default=), refs',
      src: EVENT_TYPE_SRC.join('\n'),
      expect: {
        classes: [
          { name: 'A', extends: ['EventBase'], eventType: { kind: 'literal', value: 'a.created', span: 'a.created' } },
          { name: 'B', extends: ['EventBase'], eventType: { kind: 'literal', value: 'b.created', span: 'b.created' } },
          { name: 'C', extends: ['EventBase'], eventType: { kind: 'literal', value: 'c.created', span: 'c.created' } },
          { name: 'D', extends: ['EventBase'], eventType: { kind: 'ref', path: ['EventTypes', 'D_CREATED'], span: 'EventTypes.D_CREATED' } },
          { name: 'E', extends: ['EventBase'], eventType: { kind: 'ref', path: ['EventType', 'E_CREATED'], span: 'EventType.E_CREATED.value' } },
          { name: 'F', extends: ['EventBase'], eventType: { kind: 'literal', value: 'f.created', span: 'f.created' } },
          { name: 'G', extends: ['EventBase'], eventType: { kind: 'literal', value: 'g.created', span: 'g.created' } },
        ].map((c) => ({ ...c, nameSpan: c.name, span: TWO_LINE_CLASSES[c.name], fields: [], exported: true })),
        keyUses: ['a.created', 'a.created', 'b.created', 'c.created', 'f.created', 'g.created'].map((v) => ({ span: v, value: v, role: 'declaration' })),
      },
    },
    {
      name: 'bases: dotted, several (a known base wins, else the first not object/Generic), keywords ignored',
      src: [
        'class A(events.EventBase): pass',
        'class B(AuditMixin, EventBase): pass',
        'class C(Generic[T], Payload, metaclass=Meta): pass',
        'class D(object): pass',
        'class E: pass',
        'class F(object, Base[T]): pass',
        '@dataclass',
        'class G(EventBase): pass',
      ].join('\n'),
      expect: {
        classes: [
          { name: 'A', span: 'class A(events.EventBase): pass', extends: ['events', 'EventBase'] },
          { name: 'B', span: 'class B(AuditMixin, EventBase): pass', extends: ['EventBase'] },
          { name: 'C', span: 'class C(Generic[T], Payload, metaclass=Meta): pass', extends: ['Payload'] },
          { name: 'F', span: 'class F(object, Base[T]): pass', extends: ['Base'] },
          { name: 'G', span: '@dataclass\nclass G(EventBase): pass', extends: ['EventBase'] },
        ].map((c) => ({ ...c, nameSpan: c.name, fields: [], exported: true })),
      },
    },
    {
      name: 'fields: optional through Optional, X | None, Union[..., None] or a default; ClassVar skipped; Field(...) is required',
      src: [
        'class E(EventBase):',
        '    event_type: str = "e.happened"',
        '    a: int',
        '    b: int | None',
        '    c: Union[int, None]',
        '    d: typing.Optional[str]',
        '    e: list[str] = Field(default_factory=list)',
        '    f: int = Field(...)',
        '    g: int = Field(..., description="required")',
        '    h: int = 3',
        '    i: ClassVar[int] = 1',
        '    j: dict[str,   int]',
        '    K = "not a field"',
      ].join('\n'),
      expect: {
        classes: [
          {
            name: 'E',
            nameSpan: 'E',
            span: undefined as unknown, // replaced below
            extends: ['EventBase'],
            eventType: { kind: 'literal', value: 'e.happened', span: 'e.happened' },
            fields: [
              { name: 'a', type: 'int', optional: false },
              { name: 'b', type: 'int | None', optional: true },
              { name: 'c', type: 'Union[int, None]', optional: true },
              { name: 'd', type: 'typing.Optional[str]', optional: true },
              { name: 'e', type: 'list[str]', optional: true },
              { name: 'f', type: 'int', optional: false },
              { name: 'g', type: 'int', optional: false },
              { name: 'h', type: 'int', optional: true },
              { name: 'j', type: 'dict[str, int]', optional: false },
            ],
            exported: true,
          },
        ],
      },
    },
  ].map((c) => {
    // The whole-class span of the fields case is the whole source.
    const classes = c.expect.classes as Array<Record<string, unknown>>;
    for (const k of classes) if ('span' in k && k.span === undefined) k.span = c.src;
    return c;
  }));
});

// ---------------------------------------------------------------------------------------

describe('values (key constants)', () => {
  runCases([
    {
      name: 'module constants, Final, refs, chained assignment; dunders, calls and f-strings skipped',
      src: [
        'USER_CREATED = "user.created"',
        'USER_UPDATED: Final = \'user.updated\'',
        'ALIAS = USER_CREATED',
        'DEEP = EventType.USER_CREATED.value',
        'A = B = "a.b"',
        '__version__ = "1.0.0"',
        'logger = logging.getLogger(__name__)',
        'DYN = f"{x}.created"',
        'def f():',
        '    LOCAL = "not.module.level"',
      ].join('\n'),
      expect: {
        values: [
          { path: ['USER_CREATED'], value: { kind: 'literal', value: 'user.created', span: 'user.created' }, span: 'USER_CREATED = "user.created"' },
          { path: ['USER_UPDATED'], value: { kind: 'literal', value: 'user.updated', span: 'user.updated' }, span: "USER_UPDATED: Final = 'user.updated'" },
          { path: ['ALIAS'], value: { kind: 'ref', path: ['USER_CREATED'], span: 'USER_CREATED' }, span: 'ALIAS = USER_CREATED' },
          { path: ['DEEP'], value: { kind: 'ref', path: ['EventType', 'USER_CREATED'], span: 'EventType.USER_CREATED.value' }, span: 'DEEP = EventType.USER_CREATED.value' },
          { path: ['A'], value: { kind: 'literal', value: 'a.b', span: 'a.b' }, span: 'A = B = "a.b"' },
          { path: ['B'], value: { kind: 'literal', value: 'a.b', span: 'a.b' }, span: 'A = B = "a.b"' },
        ],
        keyUses: [
          { span: 'user.created', value: 'user.created', role: 'constant' },
          { span: 'user.updated', value: 'user.updated', role: 'constant' },
          { span: 'a.b', value: 'a.b', role: 'constant' },
        ],
        classes: [],
      },
    },
    {
      name: 'plain constant classes (nested too) and str Enums; event classes and other bases are not value holders',
      src: [
        'class EventTypes:',
        '    USER_CREATED = "user.created"',
        '    class Items:',
        '        CREATED = "item.created"',
        'class EventType(str, Enum):',
        '    USER_CREATED = "user.created"',
        '    OTHER = auto()',
        'class Other(StrEnum):',
        '    X = "x.y"',
        'class NotConstants(Base):',
        '    Y = "y.z"',
      ].join('\n'),
      expect: {
        values: [
          { path: ['EventTypes', 'USER_CREATED'], value: { kind: 'literal', value: 'user.created', span: 'user.created' }, span: 'USER_CREATED = "user.created"' },
          { path: ['EventTypes', 'Items', 'CREATED'], value: { kind: 'literal', value: 'item.created', span: 'item.created' }, span: 'CREATED = "item.created"' },
          { path: ['EventType', 'USER_CREATED'], value: { kind: 'literal', value: 'user.created', span: 'user.created' }, span: 'USER_CREATED = "user.created"' },
          { path: ['Other', 'X'], value: { kind: 'literal', value: 'x.y', span: 'x.y' }, span: 'X = "x.y"' },
        ],
        // every class with a base is a class candidate (event-ness is decided globally)
        classes: [
          { name: 'EventType', extends: ['str'], span: 'class EventType(str, Enum):\n    USER_CREATED = "user.created"\n    OTHER = auto()' },
          { name: 'Other', extends: ['StrEnum'], span: 'class Other(StrEnum):\n    X = "x.y"' },
          { name: 'NotConstants', extends: ['Base'], span: 'class NotConstants(Base):\n    Y = "y.z"' },
        ].map((c) => ({ ...c, nameSpan: c.name, fields: [], exported: true })),
      },
    },
    {
      name: 'string escapes, raw strings, f-strings without substitutions, bytes',
      src: [
        'A = "a\\x2eb"',
        "B = r'a\\.b'",
        'C = f"c.d"',
        'D = f"{{e}}.f"',
        'E = b"bytes.key"',
        'F = """g.h"""',
        'G = "a" "b"',
      ].join('\n'),
      expect: {
        values: [
          { path: ['A'], value: { kind: 'literal', value: 'a.b', span: 'a\\x2eb' }, span: 'A = "a\\x2eb"' },
          { path: ['B'], value: { kind: 'literal', value: 'a\\.b', span: 'a\\.b' }, span: "B = r'a\\.b'" },
          { path: ['C'], value: { kind: 'literal', value: 'c.d', span: 'c.d' }, span: 'C = f"c.d"' },
          { path: ['D'], value: { kind: 'literal', value: '{e}.f', span: '{{e}}.f' }, span: 'D = f"{{e}}.f"' },
          { path: ['F'], value: { kind: 'literal', value: 'g.h', span: 'g.h' }, span: 'F = """g.h"""' },
        ],
      },
    },
  ]);
});

// ---------------------------------------------------------------------------------------

const REGISTRATIONS_SRC = [
  'from app.core.events import subscribe_to_event',
  'from app.core import events',
  'from app.other import imported_handler',
  'async def index_item(event: ItemCreated) -> None: ...',
  'def register() -> None:',
  '    subscribe_to_event("item.created", index_item)',
  '    events.subscribe_to_event(ITEM_DELETED, imported_handler)',
  '    subscribe_to_event("item.viewed", lambda e: None)',
  '    for entity in ("item", "user"):',
  '        subscribe_to_event(f"{entity}.deleted", index_item)',
  'class Indexer:',
  '    def on_created(self, event: ItemCreated) -> None: ...',
  '    def start(self) -> None:',
  '        subscribe_to_event(event_type="item.created", handler=self.on_created)',
].join('\n');

describe('handlers', () => {
  const handler = (over: Record<string, unknown>): Record<string, unknown> => ({ async: false, via: 'decorator', ...over });
  runCases([
    {
      name: 'the seed handler',
      src: [
        'from app.core.events import event_handler',
        'from app.modules.users.domain.events import UserCreatedEvent',
        '',
        '@event_handler("user.created")',
        'def handle_user_created_event(event: UserCreatedEvent) -> None:',
        '    """Handle user created event by sending welcome email."""',
        '    email_service = get_email_service()',
      ].join('\n'),
      expect: {
        handlers: [
          handler({
            keys: [{ kind: 'literal', value: 'user.created', span: 'user.created' }],
            name: 'handle_user_created_event',
            paramType: ['UserCreatedEvent'],
            span: '@event_handler("user.created")',
            nameSpan: 'handle_user_created_event',
            functionId: 'handle_user_created_event',
          }),
        ],
        keyUses: [{ span: 'user.created', value: 'user.created', role: 'handler' }],
      },
    },
    {
      name: 'async, methods (self skipped), aliased decorator, module decorator, keyword key, several keys',
      src: [
        'from app.core.events import event_handler as on',
        'from app.core import events',
        'import app.core.events',
        '@on("item.created")',
        'async def a(event: "ItemCreated") -> None: ...',
        'class Handlers:',
        '    @events.event_handler(EventType.USER_CREATED.value)',
        '    def b(self, event: Optional[events_mod.UserCreated]) -> None: ...',
        '    @staticmethod',
        '    @app.core.events.event_handler(event_type=USER_CREATED)',
        '    def c(event): ...',
        '@on(["x.created", EventTypes.Y])',
        'def d(event: X | None): ...',
        '@on(f"{prefix}.created")',
        'def e(event): ...',
        '@on',
        'def f(event): ...',
      ].join('\n'),
      expect: {
        handlers: [
          handler({
            keys: [{ kind: 'literal', value: 'item.created', span: 'item.created' }],
            name: 'a',
            paramType: ['ItemCreated'],
            async: true,
            span: '@on("item.created")',
            nameSpan: 'a',
            functionId: 'a',
          }),
          handler({
            keys: [{ kind: 'ref', path: ['EventType', 'USER_CREATED'], span: 'EventType.USER_CREATED.value' }],
            name: 'Handlers.b',
            className: 'Handlers',
            paramType: ['events_mod', 'UserCreated'],
            span: '@events.event_handler(EventType.USER_CREATED.value)',
            nameSpan: 'b',
            functionId: 'Handlers.b',
          }),
          handler({
            keys: [{ kind: 'ref', path: ['USER_CREATED'], span: 'USER_CREATED' }],
            name: 'Handlers.c',
            className: 'Handlers',
            span: '@app.core.events.event_handler(event_type=USER_CREATED)',
            nameSpan: 'c',
            functionId: 'Handlers.c',
          }),
          handler({
            keys: [
              { kind: 'literal', value: 'x.created', span: 'x.created' },
              { kind: 'ref', path: ['EventTypes', 'Y'], span: 'EventTypes.Y' },
            ],
            name: 'd',
            paramType: ['X'],
            span: '@on(["x.created", EventTypes.Y])',
            nameSpan: 'd',
            functionId: 'd',
          }),
          handler({
            keys: [{ kind: 'dynamic', text: 'f"{prefix}.created"', reason: 'f-string with substitutions', span: 'f"{prefix}.created"' }],
            name: 'e',
            span: '@on(f"{prefix}.created")',
            nameSpan: 'e',
            functionId: 'e',
          }),
          handler({
            keys: [{ kind: 'dynamic', text: '@on', reason: 'decorator used without a key argument', span: '@on' }],
            name: 'f',
            span: '@on',
            nameSpan: 'f',
            functionId: 'f',
          }),
        ],
        keyUses: [
          { span: 'item.created', value: 'item.created', role: 'handler' },
          { span: 'x.created', value: 'x.created', role: 'handler' },
        ],
      },
    },
    {
      name: 'registrations: same-file function, method through self, lambda, imported function, dynamic key',
      src: REGISTRATIONS_SRC,
      expect: {
        handlers: [
          {
            keys: [{ kind: 'literal', value: 'item.created', span: 'item.created' }],
            name: 'index_item',
            paramType: ['ItemCreated'],
            async: true,
            span: 'subscribe_to_event("item.created", index_item)',
            nameSpan: 'index_item',
            functionId: 'index_item',
            via: 'registration',
          },
          {
            keys: [{ kind: 'ref', path: ['ITEM_DELETED'], span: 'ITEM_DELETED' }],
            name: 'imported_handler',
            async: false,
            span: 'events.subscribe_to_event(ITEM_DELETED, imported_handler)',
            nameSpan: 'imported_handler',
            via: 'registration',
          },
          {
            keys: [{ kind: 'literal', value: 'item.viewed', span: 'item.viewed' }],
            name: '<anonymous>',
            async: false,
            span: 'subscribe_to_event("item.viewed", lambda e: None)',
            nameSpan: 'lambda e: None',
            functionId: `lambda@${REGISTRATIONS_SRC.indexOf('lambda e')}`,
            via: 'registration',
          },
          {
            keys: [{ kind: 'dynamic', text: 'f"{entity}.deleted"', reason: 'f-string with substitutions', span: 'f"{entity}.deleted"' }],
            name: 'index_item',
            paramType: ['ItemCreated'],
            async: true,
            span: 'subscribe_to_event(f"{entity}.deleted", index_item)',
            nameSpan: 'index_item',
            functionId: 'index_item',
            via: 'registration',
          },
          {
            keys: [{ kind: 'literal', value: 'item.created', span: 'item.created' }],
            name: 'self.on_created',
            className: 'Indexer',
            paramType: ['ItemCreated'],
            async: false,
            span: 'subscribe_to_event(event_type="item.created", handler=self.on_created)',
            nameSpan: 'self.on_created',
            functionId: 'Indexer.on_created',
            via: 'registration',
          },
        ],
        functions: [
          { id: 'index_item', span: 'async def index_item(event: ItemCreated) -> None: ...', calls: [] },
          {
            id: 'register',
            span: [
              'def register() -> None:',
              '    subscribe_to_event("item.created", index_item)',
              '    events.subscribe_to_event(ITEM_DELETED, imported_handler)',
              '    subscribe_to_event("item.viewed", lambda e: None)',
              '    for entity in ("item", "user"):',
              '        subscribe_to_event(f"{entity}.deleted", index_item)',
            ].join('\n'),
            calls: [],
          },
          { id: `lambda@${REGISTRATIONS_SRC.indexOf('lambda e')}`, span: 'lambda e: None', calls: [] },
          { id: 'Indexer.on_created', span: 'def on_created(self, event: ItemCreated) -> None: ...', calls: [] },
          {
            id: 'Indexer.start',
            span: 'def start(self) -> None:\n        subscribe_to_event(event_type="item.created", handler=self.on_created)',
            calls: [],
          },
        ],
      },
    },
  ]);

  test('the lambda id is its offset', () => {
    const src = 'subscribe_to_event("a.b", lambda e: None)';
    const facts = extract(src);
    assert.equal(facts.handlers[0].functionId, `lambda@${src.indexOf('lambda')}`);
  });
});

// ---------------------------------------------------------------------------------------

describe('publishes', () => {
  const pub = (target: unknown, span: string, inFunction?: string): Record<string, unknown> => ({
    target,
    span,
    text: span.replace(/\s+/g, ' '),
    ...(inFunction ? { inFunction } : {}),
  });
  const cls = (...p: string[]): unknown => ({ kind: 'class', path: p });
  runCases([
    {
      name: 'the seed service: a variable assigned an instance, then event.publish()',
      src: [
        'class UserService:',
        '    def create_user(self, user_create: UserCreate) -> User:',
        '        created_user = self.user_repo.create(user)',
        '        event = UserCreatedEvent(',
        '            user_id=created_user.id,',
        '        )',
        '        event.publish()',
        '        return created_user',
      ].join('\n'),
      expect: { publishes: [pub(cls('UserCreatedEvent'), 'event.publish()', 'UserService.create_user')] },
    },
    {
      name: 'inline instance, dotted class, typed parameter, publish_event with an instance or a variable',
      src: [
        'def a():',
        '    UserUpdatedEvent(user_id=1).publish()',
        '    events.ItemCreated(item_id=2).publish()',
        'def b(event: ItemCreated) -> None:',
        '    event.publish()',
        '    publish_event(event)',
        'def c(evt: "Optional[PasswordResetRequested]"):',
        '    publish_event(EmailSentEvent(email_to="x"))',
        '    e2: UserCreatedEvent = build()',
        '    publish_event(e2)',
        '    (e3 := ItemDeleted()).publish()',
        'async def d():',
        '    x = y = OrderPlaced()',
        '    await something()',
        '    x.publish()',
        '    publish_event(event=y)',
      ].join('\n'),
      expect: {
        publishes: [
          pub(cls('UserUpdatedEvent'), 'UserUpdatedEvent(user_id=1).publish()', 'a'),
          pub(cls('events', 'ItemCreated'), 'events.ItemCreated(item_id=2).publish()', 'a'),
          pub(cls('ItemCreated'), 'event.publish()', 'b'),
          pub(cls('ItemCreated'), 'publish_event(event)', 'b'),
          pub(cls('EmailSentEvent'), 'publish_event(EmailSentEvent(email_to="x"))', 'c'),
          pub(cls('UserCreatedEvent'), 'publish_event(e2)', 'c'),
          pub(cls('ItemDeleted'), '(e3 := ItemDeleted()).publish()', 'c'),
          pub(cls('OrderPlaced'), 'x.publish()', 'd'),
          pub(cls('OrderPlaced'), 'publish_event(event=y)', 'd'),
        ],
      },
    },
    {
      name: 'unresolved: unknown variable, untyped parameter, base-class typed parameter, factory call, loop variable',
      src: [
        'def a(evt, base: EventBase):',
        '    unknown.publish()',
        '    evt.publish()',
        '    publish_event(base)',
        '    make_event().publish()',
        '    for e in pending:',
        '        e.publish()',
        '    publish_event(self.event)',
      ].join('\n'),
      expect: {
        publishes: [
          pub({ kind: 'unresolved', reason: "cannot tell which event 'unknown' holds" }, 'unknown.publish()', 'a'),
          pub({ kind: 'unresolved', reason: "parameter 'evt' has no type annotation" }, 'evt.publish()', 'a'),
          pub(
            { kind: 'unresolved', reason: "'base' is typed as the base class EventBase; the concrete event is not known statically" },
            'publish_event(base)',
            'a',
          ),
          pub({ kind: 'unresolved', reason: 'the event comes from a call to make_event(), not a class instantiation' }, 'make_event().publish()', 'a'),
          pub({ kind: 'unresolved', reason: "'e' is a loop variable" }, 'e.publish()', 'a'),
          pub({ kind: 'unresolved', reason: 'cannot tell the event from self.event' }, 'publish_event(self.event)', 'a'),
        ],
      },
    },
    {
      name: 'self: skipped in the base implementation and in classes not derived from a base; publishes the class in a direct subclass',
      src: [
        'class EventBase(SQLModel):',
        '    def publish(self) -> None:',
        '        publish_event(self)',
        'class UserCreatedEvent(EventBase):',
        '    def publish(self) -> None:',
        '        super().publish()',
        '        publish_event(self)',
        '        publish_event(AuditEvent(action="publish"))',
        '    def save_and_publish(self) -> None:',
        '        self.publish()',
        '    @classmethod',
        '    def emit(cls, **kw) -> None:',
        '        cls(**kw).publish()',
        'class Publisher:',
        '    def run(self) -> None:',
        '        self.publish()',
        '        publish_event(self)',
      ].join('\n'),
      expect: {
        publishes: [
          pub(cls('AuditEvent'), 'publish_event(AuditEvent(action="publish"))', 'UserCreatedEvent.publish'),
          pub(cls('UserCreatedEvent'), 'self.publish()', 'UserCreatedEvent.save_and_publish'),
          pub(cls('UserCreatedEvent'), 'cls(**kw).publish()', 'UserCreatedEvent.emit'),
        ],
      },
    },
    {
      name: 'module-level publishes have no inFunction; long call text is shortened to 80 characters',
      src: 'VeryLongEventNameForTestingPurposes(first_argument="aaaaaaaaaaaaaaaa", second_argument="bbbbbbbbbbbbbbbb").publish()\n',
      expect: {
        publishes: [
          {
            target: cls('VeryLongEventNameForTestingPurposes'),
            span: 'VeryLongEventNameForTestingPurposes(first_argument="aaaaaaaaaaaaaaaa", second_argument="bbbbbbbbbbbbbbbb").publish()',
            // 79 characters and an ellipsis
            text: 'VeryLongEventNameForTestingPurposes(first_argument="aaaaaaaaaaaaaaaa", second_a…',
          },
        ],
      },
    },
    {
      name: 'not event publishes: publish() with arguments on other objects',
      src: [
        'def relay(redis, client, msg):',
        '    redis.publish("channel", msg)',
        '    client.publish(topic="t", payload=msg)',
        '    Publisher().publish(msg)',
      ].join('\n'),
      expect: { publishes: [] },
    },
  ]);
});

// ---------------------------------------------------------------------------------------

describe('look-alikes produce no facts', () => {
  runCases([
    {
      name: 'FastAPI lifecycle hook and routes',
      src: [
        'from fastapi import APIRouter, FastAPI',
        'app = FastAPI()',
        'router = APIRouter()',
        '@app.on_event("startup")',
        'async def startup() -> None: ...',
        '@router.get("/x")',
        'def read_x() -> dict: ...',
        '@router.post("/users/{user_id}/events", status_code=201)',
        'def create() -> None: ...',
      ].join('\n'),
      expect: NOTHING,
    },
    {
      name: 'Celery tasks',
      src: [
        'from celery import Celery, shared_task',
        'app = Celery("worker")',
        '@app.task',
        'def send(user_id: str) -> None: ...',
        '@app.task(bind=True, name="user.created")',
        'def other(self) -> None: ...',
        '@shared_task(name="cleanup.expired")',
        'def cleanup() -> None: ...',
      ].join('\n'),
      expect: NOTHING,
    },
    {
      name: 'comments and docstrings that mention handlers and publishes',
      src: [
        '"""Module docs: @event_handler("user.created") and UserCreatedEvent().publish()"""',
        '# @event_handler("user.created")',
        'def f():',
        "    '''",
        '    @event_handler("x.y")',
        '    def g(e): publish_event(X())',
        "    '''",
        '    # subscribe_to_event("a.b", f)',
        '    return "@event_handler(\\"q.r\\")"',
      ].join('\n'),
      expect: NOTHING,
    },
    {
      name: 'a decorator that only shares a suffix, and an unrelated import alias',
      src: [
        'from other import event_handler_factory as event_handler2',
        'from something import on',
        '@event_handler2("a.b")',
        'def a(e): ...',
        '@on("a.b")',
        'def b(e): ...',
        '@my_event_handler("a.b")',
        'def c(e): ...',
      ].join('\n'),
      expect: NOTHING,
    },
  ]);
});

// ---------------------------------------------------------------------------------------

describe('functions and calls', () => {
  runCases([
    {
      name: 'ids and direct calls: module functions, methods through self/cls/Class, nested functions, duplicates',
      src: [
        'def helper(): ...',
        'def a():',
        '    helper()',
        '    def inner():',
        '        helper()',
        '        a()',
        '    inner()',
        '    undefined_function()',
        'class S:',
        '    def m(self):',
        '        self.n()',
        '        S.n()',
        '        helper()',
        '        other.n()',
        '    @classmethod',
        '    def n(cls):',
        '        cls.m(None)',
        'if FLAG:',
        '    def helper(): ...',
      ].join('\n'),
      expect: {
        functions: [
          { id: 'helper', span: 'def helper(): ...', calls: [] },
          { id: 'a', span: 'def a():\n    helper()\n    def inner():\n        helper()\n        a()\n    inner()\n    undefined_function()', calls: ['helper', 'a.inner'] },
          { id: 'a.inner', span: 'def inner():\n        helper()\n        a()', calls: ['helper', 'a'] },
          { id: 'S.m', span: 'def m(self):\n        self.n()\n        S.n()\n        helper()\n        other.n()', calls: ['S.n', 'helper'] },
          { id: 'S.n', span: 'def n(cls):\n        cls.m(None)', calls: ['S.m'] },
          { id: `helper@${'def helper(): ...\ndef a():\n    helper()\n    def inner():\n        helper()\n        a()\n    inner()\n    undefined_function()\nclass S:\n    def m(self):\n        self.n()\n        S.n()\n        helper()\n        other.n()\n    @classmethod\n    def n(cls):\n        cls.m(None)\nif FLAG:\n    '.length}`, span: 'def helper(): ...', calls: [] },
        ],
      },
    },
    {
      name: 'a handler that publishes and calls a helper that publishes (flows)',
      src: [
        '@event_handler("password.reset.requested")',
        'def handle(event: PasswordResetRequested) -> None:',
        '    publish_event(EmailSentEvent(email_to=event.email))',
        '    _notify(event.email)',
        'def _notify(to: str) -> None:',
        '    publish_event(EmailSentEvent(email_to=to))',
      ].join('\n'),
      expect: {
        functions: [
          { id: 'handle', span: 'def handle(event: PasswordResetRequested) -> None:\n    publish_event(EmailSentEvent(email_to=event.email))\n    _notify(event.email)', calls: ['_notify'] },
          { id: '_notify', span: 'def _notify(to: str) -> None:\n    publish_event(EmailSentEvent(email_to=to))', calls: [] },
        ],
        publishes: [
          { target: { kind: 'class', path: ['EmailSentEvent'] }, span: 'publish_event(EmailSentEvent(email_to=event.email))', text: 'publish_event(EmailSentEvent(email_to=event.email))', inFunction: 'handle' },
          { target: { kind: 'class', path: ['EmailSentEvent'] }, span: 'publish_event(EmailSentEvent(email_to=to))', text: 'publish_event(EmailSentEvent(email_to=to))', inFunction: '_notify' },
        ],
      },
    },
  ]);
});

// ---------------------------------------------------------------------------------------

describe('robustness', () => {
  test('a syntax error mid-file: facts before and after it are still extracted', () => {
    const src = [
      '@event_handler("a.before")',
      'def before(event: A) -> None:',
      '    A().publish()',
      '',
      'def broken(:',
      '    x = = 1',
      '',
      'class After(EventBase):',
      '    event_type: str = "after.created"',
      '',
      '@event_handler("a.after")',
      'def after(event: After) -> None:',
      '    After().publish()',
    ].join('\n');
    const facts = extract(src);
    assert.ok(facts.syntaxErrors > 0, 'syntax errors are counted');
    assert.deepEqual(
      facts.handlers.map((h) => [h.name, h.keys.map((k) => (k.kind === 'literal' ? k.value : k.kind))]),
      [
        ['before', ['a.before']],
        ['after', ['a.after']],
      ],
    );
    assert.deepEqual(facts.classes.map((c) => [c.name, c.eventType && view(c.eventType, src)]), [['After', { kind: 'literal', value: 'after.created', span: 'after.created' }]]);
    assert.deepEqual(
      facts.publishes.map((p) => [view(p.span, src), p.inFunction]),
      [
        ['A().publish()', 'before'],
        ['After().publish()', 'after'],
      ],
    );
  });

  test('while typing: an unclosed call or parameter list does not swallow the handlers below it', () => {
    const src = [
      'from app.core.events import event_handler',
      'USER_CREATED = "user.created"',
      '@event_handler(',
      '    USER_CREATED',
      ')',
      'def first(event: A) -> None:',
      '    A(x=1,',
      '',
      'def second(:',
      '',
      '@event_handler("b.happened")',
      '@other_decorator',
      'async def third(event: B) -> None:',
      '    publish_event(C(',
      '',
      'class D(EventBase):',
      '    event_type: str = "d.happened"',
      'ITEM = "item.created"',
      '@event_handler("e.happened")',
      'def fourth(event: E) -> None:',
      '    E().publish()',
      '    publish_event(F(',
    ].join('\n');
    const facts = extract(src);
    assert.ok(facts.syntaxErrors > 0);
    assert.deepEqual(
      facts.handlers.map((h) => [h.name, h.async, h.keys.map((k) => (k.kind === 'literal' ? k.value : k.kind === 'ref' ? k.path.join('.') : k.kind)), h.functionId]),
      [
        ['first', false, ['USER_CREATED'], 'first'],
        ['third', true, ['b.happened'], 'third'],
        ['fourth', false, ['e.happened'], 'fourth'],
      ],
    );
    assert.deepEqual(facts.classes.map((c) => [c.name, c.eventType && c.eventType.kind === 'literal' ? c.eventType.value : undefined]), [['D', 'd.happened']]);
    assert.deepEqual(facts.values.map((v) => v.path.join('.')), ['USER_CREATED', 'ITEM']);
    assert.deepEqual(facts.imports.map((i) => i.specifier), ['app.core.events']);
    assert.ok(facts.publishes.some((p) => p.inFunction === 'fourth' && p.target.kind === 'class' && p.target.path[0] === 'E'));
    assert.deepEqual(facts.functions.map((f) => f.id), ['first', 'second', 'third', 'fourth']);
    view(facts, src);
  });

  test('recovery never cuts inside strings or error-free statements', () => {
    const src = [
      'SQL = """',
      'from users import x',
      'def not_a_function(): pass',
      '"""',
      'result = call(',
      'keyword=1,',
      'class_=2,',
      ')',
      'def broken(:',
      '@event_handler("a.b")',
      'def h(event: A) -> None: ...',
    ].join('\n');
    const facts = extract(src);
    assert.deepEqual(facts.functions.map((f) => f.id), ['broken', 'h']);
    assert.deepEqual(facts.values.map((v) => [v.path.join('.'), v.value.kind === 'literal' ? v.value.value : v.value.kind]), [
      ['SQL', '\nfrom users import x\ndef not_a_function(): pass\n'],
    ]);
    assert.deepEqual(facts.handlers.map((h) => h.name), ['h']);
    assert.ok(facts.syntaxErrors >= 1);
  });

  test('a clean file has no syntax errors; MISSING and ERROR nodes are counted', () => {
    assert.equal(extract('x = 1\n').syntaxErrors, 0);
    assert.equal(extract('def f(:\n  pass\n').syntaxErrors, 1);
    assert.ok(extract('@\n').syntaxErrors >= 1);
    assert.ok(extract('"""never closed\n').syntaxErrors >= 1);
  });

  test('spans are UTF-16 offsets on lines with emoji and other non-ASCII text', () => {
    const src = 'greeting = "héllo 😀 wörld"  # 😀😀\n@event_handler("ü.😀.created")  # 🎉\ndef h(event: É) -> None:\n    É().publish()\n';
    const facts = extract(src);
    const key = facts.handlers[0].keys[0];
    assert.equal(key.kind, 'literal');
    assert.equal(key.span.start, src.indexOf('ü.😀.created'));
    assert.equal(key.span.end, src.indexOf('ü.😀.created') + 'ü.😀.created'.length);
    assert.equal(src.slice(key.span.start, key.span.end), 'ü.😀.created');
    assert.equal(facts.handlers[0].span.start, src.indexOf('@event_handler'));
    assert.equal(src.slice(facts.handlers[0].nameSpan.start, facts.handlers[0].nameSpan.end), 'h');
    assert.deepEqual(facts.handlers[0].paramType, ['É']);
    assert.equal(src.slice(facts.publishes[0].span.start, facts.publishes[0].span.end), 'É().publish()');
    assert.deepEqual(view(facts.values, src), [{ path: ['greeting'], value: { kind: 'literal', value: 'héllo 😀 wörld', span: 'héllo 😀 wörld' }, span: 'greeting = "héllo 😀 wörld"' }]);
  });

  test('pathological inputs do not throw (deep nesting, long chains, odd characters)', () => {
    const inputs = [
      '',
      '\0\0\0',
      '"""',
      '@',
      '@event_handler(',
      'class',
      '\uFEFFX = "a.b"',
      '\ud800 = "lone surrogate"',
      'X = "\\N{BULLET}"',
      `x = ${'('.repeat(3000)}1${')'.repeat(3000)}\n`,
      `x = ${Array.from({ length: 5000 }, (_, i) => `"s${i}"`).join(' + ')}\n`,
      `y = a${'.b'.repeat(5000)}\n`,
      Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}def f${i}():`).join('\n') + `\n${' '.repeat(300)}pass\n`,
      `${'['.repeat(2000)}`,
    ];
    for (const src of inputs) {
      const facts = extract(src);
      view(facts, src); // checks every span is in range
    }
  });

  test('mutated fixture files never throw and keep spans in range', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const noise = ['(', ')', ':', '"', "'", '\n', '    ', '@', 'def ', 'class ', '"""', '\\', '😀', '[', '{', ','];
    for (const file of pythonFiles(backend)) {
      const text = fs.readFileSync(file, 'utf8');
      if (text.length === 0) continue;
      for (let round = 0; round < 6; round++) {
        let t = text;
        for (let k = 0; k < 4; k++) {
          const at = rand(t.length + 1);
          const op = rand(3);
          if (op === 0) t = t.slice(0, at);
          else if (op === 1) t = t.slice(0, at) + t.slice(at + 1 + rand(20));
          else t = t.slice(0, at) + noise[rand(noise.length)] + t.slice(at);
        }
        const facts = extract(t, file);
        view(facts, t);
      }
    }
  });

  test('unescapePython', () => {
    assert.equal(unescapePython('a\\nb\\t\\\\\\\'\\"', false, false), 'a\nb\t\\\'"');
    assert.equal(unescapePython('\\x41\\u00e9\\U0001F600\\101', false, false), 'Aé😀A');
    assert.equal(unescapePython('a\\\nb', false, false), 'ab');
    assert.equal(unescapePython('\\q', false, false), '\\q');
    assert.equal(unescapePython('\\N{BULLET}', false, false), undefined);
    assert.equal(unescapePython('\\n', true, false), '\\n');
    assert.equal(unescapePython('{{x}}', false, true), '{x}');
  });
});

// ---------------------------------------------------------------------------------------

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== '__pycache__') out.push(...pythonFiles(p));
    } else if (entry.name.endsWith('.py')) out.push(p);
  }
  return out.sort();
}

describe('the python-app fixture', () => {
  const files = pythonFiles(backend);
  const rel = (p: string): string => p.slice(backend.length + 1);
  const all = (): Map<string, { facts: FileFacts; text: string }> => {
    const m = new Map<string, { facts: FileFacts; text: string }>();
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      m.set(rel(f), { facts: extract(text, f), text });
    }
    return m;
  };

  test('every file extracts without throwing and without syntax errors', () => {
    assert.ok(files.length > 30, `found ${files.length} files`);
    for (const [file, { facts }] of all()) {
      assert.equal(facts.syntaxErrors, 0, file);
      assert.equal(facts.language, 'python');
      assert.equal(facts.isTest, false); // set by the caller
    }
  });

  test('python3 -m py_compile accepts every fixture file', (t) => {
    const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      t.skip('python3 is not available on this machine; the fixture was not compiled');
      return;
    }
    // Compile into a throwaway cache so the fixture gets no __pycache__ directories.
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
  });

  test('events, handlers and publishes per file', () => {
    const m = all();
    const summary: Record<string, unknown> = {};
    for (const [file, { facts, text }] of m) {
      const key = (k: FileFacts['handlers'][number]['keys'][number]): string =>
        k.kind === 'literal' ? k.value : k.kind === 'ref' ? `ref:${k.path.join('.')}` : k.kind === 'dynamic' ? `dynamic:${k.text}` : `class:${k.path.join('.')}`;
      const entry: Record<string, unknown> = {};
      const events = facts.classes.filter((c) => c.extends.at(-1) === 'EventBase').map((c) => `${c.name}=${c.eventType ? key(c.eventType) : '?'}`);
      if (events.length) entry.events = events;
      if (facts.handlers.length) entry.handlers = facts.handlers.map((h) => `${h.via}:${h.name}(${h.keys.map(key).join(',')})${h.functionId ? '' : ' [no functionId]'}`);
      if (facts.publishes.length) {
        entry.publishes = facts.publishes.map(
          (p) => `${p.inFunction}:${p.target.kind === 'class' ? p.target.path.join('.') : p.target.kind}@${text.slice(p.span.start, p.span.end).split('\n')[0]}`,
        );
      }
      if (Object.keys(entry).length) summary[file] = entry;
    }
    assert.deepEqual(summary, {
      'app/modules/auth/domain/events.py': { events: ['PasswordResetRequested=password.reset.requested'] },
      'app/modules/auth/services/auth_service.py': { publishes: ['AuthService.request_password_reset:PasswordResetRequested@event.publish()'] },
      'app/modules/email/domain/events.py': { events: ['EmailSentEvent=email.sent'] },
      'app/modules/email/services/email_event_handlers.py': {
        handlers: [
          'decorator:handle_user_created_event(user.created)',
          'decorator:handle_password_reset_requested_event(password.reset.requested)',
        ],
        publishes: [
          'handle_password_reset_requested_event:EmailSentEvent@publish_event(EmailSentEvent(email_to=event.email, template="password_reset"))',
          '_notify_sent:EmailSentEvent@publish_event(EmailSentEvent(email_to=email_to, template=template))',
        ],
      },
      'app/modules/items/domain/events.py': { events: ['ItemCreated=ref:ItemEventTypes.ITEM_CREATED', 'ItemDeleted=ref:ITEM_DELETED'] },
      'app/modules/items/services/item_service.py': {
        publishes: ['ItemService.delete_item:ItemDeleted@ItemDeleted(item_id=item_id).publish()', 'ItemService._publish:ItemCreated@publish_event(event)'],
      },
      'app/modules/notifications/services/notification_handlers.py': {
        handlers: ['decorator:notify_item_created(ref:ItemEventTypes.ITEM_CREATED)', 'decorator:notify_item_created_typo(item.craeted)'],
      },
      'app/modules/search/services/search_handlers.py': {
        handlers: ['registration:index_new_item(ref:ItemEventTypes.ITEM_CREATED)', 'registration:remove_from_index(dynamic:f"{entity}.deleted")'],
      },
      'app/modules/users/domain/events.py': { events: ['UserCreatedEvent=user.created', 'UserUpdatedEvent=user.updated'] },
      'app/modules/users/services/user_service.py': {
        publishes: ['UserService.create_user:UserCreatedEvent@event.publish()', 'UserService.update_user:UserUpdatedEvent@UserUpdatedEvent(user_id=user.id, email=user.email, full_name=user.full_name).publish()'],
      },
      'tests/test_user_events.py': { publishes: ['test_publish_from_a_test:UserCreatedEvent@UserCreatedEvent(user_id=uuid.uuid4(), email="t@example.com").publish()'] },
    });
  });

  test('values of the items event types', () => {
    const file = `${backend}/app/modules/items/domain/event_types.py`;
    const text = fs.readFileSync(file, 'utf8');
    const facts = extract(text, file);
    assert.deepEqual(
      view(facts.values, text),
      [
        { path: ['ItemEventTypes', 'ITEM_CREATED'], value: { kind: 'literal', value: 'item.created', span: 'item.created' }, span: 'ITEM_CREATED = "item.created"' },
        { path: ['ITEM_DELETED'], value: { kind: 'literal', value: 'item.deleted', span: 'item.deleted' }, span: 'ITEM_DELETED: Final = "item.deleted"' },
      ],
    );
  });

  test('the handler flow in the email module: a handler calls a helper that publishes', () => {
    const file = `${backend}/app/modules/email/services/email_event_handlers.py`;
    const facts = extract(fs.readFileSync(file, 'utf8'), file);
    assert.deepEqual(
      facts.functions.map((f) => [f.id, f.calls]),
      [
        ['handle_user_created_event', ['_notify_sent']],
        ['handle_password_reset_requested_event', []],
        ['_notify_sent', []],
      ],
    );
  });
});

// ---------------------------------------------------------------------------------------

describe('resolvePythonModule', () => {
  const exists = (p: string): boolean => fs.existsSync(p) && fs.statSync(p).isFile();
  const roots = [backend];
  const from = `${backend}/app/modules/email/services/email_event_handlers.py`;
  const cases: Array<[string, string, string | undefined]> = [
    [from, 'app.core.events', `${backend}/app/core/events.py`],
    [from, 'app.modules.users.domain.events', `${backend}/app/modules/users/domain/events.py`],
    [from, 'app.modules.email', `${backend}/app/modules/email/__init__.py`],
    [from, 'app', `${backend}/app/__init__.py`],
    [from, '.email_service', `${backend}/app/modules/email/services/email_service.py`],
    [from, '.', `${backend}/app/modules/email/services/__init__.py`],
    [from, '..', `${backend}/app/modules/email/__init__.py`],
    [from, '..domain.events', `${backend}/app/modules/email/domain/events.py`],
    [from, '...users.domain.events', `${backend}/app/modules/users/domain/events.py`],
    [`${backend}/app/modules/email/__init__.py`, '.services.email_event_handlers', `${backend}/app/modules/email/services/email_event_handlers.py`],
    [from, 'fastapi', undefined],
    [from, 'app.does.not.exist', undefined],
    [from, '.missing', undefined],
    [from, '', undefined],
    [from, 'app..core', undefined],
    ['/a.py', '....x', undefined],
  ];
  for (const [f, spec, expected] of cases) {
    test(`${spec || '(empty)'} from ${f.slice(backend.length)}`, () => {
      assert.equal(resolvePythonModule(f, spec, roots, exists), expected);
    });
  }

  test('source roots are tried in order; a submodule specifier for `from pkg import name`', () => {
    const files = new Set(['/r1/pkg/a.py', '/r2/pkg/a.py', '/r2/pkg/b/__init__.py']);
    const has = (p: string): boolean => files.has(p);
    assert.equal(resolvePythonModule('/x/y.py', 'pkg.a', ['/r1', '/r2'], has), '/r1/pkg/a.py');
    assert.equal(resolvePythonModule('/x/y.py', 'pkg.b', ['/r1/', '/r2'], has), '/r2/pkg/b/__init__.py');
    assert.equal(pythonSubmoduleSpecifier('.', 'events'), '.events');
    assert.equal(pythonSubmoduleSpecifier('..', 'events'), '..events');
    assert.equal(pythonSubmoduleSpecifier('app.core', 'events'), 'app.core.events');
    assert.equal(pythonSubmoduleSpecifier('.core', 'events'), '.core.events');
  });
});

describe('detectPythonSourceRoots', () => {
  const readFile = (p: string): string | undefined => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : undefined);
  const exists = (p: string): boolean => fs.existsSync(p);

  test('the fixture: the workspace root and backend/ (the parent of app/, where pyproject.toml is)', () => {
    assert.deepEqual(detectPythonSourceRoots(fixtureRoot, readFile, exists), [fixtureRoot, backend]);
  });

  test('src layouts, app/ parents and pyproject package settings', () => {
    const files: Record<string, string> = {
      '/w/pyproject.toml': [
        '[tool.poetry]',
        'name = "x"',
        'packages = [',
        '  { include = "svc", from = "lib" },  # a comment',
        "  { include = 'other' },",
        ']',
        '[tool.setuptools.packages.find]',
        'where = ["python/src"]',
        '[tool.hatch.build.targets.wheel]',
        'packages = ["hatched/app"]',
      ].join('\n'),
    };
    const dirs = new Set(['/w', '/w/src', '/w/server', '/w/server/app', '/w/lib', '/w/python/src', '/w/hatched']);
    const rf = (p: string): string | undefined => files[p];
    const ex = (p: string): boolean => dirs.has(p) || p in files || p === '/w/server/app/__init__.py';
    // order: root, backend/src, app/ parents, then per pyproject: its directory, setuptools, poetry, hatch
    assert.deepEqual(detectPythonSourceRoots('/w/', rf, ex), ['/w', '/w/src', '/w/server', '/w/python/src', '/w/lib', '/w/hatched']);
  });

  test('pyproject reading never executes anything and tolerates broken TOML', () => {
    assert.deepEqual(pyprojectPackageRoots('[tool.setuptools.packages.find]\nwhere = ["src"]\n'), ['src']);
    assert.deepEqual(pyprojectPackageRoots('[tool.setuptools]\npackage-dir = {"" = "src"}\n'), ['src']);
    assert.deepEqual(pyprojectPackageRoots('[[tool.poetry.packages]]\ninclude = "app"\nfrom = "src"\n'), ['src']);
    assert.deepEqual(pyprojectPackageRoots('[tool.poetry\nwhere = [\n[tool.setuptools.packages.find]\nwhere = ["ok"]\n'), ['ok']);
    assert.deepEqual(pyprojectPackageRoots('this is not toml = = ['), []);
    const doc = parseTomlSubset('a.b = "x\\ty" # c\n[t]\nk = \'\'\'\nmulti\'\'\'\nn = 3\nflag = true\n');
    assert.deepEqual(doc, { a: { b: 'x\ty' }, t: { k: 'multi', n: '3', flag: true } });
  });
});
