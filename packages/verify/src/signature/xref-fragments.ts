/**
 * Revisions that change no object: an `xref` section and trailer appended after a signed revision, as real
 * Vietnamese signing products write them (often with startxref off or no /Prev; @kyso/pdf then reads them by
 * their keyword and warns XREF_FRAGMENT). Facts for a warning: they change nothing a signature covered.
 */
import type { PdfDocument } from '@kyso/pdf';

export interface XrefFragment {
  revision: number;
  /** Where the appended bytes start (the previous revision's end) and how many there are. */
  offset: number;
  length: number;
  /** Entries the section lists (object 0, or entries equal to the ones already in force). */
  entries: number;
  /** The section was found by its keyword, not through startxref and /Prev. */
  readByKeyword: boolean;
  /** The above in words (for the warning). */
  detail: string;
}

/** Every revision after the first whose entries only list object 0 or repeat an entry already in force. */
export function xrefFragments(doc: PdfDocument): XrefFragment[] {
  const out: XrefFragment[] = [];
  const byKeyword = doc.warnings.find((w) => w.code === 'XREF_FRAGMENT')?.offset;
  for (const rev of doc.revisions.slice(1)) {
    if (rev.kind !== 'table') continue;
    let changes = false;
    for (const [num, e] of rev.entries) {
      if (num === 0) continue;
      const before = doc.entry(num, rev.index - 1)?.entry;
      const same =
        e.type === 'free'
          ? !before || before.type === 'free'
          : e.type === 'offset'
            ? before?.type === 'offset' && before.offset === e.offset && before.gen === e.gen
            : before?.type === 'compressed' && before.stream === e.stream && before.index === e.index;
      if (!same) {
        changes = true;
        break;
      }
    }
    if (changes) continue;
    const readByKeyword = byKeyword !== undefined && rev.start >= byKeyword;
    const length = rev.end - rev.start;
    const detail = `revision ${rev.index}: ${length} bytes at offset ${rev.start}, ${rev.entries.size} xref entries${readByKeyword ? ', startxref/Prev do not lead to it' : ''}`;
    out.push({ revision: rev.index, offset: rev.start, length, entries: rev.entries.size, readByKeyword, detail });
  }
  return out;
}
