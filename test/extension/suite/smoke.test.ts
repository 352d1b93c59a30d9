/// <reference types="mocha" />
// Smoke tests: the suite really runs inside a real VS Code extension host, on the sample
// workspace, next to the extension under test.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { expectedWorkspacePath, extensionUnderTest, extensionUnderTestId, waitFor } from './helpers';

describe('smoke: real VS Code', () => {
  it('runs in VS Code\'s extension host, not in plain Node', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.equal(typeof vscode.commands.executeCommand, 'function');
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web, 'code-server serves the workbench to a browser');
  });

  it('opened the sample workspace as the only workspace folder', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, `workspace folders: ${folders.map((f) => f.uri.toString()).join(', ')}`);
    assert.equal(folders[0].uri.scheme, 'file');
    const expected = expectedWorkspacePath();
    assert.ok(expected, 'the runner sets EVENTFLOW_TEST_WORKSPACE');
    assert.equal(path.resolve(folders[0].uri.fsPath), path.resolve(expected));
  });

  it('has the extension under test installed, with the manifest from disk', function (this: Mocha.Context) {
    const id = extensionUnderTestId();
    if (!id) this.skip(); // the extension folder has no package.json (yet)
    const ext = extensionUnderTest();
    const onDisk = JSON.parse(readFileSync(path.join(process.env.EVENTFLOW_TEST_EXTENSION_DIR ?? '', 'package.json'), 'utf8'));
    assert.equal(ext.id.toLowerCase(), `${onDisk.publisher}.${onDisk.name}`.toLowerCase());
    assert.equal(ext.packageJSON.version, onDisk.version);
    assert.equal(ext.packageJSON.main, onDisk.main);
  });

  it('exposes the settings the extension contributes, with their declared defaults', async function (this: Mocha.Context) {
    if (!extensionUnderTestId()) this.skip();
    const contributed = extensionUnderTest().packageJSON.contributes?.configuration;
    const sections: Array<{ properties?: Record<string, { default?: unknown }> }> =
      Array.isArray(contributed) ? contributed : contributed ? [contributed] : [];
    const properties = sections.flatMap((s) => Object.entries(s.properties ?? {}));
    if (properties.length === 0) this.skip();
    for (const [key, schema] of properties) {
      // The configuration registry fills in as extensions are registered; poll, never sleep.
      const inspected = await waitFor(() => vscode.workspace.getConfiguration().inspect(key), 10_000, `setting ${key}`);
      if ('default' in schema) assert.deepEqual(inspected.defaultValue, schema.default, `default of ${key}`);
    }
  });
});
