/**
 * How the email module reacts to other modules' events. Importing this file
 * registers the handlers (see ../index.ts).
 */

import { eventHandler } from '../../../core/events';
import { PASSWORD_RESET_REQUESTED } from '../../auth/domain/event-types';
import type { PasswordResetRequestedEvent } from '../../auth/domain/events';
import type { UserCreatedEvent } from '../../users/domain/events';
import { EmailSentEvent } from '../domain/events';
import { getEmailService, type SentEmail } from './email-service';

/** Announces a delivery so other modules can track it without wrapping the transport. */
function announceSent(message: SentEmail): void {
  new EmailSentEvent({ to: message.to, subject: message.subject }).publish();
}

export class EmailEventHandlers {
  /** Greets new users; falls back to the address when they gave no name. */
  @eventHandler('user.created')
  static handleUserCreated(event: UserCreatedEvent): void {
    const sent = getEmailService().sendNewAccountEmail(event.email, event.fullName ?? event.email);
    announceSent(sent);
  }

  @eventHandler(PASSWORD_RESET_REQUESTED)
  static handlePasswordResetRequested(event: PasswordResetRequestedEvent): void {
    const sent = getEmailService().sendPasswordResetEmail(event.email, event.username, event.token);
    announceSent(sent);
  }
}
