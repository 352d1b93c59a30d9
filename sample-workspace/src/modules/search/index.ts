/**
 * Search module: full-text search over items. Handles item.created,
 * item.updated, item.deleted and item.archive, publishes nothing.
 */

import { logger } from '../../core/logger';
// Imported for its side effect: defining SearchEventHandlers registers its handlers.
import './services/search-event-handlers';

export type { SearchDocument } from './domain/search-document';
export { SearchIndex, getSearchIndex, setSearchIndex } from './services/search-index';

let initialized = false;

/** Idempotent, so createApp() and tests may both call it. */
export function initSearchModule(): void {
  if (initialized) return;
  initialized = true;
  logger.info('Search module initialized');
}
