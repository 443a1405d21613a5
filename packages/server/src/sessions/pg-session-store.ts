/**
 * Two-step signing sessions in PostgreSQL (database.url): every instance on the database sees every session, so a
 * session prepared on one instance completes on another and a retried completion gets the stored result wherever
 * it lands (the rules are in session-store.ts).
 *
 * Caps: `create` takes a transaction-scoped advisory lock on the API key, so two instances creating sessions for
 * one key at once count each other and the per-key caps hold exactly. The cap on all keys together is checked in
 * the same transaction without a global lock (it would serialise every upload of the cluster): instances racing
 * may pass it by the documents in flight at that moment; it is a storage guard, not an accounting rule.
 *
 * Reading: the input is fetched whole when a completion starts (node-postgres is asynchronous, the signer reads
 * synchronously); a session's document is bounded by limits.maxBodyBytes. Another instance's purge may remove the
 * rows afterwards without harm, and pins (this instance's) keep its own purge away while an answer streams.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { asSource, type ByteSource } from '../io/byte-source.js';
import { databaseUnavailable, postgresReachable } from '../db/postgres.js';
import { ServiceError } from '../errors.js';
import {
  checkSessionCaps,
  Pins,
  SESSION_CHUNK,
  type NewSession,
  type SessionLimits,
  sessionOf,
  type SessionLookup,
  type SessionRecord,
  type SessionRow,
  type SessionStore,
} from './session-store.js';

const HELD_BYTES = 'input_length + COALESCE(OCTET_LENGTH(result), 0)';

export class PgSessionStore implements SessionStore {
  readonly kind = 'postgres';
  private readonly pinned = new Pins();

  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(apiKeyId: string, declaredBytes: number | undefined): Promise<void> {
    await this.purgeExpired();
    await guard(async () => this.checkCaps(this.pool, apiKeyId, declaredBytes ?? 0));
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
    await this.transaction(async (c) => {
      // One creator per key at a time, across instances: the count below is then exact.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kyso-session-key:${rec.apiKeyId}`]);
      await this.checkCaps(c, rec.apiKeyId, rec.inputLength);
      await c.query(
        'INSERT INTO signing_sessions (id, unit, api_key_id, state, input_length, file_name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [
          id,
          rec.unit,
          rec.apiKeyId,
          JSON.stringify(rec.state),
          rec.inputLength,
          rec.fileName,
          rec.createdAt,
          rec.expiresAt,
        ],
      );
      for (let seq = 0, at = 0; at < args.input.length; seq++, at += SESSION_CHUNK) {
        const chunk = args.input.read(at, Math.min(args.input.length, at + SESSION_CHUNK));
        await c.query('INSERT INTO signing_session_chunks (session_id, seq, data) VALUES ($1, $2, $3)', [
          id,
          seq,
          Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        ]);
      }
    });
    return rec;
  }

  async get(id: string): Promise<SessionLookup> {
    const { rows } = await guard(() =>
      this.pool.query<SessionRow>(
        'SELECT id, unit, api_key_id, state, input_length, file_name, created_at, expires_at, completed_at, submission_sha256, purged FROM signing_sessions WHERE id = $1',
        [id],
      ),
    );
    const row = rows[0];
    if (!row) return { kind: 'absent' };
    if (row.purged || this.now() >= row.expires_at) {
      if (!row.purged && !this.pinned.has(id)) await this.purgeOne(id);
      return { kind: 'expired', unit: row.unit, expiresAt: row.expires_at };
    }
    return { kind: 'live', session: sessionOf(row) };
  }

  async input(rec: SessionRecord): Promise<ByteSource> {
    const { rows } = await guard(() =>
      this.pool.query<{ data: Buffer }>('SELECT data FROM signing_session_chunks WHERE session_id = $1 ORDER BY seq', [
        rec.id,
      ]),
    );
    const whole = Buffer.concat(rows.map((r) => r.data));
    // Typed, so the answer is a problem (before streaming) and never a bare crash.
    if (whole.length !== rec.inputLength)
      throw new ServiceError('SERVICE_SESSION_EXPIRED', {}, 'the session\u2019s document is gone');
    return asSource(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength));
  }

  async result(id: string): Promise<Uint8Array | undefined> {
    const { rows } = await guard(() =>
      this.pool.query<{ result: Buffer | null }>('SELECT result FROM signing_sessions WHERE id = $1 AND NOT purged', [
        id,
      ]),
    );
    const data = rows[0]?.result;
    return data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
  }

  async markCompleted(id: string, submissionSha256: string, result: Uint8Array): Promise<boolean> {
    const at = this.now();
    // One UPDATE with its own condition: of two instances completing at once, exactly one changes the row.
    const r = await guard(() =>
      this.pool.query(
        'UPDATE signing_sessions SET completed_at = $1, submission_sha256 = $2, result = $3, expires_at = GREATEST(expires_at, $4) WHERE id = $5 AND completed_at IS NULL AND NOT purged',
        [
          at,
          submissionSha256,
          Buffer.from(result.buffer, result.byteOffset, result.byteLength),
          at + this.limits.completedRetentionMs,
          id,
        ],
      ),
    );
    return r.rowCount === 1;
  }

  pin(id: string): () => void {
    return this.pinned.pin(id);
  }

  async purgeExpired(): Promise<number> {
    const t = this.now();
    const { rows } = await guard(() =>
      this.pool.query<{ id: string }>('SELECT id FROM signing_sessions WHERE NOT purged AND expires_at <= $1', [t]),
    );
    let n = 0;
    for (const { id } of rows) {
      if (this.pinned.has(id)) continue;
      await this.purgeOne(id);
      n++;
    }
    await guard(() =>
      this.pool.query('DELETE FROM signing_sessions WHERE purged AND expires_at < $1', [
        t - this.limits.expiredNoticeMs,
      ]),
    );
    return n;
  }

  async usage(apiKeyId: string): Promise<{ sessions: number; bytes: number }> {
    const { rows } = await guard(() =>
      this.pool.query<{ n: number; bytes: number }>(
        `SELECT COUNT(*)::int AS n, COALESCE(SUM(${HELD_BYTES}), 0)::float8 AS bytes FROM signing_sessions WHERE api_key_id = $1 AND NOT purged`,
        [apiKeyId],
      ),
    );
    return { sessions: rows[0]!.n, bytes: rows[0]!.bytes };
  }

  reachable(): Promise<boolean> {
    return postgresReachable(this.pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async purgeOne(id: string): Promise<void> {
    await this.transaction(async (c) => {
      await c.query('DELETE FROM signing_session_chunks WHERE session_id = $1', [id]);
      await c.query("UPDATE signing_sessions SET state = '', result = NULL, purged = TRUE WHERE id = $1", [id]);
    });
  }

  private async checkCaps(c: pg.Pool | pg.PoolClient, apiKeyId: string, adding: number): Promise<void> {
    const { rows } = await c.query<{ n: number; bytes: number; first_expiry: number | null; total: number }>(
      `SELECT COUNT(*) FILTER (WHERE api_key_id = $1)::int AS n,
              COALESCE(SUM(${HELD_BYTES}) FILTER (WHERE api_key_id = $1), 0)::float8 AS bytes,
              MIN(expires_at) FILTER (WHERE api_key_id = $1) AS first_expiry,
              COALESCE(SUM(${HELD_BYTES}), 0)::float8 AS total
         FROM signing_sessions WHERE NOT purged`,
      [apiKeyId],
    );
    const r = rows[0]!;
    checkSessionCaps(
      this.limits,
      { sessions: r.n, bytes: r.bytes, firstExpiry: r.first_expiry, totalBytes: r.total },
      adding,
      this.now(),
    );
  }

  private async transaction(work: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    const c = await guard(() => this.pool.connect());
    let broken = false;
    try {
      await c.query('BEGIN');
      await work(c);
      await c.query('COMMIT');
    } catch (e) {
      // A connection that cannot even roll back is not given to the next caller.
      broken = !(await c.query('ROLLBACK').then(
        () => true,
        () => false,
      ));
      throw databaseUnavailable(e);
    } finally {
      c.release(broken);
    }
  }
}

/** A driver failure becomes the typed 503; the store's own refusals pass through. */
async function guard<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw databaseUnavailable(e);
  }
}
