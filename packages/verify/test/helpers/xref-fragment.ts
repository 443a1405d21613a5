/**
 * The cross-reference fragment real Vietnamese signing products append after the last signed revision: an `xref`
 * section (often empty) and a trailer with /Size, /Root, /Info, /ID and /Prev, then startxref and %%EOF — each
 * signature's ByteRange still ends at its own %%EOF. Variants as seen or plausible: no trailing newline, startxref
 * a few bytes off, /Prev missing, CRLF, the free entry of object 0, an entry that repeats one in force; and, as the
 * negative, a fragment that redefines a page's content stream.
 */
import { PdfDocument, PdfRef, PdfString } from '@kyso/pdf';
import { concat } from './signed-pdfs.js';

export interface FragmentOptions {
  /** Write /Prev (default true). */
  prev?: boolean;
  /** End with an EOL after %%EOF (default true). */
  trailingNewline?: boolean;
  /** startxref this many bytes away from the `xref` keyword (default 0). */
  startxrefOffBy?: number;
  eol?: '\n' | '\r\n';
  /** Entries of the section: none ("0 0"), object 0 free, or object 0 free plus a repeat of object 1's entry. */
  entries?: 'none' | 'free-0' | 'repeat';
  /** Redefine this object as a content stream drawing `text` (the fragment then changes an object). */
  redefine?: { num: number; text: string };
}

const refText = (r: unknown): string | null => (r instanceof PdfRef ? `${r.num} ${r.gen} R` : null);
const hex = (s: unknown): string => (s instanceof PdfString ? `<${Buffer.from(s.bytes).toString('hex')}>` : '<>');

export function appendXrefFragment(signed: Uint8Array, o: FragmentOptions = {}): Uint8Array {
  const nl = o.eol ?? '\n';
  const doc = PdfDocument.load(signed);
  const last = doc.latest;
  const t = last.trailer;
  let body = '';
  const rows: string[] = [];
  const entries = o.entries ?? 'none';
  if (o.redefine) {
    const objAt = signed.length + body.length;
    body += `${o.redefine.num} 0 obj${nl}<< /Length ${o.redefine.text.length} >>${nl}stream${nl}${o.redefine.text}${nl}endstream${nl}endobj${nl}`;
    rows.push('0 1', '0000000000 65535 f ', `${o.redefine.num} 1`, `${String(objAt).padStart(10, '0')} 00000 n `);
  } else if (entries === 'free-0') rows.push('0 1', '0000000000 65535 f ');
  else if (entries === 'repeat') {
    const one = doc.entry(1)?.entry;
    if (one?.type !== 'offset') throw new Error('object 1 is not at an offset');
    rows.push(
      '0 2',
      '0000000000 65535 f ',
      `${String(one.offset).padStart(10, '0')} ${String(one.gen).padStart(5, '0')} n `,
    );
  } else rows.push('0 0');
  const xrefAt = signed.length + body.length;
  const id = t.get('ID');
  const trailer = [
    `/Size ${doc.nextObjectNumber}`,
    `/Root ${refText(t.get('Root'))}`,
    refText(t.get('Info')) ? `/Info ${refText(t.get('Info'))}` : '',
    Array.isArray(id) ? `/ID [${id.map(hex).join(' ')}]` : '',
    o.prev === false ? '' : `/Prev ${last.xrefOffset}`,
  ].filter(Boolean);
  const tail = `xref${nl}${rows.join(nl)}${nl}trailer${nl}<< ${trailer.join(' ')} >>${nl}startxref${nl}${xrefAt + (o.startxrefOffBy ?? 0)}${nl}%%EOF${o.trailingNewline === false ? '' : nl}`;
  return concat(signed, body, tail);
}
