/**
 * Users module: accounts. It publishes user.* events and handles none, so it
 * has no handler files to import.
 */

import { logger } from '../../core/logger';

export { UserCreatedEvent, UserUpdatedEvent, UserDeletedEvent } from './domain/events';
export type { User, CreateUserInput } from './domain/user';
export { UserService, DuplicateEmailError } from './services/user-service';

let initialized = false;

/** Idempotent, so createApp() and tests may both call it. */
export function initUsersModule(): void {
  if (initialized) return;
  initialized = true;
  logger.info('Users module initialized');
}
