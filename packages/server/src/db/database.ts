/**
 * The service's SQLite database (better-sqlite3, WAL): the two-step signing sessions, so that any instance on the
 * same file can complete them and a restart in between loses nothing. It holds nothing else and lives in a
 * directory of its own, apart from the register. Migrations are numbered and idempotent.
 */
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { makeDirs } from '@kyso/core';
import { schemaTooNew } from './schema-version.js';

export type Db = Database.Database;

const MIGRATIONS: string[] = [
  `CREATE TABLE signing_sessions (
     id TEXT PRIMARY KEY,
     unit TEXT NOT NULL,
     api_key_id TEXT NOT NULL,
     state TEXT NOT NULL,
     input_length INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX signing_sessions_expiry ON signing_sessions (expires_at);
   CREATE TABLE signing_session_chunks (
     session_id TEXT NOT NULL REFERENCES signing_sessions (id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (session_id, seq)
   );`,
  // Completion is idempotent (the result is kept for retries); expired sessions keep only a notice; caps per key.
  `ALTER TABLE signing_sessions ADD COLUMN file_name TEXT;
   ALTER TABLE signing_sessions ADD COLUMN completed_at INTEGER;
   ALTER TABLE signing_sessions ADD COLUMN submission_sha256 TEXT;
   ALTER TABLE signing_sessions ADD COLUMN result BLOB;
   ALTER TABLE signing_sessions ADD COLUMN purged INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX signing_sessions_key ON signing_sessions (api_key_id, purged);`,
];

export function openDatabase(path: string): Db {
  // Session documents are the citizens' papers: the directory is the service user's alone.
  if (path !== ':memory:') makeDirs(dirname(path), 0o700);
  const db = new Database(path);
  try {
    // Purged session documents give their pages back to the file system (incremental vacuum after each purge);
    // this takes effect only on a new file, before its first table.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    // Documents pass through the WAL: after a checkpoint it is cut back to this size instead of staying at its peak.
    db.pragma('journal_size_limit = 67108864');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Several instances (or a restart racing the old process) share the file: wait for a lock instead of failing.
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

function migrate(db: Db): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS kyso_server_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  const apply = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS v FROM kyso_server_migrations').get() as { v: number | null };
    // A newer kyso has changed the tables in ways this code does not know: running on them could lose sessions.
    if ((row.v ?? 0) > MIGRATIONS.length) throw schemaTooNew(row.v ?? 0, MIGRATIONS.length);
    for (const [i, sql] of MIGRATIONS.entries()) {
      const v = i + 1; // versions count from 1
      if (v <= (row.v ?? 0)) continue;
      db.exec(sql);
      db.prepare('INSERT INTO kyso_server_migrations (version, applied_at) VALUES (?, ?)').run(v, Date.now());
    }
  });
  apply.immediate();
}

/** True when the database answers a query (readiness). */
export function databaseReachable(db: Db): boolean {
  try {
    return (db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
  } catch {
    return false;
  }
}
