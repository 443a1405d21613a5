/**
 * The rules of a search of the book, for every store: the query checked (bad input is a typed error, never a
 * malformed statement) and normalised into an `EntrySearch` whose values a store binds as parameters; the page size;
 * and the paging cursor (keyset on the book's order, so a page never skips or repeats an entry while others are
 * being written). Each store turns an `EntrySearch` into its own SQL.
 */
import { RegisterError } from './errors.js';
import { DEADLINE_STATES, type DeadlineState } from '../deadlines/due-time.js';
import type { DeliveryChannel, EntryQuery, EntryState } from './types.js';

const STATES: readonly EntryState[] = ['pending', 'issued', 'void'];
const CHANNELS: readonly DeliveryChannel[] = ['KHO_DVCQG', 'EMAIL', 'IN_PERSON'];
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1_000;

function bad(field: string, why: string): never {
  throw new RegisterError('REGISTER_BAD_INPUT', { field }, `${field}: ${why}`);
}

export function checkYear(year: unknown, field = 'year'): asserts year is number {
  if (!Number.isSafeInteger(year) || (year as number) < 1900 || (year as number) > 9999)
    bad(field, 'a year from 1900 to 9999');
}

/** Case and composition folded the same way by every store (SQL's own case folding differs by engine and locale). */
export function foldName(s: string): string {
  return s.normalize('NFC').toLocaleLowerCase('vi');
}

/** A checked query: every field a value to bind; instants as stored (toISOString), the requester already folded. */
export interface EntrySearch {
  authorityId?: string;
  bookType?: string;
  year?: number;
  numberFrom?: number;
  numberTo?: number;
  certifiedFrom?: string;
  certifiedTo?: string;
  requesterFolded?: string;
  states?: EntryState[];
  channel?: DeliveryChannel;
  /** Entries whose request is in one of these deadline states at `at` (the register's clock, ISO 8601). */
  deadline?: { states: DeadlineState[]; at: string };
  /** Continue after this place in the book's order. */
  after?: CursorKey;
}

function instant(v: Date | string | undefined, field: string): string | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime())) bad(field, 'an ISO 8601 instant');
  // Stored instants are toISOString() strings (or timestamps read back as them): they compare as time.
  return d.toISOString();
}

/** The highest sequence number a store keeps (a 32-bit integer column): larger is no number of any book. */
export const MAX_SEQ = 2_147_483_647;

function seq(v: number | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v < 1 || v > MAX_SEQ) bad(field, `a number from 1 to ${MAX_SEQ}`);
  return v;
}

function name(v: string | undefined, field: string, max: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) bad(field, `1 to ${max} characters`);
  return v;
}

/** Checks `q` and the paging cursor and returns what the store searches for; `now` judges the deadline filter. */
export function entrySearch(q: EntryQuery, after?: string, now: Date = new Date()): EntrySearch {
  if (!q || typeof q !== 'object') bad('query', 'an object');
  const s: EntrySearch = {};
  s.authorityId = name(q.authorityId, 'authorityId', 200);
  s.bookType = name(q.bookType, 'bookType', 50);
  if (q.year !== undefined) checkYear(q.year), (s.year = q.year);
  s.numberFrom = seq(q.numberFrom, 'numberFrom');
  s.numberTo = seq(q.numberTo, 'numberTo');
  if (s.numberFrom !== undefined && s.numberTo !== undefined && s.numberFrom > s.numberTo)
    bad('numberTo', 'not below numberFrom');
  s.certifiedFrom = instant(q.certifiedFrom, 'certifiedFrom');
  s.certifiedTo = instant(q.certifiedTo, 'certifiedTo');
  if (s.certifiedFrom !== undefined && s.certifiedTo !== undefined && s.certifiedFrom > s.certifiedTo)
    bad('certifiedTo', 'not before certifiedFrom');
  const requester = name(q.requester, 'requester', 200);
  if (requester !== undefined) s.requesterFolded = foldName(requester.trim());
  if (q.state !== undefined) {
    const states = typeof q.state === 'string' ? [q.state] : [...q.state];
    if (states.length === 0 || !states.every((x) => STATES.includes(x))) bad('state', STATES.join(', '));
    s.states = states;
  }
  if (q.channel !== undefined) {
    if (!CHANNELS.includes(q.channel)) bad('channel', CHANNELS.join(', '));
    s.channel = q.channel;
  }
  if (q.deadline !== undefined) {
    const states = typeof q.deadline === 'string' ? [q.deadline] : [...q.deadline];
    if (states.length === 0 || !states.every((x) => DEADLINE_STATES.includes(x)))
      bad('deadline', DEADLINE_STATES.join(', '));
    s.deadline = { states: [...new Set(states)], at: now.toISOString() };
  }
  if (after !== undefined) s.after = decodeCursor(after);
  for (const k of Object.keys(s) as (keyof EntrySearch)[]) if (s[k] === undefined) delete s[k];
  return s;
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) bad('limit', `1 to ${MAX_PAGE}`);
  return limit;
}

export type CursorKey = [authorityId: string, bookType: string, year: number, seqNo: number];

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
