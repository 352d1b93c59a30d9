// UI: the Event Flows view in the side bar, as a user sees and clicks it.
// Run through test/ui/run.mjs (one shared workbench on a fresh copy of the sample). The files
// run in name order; this one expects the sample as it is (nothing changed yet).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  editorAt, eventFlowReady, eventually, eventuallyEqual, resizeSideBar, runCommand, screenshot, shared,
} from './workbench.mjs';

const SAMPLE_EVENTS = [
  'email.sent', 'item.archive', 'item.craeted', 'item.created', 'item.deleted', 'item.updated',
  'password.reset.requested', 'probe.fired', 'user.created', 'user.deleted', 'user.updated',
];

const rows = (page) => page.locator('.part.sidebar .pane-body .monaco-list-row');
const rowLabels = (page) => rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
const row = (page, label) => page.locator(`.part.sidebar .pane-body .monaco-list-row[aria-label="${label}"]`);

test('the Event Flows view lists the modules, and grouped by event the sample\'s 11 events', { timeout: 60_000 }, async () => {
  const { page } = shared();
  await eventFlowReady(page);
  await runCommand(page, 'Event Flow: Focus on Event Flows View');
  await resizeSideBar(page, 470);

  // Grouped by module (the default): the sample's six modules, with what they publish and handle.
  const modules = await eventually(async () => {
    const labels = await rowLabels(page);
    return labels.length === 6 && labels.every((l) => l.startsWith('Module ')) ? labels : undefined;
  }, { timeoutMs: 45_000, message: 'the six modules in the Event Flows view' });
  assert.deepEqual(modules.map((l) => l.split(':')[0]), ['auth', 'email', 'items', 'notifications', 'search', 'users'].map((m) => `Module ${m}`));
  assert.ok(modules.includes('Module email: publishes 1 event, handles 2 events'), modules.join('\n'));

  // The title bar's "Group By" menu, as a user switches it.
  await page.locator('.part.sidebar .title-actions .action-label[aria-label="Group By: Module"]').click();
  await page.locator('.context-view .action-item', { hasText: 'Group by Event' }).click();
  const events = await eventually(async () => {
    const labels = await rowLabels(page);
    return labels.length === SAMPLE_EVENTS.length && labels.every((l) => l.startsWith('Event ')) ? labels : undefined;
  }, { message: 'the events, grouped by event' });
  assert.deepEqual(events.map((l) => /^Event (\S+),/.exec(l)?.[1]), SAMPLE_EVENTS);
  // Problems show in the tree, with the reason.
  assert.ok(events.includes("Event user.deleted, 1 publisher · 0 handlers, 1 problem: 'user.deleted' is published here but no handler handles it"), events.join('\n'));
  assert.ok(events.some((l) => l.startsWith("Event item.archive, 1 publisher · 1 handler, 1 problem: Event type 'item.archive' should end in a past-tense action")));
  await screenshot(page, 'event-flows-by-event');
});

test('expanding user.created shows its declaration, publisher, handlers and flow', { timeout: 30_000 }, async () => {
  const { page } = shared();
  await row(page, 'Event user.created, 1 publisher · 1 handler').click();
  const children = await eventually(async () => {
    const labels = await rowLabels(page);
    const from = labels.indexOf('Event user.created, 1 publisher · 1 handler');
    const to = labels.findIndex((l, i) => i > from && l.startsWith('Event '));
    return to - from > 1 ? labels.slice(from + 1, to) : undefined;
  }, { message: 'the children of user.created' });
  assert.deepEqual(children, [
    'Declared by: 1',
    'Declared by class UserCreatedEvent in events.ts:9',
    'Published by: 2',
    'Published in user-service.ts:40, module users',
    'Published by a test in email-event-handlers.test.ts:105',
    'Handled by: 3',
    'Handled by EmailEventHandlers.handleUserCreated in module email',
    'Handled by EmailEventHandlers.handleUserCreated, a test',
    'Handled by <anonymous>, a test',
    'Leads to: 1',
    'Leads to email.sent via EmailEventHandlers.handleUserCreated',
  ]);
  await screenshot(page, 'event-flows-user-created');
});

test('clicking the publisher and the handler opens each at its line', { timeout: 30_000 }, async () => {
  const { page } = shared();
  await row(page, 'Published in user-service.ts:40, module users').click();
  await eventuallyEqual(() => editorAt(page), 'user-service.ts:40');

  await row(page, 'Handled by EmailEventHandlers.handleUserCreated in module email').click();
  // The handler's registration: `@eventHandler('user.created')` above `static handleUserCreated(…)`.
  await eventuallyEqual(() => editorAt(page), 'email-event-handlers.ts:20');
  // The handler's CodeLens says what it handles and who publishes it.
  await page.locator('.part.editor .codelens-decoration', { hasText: 'handles user.created · 1 publisher' }).waitFor({ state: 'visible', timeout: 20_000 });
  await screenshot(page, 'event-flows-handler-opened', { docs: 'event-flows-view' });
});
