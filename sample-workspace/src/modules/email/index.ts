/**
 * Email module: outgoing mail. Handles user.created and
 * password.reset.requested, publishes email.sent.
 */

import { logger } from '../../core/logger';
// Imported for its side effect: defining EmailEventHandlers registers its handlers.
import './services/email-event-handlers';

export { EmailSentEvent } from './domain/events';
export {
  InMemoryEmailService,
  getEmailService,
  setEmailService,
  type EmailService,
  type SentEmail,
} from './services/email-service';

let initialized = false;

/** Idempotent, so createApp() and tests may both call it. */
export function initEmailModule(): void {
  if (initialized) return;
  initialized = true;
  logger.info('Email module initialized');
}
