/**
 * The embedded register: one SQLite file (better-sqlite3, WAL, synchronous=FULL, a busy timeout). The rules are
 * numbering.ts's; this file is storage only. Every write is one `BEGIN IMMEDIATE` transaction, so allocation and the
 * entry insert commit together or not at all, and several processes on one file queue for the write lock instead of
 * reading the same "next number" (the database write lock is every book's lock). Within one process, calls on the
 * connection take turns (a queue): the rules await between statements, and no other call may run statements inside
 * an open transaction. The unique index on (authority, book type, year, sequence) makes a duplicate impossible even
 * if that reasoning were wrong.
 *
 * better-sqlite3 is loaded when a register is opened, not when @kyso/core is imported: a user who only signs or
 * verifies never needs the native module.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { QUESTION_MARKS, entryConditions } from '../entry-sql.js';
import { requestValues } from '../request-values.js';
import type { EntrySearch } from '../entry-query.js';
import { RegisterError } from '../errors.js';
import { RegisterBook, type RegisterRulesOptions } from '../numbering.js';
import {
  KeyTakenConflict,
  type BookCounts,
  type NewEntry,
  type RegisterStore,
  type RegisterWrites,
  type StoredBook,
  type StoredRequest,
} from '../store.js';
import type { ExtensionRecord } from '../../deadlines/later-extension.js';
import type { RequestDeadlineFacts } from '../entry-deadline.js';
import type { Authority, Book, BookClosure, EntryKey, EntryState, RegisterEntry, SigningEvidence } from '../types.js';
import { applyMigrations } from './migrate.js';
import { registerFunctions } from './functions.js';
import { toEntry, toRequest, type EntryRow, type RequestRow } from './rows.js';

type Db = BetterSqlite3.Database;

export interface SqliteRegisterOptions extends RegisterRulesOptions {
  /** How long a writer waits for another process's transaction, in ms (default 15 000). */
  busyTimeoutMs?: number;
}

const requireCjs = createRequire(import.meta.url);

function loadDriver(): typeof BetterSqlite3 {
  try {
    return requireCjs('better-sqlite3') as typeof BetterSqlite3;
  } catch (e) {
    throw new RegisterError('REGISTER_UNAVAILABLE', {
      driver: 'better-sqlite3',
      reason: (e as { code?: string }).code ?? 'load-failed',
    });
  }
}

/** Opens (creating and migrating if needed) the register in the SQLite file at `path`. */
export function openSqliteRegister(path: string, options: SqliteRegisterOptions = {}): SqliteRegister {
  const Driver = loadDriver();
  let db: Db;
  try {
    db = new Driver(path, { timeout: options.busyTimeoutMs ?? 15_000 });
  } catch (e) {
    throw new RegisterError('REGISTER_OPEN_FAILED', { path, reason: sqliteCode(e) });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL'); // a legal record: a committed number survives a power cut, not just a crash
    db.pragma('foreign_keys = ON');
    registerFunctions(db);
    applyMigrations(db);
  } catch (e) {
    db.close();
    if (e instanceof RegisterError) throw e;
    throw new RegisterError('REGISTER_OPEN_FAILED', { path, reason: sqliteCode(e) });
  }
  return new SqliteRegister(db, options);
}

function sqliteCode(e: unknown): string {
  return (e as { code?: string })?.code ?? (e instanceof Error ? e.message : String(e));
}

export class SqliteRegister extends RegisterBook {
  readonly #db: Db;

  constructor(db: Db, options: SqliteRegisterOptions = {}) {
    super(new SqliteStore(db), options);
    this.#db = db;
  }

  /** The schema version of the open file. */
  schemaVersion(): number {
    if (!this.#db.open) throw new RegisterError('REGISTER_CLOSED');
    return (this.#db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number }).v;
  }
}

interface BookRow {
  id: number;
  authority_id: string;
  book_type: string;
  year: number;
  volume: number;
  opened_at: string;
  closed_at: string | null;
}

interface AuthorityRow {
  id: string;
  name: string;
  book_types: string;
  electronic_book_type: string | null;
  created_at: string;
}

interface ClosureRow {
  authority_id: string;
  book_type: string;
  year: number;
  numbers_used: number;
  issued: number;
  voided: number;
  closed_at: string;
}

class SqliteStore implements RegisterStore {
  readonly #db: Db;
  readonly #tx: SqliteTx;
  /** Calls on the connection, one at a time. */
  #turn: Promise<unknown> = Promise.resolve();

  constructor(db: Db) {
    this.#db = db;
    this.#tx = new SqliteTx(db);
  }

  write<T>(fn: (tx: RegisterWrites) => Promise<T>): Promise<T> {
    return this.#inTurn(() => this.#transaction('BEGIN IMMEDIATE', fn));
  }

  read<T>(fn: (tx: RegisterWrites) => Promise<T>): Promise<T> {
    return this.#inTurn(() => this.#transaction('BEGIN DEFERRED', fn));
  }

  close(): Promise<void> {
    return this.#inTurn(async () => {
      if (this.#db.open) this.#db.close();
    });
  }

  #inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(fn, fn);
    this.#turn = run.catch(() => undefined);
    return run;
  }

  async #transaction<T>(begin: string, fn: (tx: RegisterWrites) => Promise<T>): Promise<T> {
    if (!this.#db.open) throw new RegisterError('REGISTER_CLOSED');
    try {
      this.#db.exec(begin);
    } catch (e) {
      throw mapError(e);
    }
    try {
      const result = await fn(this.#tx);
      this.#db.exec('COMMIT');
      return result;
    } catch (e) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw mapError(e);
    }
  }
}

/** The statements. Every method runs inside the store's open transaction. */
class SqliteTx implements RegisterWrites {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  #get<T>(sql: string, ...args: unknown[]): T | undefined {
    return this.#db.prepare(sql).get(...args) as T | undefined;
  }

  #all<T>(sql: string, ...args: unknown[]): T[] {
    return this.#db.prepare(sql).all(...args) as T[];
  }

  #run(sql: string, ...args: unknown[]): BetterSqlite3.RunResult {
    return this.#db.prepare(sql).run(...args);
  }

  async authority(id: string): Promise<Authority | null> {
    const row = this.#get<AuthorityRow>('SELECT * FROM authorities WHERE id = ?', id);
    return row ? toAuthority(row) : null;
  }

  async authorities(): Promise<Authority[]> {
    return this.#all<AuthorityRow>('SELECT * FROM authorities ORDER BY id').map(toAuthority);
  }

  async upsertAuthority(
    a: { id: string; name: string; bookTypes: string[]; electronicBookType: string | null },
    at: string,
  ): Promise<void> {
    this.#run(
      `INSERT INTO authorities (id, name, book_types, electronic_book_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, book_types = excluded.book_types,
         electronic_book_type = excluded.electronic_book_type, updated_at = excluded.updated_at`,
      a.id,
      a.name,
      JSON.stringify(a.bookTypes),
      a.electronicBookType,
      at,
      at,
    );
  }

  async books(authorityId: string, year?: number): Promise<Book[]> {
    const rows =
      year === undefined
        ? this.#all<BookRow>('SELECT * FROM books WHERE authority_id = ? ORDER BY year, book_type, volume', authorityId)
        : this.#all<BookRow>(
            'SELECT * FROM books WHERE authority_id = ? AND year = ? ORDER BY book_type, volume',
            authorityId,
            year,
          );
    return rows.map((r) => {
      const { id: _id, ...book } = toBook(r);
      return book;
    });
  }

  async volumes(authorityId: string, bookType: string, year: number): Promise<StoredBook[]> {
    return this.#all<BookRow>(
      'SELECT * FROM books WHERE authority_id = ? AND book_type = ? AND year = ? ORDER BY volume',
      authorityId,
      bookType,
      year,
    ).map(toBook);
  }

  async closure(authorityId: string, bookType: string, year: number): Promise<BookClosure | null> {
    const r = this.#get<ClosureRow>(
      'SELECT * FROM book_closures WHERE authority_id = ? AND book_type = ? AND year = ?',
      authorityId,
      bookType,
      year,
    );
    return r ? toClosure(r) : null;
  }

  /** The transaction's BEGIN IMMEDIATE already holds the database's write lock: every book is locked. */
  async lockBook(): Promise<void> {}

  async lastSeq(authorityId: string, bookType: string, year: number): Promise<number> {
    return this.#get<{ n: number }>(
      'SELECT COALESCE(MAX(seq_no), 0) AS n FROM entries WHERE authority_id = ? AND book_type = ? AND year = ?',
      authorityId,
      bookType,
      year,
    )!.n;
  }

  async insertVolume(
    authorityId: string,
    bookType: string,
    year: number,
    volume: number,
    openedAt: string,
  ): Promise<StoredBook> {
    const { lastInsertRowid } = this.#run(
      'INSERT INTO books (authority_id, book_type, year, volume, opened_at) VALUES (?, ?, ?, ?, ?)',
      authorityId,
      bookType,
      year,
      volume,
      openedAt,
    );
    return toBook(this.#get<BookRow>('SELECT * FROM books WHERE id = ?', lastInsertRowid)!);
  }

  async closeVolumes(
    at: string,
    book: { id: number } | { authorityId: string; bookType: string; year: number },
  ): Promise<void> {
    if ('id' in book) this.#run('UPDATE books SET closed_at = ? WHERE id = ?', at, book.id);
    else
      this.#run(
        'UPDATE books SET closed_at = ? WHERE authority_id = ? AND book_type = ? AND year = ? AND closed_at IS NULL',
        at,
        book.authorityId,
        book.bookType,
        book.year,
      );
  }

  async bookCounts(authorityId: string, bookType: string, year: number): Promise<BookCounts> {
    return this.#get<BookCounts>(
      `SELECT COUNT(*) AS entries, COALESCE(MAX(seq_no), 0) AS top, COALESCE(SUM(state = 'pending'), 0) AS pending,
         COALESCE(SUM(state = 'issued'), 0) AS issued, COALESCE(SUM(state = 'void'), 0) AS voided
       FROM entries WHERE authority_id = ? AND book_type = ? AND year = ?`,
      authorityId,
      bookType,
      year,
    )!;
  }

  async insertClosure(c: BookClosure): Promise<void> {
    this.#run(
      'INSERT INTO book_closures (authority_id, book_type, year, numbers_used, issued, voided, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      c.authorityId,
      c.bookType,
      c.year,
      c.numbersUsed,
      c.issued,
      c.voided,
      c.closedAt,
    );
  }

  async requestById(id: string): Promise<StoredRequest | null> {
    const row = this.#get<RequestRow>('SELECT * FROM requests WHERE id = ?', id);
    return row ? toRequest(row) : null;
  }

  async requestByKey(authorityId: string, key: string): Promise<StoredRequest | null> {
    const row = this.#get<RequestRow>(
      'SELECT * FROM requests WHERE authority_id = ? AND idempotency_key = ?',
      authorityId,
      key,
    );
    return row ? toRequest(row) : null;
  }

  async pendingRequestIds(authorityId?: string): Promise<string[]> {
    const rows =
      authorityId === undefined
        ? this.#all<{ id: string }>("SELECT id FROM requests WHERE state = 'pending' ORDER BY created_at, id")
        : this.#all<{ id: string }>(
            "SELECT id FROM requests WHERE state = 'pending' AND authority_id = ? ORDER BY created_at, id",
            authorityId,
          );
    return rows.map((r) => r.id);
  }

  async reportRequestIds(from: string, to: string, authorityId?: string): Promise<string[]> {
    const args: unknown[] = [to, from, from, from];
    let sql = `SELECT id FROM requests WHERE created_at < ? AND (created_at >= ? OR completed_at >= ? OR delivered_at >= ? OR state = 'pending')`;
    if (authorityId !== undefined) (sql += ' AND authority_id = ?'), args.push(authorityId);
    return this.#all<{ id: string }>(`${sql} ORDER BY created_at, id`, ...args).map((r) => r.id);
  }

  async insertRequest(r: StoredRequest): Promise<void> {
    try {
      this.#run(
        `INSERT INTO requests (id, authority_id, idempotency_key, fingerprint, kind, state, requester_json, certifier_json,
           fee_total, fee_json, fee_receipt_no, delivery_channel, delivery_address, refusal_code, refusal_text, refusal_document,
           void_reason, created_at, completed_at, received_at, due_at, extension_json, payment_channel, delivered_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ...requestValues(r),
      );
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /idempotency_key/.test((e as Error).message))
        throw new KeyTakenConflict();
      throw e;
    }
  }

  async updateRequest(
    id: string,
    set: Partial<Pick<StoredRequest, 'state' | 'completedAt' | 'voidReason' | 'deliveredAt' | 'dueAt' | 'extension'>>,
  ): Promise<void> {
    const columns = {
      state: 'state',
      completedAt: 'completed_at',
      voidReason: 'void_reason',
      deliveredAt: 'delivered_at',
      dueAt: 'due_at',
      extension: 'extension_json',
    } as const;
    const keys = (Object.keys(set) as (keyof typeof columns)[]).filter((k) => set[k] !== undefined);
    if (keys.length === 0) return;
    const value = (k: keyof typeof columns) =>
      k === 'extension' ? (set.extension ? JSON.stringify(set.extension) : null) : set[k];
    this.#run(
      `UPDATE requests SET ${keys.map((k) => `${columns[k]} = ?`).join(', ')} WHERE id = ?`,
      ...keys.map(value),
      id,
    );
  }

  async insertExtension(requestId: string, r: ExtensionRecord): Promise<void> {
    this.#run(
      'INSERT INTO request_extensions (request_id, agreed_at, working_days, reason, written_agreement, due_before, due_after) VALUES (?, ?, ?, ?, ?, ?, ?)',
      requestId,
      r.agreedAt,
      r.workingDays,
      r.reason,
      r.writtenAgreement ? 1 : 0,
      r.dueBefore,
      r.dueAfter,
    );
  }

  async deadlineFacts(requestIds: readonly string[]): Promise<Map<string, RequestDeadlineFacts>> {
    const out = new Map<string, RequestDeadlineFacts>();
    for (let i = 0; i < requestIds.length; i += 500) {
      const chunk = requestIds.slice(i, i + 500);
      const rows = this.#db
        .prepare(
          `SELECT r.id, r.state, r.due_at, r.completed_at, r.delivered_at,
             EXISTS (SELECT 1 FROM entries x WHERE x.request_id = r.id AND x.electronic_copy = 1) AS e
           FROM requests r WHERE r.id IN (${chunk.map(() => '?').join(', ')})`,
        )
        .all(...chunk) as {
        id: string;
        state: StoredRequest['state'];
        due_at: string | null;
        completed_at: string | null;
        delivered_at: string | null;
        e: number;
      }[];
      for (const r of rows)
        out.set(r.id, {
          state: r.state,
          dueAt: r.due_at,
          completedAt: r.completed_at,
          deliveredAt: r.delivered_at,
          hasElectronicCopy: r.e === 1,
        });
    }
    return out;
  }

  async extensions(requestId: string): Promise<ExtensionRecord[]> {
    const rows = this.#db
      .prepare('SELECT * FROM request_extensions WHERE request_id = ? ORDER BY id')
      .all(requestId) as {
      agreed_at: string;
      working_days: number;
      reason: string;
      written_agreement: number;
      due_before: string;
      due_after: string;
    }[];
    return rows.map((r) => ({
      agreedAt: r.agreed_at,
      workingDays: r.working_days,
      reason: r.reason,
      writtenAgreement: r.written_agreement === 1,
      dueBefore: r.due_before,
      dueAfter: r.due_after,
    }));
  }

  async insertEntry(e: NewEntry): Promise<number> {
    const { lastInsertRowid } = this.#run(
      `INSERT INTO entries (request_id, original_index, authority_id, book_id, book_type, year, volume, seq_no, certification_number,
         certified_at, requester_name, document_name, original_pages, paper_copies, electronic_copy, fee_amount,
         certifier_name, certifier_title, certifier_basis, certifier_basis_ref, delivery_channel, state, notes, vneid_data_used)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      e.requestId,
      e.originalIndex,
      e.authorityId,
      e.bookId,
      e.bookType,
      e.year,
      e.volume,
      e.seqNo,
      e.certificationNumber,
      e.certifiedAt,
      e.requesterName,
      e.documentName,
      e.originalPages,
      e.paperCopies,
      e.electronicCopy ? 1 : 0,
      e.fee,
      e.certifier.name,
      e.certifier.title ?? null,
      e.certifier.basis,
      e.certifier.basisReference ?? null,
      e.deliveryChannel,
      e.notes,
      e.vneidDataUsed ? 1 : 0,
    );
    return Number(lastInsertRowid);
  }

  async issueEntry(entryId: number, sha256: string | null, evidence: SigningEvidence | null): Promise<void> {
    this.#run(
      "UPDATE entries SET state = 'issued', ecopy_sha256 = ?, signing_evidence_json = ? WHERE id = ?",
      sha256,
      evidence ? JSON.stringify(evidence) : null,
      entryId,
    );
  }

  async voidEntries(requestId: string, reason: string): Promise<void> {
    this.#run("UPDATE entries SET state = 'void', void_reason = ? WHERE request_id = ?", reason, requestId);
  }

  async storeECopy(entryId: number, sha256: string, bytes: Uint8Array, at: string): Promise<void> {
    this.#run(
      'INSERT INTO ecopies (entry_id, sha256, bytes, stored_at) VALUES (?, ?, ?, ?)',
      entryId,
      sha256,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      at,
    );
  }

  async entriesOf(requestId: string): Promise<RegisterEntry[]> {
    return this.#all<EntryRow>('SELECT * FROM entries WHERE request_id = ? ORDER BY original_index', requestId).map(
      toEntry,
    );
  }

  async entry(key: EntryKey): Promise<RegisterEntry | null> {
    const row = this.#get<EntryRow>(
      'SELECT * FROM entries WHERE authority_id = ? AND book_type = ? AND year = ? AND seq_no = ?',
      key.authorityId,
      key.bookType,
      key.year,
      key.seqNo,
    );
    return row ? toEntry(row) : null;
  }

  async entryById(id: number): Promise<RegisterEntry | null> {
    const row = this.#get<EntryRow>('SELECT * FROM entries WHERE id = ?', id);
    return row ? toEntry(row) : null;
  }

  async entriesByECopyHash(sha256: string): Promise<RegisterEntry[]> {
    return this.#all<EntryRow>('SELECT * FROM entries WHERE ecopy_sha256 = ? ORDER BY id', sha256).map(toEntry);
  }

  async listEntries(filter: {
    authorityId: string;
    bookType?: string;
    year?: number;
    state?: EntryState;
  }): Promise<RegisterEntry[]> {
    const where = ['authority_id = ?'];
    const args: unknown[] = [filter.authorityId];
    if (filter.bookType !== undefined) where.push('book_type = ?'), args.push(filter.bookType);
    if (filter.year !== undefined) where.push('year = ?'), args.push(filter.year);
    if (filter.state !== undefined) where.push('state = ?'), args.push(filter.state);
    return this.#all<EntryRow>(
      `SELECT * FROM entries WHERE ${where.join(' AND ')} ORDER BY year, book_type, seq_no`,
      ...args,
    ).map(toEntry);
  }

  async searchEntries(search: EntrySearch, limit: number): Promise<RegisterEntry[]> {
    const { where, args } = entryConditions(search, {
      param: QUESTION_MARKS,
      requesterContains: (p) => `instr(kyso_fold(requester_name), ${p}) > 0`,
    });
    const sql = `SELECT * FROM entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY authority_id, book_type, year, seq_no LIMIT ?`;
    return this.#all<EntryRow>(sql, ...args, limit).map(toEntry);
  }

  async ecopy(entryId: number): Promise<Uint8Array | null> {
    const row = this.#get<{ bytes: Buffer }>('SELECT bytes FROM ecopies WHERE entry_id = ?', entryId);
    return row ? new Uint8Array(row.bytes) : null;
  }
}

function toAuthority(row: AuthorityRow): Authority {
  return {
    id: row.id,
    name: row.name,
    bookTypes: JSON.parse(row.book_types) as string[],
    electronicBookType: row.electronic_book_type,
    createdAt: row.created_at,
  };
}

function toBook(r: BookRow): StoredBook {
  return {
    id: r.id,
    authorityId: r.authority_id,
    bookType: r.book_type,
    year: r.year,
    volume: r.volume,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
  };
}

function toClosure(r: ClosureRow): BookClosure {
  return {
    authorityId: r.authority_id,
    bookType: r.book_type,
    year: r.year,
    numbersUsed: r.numbers_used,
    issued: r.issued,
    voided: r.voided,
    closedAt: r.closed_at,
  };
}

function mapError(e: unknown): unknown {
  if (e instanceof RegisterError || e instanceof KeyTakenConflict) return e;
  const code = (e as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      return new RegisterError('REGISTER_BUSY', { sqlite: code });
    return new RegisterError('REGISTER_STORAGE', { sqlite: code }, (e as Error).message);
  }
  return e;
}
