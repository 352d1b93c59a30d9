export interface ResetToken {
  readonly token: string;
  readonly userId: string;
  readonly expiresAt: Date;
}

/** In-memory stand-in for the table of outstanding password reset tokens. */
export class InMemoryResetTokenRepository {
  private readonly byToken = new Map<string, ResetToken>();

  save(token: ResetToken): void {
    this.byToken.set(token.token, token);
  }

  /** Removes the token as it is read: a reset link must work only once. */
  take(token: string): ResetToken | undefined {
    const found = this.byToken.get(token);
    this.byToken.delete(token);
    return found;
  }
}
