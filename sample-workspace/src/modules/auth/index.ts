/**
 * Auth module: password resets. It publishes password.reset.requested and
 * handles nothing.
 */

import { logger } from '../../core/logger';

export { PASSWORD_RESET_REQUESTED } from './domain/event-types';
export { PasswordResetRequestedEvent } from './domain/events';
export { AuthService, type UserLookup } from './services/auth-service';

let initialized = false;

/** Idempotent, so createApp() and tests may both call it. */
export function initAuthModule(): void {
  if (initialized) return;
  initialized = true;
  logger.info('Auth module initialized');
}
