// Helpers for UI tests of the real VS Code workbench (code-server) driven by Debian's Chromium
// through playwright-core. Used by test/ui/*.test.mjs (via test/ui/run.mjs) and by
// test/extension/run.mjs, which needs a browser window for the extension host to start.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  copyWorkspace, defaultExtensionDir, defaultSampleDir, installExtension, prepare, pruneRuns, startCodeServer,
} from '../../scripts/vscode-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const screenshotsDir = join(here, 'screenshots');
export const docsScreenshotsDir = join(here, '..', '..', 'docs', 'screenshots');

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
    // Our runners end the browser themselves on Ctrl+C / SIGTERM (after the tests' cleanup);
    // Playwright's own handlers would exit the process first and skip that cleanup.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath, headless, args: CHROMIUM_ARGS, viewport, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  let closing;
  const removeProfile = () => {
    process.off('exit', removeProfile);
    // Chromium may still be writing its profile while it exits: retry.
    rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  process.on('exit', removeProfile); // last resort when the process exits without close()
  return {
    context,
    page,
    consoleErrors,
    close: () => (closing ??= (async () => {
      await context.close().catch(() => {});
      removeProfile();
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
 * `opensQuickInput: true` for commands that ask something in a QuickPick or InputBox: then it
 * waits for the palette to give way to the command's own quick input instead of for it to close.
 */
export async function runCommand(page, label, { timeoutMs = 15_000, opensQuickInput = false } = {}) {
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
  await parkMouse(page); // off the tab bar the palette covered, so no tooltip opens there
  if (opensQuickInput) {
    await page.waitForFunction(() => {
      const input = document.querySelector('.quick-input-widget:not(.quick-input-widget-closing) .quick-input-box input');
      return input instanceof HTMLInputElement && input.offsetParent !== null && !input.value.startsWith('>');
    }, undefined, { timeout: timeoutMs });
    return;
  }
  await quickInput(page).waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Opens a file of the workspace by Quick Open (Ctrl+P) and waits for its editor tab to be active. */
export async function quickOpen(page, relPath, { timeoutMs = 15_000 } = {}) {
  const name = basename(relPath);
  const rows = await openQuickInput(page, 'Control+P', relPath, { timeoutMs });
  const row = rows.filter({ hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  await parkMouse(page);
  await quickInput(page).waitFor({ state: 'hidden', timeout: timeoutMs });
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Saves a screenshot of the page to test/ui/screenshots/<name>.png and returns its path.
 * With `docs: '<file>'` and EVENTFLOW_DOCS_SCREENSHOTS=1 in the environment it is also written
 * to docs/screenshots/<file>.png, the README's images (regenerate them that way, then commit).
 * The mouse is first moved out of the way (`parkMouse: false` keeps it, e.g. for a hover).
 */
export async function screenshot(page, name, { docs, parkMouse: park = true } = {}) {
  mkdirSync(screenshotsDir, { recursive: true });
  if (park) await parkMouse(page);
  const file = join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  if (docs && process.env.EVENTFLOW_DOCS_SCREENSHOTS === '1') {
    mkdirSync(docsScreenshotsDir, { recursive: true });
    copyFileSync(file, join(docsScreenshotsDir, `${docs}.png`));
  }
  return file;
}

/** Moves the mouse to an empty spot of the title bar, so no tooltip or hover covers a screenshot. */
export async function parkMouse(page) {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.mouse.move(Math.round(size.width * 0.8), 12);
}

// ---------------------------------------------------------------------------------------
// reading the workbench

/**
 * Polls `condition` (every 100 ms) until it returns something truthy and returns that value;
 * a condition that throws counts as "not yet". Never sleep for a fixed time in a UI test.
 */
export async function eventually(condition, { timeoutMs = 15_000, message = 'the condition' } = {}) {
  const start = Date.now();
  let last;
  let lastError;
  for (;;) {
    try {
      last = await condition();
      if (last) return last;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() - start > timeoutMs) {
      const detail = lastError ? ` (last error: ${lastError.message.split('\n')[0]})` : last !== undefined ? ` (last value: ${JSON.stringify(last)})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}${detail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls `get` until it returns `expected` (compared as JSON); on timeout the error quotes the last value. */
export async function eventuallyEqual(get, expected, { timeoutMs = 15_000, message } = {}) {
  const want = JSON.stringify(expected);
  let last;
  try {
    return await eventually(async () => {
      last = await get();
      return JSON.stringify(last) === want;
    }, { timeoutMs, message: message ?? want });
  } catch (e) {
    throw new Error(`${e.message.replace(/ \(last value: false\)$/, '')}: expected ${want}, last got ${JSON.stringify(last)}`);
  }
}

/** Where the active editor is, as `file-name.ts:LINE` (from its tab and the status bar), for eventuallyEqual(). */
export async function editorAt(page) {
  return `${await activeTabLabel(page)}:${(await cursorPosition(page))?.line}`;
}

/**
 * Waits until Event Flow has activated and indexed the workspace: its status bar item says
 * "N events · M problems". Commands and views are all there by then. Returns that text.
 */
export async function eventFlowReady(page, { timeoutMs = 90_000 } = {}) {
  return eventually(async () => {
    const texts = await page.locator('.part.statusbar .statusbar-item').allInnerTexts();
    return texts.map((t) => t.trim()).find((t) => /^\d+ events? · \d+ problems?$/.test(t));
  }, { timeoutMs, message: "Event Flow's status bar item (\"N events · M problems\")" });
}

/** Hides the panel (Problems, Output, …) when it is open. */
export async function hidePanel(page) {
  if (await page.locator('.part.panel').isVisible()) {
    await runCommand(page, 'View: Toggle Panel Visibility');
    await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10_000 });
  }
}

/** Drags the side bar's edge so the side bar is `width` pixels wide (the default is narrow for long labels). */
export async function resizeSideBar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const x = box.x + box.width + 1;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** The label of the active editor tab of the active editor group (`email-event-handlers.ts`), or undefined. */
export async function activeTabLabel(page) {
  const tab = page.locator('.part.editor .editor-group-container.active .tabs-container .tab.active').first();
  if (!(await tab.count())) return undefined;
  return (await tab.getAttribute('aria-label'))?.split(',')[0].trim();
}

/** The cursor as the status bar shows it ("Ln 21, Col 3"): { line, column } (1-based), or undefined. */
export async function cursorPosition(page) {
  const texts = await page.locator('.part.statusbar .statusbar-item').allInnerTexts();
  for (const t of texts) {
    const m = /Ln (\d+), Col (\d+)/.exec(t);
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return undefined;
}

/** Moves the cursor of the active editor with Go to Line (Ctrl+G), `line` or `line:column`. */
export async function goToLine(page, where, { timeoutMs = 10_000 } = {}) {
  await page.keyboard.press('Control+G');
  await quickInputBox(page).waitFor({ state: 'visible', timeout: timeoutMs });
  await quickInputBox(page).fill(`:${where}`);
  await page.keyboard.press('Enter');
  await quickInput(page).waitFor({ state: 'hidden', timeout: timeoutMs });
  const [line] = String(where).split(':').map(Number);
  await page.waitForFunction((l) => [...document.querySelectorAll('.statusbar-item')].some((e) => e.textContent.includes(`Ln ${l},`)), line, { timeout: timeoutMs });
}

/**
 * The lines the active editor shows (Monaco renders only those) as { line (1-based), text },
 * top to bottom, with plain spaces.
 */
export async function visibleEditorLines(page) {
  return page.locator('.part.editor .editor-group-container.active .editor-instance .monaco-editor').first().evaluate((editor) => {
    const numbers = new Map();
    for (const overlay of editor.querySelectorAll('.margin-view-overlays > div')) {
      const number = overlay.querySelector('.line-numbers');
      if (number) numbers.set(Math.round(parseFloat(overlay.style.top)), Number(number.textContent));
    }
    return [...editor.querySelectorAll('.view-lines .view-line')]
      .map((e) => ({ top: Math.round(parseFloat(e.style.top)), text: e.textContent.replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map(({ top, text }) => ({ line: numbers.get(top), text }));
  });
}

/** The text of the lines the active editor shows, joined with newlines. */
export async function visibleEditorText(page) {
  return (await visibleEditorLines(page)).map((l) => l.text).join('\n');
}

/** The rows of the Problems panel as their accessible labels ("Warning: … at line 58 …"). */
export async function problemRows(page) {
  return page.locator('.part.panel .markers-panel .monaco-list-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

/** The frame of the (only) visible webview's content, e.g. the Event Flow Graph. */
export function webviewContent(page) {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/**
 * Everything a UI test needs, started fresh: the extension installed into a new extensions dir,
 * code-server on a fresh temp copy of the sample folder (`inPlace: true` opens the folder itself),
 * Chromium showing the workbench. stop() ends all of it and removes the copy.
 */
export async function startWorkbench({
  extensionDir = defaultExtensionDir,
  folder: sourceFolder = defaultSampleDir,
  inPlace = false,
  env = {},
  settings = {},
  viewport,
} = {}) {
  const paths = await prepare();
  const stateDir = mkdtempSync(join(pruneRuns('ui-'), 'ui-'));
  const extensionsDir = join(stateDir, 'extensions');
  const installed = existsSync(join(extensionDir, 'package.json')) ? installExtension(extensionDir, extensionsDir) : undefined;
  const copy = inPlace ? undefined : copyWorkspace(sourceFolder, { prefix: 'eventflow-ui-ws-' });
  const folder = copy?.dir ?? sourceFolder;
  let server;
  let browser;
  try {
    server = await startCodeServer({
      folder, extensionsDir, userDataDir: join(stateDir, 'user-data'), env, settings, paths, logFile: join(stateDir, 'code-server.log'),
    });
    browser = await launchBrowser({ executablePath: paths.chromium, ...(viewport ? { viewport } : {}) });
    await openWorkbench(browser.page, server.folderUrl);
  } catch (e) {
    await browser?.close();
    await server?.stop();
    copy?.remove();
    throw e;
  }
  let stopping;
  return {
    server, browser, page: browser.page, folder, sourceFolder, stateDir, extension: installed,
    // Every step runs even when an earlier one fails; the first failure is reported at the end.
    stop: ({ keepState = false } = {}) => (stopping ??= (async () => {
      const errors = [];
      for (const step of [
        () => browser.close(),
        () => server.stop(),
        () => copy?.remove(),
        () => { if (!keepState) rmSync(stateDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }); },
      ]) {
        try { await step(); } catch (e) { errors.push(e); }
      }
      if (errors.length) throw errors[0];
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
