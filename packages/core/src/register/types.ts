/**
 * The certification register (sổ chứng thực, Decree 23/2015 Art. 13–14; DOMAIN.md §6) as an interface, so that the
 * embedded SQLite store and the PostgreSQL one are interchangeable. Every method is async for that reason. The
 * rules behind it are in numbering.ts, once for both stores.
 *
 * The model:
 * - an **authority** (cơ quan thực hiện chứng thực) keeps **books** by type (`SCT/BS`; optionally a separate
 *   electronic book such as `SCTĐT/BS`), per year, in one or more **volumes** (quyển số);
 * - a **request** (one requester's dossier, identified by an idempotency key) is either certified, giving one
 *   **entry** per original, each with its own number, or refused with an Art. 22 ground (no number, no fee);
 * - numbers run from 1 each Vietnam calendar year per authority and book type, continuing across volumes.
 *
 * The e-copy flow is two-phase so that a crash never leaves half a certification:
 * `reserve` (numbers allocated and entries written as `pending`, in one transaction) → build and sign the PDF →
 * `complete` (the e-copy's SHA-256 recorded, state `issued`). A retry of `reserve` with the same idempotency key
 * returns the same request and numbers (`resumed: true`) instead of allocating again. A pending request is never
 * deleted and its numbers are never reused: it is completed by a retry, or, if it is abandoned, `voidPending` marks
 * it `void` with a reason, keeping its numbers in the book (the electronic form of striking a line through).
 * So the book has no gap (every number 1..N of a year is an entry) and no orphan (every number belongs to an entry
 * written in the same transaction that allocated it).
 */
import type { DeadlineState, Extension } from '../deadlines/due-time.js';
import type { ExtensionRecord } from '../deadlines/later-extension.js';
import type { FeeQuote } from '../fees/compute-fee.js';
import type { EntryDeadline } from './entry-deadline.js';
import type { RefusalCode } from './refusal-grounds.js';

/** The legal basis of the certifier's competence (Decree 23/2015 Art. 2.9 and Art. 5 as amended by Decree 280/2025). */
export type CompetenceBasis = 'own-competence' | 'authorised' | 'assigned';

export interface Certifier {
  /** Full name (họ, chữ đệm, tên). */
  name: string;
  /** Title as shown under the statement, e.g. "CHỦ TỊCH" or "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH". */
  title?: string;
  basis: CompetenceBasis;
  /** The decision that authorises or assigns, e.g. "Quyết định số 12/QĐ-UBND ngày 01/11/2025". */
  basisReference?: string;
}

export interface Requester {
  /** Full name as written in the book. */
  name: string;
  /** An identity document number, if the authority records it. */
  idNumber?: string;
  email?: string;
}

/** Where the e-copy goes (Decree 45/2020; DOMAIN.md §7): the requester's repository on the national portal, or e-mail. */
export type DeliveryChannel = 'KHO_DVCQG' | 'EMAIL' | 'IN_PERSON';

/** How the fee was paid: at the counter, or online (the national portal's payment platform, a bank transfer). */
export type PaymentChannel = 'CASH' | 'ONLINE';

export interface AuthorityInput {
  /** A stable code chosen by the deployment, e.g. the unit's code in the national catalogue. */
  id: string;
  /** e.g. "Ủy ban nhân dân phường Hàng Bạc". */
  name: string;
  /** The book types this authority keeps (default `['SCT/BS']`). */
  bookTypes?: string[];
  /**
   * A separate electronic book (DOMAIN.md §6.3, UNCONFIRMED as law): e-copy-only originals are numbered in it.
   * Null (the default) keeps one shared sequence for paper and electronic copies.
   */
  electronicBookType?: string | null;
}

export interface Authority {
  id: string;
  name: string;
  bookTypes: string[];
  electronicBookType: string | null;
  createdAt: string;
}

export interface Book {
  authorityId: string;
  bookType: string;
  year: number;
  volume: number;
  openedAt: string;
  closedAt: string | null;
}

export interface OriginalInput {
  /** The original's name / type (tên bản chính giấy tờ, văn bản). */
  documentName: string;
  /** Pages of the original (the fee is counted on them). */
  pages: number;
  paperCopies: number;
  electronicCopy: boolean;
  /**
   * The book to number it in. Default: the authority's electronic book for an e-copy-only original when one is
   * configured, else the first book type (`SCT/BS`). An original with paper copies and an e-copy gets one entry.
   */
  bookType?: string;
  notes?: string;
  /** Supporting papers were taken from VNeID / the population database (Decree 280/2025; DOMAIN.md §4.3). */
  vneidDataUsed?: boolean;
  /** SHA-256 (hex) of the scanned original, bound into the idempotency fingerprint. */
  contentSha256?: string;
}

export interface ReserveInput {
  idempotencyKey: string;
  authorityId: string;
  requester: Requester;
  certifier: Certifier;
  originals: OriginalInput[];
  /** The fee computed for these originals (recorded once per request, whatever the retries). */
  fee: FeeQuote;
  feeReceiptNo?: string;
  delivery?: { channel: DeliveryChannel; address?: string };
  /** When the complete request was received (default: now); the due time runs from it (Art. 7). */
  receivedAt?: Date | string;
  /** An extension agreed at receipt (Art. 21): up to 2 working days, more by written agreement, with its reason. */
  extension?: Extension;
  /** How the fee was paid. */
  paymentChannel?: PaymentChannel;
}

export type RequestState = 'pending' | 'issued' | 'void' | 'refused';
export type EntryState = 'pending' | 'issued' | 'void';

export interface RegisterEntry {
  id: number;
  requestId: string;
  /** Index of the original in the request. */
  originalIndex: number;
  authorityId: string;
  bookType: string;
  year: number;
  volume: number;
  /** Sequence in the year (1, 2, …), continuous across volumes. */
  seqNo: number;
  /** The rendered number as written on the copy, e.g. `12 quyển số 01/2026 SCT/BS`. */
  certificationNumber: string;
  /** ISO 8601 UTC instant of the certification (the statement's date). */
  certifiedAt: string;
  requesterName: string;
  documentName: string;
  originalPages: number;
  paperCopies: number;
  electronicCopy: boolean;
  /** The fee charged for this original, VND. */
  fee: number;
  certifier: Certifier;
  eCopySha256: string | null;
  deliveryChannel: DeliveryChannel | null;
  state: EntryState;
  voidReason: string | null;
  notes: string | null;
  vneidDataUsed: boolean;
  /** The e-copy's long-term evidence (DOMAIN.md §6.3, §7): what its DSS holds and where; null without an e-copy. */
  signingEvidence: SigningEvidence | null;
  /**
   * The request's due time, return time and where the entry stands against it at the register's clock (open,
   * overdue, returned on time or late). Set on every entry the register reads (RegisterBook, both stores).
   */
  deadline?: EntryDeadline;
}

/**
 * What an issued e-copy carries to be validated after its signers' certificates expire or are revoked (DOMAIN.md
 * §6.3 "the signing evidence", §7): the level reached, where the DSS lies in the file (the file is stored with the
 * entry, or held by the citizen: its SHA-256 is the entry's), and digests of the revocation data in it.
 */
export interface SigningEvidence {
  /** The PAdES level of both signatures as made: B-LTA, B-LT, B-T or B-B. */
  level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  /** The DSS update in the e-copy: byte offset, length and SHA-256 of those bytes; null when none was embedded. */
  dss: { offset: number; length: number; sha256: string } | null;
  /** SHA-256 (hex) of each OCSP response and CRL (DER) embedded in the DSS. */
  ocsps: string[];
  crls: string[];
  /** Each certificate of both signers' (and their TSAs') chains, and its status when gathered. */
  certificates: {
    subject: string;
    sha256: string;
    status: 'good' | 'revoked' | 'unknown' | 'root' | 'ocsp-nocheck';
    sources: ('ocsp' | 'crl')[];
  }[];
  /** Document timestamps added after the DSS (B-LTA). */
  documentTimestamps: string[];
  /** When the validation data was gathered (ISO 8601 UTC). */
  gatheredAt: string | null;
}

export interface CertificationRequestRecord {
  id: string;
  authorityId: string;
  idempotencyKey: string;
  kind: 'certification' | 'refusal';
  state: RequestState;
  requester: Requester;
  certifier: Certifier;
  /** The fee collected once for the whole request; null for a refusal. */
  fee: FeeQuote | null;
  feeReceiptNo: string | null;
  delivery: { channel: DeliveryChannel; address?: string } | null;
  createdAt: string;
  completedAt: string | null;
  /** When the complete request was received (ISO 8601 UTC). */
  receivedAt: string | null;
  /** When it is due (Decree 23/2015 Art. 7 and 21); null for a refusal or a request recorded before deadlines. */
  dueAt: string | null;
  extension: Extension | null;
  paymentChannel: PaymentChannel | null;
  /** When the e-copy was delivered (`recordDelivery`). */
  deliveredAt: string | null;
  /** When the result was returned: the delivery of the e-copy, or the issue of paper copies alone. */
  returnedAt: string | null;
  /** Against the due time, at the register's clock: open, overdue, returned on time or late; null without a due time. */
  deadline: DeadlineState | null;
  voidReason: string | null;
  refusal: RefusalRecord | null;
  entries: RegisterEntry[];
}

export interface RefusalRecord {
  code: RefusalCode;
  /** The ground's text (Decree 23/2015 Art. 22) and the legal basis. */
  groundVi: string;
  legalBasis: string;
  /** The officer's free-text explanation. */
  text: string | null;
  documentName: string;
}

export interface RefusalInput {
  idempotencyKey: string;
  authorityId: string;
  requester: Requester;
  /** Who refused. */
  certifier: Certifier;
  documentName: string;
  code: RefusalCode;
  text?: string;
  /** When the request was received (default: now). */
  receivedAt?: Date | string;
}

export interface Reservation {
  request: CertificationRequestRecord;
  /** True when the idempotency key was already known: nothing new was allocated. */
  resumed: boolean;
}

export interface CompleteInput {
  /** The issued e-copy of each original that has one. */
  eCopies: {
    entryId: number;
    sha256: string;
    /** Stored for later retrieval (retention: DOMAIN.md §7). */
    pdf?: Uint8Array;
    /** The e-copy's long-term evidence, kept with the entry. */
    evidence?: SigningEvidence;
  }[];
}

export interface LaterExtensionInput {
  extension: Extension;
  /** When it was agreed (default: now); not before the receipt, not after the due time. */
  at?: Date | string;
}

export interface DeliveryInput {
  /** When it was delivered (default: now). */
  at?: Date | string;
}

export interface EntryKey {
  authorityId: string;
  bookType: string;
  year: number;
  seqNo: number;
}

/**
 * A search of the book. Every field narrows; none given lists every entry. Number and date ranges are inclusive at
 * the start and the end (`certifiedTo` is exclusive: a period is [from, to)).
 */
export interface EntryQuery {
  authorityId?: string;
  bookType?: string;
  year?: number;
  /** Sequence numbers in the year, inclusive. */
  numberFrom?: number;
  numberTo?: number;
  /** Certification instants: from (inclusive) … to (exclusive). */
  certifiedFrom?: Date | string;
  certifiedTo?: Date | string;
  /** Part of the requester's name, without regard to case (Vietnamese letters included). */
  requester?: string;
  state?: EntryState | readonly EntryState[];
  channel?: DeliveryChannel;
  /**
   * Where the entry's request stands against its due time at the register's clock (the `deadline.state` each entry
   * read carries): e.g. `overdue` for what is past due and not returned. Entries without a due time, and voided or
   * refused ones, match none.
   */
  deadline?: DeadlineState | readonly DeadlineState[];
}

/** A page of a search, in the book's order (authority, book, year, number); `after` continues after `nextCursor`. */
export interface EntryPageRequest {
  /** Entries per page (default 100, at most 1000). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  after?: string;
}

export interface EntryPage {
  entries: RegisterEntry[];
  /** Give it as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** A year's book as closed (Decree 23/2015 Art. 13.1): the count of numbers used, issued and voided. */
export interface BookClosure {
  authorityId: string;
  bookType: string;
  year: number;
  /** Numbers 1..numbersUsed were used (the book has no gaps). */
  numbersUsed: number;
  issued: number;
  voided: number;
  closedAt: string;
}

export interface CertificationRegister {
  /** Creates the authority, or updates its name and book configuration. */
  upsertAuthority(input: AuthorityInput): Promise<Authority>;
  getAuthority(id: string): Promise<Authority | null>;
  /** Every authority the register keeps, by id. */
  listAuthorities(): Promise<Authority[]>;
  /** Opens the next volume (quyển) of a book for the year; numbering continues. */
  openVolume(authorityId: string, bookType: string, year: number): Promise<Book>;
  /**
   * Closes a year's book (every volume) and records the count of numbers used (Decree 23/2015 Art. 13.1). Refused
   * (`REGISTER_BOOK_PENDING`) while an entry of that book is pending: complete or void it first. Closing a closed
   * book again returns the closing on record.
   */
  closeBook(
    authorityId: string,
    bookType: string,
    year: number,
  ): Promise<{ entries: number; closure: BookClosure; books: Book[] }>;
  /** The closing of a year's book, or null while it is open. */
  getBookClosure(authorityId: string, bookType: string, year: number): Promise<BookClosure | null>;
  listBooks(authorityId: string, year?: number): Promise<Book[]>;

  /** Allocates numbers and writes pending entries in one transaction; idempotent by key. */
  reserve(input: ReserveInput): Promise<Reservation>;
  /** Records the e-copies' hashes and marks the request issued; a repeat with the same hashes is a no-op. */
  complete(requestId: string, input: CompleteInput): Promise<CertificationRequestRecord>;
  /** Marks an abandoned pending request void with a reason; its numbers stay in the book. */
  voidPending(requestId: string, reason: string): Promise<CertificationRequestRecord>;
  /** Records a refusal (no number, no fee); idempotent by key. */
  recordRefusal(input: RefusalInput): Promise<{ request: CertificationRequestRecord; resumed: boolean }>;

  /**
   * Records that the e-copy of an issued request was delivered (its return time, for the deadline and the monthly
   * figures). A repeat keeps the first delivery.
   */
  recordDelivery(requestId: string, input?: DeliveryInput): Promise<CertificationRequestRecord>;
  /**
   * Records an extension agreed after receipt (Decree 23/2015 Art. 21): before the request is due and before its
   * result is returned, all extensions together within the limits (2 working days, more by written agreement). The
   * request's due time moves; each extension is kept (`listExtensions`).
   */
  extendDeadline(requestId: string, input: LaterExtensionInput): Promise<CertificationRequestRecord>;
  /** The extensions agreed after receipt, oldest first. */
  listExtensions(requestId: string): Promise<ExtensionRecord[]>;
  /**
   * The requests of a period for reports: recorded in [from, to), or returned in it, or still pending; of one
   * authority or all. Entries included.
   */
  requestsForReport(filter: { from: string; to: string; authorityId?: string }): Promise<CertificationRequestRecord[]>;

  getRequest(requestId: string): Promise<CertificationRequestRecord | null>;
  findRequestByKey(authorityId: string, idempotencyKey: string): Promise<CertificationRequestRecord | null>;
  findEntry(key: EntryKey): Promise<RegisterEntry | null>;
  findEntriesByECopyHash(sha256: string): Promise<RegisterEntry[]>;
  listEntries(filter: {
    authorityId: string;
    bookType?: string;
    year?: number;
    state?: EntryState;
  }): Promise<RegisterEntry[]>;
  /** Searches the book: entries in a stable order (authority, book, year, number), a page at a time. */
  searchEntries(query: EntryQuery, page?: EntryPageRequest): Promise<EntryPage>;
  /** One entry by its id. */
  getEntry(entryId: number): Promise<RegisterEntry | null>;
  listPending(authorityId?: string): Promise<CertificationRequestRecord[]>;
  /** The stored e-copy of an entry, if it was stored at `complete`. */
  getECopy(entryId: number): Promise<Uint8Array | null>;

  close(): Promise<void>;
}
