/** Checks of the caller's data before anything is built: typed errors naming the field, never a crash later. */
import { EcopyError } from './errors.js';
import { QR_MAX_LENGTH } from './qr.js';
import type { AssembleInput } from './types.js';

/** Names, titles and references longer than this are not what a statement holds. */
export const MAX_TEXT_LENGTH = 300;

function bad(field: string, why: string): never {
  throw new EcopyError('ECOPY_BAD_INPUT', { field }, `${field}: ${why}`);
}

function text(value: unknown, field: string, required = true): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.trim() === '') bad(field, 'must be a non-empty string');
  if (value.length > MAX_TEXT_LENGTH) bad(field, `longer than ${MAX_TEXT_LENGTH} characters`);
}

function date(value: unknown, field: string): void {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) bad(field, 'must be a valid Date');
  const year = value.getUTCFullYear();
  if (year < 1900 || year > 9999) bad(field, `year ${year}`);
}

export function checkAssembleInput(input: AssembleInput): void {
  if (!input || typeof input !== 'object') bad('input', 'missing');
  const c = input.certification;
  if (!c || typeof c !== 'object') bad('certification', 'missing');
  if (typeof c.number === 'number') {
    if (!Number.isSafeInteger(c.number) || c.number < 1) bad('certification.number', 'must be a positive integer');
  } else text(c.number, 'certification.number');
  text(c.book, 'certification.book');
  text(c.bookType, 'certification.bookType', false);
  date(c.date, 'certification.date');
  text(c.certifierName, 'certification.certifierName');
  text(c.certifierTitle, 'certification.certifierTitle', false);
  text(c.authorityName, 'certification.authorityName');

  const v = input.conversion;
  if (!v || typeof v !== 'object') bad('conversion', 'missing');
  date(v.convertedAt, 'conversion.convertedAt');
  text(v.convertedBy, 'conversion.convertedBy');
  text(v.organisation, 'conversion.organisation');
  if (v.verificationRef !== undefined) {
    if (typeof v.verificationRef !== 'string' || v.verificationRef.trim() === '')
      bad('conversion.verificationRef', 'must be a non-empty string');
    if (v.verificationRef.length > QR_MAX_LENGTH) {
      throw new EcopyError(
        'ECOPY_QR_TOO_LONG',
        { length: v.verificationRef.length },
        `${v.verificationRef.length} characters`,
      );
    }
  }

  if (input.statementPlacement !== undefined && !['auto', 'last-page', 'new-page'].includes(input.statementPlacement)) {
    bad('statementPlacement', String(input.statementPlacement));
  }
  if (input.markPlacement !== undefined && !['first-page', 'statement-page'].includes(input.markPlacement)) {
    bad('markPlacement', String(input.markPlacement));
  }
  if (input.imagePageSize !== undefined && !['auto', 'a4'].includes(input.imagePageSize))
    bad('imagePageSize', String(input.imagePageSize));
  if (input.originalIsCard !== undefined && typeof input.originalIsCard !== 'boolean')
    bad('originalIsCard', 'true or false');
  const color = input.textColor;
  if (
    color !== undefined &&
    !(Array.isArray(color) && color.length === 3 && color.every((x) => Number.isFinite(x) && x >= 0 && x <= 1))
  ) {
    bad('textColor', 'three numbers from 0 to 1');
  }
}
