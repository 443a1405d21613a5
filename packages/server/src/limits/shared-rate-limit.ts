/**
 * Rate limits with several instances on one PostgreSQL database (database.url).
 *
 * Per API key: shared. A fixed-window counter row per key in PostgreSQL, bumped by one atomic upsert per request,
 * so a key's limit is the same whether its requests land on one instance or on ten (a per-instance bucket would
 * let a key behind a round-robin balancer do N times its limit). The window is burst/perSecond seconds and allows
 * `burst` requests: the same steady rate as the token bucket, with up to twice the burst across a window's edge.
 * The row update is one short statement; requests of one key queue on its row lock for that long only.
 *
 * Per client address (open routes, no key): per instance, in memory, as without PostgreSQL. Anyone can send
 * those; sharing their counters would turn an anonymous flood into a flood of writes on the database every
 * instance depends on. Each instance still bounds them, and the load balancer is the place for a global cap.
 *
 * When the database does not answer, the key's requests fall back to this instance's bucket: the rate limit must
 * not take down routes, such as verification, that do not need the database. That is reported when it starts, at
 * most once a `reportEveryMs` while it lasts (with how many requests were counted here meanwhile) and when the
 * database answers again: one line per request would flood the log just when an operator reads it.
 */
import type pg from 'pg';
import { RateLimiter, type RateDecision, type RateLimitPolicy } from './rate-limit.js';

/** What the fallback reports: the database stopped (or still does not) answer, or answers again. */
export type RateFallbackEvent =
  | {
      state: 'unavailable';
      error: Error /** requests counted by this instance since the last report */;
      counted: number;
    }
  | { state: 'recovered'; counted: number };

export class SharedRateLimiter {
  private readonly local: RateLimiter;
  private readonly windowMs: number;
  /** Set while the database does not answer: when it was last reported and what was counted since. */
  private down: { reportedAt: number; counted: number } | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly policy: RateLimitPolicy,
    private readonly now: () => number = Date.now,
    private readonly onFallback: (event: RateFallbackEvent) => void = () => {},
    private readonly reportEveryMs = 60_000,
  ) {
    this.local = new RateLimiter(policy, now);
    this.windowMs = Math.max(1000, Math.round((policy.burst / policy.perSecond) * 1000));
  }

  async take(client: string): Promise<RateDecision> {
    if (!client.startsWith('key:')) return this.local.take(client);
    const t = this.now();
    const start = Math.floor(t / this.windowMs) * this.windowMs;
    try {
      // A newer window starts the count again; an instance whose clock is behind counts into the current one.
      const { rows } = await this.pool.query<{ count: number; window_start: number }>(
        `INSERT INTO rate_windows AS w (client, window_start, count) VALUES ($1, $2, 1)
         ON CONFLICT (client) DO UPDATE SET
           count = CASE WHEN EXCLUDED.window_start > w.window_start THEN 1 ELSE w.count + 1 END,
           window_start = GREATEST(w.window_start, EXCLUDED.window_start)
         RETURNING count, window_start`,
        [client, start],
      );
      const row = rows[0]!;
      if (this.down) {
        this.onFallback({ state: 'recovered', counted: this.down.counted });
        this.down = undefined;
      }
      if (row.count <= this.policy.burst) return { allowed: true };
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((row.window_start + this.windowMs - t) / 1000)),
      };
    } catch (e) {
      this.fellBack(e as Error, t);
      return this.local.take(client);
    }
  }

  private fellBack(error: Error, t: number): void {
    if (!this.down) {
      this.down = { reportedAt: t, counted: 0 };
      this.onFallback({ state: 'unavailable', error, counted: 1 });
      return;
    }
    this.down.counted++;
    if (t - this.down.reportedAt < this.reportEveryMs) return;
    this.onFallback({ state: 'unavailable', error, counted: this.down.counted });
    this.down = { reportedAt: t, counted: 0 };
  }

  /** Windows that have ended carry no information; removing them bounds the table. */
  async forgetOld(): Promise<void> {
    await this.pool.query('DELETE FROM rate_windows WHERE window_start < $1', [this.now() - 2 * this.windowMs]);
  }
}
