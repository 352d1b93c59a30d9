/**
 * Notifications module: pushes and the email delivery log. Handles
 * item.created and email.sent, publishes nothing.
 */

import { subscribeToEvent } from '../../core/events';
import { logger } from '../../core/logger';
// Importing the handler file also registers NotificationEventHandlers.
import { recordDelivery } from './services/notifications-event-handlers';

export type { DigestEntry, EmailDelivery, PushNotification } from './domain/notification';
export { NotificationService, getNotificationService, setNotificationService } from './services/notification-service';

let initialized = false;

/**
 * Idempotent, so createApp() and tests may both call it; that matters here
 * because a second subscribe would log every delivery twice.
 */
export function initNotificationsModule(): void {
  if (initialized) return;
  initialized = true;
  // A plain function subscription: the delivery log is an app concern, only wanted once the app is initialised.
  subscribeToEvent('email.sent', recordDelivery);
  logger.info('Notifications module initialized');
}
