// The project's own lint rules: small, fast, and each one guards a promise we make.
//  1. The analysis core is editor-agnostic: server/src/core imports no vscode* package.
//  2. The server never writes to stdout (it is the LSP channel over stdio); the CLI may.
//  3. The client imports from the server only the shared protocol (and types).
//  4. No focused or debugger-stopped tests: `.only(` and `debugger;` never land.
//  5. The project speaks only of itself: no machine paths in committed text.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

const problems = [];
const report = (file, line, message) => problems.push(`${file}:${line}: ${message}`);
const source = /\.(ts|mts|cts|mjs|js|json|md|py|sh)$/;
const machinePath = /(?:^|[\s'"`(=])\/(?:work|root|home\/[a-z]+)\//;

for (const file of tracked) {
  if (!source.test(file) && !file.startsWith('.ci/')) continue;
  let text;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch {
    continue; // deleted in the working tree
  }
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const n = i + 1;
    if (file.startsWith('server/src/core/') && /from\s+['"](vscode|vscode-languageserver[^'"]*|vscode-languageclient[^'"]*)['"]/.test(line)) {
      report(file, n, 'the analysis core must not import an editor or LSP package');
    }
    if (file.startsWith('server/src/') && file !== 'server/src/cli.ts' && /(?<![.\w])(console\.(log|info|debug)|process\.stdout\.write)\s*\(/.test(line)) {
      report(file, n, 'the server must not write to stdout (it is the LSP channel); use connection.console');
    }
    if (file.startsWith('client/src/') && /from\s+['"](\.\.\/)+server\/src\/(?!protocol['"])/.test(line) && !/^\s*import\s+type\b/.test(line)) {
      report(file, n, 'the client may import only server/src/protocol at run time');
    }
    if (/^test\//.test(file) && /\b(describe|it|test|suite)\.only\s*\(/.test(line)) report(file, n, 'a focused test (.only) would skip the rest');
    if (/\.(ts|mjs|js)$/.test(file) && /^\s*debugger;?\s*$/.test(line)) report(file, n, 'a debugger statement');
    if (machinePath.test(line) && !file.startsWith('scripts/lint.mjs')) report(file, n, 'a machine path; the project names only its own paths');
  });
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} lint problem(s).`);
  process.exit(1);
}
console.log(`lint: ${tracked.length} files checked, no problems.`);
