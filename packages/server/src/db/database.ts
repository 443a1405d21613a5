/**
 * The service's SQLite database (better-sqlite3, WAL): signing sessions live here so that any instance on the same
 * file can complete them and a restart in between loses nothing. Migrations are numbered and idempotent.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

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
];

export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
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
  db.exec('CREATE TABLE IF NOT EXISTS kyso_server_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const apply = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS v FROM kyso_server_migrations').get() as { v: number | null };
    for (let v = (row.v ?? 0) + 1; v <= MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v - 1]);
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
