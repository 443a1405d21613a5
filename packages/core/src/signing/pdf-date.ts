/** PDF date strings (PDF 32000-1 §7.9.4) in Vietnam time, as the signature dictionary's /M carries them. */
const VN_OFFSET_MIN = 7 * 60;

/** D:YYYYMMDDHHmmSS+07'00' for `date` in Vietnam time (UTC+7, no daylight saving). */
export function pdfDateVietnam(date: Date): string {
  const t = new Date(date.getTime() + VN_OFFSET_MIN * 60_000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `D:${p(t.getUTCFullYear(), 4)}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}+07'00'`;
}

/** Parses a PDF date string; undefined when it is not one. */
export function parsePdfDate(s: string): Date | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Z+-])?(\d{2})?'?(\d{2})?'?/.exec(s.trim());
  if (!m) return undefined;
  const [, y = '', mo = '01', d = '01', h = '00', mi = '00', se = '00', sign, oh = '00', om = '00'] = m;
  let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se);
  if (sign === '+' || sign === '-') t -= (sign === '+' ? 1 : -1) * (+oh * 60 + +om) * 60_000;
  return new Date(t);
}
