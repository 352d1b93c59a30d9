// UI: "Event Flow: New Handler for Event…" from the command palette, through its two QuickPicks.
// Run through test/ui/run.mjs, after 3-editor (item.archive is item.archived by now).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  activeTabLabel, cursorPosition, eventFlowReady, eventually, problemRows, runCommand, screenshot, shared, visibleEditorLines,
  visibleEditorText,
} from './workbench.mjs';

const picker = (page) => page.locator('.quick-input-widget:not(.quick-input-widget-closing)');
const pickerRows = (page) => picker(page).locator('.monaco-list-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));

test('New Handler for Event…: pick user.deleted, then a module, and the handler is written', { timeout: 60_000 }, async () => {
  const { page } = shared();
  await eventFlowReady(page);
  // No editor, so the command asks for the event instead of taking the one at the cursor.
  await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'Event Flow: New Handler for Event…', { opensQuickInput: true });

  await eventually(async () => (await picker(page).locator('.quick-input-title').innerText()) === 'New Handler for Event (1/2)', { message: 'the event picker' });
  await picker(page).locator('.quick-input-box input').fill('user.deleted');
  const events = await eventually(async () => {
    const r = await pickerRows(page);
    return r.length === 1 ? r : undefined;
  }, { message: 'user.deleted alone in the picker' });
  assert.deepEqual(events, ['user.deleted, UserDeletedEvent · users, 1 publisher · 0 handlers']);
  await page.keyboard.press('Enter');

  await eventually(async () => (await picker(page).locator('.quick-input-title').innerText()) === 'New Handler for user.deleted (2/2)', { message: 'the module picker' });
  assert.deepEqual(await pickerRows(page), ['auth', 'email', 'items', 'notifications', 'search', 'users']);
  await screenshot(page, 'new-handler-pick-module');
  await picker(page).locator('.monaco-list-row[aria-label="notifications"]').click();

  await eventually(async () => (await activeTabLabel(page)) === 'notifications-event-handlers.ts', { message: 'the handler file to open' });
  const text = await eventually(async () => {
    const t = await visibleEditorText(page);
    return t.includes('handleUserDeleted') ? t : undefined;
  }, { message: 'the new handler in the editor' });
  assert.match(text, /@eventHandler\('user\.deleted'\)\n\s+static handleUserDeleted\(event: UserDeletedEvent\): void \{/);
  // The class still closes on its own line after the new method.
  assert.match(text, /void event;\n {2}\}\n\}/);
  // The cursor is put on the new handler (its decorator or its method line).
  const decoratorLine = (await visibleEditorLines(page)).find((l) => l.text.includes("@eventHandler('user.deleted')"))?.line;
  const cursor = await cursorPosition(page);
  assert.ok(cursor && (cursor.line === decoratorLine || cursor.line === decoratorLine + 1), `cursor at line ${cursor?.line}, the new handler is at ${decoratorLine}`);

  // user.deleted is handled now: its warning leaves the Problems panel.
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  await eventually(async () => {
    const rows = await problemRows(page);
    return rows.some((r) => r.includes("'item.craeted'")) && !rows.some((r) => r.includes("'user.deleted'"));
  }, { message: "user.deleted's warning to go" });
  await screenshot(page, 'new-handler-created');
});
