/**
 * Verification off the request thread: `validatePdf` in the shared worker pool (workers/worker-pool.ts), each
 * worker loading @kyso/verify once and keeping its parsed trust anchors. The PDF's bytes are transferred to the
 * worker when the caller gives them up; a body spooled to disk goes as its path.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { fetchPolicy, type FetchPolicy, type ValidationReport } from '@kyso/verify';
import { ServiceError } from '../errors.js';
import { describeWorkerError } from '../workers/protocol.js';
import { Pooled } from '../workers/pooled.js';
import { builtWorkerUrl, transferable, WorkerPool, type WorkerLost } from '../workers/worker-pool.js';
import type { VerifyJob, VerifyResult, WorkerInit } from './protocol.js';

export type { WorkerLost } from '../workers/worker-pool.js';

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
  /** Each worker's heap limits (a worker over them is replaced; its request gets 422 PDF_LIMIT). */
  resourceLimits?: ResourceLimits;
  /** The per-document budget of decoded bytes in the workers (default: @kyso/pdf's, 512 MiB). */
  maxDecodedBytes?: number;
  /** The workers' nice value (Linux): validations yield the CPU to the request thread. */
  nice?: number;
  /** The worker's entry file (default: `verificationWorkerUrl()`); tests pass their own. */
  workerUrl?: URL;
  /** Told when a worker stops unexpectedly (for the log); the pool replaces it. */
  onWorkerLost?: (event: WorkerLost) => void;
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

/** The built verification worker next to this module (dist/verification/worker.js). */
export function verificationWorkerUrl(): URL {
  return builtWorkerUrl('verification/worker.js');
}

export class VerificationPool extends Pooled {
  private constructor(private readonly pool: WorkerPool<VerifyJob, VerifyResult, WorkerInit>) {
    super(pool);
  }

  /** Starts the workers and waits until each has loaded the validator and parsed the anchors. */
  static async start(options: VerificationPoolOptions): Promise<VerificationPool> {
    const pool = await WorkerPool.start<VerifyJob, VerifyResult, WorkerInit>({
      name: 'verification',
      workers: options.workers,
      maxQueued: options.maxQueued,
      workerUrl: options.workerUrl ?? verificationWorkerUrl(),
      workerData: {
        trustAnchors: [...options.trustAnchors],
        trustProfile: options.trustProfile ?? null,
        fetchPolicy: options.fetchPolicy ?? fetchPolicy(),
        maxDecodedBytes: options.maxDecodedBytes,
        nice: options.nice,
      },
      jobTimeoutMs: options.jobTimeoutMs,
      resourceLimits: options.resourceLimits,
      initError: (e) =>
        new ServiceError('SERVICE_CONFIG_INVALID', {}, `verification.trustRoots: ${describeWorkerError(e)}`),
      onWorkerLost: options.onWorkerLost,
    });
    return new VerificationPool(pool);
  }

  /**
   * What `validatePdf(input, { trustAnchors, at, online })` returns, computed in a worker; or what it throws. The
   * input is bytes, or the file at `{ path }` (read by the worker in windows; it must stay until the answer).
   */
  verify(input: Uint8Array | { path: string }, options: VerifyOptions = {}): Promise<ValidationReport> {
    const common = { at: options.at ? options.at.toISOString() : null, online: options.online ?? false };
    const job: VerifyJob = input instanceof Uint8Array ? { ...common, bytes: input } : { ...common, path: input.path };
    return this.pool.run(job, {
      transfer: transferable(input instanceof Uint8Array ? input : undefined, options.transfer),
    });
  }

  /** See WorkerPool.close. */
  close(graceMs?: number): Promise<void> {
    return this.pool.close(graceMs);
  }
}
