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
 * Lunar dates (Tết, 10/3) are computed for Vietnam's meridian (UTC+7) with Hồ Ngọc Đức's lunar-calendar algorithm,
 * which the Vietnamese calendar follows; they differ from the Chinese calendar in some years (Tết 2030 is 2 February
 * in Vietnam, 3 February in China). 2025 is the schedule announced for civil servants (days swapped with make-up
 * Saturdays), read from press reports of the ministries' notices [P]; 2026 has the announced Tết; the other
 * choices of 2026–2030 (which Tết days, the day beside 2 September, swaps) are estimates by the rule above until
 * the Prime Minister's decisions are published: a deployment replaces a year with `WorkingCalendarConfig.holidays`.
 * Days the National Assembly may add later (e.g. a Culture Day) are not here (UNCONFIRMED).
 */
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

const LUNAR = 'lunar dates: Hồ Ngọc Đức algorithm, UTC+7';
const RULE = 'Labour Code 45/2019/QH14 Art. 112';
const TET = 'Tết Nguyên đán';
const HUNG = 'Giỗ Tổ Hùng Vương (10/3 âm lịch)';

function year(y: number, status: PublicHolidayYear['status'], source: string, days: [string, string][], workdays: [string, string][] = [], compensationIncluded = false): PublicHolidayYear {
  return { year: y, status, source, days: days.map(([d, name]) => ({ date: `${y}-${d}`, name })), workdays: workdays.map(([d, name]) => ({ date: `${y}-${d}`, name })), compensationIncluded };
}

export const VN_PUBLIC_HOLIDAYS: Readonly<Record<number, PublicHolidayYear>> = Object.freeze({
  2025: year(2025, 'official', `${RULE}; the 2025 schedule for civil servants as announced (press reports) [P]; ${LUNAR}`, [
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
  ], [
    ['02-15', `Làm bù ngày ${TET} hoán đổi 27/01`],
    ['04-26', 'Làm bù ngày hoán đổi 02/5'],
  ], true),
  2026: year(2026, 'partly-official', `${RULE}; Tết 16–20/02 as announced (press reports) [P]; the day beside 2/9 estimated; ${LUNAR}`, [
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
  ]),
  2027: year(2027, 'estimated', `${RULE}; estimated; ${LUNAR}`, [
    ['01-01', 'Tết Dương lịch'],
    ['02-05', `${TET} (29 tháng Chạp)`],
    ['02-06', `${TET} (mùng 1)`],
    ['02-07', `${TET} (mùng 2)`],
    ['02-08', `${TET} (mùng 3)`],
    ['02-09', `${TET} (mùng 4)`],
    ['04-16', HUNG],
    ['04-30', 'Ngày Chiến thắng'],
    ['05-01', 'Ngày Quốc tế lao động'],
    ['09-02', 'Quốc khánh'],
    ['09-03', 'Quốc khánh (ngày liền kề)'],
  ]),
  2028: year(2028, 'estimated', `${RULE}; estimated; ${LUNAR}`, [
    ['01-01', 'Tết Dương lịch'],
    ['01-25', `${TET} (29 tháng Chạp)`],
    ['01-26', `${TET} (mùng 1)`],
    ['01-27', `${TET} (mùng 2)`],
    ['01-28', `${TET} (mùng 3)`],
    ['01-29', `${TET} (mùng 4)`],
    ['04-04', HUNG],
    ['04-30', 'Ngày Chiến thắng'],
    ['05-01', 'Ngày Quốc tế lao động'],
    ['09-01', 'Quốc khánh (ngày liền kề)'],
    ['09-02', 'Quốc khánh'],
  ]),
  2029: year(2029, 'estimated', `${RULE}; estimated; ${LUNAR}`, [
    ['01-01', 'Tết Dương lịch'],
    ['02-12', `${TET} (29 tháng Chạp)`],
    ['02-13', `${TET} (mùng 1)`],
    ['02-14', `${TET} (mùng 2)`],
    ['02-15', `${TET} (mùng 3)`],
    ['02-16', `${TET} (mùng 4)`],
    ['04-23', HUNG],
    ['04-30', 'Ngày Chiến thắng'],
    ['05-01', 'Ngày Quốc tế lao động'],
    ['09-02', 'Quốc khánh'],
    ['09-03', 'Quốc khánh (ngày liền kề)'],
  ]),
  2030: year(2030, 'estimated', `${RULE}; estimated; ${LUNAR}`, [
    ['01-01', 'Tết Dương lịch'],
    ['02-01', `${TET} (29 tháng Chạp)`],
    ['02-02', `${TET} (mùng 1)`],
    ['02-03', `${TET} (mùng 2)`],
    ['02-04', `${TET} (mùng 3)`],
    ['02-05', `${TET} (mùng 4)`],
    ['04-12', HUNG],
    ['04-30', 'Ngày Chiến thắng'],
    ['05-01', 'Ngày Quốc tế lao động'],
    ['09-02', 'Quốc khánh'],
    ['09-03', 'Quốc khánh (ngày liền kề)'],
  ]),
});
