/**
 * Per-key rate limits shared by the instances on one PostgreSQL database: a key's requests count against one
 * window wherever they land; requests without a key (by address) stay per instance; a database that does not
 * answer falls back to the instance's own bucket instead of failing the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../packages/server/src/db/postgres.js';
import { type RateFallbackEvent, SharedRateLimiter } from '../../packages/server/src/limits/shared-rate-limit.js';
import { startPostgres, type PostgresCluster } from '../helpers/postgres.js';

let pg: PostgresCluster;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

describe('SharedRateLimiter (PostgreSQL, fixed window per key)', () => {
  it("two instances share a key's window: burst requests in all, then 429 with the wait until the window ends", async () => {
    const url = await pg.createDatabase();
    const pools = await Promise.all([0, 1].map(() => openPostgres({ url, poolSize: 4, statementTimeoutMs: 5_000 })));
    // A window of 5 s (burst 5 at 1/s), starting at a window's edge so the test does not straddle two.
    let t = 1_000_000_000_000;
    const [a, b] = pools.map((p) => new SharedRateLimiter(p, { burst: 5, perSecond: 1 }, () => t)) as [
      SharedRateLimiter,
      SharedRateLimiter,
    ];
    try {
      const decisions = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).take('key:k1')));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
      t += 2_000;
      expect(await a.take('key:k1')).toEqual({ allowed: false, retryAfterSeconds: 3 });
      expect(await b.take('key:k2')).toEqual({ allowed: true });
      // Addresses are per instance: each instance allows its own burst.
      for (let i = 0; i < 5; i++) expect((await a.take('ip:10.0.0.1')).allowed).toBe(true);
      expect((await a.take('ip:10.0.0.1')).allowed).toBe(false);
      expect((await b.take('ip:10.0.0.1')).allowed).toBe(true);
      t += 3_000; // the next window
      expect(await b.take('key:k1')).toEqual({ allowed: true });
      t += 20_000;
      await a.forgetOld();
      const { rows } = await pools[0]!.query('SELECT client FROM rate_windows ORDER BY client');
      expect(rows).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('falls back to the instance\u2019s own bucket when the database does not answer, and says so once', async () => {
    const url = await pg.createDatabase();
    const pool = await openPostgres({ url, poolSize: 1, statementTimeoutMs: 5_000 });
    const events: RateFallbackEvent[] = [];
    const l = new SharedRateLimiter(pool, { burst: 2, perSecond: 1 }, Date.now, (e) => events.push(e));
    await pool.end();
    expect(await l.take('key:k')).toEqual({ allowed: true });
    expect(await l.take('key:k')).toEqual({ allowed: true });
    expect((await l.take('key:k')).allowed).toBe(false);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ state: 'unavailable', counted: 1 });
  });

  it('reports the fallback when it starts, once a period while it lasts (with the count), and when it ends', async () => {
    const url = await pg.createDatabase();
    const pool = await openPostgres({ url, poolSize: 2, statementTimeoutMs: 5_000 });
    let t = 1_000_000_000_000;
    const events: RateFallbackEvent[] = [];
    const l = new SharedRateLimiter(
      pool,
      { burst: 1000, perSecond: 100 },
      () => t,
      (e) => events.push(e),
      60_000,
    );
    try {
      expect((await l.take('key:k')).allowed).toBe(true);
      // The table gone: every request's statement fails for real, as with a database that does not answer.
      await pool.query('ALTER TABLE rate_windows RENAME TO rate_windows_away');
      for (let i = 0; i < 50; i++) {
        expect((await l.take('key:k')).allowed).toBe(true);
        t += 1_000; // 50 s of requests: one line
      }
      expect(events.map((e) => e.state)).toEqual(['unavailable']);
      expect(events[0]).toMatchObject({ counted: 1 });
      expect((events[0] as { error: Error }).error.message).toMatch(/rate_windows/);
      for (let i = 0; i < 30; i++) {
        await l.take('key:k');
        t += 1_000; // past the minute: one more line, with the requests counted since the first
      }
      expect(events.map((e) => e.state)).toEqual(['unavailable', 'unavailable']);
      expect(events[1]).toMatchObject({ counted: 60 });
      await pool.query('ALTER TABLE rate_windows_away RENAME TO rate_windows');
      await l.take('key:k');
      await l.take('key:k');
      expect(events.map((e) => e.state)).toEqual(['unavailable', 'unavailable', 'recovered']);
      expect(events[2]).toEqual({ state: 'recovered', counted: 19 }); // the 19 after the second line
    } finally {
      await pool.end();
    }
  });
});
