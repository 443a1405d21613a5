/** SQL functions the SQLite queries use, registered on every connection: SQLite's own LIKE folds ASCII only, not "Đ" or "Ễ". */
import type BetterSqlite3 from 'better-sqlite3';
import { foldName } from '../entry-query.js';

export function registerFunctions(db: BetterSqlite3.Database): void {
  db.function('kyso_fold', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? foldName(v) : null));
}
