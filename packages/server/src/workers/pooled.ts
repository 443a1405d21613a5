/**
 * What a service over a worker pool reports about it (for /metrics), said once: the signing service and the
 * verification pool both extend this instead of each forwarding the same four counters.
 */
export interface PoolCounters {
  readonly size: number;
  readonly inFlight: number;
  readonly queued: number;
  readonly workersReplaced: number;
  readonly workersRecycled: number;
}

export abstract class Pooled implements PoolCounters {
  protected constructor(private readonly counters: PoolCounters) {}

  /** Worker threads. */
  get size(): number {
    return this.counters.size;
  }

  /** Jobs running now (in worker threads). */
  get inFlight(): number {
    return this.counters.inFlight;
  }

  /** Jobs waiting for a worker. */
  get queued(): number {
    return this.counters.queued;
  }

  /** Workers replaced since start (crashed, out of memory or timed out). */
  get workersReplaced(): number {
    return this.counters.workersReplaced;
  }

  /** Workers restarted after a job refused for a limit (PDF_LIMIT), to give its memory back. */
  get workersRecycled(): number {
    return this.counters.workersRecycled;
  }
}
