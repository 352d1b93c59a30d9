/**
 * The cold index in parallel: worker threads read, pre-filter and extract a share of the
 * files while the calling thread does its own share. Extraction is a pure function of
 * (path, text, conventions), so where a file is extracted changes nothing in the result.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Conventions } from './conventions';
import type { FileFacts } from './facts';

/** What a worker sends back for one file it found relevant (irrelevant files send nothing). */
export interface ExtractedFile {
  path: string;
  facts?: FileFacts;
  lineStarts?: number[];
  skipped?: string;
}

export interface WorkerRequest {
  files: string[];
  conventions: Conventions;
  wasmDirs?: string[];
}

export type WorkerMessage = { kind: 'batch'; results: ExtractedFile[]; done: number } | { kind: 'end' } | { kind: 'error'; message: string };

/** Below this many files, starting a worker (loading the parser again) costs more than it saves. */
export const PARALLEL_THRESHOLD = 1500;

/**
 * Measured on 2 cores (bench/, L: 20,000 files): a worker costs a second copy of the parser
 * (about 0.3 s of CPU to load) and the cloning of its facts, and since most files are never
 * parsed it saves less than that — 6.3 s single-threaded against 6.9–8.5 s with one worker.
 * So workers start only where there are cores to spare.
 */
export const MIN_CORES_FOR_WORKERS = 4;

export function workerCount(files: number): number {
  if (files < PARALLEL_THRESHOLD || availableParallelism() < MIN_CORES_FOR_WORKERS) return 0;
  return Math.max(0, Math.min(availableParallelism() - 1, 3, Math.floor(files / PARALLEL_THRESHOLD)));
}

/**
 * Runs a share of the files on one worker. `onBatch` receives results as they come;
 * the promise resolves when the worker is done, and rejects if it fails (the caller then
 * extracts that share itself).
 */
export function runWorker(script: string, request: WorkerRequest, onBatch: (results: ExtractedFile[], done: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: request });
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'batch') onBatch(m.results, m.done);
      else if (m.kind === 'end') finish();
      else finish(new Error(m.message));
    });
    worker.on('error', (e) => finish(e));
    worker.on('exit', (code) => finish(code === 0 ? undefined : new Error(`worker exited with code ${code}`)));
  });
}
