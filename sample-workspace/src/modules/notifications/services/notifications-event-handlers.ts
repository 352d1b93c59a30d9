/**
 * How the notifications module reacts to other modules' events. Importing
 * this file registers the decorated handlers; recordDelivery is subscribed by
 * initNotificationsModule (see ../index.ts).
 */

import { eventHandler } from '../../../core/events';
import type { EmailSentEvent } from '../../email/domain/events';
import type { ItemCreatedEvent } from '../../items/domain/events';
import { getNotificationService } from './notification-service';

export class NotificationEventHandlers {
  /** Tells the owner their item is live. Async: the bus logs a rejection instead of losing it. */
  @eventHandler('item.created')
  static async handleItemCreated(event: ItemCreatedEvent): Promise<void> {
    await getNotificationService().push(event.ownerId, `Your item "${event.title}" is now live`);
  }

  /** Meant to add new items to the owner's daily digest. */
  // Deliberate mistake (Event Flow reports this): the key 'item.craeted' is misspelt, so this handler never runs.
  @eventHandler('item.craeted')
  static onItemCraeted(event: ItemCreatedEvent): void {
    getNotificationService().addToDigest({ itemId: event.itemId, title: event.title });
  }
}

/** Keeps the delivery log support uses to answer "did my email go out?". */
export function recordDelivery(event: EmailSentEvent): void {
  getNotificationService().recordEmailDelivery(event.to, event.subject, event.createdAt);
}
