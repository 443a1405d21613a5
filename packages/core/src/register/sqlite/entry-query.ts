/**
 * A search of the book as SQL: the query checked (bad input is a typed error, never a malformed statement), the
 * WHERE clause built from parameters only, and the paging cursor (keyset on the book's order, so a page never
 * skips or repeats an entry while others are being written).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { RegisterError } from '../errors.js';
import type { DeliveryChannel, EntryQuery, EntryState } from '../types.js';

const STATES: readonly EntryState[] = ['pending', 'issued', 'void'];
const CHANNELS: readonly DeliveryChannel[] = ['KHO_DVCQG', 'EMAIL', 'IN_PERSON'];
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1_000;

function bad(field: string, why: string): never {
  throw new RegisterError('REGISTER_BAD_INPUT', { field }, `${field}: ${why}`);
}

export function checkYear(year: unknown, field = 'year'): asserts year is number {
  if (!Number.isSafeInteger(year) || (year as number) < 1900 || (year as number) > 9999) bad(field, 'a year from 1900 to 9999');
}

/** Case and composition folded the same way on both sides (SQLite's LIKE folds ASCII only, not "Đ" or "Ễ"). */
export function foldName(s: string): string {
  return s.normalize('NFC').toLocaleLowerCase('vi');
}

/** SQL functions the queries use; registered on every connection. */
export function registerFunctions(db: BetterSqlite3.Database): void {
  db.function('kyso_fold', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? foldName(v) : null));
}

function instant(v: Date | string | undefined, field: string): string | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime())) bad(field, 'an ISO 8601 instant');
  // Stored instants are toISOString() strings: compared as text, they sort as time.
  return d.toISOString();
}

function seq(v: number | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v < 1) bad(field, 'a number from 1');
  return v;
}

function name(v: string | undefined, field: string, max: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) bad(field, `1 to ${max} characters`);
  return v;
}

/** The WHERE conditions and their arguments for `q` (every value a parameter). */
export function entryWhere(q: EntryQuery): { where: string[]; args: unknown[] } {
  if (!q || typeof q !== 'object') bad('query', 'an object');
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, ...a: unknown[]) => (where.push(sql), args.push(...a));
  const authority = name(q.authorityId, 'authorityId', 200);
  if (authority !== undefined) add('authority_id = ?', authority);
  const book = name(q.bookType, 'bookType', 50);
  if (book !== undefined) add('book_type = ?', book);
  if (q.year !== undefined) (checkYear(q.year), add('year = ?', q.year));
  const from = seq(q.numberFrom, 'numberFrom');
  const to = seq(q.numberTo, 'numberTo');
  if (from !== undefined && to !== undefined && from > to) bad('numberTo', 'not below numberFrom');
  if (from !== undefined) add('seq_no >= ?', from);
  if (to !== undefined) add('seq_no <= ?', to);
  const after = instant(q.certifiedFrom, 'certifiedFrom');
  const before = instant(q.certifiedTo, 'certifiedTo');
  if (after !== undefined && before !== undefined && after > before) bad('certifiedTo', 'not before certifiedFrom');
  if (after !== undefined) add('certified_at >= ?', after);
  if (before !== undefined) add('certified_at < ?', before);
  const requester = name(q.requester, 'requester', 200);
  if (requester !== undefined) add('instr(kyso_fold(requester_name), ?) > 0', foldName(requester.trim()));
  if (q.state !== undefined) {
    const states = typeof q.state === 'string' ? [q.state] : [...q.state];
    if (states.length === 0 || !states.every((s) => STATES.includes(s))) bad('state', STATES.join(', '));
    add(`state IN (${states.map(() => '?').join(', ')})`, ...states);
  }
  if (q.channel !== undefined) {
    if (!CHANNELS.includes(q.channel)) bad('channel', CHANNELS.join(', '));
    add('delivery_channel = ?', q.channel);
  }
  return { where, args };
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) bad('limit', `1 to ${MAX_PAGE}`);
  return limit;
}

type CursorKey = [authorityId: string, bookType: string, year: number, seqNo: number];

/** Opaque to callers: the last entry's place in the book's order. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    if (typeof cursor !== 'string' || cursor.length > 1_000) throw new Error('size');
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 4 &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      Number.isSafeInteger(v[2]) &&
      Number.isSafeInteger(v[3])
    ) {
      return v as CursorKey;
    }
  } catch {
    // fall through to the typed error
  }
  throw new RegisterError('REGISTER_BAD_CURSOR', {});
}
