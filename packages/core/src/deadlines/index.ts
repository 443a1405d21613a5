/** Deadlines (Decree 23/2015 Art. 7 and 21): the working-day calendar with Vietnamese public holidays, due times, extensions. */
export { DeadlineError, DEADLINE_MESSAGES, type DeadlineErrorCode } from './errors.js';
export {
  VN_PUBLIC_HOLIDAYS,
  lunarHolidayDays,
  type PublicHolidayYear,
  type PublicHolidayDay,
} from './vn-public-holidays.js';
export { solarToLunar, lunarToSolar, VIETNAM_LUNAR_TIME_ZONE, type LunarDate } from './vn-lunar.js';
export {
  WorkingCalendar,
  vietnamDay,
  vietnamInstant,
  type WorkingCalendarConfig,
  type DayInfo,
} from './working-calendar.js';
export {
  computeDueTime,
  checkExtension,
  checkDeadlinePolicy,
  deadlineState,
  DEADLINE_STATES,
  DEFAULT_DEADLINE_POLICY,
  DEADLINE_LEGAL_BASIS,
  type DeadlinePolicy,
  type DeadlineState,
  type DueTime,
  type Extension,
} from './due-time.js';
export {
  planLaterExtension,
  type ExtensionRecord,
  type ExtendableRequest,
  type LaterExtensionPlan,
} from './later-extension.js';
