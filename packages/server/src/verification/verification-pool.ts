/**
 * Verification off the request thread: `validatePdf` runs in a few worker threads (node:worker_threads), each
 * loading @kyso/verify once and keeping its parsed trust anchors. Requests wait in the service's usual work
 * queue (at most `workers` run, at most `maxQueued` wait, beyond that 503 SERVICE_BUSY with Retry-After); the
 * PDF's bytes are transferred to the worker when the caller gives them up. A worker that dies takes only its own
 * request with it (500 SERVICE_INTERNAL) and is replaced; one that overruns `jobTimeoutMs` is terminated
 * (503 SERVICE_TIMEOUT) and replaced. `close()` lets the requests in flight and in line finish, then stops the
 * workers.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { KysoError } from '@kyso/core';
import { fetchPolicy, type FetchPolicy, type ValidationReport } from '@kyso/verify';
import { ServiceError } from '../errors.js';
import { WorkQueue } from '../limits/work-queue.js';
import type { VerifyMessage, WorkerError, WorkerInit, WorkerMessage } from './protocol.js';

export interface VerificationPoolOptions {
  /** Worker threads (each runs one validation at a time). */
  workers: number;
  /** Validations allowed to wait for a worker; beyond this `verify` throws SERVICE_BUSY (503, Retry-After). */
  maxQueued: number;
  /** PEM texts of the roots to trust (a text may hold several certificates). */
  trustAnchors: readonly string[];
  /** @kyso/verify's bundled trust profile; null or absent for none. */
  trustProfile?: 'vn' | 'vn-all' | null;
  /** What online verifications may fetch (default: the built-in policy, no allow-list). */
  fetchPolicy?: FetchPolicy;
  /** A validation running longer than this is abandoned and its worker replaced (default: no limit). */
  jobTimeoutMs?: number;
  /** The worker's entry file (default: `verificationWorkerUrl()`); tests pass their own. */
  workerUrl?: URL;
  /** Told when a worker stops unexpectedly (for the log); the pool replaces it. */
  onWorkerLost?: (event: WorkerLost) => void;
}

export interface WorkerLost {
  /** `crashed`: it threw or exited; `timed-out`: the pool terminated it. */
  reason: 'crashed' | 'timed-out';
  exitCode: number;
  /** The uncaught error's message, when there was one. */
  error?: string;
  /** Whether a request was running on it (and so was answered with an error). */
  hadRequest: boolean;
}

export interface VerifyOptions {
  /** Validate as of this time (default: now). */
  at?: Date;
  /** Ask OCSP responders and CRL servers. */
  online?: boolean;
  /**
   * Give the bytes up: their buffer is moved to the worker, not copied, and is empty here afterwards. Done only
   * when the array spans its whole buffer (a slice of a shared or pooled buffer is copied instead).
   */
  transfer?: boolean;
}

interface Job {
  id: number;
  resolve: (report: ValidationReport) => void;
  reject: (e: unknown) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker | null;
  /** True once the worker answered `ready` (anchors parsed). */
  ready: boolean;
  /** Settles when the worker is ready, or failed to start. */
  starting: Promise<void>;
  job: Job | null;
}

/**
 * The built worker next to this module. Under vitest the sources run (this file is .ts) but Node 20 cannot start
 * a TypeScript worker, so the sources use the built dist/verification/worker.js (`pnpm build` first).
 */
export function verificationWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../../dist/verification/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url);
}

export class VerificationPool {
  private readonly queue: WorkQueue;
  private readonly slots: Slot[] = [];
  private readonly idle: Slot[] = [];
  private readonly workerUrl: URL;
  private nextId = 1;
  private closing = false;
  private closed = false;
  private drainWaiters: (() => void)[] = [];
  private replaced = 0;

  /** Starts the workers and waits until each has loaded the validator and parsed the anchors. */
  static async start(options: VerificationPoolOptions): Promise<VerificationPool> {
    const pool = new VerificationPool(options);
    try {
      await Promise.all(pool.slots.map((slot) => pool.spawn(slot)));
    } catch (e) {
      await pool.terminateAll();
      throw e;
    }
    return pool;
  }

  private constructor(private readonly options: VerificationPoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError('VerificationPool: workers must be a whole number ≥ 1');
    this.workerUrl = options.workerUrl ?? verificationWorkerUrl();
    if (this.workerUrl.protocol === 'file:' && !existsSync(fileURLToPath(this.workerUrl))) {
      throw new Error(`kyso verification worker ${fileURLToPath(this.workerUrl)} is missing: run \`pnpm build\``);
    }
    this.queue = new WorkQueue(options.workers, options.maxQueued);
    for (let i = 0; i < options.workers; i++) {
      const slot: Slot = { worker: null, ready: false, starting: Promise.resolve(), job: null };
      this.slots.push(slot);
      this.idle.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Validations running now. */
  get inFlight(): number {
    return this.queue.inFlight;
  }

  /** Validations waiting for a worker. */
  get queued(): number {
    return this.queue.queued;
  }

  /** Workers replaced since start (crashed or timed out). */
  get workersReplaced(): number {
    return this.replaced;
  }

  /**
   * What `validatePdf(input, { trustAnchors, at, online })` returns, computed in a worker; or what it throws. The
   * input is bytes, or the file at `{ path }` (read by the worker in windows; it must stay until the answer).
   */
  async verify(bytes: Uint8Array | { path: string }, options: VerifyOptions = {}): Promise<ValidationReport> {
    if (this.closing) throw new ServiceError('SERVICE_SHUTTING_DOWN', {}, undefined, 5);
    try {
      return await this.queue.run(() => {
        // The queue lets at most `workers` jobs run, and each holds a slot until it ends: one is free.
        const slot = this.idle.pop()!;
        return this.runOn(slot, bytes, options).finally(() => this.idle.push(slot));
      });
    } finally {
      if (this.queue.inFlight === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    }
  }

  /**
   * Refuses new validations (SERVICE_SHUTTING_DOWN), lets those running and waiting finish (up to `graceMs`),
   * then terminates the workers; anything still unanswered then fails with SERVICE_SHUTTING_DOWN.
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
  private spawn(slot: Slot): Promise<void> {
    const init: WorkerInit = { trustAnchors: [...this.options.trustAnchors], trustProfile: this.options.trustProfile ?? null, fetchPolicy: this.options.fetchPolicy ?? fetchPolicy() };
    const worker = new Worker(this.workerUrl, { workerData: init, name: 'kyso-verify' });
    slot.worker = worker;
    slot.ready = false;
    let uncaught: Error | undefined;
    slot.starting = new Promise<void>((resolveReady, rejectReady) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          slot.ready = true;
          resolveReady();
        } else if (m.type === 'init-failed') {
          rejectReady(new ServiceError('SERVICE_CONFIG_INVALID', {}, `verification.trustRoots: ${describe(m.error)}`));
        } else if (slot.job && m.id === slot.job.id) {
          if (m.type === 'result') this.settle(slot, null, m.report);
          else this.settle(slot, fromWorkerError(m.error));
        }
      });
      worker.on('error', (e) => {
        uncaught = e;
      });
      worker.on('exit', (exitCode) => {
        rejectReady(uncaught ?? new Error(`kyso verification worker exited with code ${exitCode} while starting`));
        if (slot.worker !== worker) return; // terminated on purpose (timeout, shutdown)
        slot.worker = null;
        const wasReady = slot.ready;
        slot.ready = false;
        if (this.closed) return;
        const hadRequest = this.settle(slot, new ServiceError('SERVICE_INTERNAL', {}, 'the verification worker stopped unexpectedly'));
        if (wasReady || hadRequest) this.options.onWorkerLost?.({ reason: 'crashed', exitCode, error: uncaught?.message, hadRequest });
        // A worker that had started is replaced now, so the next request does not wait for one to load; one that
        // never started is retried by the next request only (no restart loop on, say, a missing file).
        if (wasReady) this.replace(slot);
      });
    });
    return slot.starting;
  }

  private replace(slot: Slot): void {
    this.replaced++;
    this.spawn(slot).catch(() => {
      /* its exit handler leaves the slot empty; the next request on it tries again */
    });
  }

  private async runOn(slot: Slot, input: Uint8Array | { path: string }, options: VerifyOptions): Promise<ValidationReport> {
    if (!this.closed && !slot.worker) this.replace(slot);
    // A replacement may still be loading: the job waits for it rather than for a message queue it cannot see.
    await slot.starting.catch(() => {});
    const worker = slot.worker;
    if (this.closed) throw new ServiceError('SERVICE_SHUTTING_DOWN', {}, undefined, 5);
    if (!worker || !slot.ready) throw new ServiceError('SERVICE_INTERNAL', {}, 'the verification worker could not start');
    return new Promise<ValidationReport>((resolve, reject) => {
      const job: Job = { id: this.nextId++, resolve, reject };
      slot.job = job;
      const bytes = input instanceof Uint8Array ? input : undefined;
      const message: VerifyMessage = {
        type: 'verify',
        id: job.id,
        ...(input instanceof Uint8Array ? { bytes: input } : { path: input.path }),
        at: options.at ? options.at.toISOString() : null,
        online: options.online ?? false,
      };
      const buffer = bytes?.buffer;
      const transfer = bytes && options.transfer && buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : [];
      try {
        worker.postMessage(message, transfer);
      } catch (e) {
        this.settle(slot, e);
        return;
      }
      const timeout = this.options.jobTimeoutMs;
      if (timeout !== undefined) {
        job.timer = setTimeout(() => {
          if (slot.job !== job) return;
          slot.worker = null;
          slot.ready = false;
          this.settle(slot, new ServiceError('SERVICE_TIMEOUT', {}, 'the verification took too long', 5));
          this.options.onWorkerLost?.({ reason: 'timed-out', exitCode: -1, hadRequest: true });
          void worker.terminate();
          if (!this.closed) this.replace(slot);
        }, timeout);
        job.timer.unref();
      }
    });
  }

  /** Ends the slot's job, if any: with `error`, or with `report`. Returns whether there was one. */
  private settle(slot: Slot, error: unknown, report?: ValidationReport): boolean {
    const job = slot.job;
    if (!job) return false;
    slot.job = null;
    clearTimeout(job.timer);
    if (error) job.reject(error);
    else job.resolve(report!);
    return true;
  }
}

/** A kyso error becomes one again (same code, messages, HTTP status); anything else stays an internal error. */
function fromWorkerError(e: WorkerError): Error {
  if (e.kind === 'kyso') return new KysoError(e.code, e.messageVi, e.messageEn, e.details);
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

function describe(e: WorkerError): string {
  return e.kind === 'kyso' ? `${e.code}: ${e.messageEn}` : e.message;
}
