/**
 * The analysis core (server/src/core), data-driven: each case is a small workspace written
 * as one fixture string with `//- /path` headers (see helpers.ts), indexed exactly as the
 * CLI and the server index a folder, and compared with the complete expected summary —
 * events (declarations, publishers, handlers), flows, unresolved sites and diagnostics — so
 * that a missed fact and an extra fact both fail.
 *
 * Every fixture gets `CORE` (a minimal copy of the sample's event system, like
 * rust-analyzer's `minicore`) unless it declares its own `/src/core/events.ts`.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../server/src/core/report';
import { relativePath } from '../../server/src/core/text';
import {
  allDiagnostics,
  changedFiles,
  diagnosticsByFile,
  indexFiles,
  lineColumn,
  parseFixture,
  removeFixtures,
  type Fixture,
  type FixtureFile,
  type Summary,
  type SummaryOptions,
} from './helpers';

after(() => removeFixtures());

const CORE = `
//- /src/core/events.ts
export abstract class EventBase {
  abstract readonly eventType: string;
  publish(): void {
    publishEvent(this);
  }
}
export function publishEvent(event: EventBase): void {
  void event;
}
export function subscribeToEvent(eventType: string, handler: (event: any) => unknown): void {
  void eventType;
  void handler;
}
export function eventHandler(eventType: string | string[]) {
  return (target: any, name: string) => subscribeToEvent(String(eventType), target[name]);
}
`;

/** `UserCreatedEvent` (line 3) and `UserDeletedEvent` (line 7) in src/users/events.ts. */
const USER_EVENTS = `
//- /src/users/events.ts
import { EventBase } from '../core/events';

export class UserCreatedEvent extends EventBase {
  readonly eventType = 'user.created';
}

export class UserDeletedEvent extends EventBase {
  readonly eventType = 'user.deleted';
}
`;

function filesOf(texts: string[]): FixtureFile[] {
  // Later fixtures win: one that declares its own /src/core/events.ts replaces CORE's.
  const byPath = new Map<string, FixtureFile>();
  for (const file of texts.flatMap((t) => parseFixture(t))) byPath.set(file.path, file);
  return [...byPath.values()];
}

async function load(...texts: string[]): Promise<Fixture> {
  return indexFiles(filesOf([CORE, ...texts]));
}

async function check(texts: string | string[], expected: Summary, options?: SummaryOptions): Promise<Fixture> {
  const f = await load(...(Array.isArray(texts) ? texts : [texts]));
  assert.deepEqual(f.summary(options), expected);
  return f;
}

// ── Event classes ───────────────────────────────────────────────────────────────────────

describe('event classes', () => {
  test('a class extending the base directly; other classes are not events', async () => {
    await check(
      `
      //- /src/events.ts
      import { EventBase } from './core/events';

      export class UserCreatedEvent extends EventBase {
        readonly eventType = 'user.created';
      }
      class Plain {}
      export class Failure extends Error {}
      export class Mixed extends Plain {
        readonly eventType = 'not.an.event';
      }
      `,
      {
        events: { 'user.created': { declarations: ['UserCreatedEvent@src/events.ts:3'] } },
        diagnostics: ['src/events.ts:3 hint unpublished-event'],
      },
    );
  });

  test('a subclass of a subclass, each in another file', async () => {
    await check(
      `
      //- /src/shared/domain-event.ts
      import { EventBase } from '../core/events';
      export abstract class DomainEvent extends EventBase {
        readonly occurredAt = new Date();
      }
      //- /src/users/user-event.ts
      import { DomainEvent } from '../shared/domain-event';
      export abstract class UserEvent extends DomainEvent {
        abstract readonly userId: string;
      }
      //- /src/users/events.ts
      import { UserEvent } from './user-event';

      export class UserCreatedEvent extends UserEvent {
        readonly eventType = 'user.created';
        readonly userId = 'u1';
      }

      export class UserRenamedEvent extends UserEvent {
        readonly eventType = 'user.renamed';
        readonly userId = 'u1';
      }
      `,
      {
        events: {
          'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'] },
          'user.renamed': { declarations: ['UserRenamedEvent@src/users/events.ts:8'] },
        },
        diagnostics: ['src/users/events.ts:3 hint unpublished-event', 'src/users/events.ts:8 hint unpublished-event'],
      },
    );
  });

  test("readonly eventType = '...' as const", async () => {
    await check(
      `
      //- /src/events.ts
      import { EventBase } from './core/events';
      export class OrderPlacedEvent extends EventBase {
        readonly eventType = 'order.placed' as const;
      }
      export class OrderPaidEvent extends EventBase {
        override readonly eventType = <const>'order.paid';
      }
      `,
      {
        events: {
          'order.paid': { declarations: ['OrderPaidEvent@src/events.ts:5'] },
          'order.placed': { declarations: ['OrderPlacedEvent@src/events.ts:2'] },
        },
        diagnostics: ['src/events.ts:2 hint unpublished-event', 'src/events.ts:5 hint unpublished-event'],
      },
    );
  });

  test('a literal type annotation: readonly eventType: "x.y"', async () => {
    await check(
      `
      //- /src/events.ts
      import { EventBase } from './core/events';
      export abstract class OrderShippedEvent extends EventBase {
        abstract override readonly eventType: 'order.shipped';
      }
      export class OrderCancelledEvent extends EventBase {
        readonly eventType: 'order.cancelled';
        constructor() {
          super();
          this.eventType = 'order.cancelled';
        }
      }
      `,
      {
        events: {
          'order.cancelled': { declarations: ['OrderCancelledEvent@src/events.ts:5'] },
          'order.shipped': { declarations: ['OrderShippedEvent@src/events.ts:2'] },
        },
        diagnostics: ['src/events.ts:2 hint unpublished-event', 'src/events.ts:5 hint unpublished-event'],
      },
    );
  });

  test("a key passed as super('x.y'), literal or constant", async () => {
    await check(
      `
      //- /src/core/events.ts
      export abstract class EventBase {
        constructor(readonly eventType: string) {}
        publish(): void {
          publishEvent(this);
        }
      }
      export function publishEvent(event: EventBase): void {
        void event;
      }
      //- /src/events.ts
      import { EventBase } from './core/events';
      import { ORDER_PAID } from './keys';

      export class OrderPlacedEvent extends EventBase {
        constructor(readonly orderId: string) {
          super('order.placed');
        }
      }
      export class OrderPaidEvent extends EventBase {
        constructor() {
          super(ORDER_PAID);
        }
      }
      //- /src/keys.ts
      export const ORDER_PAID = 'order.paid';
      //- /src/checkout.ts
      import { OrderPaidEvent, OrderPlacedEvent } from './events';
      new OrderPlacedEvent('o1').publish();
      new OrderPaidEvent().publish();
      `,
      {
        events: {
          'order.paid': { declarations: ['OrderPaidEvent@src/events.ts:9'], publishers: ['src/checkout.ts:3'] },
          'order.placed': { declarations: ['OrderPlacedEvent@src/events.ts:4'], publishers: ['src/checkout.ts:2'] },
        },
        diagnostics: ['src/checkout.ts:2 warning unhandled-event', 'src/checkout.ts:3 warning unhandled-event'],
      },
    );
  });

  test('an event key written as an imported constant in the class', async () => {
    await check(
      `
      //- /src/keys.ts
      export const USER_CREATED = 'user.created';
      export const Keys = { deleted: 'user.deleted' } as const;
      //- /src/events.ts
      import { EventBase } from './core/events';
      import { USER_CREATED, Keys } from './keys';
      export class UserCreatedEvent extends EventBase {
        readonly eventType = USER_CREATED;
      }
      export class UserDeletedEvent extends EventBase {
        readonly eventType = Keys.deleted;
      }
      `,
      {
        events: {
          'user.created': { declarations: ['UserCreatedEvent@src/events.ts:3'] },
          'user.deleted': { declarations: ['UserDeletedEvent@src/events.ts:6'] },
        },
        diagnostics: ['src/events.ts:3 hint unpublished-event', 'src/events.ts:6 hint unpublished-event'],
      },
    );
  });

  test('a subclass of a concrete event inherits its key: publishing it publishes that key, it declares nothing', async () => {
    await check(
      `
      //- /src/events.ts
      import { EventBase } from './core/events';
      export class UserCreatedEvent extends EventBase {
        readonly eventType = 'user.created';
      }
      export class AdminCreatedEvent extends UserCreatedEvent {
        readonly admin = true;
      }
      export class UserImportedEvent extends UserCreatedEvent {
        override readonly eventType = 'user.imported';
      }
      //- /src/app.ts
      import { AdminCreatedEvent, UserImportedEvent } from './events';
      new AdminCreatedEvent().publish();
      new UserImportedEvent().publish();
      `,
      {
        events: {
          'user.created': { declarations: ['UserCreatedEvent@src/events.ts:2'], publishers: ['src/app.ts:2'] },
          'user.imported': { declarations: ['UserImportedEvent@src/events.ts:8'], publishers: ['src/app.ts:3'] },
        },
        diagnostics: ['src/app.ts:2 warning unhandled-event', 'src/app.ts:3 warning unhandled-event'],
      },
    );
  });

  test('a base class from a package is recognised by its name', async () => {
    await check(
      `
      //- /src/events.ts
      import { EventBase } from '@acme/events';
      export class UserCreatedEvent extends EventBase {
        readonly eventType = 'user.created';
      }
      `,
      {
        events: { 'user.created': { declarations: ['UserCreatedEvent@src/events.ts:2'] } },
        diagnostics: ['src/events.ts:2 hint unpublished-event'],
      },
    );
  });
});

// ── Publish sites ───────────────────────────────────────────────────────────────────────

describe('publish sites', () => {
  const declared = { declarations: ['UserCreatedEvent@src/users/events.ts:3'] };
  const deletedUnpublished = 'src/users/events.ts:7 hint unpublished-event';

  test('new X().publish()', async () => {
    await check([USER_EVENTS, `
      //- /src/users/service.ts
      import { UserCreatedEvent } from './events';

      export function register(): void {
        new UserCreatedEvent().publish();
      }
      new UserCreatedEvent()
        .publish();
      `], {
      events: {
        'user.created': { ...declared, publishers: ['src/users/service.ts:4', 'src/users/service.ts:6'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'] },
      },
      diagnostics: [deletedUnpublished, 'src/users/service.ts:4 warning unhandled-event', 'src/users/service.ts:6 warning unhandled-event'],
    });
  });

  test('const e = new X(); e.publish() (and let)', async () => {
    await check([USER_EVENTS, `
      //- /src/users/service.ts
      import { UserCreatedEvent, UserDeletedEvent } from './events';

      export function register(): void {
        const event = new UserCreatedEvent();
        event.publish();
        let later = new UserDeletedEvent();
        later.publish();
      }
      `], {
      events: {
        'user.created': { ...declared, publishers: ['src/users/service.ts:5'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['src/users/service.ts:7'] },
      },
      diagnostics: ['src/users/service.ts:5 warning unhandled-event', 'src/users/service.ts:7 warning unhandled-event'],
    });
  });

  test('a parameter, property or variable whose declared type is an event class', async () => {
    await check([USER_EVENTS, `
      //- /src/users/service.ts
      import { UserCreatedEvent } from './events';
      import * as events from './events';

      export function announce(event: UserCreatedEvent): void {
        event.publish();
      }

      export class UserService {
        private last?: UserCreatedEvent;
        private pending: UserCreatedEvent | undefined;
        constructor(private readonly created: UserCreatedEvent) {}

        flush(): void {
          this.created.publish();
          this.last?.publish();
          this.pending?.publish();
        }
      }

      export function replay(make: () => UserCreatedEvent): void {
        const again: UserCreatedEvent = make();
        again.publish();
        const viaNamespace: events.UserCreatedEvent = make();
        viaNamespace.publish();
      }
      `], {
      events: {
        'user.created': {
          ...declared,
          publishers: [
            'src/users/service.ts:5',
            'src/users/service.ts:14',
            'src/users/service.ts:15',
            'src/users/service.ts:16',
            'src/users/service.ts:22',
            'src/users/service.ts:24',
          ],
        },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'] },
      },
      diagnostics: [
        deletedUnpublished,
        'src/users/service.ts:5 warning unhandled-event',
        'src/users/service.ts:14 warning unhandled-event',
        'src/users/service.ts:15 warning unhandled-event',
        'src/users/service.ts:16 warning unhandled-event',
        'src/users/service.ts:22 warning unhandled-event',
        'src/users/service.ts:24 warning unhandled-event',
      ],
    });
  });

  test('publishEvent(new X()) and publishEvent(e), also through a namespace import', async () => {
    await check([USER_EVENTS, `
      //- /src/users/service.ts
      import { publishEvent } from '../core/events';
      import * as bus from '../core/events';
      import { UserCreatedEvent } from './events';

      export function register(): void {
        publishEvent(new UserCreatedEvent());
        const event = new UserCreatedEvent();
        publishEvent(event);
        bus.publishEvent(event);
      }
      `], {
      events: {
        'user.created': { ...declared, publishers: ['src/users/service.ts:6', 'src/users/service.ts:8', 'src/users/service.ts:9'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'] },
      },
      diagnostics: [
        deletedUnpublished,
        'src/users/service.ts:6 warning unhandled-event',
        'src/users/service.ts:8 warning unhandled-event',
        'src/users/service.ts:9 warning unhandled-event',
      ],
    });
  });

  test('event classes through a barrel (renamed), a default export, and an aliased publishEvent', async () => {
    await check([USER_EVENTS, `
      //- /src/users/index.ts
      export { UserCreatedEvent as Created } from './events';
      export * from './events';
      //- /src/users/purged.ts
      import { EventBase } from '../core/events';
      export default class UserPurgedEvent extends EventBase {
        readonly eventType = 'user.purged';
      }
      //- /src/app.ts
      import { Created, UserDeletedEvent as Gone } from './users';
      import Purged from './users/purged';
      import { publishEvent as emit } from './core/events';
      new Created().publish();
      new Gone().publish();
      emit(new Purged());
      `], {
      events: {
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'], publishers: ['src/app.ts:4'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['src/app.ts:5'] },
        'user.purged': { declarations: ['UserPurgedEvent@src/users/purged.ts:2'], publishers: ['src/app.ts:6'] },
      },
      diagnostics: ['src/app.ts:4 warning unhandled-event', 'src/app.ts:5 warning unhandled-event', 'src/app.ts:6 warning unhandled-event'],
    });
  });

  test('a publish whose event cannot be determined is unresolved, never guessed', async () => {
    await check([USER_EVENTS, `
      //- /src/users/service.ts
      import { publishEvent, type EventBase } from '../core/events';
      import { UserCreatedEvent } from './events';

      declare function makeEvent(): UserCreatedEvent;
      declare const queue: EventBase[];

      export function flush(event: any, other): void {
        publishEvent(makeEvent());
        publishEvent(queue[0]);
        event.publish();
        other.publish();
        publishEvent(somethingGlobal);
      }
      export function forward(event: EventBase): void {
        event.publish();
      }
      `], {
      events: {
        'user.created': declared,
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'] },
      },
      unresolved: [
        'publish src/users/service.ts:8 the event is computed at run time',
        'publish src/users/service.ts:9 the event is computed at run time',
        "publish src/users/service.ts:10 the type of 'event' is not declared",
        "publish src/users/service.ts:11 the type of 'other' is not declared",
        "publish src/users/service.ts:12 'somethingGlobal' is not declared in this file",
        "publish src/users/service.ts:15 the event is typed as the base class 'EventBase'",
      ],
      diagnostics: [
        'src/users/events.ts:3 hint unpublished-event',
        deletedUnpublished,
        'src/users/service.ts:8 information unresolved-event',
        'src/users/service.ts:9 information unresolved-event',
        'src/users/service.ts:10 information unresolved-event',
        'src/users/service.ts:11 information unresolved-event',
        'src/users/service.ts:12 information unresolved-event',
        'src/users/service.ts:15 information unresolved-event',
      ],
    });
  });

  test('.publish() on a class that is not an event, or with arguments, is nothing', async () => {
    await check(
      `
      //- /src/blog.ts
      class Article {
        publish(): void {}
      }
      class Draft extends Article {}
      new Article().publish();
      const draft = new Draft();
      draft.publish();
      declare const pubsub: { publish(topic: string, data: unknown): void };
      pubsub.publish('topic', {});
      `,
      {},
    );
  });
});

// ── Handler registrations ───────────────────────────────────────────────────────────────

describe('handler registrations', () => {
  const publisher = `
    //- /src/users/service.ts
    import { UserCreatedEvent, UserDeletedEvent } from './events';
    new UserCreatedEvent().publish();
    new UserDeletedEvent().publish();
  `;
  const userCreated = { declarations: ['UserCreatedEvent@src/users/events.ts:3'], publishers: ['src/users/service.ts:2'] };
  const userDeleted = { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['src/users/service.ts:3'] };
  const deletedUnhandled = 'src/users/service.ts:3 warning unhandled-event';

  test('@eventHandler(key) on static and instance methods, async, first parameter type', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/handlers.ts
      import { eventHandler } from '../core/events';
      import { UserCreatedEvent } from './events';

      export class UserHandlers {
        @eventHandler('user.created')
        static onCreated(event: UserCreatedEvent): void {
          void event;
        }

        @eventHandler('user.created')
        async audit(event: UserCreatedEvent): Promise<void> {
          void event;
        }
      }
      `], {
      events: {
        'user.created': {
          ...userCreated,
          handlers: ['UserHandlers.onCreated@src/users/handlers.ts:5 (UserCreatedEvent)', 'UserHandlers.audit@src/users/handlers.ts:10 async (UserCreatedEvent)'],
        },
        'user.deleted': userDeleted,
      },
      diagnostics: [deletedUnhandled],
    });
  });

  test('subscribeToEvent(key, fn): a named function, an arrow function, a function expression, a bound method', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      import type { UserCreatedEvent } from './events';

      function welcome(event: UserCreatedEvent): void {
        void event;
      }
      const reindex = async (event: UserCreatedEvent): Promise<void> => {
        void event;
      };

      subscribeToEvent('user.created', welcome);
      subscribeToEvent('user.created', reindex);
      subscribeToEvent('user.created', async (event: UserCreatedEvent) => {
        void event;
      });
      subscribeToEvent('user.created', (event) => void event);
      subscribeToEvent('user.created', function audit(event: UserCreatedEvent) {
        void event;
      });

      export class Listener {
        start(): void {
          subscribeToEvent('user.created', this.onCreated.bind(this));
        }
        onCreated(event: UserCreatedEvent): void {
          void event;
        }
      }
      `], {
      events: {
        'user.created': {
          ...userCreated,
          handlers: [
            'welcome@src/users/handlers.ts:11 (UserCreatedEvent)',
            'reindex@src/users/handlers.ts:12 async (UserCreatedEvent)',
            '<anonymous>@src/users/handlers.ts:13 async (UserCreatedEvent)',
            '<anonymous>@src/users/handlers.ts:16',
            'audit@src/users/handlers.ts:17 (UserCreatedEvent)',
            'Listener.onCreated@src/users/handlers.ts:23 (UserCreatedEvent)',
          ],
        },
        'user.deleted': userDeleted,
      },
      diagnostics: [deletedUnhandled],
    });
  });

  test('one decorator for several keys', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/handlers.ts
      import { eventHandler, type EventBase } from '../core/events';

      export class AuditLog {
        @eventHandler(['user.created', 'user.deleted'])
        static record(event: EventBase): void {
          void event;
        }
      }
      `], {
      events: {
        'user.created': { ...userCreated, handlers: ['AuditLog.record@src/users/handlers.ts:4 (EventBase)'] },
        'user.deleted': { ...userDeleted, handlers: ['AuditLog.record@src/users/handlers.ts:4 (EventBase)'] },
      },
    });
  });
});

// ── Keys ────────────────────────────────────────────────────────────────────────────────

describe('event keys', () => {
  const publisher = `
    //- /src/users/service.ts
    import { UserCreatedEvent, UserDeletedEvent } from './events';
    new UserCreatedEvent().publish();
    new UserDeletedEvent().publish();
  `;
  const userCreated = { declarations: ['UserCreatedEvent@src/users/events.ts:3'], publishers: ['src/users/service.ts:2'] };
  const userDeleted = { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['src/users/service.ts:3'] };

  /** Both events handled by the given handler lines. */
  function handled(created: string[], deleted: string[]): Summary {
    const s: Summary = { events: { 'user.created': { ...userCreated }, 'user.deleted': { ...userDeleted } } };
    if (created.length) s.events!['user.created'].handlers = created;
    else (s.diagnostics ??= []).push('src/users/service.ts:2 warning unhandled-event');
    if (deleted.length) s.events!['user.deleted'].handlers = deleted;
    else (s.diagnostics ??= []).push('src/users/service.ts:3 warning unhandled-event');
    return s;
  }

  test('a string literal and a no-substitution template literal', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      function welcome(): void {}
      subscribeToEvent('user.created', welcome);
      subscribeToEvent(\`user.deleted\`, welcome);
      `], handled(['welcome@src/users/handlers.ts:3'], ['welcome@src/users/handlers.ts:4']));
  });

  test('a const in the same file, and a const holding another const', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      const USER_CREATED = 'user.created';
      const USER_DELETED: string = \`user.deleted\`;
      const ALIAS = USER_DELETED;
      function welcome(): void {}
      subscribeToEvent(USER_CREATED, welcome);
      subscribeToEvent(ALIAS, welcome);
      `], handled(['welcome@src/users/handlers.ts:6'], ['welcome@src/users/handlers.ts:7']));
  });

  test('an imported const, plain, aliased and through a namespace import', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/keys.ts
      export const USER_CREATED = 'user.created';
      export const USER_DELETED = 'user.deleted';
      //- /src/users/handlers.ts
      import { eventHandler } from '../core/events';
      import { USER_CREATED, USER_DELETED as DELETED } from './keys';
      import * as keys from './keys';

      export class Handlers {
        @eventHandler(USER_CREATED)
        static a(): void {}
        @eventHandler(DELETED)
        static b(): void {}
        @eventHandler(keys.USER_CREATED)
        static c(): void {}
      }
      `], handled(['Handlers.a@src/users/handlers.ts:6', 'Handlers.c@src/users/handlers.ts:10'], ['Handlers.b@src/users/handlers.ts:8']));
  });

  test('a string enum member (enum and const enum)', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/keys.ts
      export enum UserEvents {
        Created = 'user.created',
        Deleted = 'user.deleted',
      }
      export const enum Compact {
        Deleted = 'user.deleted',
      }
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      import { Compact, UserEvents } from './keys';
      function welcome(): void {}
      subscribeToEvent(UserEvents.Created, welcome);
      subscribeToEvent(UserEvents.Deleted, welcome);
      subscribeToEvent(Compact.Deleted, welcome);
      `], handled(['welcome@src/users/handlers.ts:4'], ['welcome@src/users/handlers.ts:5', 'welcome@src/users/handlers.ts:6']));
  });

  test('a nested const object, with and without as const, dotted and indexed', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/keys.ts
      export const Events = {
        user: {
          created: 'user.created',
          'deleted': 'user.deleted',
        },
      } as const;
      export const Loose = { user: { created: 'user.created' } };
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      import { Events, Loose } from './keys';
      function welcome(): void {}
      subscribeToEvent(Events.user.created, welcome);
      subscribeToEvent(Events.user.deleted, welcome);
      subscribeToEvent(Loose.user.created, welcome);
      subscribeToEvent(Events['user']['deleted'], welcome);
      `], handled(['welcome@src/users/handlers.ts:4', 'welcome@src/users/handlers.ts:6'], ['welcome@src/users/handlers.ts:5', 'welcome@src/users/handlers.ts:7']));
  });

  test('a static readonly class property', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/keys.ts
      export class UserKeys {
        static readonly CREATED = 'user.created';
        static readonly DELETED = 'user.deleted' as const;
      }
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      import { UserKeys } from './keys';
      function welcome(): void {}
      subscribeToEvent(UserKeys.CREATED, welcome);
      subscribeToEvent(UserKeys.DELETED, welcome);
      `], handled(['welcome@src/users/handlers.ts:4'], ['welcome@src/users/handlers.ts:5']));
  });

  test("a key through re-exported constants: export *, export { a as b } from, export { a as b }", async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/keys.ts
      export const USER_CREATED = 'user.created';
      export const USER_DELETED = 'user.deleted';
      //- /src/shared/barrel.ts
      export * from '../users/keys';
      export { USER_DELETED as GONE } from '../users/keys';
      //- /src/shared/local.ts
      const REMOVED = 'user.deleted';
      export { REMOVED as WIPED };
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      import { USER_CREATED, GONE } from '../shared/barrel';
      import { WIPED } from '../shared/local';
      function welcome(): void {}
      subscribeToEvent(USER_CREATED, welcome);
      subscribeToEvent(GONE, welcome);
      subscribeToEvent(WIPED, welcome);
      `], handled(['welcome@src/users/handlers.ts:5'], ['welcome@src/users/handlers.ts:6', 'welcome@src/users/handlers.ts:7']));
  });

  test('an aliased decorator import, and the decorator through a namespace', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/handlers.ts
      import { eventHandler as on, subscribeToEvent as listen } from '../core/events';
      import * as ev from '../core/events';

      export class Handlers {
        @on('user.created')
        static a(): void {}
        @ev.eventHandler('user.deleted')
        static b(): void {}
      }
      function c(): void {}
      listen('user.deleted', c);
      ev.subscribeToEvent('user.created', c);
      `], handled(['Handlers.a@src/users/handlers.ts:5', 'c@src/users/handlers.ts:12'], ['Handlers.b@src/users/handlers.ts:7', 'c@src/users/handlers.ts:11']));
  });

  test('an index.ts folder import', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/keys/index.ts
      export * from './users';
      //- /src/keys/users.ts
      export const USER_CREATED = 'user.created';
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      import { USER_CREATED } from '../keys';
      import { USER_CREATED as AGAIN } from '../keys/index.js';
      function welcome(): void {}
      subscribeToEvent(USER_CREATED, welcome);
      subscribeToEvent(AGAIN, welcome);
      `], handled(['welcome@src/users/handlers.ts:5', 'welcome@src/users/handlers.ts:6'], []));
  });

  test('tsconfig paths through extends, with baseUrl; JSON with comments', async () => {
    await check(
      `
      //- /tsconfig.base.json
      {
        // shared by every package
        "compilerOptions": {
          "baseUrl": "./src",
          "paths": {
            "@users/*": ["modules/users/*"],
            "@keys": ["shared/keys.ts"],
          },
        },
      }
      //- /tsconfig.json
      { "extends": "./tsconfig.base.json", "compilerOptions": { "strict": true } }
      //- /src/shared/keys.ts
      export const USER_CREATED = 'user.created';
      //- /src/shared/more-keys.ts
      export const USER_DELETED = 'user.deleted';
      //- /src/modules/users/events.ts
      import { EventBase } from 'core/events';
      export class UserCreatedEvent extends EventBase {
        readonly eventType = 'user.created';
      }
      export class UserDeletedEvent extends EventBase {
        readonly eventType = 'user.deleted';
      }
      //- /src/modules/email/handlers.ts
      import { subscribeToEvent } from 'core/events';
      import { USER_CREATED } from '@keys';
      import { USER_DELETED } from 'shared/more-keys';
      import { UserCreatedEvent, UserDeletedEvent } from '@users/events';
      function welcome(): void {}
      subscribeToEvent(USER_CREATED, welcome);
      subscribeToEvent(USER_DELETED, welcome);
      new UserCreatedEvent().publish();
      new UserDeletedEvent().publish();
      `,
      {
        events: {
          'user.created': {
            declarations: ['UserCreatedEvent@src/modules/users/events.ts:2'],
            publishers: ['src/modules/email/handlers.ts:8'],
            handlers: ['welcome@src/modules/email/handlers.ts:6'],
          },
          'user.deleted': {
            declarations: ['UserDeletedEvent@src/modules/users/events.ts:5'],
            publishers: ['src/modules/email/handlers.ts:9'],
            handlers: ['welcome@src/modules/email/handlers.ts:7'],
          },
        },
      },
    );
  });

  test('tsconfig paths inherited from a base config in another folder, relative to that config', async () => {
    await check(
      `
      //- /config/tsconfig.base.json
      { "compilerOptions": { "paths": { "@app/*": ["../src/*"] } } }
      //- /tsconfig.json
      { "extends": "./config/tsconfig.base.json" }
      //- /src/keys.ts
      export const USER_CREATED = 'user.created';
      //- /src/events.ts
      import { EventBase } from '@app/core/events';
      export class UserCreatedEvent extends EventBase {
        readonly eventType = 'user.created';
      }
      //- /src/handlers.ts
      import { subscribeToEvent } from '@app/core/events';
      import { USER_CREATED } from '@app/keys';
      import { UserCreatedEvent } from '@app/events';
      subscribeToEvent(USER_CREATED, (event: UserCreatedEvent) => void event);
      new UserCreatedEvent().publish();
      `,
      {
        events: {
          'user.created': {
            declarations: ['UserCreatedEvent@src/events.ts:2'],
            publishers: ['src/handlers.ts:5'],
            handlers: ['<anonymous>@src/handlers.ts:4 (UserCreatedEvent)'],
          },
        },
      },
    );
  });

  test('keys that cannot be determined statically are unresolved handlers', async () => {
    await check([USER_EVENTS, publisher, `
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      import { NOT_EXPORTED } from './events';
      declare const action: string;
      declare const keys: string[];
      declare function keyOf(name: string): string;
      let mutable = 'user.created';
      function welcome(): void {}
      subscribeToEvent(\`user.\${action}\`, welcome);
      subscribeToEvent(keys[0], welcome);
      subscribeToEvent(keyOf('created'), welcome);
      subscribeToEvent(mutable, welcome);
      subscribeToEvent(NOT_EXPORTED, welcome);
      `], {
      ...handled([], []),
      unresolved: [
        'handler src/users/handlers.ts:8 a template literal with substitutions: `user.${action}`',
        'handler src/users/handlers.ts:9 a computed property lookup: keys[0]',
        "handler src/users/handlers.ts:10 the result of a call: keyOf('created')",
        "handler src/users/handlers.ts:11 'mutable' cannot be resolved to a constant",
        "handler src/users/handlers.ts:12 'NOT_EXPORTED' cannot be resolved to a constant",
      ],
      diagnostics: [
        'src/users/handlers.ts:8 information unresolved-event',
        'src/users/handlers.ts:9 information unresolved-event',
        'src/users/handlers.ts:10 information unresolved-event',
        'src/users/handlers.ts:11 information unresolved-event',
        'src/users/handlers.ts:12 information unresolved-event',
        'src/users/service.ts:2 warning unhandled-event',
        'src/users/service.ts:3 warning unhandled-event',
      ],
    });
  });
});

// ── Modules ─────────────────────────────────────────────────────────────────────────────

describe('modules', () => {
  test('src/modules/*, app/modules/*, nested modules roots, and files in no module', async () => {
    const f = await load(`
      //- /src/modules/users/domain/events.ts
      import { EventBase } from '../../../core/events';
      export class UserCreatedEvent extends EventBase {
        readonly eventType = 'user.created';
      }
      //- /app/modules/billing/handlers.ts
      import { subscribeToEvent } from '../../../src/core/events';
      subscribeToEvent('user.created', () => undefined);
      //- /packages/api/src/modules/orders/service.ts
      import { UserCreatedEvent } from '../../../../../src/modules/users/domain/events';
      new UserCreatedEvent().publish();
      //- /src/modules/index.ts
      export const MODULES = ['users'];
      //- /src/app.ts
      export const app = 1;
    `);
    const moduleOf = (rel: string) => f.index.moduleOf(f.abs(rel)) ?? null;
    assert.deepEqual(
      ['src/modules/users/domain/events.ts', 'app/modules/billing/handlers.ts', 'packages/api/src/modules/orders/service.ts', 'src/modules/index.ts', 'src/app.ts', 'src/core/events.ts'].map(
        (p) => `${p} → ${moduleOf(p)}`,
      ),
      [
        'src/modules/users/domain/events.ts → users',
        'app/modules/billing/handlers.ts → billing',
        'packages/api/src/modules/orders/service.ts → orders',
        'src/modules/index.ts → null',
        'src/app.ts → null',
        'src/core/events.ts → null',
      ],
    );
    assert.deepEqual(f.index.modules(), ['billing', 'orders', 'users']);
    const e = f.index.graph.events.get('user.created')!;
    assert.deepEqual(
      [...e.declarations.map((d) => d.module), ...e.publishers.map((p) => p.module), ...e.handlers.map((h) => h.module)],
      ['users', 'orders', 'billing'],
    );
    assert.deepEqual(f.summary(), {
      events: {
        'user.created': {
          declarations: ['UserCreatedEvent@src/modules/users/domain/events.ts:2'],
          publishers: ['packages/api/src/modules/orders/service.ts:2'],
          handlers: ['<anonymous>@app/modules/billing/handlers.ts:2'],
        },
      },
    });
  });

  test('modulesRoots from .eventflow.json replace the defaults', async () => {
    const f = await load(`
      //- /.eventflow.json
      { "modulesRoots": ["lib/features"] }
      //- /lib/features/cart/a.ts
      export const a = 1;
      //- /src/modules/users/b.ts
      export const b = 1;
    `);
    assert.equal(f.index.moduleOf(f.abs('lib/features/cart/a.ts')), 'cart');
    assert.equal(f.index.moduleOf(f.abs('src/modules/users/b.ts')), undefined);
    assert.deepEqual(f.index.modules(), ['cart']);
  });
});

// ── Flows ───────────────────────────────────────────────────────────────────────────────

describe('flows', () => {
  test('a publish in a handler body, in same-file functions and methods it calls (transitively), never across files', async () => {
    await check(
      `
      //- /src/modules/users/events.ts
      import { EventBase } from '../../core/events';
      export class UserCreatedEvent extends EventBase { readonly eventType = 'user.created'; }
      //- /src/modules/users/service.ts
      import { UserCreatedEvent } from './events';
      new UserCreatedEvent().publish();
      //- /src/modules/email/events.ts
      import { EventBase } from '../../core/events';
      export class EmailSentEvent extends EventBase { readonly eventType = 'email.sent'; }
      export class EmailBouncedEvent extends EventBase { readonly eventType = 'email.bounced'; }
      export class WelcomeQueuedEvent extends EventBase { readonly eventType = 'welcome.queued'; }
      //- /src/modules/email/handlers.ts
      import { eventHandler, subscribeToEvent } from '../../core/events';
      import { EmailSentEvent, EmailBouncedEvent, WelcomeQueuedEvent } from './events';
      import { sendLater } from './outbox';

      function announce(): void {
        new EmailSentEvent().publish();
      }
      function deliver(): void {
        announce();
      }

      export class EmailHandlers {
        @eventHandler('user.created')
        static onUserCreated(): void {
          new WelcomeQueuedEvent().publish();
          deliver();
        }

        @eventHandler('welcome.queued')
        onQueued(): void {
          this.bounce();
          sendLater();
        }

        private bounce(): void {
          new EmailBouncedEvent().publish();
        }
      }

      subscribeToEvent('email.bounced', () => {
        new EmailSentEvent().publish();
      });
      //- /src/modules/email/outbox.ts
      import { EmailSentEvent } from './events';
      export function sendLater(): void {
        new EmailSentEvent().publish();
      }
      `,
      {
        events: {
          'email.bounced': {
            declarations: ['EmailBouncedEvent@src/modules/email/events.ts:3'],
            publishers: ['src/modules/email/handlers.ts:26'],
            handlers: ['<anonymous>@src/modules/email/handlers.ts:30'],
          },
          'email.sent': {
            declarations: ['EmailSentEvent@src/modules/email/events.ts:2'],
            publishers: ['src/modules/email/handlers.ts:6', 'src/modules/email/handlers.ts:31', 'src/modules/email/outbox.ts:3'],
          },
          'user.created': {
            declarations: ['UserCreatedEvent@src/modules/users/events.ts:2'],
            publishers: ['src/modules/users/service.ts:2'],
            handlers: ['EmailHandlers.onUserCreated@src/modules/email/handlers.ts:13'],
          },
          'welcome.queued': {
            declarations: ['WelcomeQueuedEvent@src/modules/email/events.ts:4'],
            publishers: ['src/modules/email/handlers.ts:15'],
            handlers: ['EmailHandlers.onQueued@src/modules/email/handlers.ts:19'],
          },
        },
        flows: [
          'email.bounced>email.sent via <anonymous>',
          'user.created>email.sent via EmailHandlers.onUserCreated',
          'user.created>welcome.queued via EmailHandlers.onUserCreated',
          'welcome.queued>email.bounced via EmailHandlers.onQueued',
        ],
        diagnostics: [
          'src/modules/email/handlers.ts:6 warning unhandled-event',
          'src/modules/email/handlers.ts:31 warning unhandled-event',
          'src/modules/email/outbox.ts:3 warning unhandled-event',
        ],
      },
    );
  });
});

// ── Rules ───────────────────────────────────────────────────────────────────────────────

describe('rules', () => {
  test('unhandled-event: at every publish of an event nobody handles', async () => {
    await check([USER_EVENTS, `
      //- /src/users/service.ts
      import { UserCreatedEvent, UserDeletedEvent } from './events';
      import { subscribeToEvent } from '../core/events';
      new UserDeletedEvent().publish();
      subscribeToEvent('user.created', () => undefined);
      new UserCreatedEvent().publish();
      `], {
      events: {
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'], publishers: ['src/users/service.ts:5'], handlers: ['<anonymous>@src/users/service.ts:4'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['src/users/service.ts:3'] },
      },
      diagnostics: ["src/users/service.ts:3 warning unhandled-event: 'user.deleted' is published here but no handler handles it"],
    }, { messages: true });
  });

  test('unknown-event: suggests the nearest declared key, or the key of the parameter type', async () => {
    const f = await check([USER_EVENTS, `
      //- /src/users/service.ts
      import { UserCreatedEvent, UserDeletedEvent } from './events';
      new UserCreatedEvent().publish();
      new UserDeletedEvent().publish();
      //- /src/users/handlers.ts
      import { eventHandler } from '../core/events';
      import { UserDeletedEvent } from './events';
      export class H {
        @eventHandler('user.craeted')
        static onTypo(): void {}
        @eventHandler('account.closed')
        static onTyped(event: UserDeletedEvent): void { void event; }
        @eventHandler('billing.invoice.sent')
        static onFar(): void {}
        @eventHandler('user.created')
        static onCreated(): void {}
        @eventHandler('user.deleted')
        static onDeleted(): void {}
      }
      `], {
      events: {
        'account.closed': { handlers: ['H.onTyped@src/users/handlers.ts:6 (UserDeletedEvent)'] },
        'billing.invoice.sent': { handlers: ['H.onFar@src/users/handlers.ts:8'] },
        'user.craeted': { handlers: ['H.onTypo@src/users/handlers.ts:4'] },
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'], publishers: ['src/users/service.ts:2'], handlers: ['H.onCreated@src/users/handlers.ts:10'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['src/users/service.ts:3'], handlers: ['H.onDeleted@src/users/handlers.ts:12'] },
      },
      diagnostics: [
        "src/users/handlers.ts:4 warning unknown-event: No event declares 'user.craeted'; did you mean 'user.created'?",
        "src/users/handlers.ts:6 warning unknown-event: No event declares 'account.closed'; did you mean 'user.deleted'?",
        "src/users/handlers.ts:8 warning unknown-event: No event declares 'billing.invoice.sent'",
      ],
    }, { messages: true });
    const d = allDiagnostics(f.setup).filter((x) => x.code === 'unknown-event');
    // The diagnostic covers the key as written (the literal's content).
    assert.deepEqual(
      d.map((x) => [f.text('src/users/handlers.ts').slice(x.span.start, x.span.end), lineColumn(f.index, x.file, x.span.start), x.data]),
      [
        ['user.craeted', '4:18', { key: 'user.craeted', suggestion: 'user.created' }],
        ['account.closed', '6:18', { key: 'account.closed', suggestion: 'user.deleted' }],
        ['billing.invoice.sent', '8:18', { key: 'billing.invoice.sent' }],
      ],
    );
  });

  test('unpublished-event: a hint on the class, related to the handlers that never run', async () => {
    const f = await check([USER_EVENTS, `
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      function welcome(): void {}
      subscribeToEvent('user.created', welcome);
      //- /src/users/service.ts
      import { UserDeletedEvent } from './events';
      new UserDeletedEvent().publish();
      `], {
      events: {
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'], handlers: ['welcome@src/users/handlers.ts:3'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['src/users/service.ts:2'] },
      },
      diagnostics: [
        "src/users/events.ts:3 hint unpublished-event: 'user.created' (UserCreatedEvent) is declared but never published; its 1 handler(s) never run",
        "src/users/service.ts:2 warning unhandled-event: 'user.deleted' is published here but no handler handles it",
      ],
    }, { messages: true });
    const d = allDiagnostics(f.setup).find((x) => x.code === 'unpublished-event')!;
    assert.equal(f.text('src/users/events.ts').slice(d.span.start, d.span.end), 'UserCreatedEvent');
    assert.deepEqual(
      d.related?.map((r) => `${relativePath(f.root, r.file)}:${lineColumn(f.index, r.file, r.span.start)} ${r.message}`),
      ['src/users/handlers.ts:3:34 handled by welcome'],
    );
  });

  test('event-naming: the suggested key is in the diagnostic data', async () => {
    const f = await check(
      `
      //- /src/events.ts
      import { EventBase } from './core/events';
      export class ItemArchiveEvent extends EventBase { readonly eventType = 'item.archive'; }
      export class ItemCreatedEvent extends EventBase { readonly eventType = 'ItemCreated'; }
      export class OrderPlacedEvent extends EventBase { readonly eventType = 'order.Placed'; }
      export class ItemsEvent extends EventBase { readonly eventType = 'items'; }
      export class GoodEvent extends EventBase { readonly eventType = 'password.reset.requested'; }
      export class SentEvent extends EventBase { readonly eventType = 'email.sent'; }
      //- /src/publish.ts
      import * as e from './events';
      import { subscribeToEvent } from './core/events';
      new e.ItemArchiveEvent().publish();
      new e.ItemCreatedEvent().publish();
      new e.OrderPlacedEvent().publish();
      new e.ItemsEvent().publish();
      new e.GoodEvent().publish();
      new e.SentEvent().publish();
      subscribeToEvent(['item.archive', 'ItemCreated', 'order.Placed', 'items', 'password.reset.requested', 'email.sent'], () => undefined);
      `,
      {
        events: {
          ItemCreated: { declarations: ['ItemCreatedEvent@src/events.ts:3'], publishers: ['src/publish.ts:4'], handlers: ['<anonymous>@src/publish.ts:9'] },
          'email.sent': { declarations: ['SentEvent@src/events.ts:7'], publishers: ['src/publish.ts:8'], handlers: ['<anonymous>@src/publish.ts:9'] },
          'item.archive': { declarations: ['ItemArchiveEvent@src/events.ts:2'], publishers: ['src/publish.ts:3'], handlers: ['<anonymous>@src/publish.ts:9'] },
          items: { declarations: ['ItemsEvent@src/events.ts:5'], publishers: ['src/publish.ts:6'], handlers: ['<anonymous>@src/publish.ts:9'] },
          'order.Placed': { declarations: ['OrderPlacedEvent@src/events.ts:4'], publishers: ['src/publish.ts:5'], handlers: ['<anonymous>@src/publish.ts:9'] },
          'password.reset.requested': { declarations: ['GoodEvent@src/events.ts:6'], publishers: ['src/publish.ts:7'], handlers: ['<anonymous>@src/publish.ts:9'] },
        },
        diagnostics: [
          "src/events.ts:2 warning event-naming: Event type 'item.archive' should end in a past-tense action ('archive' is not past tense); use 'item.archived'",
          "src/events.ts:3 warning event-naming: Event type 'ItemCreated' should be '{entity}.{action}': at least 2 dot-separated segments; use 'item.created'",
          "src/events.ts:4 warning event-naming: Event type 'order.Placed' should be lower-case words separated by dots ('Placed' is not); use 'order.placed'",
          "src/events.ts:5 warning event-naming: Event type 'items' should be '{entity}.{action}': at least 2 dot-separated segments",
        ],
      },
      { messages: true },
    );
    const naming = allDiagnostics(f.setup).filter((d) => d.code === 'event-naming');
    assert.deepEqual(
      naming.map((d) => [f.text('src/events.ts').slice(d.span.start, d.span.end), d.data]),
      [
        ['item.archive', { key: 'item.archive', suggestion: 'item.archived' }],
        ['ItemCreated', { key: 'ItemCreated', suggestion: 'item.created' }],
        ['order.Placed', { key: 'order.Placed', suggestion: 'order.placed' }],
        ['items', { key: 'items' }],
      ],
    );
  });

  test('duplicate-event-type: an error on each class, related to the others', async () => {
    const f = await check(
      `
      //- /src/a.ts
      import { EventBase } from './core/events';
      export class UserCreatedEvent extends EventBase { readonly eventType = 'user.created'; }
      //- /src/b.ts
      import { EventBase } from './core/events';

      export class AccountCreatedEvent extends EventBase { readonly eventType = 'user.created'; }
      //- /src/c.ts
      import { UserCreatedEvent } from './a';
      import { subscribeToEvent } from './core/events';
      new UserCreatedEvent().publish();
      subscribeToEvent('user.created', () => undefined);
      `,
      {
        events: {
          'user.created': {
            declarations: ['UserCreatedEvent@src/a.ts:2', 'AccountCreatedEvent@src/b.ts:3'],
            publishers: ['src/c.ts:3'],
            handlers: ['<anonymous>@src/c.ts:4'],
          },
        },
        diagnostics: [
          "src/a.ts:2 error duplicate-event-type: 'user.created' is declared by 2 classes: UserCreatedEvent, AccountCreatedEvent",
          "src/b.ts:3 error duplicate-event-type: 'user.created' is declared by 2 classes: UserCreatedEvent, AccountCreatedEvent",
        ],
      },
      { messages: true },
    );
    const related = allDiagnostics(f.setup).map((d) => d.related?.map((r) => `${relativePath(f.root, r.file)}:${lineColumn(f.index, r.file, r.span.start)} ${r.message}`));
    assert.deepEqual(related, [['src/b.ts:3:14 also declared by AccountCreatedEvent'], ['src/a.ts:2:14 also declared by UserCreatedEvent']]);
  });

  test("handler-type-mismatch: the handler's parameter is another event's class", async () => {
    const f = await check([USER_EVENTS, `
      //- /src/users/service.ts
      import { UserCreatedEvent, UserDeletedEvent } from './events';
      new UserCreatedEvent().publish();
      new UserDeletedEvent().publish();
      //- /src/users/handlers.ts
      import { eventHandler, subscribeToEvent, type EventBase } from '../core/events';
      import { UserCreatedEvent, UserDeletedEvent } from './events';
      export class H {
        @eventHandler('user.created')
        static onCreated(event: UserDeletedEvent): void { void event; }
        @eventHandler('user.deleted')
        static onDeleted(event: UserDeletedEvent): void { void event; }
        @eventHandler('user.deleted')
        static onAny(event: EventBase): void { void event; }
      }
      subscribeToEvent('user.deleted', (event: UserCreatedEvent) => void event);
      `], {
      events: {
        'user.created': {
          declarations: ['UserCreatedEvent@src/users/events.ts:3'],
          publishers: ['src/users/service.ts:2'],
          handlers: ['H.onCreated@src/users/handlers.ts:4 (UserDeletedEvent)'],
        },
        'user.deleted': {
          declarations: ['UserDeletedEvent@src/users/events.ts:7'],
          publishers: ['src/users/service.ts:3'],
          handlers: ['H.onDeleted@src/users/handlers.ts:6 (UserDeletedEvent)', 'H.onAny@src/users/handlers.ts:8 (EventBase)', '<anonymous>@src/users/handlers.ts:11 (UserCreatedEvent)'],
        },
      },
      diagnostics: [
        "src/users/handlers.ts:5 error handler-type-mismatch: H.onCreated handles 'user.created' but its parameter is UserDeletedEvent ('user.deleted')",
        "src/users/handlers.ts:11 error handler-type-mismatch: <anonymous> handles 'user.deleted' but its parameter is UserCreatedEvent ('user.created')",
      ],
    }, { messages: true });
    assert.deepEqual(
      allDiagnostics(f.setup).map((d) => d.data),
      [
        { key: 'user.created', suggestion: 'user.deleted' },
        { key: 'user.deleted', suggestion: 'user.created' },
      ],
    );
  });

  test('event-cycle: a cycle of three events, listed, reported at each publish in it', async () => {
    const f = await check(
      `
      //- /src/events.ts
      import { EventBase } from './core/events';
      export class OrderPlacedEvent extends EventBase { readonly eventType = 'order.placed'; }
      export class StockReservedEvent extends EventBase { readonly eventType = 'stock.reserved'; }
      export class PaymentFailedEvent extends EventBase { readonly eventType = 'payment.failed'; }
      export class OrderLoggedEvent extends EventBase { readonly eventType = 'order.logged'; }
      //- /src/handlers.ts
      import { eventHandler } from './core/events';
      import { OrderLoggedEvent, OrderPlacedEvent, PaymentFailedEvent, StockReservedEvent } from './events';
      export class Flow {
        @eventHandler('order.placed')
        static reserve(): void {
          new StockReservedEvent().publish();
          new OrderLoggedEvent().publish();
        }
        @eventHandler('stock.reserved')
        static charge(): void {
          new PaymentFailedEvent().publish();
        }
        @eventHandler('payment.failed')
        static retry(): void {
          new OrderPlacedEvent().publish();
        }
        @eventHandler('order.logged')
        static log(): void {}
      }
      `,
      {
        events: {
          'order.logged': { declarations: ['OrderLoggedEvent@src/events.ts:5'], publishers: ['src/handlers.ts:7'], handlers: ['Flow.log@src/handlers.ts:17'] },
          'order.placed': { declarations: ['OrderPlacedEvent@src/events.ts:2'], publishers: ['src/handlers.ts:15'], handlers: ['Flow.reserve@src/handlers.ts:4'] },
          'payment.failed': { declarations: ['PaymentFailedEvent@src/events.ts:4'], publishers: ['src/handlers.ts:11'], handlers: ['Flow.retry@src/handlers.ts:13'] },
          'stock.reserved': { declarations: ['StockReservedEvent@src/events.ts:3'], publishers: ['src/handlers.ts:6'], handlers: ['Flow.charge@src/handlers.ts:9'] },
        },
        flows: [
          'order.placed>order.logged via Flow.reserve',
          'order.placed>stock.reserved via Flow.reserve',
          'payment.failed>order.placed via Flow.retry',
          'stock.reserved>payment.failed via Flow.charge',
        ],
        diagnostics: [
          'src/handlers.ts:6 warning event-cycle: Event cycle: order.placed → stock.reserved → payment.failed → order.placed',
          'src/handlers.ts:11 warning event-cycle: Event cycle: order.placed → stock.reserved → payment.failed → order.placed',
          'src/handlers.ts:15 warning event-cycle: Event cycle: order.placed → stock.reserved → payment.failed → order.placed',
        ],
      },
      { messages: true },
    );
    const first = allDiagnostics(f.setup)[0];
    assert.deepEqual(
      first.related?.map((r) => `${lineColumn(f.index, r.file, r.span.start)} ${r.message}`),
      ["11:5 next: Flow.charge publishes 'payment.failed'"],
    );
  });

  test('unresolved-event: information at the site, with the reason', async () => {
    await check([USER_EVENTS, `
      //- /src/users/service.ts
      import { publishEvent, subscribeToEvent } from '../core/events';
      declare const key: string;
      declare function make(): unknown;
      publishEvent(make());
      subscribeToEvent(key.trim(), () => undefined);
      `], {
      events: {
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'] },
      },
      unresolved: [
        'publish src/users/service.ts:4 the event is computed at run time',
        'handler src/users/service.ts:5 the result of a call: key.trim()',
      ],
      diagnostics: [
        "src/users/events.ts:3 hint unpublished-event: 'user.created' (UserCreatedEvent) is declared but never published",
        "src/users/events.ts:7 hint unpublished-event: 'user.deleted' (UserDeletedEvent) is declared but never published",
        'src/users/service.ts:4 information unresolved-event: Event Flow cannot tell which event this publishes: the event is computed at run time',
        'src/users/service.ts:5 information unresolved-event: Event Flow cannot tell which event this handles: the result of a call: key.trim()',
      ],
    }, { messages: true });
  });

  const asyncHandlers = `
    //- /src/users/service.ts
    import { UserCreatedEvent } from './events';
    new UserCreatedEvent().publish();
    //- /src/users/handlers.ts
    import { eventHandler, subscribeToEvent } from '../core/events';
    export class H {
      @eventHandler('user.created')
      static async onCreated(): Promise<void> {}
      @eventHandler('user.created')
      static onCreatedSync(): void {}
    }
    subscribeToEvent('user.created', async () => undefined);
  `;
  const asyncEvents = {
    'user.created': {
      declarations: ['UserCreatedEvent@src/users/events.ts:3'],
      publishers: ['src/users/service.ts:2'],
      handlers: ['H.onCreated@src/users/handlers.ts:3 async', 'H.onCreatedSync@src/users/handlers.ts:5', '<anonymous>@src/users/handlers.ts:8 async'],
    },
    'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'] },
  };

  test('async-handler: silent when the event system catches rejections (the default)', async () => {
    await check([USER_EVENTS, asyncHandlers], {
      events: asyncEvents,
      diagnostics: ['src/users/events.ts:7 hint unpublished-event'],
    });
  });

  test('async-handler: a warning on each async handler when asyncRejectionsCaught is false', async () => {
    await check([USER_EVENTS, asyncHandlers, `
      //- /.eventflow.json
      { "asyncRejectionsCaught": false }
      `], {
      events: asyncEvents,
      diagnostics: [
        'src/users/events.ts:7 hint unpublished-event',
        'src/users/handlers.ts:4 warning async-handler',
        'src/users/handlers.ts:8 warning async-handler',
      ],
    });
  });

  test('severities overridden and turned off in .eventflow.json', async () => {
    await check([USER_EVENTS, `
      //- /.eventflow.json
      {
        "severities": { "unpublished-event": "error", "unhandled-event": "off", "unknown-event": "hint" }
      }
      //- /src/users/service.ts
      import { UserDeletedEvent } from './events';
      import { subscribeToEvent } from '../core/events';
      new UserDeletedEvent().publish();
      subscribeToEvent('user.craeted', () => undefined);
      `], {
      events: {
        'user.craeted': { handlers: ['<anonymous>@src/users/service.ts:4'] },
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['src/users/service.ts:3'] },
      },
      diagnostics: ['src/users/events.ts:3 error unpublished-event', 'src/users/service.ts:4 hint unknown-event'],
    });
  });
});

// ── Robustness ──────────────────────────────────────────────────────────────────────────

describe('robustness', () => {
  test('a syntax error mid-file: the facts before and after it are still found', async () => {
    const f = await check(
      `
      //- /src/all.ts
      import { EventBase, eventHandler } from './core/events';

      export class UserCreatedEvent extends EventBase {
        readonly eventType = 'user.created';
      }

      const half = = 2;
      if (half {

      export class UserDeletedEvent extends EventBase {
        readonly eventType = 'user.deleted';
      }
      new UserCreatedEvent().publish();
      export class Handlers {
        @eventHandler('user.created')
        static onCreated(): void {}
      }
      `,
      {
        events: {
          'user.created': { declarations: ['UserCreatedEvent@src/all.ts:3'], publishers: ['src/all.ts:13'], handlers: ['Handlers.onCreated@src/all.ts:15'] },
          'user.deleted': { declarations: ['UserDeletedEvent@src/all.ts:10'] },
        },
        diagnostics: ['src/all.ts:10 hint unpublished-event'],
      },
    );
    assert.ok(f.index.factsOfFile(f.abs('src/all.ts'))!.syntaxErrors > 0);
  });

  test('test files: their publishes do not make an event published, their handlers do not handle it', async () => {
    await check([USER_EVENTS, `
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      subscribeToEvent('user.created', () => undefined);
      //- /src/users/service.test.ts
      import { UserCreatedEvent } from './events';
      new UserCreatedEvent().publish();
      //- /test/users.ts
      import { UserDeletedEvent } from '../src/users/events';
      import { EventBase, subscribeToEvent } from '../src/core/events';
      new UserDeletedEvent().publish();
      subscribeToEvent('user.deleted', () => undefined);
      class ProbeEvent extends EventBase { readonly eventType = 'probe.fired'; }
      new ProbeEvent().publish();
      `], {
      events: {
        'probe.fired': { declarations: ['ProbeEvent@test/users.ts:5'], publishers: ['test/users.ts:6'] },
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'], publishers: ['src/users/service.test.ts:2'], handlers: ['<anonymous>@src/users/handlers.ts:2'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['test/users.ts:3'], handlers: ['<anonymous>@test/users.ts:4'] },
      },
      diagnostics: ['src/users/events.ts:3 hint unpublished-event', 'src/users/events.ts:7 hint unpublished-event'],
    });
  });

  test('countTestPublishes: test publishes count, test handlers still do not', async () => {
    await check([USER_EVENTS, `
      //- /.eventflow.json
      { "countTestPublishes": true }
      //- /src/users/handlers.ts
      import { subscribeToEvent } from '../core/events';
      subscribeToEvent('user.created', () => undefined);
      //- /src/users/service.test.ts
      import { UserCreatedEvent, UserDeletedEvent } from './events';
      import { subscribeToEvent } from '../core/events';
      new UserCreatedEvent().publish();
      new UserDeletedEvent().publish();
      subscribeToEvent('user.deleted', () => undefined);
      `], {
      events: {
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'], publishers: ['src/users/service.test.ts:3'], handlers: ['<anonymous>@src/users/handlers.ts:2'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'], publishers: ['src/users/service.test.ts:4'], handlers: ['<anonymous>@src/users/service.test.ts:5'] },
      },
      diagnostics: ['src/users/service.test.ts:4 warning unhandled-event'],
    });
  });

  test('.eventflow.json problems are reported at their position; the valid settings still apply', async () => {
    const f = await check([USER_EVENTS, `
      //- /.eventflow.json
      {
        "severities": { "unpublished-event": "error" },
        "unknownSetting": true,
        "asyncRejectionsCaught": "no",
        "naming": { "minSegments": 3, "wrong": 1 },
      }
      `], {
      events: {
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'] },
      },
      diagnostics: [
        ".eventflow.json:3 error config-error: Unknown setting 'unknownSetting'",
        ".eventflow.json:4 error config-error: 'asyncRejectionsCaught': expected a boolean, found string \"no\"",
        ".eventflow.json:5 error config-error: 'naming': unknown property 'wrong'",
        "src/users/events.ts:3 error unpublished-event: 'user.created' (UserCreatedEvent) is declared but never published",
        "src/users/events.ts:7 error unpublished-event: 'user.deleted' (UserDeletedEvent) is declared but never published",
      ],
    }, { messages: true });
    const config = allDiagnostics(f.setup).filter((d) => d.code === 'config-error');
    assert.deepEqual(
      config.map((d) => `${lineColumn(f.index, d.file, d.span.start)} ${f.text('.eventflow.json').slice(d.span.start, d.span.end)}`),
      ['3:3 "unknownSetting"', '4:28 "no"', '5:33 "wrong"'],
    );
  });

  test('.eventflow.json with invalid JSON: the error has its position, the index still works', async () => {
    const f = await check([USER_EVENTS, `
      //- /.eventflow.json
      {
        "severities": { "unpublished-event": "error" }
        "exclude": ["legacy/**"]
      }
      //- /legacy/events.ts
      import { EventBase } from '../src/core/events';
      export class OldEvent extends EventBase { readonly eventType = 'old.happened'; }
      `], {
      events: {
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'] },
      },
      diagnostics: [
        '.eventflow.json:3 error config-error: Invalid JSON: CommaExpected',
        "src/users/events.ts:3 error unpublished-event: 'user.created' (UserCreatedEvent) is declared but never published",
        "src/users/events.ts:7 error unpublished-event: 'user.deleted' (UserDeletedEvent) is declared but never published",
      ],
    }, { messages: true });
    const d = allDiagnostics(f.setup).find((x) => x.code === 'config-error')!;
    assert.equal(lineColumn(f.index, d.file, d.span.start), '3:3');
  });

  test('huge and binary files are skipped with a reason', async () => {
    const files = filesOf([CORE, USER_EVENTS, `
      //- /.eventflow.json
      { "maxFileSize": 1024 }
    `]);
    files.push({ path: 'src/big.ts', text: `import { EventBase } from './core/events';\nexport class BigEvent extends EventBase { readonly eventType = 'big.happened'; }\n// ${'x'.repeat(2000)}\n` });
    files.push({ path: 'src/blob.ts', text: 'export class Blob extends EventBase {}\u0000\u0000' });
    const f = await indexFiles(files);
    assert.deepEqual(f.summary(), {
      events: {
        'user.created': { declarations: ['UserCreatedEvent@src/users/events.ts:3'] },
        'user.deleted': { declarations: ['UserDeletedEvent@src/users/events.ts:7'] },
      },
      diagnostics: ['src/users/events.ts:3 hint unpublished-event', 'src/users/events.ts:7 hint unpublished-event'],
      skipped: [
        'src/big.ts: larger than the 1 KB limit (2 KB); raise "maxFileSize" in .eventflow.json to index it',
        'src/blob.ts: binary content (NUL bytes), not a text file',
      ],
    });
  });
});

// ── Incremental updates ─────────────────────────────────────────────────────────────────

describe('incremental updates', () => {
  interface Change {
    path: string;
    /** New text; null deletes the file. */
    text: string | null;
  }

  /** Everything the faces read from the index, minus what legitimately differs between two roots. */
  function observable(f: Fixture): unknown {
    const report = buildReport(f.index, f.setup.configDiagnostics()) as unknown as Record<string, unknown>;
    const refs: Record<string, string[]> = {};
    for (const [file, entry] of f.index.files) {
      const list = entry.contribution.refs.map((r) => `${r.span.start}-${r.span.end} ${r.key} ${r.role}${r.literal ? ' literal' : ''}`).sort();
      if (list.length) refs[relativePath(f.root, file)] = list;
    }
    return { ...report, root: '<root>', stats: '<stats>', diagnostics: report.diagnostics, refs };
  }

  /**
   * Indexes `initial`, applies `changes` with `update()` (texts given in memory, the disk left
   * as it was), and checks that the result equals a fresh index of the final texts and that
   * every file whose diagnostics changed is reported.
   */
  async function checkUpdate(initial: string[], changes: Change[]) {
    const f = await load(...initial);
    const before = diagnosticsByFile(f.setup);
    const result = f.index.update(changes.map((c) => ({ path: f.abs(c.path), text: c.text })));
    const finalFiles = f.files.filter((file) => !changes.some((c) => c.path === file.path));
    for (const c of changes) if (c.text !== null) finalFiles.push({ path: c.path, text: c.text });
    const fresh = await indexFiles(finalFiles);
    assert.deepEqual(f.summary({ messages: true }), fresh.summary({ messages: true }), 'the updated index differs from a fresh index of the same texts');
    assert.deepEqual(observable(f), observable(fresh), 'the updated report differs from a fresh one');
    const reported = result.diagnosticsChanged.map((p) => relativePath(f.root, p)).sort();
    const changed = changedFiles(before, diagnosticsByFile(f.setup));
    for (const file of changed) assert.ok(reported.includes(file), `${file}'s diagnostics changed but update() reported only ${JSON.stringify(reported)}`);
    return { f, fresh, result, reported, changed };
  }

  const base = [
    USER_EVENTS,
    `
    //- /src/users/service.ts
    import { UserCreatedEvent } from './events';
    export function register(name: string): void {
      const trimmed = name.trim();
      void trimmed;
      new UserCreatedEvent().publish();
    }
    //- /src/email/handlers.ts
    import { eventHandler } from '../core/events';
    export class EmailHandlers {
      @eventHandler('user.created')
      static welcome(): void {
        void 0;
      }
    }
    `,
  ];

  test('an edit inside a function body that touches no event changes nothing else', async () => {
    const f0 = await load(...base);
    const text = f0.text('src/users/service.ts').replace('const trimmed = name.trim();', 'const trimmed = name.trim().toLowerCase();');
    const { result, reported } = await checkUpdate(base, [{ path: 'src/users/service.ts', text }]);
    assert.equal(result.graphChanged, false);
    assert.ok(reported.every((p) => p === 'src/users/service.ts'), `reported ${JSON.stringify(reported)}`);
  });

  test('an edit inside a function body that moves publishes of a cycle moves its diagnostics', async () => {
    const cycle = `
      //- /src/events.ts
      import { EventBase } from './core/events';
      export class PingedEvent extends EventBase { readonly eventType = 'ping.sent'; }
      export class PongedEvent extends EventBase { readonly eventType = 'pong.sent'; }
      //- /src/handlers.ts
      import { eventHandler } from './core/events';
      import { PingedEvent, PongedEvent } from './events';
      export class Game {
        @eventHandler('ping.sent')
        static onPing(): void {
          new PongedEvent().publish();
        }
        @eventHandler('pong.sent')
        static onPong(): void {
          new PingedEvent().publish();
        }
      }
    `;
    const f0 = await load(cycle);
    const text = f0.text('src/handlers.ts').replace('static onPing(): void {\n', 'static onPing(): void {\n    const started = Date.now();\n    void started;\n');
    const { f } = await checkUpdate([cycle], [{ path: 'src/handlers.ts', text }]);
    assert.deepEqual(f.summary().diagnostics, ['src/handlers.ts:8 warning event-cycle', 'src/handlers.ts:12 warning event-cycle']);
  });

  test("changing a handler's key", async () => {
    const f0 = await load(...base);
    const text = f0.text('src/email/handlers.ts').replace("'user.created'", "'user.deleted'");
    const { f, reported } = await checkUpdate(base, [{ path: 'src/email/handlers.ts', text }]);
    assert.deepEqual(f.summary().diagnostics, ['src/users/events.ts:7 hint unpublished-event', 'src/users/service.ts:5 warning unhandled-event']);
    // user.created lost its handler, and user.deleted's hint now says its handler never runs.
    assert.ok(reported.includes('src/users/service.ts') && reported.includes('src/users/events.ts'), JSON.stringify(reported));
  });

  test("changing an event class's key", async () => {
    const f0 = await load(...base);
    const text = f0.text('src/users/events.ts').replace("'user.created'", "'user.registered'");
    const { f } = await checkUpdate(base, [{ path: 'src/users/events.ts', text }]);
    assert.deepEqual(f.summary().diagnostics, [
      'src/email/handlers.ts:3 warning unknown-event',
      'src/users/events.ts:7 hint unpublished-event',
      'src/users/service.ts:5 warning unhandled-event',
    ]);
  });

  test('adding a file (a handler, and a file the pre-filter would skip)', async () => {
    const { f } = await checkUpdate(base, [
      { path: 'src/audit/handlers.ts', text: "import { subscribeToEvent } from '../core/events';\nimport { GONE } from './keys';\nsubscribeToEvent(GONE, () => undefined);\n" },
      { path: 'src/audit/keys.ts', text: "export const GONE = 'user.deleted';\n" },
      { path: 'src/audit/purge.ts', text: "import { UserDeletedEvent } from '../users/events';\nexport function purge(): void {\n  new UserDeletedEvent().publish();\n}\n" },
    ]);
    assert.equal(f.summary().diagnostics, undefined);
  });

  test('deleting a file', async () => {
    const { f, reported } = await checkUpdate(base, [{ path: 'src/users/service.ts', text: null }]);
    assert.deepEqual(f.summary().diagnostics, ['src/users/events.ts:3 hint unpublished-event', 'src/users/events.ts:7 hint unpublished-event']);
    assert.ok(reported.includes('src/users/events.ts'));
  });

  test('a new constant that a handler imports: in an existing constants file and in a new one', async () => {
    const initial = [
      ...base,
      `
      //- /src/users/keys.ts
      export const USER_CREATED = 'user.created';
      //- /src/users/cleanup.ts
      import { subscribeToEvent } from '../core/events';
      import { USER_DELETED } from './keys';
      import { USER_GONE } from './more-keys';
      subscribeToEvent(USER_DELETED, () => undefined);
      subscribeToEvent(USER_GONE, () => undefined);
      //- /src/users/purge.ts
      import { UserDeletedEvent } from './events';
      new UserDeletedEvent().publish();
      `,
    ];
    const f0 = await load(...initial);
    assert.deepEqual(f0.summary().unresolved, [
      "handler src/users/cleanup.ts:4 'USER_DELETED' cannot be resolved to a constant",
      "handler src/users/cleanup.ts:5 'USER_GONE' cannot be resolved to a constant",
    ]);
    const { f, reported } = await checkUpdate(initial, [
      { path: 'src/users/keys.ts', text: "export const USER_CREATED = 'user.created';\nexport const USER_DELETED = 'user.deleted';\n" },
      { path: 'src/users/more-keys.ts', text: "export const USER_GONE = 'user.deleted';\n" },
    ]);
    assert.deepEqual(f.summary().events?.['user.deleted'], {
      declarations: ['UserDeletedEvent@src/users/events.ts:7'],
      publishers: ['src/users/purge.ts:2'],
      handlers: ['<anonymous>@src/users/cleanup.ts:4', '<anonymous>@src/users/cleanup.ts:5'],
    });
    assert.equal(f.summary().diagnostics, undefined);
    assert.ok(reported.includes('src/users/cleanup.ts') && reported.includes('src/users/purge.ts'), JSON.stringify(reported));
  });

  test("an open document's text wins over the disk; closing an unsaved one forgets it", async () => {
    const f = await load(...base);
    const fresh = async (extra: FixtureFile[]) => (await indexFiles([...f.files, ...extra])).summary({ messages: true });
    const draft = { path: 'src/audit/draft.ts', text: "import { UserDeletedEvent } from '../users/events';\nnew UserDeletedEvent().publish();\n" };
    const opened = f.index.setOverlay(f.abs(draft.path), draft.text);
    assert.deepEqual(f.summary({ messages: true }), await fresh([draft]));
    assert.ok(opened.diagnosticsChanged.map((p) => relativePath(f.root, p)).includes('src/audit/draft.ts'));
    const closed = f.index.removeOverlay(f.abs(draft.path));
    assert.deepEqual(f.summary({ messages: true }), await fresh([]));
    assert.ok(closed.diagnosticsChanged.map((p) => relativePath(f.root, p)).includes('src/audit/draft.ts'));
  });

  test('a sequence of updates ends where a fresh index of the final texts is', async () => {
    const f = await load(...base);
    const service = f.abs('src/users/service.ts');
    const handlers = f.abs('src/email/handlers.ts');
    f.index.update([{ path: handlers, text: f.text('src/email/handlers.ts').replace("'user.created'", "'user.craeted'") }]);
    f.index.update([{ path: service, text: null }]);
    f.index.update([{ path: service, text: f.text('src/users/service.ts').replace('UserCreatedEvent()', 'UserDeletedEvent()').replace('{ UserCreatedEvent }', '{ UserDeletedEvent }') }]);
    const finalTexts = f.files.map((file) =>
      file.path === 'src/email/handlers.ts'
        ? { ...file, text: file.text.replace("'user.created'", "'user.craeted'") }
        : file.path === 'src/users/service.ts'
          ? { ...file, text: file.text.replace('UserCreatedEvent()', 'UserDeletedEvent()').replace('{ UserCreatedEvent }', '{ UserDeletedEvent }') }
          : file,
    );
    const fresh = await indexFiles(finalTexts);
    assert.deepEqual(f.summary({ messages: true }), fresh.summary({ messages: true }));
    assert.deepEqual(f.summary().diagnostics, [
      'src/email/handlers.ts:3 warning unknown-event',
      'src/users/events.ts:3 hint unpublished-event',
      'src/users/service.ts:5 warning unhandled-event',
    ]);
  });
});
