/**
 * The reader on a cross-reference fragment appended after the last revision (signing products write one after the
 * signed revision): read as one more revision through the chain when startxref and /Prev are right, by its keyword
 * when they are not (warning XREF_FRAGMENT, not recovered); a tail with no table is recovered by scanning as before;
 * a chain cut short by an update without /Prev that redefines the catalog is stitched to the revisions before it.
 */
import { describe, expect, it } from 'vitest';
import { PdfDict, PdfDocument, type PdfRef } from '@kyso/pdf';
import { pdfLibDoc } from '../../../tests/helpers/producers.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const bytes = (...parts: (Uint8Array | string)[]): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))));

/** A two-revision file (pdf-lib's, then an update adding an Info entry), classic tables. */
async function twoRevisions(): Promise<Uint8Array> {
  const doc = PdfDocument.load(await pdfLibDoc({ pages: 2, objectStreams: false }));
  const w = doc.update();
  w.add(new PdfDict({ Note: 1 }));
  return w.write();
}

function fragment(
  base: Uint8Array,
  o: { prev?: boolean; off?: number; body?: string; entries?: string; root?: string } = {},
): Uint8Array {
  const doc = PdfDocument.load(base);
  const root = doc.trailer.get('Root') as PdfRef;
  const body = o.body ?? '';
  const at = base.length + body.length;
  const trailer = `<< /Size ${doc.nextObjectNumber + 1} /Root ${o.root ?? `${root.num} ${root.gen} R`}${o.prev === false ? '' : ` /Prev ${doc.latest.xrefOffset}`} >>`;
  return bytes(
    base,
    body,
    `xref\n${o.entries ?? '0 0\n'}trailer\n${trailer}\nstartxref\n${at + (o.off ?? 0)}\n%%EOF\n`,
  );
}

describe('an appended xref fragment', () => {
  it('read through the chain when startxref and /Prev are right: one more revision, no warning', async () => {
    const base = await twoRevisions();
    const doc = PdfDocument.load(fragment(base));
    expect(doc.revisions.map((r) => r.kind)).toEqual(['table', 'table', 'table']);
    expect(doc.revisions[1].end).toBe(base.length);
    expect(doc.latest.entries.size).toBe(0);
    expect(doc.warnings.map((w) => w.code)).not.toContain('XREF_FRAGMENT');
    expect(doc.recovered).toBe(false);
  });

  it.each([
    ['startxref off', { off: 3 }],
    ['startxref before the keyword', { off: -2 }],
    ['/Prev missing', { prev: false }],
    ['/Prev missing, object 0 listed', { prev: false, entries: '0 1\n0000000000 65535 f \n' }],
  ])('%s: read by its keyword after the last good %%EOF, warned, not recovered', async (_name, o) => {
    const base = await twoRevisions();
    const file = fragment(base, o);
    const doc = PdfDocument.load(file);
    expect(doc.recovered).toBe(false);
    expect(doc.revisions).toHaveLength(3);
    expect(doc.revisions[1].end).toBe(base.length);
    expect(doc.latest).toMatchObject({ start: base.length, end: file.length, xrefOffset: base.length });
    expect(doc.warnings.find((w) => w.code === 'XREF_FRAGMENT')?.offset).toBe(base.length);
    expect(doc.trailingBytes()).toBeNull();
    expect(doc.pages()).toHaveLength(2);
    // what the fragment's trailer omits stays as before; what it says wins
    expect(doc.trailer.get('Root')).toEqual(PdfDocument.load(base).trailer.get('Root'));
  });

  it('a fragment without /Prev that redefines an object: its entry is read (the object as the fragment gives it)', async () => {
    const base = await twoRevisions();
    const doc0 = PdfDocument.load(base);
    const pageRef = doc0.pages()[0].ref;
    const page = doc0.pages()[0].dict;
    const body = `${pageRef.num} 0 obj\n<< /Type /Page /Parent ${(page.get('Parent') as PdfRef).num} 0 R /MediaBox [0 0 100 100] >>\nendobj\n`;
    const entries = `0 1\n0000000000 65535 f \n${pageRef.num} 1\n${String(base.length).padStart(10, '0')} 00000 n \n`;
    const doc = PdfDocument.load(fragment(base, { prev: false, body, entries }));
    expect(doc.recovered).toBe(false);
    expect(doc.revisions).toHaveLength(3);
    expect(doc.changes(2).defined).toEqual([pageRef.num]);
    expect(doc.resolve((doc.getObject(pageRef) as PdfDict).get('MediaBox'))).toEqual([0, 0, 100, 100]);
  });

  it('a chain cut short: an update without /Prev that redefines the catalog is stitched to the revisions before it', async () => {
    const base = await twoRevisions();
    const doc0 = PdfDocument.load(base);
    const root = doc0.trailer.get('Root') as PdfRef;
    const catalog = text(base).match(new RegExp(`\\n${root.num} 0 obj\\s*(<<[\\s\\S]*?>>)\\s*endobj`))![1];
    const body = `${root.num} 0 obj\n${catalog.replace('<<', '<< /PageMode /UseOutlines')}\nendobj\n`;
    const entries = `0 1\n0000000000 65535 f \n${root.num} 1\n${String(base.length).padStart(10, '0')} 00000 n \n`;
    const doc = PdfDocument.load(fragment(base, { prev: false, body, entries }));
    expect(doc.recovered).toBe(false);
    expect(doc.revisions).toHaveLength(3);
    expect(doc.catalog()?.getName('PageMode')).toBe('UseOutlines');
    expect(doc.pages()).toHaveLength(2);
    expect(doc.warnings.map((w) => w.code)).toContain('XREF_FRAGMENT');
  });

  it('bytes after the last %%EOF with no xref table: no fragment, recovered by scanning as before', async () => {
    const base = await twoRevisions();
    const doc = PdfDocument.load(bytes(base, '9 0 obj\n<< /X 1 >>\nendobj\nstartxref\n999999\n%%EOF\n'));
    expect(doc.recovered).toBe(true);
    expect(doc.warnings.map((w) => w.code)).not.toContain('XREF_FRAGMENT');
  });

  it('strict loading still refuses a file whose chain cannot be read from the end', async () => {
    const base = await twoRevisions();
    expect(() => PdfDocument.load(fragment(base, { off: 3 }), { strict: true })).toThrow();
  });
});
