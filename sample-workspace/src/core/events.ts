/**
 * In-process event bus.
 *
 * Modules announce that something happened by publishing an event; other
 * modules react by registering handlers for the event's type key. Neither side
 * imports the other's services, which is what keeps the modules decoupled.
 *
 * Dispatch is synchronous and in registration order, like the original Python
 * implementation this mirrors. A failing handler never stops the others.
 */

import { logger } from './logger';

/**
 * Base class of every domain event.
 *
 * Subclasses set `eventType` with a string literal property initializer
 * (`readonly eventType = 'user.created'`), so the key is visible right where
 * the event is declared.
 */
export abstract class EventBase {
  abstract readonly eventType: string;
  readonly createdAt = new Date();

  /** Convenience for `publishEvent(this)`, so publishers need one import less. */
  publish(): void {
    publishEvent(this);
  }
}

/**
 * A handler may be async; its promise is observed by the bus so a rejection is
 * logged rather than lost, but publishing never waits for it.
 */
export type EventHandler<E extends EventBase = EventBase> = (event: E) => void | Promise<void>;

const handlers = new Map<string, EventHandler[]>();

/** Promises of async handlers that have not settled yet (see waitForPendingHandlers). */
const pending = new Set<Promise<void>>();

/** Nesting level of publishes made from inside handlers; only used to indent logs. */
let dispatchDepth = 0;

function handlerName(handler: EventHandler): string {
  return handler.name || '<anonymous>';
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function logHandlerFailure(eventType: string, handler: EventHandler, error: unknown): void {
  logger.error(`Error handling event ${eventType} with handler ${handlerName(handler)}: ${describeError(error)}`, error);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

/**
 * Registers `handler` for `eventType`. Handlers run in the order they were
 * registered; registering the same function twice makes it run twice.
 *
 * The type parameter is trusted, not checked: the string key is what decides
 * which events arrive, so keep it in sync with the event class's `eventType`.
 */
export function subscribeToEvent<E extends EventBase>(eventType: string, handler: EventHandler<E>): void {
  let list = handlers.get(eventType);
  if (!list) {
    list = [];
    handlers.set(eventType, list);
  }
  list.push(handler as EventHandler);
  logger.debug(`Registered handler ${handlerName(handler as EventHandler)} for event ${eventType}`);
}

/**
 * Removes the most recent registration of `handler` for `eventType`.
 * Returns false when it was not registered, which usually means a typo.
 */
export function unsubscribeFromEvent<E extends EventBase>(eventType: string, handler: EventHandler<E>): boolean {
  const list = handlers.get(eventType);
  const index = list ? list.lastIndexOf(handler as EventHandler) : -1;
  if (!list || index === -1) return false;
  list.splice(index, 1);
  if (list.length === 0) handlers.delete(eventType);
  logger.debug(`Unregistered handler ${handlerName(handler as EventHandler)} for event ${eventType}`);
  return true;
}

/**
 * Delivers `event` to every handler registered for its type.
 *
 * Stays synchronous on purpose: publishers keep their simple call-and-return
 * flow, and the order of side effects is the registration order.
 */
export function publishEvent(event: EventBase): void {
  const eventType = event.eventType;
  const indent = '    '.repeat(dispatchDepth);
  logger.info(`${indent}Publishing event ${eventType}`);

  // Copy, so handlers that (un)subscribe while we dispatch affect the next publish, not this one.
  const registered = [...(handlers.get(eventType) ?? [])];
  if (registered.length === 0) {
    logger.info(`${indent}No handlers registered for event ${eventType}`);
    return;
  }

  dispatchDepth++;
  try {
    for (const handler of registered) {
      logger.debug(`${indent}  -> ${handlerName(handler)}`);
      try {
        const result: unknown = handler(event);
        if (isPromiseLike(result)) track(eventType, handler, result);
      } catch (error) {
        logHandlerFailure(eventType, handler, error);
      }
    }
  } finally {
    dispatchDepth--;
  }
}

function track(eventType: string, handler: EventHandler, result: PromiseLike<unknown>): void {
  const settled = Promise.resolve(result).then(
    () => logger.debug(`Async handler ${handlerName(handler)} finished for event ${eventType}`),
    (error: unknown) => logHandlerFailure(eventType, handler, error),
  );
  pending.add(settled);
  void settled.finally(() => pending.delete(settled));
}

/**
 * Resolves once every async handler started so far (including ones started by
 * events those handlers published) has settled. Useful before shutdown and in
 * demos; it never rejects because failures are already logged.
 */
export async function waitForPendingHandlers(): Promise<void> {
  while (pending.size > 0) {
    await Promise.all(pending);
  }
}

/**
 * Standard (TC39) method decorator that registers a static method as the
 * handler for `eventType`.
 *
 * Static only: the registration happens once, when the class is defined,
 * which is what makes importing a handler file enough to wire it up. The
 * method is registered through `subscribeToEvent`, so decorated handlers and
 * plain functions share ordering, error isolation and logging. It is logged
 * as `ClassName.methodName`.
 */
export function eventHandler(eventType: string) {
  return function <This extends { readonly name: string }, E extends EventBase>(
    method: (this: This, event: E) => void | Promise<void>,
    context: ClassMethodDecoratorContext<This, (this: This, event: E) => void | Promise<void>> & { readonly static: true },
  ): void {
    if (!context.static) {
      // Guards plain JavaScript callers; TypeScript rejects this at compile time.
      throw new TypeError(`@eventHandler('${eventType}') must decorate a static method`);
    }
    const methodName = String(context.name);
    context.addInitializer(function (this: This) {
      const bound = method.bind(this);
      Object.defineProperty(bound, 'name', { value: `${this.name}.${methodName}` });
      subscribeToEvent(eventType, bound);
    });
  };
}

/** Names of the registered handlers per event type, in dispatch order. */
export function getRegisteredHandlers(): Map<string, string[]> {
  return new Map([...handlers].map(([eventType, list]) => [eventType, list.map(handlerName)]));
}

/** Removes every handler. For tests; pair it with snapshotEventHandlers to undo. */
export function resetEventHandlers(): void {
  handlers.clear();
}

/**
 * Takes a copy of the registry and returns a function that restores it.
 * Tests call it before each case so subscriptions made by one case cannot leak
 * into the next, while handlers registered at import time survive.
 */
export function snapshotEventHandlers(): () => void {
  const saved = [...handlers].map(([eventType, list]) => [eventType, [...list]] as const);
  return () => {
    handlers.clear();
    for (const [eventType, list] of saved) handlers.set(eventType, [...list]);
  };
}
