/**
 * The connection pool (node-postgres `pg`, an optional peer dependency loaded when a store is opened, not when
 * @kyso/core is imported) and what its errors mean to the register. Only the few pg types the stores use are
 * named here, so that @kyso/core's declarations do not need @types/pg.
 */
import { createRequire } from 'node:module';
import type { KysoError } from '@kyso/pdf';

export interface PgQueryResult<R> {
  rows: R[];
  rowCount: number | null;
}

export interface PgClient {
  query<R = Record<string, unknown>>(sql: string, args?: unknown[]): Promise<PgQueryResult<R>>;
  /** Returns the client to the pool; with an error (or `true`), the connection is closed instead. */
  release(err?: Error | boolean): void;
}

export interface PgPool {
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

export interface PgPoolOptions {
  /** `postgres://user:password@host:port/database`; the password never appears in an error or a log. */
  url: string;
  /** Connections at most (default 10). Each instance has its own pool: size the server's max_connections for all. */
  poolSize?: number;
  /** A statement running longer than this is cancelled, in ms (default 15 000); waiting for a book's lock counts. */
  statementTimeoutMs?: number;
  /** An idle connection is closed after this, in ms (default 30 000). */
  idleTimeoutMs?: number;
  /** Waiting for a connection (from the pool or the server) longer than this fails, in ms (default 10 000). */
  connectTimeoutMs?: number;
}

const requireCjs = createRequire(import.meta.url);

/** Loads pg, or throws `unavailable(reason)`. */
export function loadPg(unavailable: (reason: string) => KysoError): {
  Pool: new (config: Record<string, unknown>) => PgPool;
} {
  try {
    return requireCjs('pg') as { Pool: new (config: Record<string, unknown>) => PgPool };
  } catch (e) {
    throw unavailable((e as { code?: string }).code ?? 'load-failed');
  }
}

/** Where a URL points, without its credentials: what an error may say. */
export function describeUrl(url: unknown): { host?: string; port?: string; database?: string } {
  try {
    const u = new URL(String(url));
    return { host: u.hostname, port: u.port || '5432', database: decodeURIComponent(u.pathname.replace(/^\//, '')) };
  } catch {
    return {};
  }
}

export function checkPoolOptions(
  o: PgPoolOptions,
  bad: (field: string, why: string) => never,
): Required<PgPoolOptions> {
  if (!o || typeof o !== 'object') bad('options', 'an object');
  if (typeof o.url !== 'string' || !/^postgres(ql)?:\/\//.test(o.url)) bad('url', 'a postgres:// URL');
  const int = (v: unknown, field: string, min: number, max: number, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max)
      bad(field, `an integer from ${min} to ${max}`);
    return v as number;
  };
  return {
    url: o.url,
    poolSize: int(o.poolSize, 'poolSize', 1, 1_000, 10),
    statementTimeoutMs: int(o.statementTimeoutMs, 'statementTimeoutMs', 100, 3_600_000, 15_000),
    idleTimeoutMs: int(o.idleTimeoutMs, 'idleTimeoutMs', 100, 3_600_000, 30_000),
    connectTimeoutMs: int(o.connectTimeoutMs, 'connectTimeoutMs', 100, 600_000, 10_000),
  };
}

/** A pool whose every connection carries the statement timeout (and the same one for a transaction left idle). */
export function createPool(
  Pool: new (config: Record<string, unknown>) => PgPool,
  o: Required<PgPoolOptions>,
  onIdleError: (e: Error) => void,
): PgPool {
  const pool = new Pool({
    connectionString: o.url,
    max: o.poolSize,
    idleTimeoutMillis: o.idleTimeoutMs,
    connectionTimeoutMillis: o.connectTimeoutMs,
    statement_timeout: o.statementTimeoutMs,
    idle_in_transaction_session_timeout: o.statementTimeoutMs,
    application_name: 'kyso',
    allowExitOnIdle: true, // a CLI run that ends does not wait for idle connections to time out
  });
  // An idle connection dropped by the server (a restart, a failover) must not crash the process: the pool
  // replaces it on the next checkout.
  pool.on('error', onIdleError);
  return pool;
}

/**
 * What the register reports as "busy, try again" (`REGISTER_BUSY`) rather than a storage fault: a statement or lock
 * timeout, too many connections, a server starting, shutting down or failing over, a lost connection. A retry with
 * the same idempotency key is safe after any of them, even when the connection was lost during COMMIT.
 */
const BUSY = new Set([
  '57014', // query_canceled: the statement timeout
  '55P03', // lock_not_available
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001',
  '08003',
  '08006',
  '40001', // serialization_failure (after the store's own retries)
  '40P01', // deadlock_detected (idem)
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

export interface PgFault {
  busy: boolean;
  /** The SQLSTATE or the socket's error code. */
  code: string;
  message: string;
}

/** What a pg error is; messages of the server and the driver carry no credentials. */
export function pgFault(e: unknown): PgFault {
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string') return { busy: BUSY.has(code), code, message };
  // The pool's own "timeout exceeded when trying to connect" and a connection ended under a query have no code.
  if (/timeout/i.test(message)) return { busy: true, code: 'pool-timeout', message };
  if (/Connection terminated/i.test(message)) return { busy: true, code: 'connection-terminated', message };
  return { busy: false, code: 'error', message };
}

/** Serialization failures and deadlocks: the transaction did nothing and may simply run again. */
export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '40001' || code === '40P01';
}
