/**
 * An extension agreed after receipt (Decree 23/2015 Art. 21; docs/domain.md §5.3). The article lets the time limit
 * run longer when the office "cannot meet" it for several originals, many pages or copies, or content hard to
 * check — which the officer may only find while checking — and names no moment for the decision. kyso allows it
 * later under the same limits, counted on the whole: every extension of a request added together, from the due day
 * the request had without one, up to 2 working days, more only by written agreement with the requester. It must be
 * agreed before the request is due (a result already late is not made on time afterwards) and before the result is
 * returned; each one is kept with its reason and time, and a new appointment slip gives the new due time.
 */
import { DeadlineError } from './errors.js';
import {
  checkExtension,
  computeDueTime,
  DEFAULT_DEADLINE_POLICY,
  type DeadlinePolicy,
  type DueTime,
  type Extension,
} from './due-time.js';
import type { WorkingCalendar } from './working-calendar.js';

/** One extension as agreed (at receipt, or later). */
export interface ExtensionRecord {
  /** When it was agreed (ISO 8601 UTC). */
  agreedAt: string;
  workingDays: number;
  reason: string;
  writtenAgreement: boolean;
  /** The due time before and after it. */
  dueBefore: string;
  dueAfter: string;
}

/** What the request is at the moment of the later extension. */
export interface ExtendableRequest {
  state: 'pending' | 'issued' | 'void' | 'refused';
  receivedAt: string | null;
  dueAt: string | null;
  returnedAt: string | null;
  /** The extension(s) so far, added together; null without one. */
  extension: Extension | null;
}

export interface LaterExtensionPlan {
  /** The request's extension from now on: every one added together. */
  total: Extension;
  due: DueTime;
  record: ExtensionRecord;
}

/** Checks a later extension against the request and the limits; the new total and due time. Throws a DeadlineError. */
export function planLaterExtension(
  request: ExtendableRequest,
  extension: Extension,
  at: Date,
  options: { calendar: WorkingCalendar; policy?: Partial<DeadlinePolicy> },
): LaterExtensionPlan {
  const policy = { ...DEFAULT_DEADLINE_POLICY, ...options.policy };
  if (request.state === 'void' || request.state === 'refused')
    throw new DeadlineError('DEADLINE_NOT_EXTENSIBLE', { reason: request.state });
  if (!request.dueAt || !request.receivedAt)
    throw new DeadlineError('DEADLINE_NOT_EXTENSIBLE', { reason: 'no-due-time' });
  if (request.returnedAt)
    throw new DeadlineError('DEADLINE_NOT_EXTENSIBLE', { reason: 'returned', returnedAt: request.returnedAt });
  if (at.getTime() > Date.parse(request.dueAt)) throw new DeadlineError('DEADLINE_PASSED', { dueAt: request.dueAt });
  // Its own shape first (days from 1, a reason); the written agreement is judged on the total below.
  const own = checkExtension(
    { ...extension, writtenAgreement: extension?.writtenAgreement ?? false },
    { ...policy, maxExtensionWithoutAgreement: policy.maxExtension },
  );
  const before = request.extension?.workingDays ?? 0;
  const workingDays = before + own.workingDays;
  if (workingDays > policy.maxExtension) {
    throw new DeadlineError(
      'DEADLINE_BAD_INPUT',
      { field: 'extension.workingDays', max: policy.maxExtension - before },
      `extension.workingDays: at most ${policy.maxExtension - before} more`,
    );
  }
  // Beyond the limit the total needs the requester's written agreement, given with this extension.
  if (workingDays > policy.maxExtensionWithoutAgreement && own.writtenAgreement !== true) {
    throw new DeadlineError('DEADLINE_EXTENSION_TOO_LONG', { workingDays, limit: policy.maxExtensionWithoutAgreement });
  }
  const reason = request.extension ? `${request.extension.reason}; ${own.reason}`.slice(0, 2_000) : own.reason;
  const total: Extension = {
    workingDays,
    reason,
    ...(own.writtenAgreement || request.extension?.writtenAgreement ? { writtenAgreement: true } : {}),
  };
  const due = computeDueTime(new Date(request.receivedAt), { calendar: options.calendar, policy, extension: total });
  return {
    total: due.extension!,
    due,
    record: {
      agreedAt: at.toISOString(),
      workingDays: own.workingDays,
      reason: own.reason,
      writtenAgreement: own.writtenAgreement === true,
      dueBefore: request.dueAt,
      dueAfter: due.dueAt,
    },
  };
}
