/**
 * The modules wired together by createApp(): the flows from the design doc,
 * end to end, plus a guard on the wiring itself.
 */

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { createApp } from '../src/app';
import { getRegisteredHandlers, snapshotEventHandlers, waitForPendingHandlers } from '../src/core/events';
import { captureLogs, type LogCapture } from '../src/core/logger';
import { InMemoryEmailService, setEmailService } from '../src/modules/email';
import { NotificationService, setNotificationService } from '../src/modules/notifications';
import { SearchIndex, setSearchIndex } from '../src/modules/search';

describe('createApp', () => {
  let restoreHandlers: () => void;
  let logs: LogCapture;
  let email: InMemoryEmailService;
  let notifications: NotificationService;
  let search: SearchIndex;
  let restoreServices: () => void;

  beforeEach(() => {
    logs = captureLogs('info');
    createApp();
    restoreHandlers = snapshotEventHandlers();
    email = new InMemoryEmailService();
    notifications = new NotificationService();
    search = new SearchIndex();
    const previous = [setEmailService(email), setNotificationService(notifications), setSearchIndex(search)] as const;
    restoreServices = () => {
      setEmailService(previous[0]);
      setNotificationService(previous[1]);
      setSearchIndex(previous[2]);
    };
  });

  afterEach(() => {
    restoreServices();
    logs.restore();
    restoreHandlers();
  });

  test('is idempotent: same services, no handler registered twice', () => {
    const first = createApp();
    const second = createApp();

    assert.equal(first, second);
    assert.deepEqual(getRegisteredHandlers().get('email.sent'), ['recordDelivery']);
  });

  test('wires exactly the handlers the sample documents', () => {
    assert.deepEqual(
      Object.fromEntries(getRegisteredHandlers()),
      {
        'user.created': ['EmailEventHandlers.handleUserCreated'],
        'password.reset.requested': ['EmailEventHandlers.handlePasswordResetRequested'],
        'item.created': ['NotificationEventHandlers.handleItemCreated', 'SearchEventHandlers.indexCreatedItem'],
        'item.craeted': ['NotificationEventHandlers.onItemCraeted'],
        'item.updated': ['SearchEventHandlers.reindexUpdatedItem'],
        'item.deleted': ['SearchEventHandlers.removeDeletedItem'],
        'item.archive': ['SearchEventHandlers.removeArchivedItem'],
        'email.sent': ['recordDelivery'],
      },
    );
  });

  test('sign-up and password reset: emails go out and their delivery is logged', () => {
    const app = createApp();

    app.users.createUser({ email: 'ada@example.com', fullName: 'Ada', password: 'pw' });
    app.auth.requestPasswordReset('ada@example.com');

    assert.deepEqual(
      email.outbox.map((message) => message.subject),
      ['Welcome aboard', 'Reset your password'],
    );
    assert.deepEqual(
      notifications.emailDeliveries.map((delivery) => delivery.subject),
      ['Welcome aboard', 'Reset your password'],
    );
  });

  test('item creation: indexed at once, owner notified once the async push completes', async () => {
    const app = createApp();

    const item = app.items.createItem({ ownerId: 'owner-1', title: 'Brass lamp' });

    assert.deepEqual(search.search('lamp'), [item.id]);
    await waitForPendingHandlers();
    assert.deepEqual(notifications.pushed, [{ userId: 'owner-1', message: 'Your item "Brass lamp" is now live' }]);
    assert.deepEqual(notifications.digest, [], "the misspelt 'item.craeted' handler never runs");
  });

  test('updating, archiving and deleting items keep the search index in step', () => {
    const app = createApp();
    const lamp = app.items.createItem({ ownerId: 'owner-1', title: 'Brass lamp' });
    const desk = app.items.createItem({ ownerId: 'owner-1', title: 'Oak desk' });

    app.items.updateItem(lamp.id, { title: 'Copper lamp' });
    assert.deepEqual(search.search('copper'), [lamp.id]);

    app.items.archiveItem(lamp.id);
    app.items.deleteItem(desk.id);
    assert.equal(search.size, 0);
  });

  test('no run logs an error', async () => {
    const app = createApp();
    const user = app.users.createUser({ email: 'bob@example.com', password: 'pw' });
    app.auth.requestPasswordReset('bob@example.com');
    app.items.createItem({ ownerId: user.id, title: 'Chair' });
    app.users.deleteUser(user.id);
    await waitForPendingHandlers();

    assert.deepEqual(
      logs.records.filter((record) => record.level === 'error' || record.level === 'warn'),
      [],
    );
  });
});
