/**
 * What a register store provides: storage only (transactions, statements, row mapping). The rules of the book —
 * numbering, volumes, idempotency, refusals, closing — are in numbering.ts and are the same for every store; a store
 * never decides whether something may be written, only writes it and reads it back.
 *
 * A store's `write` runs a function in one transaction that commits when it returns and rolls back when it throws;
 * `read` gives a consistent view. Inside `write`, `lockBook` must exclude every other writer of that book (and
 * `lastSeq` must then see every committed entry of it) until the transaction ends: that is what keeps the numbers
 * gap-free and unique across connections, processes and machines.
 */
import type { Extension } from '../deadlines/due-time.js';
import type { ExtensionRecord } from '../deadlines/later-extension.js';
import type { RequestDeadlineFacts } from './entry-deadline.js';
import type { FeeQuote } from '../fees/compute-fee.js';
import type { EntrySearch } from './entry-query.js';
import type { RefusalCode } from './refusal-grounds.js';
import type {
  Authority,
  Book,
  BookClosure,
  Certifier,
  DeliveryChannel,
  EntryKey,
  EntryState,
  PaymentChannel,
  RegisterEntry,
  Requester,
  RequestState,
  SigningEvidence,
} from './types.js';

/** A request as stored (the record a caller sees is built from it by the rules: deadline, return time, refusal text). */
export interface StoredRequest {
  id: string;
  authorityId: string;
  idempotencyKey: string;
  fingerprint: string;
  kind: 'certification' | 'refusal';
  state: RequestState;
  requester: Requester;
  certifier: Certifier;
  fee: FeeQuote | null;
  feeReceiptNo: string | null;
  deliveryChannel: DeliveryChannel | null;
  deliveryAddress: string | null;
  refusalCode: RefusalCode | null;
  refusalText: string | null;
  refusalDocument: string | null;
  voidReason: string | null;
  createdAt: string;
  completedAt: string | null;
  receivedAt: string | null;
  dueAt: string | null;
  extension: Extension | null;
  paymentChannel: PaymentChannel | null;
  deliveredAt: string | null;
}

export interface StoredBook extends Book {
  id: number;
}

/** An entry as first written: pending, no e-copy yet. */
export type NewEntry = Omit<RegisterEntry, 'id' | 'eCopySha256' | 'state' | 'voidReason' | 'signingEvidence'> & {
  bookId: number;
};

/** The counts a closing needs. */
export interface BookCounts {
  entries: number;
  /** The highest number used (0 for none). */
  top: number;
  pending: number;
  issued: number;
  voided: number;
}

/** Thrown by a store when a request's idempotency key was taken by a concurrent writer: the rules retry and resume. */
export class KeyTakenConflict extends Error {
  constructor() {
    super('idempotency key taken concurrently');
    this.name = 'KeyTakenConflict';
  }
}

export interface RegisterReads {
  authority(id: string): Promise<Authority | null>;
  authorities(): Promise<Authority[]>;
  books(authorityId: string, year?: number): Promise<Book[]>;
  volumes(authorityId: string, bookType: string, year: number): Promise<StoredBook[]>;
  closure(authorityId: string, bookType: string, year: number): Promise<BookClosure | null>;
  requestById(id: string): Promise<StoredRequest | null>;
  requestByKey(authorityId: string, key: string): Promise<StoredRequest | null>;
  /** Pending requests' ids, oldest first. */
  pendingRequestIds(authorityId?: string): Promise<string[]>;
  /** Requests created before `to` and created, completed or delivered from `from` on, or still pending. */
  reportRequestIds(from: string, to: string, authorityId?: string): Promise<string[]>;
  entriesOf(requestId: string): Promise<RegisterEntry[]>;
  entry(key: EntryKey): Promise<RegisterEntry | null>;
  entryById(id: number): Promise<RegisterEntry | null>;
  entriesByECopyHash(sha256: string): Promise<RegisterEntry[]>;
  listEntries(filter: {
    authorityId: string;
    bookType?: string;
    year?: number;
    state?: EntryState;
  }): Promise<RegisterEntry[]>;
  /** Up to `limit` entries matching `search`, in the book's order (authority, book, year, number). */
  searchEntries(search: EntrySearch, limit: number): Promise<RegisterEntry[]>;
  ecopy(entryId: number): Promise<Uint8Array | null>;
  /** The extensions agreed after receipt for a request, oldest first. */
  extensions(requestId: string): Promise<ExtensionRecord[]>;
  /** What the deadline flag of each request needs, in one statement per batch (for the entries of a listing). */
  deadlineFacts(requestIds: readonly string[]): Promise<Map<string, RequestDeadlineFacts>>;
}

export interface RegisterWrites extends RegisterReads {
  upsertAuthority(
    a: { id: string; name: string; bookTypes: string[]; electronicBookType: string | null },
    at: string,
  ): Promise<void>;
  /** Excludes every other writer of this book until the transaction ends. */
  lockBook(authorityId: string, bookType: string, year: number): Promise<void>;
  /** The highest number used in the book (0 for none); called under `lockBook`. */
  lastSeq(authorityId: string, bookType: string, year: number): Promise<number>;
  insertVolume(
    authorityId: string,
    bookType: string,
    year: number,
    volume: number,
    openedAt: string,
  ): Promise<StoredBook>;
  /** Sets `closed_at` on the given volume, or on every open volume of the book. */
  closeVolumes(
    at: string,
    book: { id: number } | { authorityId: string; bookType: string; year: number },
  ): Promise<void>;
  bookCounts(authorityId: string, bookType: string, year: number): Promise<BookCounts>;
  insertClosure(c: BookClosure): Promise<void>;
  /** Throws KeyTakenConflict when (authority, key) exists. */
  insertRequest(r: StoredRequest): Promise<void>;
  updateRequest(
    id: string,
    set: Partial<Pick<StoredRequest, 'state' | 'completedAt' | 'voidReason' | 'deliveredAt' | 'dueAt' | 'extension'>>,
  ): Promise<void>;
  /** Keeps an extension agreed after receipt (permanent). */
  insertExtension(requestId: string, r: ExtensionRecord): Promise<void>;
  /** Returns the new entry's id. */
  insertEntry(e: NewEntry): Promise<number>;
  issueEntry(entryId: number, sha256: string | null, evidence: SigningEvidence | null): Promise<void>;
  voidEntries(requestId: string, reason: string): Promise<void>;
  storeECopy(entryId: number, sha256: string, bytes: Uint8Array, at: string): Promise<void>;
}

export interface RegisterStore {
  write<T>(fn: (tx: RegisterWrites) => Promise<T>): Promise<T>;
  read<T>(fn: (tx: RegisterReads) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
