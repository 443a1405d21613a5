/**
 * The electronic copy end to end, checked by independent tools: pdfsig (NSS trusting the test root) for both
 * signatures, qpdf --check for structure, pdftotext for the statement and mark, pdfinfo for pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { type PdfDict, PdfDocument, type PdfString } from '@kyso/pdf';
import {
  assembleElectronicCopy,
  authoritySignatureOptions,
  buildElectronicCopy,
  certifierSignatureOptions,
  finish,
  prepare,
  signPdf,
  tsaTimestamper,
  type ElectronicCopy,
  type ScanSource,
} from '@kyso/core';
import { validatePdf } from '@kyso/verify';
import { fixture, pdfLibDoc, qpdfTransform } from '../../../tests/helpers/producers.js';
import { makeNssDb, type NssDb } from '../../../tests/helpers/nss.js';
import { openSigner, pem } from '../../../tests/helpers/keys.js';
import { startTsa, type TsaServer } from '../../../tests/helpers/pki-servers.js';
import { qpdfCheck, run, scratch } from '../../../tests/helpers/tools.js';
import {
  CERTIFICATION,
  CONVERSION,
  EXPECTED_MARK,
  EXPECTED_STATEMENT,
  renderJpeg,
  scanPng,
} from './fixtures/ecopy/scans.js';

const tmp = scratch('kyso-ecopy-');
let nss: NssDb;
beforeAll(() => {
  nss = makeNssDb();
});
afterAll(() => {
  nss?.cleanup();
  tmp.cleanup();
});

const certifier = { signer: openSigner('signer.p12') };
const authority = { signer: openSigner('seal.p12') };

async function build(
  scan: ScanSource,
  extra: Partial<Parameters<typeof buildElectronicCopy>[0]> = {},
): Promise<ElectronicCopy> {
  // B-B: these tests read the two signatures' own revisions; the long-term default (a DSS and a document timestamp
  // after them) is ecopy-long-term.test.ts's.
  return buildElectronicCopy({
    scan,
    conversion: CONVERSION,
    certification: CERTIFICATION,
    certifier,
    authority,
    level: 'B-B',
    ...extra,
  });
}

/** The component count in a JPEG's baseline frame header. */
function readJpegComponents(jpeg: Uint8Array): number {
  for (let i = 2; i + 4 < jpeg.length; ) {
    const length = (jpeg[i + 2] << 8) | jpeg[i + 3];
    if (jpeg[i + 1] === 0xc0) return jpeg[i + 9];
    i += 2 + length;
  }
  return 0;
}

/** pdftotext's lines of one page, blank lines dropped. */
function textLines(path: string, page: number): string[] {
  const r = run('pdftotext', ['-f', String(page), '-l', String(page), path, '-']);
  expect(r.status).toBe(0);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Every `expected` line appears, in order, as a whole line of `lines`. */
function expectInOrder(lines: string[], expected: string[]): void {
  let at = -1;
  for (const e of expected) {
    const i = lines.indexOf(e, at + 1);
    expect(i, `"${e}" after line ${at} in:\n${lines.join('\n')}`).toBeGreaterThan(at);
    at = i;
  }
}

/** Every `expected` line appears, in order, in the page's text with line breaks read as spaces (wrapped lines). */
function expectInOrderWrapped(lines: string[], expected: string[]): void {
  const text = lines.join(' ');
  let at = -1;
  for (const e of expected) {
    const i = text.indexOf(e, at + 1);
    expect(i, `"${e}" after ${at} in:\n${text}`).toBeGreaterThan(at);
    at = i;
  }
}

/** What every e-copy must satisfy, whatever its input; on small pages the mark's lines may wrap. */
function checkCopy(
  name: string,
  copy: ElectronicCopy,
  originalPages: number,
  opts: { markWraps?: boolean } = {},
): string {
  const path = tmp.file(`${name.replace(/[^a-z0-9]+/gi, '-')}.pdf`, copy.bytes);
  expect(copy.sha256).toBe(createHash('sha256').update(copy.bytes).digest('hex'));
  expect(copy.originalPages).toBe(originalPages);

  const sigs = nss.pdfsig(path);
  expect(sigs.signatures.map((s) => s.field)).toEqual(['NguoiThucHienChungThuc', 'CoQuanChungThuc']);
  expect(sigs.signatures.map((s) => s.signerCN)).toEqual([
    'Nguyễn Thị Lấp Lánh Ánh',
    'Ủy ban nhân dân phường Kinh Bắc',
  ]);
  for (const s of sigs.signatures) expect(s, s.raw).toMatchObject({ valid: true, trusted: true });
  expect(sigs.signatures[1].totalDocumentSigned).toBe(true);

  const check = qpdfCheck(path);
  expect(check.status, check.stdout + check.stderr).toBe(0);
  const info = run('pdfinfo', [path]).stdout;
  expect(info).toMatch(new RegExp(`^Pages:\\s+${copy.pages}$`, 'm'));

  (opts.markWraps ? expectInOrderWrapped : expectInOrder)(textLines(path, 1), EXPECTED_MARK);
  expectInOrder(textLines(path, copy.statement.page), EXPECTED_STATEMENT);
  return path;
}

describe('an e-copy from a scanned PDF', () => {
  const producers: [string, () => Promise<Uint8Array>][] = [
    ['pdf-lib, classic xref', () => pdfLibDoc({ pages: 3, objectStreams: false })],
    ['pdf-lib, object streams', () => pdfLibDoc({ pages: 2, objectStreams: true })],
    [
      'qpdf, linearised',
      async () => qpdfTransform(await pdfLibDoc({ pages: 2, objectStreams: false }), ['--linearize']),
    ],
    ['LibreOffice (Vietnamese text)', async () => fixture('libreoffice-vi.pdf')],
    ['Ghostscript', async () => fixture('ghostscript.pdf')],
    ['hybrid xref (table + /XRefStm)', async () => fixture('hybrid-xref.pdf')],
    ['earlier incremental updates', async () => fixture('incremental-classic.pdf')],
  ];
  for (const [name, make] of producers) {
    it(`${name}: keeps the scan byte for byte, two valid trusted signatures, the statement and mark read back`, async () => {
      const pdf = await make();
      const pages = PdfDocument.load(pdf).pages().length;
      const copy = await build({ pdf });
      expect(Buffer.from(copy.bytes.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
      // full-size pages: under the scan the statement would shrink it too much, so it gets a certification page
      expect(copy.statementOnAddedPage).toBe(true);
      expect(copy.pages).toBe(pages + 1);
      expect(copy.statement.page).toBe(pages + 1);
      checkCopy(name, copy, pages);
    });
  }

  it("leaves the scan's own text where it was (page content is wrapped, not replaced)", async () => {
    const pdf = await pdfLibDoc({ pages: 2, objectStreams: false });
    const path = checkCopy('own-text', await build({ pdf }), 2);
    expect(textLines(path, 1)).toContain('kyso test page 1');
    expect(textLines(path, 2)).toContain('kyso test page 2');
  });

  it("the certifier's signature certifies the document (DocMDP P=2) and stays valid after the authority's", async () => {
    const pdf = await pdfLibDoc({ pages: 1, objectStreams: true });
    const copy = await build({ pdf });
    const doc = PdfDocument.load(copy.bytes);
    const perms = doc.getDict(doc.catalog(), 'Perms');
    expect(perms?.has('DocMDP')).toBe(true);
    // The revision the certifier signed, alone: pdfsig finds one signature covering all of it.
    const sig1 = doc.revisions[doc.revisions.length - 2];
    const first = tmp.file('first-revision.pdf', copy.bytes.subarray(0, sig1.end));
    const alone = nss.pdfsig(first).signatures;
    expect(alone).toHaveLength(1);
    expect(alone[0]).toMatchObject({
      field: 'NguoiThucHienChungThuc',
      valid: true,
      trusted: true,
      totalDocumentSigned: true,
    });
    // In the whole file it is still valid, now followed by the authority's revision.
    const both = nss.pdfsig(tmp.file('both.pdf', copy.bytes)).signatures;
    expect(both[0]).toMatchObject({ valid: true, totalDocumentSigned: false });
    expect(both[1]).toMatchObject({ valid: true, totalDocumentSigned: true });
    const report = await validatePdf(copy.bytes, { trustAnchors: [pem('root-ca.pem')], online: true });
    expect(report.signatures.map((r) => [r.kind, r.indication, r.intact, r.modifications])).toEqual([
      ['certification', 'TOTAL-PASSED', true, 'ALLOWED'],
      ['approval', 'TOTAL-PASSED', true, 'NONE'],
    ]);
  });

  it('on a one-page scan with statementPlacement last-page the mark, the scan and the statement share the page in their own bands', async () => {
    const pdf = await pdfLibDoc({ pages: 1, objectStreams: false });
    const copy = await build({ pdf }, { statementPlacement: 'last-page' });
    expect(copy.pages).toBe(1);
    expect(copy.statement.page).toBe(1);
    const m = copy.mark.rect;
    const s = copy.statement.rect;
    const scan = copy.scanAreas[0].rect;
    expect(s.y + s.height).toBeLessThanOrEqual(scan.y);
    expect(scan.y + scan.height).toBeLessThanOrEqual(m.y);
    checkCopy('one-page', copy, 1);
  });
});

describe('an e-copy from scanned images', () => {
  it('JPEG (rendered by pdftoppm at 100 dpi) and PNG pages: page size from the resolution, JPEG embedded unchanged', async () => {
    const source = await pdfLibDoc({ pages: 2, objectStreams: false });
    const jpeg = renderJpeg(source, 100, 1);
    const png = scanPng(827, 1170, { dpi: 100, seed: 7 });
    const copy = await build({ images: [jpeg, png] });
    checkCopy('jpeg-png', copy, 2);
    // The JPEG's bytes are in the file as they are (DCTDecode passthrough: the scan is not re-encoded).
    expect(Buffer.from(copy.bytes).indexOf(Buffer.from(jpeg))).toBeGreaterThan(0);
    const doc = await PDFDocument.load(copy.bytes, { updateMetadata: false });
    const sizes = doc.getPages().map((p) => p.getSize());
    // 827 × 1170 pixels at 100 dpi = 595.44 × 842.4 pt
    for (const s of sizes) {
      expect(s.width).toBeCloseTo(595.44, 1);
      expect(s.height).toBeCloseTo(842.4, 1);
    }
  });

  it('images without a resolution are fitted to A4, turned to their orientation', async () => {
    const portrait = scanPng(600, 800, { seed: 1 });
    const landscape = scanPng(900, 500, { seed: 2 });
    // a one-component (greyscale) JPEG whose JFIF header states no resolution (density units 0)
    const grey = renderJpeg(await pdfLibDoc({ pages: 1, objectStreams: false }), 40, 1, { gray: true });
    grey[13] = 0;
    expect(readJpegComponents(grey)).toBe(1);
    const copy = await build({ images: [portrait, { bytes: landscape }, grey] });
    checkCopy('fit-a4', copy, 3);
    const doc = await PDFDocument.load(copy.bytes, { updateMetadata: false });
    const [p1, p2, p3] = doc.getPages().map((p) => p.getSize());
    expect([p1.width, p1.height]).toEqual([595.28, 841.89]);
    expect([p2.width, p2.height]).toEqual([841.89, 595.28]);
    expect([p3.width, p3.height]).toEqual([595.28, 841.89]);
  });

  it("a caller-given resolution wins over the file's, and imagePageSize a4 ignores both", async () => {
    const png = scanPng(850, 1100, { dpi: 300, seed: 3 }); // 2.83 × 3.67 in at 300 dpi; 8.5 × 11 in at 100 dpi
    const letter = await build({ images: [{ bytes: png, dpi: 100 }] });
    const a4 = await build({ images: [png] }, { imagePageSize: 'a4' });
    const size = async (b: Uint8Array) => (await PDFDocument.load(b, { updateMetadata: false })).getPage(0).getSize();
    expect(await size(letter.bytes)).toEqual({ width: 612, height: 792 });
    expect(await size(a4.bytes)).toEqual({ width: 595.28, height: 841.89 });
    checkCopy('given-dpi', letter, 1);
  });

  it('two small card-sized images (a CCCD, both sides) go on one A4 sheet at real size, with the mark and the statement', async () => {
    const front = scanPng(1012, 638, { dpi: 300, seed: 4 });
    const back = scanPng(1012, 638, { dpi: 300, seed: 5, alpha: true });
    const copy = await build({ images: [front, back] });
    expect(copy.originalPages).toBe(2);
    expect(copy.pages).toBe(1);
    expect(copy.statementOnAddedPage).toBe(false);
    expect(copy.statement.page).toBe(1);
    const doc = await PDFDocument.load(copy.bytes, { updateMetadata: false });
    expect(doc.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 });
    for (const a of copy.scanAreas) expect(a.rect.width).toBeCloseTo(242.88, 1); // 1012 px at 300 dpi
    checkCopy('card', copy, 2);
  });
});

describe('two-step signing (the key signs elsewhere)', () => {
  it('the assembled copy and the signature options drive prepare → sign → finish to the same valid e-copy', async () => {
    const assembled = assembleElectronicCopy({
      scan: { pdf: await pdfLibDoc({ pages: 2, objectStreams: false }) },
      conversion: CONVERSION,
      certification: CERTIFICATION,
    });
    const time = new Date();
    const options = certifierSignatureOptions(assembled, { signerName: 'Nguyễn Thị Lấp Lánh Ánh', signingTime: time });
    const prepared = prepare(assembled.bytes, certifier.signer, options);
    const state = JSON.parse(JSON.stringify(prepared.state)); // plain data: a service can stop here
    const signatureValue = await certifier.signer.sign(prepared.dataToSign); // "elsewhere"
    const first = await finish(assembled.bytes, state, { signatureValue });
    const both = await signPdf(
      first,
      authority.signer,
      authoritySignatureOptions(assembled, { signerName: 'Ủy ban nhân dân phường Kinh Bắc', signingTime: new Date() }),
    );
    const sigs = nss.pdfsig(tmp.file('two-step.pdf', both)).signatures;
    expect(sigs.map((s) => [s.field, s.valid, s.trusted])).toEqual([
      ['NguoiThucHienChungThuc', true, true],
      ['CoQuanChungThuc', true, true],
    ]);
  });
});

describe('PAdES B-T', () => {
  let tsa: TsaServer;
  beforeAll(async () => {
    tsa = await startTsa();
  });
  afterAll(async () => {
    await tsa?.stop();
  });

  it('both signatures carry a signature timestamp from the TSA; pdfsig says valid and trusted', async () => {
    const before = tsa.requests;
    const copy = await build(
      { pdf: await pdfLibDoc({ pages: 2, objectStreams: true }) },
      { timestamper: tsaTimestamper(tsa.url), level: 'B-T' },
    );
    expect(tsa.requests).toBe(before + 2);
    expect(copy.signatures.certifier.level).toBe('B-T');
    expect(copy.signatures.authority.level).toBe('B-T');
    const path = checkCopy('b-t', copy, 2);
    expect(nss.pdfsig(path).signatures).toHaveLength(2);
    // @kyso/verify, checking revocation online against the test OCSP responder: both TOTAL-PASSED, in order
    const report = await validatePdf(copy.bytes, { trustAnchors: [pem('root-ca.pem')], online: true });
    expect(report.signatures.map((r) => [r.fieldName, r.kind, r.indication, r.modifications, r.level])).toEqual([
      ['NguoiThucHienChungThuc', 'certification', 'TOTAL-PASSED', 'ALLOWED', 'B-T'],
      ['CoQuanChungThuc', 'approval', 'TOTAL-PASSED', 'NONE', 'B-T'],
    ]);
    // each CMS holds an id-aa-signatureTimeStampToken (1.2.840.113549.1.9.16.2.14) in its unsigned attributes
    const tokenOid = Buffer.from([0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x0e]);
    const doc = PdfDocument.load(copy.bytes);
    const acro = doc.getDict(doc.catalog(), 'AcroForm')!;
    const fields = doc.resolve(acro.get('Fields')) as unknown[];
    expect(fields).toHaveLength(2);
    for (const f of fields) {
      const field = doc.resolve(f as never) as PdfDict;
      const v = doc.resolve(field.get('V')) as PdfDict;
      const cms = Buffer.from((v.get('Contents') as PdfString).bytes);
      expect(cms.indexOf(tokenOid)).toBeGreaterThan(0);
    }
  });
});
