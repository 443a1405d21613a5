/**
 * A signing journal whose writes fail in storage, for the tests of what the service and the CLI do then: a trigger
 * added from another connection makes every insert fail as a full disk would (SQLite's own message); the returned
 * function removes it. better-sqlite3 is loaded from @kyso/core, the way the library loads it.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { repoRoot } from './producers.js';

export function failJournalWrites(file: string): () => void {
  const Database = createRequire(join(repoRoot, 'packages/core/package.json'))(
    'better-sqlite3',
  ) as typeof BetterSqlite3;
  const db = new Database(file);
  db.exec(
    "CREATE TRIGGER test_journal_full BEFORE INSERT ON signing_journal BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
  );
  return () => {
    db.exec('DROP TRIGGER test_journal_full');
    db.close();
  };
}
