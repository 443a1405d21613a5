/**
 * The migration runner: applies, in version order, the migrations a file lacks, all in one `BEGIN IMMEDIATE`
 * transaction (so concurrent openers migrate once, and a failing migration leaves the file as it was), and records
 * each in `schema_version`. A file at a higher version than the code knows is refused, not guessed at.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { RegisterError } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export function applyMigrations(
  db: BetterSqlite3.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new RegisterError(
        'REGISTER_MIGRATION_FAILED',
        { version: m.version },
        'migrations must be numbered 1, 2, 3, … in order',
      );
  });
  const known = migrations.length;
  const versionOf = () =>
    (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_version').get() as { v: number }).v;
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (hasTable) {
    const v = versionOf();
    if (v > known) throw new RegisterError('REGISTER_SCHEMA_TOO_NEW', { fileVersion: v, knownVersion: known });
    if (v === known) return { from: v, to: v }; // the common case: no write lock taken
  }
  const run = db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const current = versionOf(); // again, under the lock: another process may have migrated meanwhile
    if (current > known)
      throw new RegisterError('REGISTER_SCHEMA_TOO_NEW', { fileVersion: current, knownVersion: known });
    for (const m of migrations.slice(current)) {
      try {
        db.exec(m.sql);
      } catch (e) {
        throw new RegisterError(
          'REGISTER_MIGRATION_FAILED',
          { version: m.version, reason: (e as { code?: string }).code ?? 'error' },
          (e as Error).message,
        );
      }
      db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.description,
        new Date().toISOString(),
      );
    }
    return { from: current, to: known };
  });
  return run.immediate();
}
