/**
 * Bad input to the e-copy builder: every refusal is a typed KysoError with a stable code and Vietnamese and
 * English messages, and nothing is returned (no partial e-copy).
 */
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import {
  KysoError,
  assembleElectronicCopy,
  buildElectronicCopy,
  signPdf,
  type AssembleInput,
  type ElectronicCopyInput,
} from '@kyso/core';
import { fixture, pdfLibDoc } from '../../../tests/helpers/producers.js';
import { openSigner, PASSWORD } from '../../../tests/helpers/keys.js';
import { CERTIFICATION, CONVERSION, scanPng } from './fixtures/ecopy/scans.js';

const parties = { certifier: { signer: openSigner('signer.p12') }, authority: { signer: openSigner('seal.p12') } };

function assembleInput(over: Partial<AssembleInput> = {}): AssembleInput {
  return { scan: { images: [scanPng(600, 800)] }, conversion: CONVERSION, certification: CERTIFICATION, ...over };
}

/** The call fails with `code`, a KysoError whose messages are present, distinct and free of the password. */
function expectRefusal(fn: () => unknown, code: string): KysoError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code}`).toBeInstanceOf(KysoError);
  const k = error as KysoError;
  expect(k.code).toBe(code);
  expect(k.messageVi.length).toBeGreaterThan(10);
  expect(k.messageEn.length).toBeGreaterThan(10);
  expect(k.messageVi).not.toBe(k.messageEn);
  expect(`${k.message} ${k.messageVi} ${JSON.stringify(k.details)}`).not.toContain(PASSWORD);
  return k;
}

async function expectBuildRefusal(input: ElectronicCopyInput, code: string): Promise<KysoError> {
  const result = await buildElectronicCopy(input).then(
    (copy) => ({ copy }),
    (error: unknown) => ({ error }),
  );
  expect('copy' in result, 'no e-copy may come back').toBe(false);
  return expectRefusal(() => {
    throw (result as { error: unknown }).error;
  }, code);
}

const emptyPageTree = (): Uint8Array => {
  const body = [
    '%PDF-1.7\n',
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
    '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n',
  ];
  const offsets = [body[0].length, body[0].length + body[1].length];
  const xref = body.join('').length;
  const text = `${body.join('')}xref\n0 3\n0000000000 65535 f\r\n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('')}trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(text);
};

/** A JPEG that is only headers: JFIF at `dpi`, then a baseline frame header of `width` × `height`. */
function jpegHeader(width: number, height: number, dpi = 300): Uint8Array {
  const app0 = [
    0xff,
    0xe0,
    0x00,
    0x10,
    0x4a,
    0x46,
    0x49,
    0x46,
    0x00,
    0x01,
    0x01,
    0x01,
    dpi >> 8,
    dpi & 0xff,
    dpi >> 8,
    dpi & 0xff,
    0x00,
    0x00,
  ];
  const sof0 = [
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

/** A PNG that is only a signature and an IHDR claiming `width` × `height`. */
function pngHeader(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8;
  b[25] = 6;
  return new Uint8Array(b);
}

async function pdfWithPage(
  size: [number, number],
  edit?: (page: import('pdf-lib').PDFPage) => void,
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage(size);
  edit?.(page);
  return doc.save();
}

describe('a scanned PDF that cannot be certified', () => {
  it('is encrypted (AES-256 and RC4)', () => {
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { pdf: fixture('encrypted-aes256.pdf') } })),
      'ECOPY_SCAN_ENCRYPTED',
    );
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { pdf: fixture('encrypted-rc4.pdf') } })),
      'ECOPY_SCAN_ENCRYPTED',
    );
  });

  it('is not a PDF, is empty, or is cut short', async () => {
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { pdf: new TextEncoder().encode('hello, not a PDF') } })),
      'ECOPY_SCAN_UNREADABLE',
    );
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { pdf: new Uint8Array(0) } })),
      'ECOPY_SCAN_UNREADABLE',
    );
    const pdf = await pdfLibDoc({ pages: 1, objectStreams: false });
    // cut short, the reader either gives up or recovers what it can: refused either way
    let code = '';
    try {
      assembleElectronicCopy(assembleInput({ scan: { pdf: pdf.subarray(0, 200) } }));
    } catch (e) {
      code = e instanceof KysoError ? e.code : 'not a KysoError';
    }
    expect(['ECOPY_SCAN_UNREADABLE', 'ECOPY_SCAN_DAMAGED', 'ECOPY_NO_PAGES']).toContain(code);
  });

  it('is damaged (cross-reference offsets wrong; the reader had to recover it)', () => {
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { pdf: fixture('broken-xref-offsets.pdf') } })),
      'ECOPY_SCAN_DAMAGED',
    );
  });

  it('has no pages', () => {
    expectRefusal(() => assembleElectronicCopy(assembleInput({ scan: { pdf: emptyPageTree() } })), 'ECOPY_NO_PAGES');
  });

  it('is already digitally signed (an e-copy is captured from paper)', async () => {
    const signed = await signPdf(await pdfLibDoc({ pages: 1, objectStreams: false }), parties.certifier.signer, {
      certificateCheck: false,
    });
    expectRefusal(() => assembleElectronicCopy(assembleInput({ scan: { pdf: signed } })), 'ECOPY_SCAN_SIGNED');
  });

  it('has a page with an empty MediaBox', async () => {
    const pdf = await pdfWithPage([595, 842], (p) => p.setMediaBox(0, 0, 0, 0));
    expectRefusal(() => assembleElectronicCopy(assembleInput({ scan: { pdf } })), 'ECOPY_PAGE_INVALID');
  });

  it('has a first page too narrow for the conversion mark (a strip taller than A5 is not put on a sheet)', async () => {
    const pdf = await pdfWithPage([80, 900]);
    const e = expectRefusal(() => assembleElectronicCopy(assembleInput({ scan: { pdf } })), 'ECOPY_PAGE_TOO_SMALL');
    expect(e.details).toMatchObject({ page: 1 });
  });

  it('has a last page too low for the statement under the scan when the caller insists on the last page', async () => {
    const banner = scanPng(2800, 600, { dpi: 144 }); // 1400 × 300 pt: under a statement band it would be shown below FRAME_LAYOUT.minScale
    const e = expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: [banner] }, statementPlacement: 'last-page' })),
      'ECOPY_PAGE_TOO_SMALL',
    );
    expect(e.details).toMatchObject({ page: 1 });
  });
});

describe('scanned images that cannot be certified', () => {
  it('none at all', () => {
    expectRefusal(() => assembleElectronicCopy(assembleInput({ scan: { images: [] } })), 'ECOPY_NO_PAGES');
  });

  it('a file that is not an image, a GIF, a PNG whose data is corrupt, a JPEG without a frame header', () => {
    const page = scanPng(600, 800);
    const corrupt = page.slice();
    corrupt.fill(0x55, 60, 200); // inside IDAT
    const cases: [string, Uint8Array][] = [
      ['text', new TextEncoder().encode('not an image at all')],
      ['gif', new TextEncoder().encode('GIF89a\x01\x00\x01\x00')],
      ['corrupt png', corrupt],
      ['headless jpeg', new Uint8Array([0xff, 0xd8, 0xff, 0xd9])],
      ['empty', new Uint8Array(0)],
    ];
    for (const [name, bytes] of cases) {
      const e = expectRefusal(
        () => assembleElectronicCopy(assembleInput({ scan: { images: [page, bytes] } })),
        'ECOPY_IMAGE_UNSUPPORTED',
      );
      expect(e.details, name).toMatchObject({ image: 2 });
    }
  });

  it("the scan's PNG images together over maxDecodedPixels: refused from their headers before any is decoded", () => {
    // Seven 4000 × 4000 headers (each under the 16 M per-image bound): 112 M pixels > the 100 M default. The
    // headers alone are no decodable PNG, so reaching the decoder would say ECOPY_IMAGE_UNSUPPORTED instead.
    const many = Array.from({ length: 7 }, () => pngHeader(4000, 4000));
    const e = expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: many } })),
      'ECOPY_IMAGE_TOO_LARGE',
    );
    expect(e.details).toEqual({ pixels: 112_000_000, maxDecodedPixels: 100_000_000 });
    // configurable: two real 1000 × 1000 scans pass under 3 M and are refused under 1.5 M
    const two = [scanPng(1000, 1000), scanPng(1000, 1000)];
    expect(
      assembleElectronicCopy(assembleInput({ scan: { images: two }, maxDecodedPixels: 3_000_000 })).originalPages,
    ).toBe(2);
    expect(
      expectRefusal(
        () => assembleElectronicCopy(assembleInput({ scan: { images: two }, maxDecodedPixels: 1_500_000 })),
        'ECOPY_IMAGE_TOO_LARGE',
      ).details,
    ).toEqual({
      pixels: 2_000_000,
      maxDecodedPixels: 1_500_000,
    });
  });

  it('absurd dimensions: too many pixels, too thin, too tiny, a page larger than PDF allows', () => {
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: [pngHeader(100_000, 100_000)] } })),
      'ECOPY_IMAGE_TOO_LARGE',
    );
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: [jpegHeader(40_000, 1000)] } })),
      'ECOPY_IMAGE_TOO_LARGE',
    );
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: [pngHeader(6000, 6000)] } })),
      'ECOPY_IMAGE_TOO_LARGE',
    ); // 36 M pixels to decode
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: [scanPng(2000, 40)] } })),
      'ECOPY_IMAGE_BAD_SIZE',
    );
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: [scanPng(8, 8)] } })),
      'ECOPY_IMAGE_BAD_SIZE',
    );
    // 20 000 pixels at 50 dpi would be a 400-inch page
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: [jpegHeader(20_000, 20_000, 50)] } })),
      'ECOPY_IMAGE_BAD_SIZE',
    );
    // 100 pixels at 300 dpi is a third of an inch
    expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: [scanPng(100, 100, { dpi: 300 })] } })),
      'ECOPY_IMAGE_BAD_SIZE',
    );
  });

  it('an implausible resolution given by the caller', () => {
    const e = expectRefusal(
      () => assembleElectronicCopy(assembleInput({ scan: { images: [{ bytes: scanPng(600, 800), dpi: 0 }] } })),
      'ECOPY_BAD_INPUT',
    );
    expect(e.details).toMatchObject({ image: 1 });
  });
});

describe('certification data that cannot be written', () => {
  const cases: [string, Partial<typeof CERTIFICATION>, string][] = [
    ['number 0', { number: 0 }, 'certification.number'],
    ['a fractional number', { number: 1.5 }, 'certification.number'],
    ['a blank book', { book: '  ' }, 'certification.book'],
    ['an invalid date', { date: new Date('not a date') }, 'certification.date'],
    ['no certifier name', { certifierName: '' }, 'certification.certifierName'],
    ['no authority', { authorityName: undefined as unknown as string }, 'certification.authorityName'],
    ['an absurdly long title', { certifierTitle: 'x'.repeat(1000) }, 'certification.certifierTitle'],
  ];
  for (const [name, change, field] of cases) {
    it(name, () => {
      const e = expectRefusal(
        () => assembleElectronicCopy(assembleInput({ certification: { ...CERTIFICATION, ...change } })),
        'ECOPY_BAD_INPUT',
      );
      expect(e.details).toMatchObject({ field });
    });
  }

  it("a conversion without the converter's name", () => {
    const e = expectRefusal(
      () => assembleElectronicCopy(assembleInput({ conversion: { ...CONVERSION, convertedBy: ' ' } })),
      'ECOPY_BAD_INPUT',
    );
    expect(e.details).toMatchObject({ field: 'conversion.convertedBy' });
  });

  it('a placement that is not one of auto, last-page, new-page (over the scan is not one), a card flag that is not a boolean', () => {
    const placement = expectRefusal(
      () => assembleElectronicCopy(assembleInput({ statementPlacement: 'over-scan' as 'auto' })),
      'ECOPY_BAD_INPUT',
    );
    expect(placement.details).toMatchObject({ field: 'statementPlacement' });
    const card = expectRefusal(
      () => assembleElectronicCopy(assembleInput({ originalIsCard: 'yes' as unknown as boolean })),
      'ECOPY_BAD_INPUT',
    );
    expect(card.details).toMatchObject({ field: 'originalIsCard' });
  });

  it('a verification reference too long for a QR code', () => {
    expectRefusal(
      () =>
        assembleElectronicCopy(
          assembleInput({ conversion: { ...CONVERSION, verificationRef: `https://x.vn/${'a'.repeat(600)}` } }),
        ),
      'ECOPY_QR_TOO_LONG',
    );
  });

  it('a name with characters the Vietnamese font lacks', () => {
    const e = expectRefusal(
      () =>
        assembleElectronicCopy(assembleInput({ certification: { ...CERTIFICATION, certifierName: 'Nguyễn 漢字' } })),
      'ECOPY_UNSUPPORTED_CHAR',
    );
    expect(e.details).toMatchObject({ characters: ['漢', '字'] });
  });
});

describe('signing that cannot happen', () => {
  const input = (over: Partial<ElectronicCopyInput>): ElectronicCopyInput => ({
    ...assembleInput(),
    ...parties,
    ...over,
  });

  it('the same certificate for the certifier and the authority', async () => {
    await expectBuildRefusal(input({ authority: { signer: parties.certifier.signer } }), 'ECOPY_BAD_INPUT');
  });

  it('an expired certifier certificate is refused by the pre-signing check', async () => {
    await expectBuildRefusal(input({ certifier: { signer: openSigner('expired.p12') } }), 'SIGN_CERT_EXPIRED');
  });

  it('a revoked authority certificate is refused after OCSP says so', async () => {
    await expectBuildRefusal(
      input({ authority: { signer: openSigner('revoked.p12') }, certificateCheck: { revocation: 'require' } }),
      'SIGN_CERT_REVOKED',
    );
  });

  it('a seal image that is not an image', async () => {
    await expectBuildRefusal(
      input({ authority: { ...parties.authority, sealImage: new TextEncoder().encode('seal?') } }),
      'APPEARANCE_BAD_IMAGE',
    );
  });
});
