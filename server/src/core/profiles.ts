/**
 * Convention profiles: the event systems Event Flow knows out of the box. Each profile adds
 * its vocabulary (handler decorators, registrations, publish calls, what makes a class an
 * event) to a Conventions object; several can be active at once. They are chosen from the
 * workspace's package.json dependencies unless `.eventflow.json` (`"profiles"`) or the CLI
 * (`--profile`) names them. Profiles are data, like the rest of the conventions.
 */
import {
  PROFILE_FIELDS,
  appendUnique,
  neutralConventions,
  seedConventions,
  type Conventions,
  type HandlerCallConvention,
  type HandlerDecoratorConvention,
  type PublishConvention,
  type RegistrationConvention,
} from './conventions';
import type { WorkspacePackage } from './packages';

export const PROFILE_NAMES = ['seed', 'nestjs-event-emitter', 'nestjs-cqrs', 'custom'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/** A profile's vocabulary, added to what the other active profiles bring. */
export interface ProfileVocabulary {
  baseClasses?: string[];
  eventTypeProperties?: string[];
  superKeyArgument?: boolean;
  handlerDecorators?: HandlerDecoratorConvention[];
  registrations?: RegistrationConvention[];
  publishes?: PublishConvention[];
  handlerCalls?: HandlerCallConvention[];
  eventInterfaces?: string[];
  classNameKeys?: boolean;
}

/** The sample's event system: `EventBase` subclasses, `@eventHandler`, `subscribeToEvent`, `publish()`. */
function seed(): ProfileVocabulary {
  const s = seedConventions();
  return {
    baseClasses: s.baseClasses,
    eventTypeProperties: s.eventTypeProperties,
    superKeyArgument: s.superKeyArgument,
    handlerDecorators: s.handlerDecorators,
    registrations: s.registrations,
    publishes: s.publishes,
  };
}

/**
 * `@nestjs/event-emitter`: `@OnEvent(key | segments, options?)` methods (several per method,
 * wildcards), `emit`/`emitAsync` on an `EventEmitter2`. Keys are strings: events need no class.
 * An array key is EventEmitter2's namespace (`['order', 'created']` is `order.created`), as
 * EventEmitter2 reads it, not a list of events.
 */
function nestjsEventEmitter(): ProfileVocabulary {
  const emit = (name: string): PublishConvention => ({ kind: 'method', name, receiverTypes: ['EventEmitter2'], argument: 0, argumentIs: 'key', array: 'segments' });
  return {
    handlerDecorators: [{ name: 'OnEvent', keyArg: 0, array: 'segments', wildcards: true }],
    publishes: [emit('emit'), emit('emitAsync')],
  };
}

/**
 * `@nestjs/cqrs`: events are classes keyed by their name; `@EventsHandler(A, B)` classes handle
 * them in `handle`; `@Saga()` members handle what their `ofType(...)` names; `EventBus.publish`,
 * `publishAll` and `apply` inside an `AggregateRoot` publish. A class is an event when it
 * implements `IEvent` or is used as one by a handler or a publish.
 */
function nestjsCqrs(): ProfileVocabulary {
  return {
    handlerDecorators: [{ name: 'EventsHandler', keyArg: 0, target: 'class', method: 'handle', argumentIs: 'class' }],
    handlerCalls: [{ name: 'ofType', within: 'Saga' }],
    publishes: [
      { kind: 'method', name: 'publish', receiverTypes: ['EventBus'], argument: 0, argumentIs: 'event', declaresEventClass: true },
      { kind: 'method', name: 'publishAll', receiverTypes: ['EventBus'], argument: 0, argumentIs: 'events', declaresEventClass: true },
      { kind: 'method', name: 'apply', thisExtends: ['AggregateRoot'], argument: 0, argumentIs: 'event', declaresEventClass: true },
    ],
    eventInterfaces: ['IEvent'],
    classNameKeys: true,
  };
}

/** Everything from `.eventflow.json`: the profile adds nothing by itself. */
function custom(): ProfileVocabulary {
  return {};
}

export const PROFILES: Record<ProfileName, () => ProfileVocabulary> = {
  seed,
  'nestjs-event-emitter': nestjsEventEmitter,
  'nestjs-cqrs': nestjsCqrs,
  custom,
};

/** Adds a vocabulary to conventions: lists add up (without duplicates), flags switch on. */
export function addVocabulary(c: Conventions, v: ProfileVocabulary): void {
  if (v.baseClasses) appendUnique(c.baseClasses, v.baseClasses);
  if (v.eventTypeProperties) appendUnique(c.eventTypeProperties, v.eventTypeProperties);
  if (v.handlerDecorators) appendUnique(c.handlerDecorators, v.handlerDecorators);
  if (v.registrations) appendUnique(c.registrations, v.registrations);
  if (v.publishes) appendUnique(c.publishes, v.publishes);
  if (v.handlerCalls) appendUnique(c.handlerCalls, v.handlerCalls);
  if (v.eventInterfaces) appendUnique(c.eventInterfaces, v.eventInterfaces);
  if (v.superKeyArgument) c.superKeyArgument = true;
  if (v.classNameKeys) c.classNameKeys = true;
}

/** Which dependency selects which profile. */
const DETECTED_BY: [string, ProfileName][] = [
  ['@nestjs/event-emitter', 'nestjs-event-emitter'],
  ['@nestjs/cqrs', 'nestjs-cqrs'],
];

/** The profiles the workspace's packages call for; `seed` when none does. */
export function detectProfiles(packages: readonly WorkspacePackage[]): ProfileName[] {
  const deps = new Set(packages.flatMap((p) => p.dependencies));
  const out = DETECTED_BY.filter(([dep]) => deps.has(dep)).map(([, profile]) => profile);
  return out.length ? out : ['seed'];
}

/**
 * Conventions for a set of profiles. `base` carries the workspace's other settings (modules,
 * severities, excludes: the editor's settings); what it says about the event system beyond
 * the seed defaults (a base class, a decorator set in the editor) is added to the profiles'.
 */
export function conventionsForProfiles(profiles: readonly ProfileName[], base?: Conventions): Conventions {
  const c = neutralConventions();
  if (base) {
    const seedDefaults = seedConventions();
    for (const [key, value] of Object.entries(structuredClone(base))) {
      if (!(PROFILE_FIELDS as readonly string[]).includes(key)) (c as unknown as Record<string, unknown>)[key] = value;
    }
    for (const name of profiles) addVocabulary(c, PROFILES[name]());
    const extra: ProfileVocabulary = {};
    const beyondSeed = <T>(list: readonly T[], seedList: readonly T[]): T[] => {
      const known = new Set(seedList.map((x) => JSON.stringify(x)));
      return list.filter((x) => !known.has(JSON.stringify(x)));
    };
    extra.baseClasses = beyondSeed(base.baseClasses, seedDefaults.baseClasses);
    extra.eventTypeProperties = beyondSeed(base.eventTypeProperties, seedDefaults.eventTypeProperties);
    extra.handlerDecorators = beyondSeed(base.handlerDecorators, seedDefaults.handlerDecorators);
    extra.registrations = beyondSeed(base.registrations, seedDefaults.registrations);
    extra.publishes = beyondSeed(base.publishes, seedDefaults.publishes);
    extra.handlerCalls = beyondSeed(base.handlerCalls, seedDefaults.handlerCalls);
    extra.eventInterfaces = beyondSeed(base.eventInterfaces, seedDefaults.eventInterfaces);
    addVocabulary(c, extra);
  } else {
    for (const name of profiles) addVocabulary(c, PROFILES[name]());
  }
  c.profiles = [...profiles];
  return c;
}
