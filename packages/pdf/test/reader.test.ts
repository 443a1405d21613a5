import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import {
  PdfDict,
  PdfDocument,
  PdfError,
  type PdfRef,
  type PdfStream,
  stringText,
  textString,
  type PdfString,
} from '@kyso/pdf';
import {
  corpusBytes,
  corpusFiles,
  fixture,
  hasFixture,
  pdfLibDoc,
  producerSamples,
  qpdfTransform,
} from '../../../tests/helpers/producers.js';

const countOf = (bytes: Uint8Array, s: string): number => Buffer.from(bytes).toString('latin1').split(s).length - 1;

describe('reading PDFs from several producers', async () => {
  const samples = await producerSamples();

  it.each(samples.map((s) => [s.name, s] as const))('reads %s: pages, catalog and every object', async (_name, s) => {
    const doc = PdfDocument.load(s.bytes);
    expect(doc.recovered).toBe(false);
    expect(doc.encryption).toBeNull();
    expect(doc.catalog()?.getName('Type')).toBe('Catalog');
    const lib = await PDFDocument.load(s.bytes, { updateMetadata: false });
    expect(doc.pages().length).toBe(lib.getPageCount());
    for (const p of doc.pages()) expect(p.dict.getName('Type')).toBe('Page');
    // every in-use entry of every revision resolves to an object with no damage to recover from
    for (const rev of doc.revisions) {
      for (const [num, e] of rev.entries) {
        if (e.type === 'free') continue;
        expect(doc.getObject(num, rev.index), `object ${num}`).not.toBeUndefined();
      }
    }
    expect(doc.recovered).toBe(false);
    if (s.style !== 'any') expect(doc.latest.kind).toBe(s.style);
  });

  it('reads pdf-lib object streams as compressed entries', async () => {
    const doc = PdfDocument.load(await pdfLibDoc({ objectStreams: true }));
    const kinds = [...doc.latest.entries.values()].map((e) => e.type);
    expect(kinds).toContain('compressed');
  });

  it('reads a linearised file as one revision ending at the last %%EOF', async () => {
    const lin = qpdfTransform(await pdfLibDoc({ pages: 2, objectStreams: false }), ['--linearize']);
    expect(countOf(lin, '%%EOF')).toBe(2);
    const doc = PdfDocument.load(lin);
    expect(doc.revisions).toHaveLength(1);
    expect(doc.revisions[0].sections).toHaveLength(2);
    expect(doc.revisions[0].end).toBe(lin.length);
    expect(doc.unreferencedObjects()).toEqual([]);
  });

  it.runIf(hasFixture('hybrid-xref.pdf'))('reads a hybrid file: table first, then the /XRefStm objects', () => {
    const doc = PdfDocument.load(fixture('hybrid-xref.pdf'));
    expect(doc.latest.kind).toBe('hybrid');
    expect(doc.latest.sections.map((s) => s.kind)).toEqual(['table', 'stream']);
    const compressed = [...doc.latest.entries.entries()].filter(([, e]) => e.type === 'compressed');
    expect(compressed.length).toBeGreaterThan(0);
    for (const [num] of compressed) expect(doc.getObject(num)).toBeInstanceOf(PdfDict);
    expect(doc.recovered).toBe(false);
  });
});

describe('revisions', () => {
  it.each(corpusFiles())('lists every revision of corpus file %s with spans that tile the file', (rel) => {
    const bytes = corpusBytes(rel);
    const doc = PdfDocument.load(bytes);
    expect(doc.revisions.length).toBeGreaterThan(0);
    let start = 0;
    for (const r of doc.revisions) {
      expect(r.start).toBe(start);
      expect(r.end).toBeGreaterThan(r.start);
      const eof = Buffer.from(bytes.subarray(r.eofOffset, r.eofOffset + 5)).toString('latin1');
      expect(eof).toBe('%%EOF');
      start = r.end;
    }
    expect(doc.catalog()).toBeInstanceOf(PdfDict);
    expect(doc.pages().length).toBeGreaterThan(0);
  });

  it('reads an object as of an older revision', async () => {
    const base = await pdfLibDoc({ objectStreams: false });
    const doc = PdfDocument.load(base);
    const w = doc.update();
    const infoRef = doc.trailer.get('Info') as PdfRef;
    const info = (doc.getObject(infoRef) as PdfDict).clone();
    info.set('Title', textString('changed'));
    w.set(infoRef, info);
    const updated = PdfDocument.load(w.write());
    expect(updated.revisions).toHaveLength(2);
    const oldInfo = updated.getObject(infoRef, 0) as PdfDict;
    const newInfo = updated.getObject(infoRef, 1) as PdfDict;
    expect(stringText(oldInfo.get('Title') as PdfString)).toBe('kyso fixture');
    expect(stringText(newInfo.get('Title') as PdfString)).toBe('changed');
    expect(updated.changes(1).defined).toEqual([infoRef.num]);
  });

  it.runIf(hasFixture('incremental-classic.pdf'))('reads a hand-built file with two incremental updates', () => {
    const doc = PdfDocument.load(fixture('incremental-classic.pdf'));
    expect(doc.revisions).toHaveLength(3);
    expect(doc.revisions.every((r) => r.kind === 'table')).toBe(true);
    expect(doc.changes(1).defined.length).toBeGreaterThan(0);
  });
});

describe('damage, encryption and facts for the verifier', () => {
  it.runIf(hasFixture('broken-xref-offsets.pdf'))(
    'recovers a file whose xref offsets are wrong and says so',
    async () => {
      const doc = PdfDocument.load(fixture('broken-xref-offsets.pdf'));
      expect(doc.pages().length).toBeGreaterThan(0);
      expect(doc.recovered).toBe(true);
      expect(doc.warnings.map((w) => w.code)).toContain('XREF_OFFSET_WRONG');
    },
  );

  it('recovers a file with no cross-reference data at all', async () => {
    const bytes = await pdfLibDoc({ pages: 2, objectStreams: false });
    const text = Buffer.from(bytes).toString('latin1');
    const cut = text.slice(0, text.lastIndexOf('\nxref\n'));
    const doc = PdfDocument.load(new Uint8Array(Buffer.from(cut, 'latin1')));
    expect(doc.recovered).toBe(true);
    expect(doc.latest.kind).toBe('recovered');
    expect(doc.pages()).toHaveLength(2);
  });

  it.each(['encrypted-rc4.pdf', 'encrypted-aes256.pdf'].filter(hasFixture))(
    'detects encryption in %s and refuses to update it',
    (name) => {
      const doc = PdfDocument.load(fixture(name));
      expect(doc.encryption).not.toBeNull();
      expect(doc.encryption?.filter).toBe('Standard');
      expect(() => doc.update()).toThrowError(expect.objectContaining({ code: 'PDF_ENCRYPTED' }));
    },
  );

  it('detects encryption in a file qpdf encrypts during the test', async () => {
    const enc = qpdfTransform(await pdfLibDoc({ objectStreams: false }), ['--encrypt', 'u', 'o', '256', '--']);
    const doc = PdfDocument.load(enc);
    expect(doc.encryption?.v).toBe(5);
  });

  it('reports bytes after the last %%EOF', async () => {
    const bytes = await pdfLibDoc({ objectStreams: false });
    const padded = new Uint8Array([...bytes, ...new TextEncoder().encode('\n\n')]);
    expect(PdfDocument.load(padded).trailingBytes()?.whitespaceOnly).toBe(true);
    const extra = new Uint8Array([...bytes, ...new TextEncoder().encode('99 0 obj\n<</Evil true>>\nendobj\n')]);
    const t = PdfDocument.load(extra).trailingBytes();
    expect(t).toMatchObject({ offset: bytes.length, whitespaceOnly: false });
  });

  it('reports an object appended into a revision that no xref section references', async () => {
    const bytes = await pdfLibDoc({ objectStreams: false });
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.lastIndexOf('\nxref\n') + 1;
    // an object slipped in before the xref table, whose offsets are then shifted to stay right
    const sneaky = '77 0 obj\n<</Sneaky true>>\nendobj\n';
    const shifted =
      text.slice(0, at) +
      sneaky +
      text.slice(at).replace(/startxref\s+(\d+)/, (_m, n) => `startxref\n${Number(n) + sneaky.length}`);
    const doc = PdfDocument.load(new Uint8Array(Buffer.from(shifted, 'latin1')));
    expect(doc.unreferencedObjects()).toEqual([expect.objectContaining({ num: 77, gen: 0, revision: 0 })]);
  });

  it("does not take object headers inside a large stream's data for unreferenced objects, and still finds those outside", () => {
    // An attachment holding an uncompressed PDF: its data is full of "n g obj" that are no objects of this file.
    const inner =
      '%PDF-1.4\n12 0 obj\n<</Inside true>>\nendobj\n'.padEnd(100_000, ' ') +
      '\n13 0 obj\n<</AlsoInside true>>\nendobj\n';
    const parts: string[] = ['%PDF-1.7\n'];
    const offsets: number[] = [];
    const length = () => parts.reduce((n, p) => n + p.length, 0);
    const obj = (n: number, body: string) => {
      offsets[n] = length();
      parts.push(`${n} 0 obj\n${body}\nendobj\n`);
    };
    obj(1, '<</Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a.pdf) 4 0 R] >> >> >>');
    obj(2, '<</Type /Pages /Kids [3 0 R] /Count 1>>');
    obj(3, '<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>>');
    obj(4, `<</Type /EmbeddedFile /Length ${inner.length}>>\nstream\n${inner}\nendstream`);
    parts.push('77 0 obj\n<</Sneaky true>>\nendobj\n');
    const xref = length();
    parts.push(
      `xref\n0 5\n0000000000 65535 f \n${offsets
        .slice(1)
        .map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)
        .join('')}`,
    );
    parts.push(`trailer\n<</Size 5 /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`);
    const doc = PdfDocument.load(new Uint8Array(Buffer.from(parts.join(''), 'latin1')));
    expect(doc.recovered).toBe(false);
    expect(doc.unreferencedObjects()).toEqual([expect.objectContaining({ num: 77, gen: 0, revision: 0 })]);
  });

  it('keeps the file span of signature-like strings for ByteRange checks', () => {
    const body =
      '%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n3 0 obj\n<</Contents <00ff>>>\nendobj\n';
    const xrefAt = body.length;
    const pdf = `${body}trailer\n<</Root 1 0 R/Size 4>>\nstartxref\n${xrefAt}\n%%EOF\n`;
    const doc = PdfDocument.load(new Uint8Array(Buffer.from(pdf, 'latin1')));
    const sig = doc.getObject(3) as PdfDict;
    const c = sig.get('Contents') as PdfString;
    expect(c.span).toEqual({ start: pdf.indexOf('<00ff>'), end: pdf.indexOf('<00ff>') + 6 });
    expect(c.hex).toBe(true);
  });

  it('refuses input that is not a PDF with a typed error', () => {
    expect(() => PdfDocument.load(new Uint8Array(0))).toThrowError(expect.objectContaining({ code: 'PDF_EMPTY' }));
    expect(() => PdfDocument.load(new TextEncoder().encode('hello, world'))).toThrowError(PdfError);
    try {
      PdfDocument.load(new TextEncoder().encode('GIF89a'));
    } catch (e) {
      expect((e as PdfError).code).toBe('PDF_NOT_PDF');
      expect((e as PdfError).messageVi).toMatch(/không phải là PDF/);
    }
  });

  it('decodes a content stream through its filters', async () => {
    const doc = PdfDocument.load(await pdfLibDoc({ objectStreams: true, text: 'Hello' }));
    const page = doc.pages()[0].dict;
    const contents = doc.resolve(page.get('Contents'));
    const streams = Array.isArray(contents) ? contents.map((c) => doc.resolve(c)) : [contents];
    const text = streams.map((s) => Buffer.from(doc.decode(s as PdfStream)).toString('latin1')).join('');
    expect(text).toMatch(/Tj|TJ/);
  });
});
