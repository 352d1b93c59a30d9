/// <reference types="mocha" />
// Entry point in the shape `@vscode/test-electron` expects (`extensionTestsPath` -> a module with
// `run()`), so the same suite can run under any Mocha host. Here the suite is run by the harness
// extension (test/extension/harness) instead, because desktop VS Code cannot be downloaded on
// these machines; see test/extension/run.mjs.
//
// test/extension/run.mjs compiles this file and every *.test.ts next to it into
// out/extension-tests/ (CommonJS, `vscode` and `mocha` left external).
import * as fs from 'node:fs';
import * as path from 'node:path';

export function run(): Promise<void> {
  // mocha 12's package entry is ESM; its CommonJS build is lib/mocha.cjs.
  const mochaDir = path.dirname(require.resolve('mocha/package.json'));
  const MochaCtor: typeof Mocha = require(path.join(mochaDir, 'lib', 'mocha.cjs'));
  const mocha = new MochaCtor({ ui: 'bdd', color: true, timeout: 20_000 });
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed.`)) : resolve()));
  });
}
