// Helpers for UI tests of the real VS Code workbench (code-server) driven by Debian's Chromium
// through playwright-core. Used by test/ui/*.test.mjs (via test/ui/run.mjs) and by
// test/extension/run.mjs, which needs a browser window for the extension host to start.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  defaultExtensionDir, defaultSampleDir, installExtension, prepare, pruneRuns, startCodeServer,
} from '../../scripts/vscode-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const screenshotsDir = join(here, 'screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Launches Chromium (headless unless HEADFUL=1) with a new, empty user-data-dir.
 * Returns { context, page, close() }; close() also removes the user-data-dir.
 */
export async function launchBrowser({
  executablePath = process.env.EVENTFLOW_CHROMIUM || '/usr/bin/chromium',
  headless = process.env.HEADFUL !== '1',
  viewport = { width: 1400, height: 900 },
} = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'eventflow-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless, args: CHROMIUM_ARGS, viewport });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  let closing;
  return {
    context,
    page,
    consoleErrors,
    close: () => (closing ??= (async () => {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    })()),
  };
}

/** Opens the workbench at `url` and waits until it is laid out (`.monaco-workbench` and its status bar). */
export async function openWorkbench(page, url, { timeoutMs = 90_000 } = {}) {
  await page.goto(url, { timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  return page;
}

const quickInput = (page) => page.locator('.quick-input-widget');
const quickInputBox = (page) => page.locator('.quick-input-widget .quick-input-box input');

/** Opens the quick input with `keys`, types `text` and returns the visible rows. */
async function openQuickInput(page, keys, text, { timeoutMs }) {
  // Focus the workbench first, so the keybinding reaches it (not e.g. a webview).
  await page.locator('.monaco-workbench').focus().catch(() => {});
  await page.keyboard.press(keys);
  await quickInputBox(page).waitFor({ state: 'visible', timeout: timeoutMs });
  await quickInputBox(page).fill(text);
  return quickInput(page).locator('.monaco-list-row');
}

/**
 * Runs a command from the palette (Ctrl+Shift+P) by its label as the palette shows it,
 * e.g. 'View: Show Explorer'. Picks the row whose label is exactly `label`.
 */
export async function runCommand(page, label, { timeoutMs = 15_000 } = {}) {
  const rows = await openQuickInput(page, 'Control+Shift+P', `>${label}`, { timeoutMs });
  const exact = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) }).first();
  try {
    await exact.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const shown = await rows.locator('.label-name').allTextContents().catch(() => []);
    await page.keyboard.press('Escape');
    throw new Error(`The command palette shows no command labelled "${label}"; it shows: ${shown.slice(0, 8).join(' | ') || 'nothing'}`);
  }
  await exact.click();
  await quickInput(page).waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Opens a file of the workspace by Quick Open (Ctrl+P) and waits for its editor tab to be active. */
export async function quickOpen(page, relPath, { timeoutMs = 15_000 } = {}) {
  const name = basename(relPath);
  const rows = await openQuickInput(page, 'Control+P', relPath, { timeoutMs });
  const row = rows.filter({ hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  await quickInput(page).waitFor({ state: 'hidden', timeout: timeoutMs });
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Saves a screenshot of the page to test/ui/screenshots/<name>.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(screenshotsDir, { recursive: true });
  const file = join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Everything a UI test needs, started fresh: the extension installed into a new extensions dir,
 * code-server on the sample folder, Chromium showing the workbench. stop() ends all of it.
 */
export async function startWorkbench({
  extensionDir = defaultExtensionDir,
  folder = defaultSampleDir,
  env = {},
  settings = {},
} = {}) {
  const paths = await prepare();
  const stateDir = mkdtempSync(join(pruneRuns('ui-'), 'ui-'));
  const extensionsDir = join(stateDir, 'extensions');
  const installed = existsSync(join(extensionDir, 'package.json')) ? installExtension(extensionDir, extensionsDir) : undefined;
  const server = await startCodeServer({
    folder, extensionsDir, userDataDir: join(stateDir, 'user-data'), env, settings, paths, logFile: join(stateDir, 'code-server.log'),
  });
  let browser;
  try {
    browser = await launchBrowser({ executablePath: paths.chromium });
    await openWorkbench(browser.page, server.folderUrl);
  } catch (e) {
    await browser?.close();
    await server.stop();
    throw e;
  }
  let stopping;
  return {
    server, browser, page: browser.page, folder, stateDir, extension: installed,
    stop: ({ keepState = false } = {}) => (stopping ??= (async () => {
      await browser.close();
      await server.stop();
      if (!keepState) rmSync(stateDir, { recursive: true, force: true });
    })()),
  };
}

let current;
/** The workbench shared by the UI tests of one run (set by test/ui/run.mjs). */
export function shared() {
  if (!current) throw new Error('No shared workbench: run UI tests through test/ui/run.mjs.');
  return current;
}
export function setShared(workbench) {
  current = workbench;
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
