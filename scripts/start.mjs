#!/usr/bin/env node
// `npm start`: build the extension, prepare the real-VS Code environment, install the extension
// and serve VS Code (code-server) on the sample workspace at 127.0.0.1. Open the printed URL in a
// browser. Ctrl+C stops everything this script started.
//
// Options (or environment):
//   --extension <dir>  EVENTFLOW_EXTENSION_DIR  extension to run (default: the repo)
//   --folder <dir>     EVENTFLOW_SAMPLE_DIR     folder to open (default: sample-workspace/)
//   --port <n>         PORT                     port (default: a free one)
//   --no-build         EVENTFLOW_SKIP_BUILD=1   skip `node scripts/build.mjs`
// State (settings, extensions you add by hand, logs) persists in .vscode-test/start/.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildExtension, cacheDir, defaultExtensionDir, defaultSampleDir, installExtension, logTail, prepare, runCli,
  startCodeServer,
} from './vscode-env.mjs';

const { values: opts } = parseArgs({
  options: {
    extension: { type: 'string' },
    folder: { type: 'string' },
    port: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const extensionDir = resolve(opts.extension ?? defaultExtensionDir);
const folder = resolve(opts.folder ?? defaultSampleDir);
const say = (m) => process.stderr.write(`[start] ${m}\n`);

await runCli(async () => {
  if (!(opts['no-build'] || process.env.EVENTFLOW_SKIP_BUILD === '1')) await buildExtension(extensionDir, { say });
  const paths = await prepare();

  const stateDir = join(cacheDir, 'start');
  const extensionsDir = join(stateDir, 'extensions');
  mkdirSync(folder, { recursive: true });
  if (existsSync(join(extensionDir, 'package.json'))) {
    const { id, manifest } = installExtension(extensionDir, extensionsDir);
    say(`installed ${id} ${manifest.version} into ${extensionsDir}`);
  } else {
    say(`no package.json in ${extensionDir}: starting VS Code without the extension`);
  }

  const server = await startCodeServer({
    folder, extensionsDir, paths, port: opts.port,
    userDataDir: join(stateDir, 'user-data'),
    logFile: join(stateDir, 'code-server.log'),
  });

  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    say(`${why}: stopping code-server`);
    await server.stop();
    say('stopped');
    process.exit(why === 'code-server exited' ? 1 : 0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  server.exited.then(() => {
    if (stopping) return;
    say(`code-server exited on its own; the end of ${server.logFile}:\n${logTail(server.logFile, 30)}`);
    stop('code-server exited');
  });

  console.log('');
  console.log(`  VS Code ${paths.vscodeVersion} (code-server ${paths.codeServerVersion}) is serving ${folder}`);
  console.log(`  Open:  ${server.folderUrl}`);
  console.log(`  Log:   ${server.logFile}`);
  console.log('  Ctrl+C stops it.');
  console.log('');
});
