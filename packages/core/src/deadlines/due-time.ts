/**
 * When a certification is due (Decree 23/2015 Art. 7 and 21; docs/domain.md §5.3): the same working day the
 * complete request is received, or the next working day when it is received after 15:00; a request received on a
 * day off counts from the next working day. An extension (several originals, many pages or copies, content hard to
 * check) adds up to 2 working days, or more by written agreement with the requester, always with its reason. A
 * result returned on a later working day than the receipt needs an appointment slip (phiếu hẹn).
 *
 * "Due on a day" means by the office's closing time that day (default 17:00 Vietnam time; the decree names no hour:
 * configuration).
 */
import { DeadlineError } from './errors.js';
import {
  parseHhmm,
  vietnamDay,
  vietnamInstant,
  vietnamMinuteOfDay,
  WorkingCalendar,
  type WorkingCalendarConfig,
} from './working-calendar.js';

export interface DeadlinePolicy {
  /** Requests received after this time (Vietnam time) are due the next working day (Art. 7: 15:00). */
  cutoff: string;
  /** The office's closing time on the due day (Vietnam time). */
  closeOfBusiness: string;
  /** Working days an extension may add without a written agreement (Art. 21: 2). */
  maxExtensionWithoutAgreement: number;
  /** A sanity bound on any extension, written agreement or not. */
  maxExtension: number;
}

export const DEFAULT_DEADLINE_POLICY: Readonly<DeadlinePolicy> = Object.freeze({
  cutoff: '15:00',
  closeOfBusiness: '17:00',
  maxExtensionWithoutAgreement: 2,
  maxExtension: 30,
});

export const DEADLINE_LEGAL_BASIS = 'Điều 7 và Điều 21 Nghị định 23/2015/NĐ-CP';

export interface Extension {
  /** Working days added to the due day. */
  workingDays: number;
  /** Why (nhiều loại giấy tờ, nhiều trang, nhiều bản, nội dung phức tạp khó kiểm tra…). */
  reason: string;
  /** The requester agreed in writing (needed beyond `maxExtensionWithoutAgreement` days). */
  writtenAgreement?: boolean;
}

export interface DueTime {
  /** When the request was received (ISO 8601 UTC). */
  receivedAt: string;
  /** The Vietnam day whose working day the clock starts on. */
  receivedDay: string;
  /** The working day it is due without an extension. */
  baseDueDay: string;
  /** The working day it is due (with any extension). */
  dueDay: string;
  /** The due instant: closing time of the due day (ISO 8601 UTC). */
  dueAt: string;
  rule: 'same-day' | 'after-cutoff' | 'received-on-day-off';
  extension: Extension | null;
  /** The result is returned on a later day than the receipt: an appointment slip is issued (Art. 21). */
  appointmentSlip: boolean;
  /** False when a day on the way had no holiday data (only weekends were known). */
  calendarComplete: boolean;
  legalBasis: string;
}

/** Checks an extension against the policy: its reason, its length, the written agreement beyond the limit. */
export function checkExtension(ext: Extension, policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY): Extension {
  if (!ext || typeof ext !== 'object')
    throw new DeadlineError('DEADLINE_BAD_INPUT', { field: 'extension' }, 'extension: an object');
  if (!Number.isSafeInteger(ext.workingDays) || ext.workingDays < 1 || ext.workingDays > policy.maxExtension) {
    throw new DeadlineError(
      'DEADLINE_BAD_INPUT',
      { field: 'extension.workingDays', max: policy.maxExtension },
      `extension.workingDays: 1 to ${policy.maxExtension}`,
    );
  }
  if (typeof ext.reason !== 'string' || ext.reason.trim() === '' || ext.reason.length > 2_000)
    throw new DeadlineError('DEADLINE_EXTENSION_NO_REASON', { field: 'extension.reason' });
  if (ext.writtenAgreement !== undefined && typeof ext.writtenAgreement !== 'boolean') {
    throw new DeadlineError(
      'DEADLINE_BAD_INPUT',
      { field: 'extension.writtenAgreement' },
      'extension.writtenAgreement: a boolean',
    );
  }
  if (ext.workingDays > policy.maxExtensionWithoutAgreement && ext.writtenAgreement !== true) {
    throw new DeadlineError('DEADLINE_EXTENSION_TOO_LONG', {
      workingDays: ext.workingDays,
      limit: policy.maxExtensionWithoutAgreement,
    });
  }
  return {
    workingDays: ext.workingDays,
    reason: ext.reason.trim(),
    ...(ext.writtenAgreement ? { writtenAgreement: true } : {}),
  };
}

export function checkDeadlinePolicy(p: Partial<DeadlinePolicy> = {}): DeadlinePolicy {
  const policy = { ...DEFAULT_DEADLINE_POLICY, ...p };
  parseHhmm(policy.cutoff, 'cutoff');
  parseHhmm(policy.closeOfBusiness, 'closeOfBusiness');
  for (const k of ['maxExtensionWithoutAgreement', 'maxExtension'] as const) {
    if (!Number.isSafeInteger(policy[k]) || policy[k] < 0 || policy[k] > 366)
      throw new DeadlineError('DEADLINE_BAD_CALENDAR', { field: k }, `${k}: 0 to 366`);
  }
  return policy;
}

/** The due time of a request received at `receivedAt`. */
export function computeDueTime(
  receivedAt: Date,
  options: {
    calendar?: WorkingCalendar | WorkingCalendarConfig;
    policy?: Partial<DeadlinePolicy>;
    extension?: Extension | null;
  } = {},
): DueTime {
  if (!(receivedAt instanceof Date) || Number.isNaN(receivedAt.getTime()))
    throw new DeadlineError('DEADLINE_BAD_INPUT', { field: 'receivedAt' }, 'receivedAt: a valid time');
  const calendar =
    options.calendar instanceof WorkingCalendar ? options.calendar : new WorkingCalendar(options.calendar);
  const policy = checkDeadlinePolicy(options.policy);
  const extension = options.extension ? checkExtension(options.extension, policy) : null;
  const day = vietnamDay(receivedAt);
  const today = calendar.day(day);
  const [ch, cm] = parseHhmm(policy.cutoff, 'cutoff');
  // "After 15:00": 15:00:00 exactly is still in time; 15:00:00.001 is not.
  const afterCutoff = vietnamMinuteOfDay(receivedAt) > ch * 60 + cm;
  let rule: DueTime['rule'];
  let base;
  if (!today.working) {
    rule = 'received-on-day-off';
    base = calendar.workingDayOnOrAfter(day);
  } else if (afterCutoff) {
    rule = 'after-cutoff';
    base = calendar.addWorkingDays(day, 1);
  } else {
    rule = 'same-day';
    base = today;
  }
  const due = extension ? calendar.addWorkingDays(base.date, extension.workingDays) : base;
  const complete = [today, base, due].every((d) => d.complete) && yearsComplete(calendar, day, due.date);
  return {
    receivedAt: receivedAt.toISOString(),
    receivedDay: day,
    baseDueDay: base.date,
    dueDay: due.date,
    dueAt: vietnamInstant(due.date, policy.closeOfBusiness).toISOString(),
    rule,
    extension,
    appointmentSlip: due.date !== day,
    calendarComplete: complete,
    legalBasis: DEADLINE_LEGAL_BASIS,
  };
}

function yearsComplete(calendar: WorkingCalendar, from: string, to: string): boolean {
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++)
    if (!calendar.years.includes(y)) return false;
  return true;
}

/** Where a request stands against its due time: every value, for the checks and schemas that list them. */
export const DEADLINE_STATES = ['open', 'overdue', 'returned-on-time', 'returned-late'] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];

export function deadlineState(dueAt: string | null, returnedAt: string | null, now: Date): DeadlineState | null {
  if (!dueAt) return null;
  const due = Date.parse(dueAt);
  if (returnedAt) return Date.parse(returnedAt) <= due ? 'returned-on-time' : 'returned-late';
  return now.getTime() > due ? 'overdue' : 'open';
}
