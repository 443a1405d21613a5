/**
 * The authority's seal is drawn at its real size (DOMAIN.md §9 "actual size"): SEAL_SIZE_MM by default, or the
 * configured size; the widget grows to hold it with the text beside it, and the copy still verifies.
 */
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { type PdfDict, PdfDocument, type PdfStream, PdfString, stringText } from '@kyso/pdf';
import { validatePdf } from '@kyso/verify';
import { AUTHORITY_FIELD, SEAL_SIZE_MM, buildElectronicCopy, KysoError } from '@kyso/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSigner } from '../../../tests/helpers/keys.js';
import { TEST_CERTS } from '../../../tests/helpers/pki-servers.js';
import { scanPng } from './fixtures/ecopy/scans.js';

/** A red ring, transparent outside: a seal. */
function sealPng(): Uint8Array {
  const img = new PNG({ width: 200, height: 200 });
  for (let y = 0; y < 200; y++)
    for (let x = 0; x < 200; x++) {
      const r = Math.hypot(x - 100, y - 100);
      img.data.set(r > 82 && r < 96 ? [215, 20, 30, 255] : [0, 0, 0, 0], (y * 200 + x) * 4);
    }
  return new Uint8Array(PNG.sync.write(img));
}

async function build(sealSizeMm?: number) {
  return buildElectronicCopy({
    scan: { images: [{ bytes: scanPng(620, 877, { seed: 3 }), dpi: 75 }] },
    conversion: {
      convertedAt: new Date('2026-03-15T02:41:27Z'),
      convertedBy: 'Nguyễn Thị Lấp Lánh Ánh',
      organisation: 'Ủy ban nhân dân phường Kinh Bắc',
    },
    certification: {
      number: 12,
      book: '01/2026',
      date: new Date('2026-03-15T02:41:27Z'),
      certifierName: 'Nguyễn Thị Lấp Lánh Ánh',
      authorityName: 'Ủy ban nhân dân phường Kinh Bắc',
    },
    certifier: { signer: openSigner('signer.p12') },
    authority: {
      signer: openSigner('seal.p12'),
      sealImage: sealPng(),
      ...(sealSizeMm === undefined ? {} : { sealSizeMm }),
    },
    level: 'B-B',
    certificateCheck: false,
  });
}

/** The authority widget's /Rect and the seal's drawn size in its appearance stream (the `cm` before `/Seal Do`). */
function sealDrawn(pdf: Uint8Array): {
  widget: { width: number; height: number };
  seal: { width: number; height: number };
} {
  const doc = PdfDocument.load(pdf);
  const form = doc.getDict(doc.catalog(), 'AcroForm');
  const fields = (doc.resolve(form?.get('Fields')) as unknown[]).map((r) => doc.resolve(r as never) as PdfDict);
  const field = fields.find(
    (f) => f.get('T') instanceof PdfString && stringText(f.get('T') as PdfString) === AUTHORITY_FIELD,
  );
  expect(field, fields.map((f) => String(f.get('T'))).join(',')).toBeDefined();
  const kids = doc.resolve(field!.get('Kids')) as unknown[] | undefined;
  const widget = kids?.length ? (doc.resolve(kids[0] as never) as PdfDict) : field!;
  const rect = (doc.resolve(widget.get('Rect')) as number[]).map(Number);
  const ap = doc.getDict(widget, 'AP')!;
  const n = doc.resolve(ap.get('N')) as PdfStream;
  const ops = Buffer.from(doc.decode(n)).toString('latin1');
  const m = /q ([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm \/Seal Do Q/.exec(ops);
  expect(m, ops.slice(0, 400)).not.toBeNull();
  return {
    widget: { width: rect[2] - rect[0], height: rect[3] - rect[1] },
    seal: { width: Number(m![1]), height: Number(m![2]) },
  };
}

const mm = (v: number) => (v * 72) / 25.4;

describe('the seal at its real size', () => {
  it(`default ${SEAL_SIZE_MM} mm; a configured 42 mm; the widget holds it and both signatures stay TOTAL-PASSED`, async () => {
    const plain = await build();
    const d = sealDrawn(plain.bytes);
    expect(d.seal.height).toBeCloseTo(mm(SEAL_SIZE_MM), 1);
    expect(d.seal.width).toBeCloseTo(mm(SEAL_SIZE_MM), 1); // a round seal stays round
    expect(d.widget.height).toBeGreaterThanOrEqual(d.seal.height);

    const big = await build(42);
    const b = sealDrawn(big.bytes);
    expect(b.seal.height).toBeCloseTo(mm(42), 1);
    expect(b.widget.width).toBeGreaterThan(b.seal.width);

    const root = readFileSync(join(TEST_CERTS, 'root-ca.pem'), 'utf8');
    const report = await validatePdf(big.bytes, { trustAnchors: [root], online: false });
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED']);
  });

  it('a size outside 10-80 mm is refused with a typed error', async () => {
    const e = await build(5).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KysoError);
    expect((e as KysoError).code).toBe('ECOPY_BAD_INPUT');
  });
});
