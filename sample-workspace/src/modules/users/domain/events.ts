/**
 * Events the users module publishes. Other modules import these classes for
 * their handlers' parameter types; the users module never imports them back.
 */

import { EventBase } from '../../../core/events';

/** A new account exists; the email module greets the user. */
export class UserCreatedEvent extends EventBase {
  readonly eventType = 'user.created';
  readonly userId: string;
  readonly email: string;
  readonly fullName?: string;

  constructor(payload: { userId: string; email: string; fullName?: string }) {
    super();
    this.userId = payload.userId;
    this.email = payload.email;
    this.fullName = payload.fullName;
  }
}

// Deliberate mistake (Event Flow reports this): user.updated is declared but never published (nor handled).
export class UserUpdatedEvent extends EventBase {
  readonly eventType = 'user.updated';
  readonly userId: string;
  readonly email: string;
  readonly fullName?: string;

  constructor(payload: { userId: string; email: string; fullName?: string }) {
    super();
    this.userId = payload.userId;
    this.email = payload.email;
    this.fullName = payload.fullName;
  }
}

/** An account was removed; carries the email because the user can no longer be looked up. */
export class UserDeletedEvent extends EventBase {
  readonly eventType = 'user.deleted';
  readonly userId: string;
  readonly email: string;

  constructor(payload: { userId: string; email: string }) {
    super();
    this.userId = payload.userId;
    this.email = payload.email;
  }
}
