/** Reads PDFs in a worker thread under a time limit per file and a memory cap, for hostile-input tests. */
import { Worker } from 'node:worker_threads';

export interface WalkOutcome {
  id: string;
  outcome: 'read' | 'error' | 'crash' | 'timeout' | 'out-of-memory';
  code?: string;
  message?: string;
  recovered?: boolean;
  revisions?: number;
}

export async function walkIsolated(
  jobs: { id: string; bytes: Uint8Array }[],
  perFileMs = 5000,
  memoryMb = 768,
): Promise<WalkOutcome[]> {
  const results: WalkOutcome[] = [];
  let pending = jobs.slice();
  while (pending.length > 0) {
    const batch = pending;
    const done = await runBatch(batch, perFileMs, memoryMb);
    if (done.results.length === 0)
      done.results.push({ id: batch[0].id, outcome: 'crash', message: 'worker failed to start' });
    results.push(...done.results);
    // after a timeout or a crash of the worker, go on with the files it had not reached
    pending = batch.slice(done.results.length);
  }
  return results;
}

function runBatch(
  jobs: { id: string; bytes: Uint8Array }[],
  perFileMs: number,
  memoryMb: number,
): Promise<{ results: WalkOutcome[] }> {
  return new Promise((resolve) => {
    const results: WalkOutcome[] = [];
    const worker = new Worker(new URL('./pdf-walk-worker.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    });
    let current: string | undefined;
    let startedAt = 0;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      void worker.terminate();
      resolve({ results });
    };
    const watchdog = setInterval(() => {
      if (current !== undefined && Date.now() - startedAt > perFileMs) {
        results.push({ id: current, outcome: 'timeout' });
        finish();
      }
    }, 100);
    worker.on('message', (m: { type: string; id?: string } & WalkOutcome) => {
      if (m.type === 'start') {
        current = m.id;
        startedAt = Date.now();
      } else if (m.type === 'done') {
        current = undefined;
        const { type: _t, ...rest } = m;
        results.push(rest as WalkOutcome);
      } else if (m.type === 'finished') finish();
    });
    worker.on('error', (e) => {
      if (current !== undefined) {
        results.push({
          id: current,
          outcome: /memory/i.test(String(e)) ? 'out-of-memory' : 'crash',
          message: String(e),
        });
      }
      finish();
    });
    worker.on('exit', () => {
      if (!finished && current !== undefined) results.push({ id: current, outcome: 'crash', message: 'worker exited' });
      finish();
    });
    worker.postMessage({ jobs: jobs.map((j) => ({ id: j.id, bytes: j.bytes })) });
  });
}
