import { EventBase } from '../../../core/events';

/**
 * Someone asked to reset the password of an existing account; the email
 * module sends the reset link. The key matches PASSWORD_RESET_REQUESTED in
 * ./event-types (a test checks they stay equal).
 */
export class PasswordResetRequestedEvent extends EventBase {
  readonly eventType = 'password.reset.requested';
  readonly email: string;
  readonly token: string;
  readonly username: string;

  constructor(payload: { email: string; token: string; username: string }) {
    super();
    this.email = payload.email;
    this.token = payload.token;
    this.username = payload.username;
  }
}
