/**
 * The instant a Vietnam calendar day (`YYYY-MM-DD`) begins: 00:00 UTC+7, i.e. 17:00 UTC the day before. Null for
 * anything that is not a real date. A period "from day A to day B" is [dayStart(A), dayStart(B + 1)).
 */
export function vietnamDayStart(date: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return new Date(utc - 7 * 3600_000);
}

/** The start of the day after `date` (the exclusive end of a period ending on `date`). */
export function vietnamDayEnd(date: string): Date | null {
  const start = vietnamDayStart(date);
  return start ? new Date(start.getTime() + 24 * 3600_000) : null;
}
