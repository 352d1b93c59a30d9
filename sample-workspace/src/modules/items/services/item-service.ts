import { randomUUID } from 'node:crypto';

import { publishEvent } from '../../../core/events';
import { ItemArchiveEvent, ItemCreatedEvent, ItemDeletedEvent, ItemUpdatedEvent } from '../domain/events';
import type { CreateItemInput, Item, UpdateItemInput } from '../domain/item';
import { InMemoryItemRepository } from './item-repository';

/**
 * Item lifecycle. Every state change is stored first and announced second, so
 * a handler that reads back through this service sees the new state.
 */
export class ItemService {
  constructor(private readonly repo = new InMemoryItemRepository()) {}

  createItem(input: CreateItemInput): Item {
    const item = this.repo.save({
      id: randomUUID(),
      ownerId: input.ownerId,
      title: input.title,
      description: input.description,
      archived: false,
    });
    publishEvent(
      new ItemCreatedEvent({ itemId: item.id, ownerId: item.ownerId, title: item.title, description: item.description }),
    );
    return item;
  }

  getItem(id: string): Item | undefined {
    return this.repo.get(id);
  }

  /** Returns undefined for unknown or archived items; nothing is published then. */
  updateItem(id: string, changes: UpdateItemInput): Item | undefined {
    const current = this.repo.get(id);
    if (!current || current.archived) return undefined;
    const item = this.repo.save({ ...current, ...changes });
    publishEvent(new ItemUpdatedEvent({ itemId: item.id, title: item.title, description: item.description }));
    return item;
  }

  deleteItem(id: string): boolean {
    if (!this.repo.remove(id)) return false;
    publishEvent(new ItemDeletedEvent({ itemId: id }));
    return true;
  }

  /** Hides an item without losing it; archiving twice publishes once. */
  archiveItem(id: string): Item | undefined {
    const current = this.repo.get(id);
    if (!current) return undefined;
    if (current.archived) return current;
    const item = this.repo.save({ ...current, archived: true });
    publishEvent(new ItemArchiveEvent({ itemId: item.id }));
    return item;
  }
}
