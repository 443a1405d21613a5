/** Checks on a journal record: bounded plain values only, so nothing but facts can be written into the journal. */
import { JournalError } from './errors.js';
import type { JournalQuery, JournalRecordInput } from './types.js';

const HEX64 = /^[0-9a-f]{64}$/;
/** Codes and ids from the one-stop software: letters, digits and . _ / : - only (no free text, no document content). */
export const JOURNAL_CODE = /^[A-Za-z0-9._/:-]{1,100}$/;
const LEVELS = new Set(['B-B', 'B-T', 'B-LT', 'B-LTA']);
const SOURCES = new Set(['service', 'cli']);
const OPERATIONS = new Set(['sign', 'extend', 'certify']);

function bad(field: string, why: string): never {
  throw new JournalError('JOURNAL_BAD_INPUT', { field }, `${field}: ${why}`);
}

function text(v: unknown, field: string, max: number): void {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max || /[\u0000-\u001f\u007f]/.test(v))
    bad(field, `1 to ${max} printable characters`);
}

export function checkCode(v: unknown, field: string): void {
  if (v !== undefined && (typeof v !== 'string' || !JOURNAL_CODE.test(v)))
    bad(field, '1 to 100 of A-Z a-z 0-9 . _ / : -');
}

export function checkRecordInput(r: JournalRecordInput): void {
  if (!r || typeof r !== 'object') bad('record', 'an object');
  if (r.at !== undefined && (!(r.at instanceof Date) || Number.isNaN(r.at.getTime()))) bad('at', 'a valid Date');
  if (!SOURCES.has(r.source)) bad('source', 'service or cli');
  if (!OPERATIONS.has(r.operation)) bad('operation', 'sign, extend or certify');
  text(r.unit, 'unit', 300);
  text(r.keyAlias, 'keyAlias', 200);
  text(r.signerName, 'signerName', 300);
  if (typeof r.signerCertSha256 !== 'string' || !HEX64.test(r.signerCertSha256))
    bad('signerCertSha256', 'lowercase hex SHA-256');
  if (!LEVELS.has(r.level)) bad('level', 'B-B, B-T, B-LT or B-LTA');
  if (typeof r.documentSha256 !== 'string' || !HEX64.test(r.documentSha256))
    bad('documentSha256', 'lowercase hex SHA-256');
  checkCode(r.procedureCode, 'procedureCode');
  checkCode(r.dossierId, 'dossierId');
}

export function checkQuery(q: JournalQuery): void {
  if (!q || typeof q !== 'object') bad('query', 'an object');
  if (q.unit !== undefined) text(q.unit, 'unit', 300);
  if (q.keyAlias !== undefined) text(q.keyAlias, 'keyAlias', 200);
  checkCode(q.procedureCode, 'procedureCode');
  checkCode(q.dossierId, 'dossierId');
  if (q.documentSha256 !== undefined && (typeof q.documentSha256 !== 'string' || !HEX64.test(q.documentSha256)))
    bad('documentSha256', 'lowercase hex SHA-256');
}

/** An instant as stored (toISOString), or a typed error. */
export function journalInstant(v: Date | string | undefined, field: string): string | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime())) bad(field, 'an ISO 8601 instant');
  return d.toISOString();
}
