/**
 * The event bus contract every module relies on: ordering, isolation of
 * failures, logging, and the registration paths (decorator and function).
 */

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import {
  EventBase,
  eventHandler,
  getRegisteredHandlers,
  publishEvent,
  resetEventHandlers,
  snapshotEventHandlers,
  subscribeToEvent,
  unsubscribeFromEvent,
  waitForPendingHandlers,
} from '../src/core/events';
import { captureLogs, getLogLevel, logger, setLogLevel, type LogCapture } from '../src/core/logger';

/** A test-only event, so these cases do not depend on any module's handlers. */
class ProbeFiredEvent extends EventBase {
  readonly eventType = 'probe.fired';

  constructor(readonly label = 'probe') {
    super();
  }
}

describe('event bus', () => {
  let restoreHandlers: () => void;
  let logs: LogCapture;

  beforeEach(() => {
    restoreHandlers = snapshotEventHandlers();
    resetEventHandlers();
    logs = captureLogs('debug');
  });

  afterEach(() => {
    logs.restore();
    restoreHandlers();
  });

  test('handlers run in registration order and receive the event', () => {
    const calls: string[] = [];
    const event = new ProbeFiredEvent('ordered');
    subscribeToEvent('probe.fired', function first(received: ProbeFiredEvent) {
      assert.equal(received, event);
      calls.push('first');
    });
    subscribeToEvent('probe.fired', function second(_received: ProbeFiredEvent) {
      calls.push('second');
    });
    subscribeToEvent('probe.fired', function third(_received: ProbeFiredEvent) {
      calls.push('third');
    });

    event.publish();

    assert.deepEqual(calls, ['first', 'second', 'third']);
    assert.deepEqual(getRegisteredHandlers().get('probe.fired'), ['first', 'second', 'third']);
  });

  test('a throwing handler is logged with its name and the event type, and the next one still runs', () => {
    const calls: string[] = [];
    subscribeToEvent('probe.fired', function explodingHandler(_event: ProbeFiredEvent) {
      throw new Error('disk full');
    });
    subscribeToEvent('probe.fired', function survivingHandler(_event: ProbeFiredEvent) {
      calls.push('survivingHandler');
    });

    assert.doesNotThrow(() => publishEvent(new ProbeFiredEvent()));

    assert.deepEqual(calls, ['survivingHandler']);
    const errors = logs.records.filter((record) => record.level === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.message, 'Error handling event probe.fired with handler explodingHandler: disk full');
    assert.equal((errors[0]?.error as Error).message, 'disk full');
  });

  test('publishing an event nobody handles is logged at info level', () => {
    publishEvent(new ProbeFiredEvent());

    const record = logs.records.find((entry) => entry.message.includes('No handlers registered'));
    assert.ok(record, 'expected a "no handlers" log record');
    assert.equal(record.level, 'info');
    assert.equal(record.message, 'No handlers registered for event probe.fired');
  });

  test('unsubscribeFromEvent stops delivery and reports whether anything was removed', () => {
    const calls: string[] = [];
    const kept = (_event: ProbeFiredEvent): void => {
      calls.push('kept');
    };
    const removed = (_event: ProbeFiredEvent): void => {
      calls.push('removed');
    };
    subscribeToEvent('probe.fired', removed);
    subscribeToEvent('probe.fired', kept);

    assert.equal(unsubscribeFromEvent('probe.fired', removed), true);
    assert.equal(unsubscribeFromEvent('probe.fired', removed), false);
    new ProbeFiredEvent().publish();

    assert.deepEqual(calls, ['kept']);
  });

  test('an async handler rejection is logged, never lost, and publishing stays synchronous', { timeout: 5000 }, async () => {
    const order: string[] = [];
    subscribeToEvent('probe.fired', async function rejectingHandler(_event: ProbeFiredEvent) {
      await Promise.resolve();
      throw new Error('push gateway down');
    });
    subscribeToEvent('probe.fired', function nextHandler(_event: ProbeFiredEvent) {
      order.push('nextHandler');
    });
    const failureLogged = logs.waitFor((record) => record.level === 'error');

    const returned: unknown = publishEvent(new ProbeFiredEvent());

    assert.equal(returned, undefined);
    assert.deepEqual(order, ['nextHandler']);
    assert.equal(logs.records.some((record) => record.level === 'error'), false, 'rejection must be logged later, not thrown');

    const record = await failureLogged;
    assert.equal(record.message, 'Error handling event probe.fired with handler rejectingHandler: push gateway down');
  });

  test('waitForPendingHandlers resolves once async handlers have finished', async () => {
    const done: string[] = [];
    subscribeToEvent('probe.fired', async function slowHandler(event: ProbeFiredEvent) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      done.push(event.label);
    });

    new ProbeFiredEvent('late').publish();
    assert.deepEqual(done, []);

    await waitForPendingHandlers();
    assert.deepEqual(done, ['late']);
  });

  test('@eventHandler registers a static method when its class is defined, bound to the class', () => {
    class ProbeHandlers {
      static readonly seen: string[] = [];

      @eventHandler('probe.fired')
      static onProbeFired(event: ProbeFiredEvent): void {
        this.seen.push(event.label);
      }
    }

    new ProbeFiredEvent('decorated').publish();

    assert.deepEqual(ProbeHandlers.seen, ['decorated']);
    assert.deepEqual(getRegisteredHandlers().get('probe.fired'), ['ProbeHandlers.onProbeFired']);
  });

  test('decorated and subscribed handlers share ordering and error isolation', () => {
    const calls: string[] = [];
    subscribeToEvent('probe.fired', function before(_event: ProbeFiredEvent) {
      calls.push('before');
    });
    class FlakyHandlers {
      @eventHandler('probe.fired')
      static explode(_event: ProbeFiredEvent): void {
        throw new Error('boom');
      }
    }
    subscribeToEvent('probe.fired', function after(_event: ProbeFiredEvent) {
      calls.push('after');
    });

    new ProbeFiredEvent().publish();

    assert.ok(FlakyHandlers);
    assert.deepEqual(calls, ['before', 'after']);
    assert.ok(
      logs.records.some(
        (record) =>
          record.level === 'error' && record.message === 'Error handling event probe.fired with handler FlakyHandlers.explode: boom',
      ),
    );
  });

  test('snapshotEventHandlers restores exactly what was registered', () => {
    const handler = (_event: ProbeFiredEvent): void => {};
    subscribeToEvent('probe.fired', handler);
    const restore = snapshotEventHandlers();

    resetEventHandlers();
    assert.equal(getRegisteredHandlers().size, 0);

    restore();
    assert.deepEqual(getRegisteredHandlers().get('probe.fired'), ['handler']);
  });
});

describe('logger', () => {
  test('the level can be raised and lowered, and captures see only enabled records', () => {
    const capture = captureLogs('warn');
    try {
      logger.info('hidden');
      logger.warn('shown');
      setLogLevel('debug');
      logger.debug('now shown');

      assert.deepEqual(
        capture.records.map((record) => [record.level, record.message]),
        [
          ['warn', 'shown'],
          ['debug', 'now shown'],
        ],
      );
    } finally {
      capture.restore();
    }
    assert.notEqual(getLogLevel(), 'debug');
  });
});
