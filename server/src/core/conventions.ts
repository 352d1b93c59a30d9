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

/** A decorator that registers the decorated method/function as a handler: `@eventHandler(key)`. */
export interface HandlerDecoratorConvention {
  name: string;
  /** Index of the key argument (a key or an array of keys). */
  keyArg: number;
}

/** A call that registers a handler: `subscribeToEvent(key, fn)`. */
export interface RegistrationConvention {
  /** The function name, or `Receiver.method` for a static-style call. */
  name: string;
  keyArg: number;
  handlerArg: number;
}

/**
 * A call that publishes.
 * - `function`: `publishEvent(event)` — a free function.
 * - `instance`: `event.publish()` — a method called on the event itself.
 */
export interface PublishConvention {
  name: string;
  kind: 'function' | 'instance';
  /** For `function`: index of the argument holding the event (or the key, per `argumentIs`). */
  argument?: number;
  argumentIs?: 'event' | 'key';
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

/** Every name that can make a file relevant; used by the pre-filter. */
export function triggerWords(c: Conventions): string[] {
  const words = new Set<string>(['extends', 'export']);
  for (const d of c.handlerDecorators) words.add(d.name);
  for (const r of c.registrations) words.add(r.name.split('.').pop()!);
  for (const p of c.publishes) words.add(p.name);
  return [...words];
}
