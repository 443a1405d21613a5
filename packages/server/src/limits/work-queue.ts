/**
 * A bound on CPU-heavy work (signing): at most `concurrency` jobs run, at most `maxWaiting` wait in line, and the
 * rest are refused at once (503 with Retry-After) rather than piling up behind a saturated CPU.
 */
import { ServiceError } from '../errors.js';

export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new ServiceError(
          'SERVICE_BUSY',
          { inFlight: this.running, queued: this.waiting.length },
          'too many signing requests at once',
          1,
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next job, so `running` never dips and lets a newcomer jump the line.
      if (next) next();
      else this.running--;
    }
  }
}
