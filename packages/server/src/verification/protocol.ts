/**
 * The verification jobs (see workers/protocol.ts for the envelope). Plain data: it crosses a thread boundary by
 * structured clone.
 */
import type { FetchPolicy, ValidationReport } from '@kyso/verify';
import type { CommonWorkerInit } from '../workers/worker-runtime.js';

/**
 * What a verification worker is started with (`workerData`): the PEM texts of the roots it trusts and the bundled
 * profile, parsed once, and the fetch policy its online validations go through.
 */
export interface WorkerInit extends CommonWorkerInit {
  trustAnchors: string[];
  /** @kyso/verify's bundled profile ('vn', 'vn-all'); null for none. */
  trustProfile: 'vn' | 'vn-all' | null;
  /** The service's fetch policy (plain data): online verifications fetch only through it. */
  fetchPolicy: FetchPolicy;
}

/**
 * One validation: of `bytes` (usually transferred, not copied) or of the file at `path` (a body spooled to disk,
 * which the worker reads in windows and never loads whole).
 */
export type VerifyJob = {
  /** ISO time to validate as of; null for now. */
  at: string | null;
  online: boolean;
} & ({ bytes: Uint8Array; path?: undefined } | { path: string; bytes?: undefined });

export type VerifyResult = ValidationReport;
