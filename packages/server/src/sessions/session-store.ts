/**
 * Two-step signing sessions, whatever holds them: the prepared state (plain JSON, no key material) and the input
 * PDF. Two stores implement this: SQLite (sqlite-session-store.ts, the embedded default) and PostgreSQL
 * (pg-session-store.ts, several instances on one database). The rules both keep are here, once:
 *
 * - Completion is idempotent: the first completion stores its result (the update appended to the input) with the
 *   hash of what completed it; the session keeps its document until it expires, at least `completedRetentionMs`
 *   after completion, so a retry with the same signature gets the same signed PDF on any instance.
 * - Expired sessions lose their document and state at once (a purge at start, periodically and on access) and keep
 *   only a small notice for `expiredNoticeMs`, so a late client hears "expired" rather than "not found".
 * - Each API key may hold a bounded number of sessions and bytes; all keys together a bounded number of bytes.
 */
import type { SigningState } from '@kyso/core';
import type { ByteSource } from '../io/byte-source.js';
import { ServiceError } from '../errors.js';

export interface SessionLimits {
  maxPerKey: number;
  maxBytesPerKey: number;
  maxTotalBytes: number;
  /** A completed session is kept at least this long after completion (for retries), ms. */
  completedRetentionMs: number;
  /** How long an expired session's notice (no document) is kept, ms. */
  expiredNoticeMs: number;
}

export interface SessionRecord {
  id: string;
  unit: string;
  apiKeyId: string;
  state: SigningState;
  inputLength: number;
  /** The name given for the signed PDF (Content-Disposition). */
  fileName: string | null;
  createdAt: number;
  expiresAt: number;
  /** Set once completed: when, and the SHA-256 (hex) of the submission that completed it. */
  completed: { at: number; submissionSha256: string } | null;
}

/** What `get` finds: a live session, an expired one (its document already gone), or nothing. */
export type SessionLookup =
  | { kind: 'live'; session: SessionRecord }
  | { kind: 'expired'; unit: string; expiresAt: number }
  | { kind: 'absent' };

export interface NewSession {
  unit: string;
  apiKeyId: string;
  state: SigningState;
  ttlMs: number;
  input: ByteSource;
  fileName?: string;
}

export interface SessionStore {
  /** Which store this is (logs, readiness). */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Refuses early, before a body is read, when the key already holds its maximum of sessions or the declared size
   * cannot fit. `create` checks again, exactly, in its transaction.
   */
  admit(apiKeyId: string, declaredBytes: number | undefined): Promise<void>;
  /** Stores a prepared session with its input; the caps are checked in the same transaction. */
  create(args: NewSession): Promise<SessionRecord>;
  /** The session under `id`; an expired one is purged on the spot (its document and state go). */
  get(id: string): Promise<SessionLookup>;
  /** The stored input PDF. */
  input(rec: SessionRecord): Promise<ByteSource>;
  /** The stored result of a completed session (the update appended to the input). */
  result(id: string): Promise<Uint8Array | undefined>;
  /** Records the completion; only the first wins (false when completed or purged meanwhile). */
  markCompleted(id: string, submissionSha256: string, result: Uint8Array): Promise<boolean>;
  /** Keeps this instance's purge away from a session while its document is read; call the returned function when done. */
  pin(id: string): () => void;
  /** Purges expired sessions; returns how many lost their data. */
  purgeExpired(): Promise<number>;
  /** Sessions one API key holds now and their bytes (for tests and logs). */
  usage(apiKeyId: string): Promise<{ sessions: number; bytes: number }>;
  /** True when the database answers (readiness). */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

/** What one key holds, and all keys together, as the stores count it. */
export interface SessionHoldings {
  sessions: number;
  bytes: number;
  firstExpiry: number | null;
  totalBytes: number;
}

/** The caps, once for both stores: throws the refusal when adding `adding` bytes would break one. */
export function checkSessionCaps(limits: SessionLimits, held: SessionHoldings, adding: number, now: number): void {
  const { maxPerKey, maxBytesPerKey, maxTotalBytes } = limits;
  if (held.sessions >= maxPerKey) {
    const wait = Math.max(1, Math.ceil(((held.firstExpiry ?? now) - now) / 1000));
    throw new ServiceError('SERVICE_SESSION_LIMIT', { maxPerKey }, `at most ${maxPerKey} sessions per API key`, wait);
  }
  if (held.bytes + adding > maxBytesPerKey) {
    throw new ServiceError(
      'SERVICE_SESSION_QUOTA',
      { maxBytesPerKey },
      `at most ${maxBytesPerKey} bytes of sessions per API key`,
    );
  }
  if (held.totalBytes + adding > maxTotalBytes)
    throw new ServiceError('SERVICE_SESSION_STORAGE_FULL', {}, undefined, 60);
}

/** Pins held by this instance (an answer streaming a session's document). */
export class Pins {
  private readonly held = new Map<string, number>();

  has(id: string): boolean {
    return this.held.has(id);
  }

  pin(id: string): () => void {
    this.held.set(id, (this.held.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.held.get(id) ?? 1) - 1;
      if (n <= 0) this.held.delete(id);
      else this.held.set(id, n);
    };
  }
}

/** The chunk size documents are stored in: neither storing nor reading needs one huge row. */
export const SESSION_CHUNK = 1 << 20;

/** A session's row as both stores keep it (SQLite answers `purged` as 0/1, PostgreSQL as a boolean). */
export interface SessionRow {
  id: string;
  unit: string;
  api_key_id: string;
  state: string;
  input_length: number;
  file_name: string | null;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  submission_sha256: string | null;
  purged: number | boolean;
}

/** The session a live row holds. */
export function sessionOf(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    unit: row.unit,
    apiKeyId: row.api_key_id,
    state: JSON.parse(row.state) as SigningState,
    inputLength: row.input_length,
    fileName: row.file_name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    completed: row.completed_at !== null ? { at: row.completed_at, submissionSha256: row.submission_sha256! } : null,
  };
}
