/**
 * The email handlers in isolation: a fake transport instead of the outbox,
 * and the handlers called directly instead of through a publisher.
 */

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { getRegisteredHandlers, resetEventHandlers, snapshotEventHandlers, subscribeToEvent } from '../src/core/events';
import { captureLogs, type LogCapture } from '../src/core/logger';
import { PASSWORD_RESET_REQUESTED } from '../src/modules/auth/domain/event-types';
import { PasswordResetRequestedEvent } from '../src/modules/auth/domain/events';
import { EmailSentEvent } from '../src/modules/email/domain/events';
import { EmailEventHandlers } from '../src/modules/email/services/email-event-handlers';
import { setEmailService, type EmailService, type SentEmail } from '../src/modules/email/services/email-service';
import { UserCreatedEvent } from '../src/modules/users/domain/events';

class FakeEmailService implements EmailService {
  readonly calls: string[][] = [];

  sendNewAccountEmail(emailTo: string, username: string): SentEmail {
    this.calls.push(['sendNewAccountEmail', emailTo, username]);
    return { to: emailTo, subject: 'fake welcome', body: '' };
  }

  sendPasswordResetEmail(emailTo: string, username: string, token: string): SentEmail {
    this.calls.push(['sendPasswordResetEmail', emailTo, username, token]);
    return { to: emailTo, subject: 'fake reset', body: '' };
  }
}

describe('EmailEventHandlers', () => {
  let restoreHandlers: () => void;
  let restoreEmailService: () => void;
  let logs: LogCapture;
  let fake: FakeEmailService;
  let sent: EmailSentEvent[];

  beforeEach(() => {
    restoreHandlers = snapshotEventHandlers();
    logs = captureLogs('info');
    fake = new FakeEmailService();
    const previous = setEmailService(fake);
    restoreEmailService = () => setEmailService(previous);
  });

  afterEach(() => {
    restoreEmailService();
    logs.restore();
    restoreHandlers();
  });

  /** Keeps only our listener, so the handler's own publish is observable and goes nowhere else. */
  function listenForSentEmails(): void {
    resetEventHandlers();
    sent = [];
    subscribeToEvent('email.sent', (event: EmailSentEvent) => {
      sent.push(event);
    });
  }

  test('are registered for their event types just by importing the file', () => {
    const table = getRegisteredHandlers();
    assert.deepEqual(table.get('user.created'), ['EmailEventHandlers.handleUserCreated']);
    assert.deepEqual(table.get(PASSWORD_RESET_REQUESTED), ['EmailEventHandlers.handlePasswordResetRequested']);
  });

  test('handleUserCreated sends the welcome email, using the address when there is no name', () => {
    listenForSentEmails();

    EmailEventHandlers.handleUserCreated(new UserCreatedEvent({ userId: 'u-1', email: 'test@example.com' }));

    assert.deepEqual(fake.calls, [['sendNewAccountEmail', 'test@example.com', 'test@example.com']]);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.to, 'test@example.com');
    assert.equal(sent[0]?.subject, 'fake welcome');
  });

  test('handlePasswordResetRequested sends the reset email with the token', () => {
    listenForSentEmails();

    EmailEventHandlers.handlePasswordResetRequested(
      new PasswordResetRequestedEvent({ email: 'ada@example.com', token: 'tok-123', username: 'Ada' }),
    );

    assert.deepEqual(fake.calls, [['sendPasswordResetEmail', 'ada@example.com', 'Ada', 'tok-123']]);
    assert.deepEqual(
      sent.map((event) => [event.to, event.subject]),
      [['ada@example.com', 'fake reset']],
    );
  });

  test('a failing transport is contained by the bus and nothing is announced', () => {
    listenForSentEmails();
    setEmailService({
      sendNewAccountEmail: () => {
        throw new Error('SMTP unavailable');
      },
      sendPasswordResetEmail: () => {
        throw new Error('SMTP unavailable');
      },
    });
    subscribeToEvent('user.created', EmailEventHandlers.handleUserCreated);

    new UserCreatedEvent({ userId: 'u-2', email: 'x@example.com' }).publish();

    assert.deepEqual(sent, []);
    assert.ok(
      logs.records.some(
        (record) => record.level === 'error' && record.message.includes('user.created') && record.message.includes('handleUserCreated'),
      ),
    );
  });
});
