/**
 * The two-step session stores, one suite for both (SQLite and PostgreSQL), and what only PostgreSQL promises:
 * two instances on one database share the sessions, race for a completion with one winner, count each other's
 * sessions against a key's cap, and run the migrations once when they start together.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningState } from '@kyso/core';
import { SqliteSessionStore, type SessionLimits, type SessionStore } from '@kyso/server';
// The PostgreSQL pieces are not in the package's exports (their types would make pg's types a dependency).
import { openPostgres } from '../../packages/server/src/db/postgres.js';
import { PgSessionStore } from '../../packages/server/src/sessions/pg-session-store.js';
import { openDatabase } from '../../packages/server/src/db/database.js';
import { startPostgres, type PostgresCluster } from '../helpers/postgres.js';

const run = promisify(execFile);
const MiB = 1 << 20;
const limits: SessionLimits = {
  maxPerKey: 3,
  maxBytesPerKey: 8 * MiB,
  maxTotalBytes: 64 * MiB,
  completedRetentionMs: 60_000,
  expiredNoticeMs: 120_000,
};
// The stores keep the prepared state as opaque JSON: any object stands in for it here.
const state = { fieldName: 'Signature1', documentDigest: 'abc' } as unknown as SigningState;

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}
const source = (b: Uint8Array) => ({ length: b.length, read: (s: number, e: number) => b.subarray(s, e) });

let pg: PostgresCluster;
const tmp = mkdtempSync(join(tmpdir(), 'kyso-sessions-'));
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

interface Clock {
  offset: number;
}
type Open = (clock: Clock) => Promise<SessionStore[]>;

const kinds: [string, Open][] = [
  [
    'SQLite',
    async (clock) => {
      const path = join(mkdtempSync(join(tmp, 's-')), 'sessions.sqlite');
      // Two handles on one file: what two processes on one machine see.
      return [0, 1].map(() => new SqliteSessionStore(openDatabase(path), limits, () => Date.now() + clock.offset));
    },
  ],
  [
    'PostgreSQL',
    async (clock) => {
      const url = await pg.createDatabase();
      const pools = await Promise.all([0, 1].map(() => openPostgres({ url, poolSize: 4, statementTimeoutMs: 10_000 })));
      return pools.map((p) => new PgSessionStore(p, limits, () => Date.now() + clock.offset));
    },
  ],
];

describe.each(kinds)('session store: %s', (_, open) => {
  it('a session made on one instance is read, completed once and answered again on the other', async () => {
    const clock = { offset: 0 };
    const [a, b] = (await open(clock)) as [SessionStore, SessionStore];
    try {
      const doc = bytes(2 * MiB + 123, 7);
      const rec = await a.create({
        unit: 'U1',
        apiKeyId: 'k1',
        state,
        ttlMs: 60_000,
        input: source(doc),
        fileName: 'x.pdf',
      });
      const found = await b.get(rec.id);
      expect(found.kind).toBe('live');
      if (found.kind !== 'live') return;
      expect(found.session).toMatchObject({
        unit: 'U1',
        apiKeyId: 'k1',
        inputLength: doc.length,
        fileName: 'x.pdf',
        completed: null,
        state,
      });
      const input = await b.input(found.session);
      expect(Buffer.from(input.read(0, input.length)).equals(Buffer.from(doc))).toBe(true);
      expect(Buffer.from(input.read(MiB - 5, MiB + 5)).equals(Buffer.from(doc.subarray(MiB - 5, MiB + 5)))).toBe(true);
      // Both instances complete at once: one wins, the other finds the stored result.
      const results = await Promise.all([
        a.markCompleted(rec.id, 'h1', bytes(100, 1)),
        b.markCompleted(rec.id, 'h2', bytes(100, 2)),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? 'h1' : 'h2';
      const after = await a.get(rec.id);
      expect(after.kind === 'live' && after.session.completed?.submissionSha256).toBe(winner);
      expect(Buffer.from((await b.result(rec.id))!).equals(Buffer.from(bytes(100, winner === 'h1' ? 1 : 2)))).toBe(
        true,
      );
      expect(await a.usage('k1')).toEqual({ sessions: 1, bytes: doc.length + 100 });
      expect(await a.reachable()).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("a key's cap holds across instances creating at once", async () => {
    const clock = { offset: 0 };
    const [a, b] = (await open(clock)) as [SessionStore, SessionStore];
    try {
      const doc = bytes(1000, 3);
      const tries = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? a : b).create({ unit: 'U1', apiKeyId: 'k2', state, ttlMs: 60_000, input: source(doc) }),
        ),
      );
      expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(limits.maxPerKey);
      for (const t of tries)
        if (t.status === 'rejected') expect(t.reason).toMatchObject({ code: 'SERVICE_SESSION_LIMIT' });
      expect((await b.usage('k2')).sessions).toBe(limits.maxPerKey);
      await expect(a.admit('k2', 10)).rejects.toMatchObject({ code: 'SERVICE_SESSION_LIMIT' });
      await expect(a.admit('k3', 9 * MiB)).rejects.toMatchObject({ code: 'SERVICE_SESSION_QUOTA' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('an expired session loses its document on any instance, says "expired" for a while, then is gone', async () => {
    const clock = { offset: 0 };
    const [a, b] = (await open(clock)) as [SessionStore, SessionStore];
    try {
      const rec = await a.create({ unit: 'U1', apiKeyId: 'k4', state, ttlMs: 60_000, input: source(bytes(3000, 5)) });
      clock.offset = 61_000;
      expect(await b.purgeExpired()).toBe(1);
      expect(await a.get(rec.id)).toEqual({ kind: 'expired', unit: 'U1', expiresAt: rec.expiresAt });
      expect(await a.markCompleted(rec.id, 'h', bytes(10, 0))).toBe(false);
      expect(await a.result(rec.id)).toBeUndefined();
      expect(await b.usage('k4')).toEqual({ sessions: 0, bytes: 0 });
      clock.offset = 61_000 + 121_000;
      await a.purgeExpired();
      expect(await b.get(rec.id)).toEqual({ kind: 'absent' });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('PostgreSQL session store only', () => {
  it('instances starting together on an empty database apply each migration once', async () => {
    const url = await pg.createDatabase();
    const pools = await Promise.all(
      Array.from({ length: 4 }, () => openPostgres({ url, poolSize: 2, statementTimeoutMs: 10_000 })),
    );
    try {
      const { stdout } = await run('psql', [
        url,
        '-tA',
        '-c',
        'SELECT version FROM kyso_server_migrations ORDER BY version',
      ]);
      // Without the lock, the second CREATE TABLE of a racing instance would fail ("already exists"); with it, each
      // version (1 sessions, 2 rate windows) is recorded once.
      expect(stdout.trim().split('\n')).toEqual(['1', '2']);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('an unreachable database is a typed 503 error, its password not in the message', async () => {
    const url = `postgres://kyso:s3cret-pw@127.0.0.1:${pg.port + 1}/nowhere`;
    const e = await openPostgres({ url, poolSize: 1, statementTimeoutMs: 2_000 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ code: 'SERVICE_DATABASE_UNAVAILABLE' });
    expect(JSON.stringify({ m: (e as Error).message, d: (e as { details?: unknown }).details })).not.toContain(
      's3cret-pw',
    );
  });

  it('a statement past statementTimeoutMs is cancelled by the server (57014) instead of hanging', async () => {
    const url = await pg.createDatabase();
    const pool = await openPostgres({ url, poolSize: 2, statementTimeoutMs: 300 });
    try {
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await pool.end();
    }
  });
});
