/**
 * Vietnamese public holidays as data, one entry per year (Labour Code 45/2019/QH14 Art. 112; they apply to
 * commune offices as to every employer). The law fixes the days:
 * - 1 January (Tết Dương lịch), 1 day;
 * - Tết Nguyên đán, 5 days (the Prime Minister sets which, each year: usually the last day of the lunar year and the
 *   first four of the new one);
 * - Hùng Kings' day (Giỗ Tổ Hùng Vương), 10th day of the 3rd lunar month, 1 day;
 * - 30 April and 1 May, 1 day each;
 * - 2 September and one day before or after it (the Prime Minister chooses), 2 days.
 * A holiday falling on a weekly rest day gives a compensatory day off on the next working day (Art. 112.3); the
 * calendar adds those unless the year's official schedule already lists them (`compensationIncluded`).
 *
 * Lunar dates (Tết, 10/3) are computed by vn-lunar.ts for Vietnam's meridian (UTC+7) with Hồ Ngọc Đức's
 * lunar-calendar algorithm, which the Vietnamese calendar follows; they differ from the Chinese calendar in some
 * years (Tết 2030 is 2 February in Vietnam, 3 February in China). 2025 is the schedule announced for civil servants
 * (days swapped with make-up Saturdays), read from press reports of the ministries' notices [P]; 2026 has the
 * announced Tết (both checked against the computed lunar days in the tests); for 2027–2030 the lunar days are
 * computed, and only the choices (which Tết days, the day beside 2 September, swaps) are estimates by the rule
 * above until the Prime Minister's decisions are published: a deployment replaces a year with
 * `WorkingCalendarConfig.holidays`, and adds a year past 2030 the same way (`lunarHolidayDays(y)` gives its lunar
 * days).
 * Days the National Assembly may add later (e.g. a Culture Day) are not here (UNCONFIRMED).
 */
import { lunarToSolar, solarToLunar } from './vn-lunar.js';

export interface PublicHolidayDay {
  /** YYYY-MM-DD, Vietnam calendar day. */
  date: string;
  name: string;
}

export interface PublicHolidayYear {
  year: number;
  status: 'official' | 'partly-official' | 'estimated';
  source: string;
  /** Days off, with their names. */
  days: PublicHolidayDay[];
  /** Weekend days worked to make up a swapped day (ngày làm bù). */
  workdays: PublicHolidayDay[];
  /** The schedule already moves holidays that fall on a weekend: the calendar adds no compensatory day. */
  compensationIncluded: boolean;
}

const LUNAR = 'lunar dates computed: Hồ Ngọc Đức algorithm, UTC+7 (vn-lunar.ts)';
const RULE = 'Labour Code 45/2019/QH14 Art. 112';
const TET = 'Tết Nguyên đán';
const HUNG = 'Giỗ Tổ Hùng Vương (10/3 âm lịch)';

function year(
  y: number,
  status: PublicHolidayYear['status'],
  source: string,
  days: [string, string][],
  workdays: [string, string][] = [],
  compensationIncluded = false,
): PublicHolidayYear {
  return {
    year: y,
    status,
    source,
    days: days.map(([d, name]) => ({ date: `${y}-${d}`, name })),
    workdays: workdays.map(([d, name]) => ({ date: `${y}-${d}`, name })),
    compensationIncluded,
  };
}

function addDay(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * Tết by the usual rule (the last day of the lunar year and the first four of the new one) and Hùng Kings' day, from
 * the lunar calendar at UTC+7: the last day is named for what it is (29 or 30 tháng Chạp).
 */
export function lunarHolidayDays(y: number): [string, string][] {
  const tet = lunarToSolar(1, 1, y)!;
  const eve = addDay(tet, -1);
  const days: [string, string][] = [[eve, `${TET} (${solarToLunar(eve).day} tháng Chạp)`]];
  for (let i = 0; i < 4; i++) days.push([addDay(tet, i), `${TET} (mùng ${i + 1})`]);
  days.push([lunarToSolar(10, 3, y)!, HUNG]);
  return days.map(([d, name]) => [d.slice(5), name]);
}

/** A year whose schedule is not announced: the fixed days, the lunar ones computed, `beside2Sep` the day next to 2/9. */
function estimated(y: number, beside2Sep: '09-01' | '09-03'): PublicHolidayYear {
  const days: [string, string][] = [
    ['01-01', 'Tết Dương lịch'],
    ...lunarHolidayDays(y),
    ['04-30', 'Ngày Chiến thắng'],
    ['05-01', 'Ngày Quốc tế lao động'],
    ['09-02', 'Quốc khánh'],
    [beside2Sep, 'Quốc khánh (ngày liền kề)'],
  ];
  days.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return year(y, 'estimated', `${RULE}; estimated; ${LUNAR}`, days);
}

export const VN_PUBLIC_HOLIDAYS: Readonly<Record<number, PublicHolidayYear>> = Object.freeze({
  2025: year(
    2025,
    'official',
    `${RULE}; the 2025 schedule for civil servants as announced (press reports) [P]; ${LUNAR}`,
    [
      ['01-01', 'Tết Dương lịch'],
      ['01-27', `${TET} (ngày hoán đổi)`],
      ['01-28', `${TET} (29 tháng Chạp)`],
      ['01-29', `${TET} (mùng 1)`],
      ['01-30', `${TET} (mùng 2)`],
      ['01-31', `${TET} (mùng 3)`],
      ['04-07', HUNG],
      ['04-30', 'Ngày Chiến thắng'],
      ['05-01', 'Ngày Quốc tế lao động'],
      ['05-02', 'Ngày hoán đổi (làm bù thứ Bảy 26/4)'],
      ['09-01', 'Quốc khánh (ngày liền kề)'],
      ['09-02', 'Quốc khánh'],
    ],
    [
      ['02-15', `Làm bù ngày ${TET} hoán đổi 27/01`],
      ['04-26', 'Làm bù ngày hoán đổi 02/5'],
    ],
    true,
  ),
  2026: year(
    2026,
    'partly-official',
    `${RULE}; Tết 16–20/02 as announced (press reports) [P]; the day beside 2/9 estimated; ${LUNAR}`,
    [
      ['01-01', 'Tết Dương lịch'],
      ['02-16', `${TET} (29 tháng Chạp)`],
      ['02-17', `${TET} (mùng 1)`],
      ['02-18', `${TET} (mùng 2)`],
      ['02-19', `${TET} (mùng 3)`],
      ['02-20', `${TET} (mùng 4)`],
      ['04-26', HUNG],
      ['04-30', 'Ngày Chiến thắng'],
      ['05-01', 'Ngày Quốc tế lao động'],
      ['09-01', 'Quốc khánh (ngày liền kề)'],
      ['09-02', 'Quốc khánh'],
    ],
  ),
  // The lunar days computed (vn-lunar.ts); which Tết days and which day beside 2/9, estimated by the usual rule.
  2027: estimated(2027, '09-03'),
  2028: estimated(2028, '09-01'),
  2029: estimated(2029, '09-03'),
  2030: estimated(2030, '09-03'),
});
