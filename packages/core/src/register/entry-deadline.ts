/**
 * Where an entry stands against its request's due time (Decree 23/2015 Art. 7 and 21), for the register's listings:
 * open, overdue now, returned on time or returned late. Every entry of a request shares the request's due time and
 * return time. Store-neutral: any register computes it the same way from the request's facts and its clock.
 */
import { deadlineState, type DeadlineState } from '../deadlines/due-time.js';
import type { RequestState } from './types.js';

export interface EntryDeadline {
  /** When the request is due (ISO 8601 UTC); null for a request recorded before deadlines were kept. */
  dueAt: string | null;
  /** When the result was returned: the e-copy's delivery, or the issue of paper copies alone. */
  returnedAt: string | null;
  /** Against the due time at the register's clock; null without a due time, or for a voided request. */
  state: DeadlineState | null;
}

/** The facts of a request the deadline is judged on. */
export interface RequestDeadlineFacts {
  state: RequestState;
  dueAt: string | null;
  completedAt: string | null;
  deliveredAt: string | null;
  /** Whether any of its originals has an electronic copy (then it is returned when the e-copy is delivered). */
  hasElectronicCopy: boolean;
}

/** When the result was returned: an e-copy when delivered, paper copies alone when issued; null before. */
export function returnedAt(r: RequestDeadlineFacts): string | null {
  if (r.state !== 'issued') return null;
  return r.hasElectronicCopy ? r.deliveredAt : r.completedAt;
}

export function requestDeadline(r: RequestDeadlineFacts, now: Date): EntryDeadline {
  const returned = returnedAt(r);
  const state = r.state === 'void' || r.state === 'refused' ? null : deadlineState(r.dueAt, returned, now);
  return { dueAt: r.dueAt, returnedAt: returned, state };
}
