/**
 * The rules of the certification book (Decree 23/2015 Art. 13–14; docs/domain.md §6), once, for every store:
 *
 * - **Numbering.** Numbers run 1, 2, 3, … per authority, book type and Vietnam calendar year, continuing across
 *   volumes. The next number is the book's highest number + 1, taken under the book's lock in the same transaction
 *   that writes the entry: no gap (an entry is written for every number) and no duplicate (one writer per book at a
 *   time; the stores' unique index on the number would refuse a second one anyway).
 * - **Volumes.** The year's first certification opens volume 1; `openVolume` closes the current volume and opens the
 *   next; numbering continues. A closed year's book (`closeBook`) stays closed: no reservation, no new volume.
 * - **Which book.** An original goes into the book it names, else the authority's electronic book when it has one
 *   and the original is an e-copy alone, else the authority's first book. An unknown authority or book is refused.
 * - **Idempotency.** A request is known by (authority, idempotency key) and bound to its content's fingerprint: a
 *   retry with the same content resumes (the first numbers, fee, receipt and due time), other content under the same
 *   key is a conflict, never a second certification. When two writers race on one key, the store's unique index
 *   lets one win; the other retries and resumes the winner's request.
 * - **Two phases.** `reserve` writes pending entries; `complete` issues them with the e-copies' hashes (a repeat with
 *   the same hashes is a no-op); `voidPending` voids an abandoned request with a reason, its numbers kept.
 * - **Refusals** (Art. 22): a ground from the list, no number, no fee; idempotent by key like a reservation.
 * - **Closing** (Art. 13.1): refused while an entry of the book is pending; records the count of numbers used.
 * - **Deadlines** (Art. 7 and 21): the due time is fixed at the first reservation; an extension agreed later moves it
 *   within the limits (later-extension.ts), each one kept; every entry read carries its request's deadline flag.
 *
 * A store (store.ts) only keeps and finds rows. What is refused, and with which RegisterError code, is decided here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { computeDueTime, type DeadlinePolicy } from '../deadlines/due-time.js';
import { planLaterExtension, type ExtensionRecord } from '../deadlines/later-extension.js';
import { requestDeadline, type EntryDeadline } from './entry-deadline.js';
import { WorkingCalendar, type WorkingCalendarConfig } from '../deadlines/working-calendar.js';
import {
  DEFAULT_NUMBER_TEMPLATE,
  formatCertificationNumber,
  type CertificationNumberTemplate,
} from './certification-number.js';
import { MAX_SEQ, checkYear, encodeCursor, entrySearch, pageLimit } from './entry-query.js';
import { RegisterError } from './errors.js';
import { refusalFingerprint, reserveFingerprint } from './fingerprint.js';
import { REFUSAL_GROUNDS, REFUSAL_LEGAL_BASIS } from './refusal-grounds.js';
import {
  KeyTakenConflict,
  type RegisterReads,
  type RegisterStore,
  type RegisterWrites,
  type StoredBook,
  type StoredRequest,
} from './store.js';
import type {
  Authority,
  AuthorityInput,
  Book,
  BookClosure,
  CertificationRegister,
  CertificationRequestRecord,
  CompleteInput,
  DeliveryInput,
  LaterExtensionInput,
  EntryKey,
  EntryPage,
  EntryPageRequest,
  EntryQuery,
  EntryState,
  OriginalInput,
  RefusalInput,
  RegisterEntry,
  Reservation,
  ReserveInput,
} from './types.js';
import {
  checkAuthorityInput,
  checkCompleteInput,
  checkInstant,
  checkKey,
  checkRefusalCode,
  checkRefusalInput,
  checkReserveInput,
} from './validate-input.js';
import { vietnamYear } from './vietnam-calendar.js';

export interface RegisterRulesOptions {
  /** The register's clock (default `() => new Date()`): the certification time and the numbering year come from it. */
  clock?: () => Date;
  /** How numbers are written (default `{seq} quyển số {volume2}/{year} {book}`). */
  numberTemplate?: CertificationNumberTemplate;
  /** The working-day calendar and the deadline policy the due times are computed with (default: Vietnam's, 15:00). */
  deadlines?: { calendar?: WorkingCalendar | WorkingCalendarConfig; policy?: Partial<DeadlinePolicy> };
}

/** The book an original is numbered in (see the module comment). */
export function bookTypeFor(authority: Authority, original: OriginalInput): string {
  const t =
    original.bookType ??
    (original.paperCopies === 0 && original.electronicCopy && authority.electronicBookType
      ? authority.electronicBookType
      : authority.bookTypes[0]);
  requireBookType(authority, t);
  return t;
}

function requireBookType(a: Authority, bookType: string | undefined): asserts bookType is string {
  if (bookType === undefined || !a.bookTypes.includes(bookType))
    throw new RegisterError('REGISTER_UNKNOWN_BOOK', { authorityId: a.id, bookType, known: a.bookTypes });
}

async function requireAuthority(tx: RegisterReads, id: string): Promise<Authority> {
  const a = await tx.authority(id);
  if (!a) throw new RegisterError('REGISTER_UNKNOWN_AUTHORITY', { authorityId: id });
  return a;
}

/** Each original's share of the fee: fee lines count originals from 1. */
function feePerOriginal(input: ReserveInput): number[] {
  const shares = input.originals.map(() => 0);
  for (const line of input.fee.lines) {
    if (line.original === undefined) continue;
    if (!Number.isInteger(line.original) || line.original < 1 || line.original > input.originals.length) {
      throw new RegisterError(
        'REGISTER_BAD_INPUT',
        { field: 'fee.lines' },
        'a fee line names an original the request does not have',
      );
    }
    shares[line.original - 1] = (shares[line.original - 1] ?? 0) + line.amount;
  }
  return shares;
}

function isoInstant(v: unknown, field: string): string {
  const d = typeof v === 'string' ? new Date(v) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new RegisterError('REGISTER_BAD_INPUT', { field }, `${field}: an ISO 8601 time`);
  return d.toISOString();
}

/** The register's rules over a store. The SQLite and PostgreSQL registers are this class over their stores. */
export class RegisterBook implements CertificationRegister {
  readonly #store: RegisterStore;
  readonly #clock: () => Date;
  readonly #template: CertificationNumberTemplate;
  readonly #calendar: WorkingCalendar;
  readonly #deadlinePolicy: Partial<DeadlinePolicy> | undefined;

  constructor(store: RegisterStore, options: RegisterRulesOptions = {}) {
    this.#store = store;
    this.#clock = options.clock ?? (() => new Date());
    this.#template = options.numberTemplate ?? DEFAULT_NUMBER_TEMPLATE;
    const cal = options.deadlines?.calendar;
    this.#calendar = cal instanceof WorkingCalendar ? cal : new WorkingCalendar(cal);
    this.#deadlinePolicy = options.deadlines?.policy;
  }

  async upsertAuthority(input: AuthorityInput): Promise<Authority> {
    checkAuthorityInput(input);
    const bookTypes = [...new Set(input.bookTypes ?? ['SCT/BS'])];
    const eBook = input.electronicBookType ?? null;
    if (eBook && !bookTypes.includes(eBook)) bookTypes.push(eBook);
    return this.#store.write(async (tx) => {
      await tx.upsertAuthority(
        { id: input.id, name: input.name, bookTypes, electronicBookType: eBook },
        this.#now().toISOString(),
      );
      return (await tx.authority(input.id))!;
    });
  }

  async getAuthority(id: string): Promise<Authority | null> {
    return this.#store.read((tx) => tx.authority(id));
  }

  async listAuthorities(): Promise<Authority[]> {
    return this.#store.read((tx) => tx.authorities());
  }

  async openVolume(authorityId: string, bookType: string, year: number): Promise<Book> {
    checkYear(year);
    return this.#store.write(async (tx) => {
      requireBookType(await requireAuthority(tx, authorityId), bookType);
      await tx.lockBook(authorityId, bookType, year);
      // A closed year stays closed: a new volume would reopen it.
      if (await tx.closure(authorityId, bookType, year))
        throw new RegisterError('REGISTER_BOOK_CLOSED', { authorityId, bookType, year });
      const now = this.#now().toISOString();
      const last = (await tx.volumes(authorityId, bookType, year)).at(-1);
      if (last && !last.closedAt) await tx.closeVolumes(now, { id: last.id });
      return toBook(await tx.insertVolume(authorityId, bookType, year, (last?.volume ?? 0) + 1, now));
    });
  }

  async closeBook(
    authorityId: string,
    bookType: string,
    year: number,
  ): Promise<{ entries: number; closure: BookClosure; books: Book[] }> {
    checkYear(year);
    return this.#store.write(async (tx) => {
      requireBookType(await requireAuthority(tx, authorityId), bookType);
      await tx.lockBook(authorityId, bookType, year);
      const booksOf = async () => (await tx.volumes(authorityId, bookType, year)).map(toBook);
      const recorded = await tx.closure(authorityId, bookType, year);
      if (recorded) return { entries: recorded.numbersUsed, closure: recorded, books: await booksOf() };
      const counts = await tx.bookCounts(authorityId, bookType, year);
      // A pending number is neither used nor abandoned yet: the closing count would be wrong either way.
      if (counts.pending > 0)
        throw new RegisterError('REGISTER_BOOK_PENDING', { authorityId, bookType, year, pending: counts.pending });
      // Numbers are written without gaps, so the count of entries is the highest number; a difference is a damaged book.
      if (counts.top !== counts.entries)
        throw new RegisterError(
          'REGISTER_STORAGE',
          { authorityId, bookType, year },
          `${counts.entries} entries but number ${counts.top}`,
        );
      const now = this.#now().toISOString();
      // A year without certifications still gets a (closed) book, so that the closing is on record.
      if ((await tx.volumes(authorityId, bookType, year)).length === 0)
        await tx.insertVolume(authorityId, bookType, year, 1, now);
      await tx.closeVolumes(now, { authorityId, bookType, year });
      const closure: BookClosure = {
        authorityId,
        bookType,
        year,
        numbersUsed: counts.entries,
        issued: counts.issued,
        voided: counts.voided,
        closedAt: now,
      };
      await tx.insertClosure(closure);
      return {
        entries: counts.entries,
        closure: (await tx.closure(authorityId, bookType, year))!,
        books: await booksOf(),
      };
    });
  }

  async getBookClosure(authorityId: string, bookType: string, year: number): Promise<BookClosure | null> {
    return this.#store.read((tx) => tx.closure(authorityId, bookType, year));
  }

  async listBooks(authorityId: string, year?: number): Promise<Book[]> {
    return this.#store.read((tx) => tx.books(authorityId, year));
  }

  async reserve(input: ReserveInput): Promise<Reservation> {
    checkReserveInput(input);
    const fingerprint = reserveFingerprint(input);
    const perOriginalFee = feePerOriginal(input);
    // The receipt and due time are fixed at the first reservation (a retry keeps them, like the fee).
    const received = checkInstant(input.receivedAt, 'receivedAt', this.#now());
    const due = computeDueTime(received, {
      calendar: this.#calendar,
      policy: this.#deadlinePolicy,
      extension: input.extension ?? null,
    });
    return this.#writeByKey(async (tx) => {
      const existing = await tx.requestByKey(input.authorityId, input.idempotencyKey);
      if (existing)
        return { request: await this.#resumable(tx, existing, fingerprint, 'certification'), resumed: true };
      const authority = await requireAuthority(tx, input.authorityId);
      const bookTypes = input.originals.map((o) => bookTypeFor(authority, o));
      const now = this.#now();
      const at = now.toISOString();
      const year = vietnamYear(now);
      // Every book this request numbers in, locked in one order: two requests never wait on each other crosswise.
      for (const t of [...new Set(bookTypes)].sort()) await tx.lockBook(input.authorityId, t, year);
      const id = randomUUID();
      await tx.insertRequest({
        id,
        authorityId: input.authorityId,
        idempotencyKey: input.idempotencyKey,
        fingerprint,
        kind: 'certification',
        state: 'pending',
        requester: input.requester,
        certifier: input.certifier,
        fee: input.fee,
        feeReceiptNo: input.feeReceiptNo ?? null,
        deliveryChannel: input.delivery?.channel ?? null,
        deliveryAddress: input.delivery?.address ?? null,
        refusalCode: null,
        refusalText: null,
        refusalDocument: null,
        voidReason: null,
        createdAt: at,
        completedAt: null,
        receivedAt: due.receivedAt,
        dueAt: due.dueAt,
        extension: due.extension ?? null,
        paymentChannel: input.paymentChannel ?? null,
        deliveredAt: null,
      });
      for (const [i, o] of input.originals.entries()) {
        const bookType = bookTypes[i]!;
        const book = await this.#currentVolume(tx, input.authorityId, bookType, year, at);
        const seqNo = (await tx.lastSeq(input.authorityId, bookType, year)) + 1;
        await tx.insertEntry({
          requestId: id,
          originalIndex: i,
          authorityId: input.authorityId,
          bookId: book.id,
          bookType,
          year,
          volume: book.volume,
          seqNo,
          certificationNumber: formatCertificationNumber(
            { seqNo, volume: book.volume, year, bookType },
            this.#template,
          ),
          certifiedAt: at,
          requesterName: input.requester.name,
          documentName: o.documentName,
          originalPages: o.pages,
          paperCopies: o.paperCopies,
          electronicCopy: o.electronicCopy,
          fee: perOriginalFee[i] ?? 0,
          certifier: input.certifier,
          deliveryChannel: o.electronicCopy ? (input.delivery?.channel ?? null) : null,
          notes: o.notes ?? null,
          vneidDataUsed: o.vneidDataUsed === true,
        });
      }
      return { request: (await this.#request(tx, id))!, resumed: false };
    });
  }

  async complete(requestId: string, input: CompleteInput): Promise<CertificationRequestRecord> {
    checkCompleteInput(input);
    return this.#store.write(async (tx) => {
      const row = await tx.requestById(requestId);
      if (row?.kind !== 'certification') throw new RegisterError('REGISTER_NOT_FOUND', { requestId });
      const entries = await tx.entriesOf(requestId);
      const given = new Map<number, CompleteInput['eCopies'][number]>();
      for (const e of input.eCopies) {
        if (given.has(e.entryId))
          throw new RegisterError('REGISTER_ECOPY_MISMATCH', { entryId: e.entryId }, 'the same entry twice');
        given.set(e.entryId, e);
      }
      for (const id of given.keys()) {
        if (!entries.some((e) => e.id === id))
          throw new RegisterError(
            'REGISTER_ECOPY_MISMATCH',
            { requestId, entryId: id },
            'the entry is not part of this request',
          );
      }
      for (const e of entries) {
        const g = given.get(e.id);
        if (e.electronicCopy && !g)
          throw new RegisterError(
            'REGISTER_ECOPY_MISMATCH',
            { entryId: e.id },
            'the e-copy hash of an entry is missing',
          );
        if (!e.electronicCopy && g)
          throw new RegisterError('REGISTER_ECOPY_MISMATCH', { entryId: e.id }, 'this entry has no electronic copy');
        if (g?.pdf && createHash('sha256').update(g.pdf).digest('hex') !== g.sha256) {
          throw new RegisterError(
            'REGISTER_ECOPY_MISMATCH',
            { entryId: e.id },
            'the stored bytes do not have the given SHA-256',
          );
        }
      }
      if (row.state === 'issued') {
        // A repeated completion (a retry after a crash between commit and reply) is a no-op if it says the same.
        const same = entries.every((e) => (given.get(e.id)?.sha256 ?? null) === e.eCopySha256);
        if (!same)
          throw new RegisterError(
            'REGISTER_NOT_PENDING',
            { requestId, state: row.state },
            'already issued with other e-copies',
          );
        return (await this.#request(tx, requestId))!;
      }
      if (row.state !== 'pending') throw new RegisterError('REGISTER_NOT_PENDING', { requestId, state: row.state });
      const now = this.#now().toISOString();
      for (const e of entries) {
        const g = given.get(e.id);
        await tx.issueEntry(e.id, g?.sha256 ?? null, g?.evidence ?? null);
        if (g?.pdf) await tx.storeECopy(e.id, g.sha256, g.pdf, now);
      }
      await tx.updateRequest(requestId, { state: 'issued', completedAt: now });
      return (await this.#request(tx, requestId))!;
    });
  }

  async voidPending(requestId: string, reason: string): Promise<CertificationRequestRecord> {
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 2_000) {
      throw new RegisterError(
        'REGISTER_BAD_INPUT',
        { field: 'reason' },
        'a reason is required to void a pending request',
      );
    }
    return this.#store.write(async (tx) => {
      const row = await tx.requestById(requestId);
      if (row?.kind !== 'certification') throw new RegisterError('REGISTER_NOT_FOUND', { requestId });
      if (row.state !== 'pending') throw new RegisterError('REGISTER_NOT_PENDING', { requestId, state: row.state });
      await tx.voidEntries(requestId, reason);
      await tx.updateRequest(requestId, { state: 'void', voidReason: reason, completedAt: this.#now().toISOString() });
      return (await this.#request(tx, requestId))!;
    });
  }

  async recordRefusal(input: RefusalInput): Promise<{ request: CertificationRequestRecord; resumed: boolean }> {
    checkRefusalInput(input);
    checkRefusalCode(input.code);
    const fingerprint = refusalFingerprint(input);
    const received = checkInstant(input.receivedAt, 'receivedAt', this.#now());
    return this.#writeByKey(async (tx) => {
      const existing = await tx.requestByKey(input.authorityId, input.idempotencyKey);
      if (existing) return { request: await this.#resumable(tx, existing, fingerprint, 'refusal'), resumed: true };
      await requireAuthority(tx, input.authorityId);
      const id = randomUUID();
      const now = this.#now().toISOString();
      await tx.insertRequest({
        id,
        authorityId: input.authorityId,
        idempotencyKey: input.idempotencyKey,
        fingerprint,
        kind: 'refusal',
        state: 'refused',
        requester: input.requester,
        certifier: input.certifier,
        fee: null,
        feeReceiptNo: null,
        deliveryChannel: null,
        deliveryAddress: null,
        refusalCode: input.code,
        refusalText: input.text ?? null,
        refusalDocument: input.documentName,
        voidReason: null,
        createdAt: now,
        completedAt: now,
        receivedAt: received.toISOString(),
        dueAt: null,
        extension: null,
        paymentChannel: null,
        deliveredAt: null,
      });
      return { request: (await this.#request(tx, id))!, resumed: false };
    });
  }

  async recordDelivery(requestId: string, input: DeliveryInput = {}): Promise<CertificationRequestRecord> {
    if (!input || typeof input !== 'object')
      throw new RegisterError('REGISTER_BAD_INPUT', { field: 'input' }, 'input: an object');
    const now = this.#now();
    return this.#store.write(async (tx) => {
      const row = await tx.requestById(requestId);
      if (row?.kind !== 'certification') throw new RegisterError('REGISTER_NOT_FOUND', { requestId });
      if (row.state !== 'issued') throw new RegisterError('REGISTER_NOT_ISSUED', { requestId, state: row.state });
      if (!(await tx.entriesOf(requestId)).some((e) => e.electronicCopy)) {
        throw new RegisterError(
          'REGISTER_BAD_INPUT',
          { field: 'requestId', requestId },
          'the request has no electronic copy to deliver',
        );
      }
      if (row.deliveredAt) return (await this.#request(tx, requestId))!; // delivered once: the first time stands
      const at = checkInstant(input.at, 'at', now, row.completedAt ?? row.createdAt);
      await tx.updateRequest(requestId, { deliveredAt: at.toISOString() });
      return (await this.#request(tx, requestId))!;
    });
  }

  async extendDeadline(requestId: string, input: LaterExtensionInput): Promise<CertificationRequestRecord> {
    if (!input || typeof input !== 'object')
      throw new RegisterError('REGISTER_BAD_INPUT', { field: 'input' }, 'input: an object');
    const now = this.#now();
    return this.#store.write(async (tx) => {
      const row = await tx.requestById(requestId);
      if (row?.kind !== 'certification') throw new RegisterError('REGISTER_NOT_FOUND', { requestId });
      const current = (await this.#request(tx, requestId, row))!;
      const at = checkInstant(input.at, 'at', now, row.receivedAt ?? row.createdAt);
      const plan = planLaterExtension(current, input.extension, at, {
        calendar: this.#calendar,
        policy: this.#deadlinePolicy,
      });
      await tx.updateRequest(requestId, { dueAt: plan.due.dueAt, extension: plan.total });
      await tx.insertExtension(requestId, plan.record);
      return (await this.#request(tx, requestId))!;
    });
  }

  async listExtensions(requestId: string): Promise<ExtensionRecord[]> {
    return this.#store.read((tx) => tx.extensions(requestId));
  }

  async requestsForReport(filter: {
    from: string;
    to: string;
    authorityId?: string;
  }): Promise<CertificationRequestRecord[]> {
    const from = isoInstant(filter?.from, 'from');
    const to = isoInstant(filter?.to, 'to');
    return this.#store.read(async (tx) => this.#requests(tx, await tx.reportRequestIds(from, to, filter.authorityId)));
  }

  async getRequest(requestId: string): Promise<CertificationRequestRecord | null> {
    return this.#store.read((tx) => this.#request(tx, requestId));
  }

  async findRequestByKey(authorityId: string, idempotencyKey: string): Promise<CertificationRequestRecord | null> {
    checkKey(idempotencyKey);
    return this.#store.read(async (tx) => {
      const row = await tx.requestByKey(authorityId, idempotencyKey);
      return row ? this.#request(tx, row.id, row) : null;
    });
  }

  async findEntry(key: EntryKey): Promise<RegisterEntry | null> {
    // A number outside any book's range is no entry (and never reaches a store's integer column).
    if (
      !key ||
      !Number.isSafeInteger(key.year) ||
      !Number.isSafeInteger(key.seqNo) ||
      key.year < 0 ||
      key.year > 9999 ||
      key.seqNo < 1 ||
      key.seqNo > MAX_SEQ
    )
      return null;
    return this.#store.read(async (tx) => {
      const e = await tx.entry(key);
      return e ? (await this.#flagged(tx, [e]))[0]! : null;
    });
  }

  async findEntriesByECopyHash(sha256: string): Promise<RegisterEntry[]> {
    const h = String(sha256).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(h)) throw new RegisterError('REGISTER_BAD_INPUT', { field: 'sha256' }, 'a hex SHA-256');
    return this.#store.read(async (tx) => this.#flagged(tx, await tx.entriesByECopyHash(h)));
  }

  async listEntries(filter: {
    authorityId: string;
    bookType?: string;
    year?: number;
    state?: EntryState;
  }): Promise<RegisterEntry[]> {
    if (filter?.year !== undefined) checkYear(filter.year);
    return this.#store.read(async (tx) => this.#flagged(tx, await tx.listEntries(filter)));
  }

  async searchEntries(query: EntryQuery, page: EntryPageRequest = {}): Promise<EntryPage> {
    const search = entrySearch(query, page.after, this.#now());
    const limit = pageLimit(page.limit);
    const rows = await this.#store.read(async (tx) => {
      const found = await tx.searchEntries(search, limit + 1);
      return [...(await this.#flagged(tx, found.slice(0, limit))), ...found.slice(limit)];
    });
    const entries = rows.slice(0, limit);
    const last = entries.at(-1);
    return {
      entries,
      nextCursor:
        rows.length > limit && last ? encodeCursor([last.authorityId, last.bookType, last.year, last.seqNo]) : null,
    };
  }

  async getEntry(entryId: number): Promise<RegisterEntry | null> {
    if (!Number.isSafeInteger(entryId))
      throw new RegisterError('REGISTER_BAD_INPUT', { field: 'entryId' }, 'an integer');
    if (entryId < 1 || entryId > MAX_SEQ) return null; // ids are positive 32-bit integers in both stores
    return this.#store.read(async (tx) => {
      const e = await tx.entryById(entryId);
      return e ? (await this.#flagged(tx, [e]))[0]! : null;
    });
  }

  async listPending(authorityId?: string): Promise<CertificationRequestRecord[]> {
    return this.#store.read(async (tx) => this.#requests(tx, await tx.pendingRequestIds(authorityId)));
  }

  async getECopy(entryId: number): Promise<Uint8Array | null> {
    if (!Number.isSafeInteger(entryId))
      throw new RegisterError('REGISTER_BAD_INPUT', { field: 'entryId' }, 'an integer');
    if (entryId < 1 || entryId > MAX_SEQ) return null;
    return this.#store.read((tx) => tx.ecopy(entryId));
  }

  async close(): Promise<void> {
    await this.#store.close();
  }

  // ------------------------------------------------------------------ internals

  #now(): Date {
    const d = this.#clock();
    if (!(d instanceof Date) || Number.isNaN(d.getTime()))
      throw new RegisterError('REGISTER_BAD_INPUT', { field: 'clock' }, 'the clock gave an invalid date');
    return d;
  }

  /**
   * A write that creates a request under an idempotency key. If a concurrent writer took the key first (the store's
   * unique index refused ours and rolled our transaction back), the write runs again and now finds that request:
   * the same content resumes it, other content is a conflict.
   */
  async #writeByKey<T>(fn: (tx: RegisterWrites) => Promise<T>): Promise<T> {
    try {
      return await this.#store.write(fn);
    } catch (e) {
      if (!(e instanceof KeyTakenConflict)) throw e;
      return this.#store.write(fn);
    }
  }

  /** The open volume of the year's book, opening volume 1 on the year's first certification; refused once closed. */
  async #currentVolume(
    tx: RegisterWrites,
    authorityId: string,
    bookType: string,
    year: number,
    at: string,
  ): Promise<StoredBook> {
    const last = (await tx.volumes(authorityId, bookType, year)).at(-1);
    if (last?.closedAt) throw new RegisterError('REGISTER_BOOK_CLOSED', { authorityId, bookType, year });
    return last ?? tx.insertVolume(authorityId, bookType, year, 1, at);
  }

  async #resumable(
    tx: RegisterReads,
    row: StoredRequest,
    fingerprint: string,
    kind: StoredRequest['kind'],
  ): Promise<CertificationRequestRecord> {
    if (row.kind !== kind || row.fingerprint !== fingerprint) {
      throw new RegisterError('REGISTER_IDEMPOTENCY_CONFLICT', {
        authorityId: row.authorityId,
        requestId: row.id,
        kind: row.kind,
      });
    }
    return (await this.#request(tx, row.id, row))!;
  }

  /** Each entry with its request's deadline flag (entry-deadline.ts), read in the caller's transaction. */
  async #flagged(tx: RegisterReads, entries: RegisterEntry[]): Promise<RegisterEntry[]> {
    if (entries.length === 0) return entries;
    const now = this.#now();
    const facts = await tx.deadlineFacts([...new Set(entries.map((e) => e.requestId))]);
    const flags = new Map<string, EntryDeadline>([...facts].map(([id, f]) => [id, requestDeadline(f, now)]));
    return entries.map((e) => {
      const deadline = flags.get(e.requestId);
      return deadline ? { ...e, deadline } : e;
    });
  }

  async #requests(tx: RegisterReads, ids: string[]): Promise<CertificationRequestRecord[]> {
    const out: CertificationRequestRecord[] = [];
    for (const id of ids) out.push((await this.#request(tx, id))!);
    return out;
  }

  /** The record a caller sees: the stored request, its entries, and what follows from them at the register's clock. */
  async #request(tx: RegisterReads, id: string, known?: StoredRequest): Promise<CertificationRequestRecord | null> {
    const row = known ?? (await tx.requestById(id));
    if (!row) return null;
    const stored = await tx.entriesOf(id);
    // The result is returned when the e-copy is delivered, or, for paper copies alone, when they are issued.
    const flag = requestDeadline({ ...row, hasElectronicCopy: stored.some((e) => e.electronicCopy) }, this.#now());
    const entries = stored.map((e) => ({ ...e, deadline: flag }));
    const returnedAt = flag.returnedAt;
    const deadline = flag.state;
    const code = row.refusalCode;
    return {
      id: row.id,
      authorityId: row.authorityId,
      idempotencyKey: row.idempotencyKey,
      kind: row.kind,
      state: row.state,
      requester: row.requester,
      certifier: row.certifier,
      fee: row.fee,
      feeReceiptNo: row.feeReceiptNo,
      delivery: row.deliveryChannel
        ? { channel: row.deliveryChannel, ...(row.deliveryAddress ? { address: row.deliveryAddress } : {}) }
        : null,
      createdAt: row.createdAt,
      completedAt: row.completedAt,
      receivedAt: row.receivedAt,
      dueAt: row.dueAt,
      extension: row.extension,
      paymentChannel: row.paymentChannel,
      deliveredAt: row.deliveredAt,
      returnedAt,
      deadline,
      voidReason: row.voidReason,
      refusal: code
        ? {
            code,
            groundVi: REFUSAL_GROUNDS[code].vi,
            legalBasis: REFUSAL_LEGAL_BASIS,
            text: row.refusalText,
            documentName: row.refusalDocument ?? '',
          }
        : null,
      entries,
    };
  }
}

function toBook(b: StoredBook): Book {
  return {
    authorityId: b.authorityId,
    bookType: b.bookType,
    year: b.year,
    volume: b.volume,
    openedAt: b.openedAt,
    closedAt: b.closedAt,
  };
}
