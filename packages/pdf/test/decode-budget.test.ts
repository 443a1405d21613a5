import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { DecodeBudget, LIMITS, PdfDict, PdfDocument, PdfError, PdfName, PdfStream } from '@kyso/pdf';
import { objectStreamBomb } from './helpers/object-stream-bomb.js';

const MiB = 1 << 20;

function limitError(fn: () => unknown): PdfError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PdfError);
    return e as PdfError;
  }
  throw new Error('expected PDF_LIMIT');
}

describe('the per-document budget of decoded bytes', () => {
  const bomb = objectStreamBomb({ bytesPerStream: 4 * MiB });

  it('a file within the budget reads, and what it decoded is counted', () => {
    const doc = PdfDocument.load(bomb, { maxDecodedBytes: 64 * MiB });
    expect(doc.pages()).toHaveLength(1);
    expect(doc.getDict(doc.catalog(), 'AcroForm')?.get('Fields')).toEqual([]);
    // catalog, pages, page, AcroForm: four object streams of 4 MiB, each decoded once (cached)
    expect(doc.decodeBudget.used).toBe(4 * 4 * MiB);
    doc.pages();
    expect(doc.decodeBudget.used).toBe(4 * 4 * MiB);
  });

  it('streams each under the per-stream cap but over the budget together: PDF_LIMIT, and decoding stops at the budget', () => {
    let doc: PdfDocument | undefined;
    const e = limitError(() => {
      doc = PdfDocument.load(bomb, { maxDecodedBytes: 10 * MiB });
      doc.pages();
    });
    expect(e.code).toBe('PDF_LIMIT');
    expect(e.details).toEqual({ limit: 'maxDecodedBytes', maxDecodedBytes: 10 * MiB });
    expect(e.messageVi).toMatch(/giới hạn/);
    expect(e.messageEn).toMatch(/decodes to more than 10485760 bytes/);
    if (doc) expect(doc.decodeBudget.used).toBeLessThanOrEqual(10 * MiB);
  });

  it('the default is LIMITS.maxDocumentDecodedBytes (512 MiB): five 200 MB object streams are refused', () => {
    expect(LIMITS.maxDocumentDecodedBytes).toBe(512 * MiB);
    const big = objectStreamBomb({ bytesPerStream: 200 * 1000 * 1000 });
    expect(big.length).toBeLessThan(2 * MiB);
    const e = limitError(() => {
      const doc = PdfDocument.load(big);
      doc.pages();
      doc.getDict(doc.catalog(), 'AcroForm');
    });
    expect(e.code).toBe('PDF_LIMIT');
    expect(e.details.maxDecodedBytes).toBe(512 * MiB);
  });

  it('a damaged file located by scanning is held to the same budget (recovery does not swallow PDF_LIMIT)', () => {
    const damaged = bomb.slice();
    const text = Buffer.from(damaged).toString('latin1');
    const at = text.lastIndexOf('startxref\n') + 'startxref\n'.length;
    damaged.set(Buffer.from('9'), at); // startxref now points nowhere
    const e = limitError(() => PdfDocument.load(damaged, { maxDecodedBytes: 6 * MiB }).pages());
    expect(e.code).toBe('PDF_LIMIT');
    const ok = PdfDocument.load(damaged, { maxDecodedBytes: 64 * MiB });
    expect(ok.recovered).toBe(true);
    expect(ok.pages()).toHaveLength(1);
  });

  it('doc.decode() is charged too: a content stream over what is left is refused', () => {
    const doc = PdfDocument.load(bomb, { maxDecodedBytes: 17 * MiB });
    doc.pages(); // 12 MiB used
    const raw = new Uint8Array(deflateSync(Buffer.alloc(6 * MiB, 0x41)));
    const content = PdfStream.fromBytes(new PdfDict({ Filter: PdfName.of('FlateDecode') }), raw);
    const e = limitError(() => doc.decode(content));
    expect(e.code).toBe('PDF_LIMIT');
    expect(doc.decodeBudget.used).toBe(12 * MiB);
    const small = PdfStream.fromBytes(
      new PdfDict({ Filter: PdfName.of('FlateDecode') }),
      new Uint8Array(deflateSync(Buffer.alloc(MiB, 0x41))),
    );
    expect(doc.decode(small)).toHaveLength(MiB);
    expect(doc.decodeBudget.used).toBe(13 * MiB);
  });

  it('DecodeBudget counts and refuses past its limit', () => {
    const b = new DecodeBudget(100);
    b.charge(60);
    expect(b.remaining).toBe(40);
    b.charge(40);
    expect(b.remaining).toBe(0);
    expect(() => b.charge(1)).toThrow(PdfError);
    expect(() => new DecodeBudget(-1)).toThrow(RangeError);
  });
});
