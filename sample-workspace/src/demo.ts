/**
 * Walks through the flows from the event-system design doc end to end, with
 * the event bus logging at debug level so you can see each publish and every
 * handler it reaches. Run with `npm run demo`; set EVENT_FLOW_LOG_LEVEL=info
 * for just the publishes.
 */

import { createApp } from './app';
import { getRegisteredHandlers, waitForPendingHandlers } from './core/events';
import { isLogLevel, setLogLevel } from './core/logger';
import { InMemoryEmailService } from './modules/email';

function section(title: string): void {
  console.log(`\n== ${title} ==`);
}

function printHandlerTable(): void {
  const table = getRegisteredHandlers();
  const width = Math.max(...[...table.keys()].map((key) => key.length));
  for (const [eventType, names] of [...table].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${eventType.padEnd(width)}  ${names.join(', ')}`);
  }
}

async function main(): Promise<void> {
  const level = process.env.EVENT_FLOW_LOG_LEVEL;
  setLogLevel(isLogLevel(level) ? level : 'debug');

  section('Start-up');
  const app = createApp();

  section('Registered handlers');
  printHandlerTable();

  section('1. A user signs up');
  const ada = app.users.createUser({ email: 'ada@example.com', fullName: 'Ada Lovelace', password: 'analytical-engine' });
  console.log(`created user ${ada.id} <${ada.email}>`);

  section('2. Password reset (design doc: "Password Reset Flow")');
  app.auth.requestPasswordReset('ada@example.com');
  console.log('reset requested for ada@example.com');
  app.auth.requestPasswordReset('nobody@example.com');
  console.log('reset requested for nobody@example.com (unknown: nothing is published, nothing revealed)');

  section('3. An item is created (design doc: "Item Creation Flow")');
  const item = app.items.createItem({ ownerId: ada.id, title: 'Difference engine', description: 'Brass, hand-cranked' });
  console.log(`created item ${item.id}`);
  // The push handler is async; wait for it so its output lands in this section.
  await waitForPendingHandlers();
  console.log(`search "brass engine" -> ${JSON.stringify(app.search.search('brass engine'))}`);

  section('4. The item is renamed, then archived');
  app.items.updateItem(item.id, { title: 'Analytical engine' });
  console.log(`search "analytical" -> ${JSON.stringify(app.search.search('analytical'))}`);
  app.items.archiveItem(item.id);
  console.log(`search "analytical" -> ${JSON.stringify(app.search.search('analytical'))}`);

  section('5. A draft item is deleted');
  const draft = app.items.createItem({ ownerId: ada.id, title: 'Draft: mill and store' });
  await waitForPendingHandlers();
  app.items.deleteItem(draft.id);
  console.log(`search "mill" -> ${JSON.stringify(app.search.search('mill'))}`);

  section('6. The user is deleted');
  app.users.deleteUser(ada.id);

  await waitForPendingHandlers();

  section('Summary');
  const email = app.email;
  if (email instanceof InMemoryEmailService) {
    console.log(`emails sent: ${email.outbox.map((message) => `"${message.subject}" to ${message.to}`).join('; ')}`);
  }
  const notifications = app.notifications;
  console.log(`email deliveries logged: ${notifications.emailDeliveries.length}`);
  console.log(`push notifications: ${notifications.pushed.map((push) => push.message).join('; ')}`);
  console.log(`digest entries: ${notifications.digest.length} (the 'item.craeted' handler never runs)`);
  console.log(`items in search index: ${app.search.size}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
