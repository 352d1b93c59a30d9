import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { EventBase, resetEventHandlers, snapshotEventHandlers, subscribeToEvent } from '../src/core/events';
import { captureLogs, type LogCapture } from '../src/core/logger';
import {
  ItemArchiveEvent,
  ItemCreatedEvent,
  ItemDeletedEvent,
  ItemUpdatedEvent,
} from '../src/modules/items/domain/events';
import { ItemService } from '../src/modules/items/services/item-service';

describe('ItemService', () => {
  let restoreHandlers: () => void;
  let logs: LogCapture;
  let published: EventBase[];

  beforeEach(() => {
    restoreHandlers = snapshotEventHandlers();
    resetEventHandlers();
    logs = captureLogs('warn');
    published = [];
    const record = (event: EventBase): void => {
      published.push(event);
    };
    subscribeToEvent('item.created', record);
    subscribeToEvent('item.updated', record);
    subscribeToEvent('item.deleted', record);
    subscribeToEvent('item.archive', record);
  });

  afterEach(() => {
    logs.restore();
    restoreHandlers();
  });

  test('createItem publishes exactly one item.created with the item fields', () => {
    const item = new ItemService().createItem({ ownerId: 'u-1', title: 'Lamp', description: 'Brass' });

    assert.equal(published.length, 1);
    const [event] = published;
    assert.ok(event instanceof ItemCreatedEvent);
    assert.deepEqual(
      { itemId: event.itemId, ownerId: event.ownerId, title: event.title, description: event.description },
      { itemId: item.id, ownerId: 'u-1', title: 'Lamp', description: 'Brass' },
    );
  });

  test('updateItem publishes the full new state; unknown items publish nothing', () => {
    const service = new ItemService();
    const item = service.createItem({ ownerId: 'u-1', title: 'Lamp' });
    published.length = 0;

    service.updateItem(item.id, { description: 'Brass' });
    assert.equal(service.updateItem('missing', { title: 'x' }), undefined);

    assert.equal(published.length, 1);
    const [event] = published;
    assert.ok(event instanceof ItemUpdatedEvent);
    assert.equal(event.title, 'Lamp');
    assert.equal(event.description, 'Brass');
  });

  test('archiving publishes once, and an archived item can no longer be updated', () => {
    const service = new ItemService();
    const item = service.createItem({ ownerId: 'u-1', title: 'Lamp' });
    published.length = 0;

    service.archiveItem(item.id);
    service.archiveItem(item.id);
    assert.equal(service.updateItem(item.id, { title: 'x' }), undefined);

    assert.equal(published.length, 1);
    assert.ok(published[0] instanceof ItemArchiveEvent);
  });

  test('deleteItem publishes item.deleted once', () => {
    const service = new ItemService();
    const item = service.createItem({ ownerId: 'u-1', title: 'Lamp' });
    published.length = 0;

    assert.equal(service.deleteItem(item.id), true);
    assert.equal(service.deleteItem(item.id), false);

    assert.equal(published.length, 1);
    assert.ok(published[0] instanceof ItemDeletedEvent);
    assert.equal((published[0] as ItemDeletedEvent).itemId, item.id);
  });
});
