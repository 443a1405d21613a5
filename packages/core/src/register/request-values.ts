/**
 * A stored request as the values of its row, for both stores' INSERT: JSON-valued fields as JSON text (SQLite keeps
 * TEXT, PostgreSQL casts to json), in this column order — id, authority_id, idempotency_key, fingerprint, kind, state,
 * requester, certifier, fee_total, fee, fee_receipt_no, delivery_channel, delivery_address, refusal_code,
 * refusal_text, refusal_document, void_reason, created_at, completed_at, received_at, due_at, extension,
 * payment_channel, delivered_at (SQLite names its JSON columns with a `_json` suffix).
 */
import type { StoredRequest } from './store.js';

export function requestValues(r: StoredRequest): unknown[] {
  return [
    r.id,
    r.authorityId,
    r.idempotencyKey,
    r.fingerprint,
    r.kind,
    r.state,
    JSON.stringify(r.requester),
    JSON.stringify(r.certifier),
    r.fee?.total ?? null,
    r.fee ? JSON.stringify(r.fee) : null,
    r.feeReceiptNo,
    r.deliveryChannel,
    r.deliveryAddress,
    r.refusalCode,
    r.refusalText,
    r.refusalDocument,
    r.voidReason,
    r.createdAt,
    r.completedAt,
    r.receivedAt,
    r.dueAt,
    r.extension ? JSON.stringify(r.extension) : null,
    r.paymentChannel,
    r.deliveredAt,
  ];
}
