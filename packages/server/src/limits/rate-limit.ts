/**
 * A token bucket per client (API key, or address for open routes), in memory: bursts allowed, a steady rate kept.
 * This instance's own; with PostgreSQL the keys' limits are shared instead (shared-rate-limit.ts).
 */
export interface RateLimitPolicy {
  burst: number;
  perSecond: number;
}

/** What the routes ask: this instance's buckets, or the counters shared through PostgreSQL. */
export interface RateLimits {
  take(client: string): RateDecision | Promise<RateDecision>;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter implements RateLimits {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  take(client: string): RateDecision {
    const t = this.now();
    const b = this.buckets.get(client) ?? { tokens: this.policy.burst, at: t };
    b.tokens = Math.min(this.policy.burst, b.tokens + ((t - b.at) / 1000) * this.policy.perSecond);
    b.at = t;
    this.buckets.set(client, b);
    if (this.buckets.size > 10_000) this.forgetFull(t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.policy.perSecond)) };
  }

  /** Buckets that have refilled completely carry no information; dropping them bounds memory. */
  private forgetFull(t: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.policy.perSecond >= this.policy.burst) this.buckets.delete(k);
    }
  }
}
