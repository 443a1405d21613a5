/** Reads a PDF date string (ISO 32000-1 §7.9.4, "D:YYYYMMDDHHmmSSOHH'mm'", lenient as readers are). */
const PDF_DATE = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(?:(\d{2})'?)?)?)?/;

/** The date as an ISO 8601 UTC string; null when absent or unreadable. */
export function pdfDateToIso(text: string | undefined): string | null {
  if (!text) return null;
  const m = PDF_DATE.exec(text.trim());
  if (!m) return null;
  const [, y = '', mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  if (!Number.isFinite(utc) || +mo > 12 || +d > 31 || +h > 23 || +mi > 59 || +s > 59) return null;
  const offset = sign === '+' || sign === '-' ? (sign === '+' ? 1 : -1) * (+oh * 60 + +om) : 0;
  return new Date(utc - offset * 60_000).toISOString();
}
