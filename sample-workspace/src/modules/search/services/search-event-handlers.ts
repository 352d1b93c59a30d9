/**
 * Keeps the search index in step with the items module. Importing this file
 * registers the handlers (see ../index.ts).
 */

import { eventHandler } from '../../../core/events';
import type {
  ItemArchiveEvent,
  ItemCreatedEvent,
  ItemDeletedEvent,
  ItemUpdatedEvent,
} from '../../items/domain/events';
import { getSearchIndex } from './search-index';

export class SearchEventHandlers {
  @eventHandler('item.created')
  static indexCreatedItem(event: ItemCreatedEvent): void {
    getSearchIndex().upsert({ itemId: event.itemId, title: event.title, description: event.description });
  }

  @eventHandler('item.updated')
  static reindexUpdatedItem(event: ItemUpdatedEvent): void {
    getSearchIndex().upsert({ itemId: event.itemId, title: event.title, description: event.description });
  }

  @eventHandler('item.deleted')
  static removeDeletedItem(event: ItemDeletedEvent): void {
    getSearchIndex().remove(event.itemId);
  }

  /** Archived items must stop showing up in results. */
  @eventHandler('item.archive')
  static removeArchivedItem(event: ItemArchiveEvent): void {
    getSearchIndex().remove(event.itemId);
  }
}
