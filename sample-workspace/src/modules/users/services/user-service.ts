import { randomUUID, scryptSync, randomBytes } from 'node:crypto';

import { publishEvent } from '../../../core/events';
import { UserCreatedEvent, UserDeletedEvent } from '../domain/events';
import type { CreateUserInput, User } from '../domain/user';
import { InMemoryUserRepository } from './user-repository';

/** Salted scrypt, so the sample does not teach storing passwords in clear. */
function hashPassword(password: string): string {
  const salt = randomBytes(16).toString('hex');
  return `${salt}:${scryptSync(password, salt, 32).toString('hex')}`;
}

export class DuplicateEmailError extends Error {
  constructor(email: string) {
    super(`A user with email ${email} already exists`);
    this.name = 'DuplicateEmailError';
  }
}

export class UserService {
  constructor(private readonly repo = new InMemoryUserRepository()) {}

  createUser(input: CreateUserInput): User {
    if (this.repo.getByEmail(input.email)) throw new DuplicateEmailError(input.email);

    const created = this.repo.add({
      id: randomUUID(),
      email: input.email.trim(),
      fullName: input.fullName,
      passwordHash: hashPassword(input.password),
    });

    // Publish after the write, so handlers only hear about users that exist.
    const event = new UserCreatedEvent({
      userId: created.id,
      email: created.email,
      fullName: created.fullName,
    });
    event.publish();

    return created;
  }

  getUser(id: string): User | undefined {
    return this.repo.get(id);
  }

  findByEmail(email: string): User | undefined {
    return this.repo.getByEmail(email);
  }

  deleteUser(id: string): boolean {
    const user = this.repo.get(id);
    if (!user) return false;
    this.repo.remove(id);
    // Deliberate mistake (Event Flow reports this): user.deleted is published but no module handles it.
    publishEvent(new UserDeletedEvent({ userId: user.id, email: user.email }));
    return true;
  }
}
