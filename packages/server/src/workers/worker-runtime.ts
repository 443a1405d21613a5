/**
 * The worker side of a pool (runs inside a worker thread): sets the thread's PDF limits, runs `init` once, says
 * `ready`, then answers each `job` with what the handler returns (or the error it threw). A job reaches what only
 * the service's thread holds (keys, the register) through `calls.call(method, ...args)`.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { PDF_LIMITS as LIMITS } from '@kyso/core';
import { fromWorkerError, toWorkerError, type FromWorker, type ToWorker } from './protocol.js';

export interface JobCalls {
  /** Asks the service's thread to run `method` for this job; resolves with its answer or rejects with its error. */
  call<T>(method: string, ...args: unknown[]): Promise<T>;
}

export type JobHandler<J, R> = (job: J, calls: JobCalls) => Promise<{ result: R; transfer?: ArrayBuffer[] }>;

/** What every pool gives its workers in `workerData` besides their own part. */
export interface CommonWorkerInit {
  /** The per-document budget of decoded bytes (@kyso/pdf `LIMITS.maxDocumentDecodedBytes`) for this thread. */
  maxDecodedBytes?: number;
  /** The thread's nice value (Linux): heavy jobs yield the CPU to the request thread. */
  nice?: number;
}

/**
 * Lowers this thread's scheduling priority. Linux schedules threads one by one and setpriority() takes a thread
 * id, which /proc/thread-self names; elsewhere (or when refused) the thread keeps its priority.
 */
function lowerPriority(nice: number): void {
  try {
    const tid = Number(/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    /* not Linux, or not allowed: same priority as the request thread */
  }
}

export function serveJobs<J, R>(
  init: CommonWorkerInit,
  start: () => JobHandler<J, R> | Promise<JobHandler<J, R>>,
): void {
  const port = parentPort;
  if (!port) throw new Error('kyso worker: start it as a worker thread (WorkerPool)');
  const post = (m: FromWorker<R>, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  if (init.maxDecodedBytes !== undefined) LIMITS.maxDocumentDecodedBytes = init.maxDecodedBytes;
  if (init.nice) lowerPriority(init.nice);

  let nextCall = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const callsFor = (id: number): JobCalls => ({
    call<T>(method: string, ...args: unknown[]): Promise<T> {
      const callId = nextCall++;
      return new Promise<T>((resolve, reject) => {
        pending.set(callId, { resolve: resolve as (v: unknown) => void, reject });
        post({ type: 'call', id, callId, method, args });
      });
    },
  });

  const run = async (handler: JobHandler<J, R>, id: number, job: J): Promise<void> => {
    try {
      const { result, transfer } = await handler(job, callsFor(id));
      post({ type: 'result', id, result }, transfer);
    } catch (e) {
      const error = toWorkerError(e);
      try {
        post({ type: 'failed', id, error });
      } catch {
        // The details held something structured clone refuses (a function, a class with private state): drop them.
        post({ type: 'failed', id, error: error.kind === 'kyso' ? { ...error, details: {} } : error });
      }
    }
  };

  void (async () => {
    let handler: JobHandler<J, R>;
    try {
      handler = await start();
    } catch (e) {
      post({ type: 'init-failed', error: toWorkerError(e) });
      port.close();
      return;
    }
    port.on('message', (m: ToWorker<J>) => {
      if (m.type === 'job') void run(handler, m.id, m.job);
      else {
        const p = pending.get(m.callId);
        if (!p) return;
        pending.delete(m.callId);
        if (m.type === 'call-result') p.resolve(m.value);
        else p.reject(fromWorkerError(m.error));
      }
    });
    post({ type: 'ready' });
  })();
}
