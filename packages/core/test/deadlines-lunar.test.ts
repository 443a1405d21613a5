/**
 * The Vietnamese lunar calendar (UTC+7) the lunar holidays are computed with: Tết and Hùng Kings' day against the
 * dates announced for 2024–2026 and the published calendar tables for 2027–2030; the years Vietnam's Tết differs from
 * China's (the time zone); leap months; a round trip over every day of 2024–2030; the holiday data agreeing with it;
 * and due times across a computed Tết (with the compensatory days of the Labour Code).
 */
import { describe, expect, it } from 'vitest';
import { computeDueTime, lunarHolidayDays, lunarToSolar, solarToLunar, VN_PUBLIC_HOLIDAYS } from '@kyso/core';

// Tết (mùng 1 tháng Giêng) and Giỗ Tổ Hùng Vương (10/3): 2024–2026 as announced (the Government's holiday notices,
// press reports [P]); 2027–2030 as the published Vietnamese calendar tables (lịch vạn niên) give them.
const KNOWN: [year: number, tet: string, hung: string][] = [
  [2024, '2024-02-10', '2024-04-18'],
  [2025, '2025-01-29', '2025-04-07'],
  [2026, '2026-02-17', '2026-04-26'],
  [2027, '2027-02-06', '2027-04-16'],
  [2028, '2028-01-26', '2028-04-04'],
  [2029, '2029-02-13', '2029-04-23'],
  [2030, '2030-02-02', '2030-04-12'],
];

describe('the Vietnamese lunar calendar', () => {
  it.each(KNOWN)('%i: Tết %s, Hùng Kings %s', (year, tet, hung) => {
    expect(lunarToSolar(1, 1, year)).toBe(tet);
    expect(lunarToSolar(10, 3, year)).toBe(hung);
    expect(solarToLunar(tet)).toEqual({ day: 1, month: 1, year, leap: false });
    expect(solarToLunar(hung)).toEqual({ day: 10, month: 3, year, leap: false });
  });

  it("is Vietnam's (UTC+7), not China's (UTC+8): Tết 1985, 2007 and 2030 fall on other days", () => {
    expect([lunarToSolar(1, 1, 1985), lunarToSolar(1, 1, 1985, false, 8)]).toEqual(['1985-01-21', '1985-02-20']);
    expect([lunarToSolar(1, 1, 2007), lunarToSolar(1, 1, 2007, false, 8)]).toEqual(['2007-02-17', '2007-02-18']);
    expect([lunarToSolar(1, 1, 2030), lunarToSolar(1, 1, 2030, false, 8)]).toEqual(['2030-02-02', '2030-02-03']);
    expect(solarToLunar('2030-02-02', 8)).toEqual({ day: 30, month: 12, year: 2029, leap: false });
  });

  it('knows the leap months (2023: 2nd, 2025: 6th) and the 29-day last months (no "30 Tết" in 2025)', () => {
    expect(lunarToSolar(1, 2, 2023, true)).toBe('2023-03-22');
    expect(lunarToSolar(1, 6, 2025, true)).toBe('2025-07-25');
    expect(solarToLunar('2025-07-25')).toEqual({ day: 1, month: 6, year: 2025, leap: true });
    expect(lunarToSolar(1, 6, 2024, true)).toBeNull(); // 2024 has no leap month
    expect(solarToLunar('2025-01-28')).toEqual({ day: 29, month: 12, year: 2024, leap: false });
    expect(solarToLunar('2024-02-09')).toEqual({ day: 30, month: 12, year: 2023, leap: false });
  });

  it('goes there and back for every day of 2024–2030', () => {
    let mismatches = 0;
    for (
      let d = new Date('2024-01-01T00:00:00Z');
      d < new Date('2031-01-01T00:00:00Z');
      d.setUTCDate(d.getUTCDate() + 1)
    ) {
      const day = d.toISOString().slice(0, 10);
      const l = solarToLunar(day);
      if (lunarToSolar(l.day, l.month, l.year, l.leap) !== day) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('the holiday data holds the computed lunar days for every year it has (announced years included)', () => {
    for (const data of Object.values(VN_PUBLIC_HOLIDAYS)) {
      const dates = data.days.map((d) => d.date);
      expect(dates, `${data.year} Tết`).toContain(lunarToSolar(1, 1, data.year));
      expect(dates, `${data.year} Hùng`).toContain(lunarToSolar(10, 3, data.year));
    }
    expect(lunarHolidayDays(2031)).toEqual([
      ['01-22', 'Tết Nguyên đán (29 tháng Chạp)'],
      ['01-23', 'Tết Nguyên đán (mùng 1)'],
      ['01-24', 'Tết Nguyên đán (mùng 2)'],
      ['01-25', 'Tết Nguyên đán (mùng 3)'],
      ['01-26', 'Tết Nguyên đán (mùng 4)'],
      ['04-01', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'],
    ]);
  });

  it('due times across a computed Tết: the days off and the compensatory days for Tết on the weekend', () => {
    // Thursday 4 February 2027 after 15:00: Friday is 29 tháng Chạp, Sat–Tue Tết (mùng 1–4), and the Saturday and
    // Sunday of Tết are made up on Wednesday and Thursday (Labour Code Art. 112.3): due Friday 12th.
    expect(computeDueTime(new Date('2027-02-04T16:00:00+07:00')).dueDay).toBe('2027-02-12');
    // Friday 1 February 2030 (29 tháng Chạp, a holiday): from the next working day, Friday 8th.
    expect(computeDueTime(new Date('2030-02-01T10:00:00+07:00'))).toMatchObject({
      rule: 'received-on-day-off',
      dueDay: '2030-02-08',
      calendarComplete: true,
    });
  });
});
