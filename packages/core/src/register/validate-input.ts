/** Checks on what callers ask the register to record, shared by every adapter: bad input records nothing. */
import { RegisterError } from './errors.js';
import { isRefusalCode } from './refusal-grounds.js';
import type { AuthorityInput, Certifier, CompleteInput, RefusalInput, Requester, ReserveInput } from './types.js';

const BASES = new Set(['own-competence', 'authorised', 'assigned']);
const CHANNELS = new Set(['KHO_DVCQG', 'EMAIL', 'IN_PERSON']);
const MAX_TEXT = 2_000;

function bad(field: string, why: string): never {
  throw new RegisterError('REGISTER_BAD_INPUT', { field }, `${field}: ${why}`);
}

function text(v: unknown, field: string, required = true): void {
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || (required && v.trim() === '')) bad(field, 'a non-empty string is required');
  if (v.length > MAX_TEXT) bad(field, `at most ${MAX_TEXT} characters`);
}

export function checkKey(key: unknown, field = 'idempotencyKey'): void {
  text(key, field);
  if ((key as string).length > 200) bad(field, 'at most 200 characters');
}

export function checkRequester(r: Requester | undefined): void {
  if (!r || typeof r !== 'object') bad('requester', 'required');
  text(r.name, 'requester.name');
  text(r.idNumber, 'requester.idNumber', false);
  text(r.email, 'requester.email', false);
}

export function checkCertifier(c: Certifier | undefined, field = 'certifier'): void {
  if (!c || typeof c !== 'object') bad(field, 'required');
  text(c.name, `${field}.name`);
  text(c.title, `${field}.title`, false);
  if (!BASES.has(c.basis)) bad(`${field}.basis`, 'own-competence, authorised or assigned');
  text(c.basisReference, `${field}.basisReference`, false);
}

export function checkAuthorityInput(a: AuthorityInput): void {
  text(a?.id, 'authority.id');
  text(a.name, 'authority.name');
  if (a.bookTypes !== undefined && (!Array.isArray(a.bookTypes) || a.bookTypes.length === 0))
    bad('authority.bookTypes', 'a non-empty list');
  for (const t of a.bookTypes ?? []) text(t, 'authority.bookTypes[]');
  if (a.electronicBookType !== undefined && a.electronicBookType !== null)
    text(a.electronicBookType, 'authority.electronicBookType');
}

export function checkReserveInput(input: ReserveInput): void {
  if (!input || typeof input !== 'object') bad('input', 'required');
  checkKey(input.idempotencyKey);
  text(input.authorityId, 'authorityId');
  checkRequester(input.requester);
  checkCertifier(input.certifier);
  if (!Array.isArray(input.originals) || input.originals.length === 0) bad('originals', 'at least one original');
  input.originals.forEach((o, i) => {
    text(o.documentName, `originals[${i}].documentName`);
    if (!Number.isSafeInteger(o.pages) || o.pages < 1) bad(`originals[${i}].pages`, 'a positive integer');
    if (!Number.isSafeInteger(o.paperCopies) || o.paperCopies < 0)
      bad(`originals[${i}].paperCopies`, 'a non-negative integer');
    if (typeof o.electronicCopy !== 'boolean') bad(`originals[${i}].electronicCopy`, 'a boolean');
    if (o.paperCopies === 0 && !o.electronicCopy) bad(`originals[${i}]`, 'no copy requested');
    text(o.bookType, `originals[${i}].bookType`, false);
    text(o.notes, `originals[${i}].notes`, false);
    if (o.contentSha256 !== undefined && !/^[0-9a-f]{64}$/.test(o.contentSha256))
      bad(`originals[${i}].contentSha256`, 'lowercase hex SHA-256');
  });
  const fee = input.fee;
  if (!fee || !Number.isSafeInteger(fee.total) || fee.total < 0 || !Array.isArray(fee.lines))
    bad('fee', 'a fee quote with an integer total');
  for (const l of fee.lines)
    if (!Number.isSafeInteger(l.amount) || l.amount < 0) bad('fee.lines', 'integer VND amounts');
  if (fee.lines.reduce((s, l) => s + l.amount, 0) !== fee.total) bad('fee', 'the lines do not add up to the total');
  text(input.feeReceiptNo, 'feeReceiptNo', false);
  if (input.delivery !== undefined) {
    if (!CHANNELS.has(input.delivery?.channel)) bad('delivery.channel', 'KHO_DVCQG, EMAIL or IN_PERSON');
    text(input.delivery.address, 'delivery.address', false);
    if (input.delivery.channel === 'EMAIL' && !input.delivery.address)
      bad('delivery.address', 'an e-mail address is required for EMAIL');
  }
  checkPaymentChannel(input.paymentChannel);
}

const PAYMENT_CHANNELS = new Set(['CASH', 'ONLINE']);
/** A receipt or delivery time may be this far ahead of the register's clock (clocks of two machines differ). */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** And at most this far back (a request is settled within days; a year covers any written extension). */
export const MAX_BACKDATE_MS = 366 * 86_400_000;

/** A time the caller gives (a Date or ISO 8601 with an offset), checked against `now`. */
export function checkInstant(v: Date | string | undefined, field: string, now: Date, notBefore?: string): Date {
  if (v === undefined) return now;
  let d: Date;
  if (v instanceof Date) d = v;
  else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(v))
    d = new Date(v);
  else bad(field, 'an ISO 8601 time with its offset, e.g. 2026-03-10T09:30:00+07:00');
  if (Number.isNaN(d.getTime())) bad(field, 'not a valid time');
  if (d.getTime() > now.getTime() + CLOCK_SKEW_MS) bad(field, 'in the future');
  if (d.getTime() < now.getTime() - MAX_BACKDATE_MS) bad(field, 'more than a year ago');
  if (notBefore && d.getTime() < Date.parse(notBefore)) bad(field, `before ${notBefore}`);
  return d;
}

export function checkPaymentChannel(v: unknown): void {
  if (v !== undefined && !PAYMENT_CHANNELS.has(v as string)) bad('paymentChannel', 'CASH or ONLINE');
}

export function checkRefusalInput(input: RefusalInput): void {
  if (!input || typeof input !== 'object') bad('input', 'required');
  checkKey(input.idempotencyKey);
  text(input.authorityId, 'authorityId');
  checkRequester(input.requester);
  checkCertifier(input.certifier);
  text(input.documentName, 'documentName');
  text(input.text, 'text', false);
}

export function checkRefusalCode(code: unknown): void {
  if (!isRefusalCode(code)) throw new RegisterError('REGISTER_BAD_REFUSAL_CODE', { code: String(code) });
}

export function checkCompleteInput(input: CompleteInput): void {
  if (!input || !Array.isArray(input.eCopies)) bad('eCopies', 'a list');
  input.eCopies.forEach((e, i) => {
    if (!Number.isSafeInteger(e.entryId)) bad(`eCopies[${i}].entryId`, 'an entry id');
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256))
      bad(`eCopies[${i}].sha256`, 'lowercase hex SHA-256');
    if (e.pdf !== undefined && !(e.pdf instanceof Uint8Array)) bad(`eCopies[${i}].pdf`, 'bytes');
    if (
      e.evidence !== undefined &&
      (typeof e.evidence !== 'object' || e.evidence === null || typeof e.evidence.level !== 'string')
    )
      bad(`eCopies[${i}].evidence`, 'a SigningEvidence object');
  });
}
