/**
 * `eventflow`: the analysis core on the command line, for CI.
 *   eventflow check [dir] [--format text|json|sarif] [--config file] [--max-warnings n]
 *   eventflow graph [dir] [--format mermaid|dot|json]
 * Exit codes: 0 clean; 1 errors or too many warnings; 2 usage, config or I/O error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isProfileName } from './core/profiles';
import { createIndex, unknownProfilesMessage, workerScriptNextTo } from './core/setup';
import { buildReport, toDot, toMermaid, toSarif, type Report, type ReportDiagnostic } from './core/report';
import { slash } from './core/text';

const VERSION = '0.1.0';

const USAGE = `eventflow ${VERSION} — the events of a modular monolith, checked

Usage:
  eventflow check [dir] [options]   index the workspace and report problems
  eventflow graph [dir] [options]   print the event flow graph

Options:
  --format <f>         check: text (default), json, sarif;  graph: mermaid (default), dot, json
  --config <file>      use this configuration instead of <dir>/.eventflow.json
  --profile <name>     use a convention profile (repeatable) instead of the detected ones:
                       seed, nestjs-event-emitter, nestjs-cqrs, custom
  --max-warnings <n>   exit 1 when there are more than n warnings (default: unlimited)
  --no-color           never colour the text output
  -h, --help           show this help
  -v, --version        show the version

Exit codes: 0 no errors (and warnings within --max-warnings); 1 errors or too many
warnings; 2 usage, configuration or I/O error.
`;

class UsageError extends Error {}

interface Args {
  command: 'check' | 'graph';
  dir: string;
  format: string;
  config?: string;
  profiles: string[];
  maxWarnings?: number;
  color: boolean;
}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) return 'help';
  if (argv.includes('-v') || argv.includes('--version')) return 'version';
  const [command, ...rest] = argv;
  if (command !== 'check' && command !== 'graph') throw new UsageError(`unknown command '${command}' (expected 'check' or 'graph')`);
  const args: Args = { command, dir: '.', format: command === 'check' ? 'text' : 'mermaid', profiles: [], color: !process.env.NO_COLOR && !!process.stdout.isTTY };
  let dirSet = false;
  for (let i = 0; i < rest.length; i++) {
    // `--name=value` means `--name value` for every option that takes a value.
    const eq = rest[i].startsWith('--') ? rest[i].indexOf('=') : -1;
    const a = eq > 0 ? rest[i].slice(0, eq) : rest[i];
    const inline = eq > 0 ? rest[i].slice(eq + 1) : undefined;
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const flag = () => {
      if (inline !== undefined) throw new UsageError(`${a} takes no value`);
    };
    if (a === '--format') args.format = value();
    else if (a === '--config') args.config = value();
    else if (a === '--profile') {
      const v = value();
      if (!isProfileName(v)) throw new UsageError(unknownProfilesMessage([v]));
      args.profiles.push(v);
    }
    else if (a === '--max-warnings') {
      const v = value();
      if (!/^\d+$/.test(v)) throw new UsageError(`--max-warnings needs a non-negative integer, got '${v}'`);
      args.maxWarnings = Number(v);
    } else if (a === '--color' || a === '--no-color') {
      flag();
      args.color = a === '--color';
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (!dirSet) {
      args.dir = a;
      dirSet = true;
    } else throw new UsageError(`unexpected argument '${a}'`);
  }
  const formats = command === 'check' ? ['text', 'json', 'sarif'] : ['mermaid', 'dot', 'json'];
  if (!formats.includes(args.format)) throw new UsageError(`--format for '${command}' must be one of ${formats.join(', ')}, got '${args.format}'`);
  return args;
}

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`eventflow: ${e.message}\nRun 'eventflow --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args === 'version') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const root = slash(path.resolve(args.dir));
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(root);
  } catch {
    stat = undefined;
  }
  if (!stat?.isDirectory()) {
    process.stderr.write(`eventflow: '${args.dir}' is not a directory\n`);
    return 2;
  }
  const configFile = args.config ? slash(path.resolve(args.config)) : undefined;
  if (configFile && !fs.existsSync(configFile)) {
    process.stderr.write(`eventflow: config file '${args.config}' does not exist\n`);
    return 2;
  }
  const setup = await createIndex({ root, configFile, profiles: args.profiles, wasmDirs: [__dirname], workerScript: workerScriptNextTo(__dirname) });
  if (setup.fatal) {
    process.stderr.write(`eventflow: ${setup.fatal}\n`);
    return 2;
  }
  await setup.index.indexAll();
  const report = buildReport(setup.index, setup.configDiagnostics());
  const configErrors = report.diagnostics.filter((d) => d.code === 'config-error' && d.severity === 'error');
  for (const e of configErrors) process.stderr.write(`eventflow: ${e.file}:${e.line}:${e.column}: ${e.message}\n`);

  if (args.command === 'graph') {
    process.stdout.write(args.format === 'json' ? JSON.stringify(graphJson(report), null, 2) + '\n' : args.format === 'dot' ? toDot(report) : toMermaid(report));
    return configErrors.length ? 2 : 0;
  }
  if (args.format === 'json') process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (args.format === 'sarif') process.stdout.write(JSON.stringify(toSarif(report, VERSION), null, 2) + '\n');
  else process.stdout.write(formatText(report, args.color));

  if (configErrors.length) return 2;
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = report.diagnostics.filter((d) => d.severity === 'warning').length;
  if (errors > 0) return 1;
  if (args.maxWarnings !== undefined && warnings > args.maxWarnings) {
    process.stderr.write(`eventflow: ${warnings} warnings, more than the maximum of ${args.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

function graphJson(report: Report) {
  return {
    version: report.version,
    root: report.root,
    modules: report.modules,
    events: report.events.map((e) => ({
      key: e.key,
      declaredIn: [...new Set(e.declarations.map((d) => d.module ?? null))],
      publishedBy: [...new Set(e.publishers.filter((p) => !p.isTest).map((p) => p.module ?? null))],
      handledBy: [...new Set(e.handlers.filter((h) => !h.isTest).map((h) => h.module ?? null))],
    })),
    flows: report.flows.map((f) => ({ from: f.from, to: f.to, via: f.via })),
  };
}

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', information: '\x1b[36m', hint: '\x1b[90m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

function formatText(report: Report, color: boolean): string {
  const c = (k: keyof typeof COLORS, s: string) => (color ? COLORS[k] + s + COLORS.reset : s);
  const out: string[] = [];
  const byFile = new Map<string, ReportDiagnostic[]>();
  for (const d of report.diagnostics) {
    const list = byFile.get(d.file);
    if (list) list.push(d);
    else byFile.set(d.file, [d]);
  }
  for (const [file, list] of byFile) {
    if (color) out.push(c('bold', file));
    for (const d of list) {
      const where = `${d.file}:${d.line}:${d.column}`;
      out.push(`${color ? '  ' + c('dim', where) : where} ${c(d.severity, d.severity)} ${d.code} ${d.message}`);
    }
    if (color) out.push('');
  }
  for (const s of report.skipped) out.push(c('dim', `skipped ${s.file}: ${s.reason}`));
  const count = (sev: string) => report.diagnostics.filter((d) => d.severity === sev).length;
  out.push(
    `${report.events.length} events, ${report.events.reduce((n, e) => n + e.publishers.length, 0)} publishers, ${report.events.reduce((n, e) => n + e.handlers.length, 0)} handlers, ${report.unresolved.length} unresolved · ` +
      `${count('error')} errors, ${count('warning')} warnings, ${count('information')} infos, ${count('hint')} hints · ` +
      `${report.stats.filesScanned} files (${report.stats.filesParsed} parsed) in ${report.stats.durationMs} ms`,
  );
  return out.join('\n') + '\n';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`eventflow: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
