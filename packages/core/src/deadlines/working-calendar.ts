/**
 * The working-day calendar: which Vietnam calendar days an office works. Weekends are configurable (default
 * Saturday and Sunday, as state offices keep them); public holidays come from data per year
 * (vn-public-holidays.ts) with the Labour Code's compensatory day for a holiday on a weekend, and a deployment may
 * add days off, make-up working days, or replace a year.
 *
 * Days are `YYYY-MM-DD` strings of the Vietnam calendar (UTC+7, no daylight saving): instants are converted once,
 * at the edge, so no local time zone of the machine ever enters.
 */
import { DeadlineError } from './errors.js';
import { VN_PUBLIC_HOLIDAYS, type PublicHolidayYear } from './vn-public-holidays.js';

export const VIETNAM_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;

export interface WorkingCalendarConfig {
  /** Weekly rest days, 0 = Sunday … 6 = Saturday (default [0, 6]). */
  weekend?: readonly number[];
  /** Holiday data by year (default VN_PUBLIC_HOLIDAYS); a year given here replaces the default's. */
  holidays?: Readonly<Record<number, PublicHolidayYear>>;
  /** Further days off (YYYY-MM-DD), e.g. a local decision. */
  extraDaysOff?: readonly string[];
  /** Further working days on a weekend (YYYY-MM-DD). */
  extraWorkdays?: readonly string[];
  /** Add the compensatory day for a holiday on a weekend where the data does not include it (default true). */
  compensateWeekendHolidays?: boolean;
  /**
   * A day in a year without holiday data: 'weekends-only' counts it as weekends alone and the result says so
   * (`complete: false`); 'error' refuses (DEADLINE_NO_CALENDAR_YEAR). Default 'weekends-only'.
   */
  unknownYear?: 'weekends-only' | 'error';
}

export interface DayInfo {
  date: string;
  working: boolean;
  /** Why it is not a working day, or why a weekend day is one. */
  reason: 'weekday' | 'weekend' | 'holiday' | 'compensation' | 'make-up workday' | 'extra day off';
  name?: string;
  /** False when the year has no holiday data (only weekends were known). */
  complete: boolean;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The Vietnam calendar day of an instant. */
export function vietnamDay(at: Date): string {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of `hh:mm` Vietnam time on `day`. */
export function vietnamInstant(day: string, hhmm: string): Date {
  const [h, m] = parseHhmm(hhmm, 'time');
  return new Date(Date.parse(`${day}T00:00:00Z`) + (h * 60 + m) * 60_000 - VIETNAM_OFFSET_MS);
}

/** Minutes since Vietnam midnight of an instant (with fractions for seconds). */
export function vietnamMinuteOfDay(at: Date): number {
  const ms = (at.getTime() + VIETNAM_OFFSET_MS) % DAY_MS;
  return (ms < 0 ? ms + DAY_MS : ms) / 60_000;
}

export function parseHhmm(v: string, field: string): [number, number] {
  const m = /^(\d{2}):(\d{2})$/.exec(String(v));
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59)
    throw new DeadlineError('DEADLINE_BAD_CALENDAR', { field }, `${field}: HH:MM`);
  return [Number(m[1]), Number(m[2])];
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function checkDate(d: string, field: string): void {
  const m = DATE_RE.exec(d);
  if (!m || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d)
    throw new DeadlineError('DEADLINE_BAD_CALENDAR', { field, value: d }, `${field}: YYYY-MM-DD`);
}

export class WorkingCalendar {
  readonly #weekend: ReadonlySet<number>;
  readonly #holidays: Readonly<Record<number, PublicHolidayYear>>;
  readonly #extraOff: ReadonlySet<string>;
  readonly #extraWork: ReadonlySet<string>;
  readonly #compensate: boolean;
  readonly #unknownYear: 'weekends-only' | 'error';
  readonly #years = new Map<
    number,
    { off: Map<string, { reason: DayInfo['reason']; name: string }>; work: Map<string, string> } | null
  >();

  constructor(config: WorkingCalendarConfig = {}) {
    const weekend = config.weekend ?? [0, 6];
    if (!Array.isArray(weekend) || weekend.some((d) => !Number.isInteger(d) || d < 0 || d > 6) || weekend.length > 6) {
      throw new DeadlineError(
        'DEADLINE_BAD_CALENDAR',
        { field: 'weekend' },
        'weekend: days 0 (Sunday) to 6 (Saturday), at least one working day',
      );
    }
    for (const d of config.extraDaysOff ?? []) checkDate(d, 'extraDaysOff');
    for (const d of config.extraWorkdays ?? []) checkDate(d, 'extraWorkdays');
    const holidays = { ...VN_PUBLIC_HOLIDAYS, ...(config.holidays ?? {}) };
    for (const [y, data] of Object.entries(holidays)) {
      if (!data || data.year !== Number(y))
        throw new DeadlineError(
          'DEADLINE_BAD_CALENDAR',
          { field: 'holidays', year: y },
          `holidays[${y}].year must be ${y}`,
        );
      for (const d of [...data.days, ...data.workdays]) {
        checkDate(d.date, `holidays[${y}]`);
        if (!d.date.startsWith(`${y}-`))
          throw new DeadlineError(
            'DEADLINE_BAD_CALENDAR',
            { field: 'holidays', date: d.date },
            `${d.date} is not in ${y}`,
          );
      }
    }
    this.#weekend = new Set(weekend);
    this.#holidays = holidays;
    this.#extraOff = new Set(config.extraDaysOff ?? []);
    this.#extraWork = new Set(config.extraWorkdays ?? []);
    this.#compensate = config.compensateWeekendHolidays ?? true;
    this.#unknownYear = config.unknownYear ?? 'weekends-only';
  }

  /** The years with holiday data. */
  get years(): number[] {
    return Object.keys(this.#holidays)
      .map(Number)
      .sort((a, b) => a - b);
  }

  isWeekend(day: string): boolean {
    return this.#weekend.has(new Date(`${day}T00:00:00Z`).getUTCDay());
  }

  /** What kind of day `day` (YYYY-MM-DD) is. */
  day(day: string): DayInfo {
    checkDate(day, 'day');
    const y = this.#year(Number(day.slice(0, 4)));
    const complete = y !== null;
    if (this.#extraWork.has(day)) return { date: day, working: true, reason: 'make-up workday', complete };
    if (this.#extraOff.has(day)) return { date: day, working: false, reason: 'extra day off', complete };
    const work = y?.work.get(day);
    if (work !== undefined) return { date: day, working: true, reason: 'make-up workday', name: work, complete };
    const off = y?.off.get(day);
    if (off) return { date: day, working: false, reason: off.reason, name: off.name, complete };
    if (this.isWeekend(day)) return { date: day, working: false, reason: 'weekend', complete };
    return { date: day, working: true, reason: 'weekday', complete };
  }

  isWorkingDay(day: string): boolean {
    return this.day(day).working;
  }

  /** The first working day on or after `day`. */
  workingDayOnOrAfter(day: string): DayInfo {
    let d = day;
    for (let i = 0; i < 400; i++, d = addDays(d, 1)) {
      const info = this.day(d);
      if (info.working) return info;
    }
    throw new DeadlineError('DEADLINE_BAD_CALENDAR', { from: day }, 'no working day within 400 days');
  }

  /** The `n`-th working day after `day` (n ≥ 1; `day` itself does not count). */
  addWorkingDays(day: string, n: number): DayInfo {
    let info = this.day(day);
    for (let i = 0; i < n; i++) info = this.workingDayOnOrAfter(addDays(info.date, 1));
    return info;
  }

  #year(y: number) {
    if (this.#years.has(y)) return this.#years.get(y)!;
    const data = this.#holidays[y];
    if (!data) {
      if (this.#unknownYear === 'error')
        throw new DeadlineError('DEADLINE_NO_CALENDAR_YEAR', { year: y, known: this.years });
      this.#years.set(y, null);
      return null;
    }
    const off = new Map<string, { reason: DayInfo['reason']; name: string }>();
    const work = new Map(data.workdays.map((d) => [d.date, d.name] as const));
    for (const d of data.days) off.set(d.date, { reason: 'holiday', name: d.name });
    if (this.#compensate && !data.compensationIncluded) {
      // Art. 112.3: a holiday on a weekly rest day is made up on the next day that is neither a rest day nor off.
      for (const d of [...data.days].sort((a, b) => (a.date < b.date ? -1 : 1))) {
        if (!this.isWeekend(d.date) || work.has(d.date)) continue;
        let c = addDays(d.date, 1);
        while ((this.isWeekend(c) && !work.has(c)) || off.has(c)) c = addDays(c, 1);
        off.set(c, { reason: 'compensation', name: `Nghỉ bù ${d.name}` });
      }
    }
    const entry = { off, work };
    this.#years.set(y, entry);
    return entry;
  }
}
