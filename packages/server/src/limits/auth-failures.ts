/**
 * Failed authentications per client address in a fixed window: past `max` failures the address is refused (429
 * with Retry-After) until the window ends, whatever key it presents next, so guessing keys gains nothing from
 * the refusal telling a right key from a wrong one. Requests without credentials are not failures.
 *
 * Per instance, also with several instances on PostgreSQL: the failures come from whoever holds no valid key, and
 * counting them in the shared database would give an anonymous flood of bad keys a write on it per request. API
 * keys are 256-bit random, so N instances allowing N x max guesses per window still gain a guesser nothing.
 */
export interface AuthFailurePolicy {
  max: number;
  windowSeconds: number;
}

export class AuthFailureLimiter {
  private readonly windows = new Map<string, { failures: number; start: number }>();

  constructor(
    private readonly policy: AuthFailurePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `client` may try again, or 0 when it may try now. */
  blockedFor(client: string): number {
    const w = this.current(client);
    if (!w || w.failures < this.policy.max) return 0;
    return Math.max(1, Math.ceil((w.start + this.policy.windowSeconds * 1000 - this.now()) / 1000));
  }

  fail(client: string): void {
    const t = this.now();
    const w = this.current(client) ?? { failures: 0, start: t };
    w.failures++;
    this.windows.set(client, w);
    if (this.windows.size > 10_000) this.forgetOld(t);
  }

  private current(client: string): { failures: number; start: number } | undefined {
    const w = this.windows.get(client);
    if (w && this.now() - w.start >= this.policy.windowSeconds * 1000) {
      this.windows.delete(client);
      return undefined;
    }
    return w;
  }

  /** Windows that have ended carry no information; dropping them bounds memory. */
  private forgetOld(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= this.policy.windowSeconds * 1000) this.windows.delete(k);
  }
}
