/**
 * PostgreSQL rows as the store-neutral shapes of store.ts. Timestamps come back as Dates and are written as the same
 * ISO strings the SQLite store returns (millisecond precision: kyso writes no finer); `json` columns come back parsed.
 */
import type { Extension } from '../../deadlines/due-time.js';
import type { FeeQuote } from '../../fees/compute-fee.js';
import type { RefusalCode } from '../refusal-grounds.js';
import type { StoredBook, StoredRequest } from '../store.js';
import type {
  Authority,
  BookClosure,
  Certifier,
  DeliveryChannel,
  EntryState,
  PaymentChannel,
  RegisterEntry,
  Requester,
  SigningEvidence,
} from '../types.js';

export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

export interface AuthorityRow {
  id: string;
  name: string;
  book_types: string[];
  electronic_book_type: string | null;
  created_at: Date;
}

export interface BookRow {
  id: number;
  authority_id: string;
  book_type: string;
  year: number;
  volume: number;
  opened_at: Date;
  closed_at: Date | null;
}

export interface ClosureRow {
  authority_id: string;
  book_type: string;
  year: number;
  numbers_used: number;
  issued: number;
  voided: number;
  closed_at: Date;
}

export interface RequestRow {
  id: string;
  authority_id: string;
  idempotency_key: string;
  fingerprint: string;
  kind: 'certification' | 'refusal';
  state: StoredRequest['state'];
  requester: Requester;
  certifier: Certifier;
  fee: FeeQuote | null;
  fee_receipt_no: string | null;
  delivery_channel: DeliveryChannel | null;
  delivery_address: string | null;
  refusal_code: RefusalCode | null;
  refusal_text: string | null;
  refusal_document: string | null;
  void_reason: string | null;
  created_at: Date;
  completed_at: Date | null;
  received_at: Date | null;
  due_at: Date | null;
  extension: Extension | null;
  payment_channel: PaymentChannel | null;
  delivered_at: Date | null;
}

export interface EntryRow {
  id: number;
  request_id: string;
  original_index: number;
  authority_id: string;
  book_type: string;
  year: number;
  volume: number;
  seq_no: number;
  certification_number: string;
  certified_at: Date;
  requester_name: string;
  document_name: string;
  original_pages: number;
  paper_copies: number;
  electronic_copy: boolean;
  fee_amount: number;
  certifier_name: string;
  certifier_title: string | null;
  certifier_basis: RegisterEntry['certifier']['basis'];
  certifier_basis_ref: string | null;
  ecopy_sha256: string | null;
  signing_evidence: SigningEvidence | null;
  delivery_channel: DeliveryChannel | null;
  state: EntryState;
  void_reason: string | null;
  notes: string | null;
  vneid_data_used: boolean;
}

export function toAuthority(r: AuthorityRow): Authority {
  return {
    id: r.id,
    name: r.name,
    bookTypes: r.book_types,
    electronicBookType: r.electronic_book_type,
    createdAt: iso(r.created_at),
  };
}

export function toBook(r: BookRow): StoredBook {
  return {
    id: r.id,
    authorityId: r.authority_id,
    bookType: r.book_type,
    year: r.year,
    volume: r.volume,
    openedAt: iso(r.opened_at),
    closedAt: isoOrNull(r.closed_at),
  };
}

export function toClosure(r: ClosureRow): BookClosure {
  return {
    authorityId: r.authority_id,
    bookType: r.book_type,
    year: r.year,
    numbersUsed: r.numbers_used,
    issued: r.issued,
    voided: r.voided,
    closedAt: iso(r.closed_at),
  };
}

export function toRequest(r: RequestRow): StoredRequest {
  return {
    id: r.id,
    authorityId: r.authority_id,
    idempotencyKey: r.idempotency_key,
    fingerprint: r.fingerprint,
    kind: r.kind,
    state: r.state,
    requester: r.requester,
    certifier: r.certifier,
    fee: r.fee,
    feeReceiptNo: r.fee_receipt_no,
    deliveryChannel: r.delivery_channel,
    deliveryAddress: r.delivery_address,
    refusalCode: r.refusal_code,
    refusalText: r.refusal_text,
    refusalDocument: r.refusal_document,
    voidReason: r.void_reason,
    createdAt: iso(r.created_at),
    completedAt: isoOrNull(r.completed_at),
    receivedAt: isoOrNull(r.received_at),
    dueAt: isoOrNull(r.due_at),
    extension: r.extension,
    paymentChannel: r.payment_channel,
    deliveredAt: isoOrNull(r.delivered_at),
  };
}

export function toEntry(r: EntryRow): RegisterEntry {
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
    certifiedAt: iso(r.certified_at),
    requesterName: r.requester_name,
    documentName: r.document_name,
    originalPages: r.original_pages,
    paperCopies: r.paper_copies,
    electronicCopy: r.electronic_copy,
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
    vneidDataUsed: r.vneid_data_used,
    signingEvidence: r.signing_evidence,
  };
}
