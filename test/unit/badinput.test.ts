/**
 * Bad input at the core's level, where the protocol tests cannot reach precisely: reading
 * files that are not regular files, a file gone between scan and read, the size limit for
 * open documents, the parser after a stack overflow, tsconfig problems, and the bounds of
 * `.eventflow.json` validation.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { parseConfig } from '../../server/src/core/config';
import { seedConventions } from '../../server/src/core/conventions';
import { extractFile } from '../../server/src/core/extract/index';
import { extractTypeScript } from '../../server/src/core/extract/typescript';
import { readSourceFile, readTextFile, scanWorkspace } from '../../server/src/core/host';
import { GlobSet } from '../../server/src/core/text';
import { loadTsconfig, type ConfigProblem } from '../../server/src/core/tsconfig';
import { removeFixtures, tempDir } from './helpers';

after(removeFixtures);

function mkfifo(path: string): boolean {
  try {
    execFileSync('mkfifo', [path]);
    return true;
  } catch {
    return false;
  }
}

describe('reading files', () => {
  test('pipes, devices and folders are never read (they would block or never end)', (t) => {
    const dir = tempDir();
    const fifo = `${dir}/pipe.ts`;
    if (!mkfifo(fifo)) return t.skip('no mkfifo here');
    assert.deepEqual(readSourceFile(fifo, 1024), { skipped: 'not a regular file (a pipe, socket or device)' });
    assert.equal(readTextFile(fifo), undefined);
    fs.symlinkSync(fifo, `${dir}/tsconfig.json`);
    assert.equal(readTextFile(`${dir}/tsconfig.json`), undefined, 'not through a link either');
    if (fs.existsSync('/dev/zero')) {
      assert.equal(readTextFile('/dev/zero'), undefined);
      assert.deepEqual(readSourceFile('/dev/zero', 1024), { skipped: 'not a regular file (a pipe, socket or device)' });
    }
    assert.deepEqual(readSourceFile(dir, 1024 * 1024), { skipped: 'cannot be read: EISDIR' });
    assert.equal(readTextFile(dir), undefined);
    fs.writeFileSync(`${dir}/ok.ts`, 'export const ok = 1;\n');
    assert.deepEqual(readSourceFile(`${dir}/ok.ts`, 1024), { text: 'export const ok = 1;\n' });
    assert.equal(readTextFile(`${dir}/ok.ts`), 'export const ok = 1;\n');
  });

  test('a file listed by the scan and deleted before it is read is reported, not thrown', () => {
    const dir = tempDir();
    fs.mkdirSync(`${dir}/src`);
    for (const name of ['a.ts', 'b.ts', 'c.ts']) fs.writeFileSync(`${dir}/src/${name}`, 'export const x = 1;\n');
    const scan = scanWorkspace(dir, new GlobSet([]));
    assert.deepEqual(scan.files, ['a.ts', 'b.ts', 'c.ts'].map((n) => `${dir}/src/${n}`));
    fs.rmSync(`${dir}/src/b.ts`);
    fs.rmSync(`${dir}/src/c.ts`);
    fs.mkdirSync(`${dir}/src/c.ts`); // replaced by a folder of the same name
    assert.deepEqual(scan.files.map((f) => readSourceFile(f, 1024)), [{ text: 'export const x = 1;\n' }, { skipped: 'cannot be read: ENOENT' }, { skipped: 'cannot be read: EISDIR' }]);
  });

  test('symbolic links: a loop and a dangling link are named as such', () => {
    const dir = tempDir();
    fs.symlinkSync('b.ts', `${dir}/a.ts`);
    fs.symlinkSync('a.ts', `${dir}/b.ts`);
    fs.symlinkSync('missing.ts', `${dir}/c.ts`);
    fs.symlinkSync('.', `${dir}/self`);
    const scan = scanWorkspace(dir, new GlobSet([]));
    assert.deepEqual(scan.files, []);
    assert.deepEqual(scan.skipped, [
      { file: 'a.ts', reason: 'symbolic link loop' },
      { file: 'b.ts', reason: 'symbolic link loop' },
      { file: 'c.ts', reason: 'broken symbolic link' },
    ]);
  });
});

describe('extraction', () => {
  test('the size limit holds for open documents too (text that never went through readSourceFile)', () => {
    const conventions = { ...seedConventions(), maxFileSize: 4096 };
    const text = `// extends\n${'export const a = 1;\n'.repeat(300)}`;
    assert.deepEqual(extractFile('/w/big.ts', text, conventions), {
      skipped: 'larger than the 4 KB limit (6 KB); raise "maxFileSize" in .eventflow.json to index it',
    });
    // Bytes count, not UTF-16 units: 1,500 three-byte characters are 4.5 KB.
    assert.ok('skipped' in extractFile('/w/cjk.ts', `const s = '${'注'.repeat(1500)}';`, conventions));
    assert.ok(!('skipped' in extractFile('/w/small.ts', 'export const a = 1;\n', conventions)));
  });

  test('after the parser overflows its stack, it still parses the next file right', () => {
    const conventions = seedConventions();
    const deep = extractTypeScript('/w/deep.ts', `export const x = ${'('.repeat(20000)}1${')'.repeat(20000)};`, conventions);
    assert.equal(deep.parseFailure, 'nesting too deep to parse');
    const ok = extractTypeScript('/w/ok.ts', "class EventBase {}\nexport class AEvent extends EventBase { readonly eventType = 'a.created'; }\n", conventions);
    assert.equal(ok.parseFailure, undefined);
    assert.equal(ok.syntaxErrors, 0);
    assert.deepEqual(
      ok.classes.map((c) => [c.name, c.eventType?.kind === 'literal' ? c.eventType.value : undefined]),
      [
        ['EventBase', undefined],
        ['AEvent', 'a.created'],
      ],
    );
  });
});

describe('tsconfig.json', () => {
  const files = (map: Record<string, string>) => (p: string) => map[p];

  test('invalid JSON: reported where it is, and nothing of it is used', () => {
    const problems: ConfigProblem[] = [];
    const text = '{ "compilerOptions": { "baseUrl": "src", "paths": { "@/*": ["src/*"] } } oops }';
    const config = loadTsconfig('/w/tsconfig.json', files({ '/w/tsconfig.json': text }), problems);
    assert.deepEqual(config, {});
    assert.deepEqual(problems, [{ file: '/w/tsconfig.json', offset: text.indexOf('oops'), message: 'invalid JSON: InvalidSymbol; module aliases from this file are ignored' }]);
  });

  test('an extends outside the first file’s folder that is not JSON is reported on the first file, without quoting it', () => {
    const problems: ConfigProblem[] = [];
    const config = loadTsconfig('/w/app/tsconfig.json', files({ '/w/app/tsconfig.json': '{ "extends": "../../etc/passwd", "compilerOptions": { "baseUrl": "." } }', '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n' }), problems);
    assert.deepEqual(config, { baseUrl: '/w/app', pathsBase: '/w/app' });
    assert.deepEqual(problems, [{ file: '/w/app/tsconfig.json', offset: 0, message: "'extends' names a file that is not valid JSON (InvalidSymbol): /etc/passwd; it is ignored" }]);
  });

  test('an extends loop is named, and the files’ own options still apply', () => {
    const problems: ConfigProblem[] = [];
    const config = loadTsconfig(
      '/w/tsconfig.json',
      files({ '/w/tsconfig.json': '{ "extends": "./a.json", "compilerOptions": { "baseUrl": "src" } }', '/w/a.json': '{ "extends": "./tsconfig.json" }' }),
      problems,
    );
    assert.equal(config.baseUrl, '/w/src');
    assert.deepEqual(problems.map((p) => p.message), ["'extends' loop: tsconfig.json → a.json → tsconfig.json"]);
  });
});

describe('.eventflow.json bounds', () => {
  test('thousands of problems are summed up in one message', () => {
    const unknown = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`rule${i}`, 'off']));
    const { issues } = parseConfig(JSON.stringify({ severities: unknown }), '/w/.eventflow.json');
    assert.equal(issues.length, 100);
    assert.equal(issues[0].message, "'severities': unknown property 'rule0'");
    assert.equal(issues[99].message, '49901 more problems in this file (fix the ones above first)');
    const commas = parseConfig(`{${','.repeat(200_000)}}`, '/w/.eventflow.json');
    assert.equal(commas.issues.length, 100);
  });

  test('globs: the usual ones pass, the ones that backtrack for minutes are refused', () => {
    const ok = ['**/generated/**', '**/generated/**/*.ts', 'src/**/*.{test,spec}.ts', '**/*.d.ts', '*.gen.ts', 'legacy/**', 'a/?/b.ts'];
    assert.deepEqual(parseConfig(JSON.stringify({ exclude: ok, testFiles: ok }), '/w/.eventflow.json').issues, []);
    const refused = ['**/**/**/**/x', '*a*a*a*b', 'a/***/b', '**.ts', 'src/**x/y'];
    const { issues, conventions } = parseConfig(JSON.stringify({ exclude: refused }), '/w/.eventflow.json');
    assert.deepEqual(
      issues.map((i) => i.message),
      [
        "'exclude[0]': '**/**/**/**/x' has 4 wildcards; at most 3 are allowed (more can take minutes to match)",
        "'exclude[1]': '*a*a*a*b' has 4 wildcards; at most 3 are allowed (more can take minutes to match)",
        "'exclude[2]': 'a/***/b' is not a valid glob: use '*' or '**', not '***'",
        "'exclude[3]': '**.ts' is not a valid glob: '**' must be a whole path segment (as in '**/x' or 'a/**/b')",
        "'exclude[4]': 'src/**x/y' is not a valid glob: '**' must be a whole path segment (as in '**/x' or 'a/**/b')",
      ],
    );
    assert.deepEqual(conventions.exclude, seedConventions().exclude, 'a refused setting keeps its default');
  });
});
