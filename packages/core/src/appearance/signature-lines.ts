/**
 * The signature-information text of a visible signature (Decree 30/2020 Phụ lục I, DOMAIN.md §9): who signed,
 * the organisation, reason, place and the signing time in Vietnam time (day first, with +07:00). It states facts
 * only; whether the signature is valid is for the verifier to say, never the static image.
 */
import { AppearanceError } from './errors.js';

export interface SignatureFields {
  signer: string;
  organisation?: string;
  reason?: string;
  location?: string;
  signingTime: Date;
}

/** `vi`: Vietnamese labels; `en`: English; `vi-en`: both, e.g. "Ký bởi / Signed by: …". */
export type AppearanceLanguage = 'vi' | 'en' | 'vi-en';

const LABELS = {
  signer: ['Ký bởi', 'Signed by'],
  organisation: ['Cơ quan', 'Organisation'],
  reason: ['Lý do', 'Reason'],
  location: ['Nơi ký', 'Location'],
  signingTime: ['Ngày ký', 'Date'],
} as const satisfies Record<keyof SignatureFields, readonly [string, string]>;

const VIETNAM_OFFSET_MS = 7 * 3600 * 1000; // UTC+7 all year: Vietnam has no daylight saving time

/** `date` in Vietnam time, ISO 8601 to the second: `2026-03-15T09:41:27+07:00`. */
export function formatVietnamTime(date: Date): string {
  const ms = date instanceof Date ? date.getTime() : NaN;
  const local = new Date(ms + VIETNAM_OFFSET_MS);
  const year = local.getUTCFullYear();
  if (!Number.isFinite(ms) || year < 0 || year > 9999) {
    throw new AppearanceError('APPEARANCE_BAD_TIME', { value: String(date) }, String(date));
  }
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return (
    `${String(year).padStart(4, '0')}-${p2(local.getUTCMonth() + 1)}-${p2(local.getUTCDate())}` +
    `T${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())}+07:00`
  );
}

/**
 * `date` as Vietnamese documents write it, day first, in Vietnam time with its offset:
 * `15/03/2026 09:41:27 +07:00`.
 */
export function formatVietnamDisplayTime(date: Date): string {
  const iso = formatVietnamTime(date); // validates, and fixes the fields
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 19)} +07:00`;
}

/**
 * The labelled lines, in order; empty optional fields are left out, and so is an organisation that only repeats the
 * signer (an organisation's seal names it once).
 */
export function composeSignatureLines(fields: SignatureFields, lang: AppearanceLanguage = 'vi'): string[] {
  const label = (key: keyof SignatureFields): string => {
    const [vi, en] = LABELS[key];
    return lang === 'vi' ? vi : lang === 'en' ? en : `${vi} / ${en}`;
  };
  const lines = [`${label('signer')}: ${fields.signer.trim()}`];
  const same = (a: string, b: string): boolean =>
    a.normalize('NFC').toLocaleLowerCase('vi') === b.normalize('NFC').toLocaleLowerCase('vi');
  for (const key of ['organisation', 'reason', 'location'] as const) {
    const value = fields[key]?.trim();
    if (!value || (key === 'organisation' && same(value, fields.signer.trim()))) continue;
    lines.push(`${label(key)}: ${value}`);
  }
  lines.push(`${label('signingTime')}: ${formatVietnamDisplayTime(fields.signingTime)}`);
  return lines;
}
