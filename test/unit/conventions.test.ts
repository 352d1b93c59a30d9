/**
 * Real-world conventions (issue 8): the convention profiles (seed, nestjs-event-emitter,
 * nestjs-cqrs, custom), their detection from package.json, the key indirections real code
 * writes, workspaces with several packages, and precision (look-alikes are not events).
 *
 * Two kinds of fixtures: the committed workspaces under test/fixtures/conventions/ (written
 * like application code: several modules, the generated constants file, a wrapper service,
 * an aggregate root, a monorepo with packages), each compared with its complete expected
 * summary; and small inline fixtures (`//- /path` headers, see helpers.ts) for single patterns
 * and for incremental updates.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seedConventions } from '../../server/src/core/conventions';
import { mayMatter } from '../../server/src/core/extract/index';
import { extractTypeScript } from '../../server/src/core/extract/typescript';
import { wildcardMatches } from '../../server/src/core/graph';
import { discoverPackages, packageResolver, pnpmPackages } from '../../server/src/core/packages';
import { conventionsForProfiles, detectProfiles } from '../../server/src/core/profiles';
import { createIndex } from '../../server/src/core/setup';
import { relativePath } from '../../server/src/core/text';
import {
  changedFiles,
  diagnosticsByFile,
  indexFiles,
  indexFolder,
  removeFixtures,
  repoRoot,
  tempDir,
  writeFiles,
  type Fixture,
  type FixtureFile,
  type Summary,
  type SummaryOptions,
} from './helpers';

after(() => removeFixtures());

const REPO = repoRoot();
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'conventions');
const CLI = path.join(REPO, 'dist', 'cli.js');

/** The summary of helpers.ts, plus the wildcard patterns handlers listen to and the keys each matches. */
interface ConventionsSummary extends Summary {
  patterns?: Record<string, string[]>;
}

function summaryOf(f: Fixture, options?: SummaryOptions): ConventionsSummary {
  const s: ConventionsSummary = f.summary(options);
  const patterns = f.index.graph.patternKeys();
  if (patterns.length) s.patterns = Object.fromEntries(patterns.map((p) => [p, f.index.graph.matchesOf(p)]));
  return s;
}

/**
 * Like helpers' `parseFixture`, for fixtures assembled from parts indented differently (a
 * shared package.json and a test's own files): each file's lines lose its header's indentation.
 */
function filesOf(text: string): FixtureFile[] {
  const byPath = new Map<string, string[]>();
  let current: { lines: string[]; indent: number } | undefined;
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const header = /^( *)\/\/- (\/\S+)\s*$/.exec(line);
    if (header) {
      current = { lines: [], indent: header[1].length };
      byPath.set(header[2].replace(/^\/+/, ''), current.lines);
    } else if (current) current.lines.push(line.slice(Math.min(current.indent, /^ */.exec(line)![0].length)));
  }
  return [...byPath].map(([p, lines]) => {
    while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
    return { path: p, text: lines.join('\n') + '\n' };
  });
}

async function fixture(text: string): Promise<Fixture> {
  return indexFiles(filesOf(text));
}

async function check(text: string, expected: ConventionsSummary, options?: SummaryOptions): Promise<Fixture> {
  const f = await fixture(text);
  assert.deepEqual(summaryOf(f, options), expected);
  return f;
}

const EMITTER_PACKAGE = `
//- /package.json
{ "name": "app", "dependencies": { "@nestjs/event-emitter": "^2.0.4" } }
`;
const CQRS_PACKAGE = `
//- /package.json
{ "name": "app", "dependencies": { "@nestjs/cqrs": "^10.2.7" } }
`;

// ── Profiles ────────────────────────────────────────────────────────────────────────────

describe('profiles', () => {
  test('detected from the dependencies of the root and of workspace packages; seed when none', () => {
    const pkg = (dependencies: string[]) => ({ dir: '/w', dependencies, entries: [], subpaths: {} });
    assert.deepEqual(detectProfiles([pkg(['express'])]), ['seed']);
    assert.deepEqual(detectProfiles([]), ['seed']);
    assert.deepEqual(detectProfiles([pkg(['@nestjs/common', '@nestjs/event-emitter'])]), ['nestjs-event-emitter']);
    assert.deepEqual(detectProfiles([pkg(['typescript']), pkg(['@nestjs/cqrs']), pkg(['@nestjs/event-emitter'])]), ['nestjs-event-emitter', 'nestjs-cqrs']);
  });

  test('the seed profile is exactly the default conventions; custom alone brings nothing', () => {
    assert.deepEqual(conventionsForProfiles(['seed']), seedConventions());
    assert.deepEqual(conventionsForProfiles(['seed'], seedConventions()), seedConventions());
    const custom = conventionsForProfiles(['custom']);
    assert.deepEqual([custom.handlerDecorators, custom.registrations, custom.publishes, custom.baseClasses, custom.eventInterfaces], [[], [], [], [], []]);
  });

  test("the editor's settings: what they add to the seed vocabulary is kept, the seed's own is replaced by the profiles'", () => {
    const settings = seedConventions();
    settings.handlerDecorators = [{ name: 'OnDomainEvent', keyArg: 0 }];
    settings.modulesRoots = ['src/features'];
    settings.severities['unhandled-event'] = 'error';
    const c = conventionsForProfiles(['nestjs-cqrs'], settings);
    assert.deepEqual(c.handlerDecorators.map((d) => d.name), ['EventsHandler', 'OnDomainEvent']);
    assert.deepEqual(c.modulesRoots, ['src/features']);
    assert.equal(c.severities['unhandled-event'], 'error');
    assert.deepEqual(c.baseClasses, []);
    assert.deepEqual(c.profiles, ['nestjs-cqrs']);
  });

  test('.eventflow.json "profiles" wins over detection; its lists add to the profiles', async () => {
    const f = await check(
      `${CQRS_PACKAGE}
      //- /.eventflow.json
      { "profiles": ["seed"], "handlerDecorators": [{ "name": "OnDomainEvent" }] }
      //- /src/core/events.ts
      export abstract class EventBase {
        abstract readonly eventType: string;
      }
      //- /src/users.ts
      import { EventsHandler } from '@nestjs/cqrs';
      import { EventBase } from './core/events';
      import { OnDomainEvent, eventHandler } from './decorators';
      export class UserCreated extends EventBase {
        readonly eventType = 'user.created';
      }
      @EventsHandler(UserCreated)
      export class NotACqrsHandlerHere {
        handle(): void {}
      }
      export class Handlers {
        @OnDomainEvent('user.created')
        a(): void {}
        @eventHandler('user.created')
        b(): void {}
      }
      `,
      {
        events: {
          'user.created': {
            declarations: ['UserCreated@src/users.ts:4'],
            handlers: ['Handlers.a@src/users.ts:12', 'Handlers.b@src/users.ts:14'],
          },
        },
        diagnostics: ['src/users.ts:4 hint unpublished-event'],
      },
    );
    assert.deepEqual(f.setup.profiles, ['seed']);
    assert.equal(f.setup.profilesFrom, 'config');
  });

  test('an unknown profile in .eventflow.json is a config error at its place; the valid ones still apply', async () => {
    const f = await check(
      `${CQRS_PACKAGE}
      //- /.eventflow.json
      {
        "profiles": ["nestjs", "nestjs-event-emitter"]
      }
      //- /src/listener.ts
      import { OnEvent } from '@nestjs/event-emitter';
      export class L {
        @OnEvent('order.created')
        on(): void {}
      }
      `,
      {
        events: { 'order.created': { handlers: ['L.on@src/listener.ts:3'] } },
        diagnostics: [
          `.eventflow.json:2 error config-error: 'profiles[0]': must be one of "seed", "nestjs-event-emitter", "nestjs-cqrs", "custom"`,
          "src/listener.ts:3 warning unknown-event: No event declares 'order.created'",
        ],
      },
      { messages: true },
    );
    assert.deepEqual(f.setup.profiles, ['nestjs-event-emitter']);
  });

  test('createIndex: an unknown profile from the caller is fatal, with the names it accepts', async () => {
    const root = tempDir();
    const setup = await createIndex({ root, profiles: ['nestjs-cqrs', 'spring'] });
    assert.equal(setup.fatal, "unknown profile 'spring' (expected seed, nestjs-event-emitter, nestjs-cqrs, custom)");
  });

  test('a workspace package with @nestjs/cqrs and another with @nestjs/event-emitter: both are active', async () => {
    const f = await check(
      `
      //- /package.json
      { "name": "root", "private": true, "workspaces": { "packages": ["services/*"] } }
      //- /services/a/package.json
      { "name": "a", "dependencies": { "@nestjs/cqrs": "^10" } }
      //- /services/b/package.json
      { "name": "b", "dependencies": { "@nestjs/event-emitter": "^2" } }
      //- /services/a/src/created.ts
      import { EventsHandler, IEvent } from '@nestjs/cqrs';
      import { OnEvent } from '@nestjs/event-emitter';
      export class Created implements IEvent {}
      @EventsHandler(Created)
      export class OnCreated {
        handle(): void {}
        @OnEvent('created')
        alsoKeyed(): void {}
      }
      `,
      {
        events: {
          Created: { declarations: ['Created@services/a/src/created.ts:3'], handlers: ['OnCreated@services/a/src/created.ts:4'] },
          created: { handlers: ['OnCreated.alsoKeyed@services/a/src/created.ts:7'] },
        },
        diagnostics: ['services/a/src/created.ts:3 hint unpublished-event', 'services/a/src/created.ts:7 warning unknown-event'],
      },
    );
    assert.deepEqual(f.setup.profiles, ['nestjs-event-emitter', 'nestjs-cqrs']);
  });
});

// ── The committed fixtures ──────────────────────────────────────────────────────────────

describe('fixture: nestjs-event-emitter (a NestJS shop with @nestjs/event-emitter)', () => {
  test('handlers, publishers, wildcards, keys through the constants file, look-alikes ignored', async () => {
    const f = await indexFolder(path.join(FIXTURES, 'nestjs-event-emitter'));
    assert.deepEqual(f.setup.profiles, ['nestjs-event-emitter']);
    assert.equal(f.setup.profilesFrom, 'detected');
    const onOrder = 'AuditListener.onOrder@src/audit/audit.listener.ts:6';
    const onPayment = 'AuditListener.onPayment@src/audit/audit.listener.ts:11';
    assert.deepEqual(summaryOf(f, { messages: true }), {
      events: {
        'audit.logged': { publishers: ['src/payments/payments.service.ts:31'] },
        'order.cancelled': { publishers: ['src/orders/orders.service.ts:28'], handlers: [onOrder] },
        'order.created': {
          // EVENTS.order.created; CHECKOUT_EVENTS.orderPlaced (holds EVENTS.order.created); event.eventName off a typed instance.
          publishers: ['src/orders/orders.service.ts:13', 'src/orders/orders.service.ts:18', 'src/orders/orders.service.ts:23'],
          handlers: [
            onOrder,
            'NotificationsListener.sendConfirmation@src/notifications/notifications.listener.ts:8 async (OrderCreatedEvent)',
            // EVENTS.legacy.orderCreated: another property with the same key.
            'NotificationsListener.trackShipment@src/notifications/notifications.listener.ts:14',
          ],
        },
        // Published only by a test: listed, but it makes nothing "published" for the rules.
        'order.probe': { publishers: ['src/orders/orders.service.spec.ts:9'], handlers: [onOrder] },
        'order.shipped': {
          // OrderCreatedEvent.getName(): a static method returning a constant.
          publishers: ['src/orders/orders.service.ts:22'],
          handlers: [onOrder, 'NotificationsListener.trackShipment@src/notifications/notifications.listener.ts:13', 'EventsGateway.broadcastShipment@src/realtime/events.gateway.ts:10'],
        },
        // ALL_EVENTS (a spread of EVENTS) through an aliased EventEmitter2 property.
        'payment.captured': { publishers: ['src/payments/payments.service.ts:18'], handlers: [onPayment] },
        'payment.dispute': { handlers: ['NotificationsListener.onDispute@src/notifications/notifications.listener.ts:24'] },
        // A parameter typed EventEmitter2.
        'payment.disputed': { publishers: ['src/payments/payments.service.ts:36'], handlers: [onPayment] },
        // `${PAYMENT_PREFIX}.failed`: a template of constants.
        'payment.failed': { publishers: ['src/payments/payments.service.ts:22'], handlers: [onPayment] },
        // ['payment', 'refunded']: EventEmitter2's namespace segments, on both sides.
        'payment.refunded': { publishers: ['src/payments/payments.service.ts:27'], handlers: [onPayment, 'NotificationsListener.onRefund@src/notifications/notifications.listener.ts:19'] },
        'user.created': { handlers: ['NotificationsListener.welcome@src/notifications/notifications.listener.ts:29'] },
      },
      unresolved: [
        'publish src/orders/orders.service.ts:32 a parameter (the caller decides the key): eventName',
        'publish src/orders/orders.service.ts:36 a computed property lookup: EVENTS.order[kind]',
      ],
      diagnostics: [
        "src/audit/audit.listener.ts:16 warning unknown-event: No published or declared event matches 'invoice.*'",
        "src/notifications/notifications.listener.ts:24 warning unknown-event: No event declares 'payment.dispute'; did you mean 'payment.disputed'?",
        "src/notifications/notifications.listener.ts:29 warning unknown-event: No event declares 'user.created'; did you mean 'order.created'?",
        'src/orders/orders.service.ts:32 information unresolved-event: Event Flow cannot tell which event this publishes: a parameter (the caller decides the key): eventName',
        'src/orders/orders.service.ts:36 information unresolved-event: Event Flow cannot tell which event this publishes: a computed property lookup: EVENTS.order[kind]',
        "src/payments/payments.service.ts:31 warning unhandled-event: 'audit.logged' is published here but no handler handles it",
      ],
      patterns: {
        'invoice.*': [],
        'order.*': ['order.cancelled', 'order.created', 'order.probe', 'order.shipped'],
        'payment.**': ['payment.captured', 'payment.disputed', 'payment.failed', 'payment.refunded'],
      },
    });
    // Navigation and hovers ask the graph: a wildcard handler is a handler of what it matches.
    assert.deepEqual(f.index.graph.handlersOf('payment.failed').map((h) => h.name), ['AuditListener.onPayment']);
    assert.equal(buildStats(f).unresolved, 2);
  });

  test('the constants file (hundreds of leaves) is parsed only because an import leads to it', async () => {
    const f = await indexFolder(path.join(FIXTURES, 'nestjs-event-emitter'));
    const constants = f.abs('src/events/event-names.ts');
    const text = fs.readFileSync(constants, 'utf8');
    assert.equal(mayMatter(constants, text, f.index.currentConventions), false);
    assert.ok((f.index.factsOfFile(constants)?.values.length ?? 0) > 600);
  });
});

function buildStats(f: Fixture): { unresolved: number } {
  return { unresolved: f.index.graph.allUnresolved().length };
}

describe('fixture: nestjs-cqrs (the heroes game)', () => {
  test('class events (with and without IEvent), @EventsHandler classes, sagas, EventBus and AggregateRoot.apply', async () => {
    const f = await indexFolder(path.join(FIXTURES, 'nestjs-cqrs'));
    assert.deepEqual(f.setup.profiles, ['nestjs-cqrs']);
    const progress = 'HeroProgressHandler@src/heroes/event-handlers/hero-progress.handler.ts:5 async';
    assert.deepEqual(summaryOf(f, { messages: true }), {
      events: {
        // Implements IEvent, never published: declared.
        HeroDiedEvent: { declarations: ['HeroDiedEvent@src/heroes/events/hero-progress.events.ts:31'] },
        HeroFoundItemEvent: {
          declarations: ['HeroFoundItemEvent@src/heroes/events/hero-found-item.event.ts:3'],
          // this.eventBus.publish(new …) in a handler; this.apply(new …) inside an RxJS callback.
          publishers: ['src/heroes/event-handlers/hero-killed-dragon.handler.ts:10', 'src/heroes/models/hero.model.ts:18'],
          handlers: [progress],
        },
        HeroKilledDragonEvent: {
          // Extends nothing, implements nothing: an event because a handler and an aggregate use it.
          declarations: ['HeroKilledDragonEvent@src/heroes/events/hero-killed-dragon.event.ts:1'],
          publishers: ['src/heroes/models/hero.model.ts:11'],
          handlers: ['HeroKilledDragonHandler@src/heroes/event-handlers/hero-killed-dragon.handler.ts:5 (HeroKilledDragonEvent)', 'HeroesGameSagas.dragonKilled@src/heroes/sagas/heroes.sagas.ts:15'],
        },
        HeroLevelledUpEvent: {
          declarations: ['HeroLevelledUpEvent@src/heroes/events/hero-progress.events.ts:7'],
          publishers: ['src/heroes/models/hero.model.ts:23'],
          handlers: [progress],
        },
        HeroRenamedEvent: {
          declarations: ['HeroRenamedEvent@src/heroes/events/hero-progress.events.ts:22'],
          // publishAll([...]) and hero.apply(...) on an aggregate-typed parameter.
          publishers: ['src/heroes/services/leaderboard.service.ts:15', 'src/heroes/services/leaderboard.service.ts:25'],
          handlers: ['HeroesGameSagas.renamed@src/heroes/sagas/heroes.sagas.ts:23'],
        },
        HeroRetiredEvent: {
          declarations: ['HeroRetiredEvent@src/heroes/events/hero-progress.events.ts:16'],
          publishers: ['src/heroes/services/leaderboard.service.ts:15'],
        },
      },
      flows: ['HeroKilledDragonEvent>HeroFoundItemEvent via HeroKilledDragonHandler'],
      unresolved: [
        "publish src/heroes/models/hero.model.ts:17 the type of 'event' is not declared",
        "publish src/heroes/services/leaderboard.service.ts:19 the event is typed as the interface 'IEvent'",
        // A for-of variable has no declared type; an abstract base names no one event.
        "publish src/heroes/services/leaderboard.service.ts:31 the type of 'event' is not declared",
        "publish src/heroes/services/leaderboard.service.ts:32 the event is typed as the abstract class 'HeroEvent'",
      ],
      diagnostics: [
        "src/heroes/events/hero-progress.events.ts:31 hint unpublished-event: 'HeroDiedEvent' (HeroDiedEvent) is declared but never published",
        "src/heroes/models/hero.model.ts:17 information unresolved-event: Event Flow cannot tell which event this publishes: the type of 'event' is not declared",
        "src/heroes/services/leaderboard.service.ts:15 warning unhandled-event: 'HeroRetiredEvent' is published here but no handler handles it",
        "src/heroes/services/leaderboard.service.ts:19 information unresolved-event: Event Flow cannot tell which event this publishes: the event is typed as the interface 'IEvent'",
        "src/heroes/services/leaderboard.service.ts:31 information unresolved-event: Event Flow cannot tell which event this publishes: the type of 'event' is not declared",
        "src/heroes/services/leaderboard.service.ts:32 information unresolved-event: Event Flow cannot tell which event this publishes: the event is typed as the abstract class 'HeroEvent'",
      ],
    });
  });
});

describe('fixture: custom-domain-events (a home-grown domain-event style, all in .eventflow.json)', () => {
  test('aggregate roots, DomainEvents.register(fn, X.name), a wrapper service, @EmitEvent, keys off instances', async () => {
    const f = await indexFolder(path.join(FIXTURES, 'custom-domain-events'));
    assert.deepEqual(f.setup.profiles, ['custom']);
    assert.deepEqual(f.setup.configIssues, []);
    assert.deepEqual(summaryOf(f), {
      events: {
        UserCreated: {
          declarations: ['UserCreated@src/users/domain/events/userCreated.ts:4'],
          // user.addDomainEvent(...) on a User (an AggregateRoot subclass) in a static factory.
          publishers: ['src/users/domain/user.ts:13'],
          handlers: ['AfterUserCreated.onUserCreated@src/notification/subscriptions/afterUserCreated.ts:11 async (UserCreated)'],
        },
        UserDeleted: {
          declarations: ['UserDeleted@src/users/domain/events/userDeleted.ts:4'],
          publishers: ['src/users/domain/user.ts:19'],
          handlers: ['AfterUserCreated.onUserDeleted@src/notification/subscriptions/afterUserCreated.ts:12 (UserDeleted)'],
        },
        // @EmitEvent(EventKeys.INVOICE_ISSUED): the method publishes when it returns.
        'invoice.issued': { publishers: ['src/billing/billing.service.ts:13'], handlers: ['BillingListener.sendInvoice@src/billing/billing.listener.ts:5'] },
        // this.eventsService.emitAsync(event.eventName, …) with `event` constructed from InvoicePaid.
        'invoice.paid': { publishers: ['src/billing/billing.service.ts:20'], handlers: ['BillingListener.thankCustomer@src/billing/billing.listener.ts:10'] },
        // EventsService.emitAsync(InvoicePaid.getName(), …): a static call on the wrapper class.
        'invoice.reminded': { publishers: ['src/billing/billing.service.ts:21'] },
        'invoice.voided': { handlers: ['BillingListener.refund@src/billing/billing.listener.ts:15'] },
      },
      unresolved: [
        'publish src/billing/billing.service.ts:25 the class of an object known only at run time: event.constructor.name',
        'publish src/billing/billing.service.ts:26 a computed property lookup: KEYS[kind]',
        'publish src/billing/billing.service.ts:27 a parameter (the caller decides the key): key',
      ],
      diagnostics: [
        'src/billing/billing.listener.ts:15 warning unknown-event',
        'src/billing/billing.service.ts:21 warning unhandled-event',
        'src/billing/billing.service.ts:25 information unresolved-event',
        'src/billing/billing.service.ts:26 information unresolved-event',
        'src/billing/billing.service.ts:27 information unresolved-event',
      ],
    });
  });
});

describe('fixture: monorepo (npm workspaces: two packages and an app)', () => {
  test('events imported by package name (main, exports subpaths), path aliases per package, generated and cache folders excluded', async () => {
    const f = await indexFolder(path.join(FIXTURES, 'monorepo'));
    // Detected from apps/api/package.json and the packages', not from the root's.
    assert.deepEqual(f.setup.profiles, ['nestjs-cqrs']);
    assert.deepEqual(f.setup.packages.map((p) => p.name).sort(), ['@acme/api', '@acme/billing', '@acme/orders', 'acme']);
    assert.deepEqual(summaryOf(f), {
      events: {
        // '@acme/billing/events': an `exports` subpath, mapped from dist/ to src/.
        InvoiceRaisedEvent: {
          declarations: ['InvoiceRaisedEvent@packages/billing/src/events/index.ts:1'],
          publishers: ['apps/api/src/orders/order-placed.handler.ts:15'],
          handlers: ['InvoiceRaisedHandler@apps/api/src/billing/invoice-raised.handler.ts:4 (InvoiceRaisedEvent)'],
        },
        // Re-exported under another name (`OrderCanceled`): the key is the declared class's name.
        OrderCancelledEvent: {
          declarations: ['OrderCancelledEvent@packages/orders/src/events/order-cancelled.event.ts:1'],
          publishers: ['apps/api/src/orders/orders.controller.ts:17'],
        },
        // '@acme/orders': package.json `main` (dist/index.js) mapped to src/index.ts.
        OrderPlacedEvent: {
          declarations: ['OrderPlacedEvent@packages/orders/src/events/order-placed.event.ts:3'],
          publishers: ['apps/api/src/orders/orders.controller.ts:12'],
          handlers: ['OrderPlacedHandler@apps/api/src/orders/order-placed.handler.ts:6 (OrderPlacedEvent)'],
        },
        // '@api/orders/order-shipped.event': the app's own tsconfig paths.
        OrderShippedEvent: {
          declarations: ['OrderShippedEvent@apps/api/src/orders/order-shipped.event.ts:1'],
          publishers: ['apps/api/src/orders/orders.controller.ts:22'],
          handlers: ['OrderShippedHandler@apps/api/src/shipping/order-shipped.handler.ts:4 (OrderShippedEvent)'],
        },
      },
      flows: ['OrderPlacedEvent>InvoiceRaisedEvent via OrderPlacedHandler'],
      diagnostics: ['apps/api/src/orders/orders.controller.ts:17 warning unhandled-event'],
    });
    const indexed = [...f.index.files.keys()].map((p) => relativePath(f.root, p));
    assert.ok(!indexed.some((p) => p.startsWith('.nx/') || p.includes('/generated/')), indexed.join('\n'));
  });

  test('workspace globs: package.json workspaces, pnpm-workspace.yaml, and the usual folders when none is declared', () => {
    assert.deepEqual(pnpmPackages("packages:\n  - 'packages/*'\n  - \"apps/**\" # the apps\n  - '!**/test/**'\ncatalog:\n  - x\n"), ['packages/*', 'apps/**', '!**/test/**']);
    assert.deepEqual(pnpmPackages('packages: [libs/*, "tools/x"]\n'), ['libs/*', 'tools/x']);
    const root = tempDir();
    writeFiles(root, [
      { path: 'pnpm-workspace.yaml', text: "packages:\n  - 'apps/**'\n" },
      { path: 'package.json', text: '{ "name": "root" }' },
      { path: 'apps/web/package.json', text: '{ "name": "web", "dependencies": { "@nestjs/event-emitter": "2" } }' },
      { path: 'apps/group/api/package.json', text: '{ "name": "api" }' },
      { path: 'apps/web/node_modules/dep/package.json', text: '{ "name": "dep" }' },
      { path: 'libs/ignored/package.json', text: '{ "name": "not-in-the-globs" }' },
    ]);
    assert.deepEqual(discoverPackages(root).map((p) => p.name).sort(), ['api', 'root', 'web']);
    const nx = tempDir();
    writeFiles(nx, [
      { path: 'package.json', text: '{ "name": "nx-root" }' },
      { path: 'libs/orders/package.json', text: '{ "name": "@nx/orders", "types": "src/index.d.ts" }' },
      { path: 'libs/shared/util/package.json', text: '{ "name": "@nx/util" }' },
    ]);
    const packages = discoverPackages(nx);
    assert.deepEqual(packages.map((p) => p.name).sort(), ['@nx/orders', '@nx/util', 'nx-root']);
    const resolve = packageResolver(packages);
    const existing = new Set([`${nx}/libs/orders/src/index.ts`, `${nx}/libs/shared/util/src/strings.ts`]);
    const tryFile = (base: string) => [base, `${base}.ts`, `${base}/index.ts`].find((p) => existing.has(p));
    assert.equal(resolve('@nx/orders', tryFile), `${nx}/libs/orders/src/index.ts`);
    assert.equal(resolve('@nx/util/strings', tryFile), `${nx}/libs/shared/util/src/strings.ts`);
    assert.equal(resolve('@nx/missing', tryFile), undefined);
    assert.equal(resolve('./relative', tryFile), undefined);
  });
});

// ── Keys as real code writes them ────────────────────────────────────────────────────────

describe('keys', () => {
  test('by value through the path: aliases, properties holding each other, sub-objects, spreads, frozen objects, concatenation', async () => {
    await check(
      `${EMITTER_PACKAGE}
      //- /src/keys.ts
      export const A = { x: 'order.created', same: 'order.created' };
      export const B = { y: A.x, nested: { z: A.same } };
      export const C = B.nested;
      export const D = { ...B, extra: 'order.extra' };
      export const E = Object.freeze({ shipped: 'order.' + 'shipped' });
      export const PREFIX = 'order';
      //- /src/service.ts
      import { EventEmitter2 } from '@nestjs/event-emitter';
      import { B, C, D, E, PREFIX } from './keys';
      export class Service {
        constructor(private readonly bus: EventEmitter2) {}
        run(): void {
          this.bus.emit(B.y, 1);
          this.bus.emit(C.z, 1);
          this.bus.emit(D.nested.z, 1);
          this.bus.emit(D.extra, 1);
          this.bus.emit(D.missing, 1);
          this.bus.emit(E.shipped, 1);
          this.bus.emit(PREFIX + '.paid', 1);
        }
      }
      `,
      {
        events: {
          'order.created': { publishers: ['src/service.ts:6', 'src/service.ts:7', 'src/service.ts:8'] },
          'order.extra': { publishers: ['src/service.ts:9'] },
          'order.paid': { publishers: ['src/service.ts:12'] },
          'order.shipped': { publishers: ['src/service.ts:11'] },
        },
        unresolved: ["publish src/service.ts:10 'D.missing' cannot be resolved to a constant"],
        diagnostics: [
          'src/service.ts:6 warning unhandled-event',
          'src/service.ts:7 warning unhandled-event',
          'src/service.ts:8 warning unhandled-event',
          'src/service.ts:9 warning unhandled-event',
          'src/service.ts:10 information unresolved-event',
          'src/service.ts:11 warning unhandled-event',
          'src/service.ts:12 warning unhandled-event',
        ],
      },
    );
  });

  test("X.name, X.getName(), a static getter, a property read off an instance (inherited too), this.eventName, a local const", async () => {
    await check(
      `${EMITTER_PACKAGE}
      //- /src/events.ts
      import { EventEmitter2 } from '@nestjs/event-emitter';
      export class OrderPaid {
        readonly eventName = 'order.paid';
        static getName(): string {
          return 'order.paid.v2';
        }
        static get topic(): string {
          return 'order.paid.v3';
        }
        announce(bus: EventEmitter2): void {
          bus.emit(this.eventName, this);
        }
      }
      export class OrderRefunded extends OrderPaid {}
      //- /src/service.ts
      import { EventEmitter2 } from '@nestjs/event-emitter';
      import { OrderPaid, OrderRefunded } from './events';
      export function run(bus: EventEmitter2, refunded: OrderRefunded): void {
        const key = 'order.local';
        const paid = new OrderPaid();
        bus.emit(OrderPaid.name, paid);
        bus.emit(OrderPaid.getName(), paid);
        bus.emit(OrderPaid.topic, paid);
        bus.emit(paid.eventName, paid);
        bus.emit(refunded.eventName, refunded);
        bus.emit(key, paid);
      }
      `,
      {
        events: {
          OrderPaid: { publishers: ['src/service.ts:6'] },
          'order.local': { publishers: ['src/service.ts:11'] },
          'order.paid': { publishers: ['src/events.ts:11', 'src/service.ts:9', 'src/service.ts:10'] },
          'order.paid.v2': { publishers: ['src/service.ts:7'] },
          'order.paid.v3': { publishers: ['src/service.ts:8'] },
        },
        diagnostics: [
          'src/events.ts:11 warning unhandled-event',
          'src/service.ts:6 warning unhandled-event',
          'src/service.ts:7 warning unhandled-event',
          'src/service.ts:8 warning unhandled-event',
          'src/service.ts:9 warning unhandled-event',
          'src/service.ts:10 warning unhandled-event',
          'src/service.ts:11 warning unhandled-event',
        ],
      },
    );
  });

  test('what stays dynamic is unresolved with its reason, and counted', async () => {
    const f = await check(
      `${EMITTER_PACKAGE}
      //- /src/service.ts
      import { EventEmitter2 } from '@nestjs/event-emitter';
      const ROUTES = new Map<string, string>();
      export function run(bus: EventEmitter2, event: object, name: string, untyped): void {
        let mutable = 'order.created';
        bus.emit(event.constructor.name, event);
        bus.emit(ROUTES.get(name) ?? 'x', event);
        bus.emit(name, event);
        bus.emit(mutable, event);
        bus.emit(\`order.\${name}\`, event);
        bus.emit(['order', name], event);
        bus.emit(untyped.eventName, event);
      }
      `,
      {
        unresolved: [
          'publish src/service.ts:5 the class of an object known only at run time: event.constructor.name',
          "publish src/service.ts:6 an expression computed at run time: ROUTES.get(name) ?? 'x'",
          'publish src/service.ts:7 a parameter (the caller decides the key): name',
          'publish src/service.ts:8 a local variable, not a constant: mutable',
          'publish src/service.ts:9 a template literal with substitutions: `order.${name}`',
          "publish src/service.ts:10 a key whose segments are computed at run time: ['order', name]",
          'publish src/service.ts:11 a parameter (the caller decides the key): untyped.eventName',
        ],
        diagnostics: [5, 6, 7, 8, 9, 10, 11].map((n) => `src/service.ts:${n} information unresolved-event`),
      },
    );
    assert.equal(f.index.graph.allUnresolved().length, 7);
  });
});

// ── Precision ───────────────────────────────────────────────────────────────────────────

describe('precision', () => {
  const lookAlikes = `${EMITTER_PACKAGE}${CQRS_PACKAGE.replace('/package.json', '/libs/cqrs/package.json')}
    //- /src/look-alikes.ts
    import { EventEmitter } from 'node:events';
    import { Readable } from 'node:stream';
    import { CommandHandler, QueryHandler, ICommandHandler } from '@nestjs/cqrs';
    import { EventPattern, MessagePattern } from '@nestjs/microservices';
    import { Server } from 'socket.io';
    import { Subject } from 'rxjs';

    export class CreateOrder {}
    export class GetOrder {}

    @CommandHandler(CreateOrder)
    export class CreateOrderHandler implements ICommandHandler<CreateOrder> {
      async execute(): Promise<void> {}
    }

    @QueryHandler(GetOrder)
    export class GetOrderHandler {
      async execute(): Promise<void> {}
    }

    export class Gateway {
      private readonly local = new EventEmitter();
      private readonly changes$ = new Subject<string>();
      constructor(
        private readonly server: Server,
        private readonly stream: Readable,
        private readonly eventEmitter: any,
      ) {}

      @EventPattern('order.created')
      remote(): void {}

      @MessagePattern({ cmd: 'order.get' })
      get(): void {}

      notify(): void {
        this.server.emit('order.created', {});
        this.local.emit('order.created', {});
        this.stream.emit('data', {});
        this.changes$.next('order.created');
        this.eventEmitter.emit('order.created', {});
        // this.eventBus.publish(new CreateOrder());
        const text = "@OnEvent('order.created')";
        void text;
      }
    }
  `;

  test('transport handlers, command and query handlers, emit on sockets, streams, Node emitters and untyped receivers, comments', async () => {
    await check(lookAlikes, {});
  });

  test("Node's EventEmitter counts once configured as a receiver type", async () => {
    await check(
      `${lookAlikes}
      //- /.eventflow.json
      { "publishes": [{ "kind": "method", "name": "emit", "receiverTypes": ["EventEmitter"], "argumentIs": "key" }] }
      `,
      {
        events: { 'order.created': { publishers: ['src/look-alikes.ts:38'] } },
        diagnostics: ['src/look-alikes.ts:38 warning unhandled-event'],
      },
    );
  });

  test('the seed conventions are not applied to a NestJS workspace', async () => {
    await check(
      `${EMITTER_PACKAGE}
      //- /src/a.ts
      import { eventHandler, subscribeToEvent } from './events';
      export class A {
        @eventHandler('user.created')
        on(): void {}
      }
      subscribeToEvent('user.created', () => undefined);
      `,
      {},
    );
  });
});

// ── Wildcards ───────────────────────────────────────────────────────────────────────────

describe('wildcards', () => {
  test("EventEmitter2's matching: '*' is one segment, '**' any number (none included)", () => {
    const m = (p: string, k: string, d = '.') => wildcardMatches(p, k, d);
    assert.ok(m('order.*', 'order.created'));
    assert.ok(!m('order.*', 'order.item.created'));
    assert.ok(!m('order.*', 'order'));
    assert.ok(m('order.**', 'order.item.created'));
    assert.ok(m('order.**', 'order'));
    assert.ok(m('**', 'anything.at.all'));
    assert.ok(m('*.created', 'user.created'));
    assert.ok(m('a.**.z', 'a.z') && m('a.**.z', 'a.b.c.z') && !m('a.**.z', 'a.b.c'));
    assert.ok(m('order:*', 'order:created', ':') && !m('order.*', 'order:created', ':'));
    assert.ok(!m('order*', 'orders'));
  });

  test("'**' handles every published key; a configured delimiter; wildcards switched off make '*' a plain key", async () => {
    const handlers = `
      //- /src/audit.ts
      import { OnEvent } from '@nestjs/event-emitter';
      export class Audit {
        @OnEvent('**')
        all(): void {}
        @OnEvent('order:*')
        orders(): void {}
      }
      //- /src/service.ts
      import { EventEmitter2 } from '@nestjs/event-emitter';
      export function run(bus: EventEmitter2): void {
        bus.emit('order:created', {});
        bus.emit('user.deleted', {});
      }
    `;
    await check(`${EMITTER_PACKAGE}${handlers}\n//- /.eventflow.json\n{ "wildcards": { "delimiter": ":" } }`, {
      events: {
        'order:created': { publishers: ['src/service.ts:3'], handlers: ['Audit.all@src/audit.ts:3', 'Audit.orders@src/audit.ts:5'] },
        'user.deleted': { publishers: ['src/service.ts:4'], handlers: ['Audit.all@src/audit.ts:3'] },
      },
      patterns: { '**': ['order:created', 'user.deleted'], 'order:*': ['order:created'] },
    });
    await check(`${EMITTER_PACKAGE}${handlers}\n//- /.eventflow.json\n{ "wildcards": { "enabled": false } }`, {
      events: {
        '**': { handlers: ['Audit.all@src/audit.ts:3'] },
        'order:*': { handlers: ['Audit.orders@src/audit.ts:5'] },
        'order:created': { publishers: ['src/service.ts:3'] },
        'user.deleted': { publishers: ['src/service.ts:4'] },
      },
      diagnostics: [
        'src/audit.ts:3 warning unknown-event',
        'src/audit.ts:5 warning unknown-event',
        'src/service.ts:3 warning unhandled-event',
        'src/service.ts:4 warning unhandled-event',
      ],
    });
  });
});

describe('wildcard flows', () => {
  test('a wildcard handler that publishes: a flow from every key it matches, and a cycle when it matches its own', async () => {
    await check(
      `${EMITTER_PACKAGE}
      //- /src/retry.ts
      import { OnEvent, EventEmitter2 } from '@nestjs/event-emitter';
      export class Retry {
        constructor(private readonly bus: EventEmitter2) {}
        @OnEvent('order.*')
        again(): void {
          this.bus.emit('order.retried', {});
        }
      }
      //- /src/service.ts
      import { EventEmitter2 } from '@nestjs/event-emitter';
      export function run(bus: EventEmitter2): void {
        bus.emit('order.created', {});
      }
      `,
      {
        events: {
          'order.created': { publishers: ['src/service.ts:3'], handlers: ['Retry.again@src/retry.ts:4'] },
          'order.retried': { publishers: ['src/retry.ts:6'], handlers: ['Retry.again@src/retry.ts:4'] },
        },
        flows: ['order.created>order.retried via Retry.again', 'order.retried>order.retried via Retry.again'],
        diagnostics: ['src/retry.ts:6 warning event-cycle: Event cycle: order.retried → order.retried'],
        patterns: { 'order.*': ['order.created', 'order.retried'] },
      },
      { messages: true },
    );
  });
});

// ── Incremental updates ─────────────────────────────────────────────────────────────────

describe('incremental updates', () => {
  interface Change {
    path: string;
    text: string | null;
  }

  /** Applies `changes` one by one with update(); the end state must equal a fresh index, and every changed file be reported. */
  async function checkSequence(initial: string, steps: Change[][]): Promise<Fixture> {
    const f = await fixture(initial);
    const texts = new Map<string, string | null>(f.files.map((file) => [file.path, file.text]));
    for (const changes of steps) {
      const before = diagnosticsByFile(f.setup);
      const result = f.index.update(changes.map((c) => ({ path: f.abs(c.path), text: c.text })));
      for (const c of changes) texts.set(c.path, c.text);
      const finalFiles: FixtureFile[] = [...texts].filter((e): e is [string, string] => e[1] !== null).map(([p, text]) => ({ path: p, text }));
      const fresh = await indexFiles(finalFiles);
      assert.deepEqual(summaryOf(f, { messages: true }), summaryOf(fresh, { messages: true }), 'the updated index differs from a fresh index of the same texts');
      const reported = result.diagnosticsChanged.map((p) => relativePath(f.root, p));
      for (const file of changedFiles(before, diagnosticsByFile(f.setup))) assert.ok(reported.includes(file), `${file}'s diagnostics changed but update() reported only ${JSON.stringify(reported)}`);
    }
    return f;
  }

  const emitterApp = `${EMITTER_PACKAGE}
    //- /src/audit.ts
    import { OnEvent } from '@nestjs/event-emitter';
    export class Audit {
      @OnEvent('order.*')
      orders(): void {}
    }
    //- /src/service.ts
    import { EventEmitter2 } from '@nestjs/event-emitter';
    export function run(bus: EventEmitter2): void {
      bus.emit('order.created', {});
    }
  `;
  const audit = (pattern: string) => `import { OnEvent } from '@nestjs/event-emitter';\nexport class Audit {\n  @OnEvent('${pattern}')\n  orders(): void {}\n}\n`;
  const service = (...keys: string[]) =>
    `import { EventEmitter2 } from '@nestjs/event-emitter';\nexport function run(bus: EventEmitter2): void {\n${keys.map((k) => `  bus.emit('${k}', {});\n`).join('')}}\n`;

  test('a wildcard handler whose pattern changes re-checks the keys it matched and now matches', async () => {
    const f = await checkSequence(emitterApp, [
      [{ path: 'src/audit.ts', text: audit('invoice.*') }],
      [{ path: 'src/service.ts', text: service('order.created', 'invoice.paid') }],
      [{ path: 'src/audit.ts', text: audit('**') }],
      [{ path: 'src/audit.ts', text: null }],
    ]);
    assert.deepEqual(summaryOf(f).diagnostics, ['src/service.ts:3 warning unhandled-event', 'src/service.ts:4 warning unhandled-event']);
  });

  test('a publish appearing and going away re-checks the wildcard that matches it', async () => {
    await checkSequence(emitterApp, [
      [{ path: 'src/service.ts', text: service() }],
      [{ path: 'src/service.ts', text: service('order.shipped') }],
      [{ path: 'src/other.ts', text: service('order.created') }],
      [{ path: 'src/service.ts', text: null }],
    ]);
  });

  test('flows and cycles through a wildcard handler follow its matches', async () => {
    const retry = (pattern: string) =>
      `import { OnEvent, EventEmitter2 } from '@nestjs/event-emitter';\nexport class Retry {\n  constructor(private readonly bus: EventEmitter2) {}\n  @OnEvent('${pattern}')\n  again(): void {\n    this.bus.emit('order.retried', {});\n  }\n}\n`;
    const f = await checkSequence(emitterApp, [
      [{ path: 'src/retry.ts', text: retry('invoice.*') }],
      [{ path: 'src/retry.ts', text: retry('order.*') }],
      [{ path: 'src/service.ts', text: service('order.shipped') }],
      [{ path: 'src/retry.ts', text: retry('order.created') }],
    ]);
    // A plain key again: the flow is from that key, published or not; no cycle is left.
    assert.deepEqual(summaryOf(f).flows, ['order.created>order.retried via Retry.again']);
    assert.ok(!summaryOf(f).diagnostics?.some((d) => d.includes('event-cycle')));
  });

  const cqrsApp = `${CQRS_PACKAGE}
    //- /src/events.ts
    export class OrderPlaced {
      constructor(public readonly id: string) {}
    }
    export class OrderShipped {}
    //- /src/handlers.ts
    import { EventsHandler } from '@nestjs/cqrs';
    import { OrderPlaced } from './events';
    @EventsHandler(OrderPlaced)
    export class OnPlaced {
      handle(event: OrderPlaced): void {}
    }
  `;

  test('CQRS: a class becomes an event when a handler or a publish starts using it, and stops when none does', async () => {
    const f = await checkSequence(cqrsApp, [
      [
        {
          path: 'src/handlers.ts',
          text: "import { EventsHandler } from '@nestjs/cqrs';\nimport { OrderPlaced, OrderShipped } from './events';\n@EventsHandler(OrderPlaced, OrderShipped)\nexport class OnPlaced {\n  handle(event: OrderPlaced): void {}\n}\n",
        },
      ],
      [
        {
          path: 'src/ship.ts',
          text: "import { EventBus } from '@nestjs/cqrs';\nimport { OrderShipped } from './events';\nexport class Ship {\n  constructor(private readonly bus: EventBus) {}\n  run(): void {\n    this.bus.publish(new OrderShipped());\n  }\n}\n",
        },
      ],
      [{ path: 'src/handlers.ts', text: "export const nothing = 0;\n" }],
      [{ path: 'src/ship.ts', text: null }],
    ]);
    assert.equal(summaryOf(f).events, undefined);
  });

  test('an edit inside a CQRS handler body that touches no event leaves the surface alone', async () => {
    const f = await fixture(cqrsApp);
    const handlers = f.abs('src/handlers.ts');
    const before = f.index.files.get(handlers)!.surface;
    f.index.update([{ path: handlers, text: f.text('src/handlers.ts').replace('handle(event: OrderPlaced): void {}', 'handle(event: OrderPlaced): void {\n    console.log(event.id);\n  }') }]);
    assert.equal(f.index.files.get(handlers)!.surface, before);
    assert.deepEqual(Object.keys(summaryOf(f).events ?? {}), ['OrderPlaced']);
  });
});

// ── The pre-filter ──────────────────────────────────────────────────────────────────────

describe('the pre-filter', () => {
  test('never skips a fixture file that has a handler, a publish or an event class of its own', async () => {
    for (const name of ['nestjs-event-emitter', 'nestjs-cqrs', 'custom-domain-events', 'monorepo']) {
      const f = await indexFolder(path.join(FIXTURES, name));
      const conventions = f.index.currentConventions;
      for (const file of f.index.files.keys()) {
        const text = fs.readFileSync(file, 'utf8');
        const facts = extractTypeScript(file, text, conventions);
        const implementsEvent = (c: (typeof facts.classes)[number]) => !!c.implements?.some((p) => conventions.eventInterfaces.includes(p[p.length - 1]));
        const matters = facts.handlers.length > 0 || facts.publishes.length > 0 || facts.classes.some((c) => c.extends.length > 0 || implementsEvent(c));
        if (matters) assert.ok(mayMatter(file, text, conventions), `${name}: ${relativePath(f.root, file)} has facts but the pre-filter skips it`);
      }
    }
  });
});

// ── The CLI ─────────────────────────────────────────────────────────────────────────────

describe('eventflow check --profile', () => {
  async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env = { ...process.env };
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    return { code, stdout, stderr };
  }
  const lines = (stdout: string) => stdout.trimEnd().split('\n').slice(0, -1);
  const cqrs = path.join(FIXTURES, 'nestjs-cqrs');

  test('--profile nestjs-cqrs on the CQRS fixture: the expected findings, exit 0 (warnings only)', async () => {
    const r = await cli(['check', '--profile', 'nestjs-cqrs', cqrs]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), [
      "src/heroes/events/hero-progress.events.ts:31:14 hint unpublished-event 'HeroDiedEvent' (HeroDiedEvent) is declared but never published",
      "src/heroes/models/hero.model.ts:17:29 information unresolved-event Event Flow cannot tell which event this publishes: the type of 'event' is not declared",
      "src/heroes/services/leaderboard.service.ts:15:5 warning unhandled-event 'HeroRetiredEvent' is published here but no handler handles it",
      "src/heroes/services/leaderboard.service.ts:19:5 information unresolved-event Event Flow cannot tell which event this publishes: the event is typed as the interface 'IEvent'",
      "src/heroes/services/leaderboard.service.ts:31:33 information unresolved-event Event Flow cannot tell which event this publishes: the type of 'event' is not declared",
      "src/heroes/services/leaderboard.service.ts:32:38 information unresolved-event Event Flow cannot tell which event this publishes: the event is typed as the abstract class 'HeroEvent'",
    ]);
    assert.match(r.stdout.trimEnd().split('\n').pop()!, /^6 events, 7 publishers, 5 handlers, 4 unresolved · 0 errors, 1 warnings, 4 infos, 1 hints · 15 files \(11 parsed\)/);
  });

  test('--max-warnings 0 fails on the unhandled event; --profile seed finds nothing in a CQRS app', async () => {
    const strict = await cli(['check', '--profile', 'nestjs-cqrs', '--max-warnings', '0', cqrs]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /1 warnings, more than the maximum of 0/);
    const seed = await cli(['check', '--profile=seed', cqrs, '--format', 'json']);
    assert.equal(seed.code, 0, seed.stderr);
    const report = JSON.parse(seed.stdout);
    assert.deepEqual([report.events.length, report.unresolved.length, report.diagnostics.length], [0, 0, 0]);
  });

  test('an unknown profile is a usage error: exit 2 and the names it accepts', async () => {
    const r = await cli(['check', '--profile', 'nestjs', cqrs]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "eventflow: unknown profile 'nestjs' (expected seed, nestjs-event-emitter, nestjs-cqrs, custom)\nRun 'eventflow --help' for usage.\n");
  });

  test('the profile is detected without --profile; the JSON report counts what stays unresolved', async () => {
    const r = await cli(['check', path.join(FIXTURES, 'nestjs-event-emitter'), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.stats.unresolved, 2);
    assert.deepEqual(
      report.unresolved.map((u: { file: string; line: number; reason: string }) => `${u.file}:${u.line} ${u.reason}`),
      ['src/orders/orders.service.ts:32 a parameter (the caller decides the key): eventName', 'src/orders/orders.service.ts:36 a computed property lookup: EVENTS.order[kind]'],
    );
  });
});
