/**
 * The service's PostgreSQL pool (node-postgres) for the two-step sessions and the per-key rate limits when `database.url` names PostgreSQL:
 * several instances share the sessions through it. Every statement has a timeout (a stuck lock or a lost server
 * answers as an error, not a hung request); migrations are numbered and run at start under an advisory lock, so
 * instances starting together apply each one exactly once.
 */
import pg from 'pg';
import { ServiceError } from '../errors.js';
import { schemaTooNew } from './schema-version.js';

export interface PostgresOptions {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  /** Told when an idle connection fails (the server restarted); the pool replaces it. */
  onIdleError?: (e: Error) => void;
}

// int8 (bigint) as a JavaScript number: the columns hold byte counts and millisecond times, far below 2^53. Set on
// this pool only, not on pg's global parsers another pool in the process may rely on.
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const MIGRATIONS: string[] = [
  `CREATE TABLE signing_sessions (
     id TEXT PRIMARY KEY,
     unit TEXT NOT NULL,
     api_key_id TEXT NOT NULL,
     state TEXT NOT NULL,
     input_length BIGINT NOT NULL,
     file_name TEXT,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     completed_at BIGINT,
     submission_sha256 TEXT,
     result BYTEA,
     purged BOOLEAN NOT NULL DEFAULT FALSE
   );
   CREATE INDEX signing_sessions_expiry ON signing_sessions (expires_at);
   CREATE INDEX signing_sessions_key ON signing_sessions (api_key_id, purged);
   CREATE TABLE signing_session_chunks (
     session_id TEXT NOT NULL REFERENCES signing_sessions (id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     data BYTEA NOT NULL,
     PRIMARY KEY (session_id, seq)
   );`,
  // Per-key request counters shared by the instances (limits/shared-rate-limit.ts).
  `CREATE TABLE rate_windows (
     client TEXT PRIMARY KEY,
     window_start BIGINT NOT NULL,
     count INTEGER NOT NULL
   );`,
];

/** The advisory lock the migrations run under (any 64-bit number no other kyso store uses). */
const MIGRATION_LOCK = 0x6b79_736f_0001n; // "kyso", 1

/** Opens the pool and brings the schema up to date; a failure is typed and names no password. */
export async function openPostgres(options: PostgresOptions): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
    // Waiting for a free connection is bounded too: a saturated pool answers 503 instead of queueing forever.
    connectionTimeoutMillis: options.statementTimeoutMs,
    application_name: 'kyso-server',
    types,
  });
  pool.on('error', (e) => options.onIdleError?.(e));
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end().catch(() => {});
    throw databaseUnavailable(e);
  }
  return pool;
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Held until COMMIT: a second instance starting now waits here, then finds the migrations applied.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS kyso_server_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM kyso_server_migrations');
    const current = rows[0]?.v ?? 0;
    // A newer kyso has changed the tables in ways this code does not know: refused, not run on (nor 503-retried).
    if (current > MIGRATIONS.length) throw schemaTooNew(current, MIGRATIONS.length);
    for (let v = current + 1; v <= MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v - 1]!);
      await client.query('INSERT INTO kyso_server_migrations (version, applied_at) VALUES ($1, $2)', [v, Date.now()]);
    }
    await client.query('COMMIT');
  } catch (e) {
    const rolledBack = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    client.release(!rolledBack);
    throw e;
  }
  client.release();
}

/**
 * A database failure as the service's typed error: 503 with Retry-After. The driver's message is kept in English
 * only (it never holds the password: node-postgres does not echo the connection string).
 */
export function databaseUnavailable(e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  const code = (e as { code?: string }).code;
  return new ServiceError('SERVICE_DATABASE_UNAVAILABLE', code ? { sqlState: code } : {}, (e as Error).message, 5);
}

/** The URL with its password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable)';
  }
}

/** True when the database answers a query (readiness). */
export async function postgresReachable(pool: pg.Pool): Promise<boolean> {
  try {
    const { rows } = await pool.query<{ ok: number }>('SELECT 1 AS ok');
    return rows[0]?.ok === 1;
  } catch {
    return false;
  }
}
