/**
 * The embedded register: one SQLite file (better-sqlite3, WAL, synchronous=FULL, a busy timeout). Every write is
 * one `BEGIN IMMEDIATE` transaction, so allocation and the entry insert commit together or not at all, and several
 * processes on one file queue for the write lock instead of reading the same "next number". The unique index on
 * (authority, book type, year, sequence) makes a duplicate impossible even if that reasoning were wrong.
 *
 * better-sqlite3 is loaded when a register is opened, not when @kyso/core is imported: a user who only signs or
 * verifies never needs the native module.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { computeDueTime, type DeadlinePolicy, type Extension } from '../../deadlines/due-time.js';
import { planLaterExtension, type ExtensionRecord } from '../../deadlines/later-extension.js';
import { requestDeadline, type EntryDeadline } from '../entry-deadline.js';
import { WorkingCalendar, type WorkingCalendarConfig } from '../../deadlines/working-calendar.js';
import type { FeeQuote } from '../../fees/compute-fee.js';
import { DEFAULT_NUMBER_TEMPLATE, formatCertificationNumber, type CertificationNumberTemplate } from '../certification-number.js';
import { RegisterError } from '../errors.js';
import { refusalFingerprint, reserveFingerprint } from '../fingerprint.js';
import { REFUSAL_GROUNDS, REFUSAL_LEGAL_BASIS, type RefusalCode } from '../refusal-grounds.js';
import type {
  Authority,
  AuthorityInput,
  Book,
  BookClosure,
  CertificationRegister,
  CertificationRequestRecord,
  CompleteInput,
  DeliveryChannel,
  DeliveryInput,
  LaterExtensionInput,
  EntryKey,
  EntryPage,
  EntryPageRequest,
  EntryQuery,
  PaymentChannel,
  EntryState,
  RefusalInput,
  RegisterEntry,
  SigningEvidence,
  Reservation,
  ReserveInput,
} from '../types.js';
import {
  checkAuthorityInput,
  checkCompleteInput,
  checkInstant,
  checkKey,
  checkRefusalCode,
  checkRefusalInput,
  checkReserveInput,
} from '../validate-input.js';
import { vietnamYear } from '../vietnam-calendar.js';
import { applyMigrations } from './migrate.js';
import { checkYear, decodeCursor, encodeCursor, entryWhere, pageLimit, registerFunctions } from './entry-query.js';

type Db = BetterSqlite3.Database;

export interface SqliteRegisterOptions {
  /** The register's clock (default `() => new Date()`): the certification time and the numbering year come from it. */
  clock?: () => Date;
  /** How long a writer waits for another process's transaction, in ms (default 15 000). */
  busyTimeoutMs?: number;
  /** How numbers are written (default `{seq} quyển số {volume2}/{year} {book}`). */
  numberTemplate?: CertificationNumberTemplate;
  /** The working-day calendar and the deadline policy the due times are computed with (default: Vietnam's, 15:00). */
  deadlines?: { calendar?: WorkingCalendar | WorkingCalendarConfig; policy?: Partial<DeadlinePolicy> };
}

const requireCjs = createRequire(import.meta.url);

function loadDriver(): typeof BetterSqlite3 {
  try {
    return requireCjs('better-sqlite3') as typeof BetterSqlite3;
  } catch (e) {
    throw new RegisterError('REGISTER_UNAVAILABLE', { reason: (e as { code?: string }).code ?? 'load-failed' });
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

interface RequestRow {
  id: string;
  authority_id: string;
  idempotency_key: string;
  fingerprint: string;
  kind: 'certification' | 'refusal';
  state: CertificationRequestRecord['state'];
  requester_json: string;
  certifier_json: string;
  fee_total: number | null;
  fee_json: string | null;
  fee_receipt_no: string | null;
  delivery_channel: DeliveryChannel | null;
  delivery_address: string | null;
  refusal_code: RefusalCode | null;
  refusal_text: string | null;
  refusal_document: string | null;
  void_reason: string | null;
  created_at: string;
  completed_at: string | null;
  received_at: string | null;
  due_at: string | null;
  extension_json: string | null;
  payment_channel: PaymentChannel | null;
  delivered_at: string | null;
}

interface EntryRow {
  id: number;
  request_id: string;
  original_index: number;
  authority_id: string;
  book_type: string;
  year: number;
  volume: number;
  seq_no: number;
  certification_number: string;
  certified_at: string;
  requester_name: string;
  document_name: string;
  original_pages: number;
  paper_copies: number;
  electronic_copy: number;
  fee_amount: number;
  certifier_name: string;
  certifier_title: string | null;
  certifier_basis: RegisterEntry['certifier']['basis'];
  certifier_basis_ref: string | null;
  ecopy_sha256: string | null;
  signing_evidence_json: string | null;
  delivery_channel: DeliveryChannel | null;
  state: EntryState;
  void_reason: string | null;
  notes: string | null;
  vneid_data_used: number;
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

export class SqliteRegister implements CertificationRegister {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #template: CertificationNumberTemplate;
  readonly #calendar: WorkingCalendar;
  readonly #deadlinePolicy: Partial<DeadlinePolicy> | undefined;

  constructor(db: Db, options: SqliteRegisterOptions = {}) {
    this.#db = db;
    this.#clock = options.clock ?? (() => new Date());
    this.#template = options.numberTemplate ?? DEFAULT_NUMBER_TEMPLATE;
    const cal = options.deadlines?.calendar;
    this.#calendar = cal instanceof WorkingCalendar ? cal : new WorkingCalendar(cal);
    this.#deadlinePolicy = options.deadlines?.policy;
  }

  /** The schema version of the open file. */
  schemaVersion(): number {
    return this.#read(() => (this.#db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number }).v);
  }

  async upsertAuthority(input: AuthorityInput): Promise<Authority> {
    checkAuthorityInput(input);
    const bookTypes = [...new Set(input.bookTypes ?? ['SCT/BS'])];
    const eBook = input.electronicBookType ?? null;
    if (eBook && !bookTypes.includes(eBook)) bookTypes.push(eBook);
    return this.#write(() => {
      const now = this.#now().toISOString();
      this.#db
        .prepare(
          `INSERT INTO authorities (id, name, book_types, electronic_book_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, book_types = excluded.book_types,
             electronic_book_type = excluded.electronic_book_type, updated_at = excluded.updated_at`,
        )
        .run(input.id, input.name, JSON.stringify(bookTypes), eBook, now, now);
      return this.#authority(input.id)!;
    });
  }

  async getAuthority(id: string): Promise<Authority | null> {
    return this.#read(() => this.#authority(id));
  }

  async listAuthorities(): Promise<Authority[]> {
    return this.#read(() => (this.#db.prepare('SELECT id FROM authorities ORDER BY id').all() as { id: string }[]).map((r) => this.#authority(r.id)!));
  }

  async openVolume(authorityId: string, bookType: string, year: number): Promise<Book> {
    checkYear(year);
    return this.#write(() => {
      this.#requireBookType(this.#requireAuthority(authorityId), bookType);
      // A closed year stays closed: a new volume would reopen it.
      if (this.#closure(authorityId, bookType, year)) throw new RegisterError('REGISTER_BOOK_CLOSED', { authorityId, bookType, year });
      const now = this.#now().toISOString();
      const last = this.#lastVolume(authorityId, bookType, year);
      if (last && !last.closed_at) this.#db.prepare('UPDATE books SET closed_at = ? WHERE id = ?').run(now, last.id);
      const volume = (last?.volume ?? 0) + 1;
      this.#insertVolume(authorityId, bookType, year, volume, now);
      return toBook(this.#lastVolume(authorityId, bookType, year)!);
    });
  }

  async closeBook(authorityId: string, bookType: string, year: number): Promise<{ entries: number; closure: BookClosure; books: Book[] }> {
    checkYear(year);
    return this.#write(() => {
      this.#requireBookType(this.#requireAuthority(authorityId), bookType);
      const booksOf = () =>
        (this.#db.prepare('SELECT * FROM books WHERE authority_id = ? AND book_type = ? AND year = ? ORDER BY volume').all(authorityId, bookType, year) as BookRow[]).map(toBook);
      const recorded = this.#closure(authorityId, bookType, year);
      if (recorded) return { entries: recorded.numbersUsed, closure: recorded, books: booksOf() };
      const counts = this.#db
        .prepare(
          `SELECT COUNT(*) AS n, COALESCE(MAX(seq_no), 0) AS top, COALESCE(SUM(state = 'pending'), 0) AS pending,
             COALESCE(SUM(state = 'issued'), 0) AS issued, COALESCE(SUM(state = 'void'), 0) AS voided
           FROM entries WHERE authority_id = ? AND book_type = ? AND year = ?`,
        )
        .get(authorityId, bookType, year) as { n: number; top: number; pending: number; issued: number; voided: number };
      // A pending number is neither used nor abandoned yet: the closing count would be wrong either way.
      if (counts.pending > 0) throw new RegisterError('REGISTER_BOOK_PENDING', { authorityId, bookType, year, pending: counts.pending });
      // Numbers are written without gaps, so the count of entries is the highest number; a difference is a damaged book.
      if (counts.top !== counts.n) throw new RegisterError('REGISTER_STORAGE', { authorityId, bookType, year }, `${counts.n} entries but number ${counts.top}`);
      const now = this.#now().toISOString();
      if (!this.#lastVolume(authorityId, bookType, year)) {
        // A year without certifications still gets a (closed) book, so that the closing is on record.
        this.#insertVolume(authorityId, bookType, year, 1, now);
      }
      this.#db.prepare('UPDATE books SET closed_at = ? WHERE authority_id = ? AND book_type = ? AND year = ? AND closed_at IS NULL').run(now, authorityId, bookType, year);
      this.#db
        .prepare('INSERT INTO book_closures (authority_id, book_type, year, numbers_used, issued, voided, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(authorityId, bookType, year, counts.n, counts.issued, counts.voided, now);
      return { entries: counts.n, closure: this.#closure(authorityId, bookType, year)!, books: booksOf() };
    });
  }

  async getBookClosure(authorityId: string, bookType: string, year: number): Promise<BookClosure | null> {
    return this.#read(() => this.#closure(authorityId, bookType, year));
  }

  async listBooks(authorityId: string, year?: number): Promise<Book[]> {
    return this.#read(() => {
      const rows =
        year === undefined
          ? this.#db.prepare('SELECT * FROM books WHERE authority_id = ? ORDER BY year, book_type, volume').all(authorityId)
          : this.#db.prepare('SELECT * FROM books WHERE authority_id = ? AND year = ? ORDER BY book_type, volume').all(authorityId, year);
      return (rows as BookRow[]).map(toBook);
    });
  }

  async reserve(input: ReserveInput): Promise<Reservation> {
    checkReserveInput(input);
    const fingerprint = reserveFingerprint(input);
    const perOriginalFee = input.originals.map(() => 0);
    for (const line of input.fee.lines) {
      if (line.original === undefined) continue;
      // fee lines count originals from 1
      if (!Number.isInteger(line.original) || line.original < 1 || line.original > input.originals.length) {
        throw new RegisterError('REGISTER_BAD_INPUT', { field: 'fee.lines' }, 'a fee line names an original the request does not have');
      }
      perOriginalFee[line.original - 1] += line.amount;
    }
    // The receipt and due time are fixed at the first reservation (a retry keeps them, like the fee).
    const received = checkInstant(input.receivedAt, 'receivedAt', this.#now());
    const due = computeDueTime(received, { calendar: this.#calendar, policy: this.#deadlinePolicy, extension: input.extension ?? null });
    return this.#write(() => {
      const existing = this.#requestRowByKey(input.authorityId, input.idempotencyKey);
      if (existing) return { request: this.#resumable(existing, fingerprint, 'certification'), resumed: true };
      const authority = this.#requireAuthority(input.authorityId);
      const bookTypes = input.originals.map((o) => {
        const t = o.bookType ?? (o.paperCopies === 0 && o.electronicCopy && authority.electronicBookType ? authority.electronicBookType : authority.bookTypes[0]);
        this.#requireBookType(authority, t);
        return t;
      });
      const now = this.#now();
      const at = now.toISOString();
      const year = vietnamYear(now);
      const id = randomUUID();
      this.#db
        .prepare(
          `INSERT INTO requests (id, authority_id, idempotency_key, fingerprint, kind, state, requester_json, certifier_json,
             fee_total, fee_json, fee_receipt_no, delivery_channel, delivery_address, created_at,
             received_at, due_at, extension_json, payment_channel)
           VALUES (?, ?, ?, ?, 'certification', 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.authorityId,
          input.idempotencyKey,
          fingerprint,
          JSON.stringify(input.requester),
          JSON.stringify(input.certifier),
          input.fee.total,
          JSON.stringify(input.fee),
          input.feeReceiptNo ?? null,
          input.delivery?.channel ?? null,
          input.delivery?.address ?? null,
          at,
          due.receivedAt,
          due.dueAt,
          due.extension ? JSON.stringify(due.extension) : null,
          input.paymentChannel ?? null,
        );
      const insert = this.#db.prepare(
        `INSERT INTO entries (request_id, original_index, authority_id, book_id, book_type, year, volume, seq_no, certification_number,
           certified_at, requester_name, document_name, original_pages, paper_copies, electronic_copy, fee_amount,
           certifier_name, certifier_title, certifier_basis, certifier_basis_ref, delivery_channel, state, notes, vneid_data_used)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      );
      input.originals.forEach((o, i) => {
        const book = this.#currentVolume(input.authorityId, bookTypes[i], year, at);
        const seqNo = this.#nextSeq(input.authorityId, bookTypes[i], year);
        const number = formatCertificationNumber({ seqNo, volume: book.volume, year, bookType: bookTypes[i] }, this.#template);
        insert.run(
          id,
          i,
          input.authorityId,
          book.id,
          bookTypes[i],
          year,
          book.volume,
          seqNo,
          number,
          at,
          input.requester.name,
          o.documentName,
          o.pages,
          o.paperCopies,
          o.electronicCopy ? 1 : 0,
          perOriginalFee[i],
          input.certifier.name,
          input.certifier.title ?? null,
          input.certifier.basis,
          input.certifier.basisReference ?? null,
          o.electronicCopy ? (input.delivery?.channel ?? null) : null,
          o.notes ?? null,
          o.vneidDataUsed ? 1 : 0,
        );
      });
      return { request: this.#request(id)!, resumed: false };
    });
  }

  async complete(requestId: string, input: CompleteInput): Promise<CertificationRequestRecord> {
    checkCompleteInput(input);
    return this.#write(() => {
      const row = this.#requestRow(requestId);
      if (!row || row.kind !== 'certification') throw new RegisterError('REGISTER_NOT_FOUND', { requestId });
      const entries = this.#entryRows(requestId);
      const given = new Map<number, CompleteInput['eCopies'][number]>();
      for (const e of input.eCopies) {
        if (given.has(e.entryId)) throw new RegisterError('REGISTER_ECOPY_MISMATCH', { entryId: e.entryId }, 'the same entry twice');
        given.set(e.entryId, e);
      }
      for (const id of given.keys()) {
        if (!entries.some((e) => e.id === id)) throw new RegisterError('REGISTER_ECOPY_MISMATCH', { requestId, entryId: id }, 'the entry is not part of this request');
      }
      for (const e of entries) {
        const g = given.get(e.id);
        if (e.electronic_copy && !g) throw new RegisterError('REGISTER_ECOPY_MISMATCH', { entryId: e.id }, 'the e-copy hash of an entry is missing');
        if (!e.electronic_copy && g) throw new RegisterError('REGISTER_ECOPY_MISMATCH', { entryId: e.id }, 'this entry has no electronic copy');
        if (g?.pdf && createHash('sha256').update(g.pdf).digest('hex') !== g.sha256) {
          throw new RegisterError('REGISTER_ECOPY_MISMATCH', { entryId: e.id }, 'the stored bytes do not have the given SHA-256');
        }
      }
      if (row.state === 'issued') {
        // A repeated completion (a retry after a crash between commit and reply) is a no-op if it says the same.
        const same = entries.every((e) => (given.get(e.id)?.sha256 ?? null) === e.ecopy_sha256);
        if (!same) throw new RegisterError('REGISTER_NOT_PENDING', { requestId, state: row.state }, 'already issued with other e-copies');
        return this.#request(requestId)!;
      }
      if (row.state !== 'pending') throw new RegisterError('REGISTER_NOT_PENDING', { requestId, state: row.state });
      const now = this.#now().toISOString();
      const setEntry = this.#db.prepare("UPDATE entries SET state = 'issued', ecopy_sha256 = ?, signing_evidence_json = ? WHERE id = ?");
      const store = this.#db.prepare('INSERT INTO ecopies (entry_id, sha256, bytes, stored_at) VALUES (?, ?, ?, ?)');
      for (const e of entries) {
        const g = given.get(e.id);
        setEntry.run(g?.sha256 ?? null, g?.evidence ? JSON.stringify(g.evidence) : null, e.id);
        if (g?.pdf) store.run(e.id, g.sha256, Buffer.from(g.pdf.buffer, g.pdf.byteOffset, g.pdf.byteLength), now);
      }
      this.#db.prepare("UPDATE requests SET state = 'issued', completed_at = ? WHERE id = ?").run(now, requestId);
      return this.#request(requestId)!;
    });
  }

  async voidPending(requestId: string, reason: string): Promise<CertificationRequestRecord> {
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 2_000) {
      throw new RegisterError('REGISTER_BAD_INPUT', { field: 'reason' }, 'a reason is required to void a pending request');
    }
    return this.#write(() => {
      const row = this.#requestRow(requestId);
      if (!row || row.kind !== 'certification') throw new RegisterError('REGISTER_NOT_FOUND', { requestId });
      if (row.state !== 'pending') throw new RegisterError('REGISTER_NOT_PENDING', { requestId, state: row.state });
      const now = this.#now().toISOString();
      this.#db.prepare("UPDATE entries SET state = 'void', void_reason = ? WHERE request_id = ?").run(reason, requestId);
      this.#db.prepare("UPDATE requests SET state = 'void', void_reason = ?, completed_at = ? WHERE id = ?").run(reason, now, requestId);
      return this.#request(requestId)!;
    });
  }

  async recordRefusal(input: RefusalInput): Promise<{ request: CertificationRequestRecord; resumed: boolean }> {
    checkRefusalInput(input);
    checkRefusalCode(input.code);
    const fingerprint = refusalFingerprint(input);
    const received = checkInstant(input.receivedAt, 'receivedAt', this.#now());
    return this.#write(() => {
      const existing = this.#requestRowByKey(input.authorityId, input.idempotencyKey);
      if (existing) return { request: this.#resumable(existing, fingerprint, 'refusal'), resumed: true };
      this.#requireAuthority(input.authorityId);
      const id = randomUUID();
      this.#db
        .prepare(
          `INSERT INTO requests (id, authority_id, idempotency_key, fingerprint, kind, state, requester_json, certifier_json,
             refusal_code, refusal_text, refusal_document, created_at, completed_at, received_at)
           VALUES (?, ?, ?, ?, 'refusal', 'refused', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.authorityId,
          input.idempotencyKey,
          fingerprint,
          JSON.stringify(input.requester),
          JSON.stringify(input.certifier),
          input.code,
          input.text ?? null,
          input.documentName,
          this.#now().toISOString(),
          this.#now().toISOString(),
          received.toISOString(),
        );
      return { request: this.#request(id)!, resumed: false };
    });
  }

  async recordDelivery(requestId: string, input: DeliveryInput = {}): Promise<CertificationRequestRecord> {
    if (!input || typeof input !== 'object') throw new RegisterError('REGISTER_BAD_INPUT', { field: 'input' }, 'input: an object');
    const now = this.#now();
    return this.#write(() => {
      const row = this.#requestRow(requestId);
      if (!row || row.kind !== 'certification') throw new RegisterError('REGISTER_NOT_FOUND', { requestId });
      if (row.state !== 'issued') throw new RegisterError('REGISTER_NOT_ISSUED', { requestId, state: row.state });
      if (!this.#entryRows(requestId).some((e) => e.electronic_copy === 1)) {
        throw new RegisterError('REGISTER_BAD_INPUT', { field: 'requestId', requestId }, 'the request has no electronic copy to deliver');
      }
      if (row.delivered_at) return this.#request(requestId)!; // delivered once: the first time stands
      const at = checkInstant(input.at, 'at', now, row.completed_at ?? row.created_at);
      this.#db.prepare('UPDATE requests SET delivered_at = ? WHERE id = ?').run(at.toISOString(), requestId);
      return this.#request(requestId)!;
    });
  }

  async extendDeadline(requestId: string, input: LaterExtensionInput): Promise<CertificationRequestRecord> {
    if (!input || typeof input !== 'object') throw new RegisterError('REGISTER_BAD_INPUT', { field: 'input' }, 'input: an object');
    const now = this.#now();
    return this.#write(() => {
      const row = this.#requestRow(requestId);
      if (!row || row.kind !== 'certification') throw new RegisterError('REGISTER_NOT_FOUND', { requestId });
      const current = this.#request(requestId)!;
      const at = checkInstant(input.at, 'at', now, row.received_at ?? row.created_at);
      const plan = planLaterExtension(current, input.extension, at, { calendar: this.#calendar, policy: this.#deadlinePolicy });
      this.#db.prepare('UPDATE requests SET due_at = ?, extension_json = ? WHERE id = ?').run(plan.due.dueAt, JSON.stringify(plan.total), requestId);
      const r = plan.record;
      this.#db
        .prepare('INSERT INTO request_extensions (request_id, agreed_at, working_days, reason, written_agreement, due_before, due_after) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(requestId, r.agreedAt, r.workingDays, r.reason, r.writtenAgreement ? 1 : 0, r.dueBefore, r.dueAfter);
      return this.#request(requestId)!;
    });
  }

  async listExtensions(requestId: string): Promise<ExtensionRecord[]> {
    return this.#read(() =>
      (
        this.#db.prepare('SELECT * FROM request_extensions WHERE request_id = ? ORDER BY id').all(requestId) as {
          agreed_at: string;
          working_days: number;
          reason: string;
          written_agreement: number;
          due_before: string;
          due_after: string;
        }[]
      ).map((r) => ({ agreedAt: r.agreed_at, workingDays: r.working_days, reason: r.reason, writtenAgreement: r.written_agreement === 1, dueBefore: r.due_before, dueAfter: r.due_after })),
    );
  }

  async requestsForReport(filter: { from: string; to: string; authorityId?: string }): Promise<CertificationRequestRecord[]> {
    const from = isoInstant(filter?.from, 'from');
    const to = isoInstant(filter?.to, 'to');
    return this.#read(() => {
      const args: unknown[] = [to, from, from, from];
      let sql = `SELECT id FROM requests WHERE created_at < ? AND (created_at >= ? OR completed_at >= ? OR delivered_at >= ? OR state = 'pending')`;
      if (filter.authorityId !== undefined) (sql += ' AND authority_id = ?'), args.push(filter.authorityId);
      const rows = this.#db.prepare(`${sql} ORDER BY created_at, id`).all(...args) as { id: string }[];
      return rows.map((r) => this.#request(r.id)!);
    });
  }

  async getRequest(requestId: string): Promise<CertificationRequestRecord | null> {
    return this.#read(() => this.#request(requestId));
  }

  async findRequestByKey(authorityId: string, idempotencyKey: string): Promise<CertificationRequestRecord | null> {
    checkKey(idempotencyKey);
    return this.#read(() => {
      const row = this.#requestRowByKey(authorityId, idempotencyKey);
      return row ? this.#request(row.id) : null;
    });
  }

  async findEntry(key: EntryKey): Promise<RegisterEntry | null> {
    return this.#read(() => {
      const row = this.#db
        .prepare('SELECT * FROM entries WHERE authority_id = ? AND book_type = ? AND year = ? AND seq_no = ?')
        .get(key.authorityId, key.bookType, key.year, key.seqNo) as EntryRow | undefined;
      return row ? this.#flag([toEntry(row)])[0] : null;
    });
  }

  async findEntriesByECopyHash(sha256: string): Promise<RegisterEntry[]> {
    const h = String(sha256).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(h)) throw new RegisterError('REGISTER_BAD_INPUT', { field: 'sha256' }, 'a hex SHA-256');
    return this.#read(() => this.#flag((this.#db.prepare('SELECT * FROM entries WHERE ecopy_sha256 = ? ORDER BY id').all(h) as EntryRow[]).map(toEntry)));
  }

  async listEntries(filter: { authorityId: string; bookType?: string; year?: number; state?: EntryState }): Promise<RegisterEntry[]> {
    return this.#read(() => {
      const where = ['authority_id = ?'];
      const args: unknown[] = [filter.authorityId];
      if (filter.bookType !== undefined) (where.push('book_type = ?'), args.push(filter.bookType));
      if (filter.year !== undefined) (where.push('year = ?'), args.push(filter.year));
      if (filter.state !== undefined) (where.push('state = ?'), args.push(filter.state));
      const rows = this.#db.prepare(`SELECT * FROM entries WHERE ${where.join(' AND ')} ORDER BY year, book_type, seq_no`).all(...args) as EntryRow[];
      return this.#flag(rows.map(toEntry));
    });
  }

  async searchEntries(query: EntryQuery, page: EntryPageRequest = {}): Promise<EntryPage> {
    const { where, args } = entryWhere(query);
    const limit = pageLimit(page.limit);
    if (page.after !== undefined) {
      const [a, b, y, n] = decodeCursor(page.after);
      where.push('(authority_id, book_type, year, seq_no) > (?, ?, ?, ?)');
      args.push(a, b, y, n);
    }
    return this.#read(() => {
      const sql = `SELECT * FROM entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY authority_id, book_type, year, seq_no LIMIT ?`;
      const rows = this.#db.prepare(sql).all(...args, limit + 1) as EntryRow[];
      const more = rows.length > limit;
      const entries = this.#flag(rows.slice(0, limit).map(toEntry));
      const last = entries[entries.length - 1];
      return { entries, nextCursor: more && last ? encodeCursor([last.authorityId, last.bookType, last.year, last.seqNo]) : null };
    });
  }

  async getEntry(entryId: number): Promise<RegisterEntry | null> {
    if (!Number.isSafeInteger(entryId)) throw new RegisterError('REGISTER_BAD_INPUT', { field: 'entryId' }, 'an integer');
    return this.#read(() => {
      const row = this.#db.prepare('SELECT * FROM entries WHERE id = ?').get(entryId) as EntryRow | undefined;
      return row ? this.#flag([toEntry(row)])[0] : null;
    });
  }

  async listPending(authorityId?: string): Promise<CertificationRequestRecord[]> {
    return this.#read(() => {
      const rows = (
        authorityId === undefined
          ? this.#db.prepare("SELECT id FROM requests WHERE state = 'pending' ORDER BY created_at").all()
          : this.#db.prepare("SELECT id FROM requests WHERE state = 'pending' AND authority_id = ? ORDER BY created_at").all(authorityId)
      ) as { id: string }[];
      return rows.map((r) => this.#request(r.id)!);
    });
  }

  async getECopy(entryId: number): Promise<Uint8Array | null> {
    return this.#read(() => {
      const row = this.#db.prepare('SELECT bytes FROM ecopies WHERE entry_id = ?').get(entryId) as { bytes: Buffer } | undefined;
      return row ? new Uint8Array(row.bytes) : null;
    });
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  // ------------------------------------------------------------------ internals

  #now(): Date {
    const d = this.#clock();
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new RegisterError('REGISTER_BAD_INPUT', { field: 'clock' }, 'the clock gave an invalid date');
    return d;
  }

  /** One BEGIN IMMEDIATE transaction; storage errors become typed errors. */
  #write<T>(fn: () => T): T {
    this.#ensureOpen();
    try {
      return this.#db.transaction(fn).immediate();
    } catch (e) {
      throw mapError(e);
    }
  }

  #read<T>(fn: () => T): T {
    this.#ensureOpen();
    try {
      return this.#db.transaction(fn).deferred();
    } catch (e) {
      throw mapError(e);
    }
  }

  #ensureOpen(): void {
    if (!this.#db.open) throw new RegisterError('REGISTER_CLOSED');
  }

  #authority(id: string): Authority | null {
    const row = this.#db.prepare('SELECT * FROM authorities WHERE id = ?').get(id) as AuthorityRow | undefined;
    return row
      ? { id: row.id, name: row.name, bookTypes: JSON.parse(row.book_types) as string[], electronicBookType: row.electronic_book_type, createdAt: row.created_at }
      : null;
  }

  #closure(authorityId: string, bookType: string, year: number): BookClosure | null {
    const r = this.#db.prepare('SELECT * FROM book_closures WHERE authority_id = ? AND book_type = ? AND year = ?').get(authorityId, bookType, year) as
      | { authority_id: string; book_type: string; year: number; numbers_used: number; issued: number; voided: number; closed_at: string }
      | undefined;
    return r
      ? { authorityId: r.authority_id, bookType: r.book_type, year: r.year, numbersUsed: r.numbers_used, issued: r.issued, voided: r.voided, closedAt: r.closed_at }
      : null;
  }

  #requireAuthority(id: string): Authority {
    const a = this.#authority(id);
    if (!a) throw new RegisterError('REGISTER_UNKNOWN_AUTHORITY', { authorityId: id });
    return a;
  }

  #requireBookType(a: Authority, bookType: string): void {
    if (!a.bookTypes.includes(bookType)) throw new RegisterError('REGISTER_UNKNOWN_BOOK', { authorityId: a.id, bookType, known: a.bookTypes });
  }

  #lastVolume(authorityId: string, bookType: string, year: number): BookRow | undefined {
    return this.#db
      .prepare('SELECT * FROM books WHERE authority_id = ? AND book_type = ? AND year = ? ORDER BY volume DESC LIMIT 1')
      .get(authorityId, bookType, year) as BookRow | undefined;
  }

  /** The open volume of the year's book, opening volume 1 on the year's first certification. */
  #currentVolume(authorityId: string, bookType: string, year: number, at: string): BookRow {
    const last = this.#lastVolume(authorityId, bookType, year);
    if (last && last.closed_at) throw new RegisterError('REGISTER_BOOK_CLOSED', { authorityId, bookType, year });
    if (last) return last;
    this.#insertVolume(authorityId, bookType, year, 1, at);
    return this.#lastVolume(authorityId, bookType, year)!;
  }

  #insertVolume(authorityId: string, bookType: string, year: number, volume: number, openedAt: string): void {
    this.#db.prepare('INSERT INTO books (authority_id, book_type, year, volume, opened_at) VALUES (?, ?, ?, ?, ?)').run(authorityId, bookType, year, volume, openedAt);
  }

  /** Only ever called inside a write transaction: the write lock makes MAX+1 safe across processes. */
  #nextSeq(authorityId: string, bookType: string, year: number): number {
    const r = this.#db.prepare('SELECT COALESCE(MAX(seq_no), 0) AS n FROM entries WHERE authority_id = ? AND book_type = ? AND year = ?').get(authorityId, bookType, year) as {
      n: number;
    };
    return r.n + 1;
  }

  /** Each entry's deadline, from its request's due and return times (read in the caller's transaction). */
  #flag(entries: RegisterEntry[]): RegisterEntry[] {
    if (entries.length === 0) return entries;
    const now = this.#now();
    const ids = [...new Set(entries.map((e) => e.requestId))];
    const byRequest = new Map<string, EntryDeadline>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.#db
        .prepare(
          `SELECT r.id, r.state, r.due_at, r.completed_at, r.delivered_at,
             EXISTS (SELECT 1 FROM entries x WHERE x.request_id = r.id AND x.electronic_copy = 1) AS e
           FROM requests r WHERE r.id IN (${chunk.map(() => '?').join(', ')})`,
        )
        .all(...chunk) as { id: string; state: RequestRow['state']; due_at: string | null; completed_at: string | null; delivered_at: string | null; e: number }[];
      for (const r of rows) {
        byRequest.set(r.id, requestDeadline({ state: r.state, dueAt: r.due_at, completedAt: r.completed_at, deliveredAt: r.delivered_at, hasElectronicCopy: r.e === 1 }, now));
      }
    }
    return entries.map((e) => {
      const deadline = byRequest.get(e.requestId);
      return deadline ? { ...e, deadline } : e;
    });
  }

  #requestRow(id: string): RequestRow | undefined {
    return this.#db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as RequestRow | undefined;
  }

  #requestRowByKey(authorityId: string, key: string): RequestRow | undefined {
    return this.#db.prepare('SELECT * FROM requests WHERE authority_id = ? AND idempotency_key = ?').get(authorityId, key) as RequestRow | undefined;
  }

  #resumable(row: RequestRow, fingerprint: string, kind: RequestRow['kind']): CertificationRequestRecord {
    if (row.kind !== kind || row.fingerprint !== fingerprint) {
      throw new RegisterError('REGISTER_IDEMPOTENCY_CONFLICT', { authorityId: row.authority_id, requestId: row.id, kind: row.kind });
    }
    return this.#request(row.id)!;
  }

  #entryRows(requestId: string): EntryRow[] {
    return this.#db.prepare('SELECT * FROM entries WHERE request_id = ? ORDER BY original_index').all(requestId) as EntryRow[];
  }

  #request(id: string): CertificationRequestRecord | null {
    const row = this.#requestRow(id);
    if (!row) return null;
    const code = row.refusal_code;
    const rows = this.#entryRows(id).map(toEntry);
    const flag = requestDeadline(
      { state: row.state, dueAt: row.due_at, completedAt: row.completed_at, deliveredAt: row.delivered_at, hasElectronicCopy: rows.some((e) => e.electronicCopy) },
      this.#now(),
    );
    const entries = rows.map((e) => ({ ...e, deadline: flag }));
    const returnedAt = flag.returnedAt;
    const deadline = flag.state;
    return {
      id: row.id,
      authorityId: row.authority_id,
      idempotencyKey: row.idempotency_key,
      kind: row.kind,
      state: row.state,
      requester: JSON.parse(row.requester_json),
      certifier: JSON.parse(row.certifier_json),
      fee: row.fee_json ? (JSON.parse(row.fee_json) as FeeQuote) : null,
      feeReceiptNo: row.fee_receipt_no,
      delivery: row.delivery_channel ? { channel: row.delivery_channel, ...(row.delivery_address ? { address: row.delivery_address } : {}) } : null,
      createdAt: row.created_at,
      completedAt: row.completed_at,
      receivedAt: row.received_at,
      dueAt: row.due_at,
      extension: row.extension_json ? (JSON.parse(row.extension_json) as Extension) : null,
      paymentChannel: row.payment_channel,
      deliveredAt: row.delivered_at,
      returnedAt,
      deadline,
      voidReason: row.void_reason,
      refusal: code
        ? { code, groundVi: REFUSAL_GROUNDS[code].vi, legalBasis: REFUSAL_LEGAL_BASIS, text: row.refusal_text, documentName: row.refusal_document ?? '' }
        : null,
      entries,
    };
  }
}

function isoInstant(v: unknown, field: string): string {
  const d = typeof v === 'string' ? new Date(v) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new RegisterError('REGISTER_BAD_INPUT', { field }, `${field}: an ISO 8601 time`);
  return d.toISOString();
}

function toBook(r: BookRow): Book {
  return { authorityId: r.authority_id, bookType: r.book_type, year: r.year, volume: r.volume, openedAt: r.opened_at, closedAt: r.closed_at };
}

function toEntry(r: EntryRow): RegisterEntry {
  return {
    id: r.id,
    requestId: r.request_id,
    originalIndex: r.original_index,
    authorityId: r.authority_id,
    bookType: r.book_type,
    year: r.year,
    volume: r.volume,
    seqNo: r.seq_no,
    certificationNumber: r.certification_number,
    certifiedAt: r.certified_at,
    requesterName: r.requester_name,
    documentName: r.document_name,
    originalPages: r.original_pages,
    paperCopies: r.paper_copies,
    electronicCopy: r.electronic_copy === 1,
    fee: r.fee_amount,
    certifier: {
      name: r.certifier_name,
      ...(r.certifier_title !== null ? { title: r.certifier_title } : {}),
      basis: r.certifier_basis,
      ...(r.certifier_basis_ref !== null ? { basisReference: r.certifier_basis_ref } : {}),
    },
    eCopySha256: r.ecopy_sha256,
    deliveryChannel: r.delivery_channel,
    state: r.state,
    voidReason: r.void_reason,
    notes: r.notes,
    vneidDataUsed: r.vneid_data_used === 1,
    signingEvidence: r.signing_evidence_json ? (JSON.parse(r.signing_evidence_json) as SigningEvidence) : null,
  };
}

function mapError(e: unknown): unknown {
  if (e instanceof RegisterError) return e;
  const code = (e as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new RegisterError('REGISTER_BUSY', { sqlite: code });
    return new RegisterError('REGISTER_STORAGE', { sqlite: code }, (e as Error).message);
  }
  return e;
}
