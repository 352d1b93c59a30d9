/**
 * Items module: the things users list. Publishes item.* events and handles
 * none.
 */

import { logger } from '../../core/logger';

export { ItemCreatedEvent, ItemUpdatedEvent, ItemDeletedEvent, ItemArchiveEvent } from './domain/events';
export type { Item, CreateItemInput, UpdateItemInput } from './domain/item';
export { ItemService } from './services/item-service';

let initialized = false;

/** Idempotent, so createApp() and tests may both call it. */
export function initItemsModule(): void {
  if (initialized) return;
  initialized = true;
  logger.info('Items module initialized');
}
