/**
 * A checked search (`EntrySearch`) as SQL conditions, for both stores: every value a bound parameter. The two
 * dialects differ only in how a parameter is written (`?` or `$n`) and in the test on the folded requester name
 * (SQLite folds with a registered function; PostgreSQL keeps a folded copy of the name in the entry row).
 */
import type { DeadlineState } from '../deadlines/due-time.js';
import type { EntrySearch } from './entry-query.js';

export interface SqlDialect {
  /** Adds a value to the arguments and returns its placeholder. */
  param(value: unknown, args: unknown[]): string;
  /** A condition: the entry's folded requester name contains the (already folded) placeholder. */
  requesterContains(placeholder: string): string;
}

export function entryConditions(s: EntrySearch, dialect: SqlDialect): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const p = (v: unknown) => dialect.param(v, args);
  if (s.authorityId !== undefined) where.push(`authority_id = ${p(s.authorityId)}`);
  if (s.bookType !== undefined) where.push(`book_type = ${p(s.bookType)}`);
  if (s.year !== undefined) where.push(`year = ${p(s.year)}`);
  if (s.numberFrom !== undefined) where.push(`seq_no >= ${p(s.numberFrom)}`);
  if (s.numberTo !== undefined) where.push(`seq_no <= ${p(s.numberTo)}`);
  if (s.certifiedFrom !== undefined) where.push(`certified_at >= ${p(s.certifiedFrom)}`);
  if (s.certifiedTo !== undefined) where.push(`certified_at < ${p(s.certifiedTo)}`);
  if (s.requesterFolded !== undefined) where.push(dialect.requesterContains(p(s.requesterFolded)));
  if (s.states !== undefined) where.push(`state IN (${s.states.map((x) => p(x)).join(', ')})`);
  if (s.channel !== undefined) where.push(`delivery_channel = ${p(s.channel)}`);
  if (s.deadline !== undefined) where.push(deadlineCondition(s.deadline.states, () => p(s.deadline!.at)));
  if (s.after !== undefined) {
    const [a, b, y, n] = s.after;
    where.push(`(authority_id, book_type, year, seq_no) > (${p(a)}, ${p(b)}, ${p(y)}, ${p(n)})`);
  }
  return { where, args };
}

/**
 * When a request's result was returned (entry-deadline.ts's `returnedAt`): an issued request with an e-copy when
 * delivered, one of paper copies alone when issued; NULL before. Instants compare as time in both stores (ISO
 * strings in SQLite, timestamptz in PostgreSQL); `x.electronic_copy` is a truth value in both.
 */
const RETURNED = `CASE WHEN r.state = 'issued' THEN CASE WHEN EXISTS (SELECT 1 FROM entries x WHERE x.request_id = r.id AND x.electronic_copy) THEN r.delivered_at ELSE r.completed_at END END`;

/**
 * entry-deadline.ts's `requestDeadline` as SQL: no state without a due time, or for a void or refused request. `now`
 * binds the instant afresh at each use (SQLite's `?` placeholders are positional: one per use).
 */
function deadlineCondition(states: readonly DeadlineState[], now: () => string): string {
  const one: Record<DeadlineState, () => string> = {
    open: () => `(${RETURNED}) IS NULL AND r.due_at >= ${now()}`,
    overdue: () => `(${RETURNED}) IS NULL AND r.due_at < ${now()}`,
    'returned-on-time': () => `(${RETURNED}) <= r.due_at`,
    'returned-late': () => `(${RETURNED}) > r.due_at`,
  };
  // Correlated on the entry's request (its primary key): a page in the book's order stops at its limit instead of
  // judging every request first.
  return `EXISTS (SELECT 1 FROM requests r WHERE r.id = entries.request_id AND r.due_at IS NOT NULL AND r.state NOT IN ('void', 'refused') AND (${states.map((s) => `(${one[s]()})`).join(' OR ')}))`;
}

/** `?` placeholders (SQLite). */
export const QUESTION_MARKS = (v: unknown, args: unknown[]) => (args.push(v), '?');
/** `$1, $2, …` placeholders (PostgreSQL). */
export const NUMBERED = (v: unknown, args: unknown[]) => (args.push(v), `$${args.length}`);
