/**
 * The register on PostgreSQL, for several stateless instances on one database. The rules are numbering.ts's; this
 * file is storage only.
 *
 * Numbering under concurrency: every writer of a year's book first locks that book's row in `book_locks`
 * (`SELECT ... FOR UPDATE`), then reads the highest number and writes the entry, all in one READ COMMITTED
 * transaction. Chosen over SERIALIZABLE with retries because the contention is the normal case, not the rare one:
 * every desk and e-copy flow of a commune writes the same book, so under SERIALIZABLE most concurrent writers would
 * fail at commit and redo their work, again and again under load; with the row lock they queue, each waiting only
 * for the commit before it. Under READ COMMITTED each statement after the lock sees every committed entry, so
 * MAX(seq_no) + 1 is the next number, with no gap and no duplicate (the unique index on the number refuses a
 * duplicate even if this reasoning failed). Books are locked in one order, so two requests never deadlock; a
 * deadlock or serialization failure would still be retried.
 *
 * Idempotent retries racing on one key (two instances receive the same retried request at once): both look the
 * key up and find nothing; one inserts the request first; the other's insert hits the unique constraint on
 * (authority, key), its transaction rolls back (its numbers were never committed), and the rules run it again: it
 * now finds the first request and resumes it, with the first numbers.
 */
import { KysoError } from '@kyso/pdf';
import { RegisterError } from '../errors.js';
import { NUMBERED, entryConditions } from '../entry-sql.js';
import { requestValues } from '../request-values.js';
import { foldName, type EntrySearch } from '../entry-query.js';
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
import type { Authority, Book, BookClosure, EntryKey, EntryState, RegisterEntry, SigningEvidence } from '../types.js';
import type { ExtensionRecord } from '../../deadlines/later-extension.js';
import type { RequestDeadlineFacts } from '../entry-deadline.js';
import { applyPgMigrations } from './migrate.js';
import { PgJournal } from './pg-journal.js';
import { PG_SCHEMA_VERSION } from './migrations.js';
import {
  checkPoolOptions,
  createPool,
  describeUrl,
  isRetryable,
  loadPg,
  pgFault,
  type PgClient,
  type PgPool,
  type PgPoolOptions,
} from './pool.js';
import {
  isoOrNull,
  toAuthority,
  toBook,
  toClosure,
  toEntry,
  toRequest,
  type AuthorityRow,
  type BookRow,
  type ClosureRow,
  type EntryRow,
  type RequestRow,
} from './rows.js';

export interface PostgresRegisterOptions extends PgPoolOptions, RegisterRulesOptions {}

/** Transactions that failed on a deadlock or a serialization failure run again, at most this many times. */
const RETRIES = 5;

function bad(field: string, why: string): never {
  throw new RegisterError('REGISTER_BAD_INPUT', { field }, `${field}: ${why}`);
}

/** Opens the register in a PostgreSQL database: a pool, and the migrations applied (once, whoever starts first). */
export async function openPostgresRegister(options: PostgresRegisterOptions): Promise<PgRegister> {
  const o = checkPoolOptions(options, bad);
  const { Pool } = loadPg((reason) => new RegisterError('REGISTER_UNAVAILABLE', { driver: 'pg', reason }));
  const where = describeUrl(o.url);
  const pool = createPool(Pool, o, () => undefined);
  try {
    const client = await pool.connect();
    try {
      await applyPgMigrations(client);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    if (e instanceof RegisterError) throw e;
    const f = pgFault(e);
    throw new RegisterError('REGISTER_OPEN_FAILED', { ...where, reason: f.code }, f.message);
  }
  return new PgRegister(new PgStore(pool), options);
}

export class PgRegister extends RegisterBook {
  readonly #store: PgStore;

  /** Use `openPostgresRegister`. */
  constructor(store: PgStore, options: RegisterRulesOptions = {}) {
    super(store, options);
    this.#store = store;
  }

  /** The schema version of the database. */
  async schemaVersion(): Promise<number> {
    return this.#store.schemaVersion();
  }

  /** The pool's connections: all, idle, and callers waiting for one. */
  poolStats(): { total: number; idle: number; waiting: number } {
    return this.#store.poolStats();
  }

  /** The signing journal in the same database on the same pool (one pool per instance); close the register last. */
  journal(): PgJournal {
    return this.#store.journal();
  }
}

/** The store over a pool; also used by tests and tools that need the same connections. */
export class PgStore implements RegisterStore {
  readonly #pool: PgPool;
  #closed = false;
  /** Transactions begun or waiting for a connection: `close` lets the begun ones finish. */
  readonly #running = new Set<Promise<unknown>>();

  constructor(pool: PgPool) {
    this.#pool = pool;
  }

  write<T>(fn: (tx: RegisterWrites) => Promise<T>): Promise<T> {
    return this.#track(this.#transaction('BEGIN', fn));
  }

  read<T>(fn: (tx: RegisterWrites) => Promise<T>): Promise<T> {
    // One snapshot for the whole read: a request and its entries as of one moment.
    return this.#track(this.#transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn));
  }

  /**
   * A graceful close: nothing new starts (REGISTER_CLOSED), a transaction already begun commits or rolls back as it
   * would have, one still waiting for a connection is refused before it begins; then the pool's connections close.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#running]);
    await this.#pool.end();
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#running.add(p);
    const done = () => this.#running.delete(p);
    p.then(done, done);
    return p;
  }

  async schemaVersion(): Promise<number> {
    return this.read(async (tx) => (tx as PgTx).schemaVersion());
  }

  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  journal(): PgJournal {
    return new PgJournal(this.#pool, { ownsPool: false });
  }

  async #transaction<T>(begin: string, fn: (tx: RegisterWrites) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new RegisterError('REGISTER_CLOSED');
      let client: PgClient;
      try {
        client = await this.#pool.connect();
      } catch (e) {
        throw mapError(e);
      }
      if (this.#closed) {
        client.release();
        throw new RegisterError('REGISTER_CLOSED');
      }
      let broken: Error | undefined;
      try {
        await client.query(begin);
        const result = await fn(new PgTx(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch (r) {
          broken = r as Error; // the connection is gone: do not return it to the pool
        }
        if (isRetryable(e) && attempt < RETRIES) continue;
        throw mapError(e);
      } finally {
        client.release(broken);
      }
    }
  }
}

function mapError(e: unknown): unknown {
  // The rules' own typed errors (a RegisterError, a DeadlineError from a later extension) pass as they are.
  if (e instanceof KysoError || e instanceof KeyTakenConflict) return e;
  const f = pgFault(e);
  if (f.busy) return new RegisterError('REGISTER_BUSY', { pg: f.code });
  return new RegisterError('REGISTER_STORAGE', { pg: f.code }, f.message);
}

/** The statements, on one pooled connection inside its transaction. */
class PgTx implements RegisterWrites {
  readonly #c: PgClient;
  constructor(client: PgClient) {
    this.#c = client;
  }

  async #all<R>(sql: string, args: unknown[] = []): Promise<R[]> {
    return (await this.#c.query<R>(sql, args)).rows;
  }

  async #one<R>(sql: string, args: unknown[] = []): Promise<R | undefined> {
    return (await this.#c.query<R>(sql, args)).rows[0];
  }

  async schemaVersion(): Promise<number> {
    return (
      (await this.#one<{ v: number }>('SELECT MAX(version)::int AS v FROM schema_version'))?.v ?? PG_SCHEMA_VERSION
    );
  }

  async authority(id: string): Promise<Authority | null> {
    const row = await this.#one<AuthorityRow>('SELECT * FROM authorities WHERE id = $1', [id]);
    return row ? toAuthority(row) : null;
  }

  async authorities(): Promise<Authority[]> {
    return (await this.#all<AuthorityRow>('SELECT * FROM authorities ORDER BY id')).map(toAuthority);
  }

  async upsertAuthority(
    a: { id: string; name: string; bookTypes: string[]; electronicBookType: string | null },
    at: string,
  ): Promise<void> {
    await this.#c.query(
      `INSERT INTO authorities (id, name, book_types, electronic_book_type, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, book_types = excluded.book_types,
         electronic_book_type = excluded.electronic_book_type, updated_at = excluded.updated_at`,
      [a.id, a.name, JSON.stringify(a.bookTypes), a.electronicBookType, at],
    );
  }

  async books(authorityId: string, year?: number): Promise<Book[]> {
    const rows =
      year === undefined
        ? await this.#all<BookRow>('SELECT * FROM books WHERE authority_id = $1 ORDER BY year, book_type, volume', [
            authorityId,
          ])
        : await this.#all<BookRow>(
            'SELECT * FROM books WHERE authority_id = $1 AND year = $2 ORDER BY book_type, volume',
            [authorityId, year],
          );
    return rows.map((r) => {
      const { id: _id, ...book } = toBook(r);
      return book;
    });
  }

  async volumes(authorityId: string, bookType: string, year: number): Promise<StoredBook[]> {
    return (
      await this.#all<BookRow>(
        'SELECT * FROM books WHERE authority_id = $1 AND book_type = $2 AND year = $3 ORDER BY volume',
        [authorityId, bookType, year],
      )
    ).map(toBook);
  }

  async closure(authorityId: string, bookType: string, year: number): Promise<BookClosure | null> {
    const r = await this.#one<ClosureRow>(
      'SELECT * FROM book_closures WHERE authority_id = $1 AND book_type = $2 AND year = $3',
      [authorityId, bookType, year],
    );
    return r ? toClosure(r) : null;
  }

  async lockBook(authorityId: string, bookType: string, year: number): Promise<void> {
    // The book's lock row exists from its first writer on; a concurrent first insert waits for the other's commit.
    await this.#c.query(
      'INSERT INTO book_locks (authority_id, book_type, year) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [authorityId, bookType, year],
    );
    await this.#c.query(
      'SELECT 1 FROM book_locks WHERE authority_id = $1 AND book_type = $2 AND year = $3 FOR UPDATE',
      [authorityId, bookType, year],
    );
  }

  async lastSeq(authorityId: string, bookType: string, year: number): Promise<number> {
    return (await this.#one<{ n: number }>(
      'SELECT COALESCE(MAX(seq_no), 0)::int AS n FROM entries WHERE authority_id = $1 AND book_type = $2 AND year = $3',
      [authorityId, bookType, year],
    ))!.n;
  }

  async insertVolume(
    authorityId: string,
    bookType: string,
    year: number,
    volume: number,
    openedAt: string,
  ): Promise<StoredBook> {
    return toBook(
      (await this.#one<BookRow>(
        'INSERT INTO books (authority_id, book_type, year, volume, opened_at) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [authorityId, bookType, year, volume, openedAt],
      ))!,
    );
  }

  async closeVolumes(
    at: string,
    book: { id: number } | { authorityId: string; bookType: string; year: number },
  ): Promise<void> {
    if ('id' in book) await this.#c.query('UPDATE books SET closed_at = $1 WHERE id = $2', [at, book.id]);
    else
      await this.#c.query(
        'UPDATE books SET closed_at = $1 WHERE authority_id = $2 AND book_type = $3 AND year = $4 AND closed_at IS NULL',
        [at, book.authorityId, book.bookType, book.year],
      );
  }

  async bookCounts(authorityId: string, bookType: string, year: number): Promise<BookCounts> {
    return (await this.#one<BookCounts>(
      `SELECT COUNT(*)::int AS entries, COALESCE(MAX(seq_no), 0)::int AS top, COUNT(*) FILTER (WHERE state = 'pending')::int AS pending,
         COUNT(*) FILTER (WHERE state = 'issued')::int AS issued, COUNT(*) FILTER (WHERE state = 'void')::int AS voided
       FROM entries WHERE authority_id = $1 AND book_type = $2 AND year = $3`,
      [authorityId, bookType, year],
    ))!;
  }

  async insertClosure(c: BookClosure): Promise<void> {
    await this.#c.query(
      'INSERT INTO book_closures (authority_id, book_type, year, numbers_used, issued, voided, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [c.authorityId, c.bookType, c.year, c.numbersUsed, c.issued, c.voided, c.closedAt],
    );
  }

  async requestById(id: string): Promise<StoredRequest | null> {
    const row = await this.#one<RequestRow>('SELECT * FROM requests WHERE id = $1', [id]);
    return row ? toRequest(row) : null;
  }

  async requestByKey(authorityId: string, key: string): Promise<StoredRequest | null> {
    const row = await this.#one<RequestRow>('SELECT * FROM requests WHERE authority_id = $1 AND idempotency_key = $2', [
      authorityId,
      key,
    ]);
    return row ? toRequest(row) : null;
  }

  async pendingRequestIds(authorityId?: string): Promise<string[]> {
    const rows =
      authorityId === undefined
        ? await this.#all<{ id: string }>("SELECT id FROM requests WHERE state = 'pending' ORDER BY created_at, id")
        : await this.#all<{ id: string }>(
            "SELECT id FROM requests WHERE state = 'pending' AND authority_id = $1 ORDER BY created_at, id",
            [authorityId],
          );
    return rows.map((r) => r.id);
  }

  async reportRequestIds(from: string, to: string, authorityId?: string): Promise<string[]> {
    const args: unknown[] = [to, from];
    let sql = `SELECT id FROM requests WHERE created_at < $1 AND (created_at >= $2 OR completed_at >= $2 OR delivered_at >= $2 OR state = 'pending')`;
    if (authorityId !== undefined) (sql += ' AND authority_id = $3'), args.push(authorityId);
    return (await this.#all<{ id: string }>(`${sql} ORDER BY created_at, id`, args)).map((r) => r.id);
  }

  async insertRequest(r: StoredRequest): Promise<void> {
    try {
      await this.#c.query(
        `INSERT INTO requests (id, authority_id, idempotency_key, fingerprint, kind, state, requester, certifier,
           fee_total, fee, fee_receipt_no, delivery_channel, delivery_address, refusal_code, refusal_text, refusal_document,
           void_reason, created_at, completed_at, received_at, due_at, extension, payment_channel, delivered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
        requestValues(r),
      );
    } catch (e) {
      if ((e as { code?: string }).code === '23505' && (e as { constraint?: string }).constraint === 'requests_key')
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
      extension: 'extension',
    } as const;
    const keys = (Object.keys(set) as (keyof typeof columns)[]).filter((k) => set[k] !== undefined);
    if (keys.length === 0) return;
    const value = (k: keyof typeof columns) =>
      k === 'extension' ? (set.extension ? JSON.stringify(set.extension) : null) : set[k];
    await this.#c.query(
      `UPDATE requests SET ${keys.map((k, i) => `${columns[k]} = $${i + 1}`).join(', ')} WHERE id = $${keys.length + 1}`,
      [...keys.map(value), id],
    );
  }

  async insertExtension(requestId: string, r: ExtensionRecord): Promise<void> {
    await this.#c.query(
      'INSERT INTO request_extensions (request_id, agreed_at, working_days, reason, written_agreement, due_before, due_after) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [requestId, r.agreedAt, r.workingDays, r.reason, r.writtenAgreement, r.dueBefore, r.dueAfter],
    );
  }

  async deadlineFacts(requestIds: readonly string[]): Promise<Map<string, RequestDeadlineFacts>> {
    const rows = await this.#all<{
      id: string;
      state: StoredRequest['state'];
      due_at: Date | null;
      completed_at: Date | null;
      delivered_at: Date | null;
      e: boolean;
    }>(
      `SELECT r.id, r.state, r.due_at, r.completed_at, r.delivered_at,
         EXISTS (SELECT 1 FROM entries x WHERE x.request_id = r.id AND x.electronic_copy) AS e
       FROM requests r WHERE r.id = ANY($1::text[])`,
      [requestIds],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          state: r.state,
          dueAt: isoOrNull(r.due_at),
          completedAt: isoOrNull(r.completed_at),
          deliveredAt: isoOrNull(r.delivered_at),
          hasElectronicCopy: r.e,
        },
      ]),
    );
  }

  async extensions(requestId: string): Promise<ExtensionRecord[]> {
    const rows = await this.#all<{
      agreed_at: Date;
      working_days: number;
      reason: string;
      written_agreement: boolean;
      due_before: Date;
      due_after: Date;
    }>('SELECT * FROM request_extensions WHERE request_id = $1 ORDER BY id', [requestId]);
    return rows.map((r) => ({
      agreedAt: r.agreed_at.toISOString(),
      workingDays: r.working_days,
      reason: r.reason,
      writtenAgreement: r.written_agreement,
      dueBefore: r.due_before.toISOString(),
      dueAfter: r.due_after.toISOString(),
    }));
  }

  async insertEntry(e: NewEntry): Promise<number> {
    const row = await this.#one<{ id: number }>(
      `INSERT INTO entries (request_id, original_index, authority_id, book_id, book_type, year, volume, seq_no, certification_number,
         certified_at, requester_name, requester_folded, document_name, original_pages, paper_copies, electronic_copy, fee_amount,
         certifier_name, certifier_title, certifier_basis, certifier_basis_ref, delivery_channel, state, notes, vneid_data_used)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, 'pending', $23, $24)
       RETURNING id`,
      [
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
        foldName(e.requesterName),
        e.documentName,
        e.originalPages,
        e.paperCopies,
        e.electronicCopy,
        e.fee,
        e.certifier.name,
        e.certifier.title ?? null,
        e.certifier.basis,
        e.certifier.basisReference ?? null,
        e.deliveryChannel,
        e.notes,
        e.vneidDataUsed,
      ],
    );
    return row!.id;
  }

  async issueEntry(entryId: number, sha256: string | null, evidence: SigningEvidence | null): Promise<void> {
    await this.#c.query("UPDATE entries SET state = 'issued', ecopy_sha256 = $1, signing_evidence = $2 WHERE id = $3", [
      sha256,
      evidence ? JSON.stringify(evidence) : null,
      entryId,
    ]);
  }

  async voidEntries(requestId: string, reason: string): Promise<void> {
    await this.#c.query("UPDATE entries SET state = 'void', void_reason = $1 WHERE request_id = $2", [
      reason,
      requestId,
    ]);
  }

  async storeECopy(entryId: number, sha256: string, bytes: Uint8Array, at: string): Promise<void> {
    await this.#c.query('INSERT INTO ecopies (entry_id, sha256, bytes, stored_at) VALUES ($1, $2, $3, $4)', [
      entryId,
      sha256,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      at,
    ]);
  }

  async entriesOf(requestId: string): Promise<RegisterEntry[]> {
    return (
      await this.#all<EntryRow>('SELECT * FROM entries WHERE request_id = $1 ORDER BY original_index', [requestId])
    ).map(toEntry);
  }

  async entry(key: EntryKey): Promise<RegisterEntry | null> {
    const row = await this.#one<EntryRow>(
      'SELECT * FROM entries WHERE authority_id = $1 AND book_type = $2 AND year = $3 AND seq_no = $4',
      [key.authorityId, key.bookType, key.year, key.seqNo],
    );
    return row ? toEntry(row) : null;
  }

  async entryById(id: number): Promise<RegisterEntry | null> {
    const row = await this.#one<EntryRow>('SELECT * FROM entries WHERE id = $1', [id]);
    return row ? toEntry(row) : null;
  }

  async entriesByECopyHash(sha256: string): Promise<RegisterEntry[]> {
    return (await this.#all<EntryRow>('SELECT * FROM entries WHERE ecopy_sha256 = $1 ORDER BY id', [sha256])).map(
      toEntry,
    );
  }

  async listEntries(filter: {
    authorityId: string;
    bookType?: string;
    year?: number;
    state?: EntryState;
  }): Promise<RegisterEntry[]> {
    const args: unknown[] = [filter.authorityId];
    const where = ['authority_id = $1'];
    if (filter.bookType !== undefined) args.push(filter.bookType), where.push(`book_type = $${args.length}`);
    if (filter.year !== undefined) args.push(filter.year), where.push(`year = $${args.length}`);
    if (filter.state !== undefined) args.push(filter.state), where.push(`state = $${args.length}`);
    return (
      await this.#all<EntryRow>(
        `SELECT * FROM entries WHERE ${where.join(' AND ')} ORDER BY year, book_type, seq_no`,
        args,
      )
    ).map(toEntry);
  }

  async searchEntries(search: EntrySearch, limit: number): Promise<RegisterEntry[]> {
    const { where, args } = entryConditions(search, {
      param: NUMBERED,
      requesterContains: (p) => `strpos(requester_folded, ${p}) > 0`,
    });
    args.push(limit);
    const sql = `SELECT * FROM entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY authority_id, book_type, year, seq_no LIMIT $${args.length}`;
    return (await this.#all<EntryRow>(sql, args)).map(toEntry);
  }

  async ecopy(entryId: number): Promise<Uint8Array | null> {
    const row = await this.#one<{ bytes: Buffer }>('SELECT bytes FROM ecopies WHERE entry_id = $1', [entryId]);
    return row ? new Uint8Array(row.bytes) : null;
  }
}
