/**
 * The messages between the verification pool (the service's thread) and its workers. Everything here crosses a
 * thread boundary by structured clone, so it is plain data: no classes, no functions.
 */
import type { FetchPolicy, ValidationReport } from '@kyso/verify';

/** What a worker is started with (`workerData`): the PEM texts of the roots it trusts and the bundled profile, parsed once. */
export interface WorkerInit {
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
export type VerifyMessage = {
  type: 'verify';
  id: number;
  /** ISO time to validate as of; null for now. */
  at: string | null;
  online: boolean;
} & ({ bytes: Uint8Array; path?: undefined } | { path: string; bytes?: undefined });

/** An error as it crosses the boundary: a kyso error keeps its code and messages (hence its HTTP status). */
export type WorkerError =
  | { kind: 'kyso'; code: string; messageVi: string; messageEn: string; details: Record<string, unknown> }
  | { kind: 'other'; name: string; message: string; stack?: string };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-failed'; error: WorkerError }
  | { type: 'result'; id: number; report: ValidationReport }
  | { type: 'failed'; id: number; error: WorkerError };

/** Duck-typed rather than `instanceof`: the worker's kyso modules are not the service thread's. */
export function toWorkerError(e: unknown): WorkerError {
  const k = e as { code?: unknown; messageVi?: unknown; messageEn?: unknown; details?: unknown } | null;
  if (k && typeof k.code === 'string' && typeof k.messageVi === 'string' && typeof k.messageEn === 'string') {
    const details = typeof k.details === 'object' && k.details !== null ? (k.details as Record<string, unknown>) : {};
    return { kind: 'kyso', code: k.code, messageVi: k.messageVi, messageEn: k.messageEn, details };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'other', name: err.name, message: err.message, stack: err.stack };
}
