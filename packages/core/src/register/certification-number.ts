/**
 * The certification number (số chứng thực, Decree 23/2015 Art. 13.2; Circular 01/2020 Art. 4): the sequence in the
 * year, the volume (quyển số), the year and the book symbol. The written form varies in practice (DOMAIN.md §6.2),
 * so it is a template; the register stores the rendered text with the entry so that the number on the e-copy and
 * the number in the book stay equal even if the template later changes.
 */

export interface CertificationNumberParts {
  seqNo: number;
  volume: number;
  year: number;
  bookType: string;
}

/** `{seq}`, `{volume}`, `{year}`, `{book}`; `{seq2}`/`{volume2}` zero-pad to two digits ("01"). */
export type CertificationNumberTemplate = string;

/** e.g. `12 quyển số 01/2026 SCT/BS`. */
export const DEFAULT_NUMBER_TEMPLATE: CertificationNumberTemplate = '{seq} quyển số {volume2}/{year} {book}';

export function formatCertificationNumber(
  parts: CertificationNumberParts,
  template: CertificationNumberTemplate = DEFAULT_NUMBER_TEMPLATE,
): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return template
    .replaceAll('{seq2}', pad(parts.seqNo))
    .replaceAll('{seq}', String(parts.seqNo))
    .replaceAll('{volume2}', pad(parts.volume))
    .replaceAll('{volume}', String(parts.volume))
    .replaceAll('{year}', String(parts.year))
    .replaceAll('{book}', parts.bookType);
}

/** The volume as written on the book's cover and in the statement ("quyển số 01/2026"), as the default template writes it. */
export function volumeLabel(parts: Pick<CertificationNumberParts, 'volume' | 'year'>): string {
  return `${String(parts.volume).padStart(2, '0')}/${parts.year}`;
}
