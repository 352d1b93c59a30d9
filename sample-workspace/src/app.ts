/**
 * Composition root: the only place that knows every module. Modules talk to
 * each other through events; the one direct dependency (auth looking users
 * up) is wired here so neither module constructs the other.
 */

import { initAuthModule, AuthService } from './modules/auth';
import { initEmailModule, getEmailService, type EmailService } from './modules/email';
import { initItemsModule, ItemService } from './modules/items';
import { initNotificationsModule, getNotificationService, type NotificationService } from './modules/notifications';
import { initSearchModule, getSearchIndex, type SearchIndex } from './modules/search';
import { initUsersModule, UserService } from './modules/users';

export interface App {
  readonly users: UserService;
  readonly auth: AuthService;
  readonly items: ItemService;
  /** Getters, because these are process-wide and tests may swap them. */
  readonly email: EmailService;
  readonly notifications: NotificationService;
  readonly search: SearchIndex;
}

let app: App | undefined;

/** Initialises every module and returns the services. Calling it again returns the same app. */
export function createApp(): App {
  initUsersModule();
  initAuthModule();
  initEmailModule();
  initItemsModule();
  initNotificationsModule();
  initSearchModule();

  if (!app) {
    const users = new UserService();
    app = {
      users,
      auth: new AuthService(users),
      items: new ItemService(),
      get email() {
        return getEmailService();
      },
      get notifications() {
        return getNotificationService();
      },
      get search() {
        return getSearchIndex();
      },
    };
  }
  return app;
}
