/**
 * The signing journal on SQLite. It lives in the register's file (the same migrations: `signing_journal`), the
 * authority's permanent record, not in the service's sessions database (which holds throwaway documents). A
 * journal given to the CLI (`--journal FILE`) is a file of the same format: the register's own file, or one of
 * its own. Rows can only be appended (triggers refuse updates and deletes).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { JournalError } from '../../journal/errors.js';
import type {
  JournalPage,
  JournalQuery,
  JournalRecord,
  JournalRecordInput,
  SigningJournal,
} from '../../journal/types.js';
import { checkQuery, checkRecordInput, journalInstant } from '../../journal/validate.js';
import { RegisterError } from '../errors.js';
import { applyMigrations } from './migrate.js';
import { registerFunctions } from './functions.js';

const requireCjs = createRequire(import.meta.url);

interface Row {
  id: number;
  at: string;
  source: JournalRecord['source'];
  operation: JournalRecord['operation'];
  unit: string;
  key_alias: string;
  signer_name: string;
  signer_cert_sha256: string;
  level: string;
  document_sha256: string;
  procedure_code: string | null;
  dossier_id: string | null;
}

/** Opens (creating and migrating if needed) the journal in the SQLite file at `path` (a register file works). */
export function openSqliteJournal(path: string, options: { busyTimeoutMs?: number } = {}): SqliteJournal {
  let Driver: typeof BetterSqlite3;
  try {
    Driver = requireCjs('better-sqlite3') as typeof BetterSqlite3;
  } catch (e) {
    throw new JournalError('JOURNAL_UNAVAILABLE', { reason: (e as { code?: string }).code ?? 'load-failed' });
  }
  let db: BetterSqlite3.Database;
  try {
    db = new Driver(path, { timeout: options.busyTimeoutMs ?? 15_000 });
  } catch (e) {
    throw new JournalError('JOURNAL_UNAVAILABLE', { path, reason: (e as { code?: string }).code ?? 'open-failed' });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    registerFunctions(db);
    applyMigrations(db);
  } catch (e) {
    db.close();
    if (e instanceof RegisterError && e.code !== 'REGISTER_SCHEMA_TOO_NEW')
      throw new JournalError('JOURNAL_UNAVAILABLE', { path, reason: e.code });
    if (e instanceof RegisterError) throw e;
    throw new JournalError('JOURNAL_UNAVAILABLE', { path, reason: (e as { code?: string }).code ?? 'open-failed' });
  }
  return new SqliteJournal(db);
}

interface Pending {
  input: JournalRecordInput;
  at: string;
  resolve: (record: JournalRecord) => void;
  reject: (e: unknown) => void;
}

/**
 * Records are committed in groups: those asked for in the same turn of the event loop (a busy service finishes
 * many signatures at once) share one transaction, so one synchronous fsync (synchronous = FULL) stands for all of
 * them instead of one each on the service's thread. Each `record` still resolves only once its row is committed,
 * so nothing is sent before it is journaled; a group that fails is retried one record at a time, so only the
 * record that cannot be written fails.
 */
export class SqliteJournal implements SigningJournal {
  readonly #db: BetterSqlite3.Database;
  #pending: Pending[] = [];
  #insert: BetterSqlite3.Statement | undefined;
  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async record(input: JournalRecordInput): Promise<JournalRecord> {
    checkRecordInput(input);
    const at = (input.at ?? new Date()).toISOString();
    return new Promise<JournalRecord>((resolve, reject) => {
      this.#pending.push({ input, at, resolve, reject });
      if (this.#pending.length === 1) setImmediate(() => this.#flush());
    });
  }

  /** Commits the records waiting (in the order asked), one transaction for all; one each when that fails. */
  #flush(): void {
    const group = this.#pending.splice(0);
    if (group.length === 0) return;
    try {
      const records = this.#run(() => group.map((p) => this.#insertOne(p)));
      group.forEach((p, i) => p.resolve(records[i]!));
    } catch (e) {
      if (group.length === 1) return group[0]!.reject(e);
      for (const p of group) {
        try {
          p.resolve(this.#run(() => this.#insertOne(p)));
        } catch (err) {
          p.reject(err);
        }
      }
    }
  }

  #insertOne({ input, at }: Pending): JournalRecord {
    this.#insert ??= this.#db.prepare(
      `INSERT INTO signing_journal (at, source, operation, unit, key_alias, signer_name, signer_cert_sha256, level, document_sha256, procedure_code, dossier_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    );
    // The row as stored, in the same statement (no SELECT after the INSERT).
    const row = this.#insert.get(
      at,
      input.source,
      input.operation,
      input.unit,
      input.keyAlias,
      input.signerName,
      input.signerCertSha256,
      input.level,
      input.documentSha256,
      input.procedureCode ?? null,
      input.dossierId ?? null,
    ) as Row;
    return toRecord(row);
  }

  async list(query: JournalQuery = {}, page: { limit?: number; after?: string } = {}): Promise<JournalPage> {
    checkQuery(query);
    this.#flush(); // records asked for before the list are in it
    const limit = page.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1_000)
      throw new JournalError('JOURNAL_BAD_INPUT', { field: 'limit' }, 'limit: 1 to 1000');
    const where: string[] = [];
    const args: unknown[] = [];
    const eq = (col: string, v: unknown) => v !== undefined && (where.push(`${col} = ?`), args.push(v));
    eq('unit', query.unit);
    eq('key_alias', query.keyAlias);
    eq('procedure_code', query.procedureCode);
    eq('dossier_id', query.dossierId);
    eq('document_sha256', query.documentSha256);
    const from = journalInstant(query.from, 'from');
    const to = journalInstant(query.to, 'to');
    if (from !== undefined) where.push('at >= ?'), args.push(from);
    if (to !== undefined) where.push('at < ?'), args.push(to);
    if (page.after !== undefined) {
      // The cursor is the last id seen: ids only grow, so a page never repeats or skips a record.
      const id = /^[1-9][0-9]{0,15}$/.test(String(page.after)) ? Number(page.after) : NaN;
      if (!Number.isSafeInteger(id)) throw new JournalError('JOURNAL_BAD_CURSOR');
      where.push('id > ?');
      args.push(id);
    }
    return this.#run(() => {
      const rows = this.#db
        .prepare(
          `SELECT * FROM signing_journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`,
        )
        .all(...args, limit + 1) as Row[];
      const records = rows.slice(0, limit).map(toRecord);
      const last = records.at(-1);
      return { records, nextCursor: rows.length > limit && last ? String(last.id) : null };
    });
  }

  async close(): Promise<void> {
    this.#flush();
    if (this.#db.open) this.#db.close();
  }

  #run<T>(fn: () => T): T {
    if (!this.#db.open) throw new JournalError('JOURNAL_STORAGE', {}, 'the journal is closed');
    try {
      return this.#db.transaction(fn).immediate();
    } catch (e) {
      if (e instanceof JournalError) throw e;
      const code = (e as { code?: string })?.code;
      throw new JournalError('JOURNAL_STORAGE', { sqlite: code ?? 'error' }, (e as Error)?.message);
    }
  }
}

function toRecord(r: Row): JournalRecord {
  return {
    id: r.id,
    at: r.at,
    source: r.source,
    operation: r.operation,
    unit: r.unit,
    keyAlias: r.key_alias,
    signerName: r.signer_name,
    signerCertSha256: r.signer_cert_sha256,
    level: r.level,
    documentSha256: r.document_sha256,
    procedureCode: r.procedure_code,
    dossierId: r.dossier_id,
  };
}
