/**
 * Validates PDFs in a worker thread (validate-worker.mjs, the built @kyso/verify) with a watchdog per file and a
 * heap cap: a file that hangs or exhausts memory is recorded as such, the worker is replaced, and the run goes on
 * with the next file. The pattern of tests/helpers/isolated-reader.ts, for the validator.
 */
import { Worker } from 'node:worker_threads';

export interface ValidationJob {
  id: string;
  bytes: Uint8Array;
  /** Trust anchors (PEM) for this file. */
  anchors: string[];
  /** Validation time (ISO), default now. */
  at?: string;
}

export interface ValidationOutcome {
  id: string;
  outcome: 'report' | 'error' | 'crash' | 'timeout' | 'out-of-memory';
  /** The KysoError code, for 'error'. */
  code?: string;
  message?: string;
  signatures?: number;
  passed?: number;
}

export interface IsolationLimits {
  /** Longest a single file may take (default 5000 ms). */
  perFileMs?: number;
  /** The worker's old-generation heap cap (default 512 MB). */
  memoryMb?: number;
}

export async function validateIsolated(
  jobs: ValidationJob[],
  limits: IsolationLimits = {},
): Promise<ValidationOutcome[]> {
  const perFileMs = limits.perFileMs ?? 5000;
  const memoryMb = limits.memoryMb ?? 512;
  const outcomes: ValidationOutcome[] = [];
  let rest = jobs;
  while (rest.length > 0) {
    const got = await runWorker(rest, perFileMs, memoryMb);
    // a worker that died before its first file: count that file as crashed so the loop always advances
    if (got.length === 0) got.push({ id: rest[0].id, outcome: 'crash', message: 'worker did not start' });
    outcomes.push(...got);
    rest = rest.slice(got.length);
  }
  return outcomes;
}

function runWorker(jobs: ValidationJob[], perFileMs: number, memoryMb: number): Promise<ValidationOutcome[]> {
  return new Promise((resolve) => {
    const got: ValidationOutcome[] = [];
    const worker = new Worker(new URL('./validate-worker.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    });
    let running: { id: string; since: number } | undefined;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      void worker.terminate();
      resolve(got);
    };
    const timer = setInterval(() => {
      if (running && Date.now() - running.since > perFileMs) {
        got.push({ id: running.id, outcome: 'timeout', message: `over ${perFileMs} ms` });
        settle();
      }
    }, 50);
    worker.on('message', (m: { type: 'start' | 'done' | 'finished' } & ValidationOutcome) => {
      if (m.type === 'start') running = { id: m.id, since: Date.now() };
      else if (m.type === 'finished') settle();
      else {
        running = undefined;
        const { type: _type, ...outcome } = m;
        got.push(outcome);
      }
    });
    const died = (message: string): void => {
      if (settled) return; // the exit of a worker this runner terminated
      if (running)
        got.push({ id: running.id, outcome: /memory|heap/i.test(message) ? 'out-of-memory' : 'crash', message });
      running = undefined;
      settle();
    };
    worker.on('error', (e) => died(String(e)));
    worker.on('exit', (code) => died(`worker exited (${code})`));
    worker.postMessage({ jobs });
  });
}
