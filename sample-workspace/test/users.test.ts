import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { resetEventHandlers, snapshotEventHandlers, subscribeToEvent } from '../src/core/events';
import { captureLogs, type LogCapture } from '../src/core/logger';
import { UserCreatedEvent } from '../src/modules/users/domain/events';
import { DuplicateEmailError, UserService } from '../src/modules/users/services/user-service';

/** Every publish goes through the bus's info log, so this sees events nobody subscribed to as well. */
function publishedEventTypes(logs: LogCapture): string[] {
  return logs.records.flatMap((record) => /^\s*Publishing event (\S+)$/.exec(record.message)?.[1] ?? []);
}

describe('UserService', () => {
  let restoreHandlers: () => void;
  let logs: LogCapture;

  beforeEach(() => {
    restoreHandlers = snapshotEventHandlers();
    resetEventHandlers();
    logs = captureLogs('info');
  });

  afterEach(() => {
    logs.restore();
    restoreHandlers();
  });

  test('createUser publishes exactly one user.created carrying the new user', () => {
    const received: UserCreatedEvent[] = [];
    subscribeToEvent('user.created', (event: UserCreatedEvent) => {
      received.push(event);
    });
    const service = new UserService();

    const user = service.createUser({ email: 'grace@example.com', fullName: 'Grace Hopper', password: 'cobol-1959' });

    assert.deepEqual(publishedEventTypes(logs), ['user.created']);
    assert.equal(received.length, 1);
    const [event] = received;
    assert.ok(event instanceof UserCreatedEvent);
    assert.equal(event.userId, user.id);
    assert.equal(event.email, 'grace@example.com');
    assert.equal(event.fullName, 'Grace Hopper');
    assert.ok(event.createdAt instanceof Date);
    assert.notEqual(user.passwordHash, 'cobol-1959');
  });

  test('a duplicate email is rejected before anything is published', () => {
    const service = new UserService();
    service.createUser({ email: 'grace@example.com', password: 'x' });
    logs.clear();

    assert.throws(() => service.createUser({ email: 'GRACE@example.com', password: 'y' }), DuplicateEmailError);
    assert.deepEqual(publishedEventTypes(logs), []);
  });

  test('deleteUser publishes user.deleted, which no module handles (logged at info)', () => {
    const service = new UserService();
    const user = service.createUser({ email: 'grace@example.com', password: 'x' });

    assert.equal(service.deleteUser(user.id), true);
    assert.equal(service.deleteUser(user.id), false);

    assert.deepEqual(publishedEventTypes(logs), ['user.created', 'user.deleted']);
    assert.ok(
      logs.records.some((record) => record.level === 'info' && record.message === 'No handlers registered for event user.deleted'),
    );
  });
});
