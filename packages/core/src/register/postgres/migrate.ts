/**
 * The PostgreSQL migration runner. Several instances may start at once against one database: each takes the same
 * transaction-scoped advisory lock before reading `schema_version`, so one migrates and the others, once it has
 * committed, find nothing to do. All pending migrations run in one transaction (PostgreSQL's DDL is
 * transactional), so a failing one leaves the database as it was. A database at a higher version than the code
 * knows is refused, not guessed at.
 */
import { RegisterError } from '../errors.js';
import { PG_MIGRATIONS, type PgMigration } from './migrations.js';
import type { PgClient } from './pool.js';

/** The advisory lock's key ("kyso" in ASCII): the same for every instance and every version of kyso. */
export const MIGRATION_LOCK_KEY = 0x6b79736f;

/**
 * A migration (an index on a large table) and waiting for another instance's migration may take longer than the
 * pool's statement timeout, which is sized for requests: the migration transaction has its own, generous one.
 */
export const MIGRATION_TIMEOUT_MS = 10 * 60_000;

export async function applyPgMigrations(
  client: PgClient,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<{ from: number; to: number }> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new RegisterError(
        'REGISTER_MIGRATION_FAILED',
        { version: m.version },
        'migrations must be numbered 1, 2, 3, … in order',
      );
  });
  const known = migrations.length;
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
    );
    const current = (
      await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_version')
    ).rows[0]!.v;
    if (current > known)
      throw new RegisterError('REGISTER_SCHEMA_TOO_NEW', { fileVersion: current, knownVersion: known });
    for (const m of migrations.slice(current)) {
      try {
        await client.query(m.sql);
      } catch (e) {
        throw new RegisterError(
          'REGISTER_MIGRATION_FAILED',
          { version: m.version, reason: (e as { code?: string }).code ?? 'error' },
          (e as Error).message,
        );
      }
      await client.query('INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, now())', [
        m.version,
        m.description,
      ]);
    }
    await client.query('COMMIT');
    return { from: current, to: Math.max(current, known) };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
