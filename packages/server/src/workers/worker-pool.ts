/**
 * Work off the request thread: a few worker threads (node:worker_threads), each loading its packages once, run
 * one job at a time. Jobs wait in the service's usual work queue (at most `workers` run, at most `maxQueued`
 * wait, beyond that 503 SERVICE_BUSY with Retry-After). Used for verification and for signing/certification, so
 * neither freezes `/healthz` or other requests.
 *
 * Bounds, each answered without taking the service down:
 * - a worker that throws or exits takes only its own job with it (500 SERVICE_INTERNAL) and is replaced;
 * - a worker over its `resourceLimits` (heap) is stopped by Node; its job is answered 422 PDF_LIMIT (the
 *   document needed more memory than a worker has) and the worker replaced;
 * - a job over its time limit has its worker terminated (503 SERVICE_TIMEOUT) and replaced.
 *
 * A job may call back into this thread (`RunOptions.calls`) for what stays here: private keys, PKCS#11 sessions,
 * the register. `close()` lets the jobs in flight and in line finish, then stops the workers.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { type KysoError, PdfError } from '@kyso/core';
import { ServiceError } from '../errors.js';
import { WorkQueue } from '../limits/work-queue.js';
import {
  describeWorkerError,
  fromWorkerError,
  toWorkerError,
  type FromWorker,
  type ToWorker,
  type WorkerError,
} from './protocol.js';

export interface WorkerPoolOptions<I> {
  /** What the jobs are (thread names, log lines, error texts): 'verification', 'signing'. */
  name: string;
  /** Worker threads (each runs one job at a time). */
  workers: number;
  /** Jobs allowed to wait for a worker; beyond this `run` throws SERVICE_BUSY (503, Retry-After). */
  maxQueued: number;
  /** The worker's entry file. */
  workerUrl: URL;
  /** Given to each worker as `workerData`. */
  workerData: I;
  /** A job running longer than this is abandoned and its worker replaced (default: no limit). */
  jobTimeoutMs?: number;
  /** Node's limits for each worker (heap sizes, stack); a worker over them is stopped and replaced. */
  resourceLimits?: ResourceLimits;
  /** What `start` throws when a worker cannot initialise (default: SERVICE_INTERNAL). */
  initError?: (e: WorkerError) => Error;
  /** Told when a worker stops unexpectedly (for the log); the pool replaces it. */
  onWorkerLost?: (event: WorkerLost) => void;
}

export interface WorkerLost {
  pool: string;
  /** `crashed`: it threw or exited; `out-of-memory`: over its resourceLimits; `timed-out`: the pool terminated it. */
  reason: 'crashed' | 'out-of-memory' | 'timed-out';
  exitCode: number;
  /** The uncaught error's message, when there was one. */
  error?: string;
  /** Whether a job was running on it (and so was answered with an error). */
  hadRequest: boolean;
}

export interface RunOptions {
  /** Buffers moved to the worker, not copied (empty here afterwards). */
  transfer?: ArrayBuffer[];
  /** This job's time limit (default: the pool's `jobTimeoutMs`). */
  timeoutMs?: number;
  /** Answers the job's calls back into this thread; without it every call fails. */
  calls?: (method: string, args: unknown[]) => Promise<unknown>;
}

interface Job<R> {
  id: number;
  resolve: (result: R) => void;
  reject: (e: unknown) => void;
  calls?: RunOptions['calls'];
  timer?: NodeJS.Timeout;
}

interface Slot<R> {
  worker: Worker | null;
  /** True once the worker answered `ready`. */
  ready: boolean;
  /** Settles when the worker is ready, or failed to start. */
  starting: Promise<void>;
  job: Job<R> | null;
}

/**
 * A built worker file next to the pools (dist/<path>). Under vitest the sources run (.ts) but Node 20 cannot
 * start a TypeScript worker, so the sources use the built dist file (`pnpm build` first).
 */
export function builtWorkerUrl(path: string): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL(`../../dist/${path}`, import.meta.url)
    : new URL(`../${path}`, import.meta.url);
}

/** The answer to a job whose worker ran out of heap: the document (or images) needed more than a worker has. */
export function workerMemoryError(pool: string, limits: ResourceLimits | undefined): KysoError {
  return new PdfError(
    'PDF_LIMIT',
    { limit: 'workerMemory', maxOldGenerationSizeMb: limits?.maxOldGenerationSizeMb ?? null },
    `the ${pool} needed more memory than a worker may use`,
  );
}

export class WorkerPool<J, R, I = unknown> {
  private readonly queue: WorkQueue;
  private readonly slots: Slot<R>[] = [];
  private readonly idle: Slot<R>[] = [];
  private nextId = 1;
  private closing = false;
  private closed = false;
  private drainWaiters: (() => void)[] = [];
  private replaced = 0;
  private recycled = 0;

  /** Starts the workers and waits until each is ready. */
  static async start<J, R, I>(options: WorkerPoolOptions<I>): Promise<WorkerPool<J, R, I>> {
    const pool = new WorkerPool<J, R, I>(options);
    try {
      await Promise.all(pool.slots.map((slot) => pool.spawn(slot)));
    } catch (e) {
      await pool.terminateAll();
      throw e;
    }
    return pool;
  }

  private constructor(private readonly options: WorkerPoolOptions<I>) {
    if (!Number.isInteger(options.workers) || options.workers < 1)
      throw new RangeError(`${options.name} pool: workers must be a whole number ≥ 1`);
    if (options.workerUrl.protocol === 'file:' && !existsSync(fileURLToPath(options.workerUrl))) {
      throw new Error(`kyso ${options.name} worker ${fileURLToPath(options.workerUrl)} is missing: run \`pnpm build\``);
    }
    this.queue = new WorkQueue(options.workers, options.maxQueued);
    for (let i = 0; i < options.workers; i++) {
      const slot: Slot<R> = { worker: null, ready: false, starting: Promise.resolve(), job: null };
      this.slots.push(slot);
      this.idle.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Jobs running now. */
  get inFlight(): number {
    return this.queue.inFlight;
  }

  /** Jobs waiting for a worker. */
  get queued(): number {
    return this.queue.queued;
  }

  /** Workers replaced since start (crashed, out of memory or timed out). */
  get workersReplaced(): number {
    return this.replaced;
  }

  /** Workers restarted after a job refused for a limit (PDF_LIMIT), to give its memory back. */
  get workersRecycled(): number {
    return this.recycled;
  }

  /** Runs `job` on a worker; resolves with its result or rejects with its (kyso) error. */
  async run(job: J, options: RunOptions = {}): Promise<R> {
    if (this.closing) throw new ServiceError('SERVICE_SHUTTING_DOWN', {}, undefined, 5);
    try {
      return await this.queue.run(() => {
        // The queue lets at most `workers` jobs run, and each holds a slot until it ends: one is free.
        const slot = this.idle.pop()!;
        return this.runOn(slot, job, options).finally(() => this.idle.push(slot));
      });
    } finally {
      if (this.queue.inFlight === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    }
  }

  /**
   * Refuses new jobs (SERVICE_SHUTTING_DOWN), lets those running and waiting finish (up to `graceMs`), then
   * terminates the workers; anything still unanswered then fails with SERVICE_SHUTTING_DOWN.
   */
  async close(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.closing = true;
    if (this.queue.inFlight > 0 && graceMs > 0) {
      await new Promise<void>((resolve) => {
        this.drainWaiters.push(resolve);
        if (Number.isFinite(graceMs)) setTimeout(resolve, graceMs).unref();
      });
    }
    await this.terminateAll();
  }

  private async terminateAll(): Promise<void> {
    this.closing = true;
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = null;
        this.settle(slot, new ServiceError('SERVICE_SHUTTING_DOWN', {}, undefined, 5));
        if (worker) await worker.terminate();
      }),
    );
  }

  /** Starts the slot's worker; resolves when it is ready, rejects when it cannot start. */
  private spawn(slot: Slot<R>): Promise<void> {
    const { name } = this.options;
    const worker = new Worker(this.options.workerUrl, {
      workerData: this.options.workerData,
      name: `kyso-${name}`,
      resourceLimits: this.options.resourceLimits,
    });
    slot.worker = worker;
    slot.ready = false;
    let uncaught: Error | undefined;
    slot.starting = new Promise<void>((resolveReady, rejectReady) => {
      worker.on('message', (m: FromWorker<R>) => {
        if (m.type === 'ready') {
          slot.ready = true;
          resolveReady();
        } else if (m.type === 'init-failed') {
          rejectReady(
            this.options.initError?.(m.error) ??
              new ServiceError(
                'SERVICE_INTERNAL',
                {},
                `the ${name} worker could not start: ${describeWorkerError(m.error)}`,
              ),
          );
        } else if (m.type === 'call') {
          void this.answerCall(slot, worker, m);
        } else if (slot.job && m.id === slot.job.id) {
          if (m.type === 'result') this.settle(slot, null, m.result);
          else {
            this.settle(slot, fromWorkerError(m.error));
            if (m.error.kind === 'kyso' && m.error.code === 'PDF_LIMIT') this.recycle(slot, worker);
          }
        }
      });
      worker.on('error', (e) => {
        uncaught = e;
      });
      worker.on('exit', (exitCode) => {
        rejectReady(uncaught ?? new Error(`kyso ${name} worker exited with code ${exitCode} while starting`));
        if (slot.worker !== worker) return; // terminated on purpose (timeout, shutdown)
        slot.worker = null;
        const wasReady = slot.ready;
        slot.ready = false;
        if (this.closed) return;
        const outOfMemory = (uncaught as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
        const error = outOfMemory
          ? workerMemoryError(name, this.options.resourceLimits)
          : new ServiceError('SERVICE_INTERNAL', {}, `the ${name} worker stopped unexpectedly`);
        const hadRequest = this.settle(slot, error);
        if (wasReady || hadRequest)
          this.options.onWorkerLost?.({
            pool: name,
            reason: outOfMemory ? 'out-of-memory' : 'crashed',
            exitCode,
            error: uncaught?.message,
            hadRequest,
          });
        // A worker that had started is replaced now, so the next job does not wait for one to load; one that
        // never started is retried by the next job only (no restart loop on, say, a missing file).
        if (wasReady) this.replace(slot);
      });
    });
    return slot.starting;
  }

  /**
   * A job refused for a limit (PDF_LIMIT) left its worker holding up to a budget of decoded data until the next
   * garbage collection: a fresh worker gives that memory back now.
   */
  private recycle(slot: Slot<R>, worker: Worker): void {
    if (slot.worker !== worker || this.closed) return;
    slot.worker = null;
    slot.ready = false;
    this.recycled++;
    void worker.terminate();
    this.spawn(slot).catch(() => {
      /* its exit handler leaves the slot empty; the next job on it tries again */
    });
  }

  private replace(slot: Slot<R>): void {
    this.replaced++;
    this.spawn(slot).catch(() => {
      /* its exit handler leaves the slot empty; the next job on it tries again */
    });
  }

  /** A job's call back into this thread: answered to the worker that asked, if it is still the slot's. */
  private async answerCall(slot: Slot<R>, worker: Worker, m: Extract<FromWorker<R>, { type: 'call' }>): Promise<void> {
    const job = slot.job;
    let reply: ToWorker<J>;
    try {
      if (!job || job.id !== m.id || !job.calls)
        throw new ServiceError(
          'SERVICE_INTERNAL',
          {},
          `no handler for the ${this.options.name} worker's call ${m.method}`,
        );
      reply = { type: 'call-result', callId: m.callId, value: await job.calls(m.method, m.args) };
    } catch (e) {
      reply = { type: 'call-failed', callId: m.callId, error: toWorkerError(e) };
    }
    if (slot.worker !== worker) return; // timed out or stopped meanwhile
    try {
      worker.postMessage(reply);
    } catch (e) {
      worker.postMessage({ type: 'call-failed', callId: m.callId, error: toWorkerError(e) } satisfies ToWorker<J>);
    }
  }

  private async runOn(slot: Slot<R>, job: J, options: RunOptions): Promise<R> {
    const { name } = this.options;
    if (!this.closed && !slot.worker) this.replace(slot);
    // A replacement may still be loading: the job waits for it rather than for a message queue it cannot see.
    await slot.starting.catch(() => {});
    const worker = slot.worker;
    if (this.closed) throw new ServiceError('SERVICE_SHUTTING_DOWN', {}, undefined, 5);
    if (!worker || !slot.ready) throw new ServiceError('SERVICE_INTERNAL', {}, `the ${name} worker could not start`);
    return new Promise<R>((resolve, reject) => {
      const entry: Job<R> = { id: this.nextId++, resolve, reject, calls: options.calls };
      slot.job = entry;
      try {
        worker.postMessage({ type: 'job', id: entry.id, job } satisfies ToWorker<J>, options.transfer ?? []);
      } catch (e) {
        this.settle(slot, e);
        return;
      }
      const timeout = options.timeoutMs ?? this.options.jobTimeoutMs;
      if (timeout !== undefined) {
        entry.timer = setTimeout(() => {
          if (slot.job !== entry) return;
          slot.worker = null;
          slot.ready = false;
          this.settle(
            slot,
            new ServiceError('SERVICE_TIMEOUT', { limitMs: timeout }, `the ${name} took longer than ${timeout} ms`, 5),
          );
          this.options.onWorkerLost?.({ pool: name, reason: 'timed-out', exitCode: -1, hadRequest: true });
          void worker.terminate();
          if (!this.closed) this.replace(slot);
        }, timeout);
        entry.timer.unref();
      }
    });
  }

  /** Ends the slot's job, if any: with `error`, or with `result`. Returns whether there was one. */
  private settle(slot: Slot<R>, error: unknown, result?: R): boolean {
    const job = slot.job;
    if (!job) return false;
    slot.job = null;
    clearTimeout(job.timer);
    if (error) job.reject(error);
    else job.resolve(result!);
    return true;
  }
}

/** The transfer list for `bytes` when the caller gives them up: only an array spanning its whole buffer moves. */
export function transferable(bytes: Uint8Array | undefined, give: boolean | undefined): ArrayBuffer[] {
  const buffer = bytes?.buffer;
  return bytes &&
    give &&
    buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}
