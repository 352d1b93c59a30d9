import { randomBytes } from 'node:crypto';

import { logger } from '../../../core/logger';
import { PasswordResetRequestedEvent } from '../domain/events';
import { InMemoryResetTokenRepository } from './reset-token-repository';

/**
 * The slice of the users module that auth needs. Depending on this shape
 * rather than on UserService keeps auth testable with a plain object.
 */
export interface UserLookup {
  findByEmail(email: string): { readonly id: string; readonly email: string; readonly fullName?: string } | undefined;
}

const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;

export class AuthService {
  constructor(
    private readonly users: UserLookup,
    private readonly tokens = new InMemoryResetTokenRepository(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Starts a password reset. Returns nothing either way, so callers (and the
   * API behind them) cannot reveal whether an address has an account.
   */
  requestPasswordReset(email: string): void {
    const user = this.users.findByEmail(email);
    if (!user) {
      logger.debug('Password reset requested for an unknown address; ignoring');
      return;
    }

    const token = randomBytes(24).toString('base64url');
    this.tokens.save({
      token,
      userId: user.id,
      expiresAt: new Date(this.now().getTime() + RESET_TOKEN_TTL_MS),
    });

    const event = new PasswordResetRequestedEvent({
      email: user.email,
      token,
      username: user.fullName ?? user.email,
    });
    event.publish();
  }

  /** Returns the user id the token was issued for, or undefined if it is unknown, used or expired. */
  redeemResetToken(token: string): string | undefined {
    const found = this.tokens.take(token);
    if (!found || found.expiresAt.getTime() <= this.now().getTime()) return undefined;
    return found.userId;
  }
}
