// UI: the Event Flow Graph webview. Run through test/ui/run.mjs; the sample is unchanged so far.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  activeTabLabel, editorAt, hidePanel, eventFlowReady, eventually, eventuallyEqual, runCommand, screenshot, shared, webviewContent,
} from './workbench.mjs';

test('Show Event Graph opens the graph and renders modules, events and edges as SVG', { timeout: 60_000 }, async () => {
  const { page } = shared();
  await eventFlowReady(page);
  await runCommand(page, 'View: Close All Editors');
  await hidePanel(page);
  await runCommand(page, 'Event Flow: Show Event Graph');
  await eventually(async () => (await activeTabLabel(page)) === 'Event Flow Graph', { message: 'the graph tab' });

  const graph = webviewContent(page);
  const events = graph.locator('svg.graph g.node.event');
  await events.first().waitFor({ state: 'visible', timeout: 30_000 });
  const eventLabels = await events.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  // Every event a module publishes or handles (probe.fired lives only in tests).
  assert.deepEqual(eventLabels.map((l) => /^Event (\S+)\. /.exec(l)?.[1]).sort(), [
    'email.sent', 'item.archive', 'item.craeted', 'item.created', 'item.deleted', 'item.updated',
    'password.reset.requested', 'user.created', 'user.deleted', 'user.updated',
  ]);
  assert.ok(eventLabels.some((l) => l.startsWith("Event item.craeted. 0 publishers, 1 handler. warning: No event declares 'item.craeted'")), eventLabels.join('\n'));
  const modules = await graph.locator('svg.graph g.node.module').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  assert.ok(modules.includes('Module users, publishes events. Press Enter to open its code.'), modules.join('\n'));
  assert.ok(modules.includes('Module email, handles events. Press Enter to open its code.'), modules.join('\n'));
  assert.ok(await graph.locator('svg.graph g.edge.publishes').count() >= 8);
  assert.ok(await graph.locator('svg.graph g.node.problem-warning').count() >= 3);

  await graph.locator('#zoom-fit').click();
  await screenshot(page, 'graph', { docs: 'event-graph' });
});

test('clicking an event in the graph opens its class', { timeout: 30_000 }, async () => {
  const { page } = shared();
  await webviewContent(page).locator('svg.graph g.node.event[aria-label^="Event user.deleted."]').click();
  // Beside the graph, at the class UserDeletedEvent (src/modules/users/domain/events.ts:39).
  await eventuallyEqual(() => editorAt(page), 'events.ts:39');
  await screenshot(page, 'graph-node-opened');
});
