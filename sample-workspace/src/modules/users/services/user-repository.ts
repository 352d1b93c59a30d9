import type { User } from '../domain/user';

/**
 * In-memory stand-in for the users table. Emails are matched case-insensitively
 * because that is how people type them.
 */
export class InMemoryUserRepository {
  private readonly byId = new Map<string, User>();

  add(user: User): User {
    this.byId.set(user.id, user);
    return user;
  }

  get(id: string): User | undefined {
    return this.byId.get(id);
  }

  getByEmail(email: string): User | undefined {
    const wanted = email.trim().toLowerCase();
    for (const user of this.byId.values()) {
      if (user.email.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  remove(id: string): boolean {
    return this.byId.delete(id);
  }
}
