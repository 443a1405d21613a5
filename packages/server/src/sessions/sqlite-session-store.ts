/**
 * Two-step signing sessions in the service's own SQLite file (the embedded default; the rules are in
 * session-store.ts). The input PDF is stored in 1 MiB chunks and read on demand, so neither storing nor finishing
 * needs the whole document in one buffer. Instances on the same file (one machine) share the sessions.
 */
import { randomBytes } from 'node:crypto';
import type { ByteSource } from '../io/byte-source.js';
import { databaseReachable, type Db } from '../db/database.js';
import { ServiceError } from '../errors.js';
import {
  checkSessionCaps,
  Pins,
  SESSION_CHUNK as CHUNK,
  type NewSession,
  type SessionLimits,
  sessionOf,
  type SessionLookup,
  type SessionRecord,
  type SessionRow,
  type SessionStore,
} from './session-store.js';

/** Bytes a session holds in the database: its input and, once completed, its result. */
const HELD_BYTES = 'input_length + COALESCE(LENGTH(result), 0)';

export class SqliteSessionStore implements SessionStore {
  readonly kind = 'sqlite';
  /** Sessions whose document is being read right now (an answer streaming): the purge leaves them alone. */
  private readonly pinned = new Pins();

  constructor(
    readonly db: Db,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(apiKeyId: string, declaredBytes: number | undefined): Promise<void> {
    this.purgeExpired();
    this.checkCaps(apiKeyId, declaredBytes ?? 0);
  }

  async create(args: NewSession): Promise<SessionRecord> {
    const id = randomBytes(18).toString('base64url');
    const createdAt = this.now();
    const rec: SessionRecord = {
      id,
      unit: args.unit,
      apiKeyId: args.apiKeyId,
      state: args.state,
      inputLength: args.input.length,
      fileName: args.fileName ?? null,
      createdAt,
      expiresAt: createdAt + args.ttlMs,
      completed: null,
    };
    const insertSession = this.db.prepare(
      'INSERT INTO signing_sessions (id, unit, api_key_id, state, input_length, file_name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertChunk = this.db.prepare('INSERT INTO signing_session_chunks (session_id, seq, data) VALUES (?, ?, ?)');
    this.db
      .transaction(() => {
        this.checkCaps(rec.apiKeyId, rec.inputLength);
        insertSession.run(
          id,
          rec.unit,
          rec.apiKeyId,
          JSON.stringify(rec.state),
          rec.inputLength,
          rec.fileName,
          rec.createdAt,
          rec.expiresAt,
        );
        for (let seq = 0, at = 0; at < args.input.length; seq++, at += CHUNK) {
          insertChunk.run(id, seq, args.input.read(at, Math.min(args.input.length, at + CHUNK)));
        }
      })
      .immediate();
    return rec;
  }

  async get(id: string): Promise<SessionLookup> {
    const row = this.db
      .prepare(
        'SELECT id, unit, api_key_id, state, input_length, file_name, created_at, expires_at, completed_at, submission_sha256, purged FROM signing_sessions WHERE id = ?',
      )
      .get(id) as SessionRow | undefined;
    if (!row) return { kind: 'absent' };
    if (row.purged || this.now() >= row.expires_at) {
      if (!row.purged && !this.pinned.has(id)) this.purgeOne(id);
      return { kind: 'expired', unit: row.unit, expiresAt: row.expires_at };
    }
    return { kind: 'live', session: sessionOf(row) };
  }

  /** The stored input PDF, read on demand, chunk by chunk. */
  async input(rec: SessionRecord): Promise<ByteSource> {
    return new ChunkSource(this.db, rec.id, rec.inputLength);
  }

  async result(id: string): Promise<Uint8Array | undefined> {
    const data = this.db.prepare('SELECT result FROM signing_sessions WHERE id = ? AND purged = 0').pluck().get(id) as
      | Buffer
      | null
      | undefined;
    return data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
  }

  /**
   * Records the completion: the result and the hash of the submission. Only the first completion wins; false
   * when the session was completed (or purged) meanwhile. The session stays (for retries) until it expires, at
   * least `completedRetentionMs` from now.
   */
  async markCompleted(id: string, submissionSha256: string, result: Uint8Array): Promise<boolean> {
    const at = this.now();
    return (
      this.db
        .prepare(
          'UPDATE signing_sessions SET completed_at = ?, submission_sha256 = ?, result = ?, expires_at = MAX(expires_at, ?) WHERE id = ? AND completed_at IS NULL AND purged = 0',
        )
        .run(at, submissionSha256, result, at + this.limits.completedRetentionMs, id).changes === 1
    );
  }

  pin(id: string): () => void {
    return this.pinned.pin(id);
  }

  /**
   * Purges expired sessions: their chunks, state and result go at once, a notice row stays `expiredNoticeMs`.
   * Returns how many sessions lost their data.
   */
  async purgeExpired(): Promise<number> {
    const t = this.now();
    const expired = this.db
      .prepare('SELECT id FROM signing_sessions WHERE purged = 0 AND expires_at <= ?')
      .pluck()
      .all(t) as string[];
    let n = 0;
    for (const id of expired) {
      if (this.pinned.has(id)) continue;
      this.purgeOne(id);
      n++;
    }
    this.db
      .prepare('DELETE FROM signing_sessions WHERE purged = 1 AND expires_at < ?')
      .run(t - this.limits.expiredNoticeMs);
    if (n > 0) this.db.pragma('incremental_vacuum');
    return n;
  }

  async usage(apiKeyId: string): Promise<{ sessions: number; bytes: number }> {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(${HELD_BYTES}), 0) AS bytes FROM signing_sessions WHERE api_key_id = ? AND purged = 0`,
      )
      .get(apiKeyId) as { n: number; bytes: number };
    return { sessions: r.n, bytes: r.bytes };
  }

  private purgeOne(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM signing_session_chunks WHERE session_id = ?').run(id);
      this.db.prepare("UPDATE signing_sessions SET state = '', result = NULL, purged = 1 WHERE id = ?").run(id);
    })();
  }

  async reachable(): Promise<boolean> {
    return databaseReachable(this.db);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Bytes the database file holds in pages (free pages are given back after each purge). */
  fileBytes(): number {
    return (
      (this.db.pragma('page_count', { simple: true }) as number) *
      (this.db.pragma('page_size', { simple: true }) as number)
    );
  }

  private checkCaps(apiKeyId: string, adding: number): void {
    const mine = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(${HELD_BYTES}), 0) AS bytes, MIN(expires_at) AS firstExpiry FROM signing_sessions WHERE api_key_id = ? AND purged = 0`,
      )
      .get(apiKeyId) as { n: number; bytes: number; firstExpiry: number | null };
    const total = this.db
      .prepare(`SELECT COALESCE(SUM(${HELD_BYTES}), 0) FROM signing_sessions WHERE purged = 0`)
      .pluck()
      .get() as number;
    checkSessionCaps(
      this.limits,
      { sessions: mine.n, bytes: mine.bytes, firstExpiry: mine.firstExpiry, totalBytes: total },
      adding,
      this.now(),
    );
  }
}

/** A ByteSource over a session's chunks; keeps the last chunk read, since readers move forward in small steps. */
class ChunkSource implements ByteSource {
  private cachedSeq = -1;
  private cached: Uint8Array = new Uint8Array(0);
  private readonly select;

  constructor(
    db: Db,
    private readonly id: string,
    readonly length: number,
  ) {
    this.select = db.prepare('SELECT data FROM signing_session_chunks WHERE session_id = ? AND seq = ?').pluck();
  }

  read(start: number, end: number): Uint8Array {
    start = Math.max(0, start);
    end = Math.min(this.length, end);
    if (end <= start) return new Uint8Array(0);
    const first = Math.floor(start / CHUNK);
    const last = Math.floor((end - 1) / CHUNK);
    if (first === last) return this.chunk(first).subarray(start - first * CHUNK, end - first * CHUNK);
    const out = new Uint8Array(end - start);
    for (let seq = first; seq <= last; seq++) {
      const c = this.chunk(seq);
      const from = Math.max(start, seq * CHUNK);
      const to = Math.min(end, (seq + 1) * CHUNK);
      out.set(c.subarray(from - seq * CHUNK, to - seq * CHUNK), from - start);
    }
    return out;
  }

  private chunk(seq: number): Uint8Array {
    if (seq !== this.cachedSeq) {
      const data = this.select.get(this.id, seq) as Buffer | undefined;
      // Typed, so the answer is a problem (before streaming) and never a bare crash.
      if (!data) throw new ServiceError('SERVICE_SESSION_EXPIRED', {}, 'the session\u2019s document is gone');
      this.cached = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.cachedSeq = seq;
    }
    return this.cached;
  }
}
