/**
 * The object-header facts the verifier judges object swaps by: entries whose bytes carry another header
 * (headerMismatches), the object at an offset whatever its header (objectAt) and what a scanning reader takes
 * (scannedObject). On a hand-written file: page contents 4 ("SIGNED"), then an update whose entries point at
 * bytes carrying other headers.
 */
import { describe, expect, it } from 'vitest';
import { PdfDocument, PdfStream } from '@kyso/pdf';
import { producerSamples } from '../../../tests/helpers/producers.js';
import { classicPdfText } from './helpers/classic-pdf.js';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (doc: PdfDocument, o: unknown): string =>
  o instanceof PdfStream ? Buffer.from(doc.decode(o)).toString('latin1') : String(o);
const streamBody = (s: string): string => `<< /Length ${s.length} >>\nstream\n${s}\nendstream`;

function base(): string {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R >>',
    streamBody('BT (SIGNED) Tj ET'),
    '<< /Producer (hand) >>',
  ];
  return classicPdfText(objects, { trailerExtra: ' /Info 5 0 R' });
}

/** An update writing `header` with `body` and one table entry "num gen" pointing at it. */
function update(file: string, header: string, body: string, num: number, gen: number): string {
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(file)![1]);
  const at = file.length;
  let out = `${file}${header} obj\n${body}\nendobj\n`;
  const xref = out.length;
  out += `xref\n${num} 1\n${String(at).padStart(10, '0')} ${String(gen).padStart(5, '0')} n \ntrailer\n<< /Size 7 /Root 1 0 R /Prev ${prev} >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

describe('object headers', () => {
  it('a file whose entries all point at their own headers has no mismatch (every producer sample too)', async () => {
    expect(PdfDocument.load(enc(base())).headerMismatches()).toEqual([]);
    for (const s of await producerSamples()) expect(PdfDocument.load(s.bytes).headerMismatches(), s.name).toEqual([]);
  });

  it('the entry for 4 points at "6 0 obj": a number mismatch; the offset reading is the forged object, the scan the signed one', () => {
    const file = update(base(), '6 0', streamBody('BT (FORGED) Tj ET'), 4, 0);
    const doc = PdfDocument.load(enc(file));
    const at = base().length;
    expect(doc.headerMismatches()).toEqual([{ revision: 1, num: 4, gen: 0, offset: at, found: { num: 6, gen: 0 } }]);
    expect(text(doc, doc.objectAt(at)?.value)).toContain('FORGED');
    expect(text(doc, doc.scannedObject(4, 0)?.value)).toContain('SIGNED');
    expect(text(doc, doc.getObject(4))).toContain('SIGNED'); // kyso's own reading rejects the header
  });

  it('"4 1 obj" behind the entry "4 0": a generation mismatch; scanning by number takes generation 1, by "4 0" the signed object', () => {
    const file = update(base(), '4 1', streamBody('BT (FORGED) Tj ET'), 4, 0);
    const doc = PdfDocument.load(enc(file));
    expect(doc.headerMismatches()).toMatchObject([{ revision: 1, num: 4, gen: 0, found: { num: 4, gen: 1 } }]);
    expect(text(doc, doc.scannedObject(4, undefined)?.value)).toContain('FORGED');
    expect(doc.scannedObject(4, undefined)?.gen).toBe(1);
    expect(text(doc, doc.scannedObject(4, 0)?.value)).toContain('SIGNED');
    // scanning the signed revision's bytes only: the forged object is not there yet
    expect(text(doc, doc.scannedObject(4, undefined, doc.revisions[0].end)?.value)).toContain('SIGNED');
  });

  it('an entry pointing at no header at all, and one out of the file, are mismatches with nothing found', () => {
    const file = update(base(), '6 0', '<< >>', 5, 0).replace(
      /(xref\n5 1\n)(\d{10})/,
      (_m, a: string, off: string) => `${a}${String(Number(off) + 3).padStart(10, '0')}`,
    );
    const doc = PdfDocument.load(enc(file));
    expect(doc.headerMismatches()).toMatchObject([{ revision: 1, num: 5, found: null }]);
    expect(doc.objectAt(10_000_000)).toBeUndefined();
  });
});
