// UI smoke test: the real workbench opens the sample folder and its explorer shows it.
// Run through test/ui/run.mjs, which starts the shared workbench.
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { test } from 'node:test';
import { runCommand, screenshot, shared } from './workbench.mjs';

test('the workbench opens the sample folder and the explorer shows its name', async () => {
  const { page, folder } = shared();
  const name = basename(folder);

  // Through the command palette, so the palette helper is exercised too.
  await runCommand(page, 'View: Show Explorer');
  const explorer = page.locator('.part.sidebar .explorer-folders-view');
  await explorer.waitFor({ state: 'visible', timeout: 15_000 });

  // The explorer's section for the one workspace folder is titled with the folder's name.
  const header = page.locator('.part.sidebar .pane-header', { hasText: name });
  await header.first().waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal((await header.first().innerText()).trim().toLowerCase().includes(name.toLowerCase()), true);
  assert.match(await page.title(), new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

  const file = await screenshot(page, 'workbench-smoke');
  assert.ok(file.endsWith('workbench-smoke.png'));
});
