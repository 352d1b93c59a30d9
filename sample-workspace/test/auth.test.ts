import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { resetEventHandlers, snapshotEventHandlers, subscribeToEvent } from '../src/core/events';
import { captureLogs, type LogCapture } from '../src/core/logger';
import { PASSWORD_RESET_REQUESTED } from '../src/modules/auth/domain/event-types';
import { PasswordResetRequestedEvent } from '../src/modules/auth/domain/events';
import { AuthService, type UserLookup } from '../src/modules/auth/services/auth-service';

const ada = { id: 'user-1', email: 'ada@example.com', fullName: 'Ada Lovelace' };

/** Auth only needs findByEmail, so a plain object replaces the users module. */
const users: UserLookup = {
  findByEmail: (email) => (email === ada.email ? ada : undefined),
};

describe('AuthService.requestPasswordReset', () => {
  let restoreHandlers: () => void;
  let logs: LogCapture;
  let received: PasswordResetRequestedEvent[];

  beforeEach(() => {
    restoreHandlers = snapshotEventHandlers();
    resetEventHandlers();
    logs = captureLogs('info');
    received = [];
    subscribeToEvent(PASSWORD_RESET_REQUESTED, (event: PasswordResetRequestedEvent) => {
      received.push(event);
    });
  });

  afterEach(() => {
    logs.restore();
    restoreHandlers();
  });

  test('publishes exactly one password.reset.requested with a token that can be redeemed once', () => {
    const auth = new AuthService(users);

    auth.requestPasswordReset('ada@example.com');

    assert.equal(received.length, 1);
    const [event] = received;
    assert.ok(event);
    assert.equal(event.email, 'ada@example.com');
    assert.equal(event.username, 'Ada Lovelace');
    assert.match(event.token, /^[\w-]{32}$/);
    assert.equal(logs.records.filter((record) => record.message.startsWith('Publishing event')).length, 1);

    assert.equal(auth.redeemResetToken(event.token), 'user-1');
    assert.equal(auth.redeemResetToken(event.token), undefined);
  });

  test('publishes nothing for an unknown address, without telling the caller', () => {
    const auth = new AuthService(users);

    assert.equal(auth.requestPasswordReset('nobody@example.com'), undefined);

    assert.deepEqual(received, []);
    assert.equal(logs.records.some((record) => record.message.startsWith('Publishing event')), false);
  });

  test('an expired token is refused', () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const auth = new AuthService(users, undefined, () => now);
    auth.requestPasswordReset('ada@example.com');

    now = new Date('2030-01-01T01:00:00Z');

    assert.equal(auth.redeemResetToken(received[0]?.token ?? ''), undefined);
  });

  test('the event key constant and the event class agree', () => {
    const event = new PasswordResetRequestedEvent({ email: 'a@example.com', token: 't', username: 'a' });
    assert.equal(event.eventType, PASSWORD_RESET_REQUESTED);
  });
});
