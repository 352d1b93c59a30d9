/**
 * Conventions: the one object that drives extraction and the rules. Defaults fit the
 * sample's event system (the `seed` profile); a workspace overrides them in `.eventflow.json`.
 * Conventions are data: nothing here is ever executed.
 */

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeverityOrOff = Severity | 'off';

export const RULE_CODES = [
  'unhandled-event',
  'unknown-event',
  'unpublished-event',
  'event-naming',
  'duplicate-event-type',
  'handler-type-mismatch',
  'event-cycle',
  'unresolved-event',
  'async-handler',
  'config-error',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export const DEFAULT_SEVERITIES: Record<RuleCode, SeverityOrOff> = {
  'unhandled-event': 'warning',
  'unknown-event': 'warning',
  'unpublished-event': 'hint',
  'event-naming': 'warning',
  'duplicate-event-type': 'error',
  'handler-type-mismatch': 'error',
  'event-cycle': 'warning',
  'unresolved-event': 'information',
  'async-handler': 'warning',
  'config-error': 'error',
};

/**
 * A decorator that registers a handler.
 * - on a method (the default): `@eventHandler(key)`, `@OnEvent(key, options)`;
 * - on a class (`target: 'class'`): `@EventsHandler(A, B)`, every argument from `keyArg` on
 *   names an event, and the class's `method` (default `handle`) handles them.
 */
export interface HandlerDecoratorConvention {
  name: string;
  /** Index of the key argument (a key or an array of keys). */
  keyArg: number;
  target?: 'method' | 'class';
  /** For `target: 'class'`: the method that handles (`handle`). */
  method?: string;
  /** `key` (default): the argument is a key; `class`: it names an event class (CQRS). */
  argumentIs?: 'key' | 'class';
  /** What an array argument means: several keys (default), or the segments of one key (EventEmitter2). */
  array?: 'keys' | 'segments';
  /** Keys with `*` / `**` segments are patterns matched against published keys (EventEmitter2 wildcards). */
  wildcards?: boolean;
}

/** A call that registers a handler: `subscribeToEvent(key, fn)`. */
export interface RegistrationConvention {
  /** The function name, or `Receiver.method` for a static-style call. */
  name: string;
  keyArg: number;
  handlerArg: number;
}

/**
 * A call, inside a member carrying the decorator `within`, whose arguments name the events
 * that member handles: `ofType(A, B)` in a CQRS `@Saga()`.
 */
export interface HandlerCallConvention {
  name: string;
  within: string;
}

/**
 * What publishes.
 * - `function`: `publishEvent(event)` — a free function.
 * - `instance`: `event.publish()` — a method called on the event itself.
 * - `method`: `emitter.emit(key, …)` — a method on a receiver recognised by its declared type
 *   (`receiverTypes`: a constructor parameter property, a class property, a variable or a
 *   parameter of that type, or the class itself for a static call), or on `this` inside a
 *   class that extends one of `thisExtends` (`this.apply(event)` in an `AggregateRoot`).
 * - `decorator`: `@EmitEvent(key)` on a method: publishes when the method returns.
 */
export interface PublishConvention {
  name: string;
  kind: 'function' | 'instance' | 'method' | 'decorator';
  /** Index of the argument holding the event (or the key, per `argumentIs`). */
  argument?: number;
  /** `event`: an event instance; `key`: a key; `events`: an array of event instances (`publishAll([...])`). */
  argumentIs?: 'event' | 'key' | 'events';
  receiverTypes?: string[];
  thisExtends?: string[];
  /** The class of a published instance is an event by this use (CQRS: events are plain classes). */
  declaresEventClass?: boolean;
  /** What an array key means: the segments of one key (EventEmitter2), or nothing statically known (default). */
  array?: 'segments';
}

/** EventEmitter2's wildcard keys: `order.*` (one segment), `order.**` (any number). */
export interface WildcardConvention {
  enabled: boolean;
  delimiter: string;
}

export interface NamingConvention {
  /** Minimum number of dot-separated segments. */
  minSegments: number;
  /** Extra words accepted as a past-tense action besides regular `-ed` verbs. */
  pastTenseWords: string[];
}

export interface Conventions {
  /** Profiles that filled these conventions (informational). */
  profiles: string[];
  /** Event base classes by name: a class is an event when it extends one, directly or not. */
  baseClasses: string[];
  /** Properties whose initializer or literal type gives the event type. */
  eventTypeProperties: string[];
  /** Whether a base class takes the key as `super('...')`'s first argument. */
  superKeyArgument: boolean;
  handlerDecorators: HandlerDecoratorConvention[];
  registrations: RegistrationConvention[];
  publishes: PublishConvention[];
  /** Calls naming handled events inside a decorated member (CQRS sagas' `ofType`). */
  handlerCalls: HandlerCallConvention[];
  /** Interfaces that make a class an event (`implements IEvent`); such events are keyed by class name. */
  eventInterfaces: string[];
  /** An event class that declares no key is keyed by its class name (CQRS, domain-event styles). */
  classNameKeys: boolean;
  wildcards: WildcardConvention;
  /** Folders (relative to the root, `/`-separated) whose direct children are modules. */
  modulesRoots: string[];
  naming: NamingConvention;
  severities: Record<RuleCode, SeverityOrOff>;
  /** Glob patterns (relative to the root) never indexed. */
  exclude: string[];
  /** Glob patterns of test files: indexed, but their publishes do not count for the rules. */
  testFiles: string[];
  /** When true, publishes from test files count for the rules. */
  countTestPublishes: boolean;
  /** Files larger than this (bytes) are skipped with a reason. */
  maxFileSize: number;
  /** True when the event system catches async handlers' rejections (the seed's does). */
  asyncRejectionsCaught: boolean;
}

export const DEFAULT_EXCLUDE = [
  '**/node_modules/**',
  '**/dist/**',
  '**/out/**',
  '**/build/**',
  '**/coverage/**',
  '**/.git/**',
  '**/.vscode-test/**',
  '**/.nx/**',
  '**/.turbo/**',
  '**/.next/**',
  '**/generated/**',
  '**/__generated__/**',
  '**/*.d.ts',
];

export const DEFAULT_TEST_FILES = ['**/*.test.ts', '**/*.spec.ts', '**/test_*.py', '**/*_test.py', '**/test/**', '**/tests/**', '**/__tests__/**'];

export function seedConventions(): Conventions {
  return {
    profiles: ['seed'],
    baseClasses: ['EventBase'],
    eventTypeProperties: ['eventType', 'event_type'],
    superKeyArgument: true,
    handlerDecorators: [
      { name: 'eventHandler', keyArg: 0 },
      { name: 'event_handler', keyArg: 0 },
    ],
    registrations: [
      { name: 'subscribeToEvent', keyArg: 0, handlerArg: 1 },
      { name: 'subscribe_to_event', keyArg: 0, handlerArg: 1 },
    ],
    publishes: [
      { name: 'publish', kind: 'instance' },
      { name: 'publishEvent', kind: 'function', argument: 0, argumentIs: 'event' },
      { name: 'publish_event', kind: 'function', argument: 0, argumentIs: 'event' },
    ],
    handlerCalls: [],
    eventInterfaces: [],
    classNameKeys: false,
    wildcards: { enabled: true, delimiter: '.' },
    modulesRoots: ['src/modules', 'app/modules'],
    naming: {
      minSegments: 2,
      pastTenseWords: ['sent', 'built', 'paid', 'made', 'done', 'run', 'set', 'reset', 'lost', 'found', 'held', 'sold', 'won', 'begun', 'written', 'taken', 'given', 'chosen', 'frozen', 'broken', 'shown', 'known', 'drawn', 'thrown', 'withdrawn', 'bound', 'read', 'spent', 'left', 'kept', 'put', 'cut', 'shut', 'split', 'quit', 'upheld', 'overridden', 'hidden', 'forgotten', 'rewritten'],
    },
    severities: { ...DEFAULT_SEVERITIES },
    exclude: [...DEFAULT_EXCLUDE],
    testFiles: [...DEFAULT_TEST_FILES],
    countTestPublishes: false,
    maxFileSize: 2 * 1024 * 1024,
    asyncRejectionsCaught: true,
  };
}

/** The conventions' fields that profiles fill (the event system's vocabulary); the rest is the workspace's. */
export const PROFILE_FIELDS = [
  'baseClasses',
  'eventTypeProperties',
  'superKeyArgument',
  'handlerDecorators',
  'registrations',
  'publishes',
  'handlerCalls',
  'eventInterfaces',
  'classNameKeys',
] as const;

/** The defaults without any event system: what every profile starts from. */
export function neutralConventions(): Conventions {
  return {
    ...seedConventions(),
    profiles: [],
    baseClasses: [],
    eventTypeProperties: [],
    superKeyArgument: false,
    handlerDecorators: [],
    registrations: [],
    publishes: [],
    handlerCalls: [],
    eventInterfaces: [],
    classNameKeys: false,
  };
}

/** Appends the items not already in the list (compared as JSON): profiles and settings add up. */
export function appendUnique<T>(list: T[], items: readonly T[]): T[] {
  const seen = new Set(list.map((x) => JSON.stringify(x)));
  for (const item of items) {
    const key = JSON.stringify(item);
    if (!seen.has(key)) {
      seen.add(key);
      list.push(item);
    }
  }
  return list;
}
