/**
 * A request's logger, made when a line is first written: a pino child per request (and a second one for the
 * caller) cost about 5% of the request thread's time under a signing load, for lines that a level above `info`
 * never writes. Every line still carries the request id, and the caller's key id and unit once known.
 */
import type { Logger } from './logger.js';

export class RequestLog {
  #log: Logger | undefined;
  #caller: { apiKey: string; unit: string } | undefined;

  constructor(
    private readonly root: Logger,
    readonly requestId: string,
  ) {}

  /** The caller's API key id and unit, bound to the lines written from now on. */
  setCaller(caller: { apiKey: string; unit: string }): void {
    this.#caller = caller;
    this.#log = undefined;
  }

  get log(): Logger {
    this.#log ??= this.root.child(
      this.#caller ? { reqId: this.requestId, ...this.#caller } : { reqId: this.requestId },
    );
    return this.#log;
  }

  /** Whether a line at `level` would be written (so its fields need not be gathered, nor a logger made). */
  enabled(level: 'info' | 'warn'): boolean {
    return this.root.isLevelEnabled(level);
  }
}
