/** SQLite rows as the store-neutral shapes of store.ts: JSON columns parsed, 0/1 as booleans. */
import type { Extension } from '../../deadlines/due-time.js';
import type { FeeQuote } from '../../fees/compute-fee.js';
import type { RefusalCode } from '../refusal-grounds.js';
import type { StoredRequest } from '../store.js';
import type { DeliveryChannel, EntryState, PaymentChannel, RegisterEntry, SigningEvidence } from '../types.js';

export interface RequestRow {
  id: string;
  authority_id: string;
  idempotency_key: string;
  fingerprint: string;
  kind: 'certification' | 'refusal';
  state: StoredRequest['state'];
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

export function toRequest(row: RequestRow): StoredRequest {
  return {
    id: row.id,
    authorityId: row.authority_id,
    idempotencyKey: row.idempotency_key,
    fingerprint: row.fingerprint,
    kind: row.kind,
    state: row.state,
    requester: JSON.parse(row.requester_json),
    certifier: JSON.parse(row.certifier_json),
    fee: row.fee_json ? (JSON.parse(row.fee_json) as FeeQuote) : null,
    feeReceiptNo: row.fee_receipt_no,
    deliveryChannel: row.delivery_channel,
    deliveryAddress: row.delivery_address,
    refusalCode: row.refusal_code,
    refusalText: row.refusal_text,
    refusalDocument: row.refusal_document,
    voidReason: row.void_reason,
    createdAt: row.created_at,
    completedAt: row.completed_at,
    receivedAt: row.received_at,
    dueAt: row.due_at,
    extension: row.extension_json ? (JSON.parse(row.extension_json) as Extension) : null,
    paymentChannel: row.payment_channel,
    deliveredAt: row.delivered_at,
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
