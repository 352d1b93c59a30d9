import type { DigestEntry, EmailDelivery, PushNotification } from '../domain/notification';

/**
 * Simulated push gateway plus the delivery log support staff look at. Pushes
 * are async like a real network call, which is why its item handler is async.
 */
export class NotificationService {
  readonly pushed: PushNotification[] = [];
  readonly emailDeliveries: EmailDelivery[] = [];
  readonly digest: DigestEntry[] = [];

  async push(userId: string, message: string): Promise<void> {
    // Stands in for the round trip to a push provider.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.pushed.push({ userId, message });
  }

  recordEmailDelivery(to: string, subject: string, at: Date): void {
    this.emailDeliveries.push({ to, subject, at });
  }

  addToDigest(entry: DigestEntry): void {
    this.digest.push(entry);
  }
}

let current = new NotificationService();

export function getNotificationService(): NotificationService {
  return current;
}

/** Swaps the service (tests pass a fresh one). Returns the previous one so it can be put back. */
export function setNotificationService(service: NotificationService): NotificationService {
  const previous = current;
  current = service;
  return previous;
}
