/**
 * The messages between a worker pool (the service's thread) and its workers. Everything here crosses a thread
 * boundary by structured clone, so it is plain data: no classes, no functions. A job may ask the service's
 * thread for something it holds (a signature from a key, a register write) with a `call`; the answer comes back
 * as `call-result` or `call-failed`.
 */
import { KysoError } from '@kyso/core';

/** An error as it crosses the boundary: a kyso error keeps its code and messages (hence its HTTP status). */
export type WorkerError =
  | { kind: 'kyso'; code: string; messageVi: string; messageEn: string; details: Record<string, unknown> }
  | { kind: 'other'; name: string; message: string; stack?: string };

/** Service thread → worker. */
export type ToWorker<J> =
  | { type: 'job'; id: number; job: J }
  | { type: 'call-result'; callId: number; value: unknown }
  | { type: 'call-failed'; callId: number; error: WorkerError };

/** Worker → service thread. */
export type FromWorker<R> =
  | { type: 'ready' }
  | { type: 'init-failed'; error: WorkerError }
  | { type: 'result'; id: number; result: R }
  | { type: 'failed'; id: number; error: WorkerError }
  | { type: 'call'; id: number; callId: number; method: string; args: unknown[] };

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

/** A kyso error becomes one again (same code, messages, HTTP status); anything else stays an internal error. */
export function fromWorkerError(e: WorkerError): Error {
  if (e.kind === 'kyso') return new KysoError(e.code, e.messageVi, e.messageEn, e.details);
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

export function describeWorkerError(e: WorkerError): string {
  return e.kind === 'kyso' ? `${e.code}: ${e.messageEn}` : e.message;
}
