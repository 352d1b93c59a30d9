/**
 * A cold-index worker thread: reads its share of the files, keeps those that may matter,
 * extracts their facts and sends them back in batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { extractFile, isPython, mayMatter, preparePython } from './extract/index';
import { readSourceFile } from './host';
import type { ExtractedFile, WorkerMessage, WorkerRequest } from './parallel';
import { computeLineStarts } from './text';

const BATCH = 200;

async function main(): Promise<void> {
  const { files, conventions, wasmDirs } = workerData as WorkerRequest;
  if (files.some(isPython)) await preparePython(wasmDirs);
  let batch: ExtractedFile[] = [];
  let done = 0;
  const send = (m: WorkerMessage) => parentPort!.postMessage(m);
  for (const path of files) {
    done++;
    const read = readSourceFile(path, conventions.maxFileSize);
    if ('skipped' in read) batch.push({ path, skipped: read.skipped });
    else if (mayMatter(path, read.text, conventions)) {
      const facts = extractFile(path, read.text, conventions);
      if ('skipped' in facts) batch.push({ path, skipped: facts.skipped });
      else batch.push({ path, facts, lineStarts: computeLineStarts(read.text) });
    }
    if (batch.length >= BATCH || done % 1000 === 0) {
      send({ kind: 'batch', results: batch, done });
      batch = [];
    }
  }
  send({ kind: 'batch', results: batch, done });
  send({ kind: 'end' });
}

main().catch((e) => parentPort!.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage));
