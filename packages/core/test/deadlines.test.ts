/**
 * The due-time rules of Decree 23/2015 Art. 7 and 21 on the working-day calendar: the 15:00 boundary, Fridays,
 * weekends, public holidays and Tết (lunar dates), compensatory days, make-up Saturdays, extensions and their
 * limits, configurable weekends, and years without data.
 */
import { describe, expect, it } from 'vitest';
import { computeDueTime, DeadlineError, deadlineState, VN_PUBLIC_HOLIDAYS, WorkingCalendar } from '@kyso/core';

/** Vietnam local time → Date. */
const vn = (local: string) => new Date(`${local}+07:00`);
const due = (local: string, opts: Parameters<typeof computeDueTime>[1] = {}) => computeDueTime(vn(local), opts);

describe('the due time (Art. 7)', () => {
  it('is the same working day, at closing time, for a request received by 15:00', () => {
    const d = due('2026-03-10T09:30:00'); // Tuesday
    expect(d).toMatchObject({
      rule: 'same-day',
      dueDay: '2026-03-10',
      dueAt: '2026-03-10T10:00:00.000Z',
      appointmentSlip: false,
      calendarComplete: true,
    });
  });

  it('counts 15:00:00 exactly as in time and 15:00:01 as after 15:00', () => {
    expect(due('2026-03-10T15:00:00').dueDay).toBe('2026-03-10');
    const late = due('2026-03-10T15:00:01');
    expect(late).toMatchObject({ rule: 'after-cutoff', dueDay: '2026-03-11', appointmentSlip: true });
  });

  it('makes a Friday-afternoon request due on Monday', () => {
    expect(due('2026-03-13T16:10:00')).toMatchObject({ rule: 'after-cutoff', dueDay: '2026-03-16' });
    expect(due('2026-03-13T14:59:00').dueDay).toBe('2026-03-13');
  });

  it('starts a weekend request (online) on the next working day', () => {
    expect(due('2026-03-14T10:00:00')).toMatchObject({
      rule: 'received-on-day-off',
      dueDay: '2026-03-16',
      appointmentSlip: true,
    });
    expect(due('2026-03-15T20:00:00').dueDay).toBe('2026-03-16');
  });

  it('uses Vietnam time, not UTC: 23:30 UTC on Monday is Tuesday morning in Vietnam', () => {
    expect(computeDueTime(new Date('2026-03-09T23:30:00Z'))).toMatchObject({
      receivedDay: '2026-03-10',
      dueDay: '2026-03-10',
      rule: 'same-day',
    });
  });

  it('skips Tết: a request on the last working day before Tết 2026, after 15:00, is due after the holiday', () => {
    // Tết Bính Ngọ: 17/02/2026; days off 16–20/02 (Mon–Fri) and the weekends around them.
    expect(due('2026-02-13T15:30:00')).toMatchObject({ dueDay: '2026-02-23', appointmentSlip: true });
    expect(due('2026-02-18T09:00:00')).toMatchObject({ rule: 'received-on-day-off', dueDay: '2026-02-23' });
  });

  it('skips 30/4 and 1/5, and the 2025 swapped Friday, and works the make-up Saturday', () => {
    // 2025: 30/4 Wed, 1/5 Thu, 2/5 Fri swapped with Saturday 26/4.
    expect(due('2025-04-29T16:00:00').dueDay).toBe('2025-05-05');
    const sat = new WorkingCalendar().day('2025-04-26');
    expect(sat).toMatchObject({ working: true, reason: 'make-up workday' });
    expect(due('2025-04-26T10:00:00')).toMatchObject({ rule: 'same-day', dueDay: '2025-04-26' });
  });

  it("gives the compensatory day for Hùng Kings' day on a Sunday (26/4/2026 → Monday 27/4)", () => {
    const cal = new WorkingCalendar();
    expect(cal.day('2026-04-26')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.day('2026-04-27')).toMatchObject({ working: false, reason: 'compensation' });
    // Friday 24/4 after 15:00 → Tuesday 28/4 (27 compensatory, 29 is a working day, 30/4 a holiday).
    expect(due('2026-04-24T15:01:00').dueDay).toBe('2026-04-28');
  });

  it('ships Tết and 10/3 for 2025–2030 on the Vietnamese (UTC+7) lunar calendar', () => {
    const tet = Object.fromEntries(
      Object.values(VN_PUBLIC_HOLIDAYS).map((y) => [y.year, y.days.find((d) => d.name.includes('mùng 1'))!.date]),
    );
    expect(tet).toEqual({
      2025: '2025-01-29',
      2026: '2026-02-17',
      2027: '2027-02-06',
      2028: '2028-01-26',
      2029: '2029-02-13',
      2030: '2030-02-02',
    });
    const hung = Object.values(VN_PUBLIC_HOLIDAYS).map((y) => y.days.find((d) => d.name.startsWith('Giỗ Tổ'))!.date);
    expect(hung).toEqual(['2025-04-07', '2026-04-26', '2027-04-16', '2028-04-04', '2029-04-23', '2030-04-12']);
    for (const y of Object.values(VN_PUBLIC_HOLIDAYS)) expect(y.source).toMatch(/Art\. 112/);
  });

  it('compensates Tết 2027 days that fall on the weekend (6–7/02/2027) on the next working days', () => {
    const cal = new WorkingCalendar();
    expect(cal.day('2027-02-10')).toMatchObject({ working: false, reason: 'compensation' });
    expect(cal.day('2027-02-11')).toMatchObject({ working: false, reason: 'compensation' });
    expect(cal.day('2027-02-12').working).toBe(true);
    expect(due('2027-02-04T15:30:00').dueDay).toBe('2027-02-12');
  });
});

describe('extensions (Art. 21)', () => {
  it('adds up to 2 working days with a reason, across a weekend', () => {
    const d = due('2026-03-12T10:00:00', { extension: { workingDays: 2, reason: 'Nhiều bản chính, nhiều trang' } });
    expect(d).toMatchObject({
      baseDueDay: '2026-03-12',
      dueDay: '2026-03-16',
      appointmentSlip: true,
      extension: { workingDays: 2, reason: 'Nhiều bản chính, nhiều trang' },
    });
  });

  it('refuses more than 2 working days without a written agreement, and allows them with one', () => {
    const e = (() => {
      try {
        due('2026-03-12T10:00:00', { extension: { workingDays: 3, reason: 'Nội dung phức tạp' } });
      } catch (err) {
        return err;
      }
    })() as DeadlineError;
    expect(e).toBeInstanceOf(DeadlineError);
    expect(e.code).toBe('DEADLINE_EXTENSION_TOO_LONG');
    expect(e.messageVi).toMatch(/văn bản/);
    expect(
      due('2026-03-12T10:00:00', { extension: { workingDays: 5, reason: 'Nội dung phức tạp', writtenAgreement: true } })
        .dueDay,
    ).toBe('2026-03-19');
  });

  it('refuses an extension without a reason, or of zero days', () => {
    expect(() => due('2026-03-12T10:00:00', { extension: { workingDays: 1, reason: ' ' } })).toThrow(
      expect.objectContaining({ code: 'DEADLINE_EXTENSION_NO_REASON' }),
    );
    expect(() => due('2026-03-12T10:00:00', { extension: { workingDays: 0, reason: 'x' } })).toThrow(
      expect.objectContaining({ code: 'DEADLINE_BAD_INPUT' }),
    );
  });
});

describe('the calendar configuration', () => {
  it('takes other weekends (a Saturday-working office)', () => {
    expect(due('2026-03-13T16:00:00', { calendar: { weekend: [0] } }).dueDay).toBe('2026-03-14');
  });

  it('takes extra days off and a replaced year', () => {
    expect(due('2026-03-10T16:00:00', { calendar: { extraDaysOff: ['2026-03-11'] } }).dueDay).toBe('2026-03-12');
    const cal = new WorkingCalendar({
      holidays: {
        2026: { year: 2026, status: 'official', source: 'test', days: [], workdays: [], compensationIncluded: true },
      },
    });
    expect(cal.isWorkingDay('2026-02-17')).toBe(true);
  });

  it('says when a year has no holiday data, or refuses it when configured to', () => {
    expect(due('2031-03-11T09:00:00')).toMatchObject({ dueDay: '2031-03-11', calendarComplete: false });
    expect(() => due('2031-03-11T09:00:00', { calendar: { unknownYear: 'error' } })).toThrow(
      expect.objectContaining({ code: 'DEADLINE_NO_CALENDAR_YEAR' }),
    );
  });

  it('refuses a bad weekend, a bad date and a bad cutoff', () => {
    expect(() => new WorkingCalendar({ weekend: [7] })).toThrow(
      expect.objectContaining({ code: 'DEADLINE_BAD_CALENDAR' }),
    );
    expect(() => new WorkingCalendar({ extraDaysOff: ['2026-02-30'] })).toThrow(
      expect.objectContaining({ code: 'DEADLINE_BAD_CALENDAR' }),
    );
    expect(() => due('2026-03-10T09:00:00', { policy: { cutoff: '25:00' } })).toThrow(
      expect.objectContaining({ code: 'DEADLINE_BAD_CALENDAR' }),
    );
    expect(() => computeDueTime(new Date('x'))).toThrow(expect.objectContaining({ code: 'DEADLINE_BAD_INPUT' }));
  });
});

describe('overdue and returned late', () => {
  it('flags each state', () => {
    const dueAt = '2026-03-10T10:00:00.000Z';
    expect(deadlineState(dueAt, null, new Date('2026-03-10T09:00:00Z'))).toBe('open');
    expect(deadlineState(dueAt, null, new Date('2026-03-10T10:00:01Z'))).toBe('overdue');
    expect(deadlineState(dueAt, '2026-03-10T10:00:00.000Z', new Date('2026-04-01T00:00:00Z'))).toBe('returned-on-time');
    expect(deadlineState(dueAt, '2026-03-11T01:00:00.000Z', new Date('2026-04-01T00:00:00Z'))).toBe('returned-late');
    expect(deadlineState(null, null, new Date())).toBeNull();
  });
});
