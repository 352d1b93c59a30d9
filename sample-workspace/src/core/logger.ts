/**
 * The one logger of the application.
 *
 * Everything (the event bus, the modules, the demo) logs through here so that a
 * single switch (`setLogLevel`, or EVENT_FLOW_LOG_LEVEL) changes verbosity
 * everywhere, and so tests can capture what was logged instead of scraping the
 * console.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Levels a record can carry; 'silent' only exists as a threshold. */
export type RecordLevel = Exclude<LogLevel, 'silent'>;

export interface LogRecord {
  readonly level: RecordLevel;
  readonly message: string;
  readonly timestamp: Date;
  /** The thrown value, kept so sinks can print a stack or tests can inspect it. */
  readonly error?: unknown;
}

export type LogSink = (record: LogRecord) => void;

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(SEVERITY, value);
}

/** Info and debug go to stdout, problems to stderr, so `2>` separates them. */
const consoleSink: LogSink = (record) => {
  const line = `${record.level.padEnd(5)} ${record.message}`;
  if (record.level === 'warn' || record.level === 'error') {
    console.error(line);
    // A stack is noise in normal runs but exactly what you want while debugging.
    if (threshold === 'debug' && record.error instanceof Error && record.error.stack) {
      console.error(record.error.stack);
    }
  } else {
    console.log(line);
  }
};

const envLevel = process.env.EVENT_FLOW_LOG_LEVEL;
let threshold: LogLevel = isLogLevel(envLevel) ? envLevel : 'info';
let sink: LogSink = consoleSink;

/** Returns the previous level so callers can put it back. */
export function setLogLevel(level: LogLevel): LogLevel {
  const previous = threshold;
  threshold = level;
  return previous;
}

export function getLogLevel(): LogLevel {
  return threshold;
}

export function isLevelEnabled(level: RecordLevel): boolean {
  return SEVERITY[level] >= SEVERITY[threshold];
}

/** Returns the previous sink so callers can put it back. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

function write(level: RecordLevel, message: string, error?: unknown): void {
  if (!isLevelEnabled(level)) return;
  sink({ level, message, timestamp: new Date(), ...(error === undefined ? {} : { error }) });
}

export const logger = {
  debug: (message: string): void => write('debug', message),
  info: (message: string): void => write('info', message),
  warn: (message: string, error?: unknown): void => write('warn', message, error),
  error: (message: string, error?: unknown): void => write('error', message, error),
};

export interface LogCapture {
  readonly records: readonly LogRecord[];
  /** Resolves with the first record (already captured or future) that matches. */
  waitFor(predicate: (record: LogRecord) => boolean): Promise<LogRecord>;
  /** Forgets what was captured so far, e.g. after a test's arrange step. */
  clear(): void;
  /** Puts back the sink and level that were active before the capture. */
  restore(): void;
}

/**
 * Redirects log records into memory, mainly for tests.
 *
 * `waitFor` lets a test await an asynchronous log line (for example a rejected
 * async handler) deterministically instead of sleeping.
 */
export function captureLogs(level: LogLevel = 'debug'): LogCapture {
  const records: LogRecord[] = [];
  const waiters: Array<{ predicate: (record: LogRecord) => boolean; resolve: (record: LogRecord) => void }> = [];

  const previousSink = setLogSink((record) => {
    records.push(record);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(record)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  });
  const previousLevel = setLogLevel(level);

  return {
    records,
    waitFor(predicate) {
      const existing = records.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    clear() {
      records.length = 0;
    },
    restore() {
      setLogSink(previousSink);
      setLogLevel(previousLevel);
    },
  };
}
