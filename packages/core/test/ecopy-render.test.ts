/**
 * What the e-copy looks like, read back from poppler's renderer (pdftoppm): the mark where the facts say it is,
 * the QR code's modules equal to the `qrcode` package's matrix, and everything upright on rotated pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import { buildElectronicCopy, type ElectronicCopy } from '@kyso/core';
import { pdfLibDoc } from '../../../tests/helpers/producers.js';
import { openSigner } from '../../../tests/helpers/keys.js';
import { run, scratch } from '../../../tests/helpers/tools.js';
import {
  CERTIFICATION,
  CONVERSION,
  EXPECTED_MARK,
  EXPECTED_STATEMENT,
  countIn,
  isBlue,
  renderPage,
} from './fixtures/ecopy/scans.js';

const tmp = scratch('kyso-ecopy-render-');
afterAll(() => tmp.cleanup());

const A4_HEIGHT = 841.89;
const parties = { certifier: { signer: openSigner('signer.p12') }, authority: { signer: openSigner('seal.p12') } };

let copy: ElectronicCopy;
let path: string;
beforeAll(async () => {
  copy = await buildElectronicCopy({
    scan: { pdf: await pdfLibDoc({ pages: 2, objectStreams: false }) },
    conversion: CONVERSION,
    certification: CERTIFICATION,
    ...parties,
  });
  path = tmp.file('copy.pdf', copy.bytes);
});

describe('the rendered e-copy', () => {
  it('draws the mark (blue) inside the rectangle the facts give, and nothing blue elsewhere on page 1', () => {
    const page = renderPage(path, 1, 72);
    const all = { x: 0, y: 0, width: 595.28, height: A4_HEIGHT };
    const inMark = countIn(page, A4_HEIGHT, copy.mark.rect, isBlue);
    expect(inMark).toBeGreaterThan(500);
    expect(countIn(page, A4_HEIGHT, all, isBlue)).toBe(inMark);
    // top-left corner of the page, inside the top margin
    expect(copy.mark.rect.x).toBeLessThan(20);
    expect(A4_HEIGHT - (copy.mark.rect.y + copy.mark.rect.height)).toBeLessThan(20);
    expect(copy.mark.rect.height).toBeLessThanOrEqual(57); // 20 mm: the smallest top margin of Decree 30/2020
  });

  it('draws the statement (blue) inside its rectangle on the last page', () => {
    expect(copy.statement.page).toBe(copy.pages);
    const page = renderPage(path, copy.statement.page, 72);
    expect(countIn(page, A4_HEIGHT, copy.statement.rect, isBlue)).toBeGreaterThan(1000);
    const above = { x: 0, y: copy.statement.rect.y + copy.statement.rect.height + 1, width: 595.28, height: 400 };
    expect(countIn(page, A4_HEIGHT, above, isBlue)).toBe(0);
  });

  it("the QR code's modules, sampled at their centres, equal the qrcode package's matrix for the reference", () => {
    const qr = copy.mark.qr!;
    expect(qr).toBeDefined();
    const scale = 4; // 288 dpi; only the code's square is rendered
    const page = renderPage(path, 1, 72 * scale, {
      x: Math.floor(qr.x * scale),
      y: Math.floor((A4_HEIGHT - qr.y - qr.height) * scale),
      width: Math.ceil(qr.width * scale) + 1,
      height: Math.ceil(qr.height * scale) + 1,
    });
    const expected = QRCode.create(CONVERSION.verificationRef!, { errorCorrectionLevel: 'M' }).modules;
    const total = expected.size + 8; // four modules of quiet zone on each side
    const unit = qr.width / total;
    const dark = (row: number, col: number): boolean => {
      const x = (qr.x + (col + 0.5) * unit) * page.scale;
      const y = (A4_HEIGHT - (qr.y + qr.height - (row + 0.5) * unit)) * page.scale;
      const [r, g, b] = page.pixel(x, y);
      return (r + g + b) / 3 < 128;
    };
    const drawn: number[] = [];
    const want: number[] = [];
    for (let row = 0; row < total; row++) {
      for (let col = 0; col < total; col++) {
        const inside = row >= 4 && col >= 4 && row < expected.size + 4 && col < expected.size + 4;
        want.push(inside ? expected.get(row - 4, col - 4) : 0);
        drawn.push(dark(row, col) ? 1 : 0);
      }
    }
    expect(drawn).toEqual(want);
    expect(want.filter(Boolean).length).toBeGreaterThan(200);
  });

  it("with a signature image and a seal image: the seal (red) inside the authority's widget, the signature (blue) in the certifier's", async () => {
    const { PNG } = await import('pngjs');
    const image = (
      w: number,
      h: number,
      paint: (x: number, y: number) => [number, number, number, number],
    ): Uint8Array => {
      const img = new PNG({ width: w, height: h });
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data.set(paint(x, y), (y * w + x) * 4);
      return new Uint8Array(PNG.sync.write(img));
    };
    const seal = image(200, 200, (x, y) =>
      Math.abs(Math.hypot(x - 100, y - 100) - 85) < 10 ? [215, 20, 30, 255] : [0, 0, 0, 0],
    );
    const stroke = image(300, 120, (x, y) =>
      Math.abs(y - 60 - 35 * Math.sin(x / 22)) < 5 && x > 10 && x < 290 ? [20, 40, 200, 255] : [0, 0, 0, 0],
    );
    const withImages = await buildElectronicCopy({
      scan: { pdf: await pdfLibDoc({ pages: 1, objectStreams: false }) },
      conversion: CONVERSION,
      certification: CERTIFICATION,
      certifier: { ...parties.certifier, signatureImage: stroke },
      authority: { ...parties.authority, sealImage: seal },
    });
    const file = tmp.file('images.pdf', withImages.bytes);
    const page = renderPage(file, withImages.statement.page, 72);
    const isRed = ([r, g, b]: [number, number, number]): boolean => r > 150 && r - g > 80 && r - b > 80;
    const { certifier, authority } = withImages.signatures;
    expect(countIn(page, A4_HEIGHT, authority.rect, isRed)).toBeGreaterThan(100);
    expect(countIn(page, A4_HEIGHT, { x: 0, y: 0, width: 595.28, height: A4_HEIGHT }, isRed)).toBe(
      countIn(page, A4_HEIGHT, authority.rect, isRed),
    );
    expect(countIn(page, A4_HEIGHT, certifier.rect, isBlue)).toBeGreaterThan(100);
  });

  it('on rotated pages (90° first, 180° last) the mark sits at the displayed top-left and every line reads back', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.TimesRoman);
    for (const r of [90, 0, 180]) {
      const p = doc.addPage([595.28, A4_HEIGHT]);
      p.setRotation(degrees(r));
      p.drawText(`page turned ${r}`, { x: 72, y: 700, size: 14, font });
    }
    // the statement in the band under the last page's scan, so that it is laid out on the turned page
    const rotated = await buildElectronicCopy({
      scan: { pdf: await doc.save() },
      conversion: CONVERSION,
      certification: CERTIFICATION,
      statementPlacement: 'last-page',
      ...parties,
    });
    const file = tmp.file('rotated.pdf', rotated.bytes);
    const lines = (page: number) =>
      run('pdftotext', ['-f', String(page), '-l', String(page), file, '-'])
        .stdout.split('\n')
        .map((l) => l.trim());
    const inOrder = (got: string[], want: string[]) => {
      let at = -1;
      for (const w of want) {
        const i = got.indexOf(w, at + 1);
        expect(i, `${w}\n---\n${got.join('\n')}`).toBeGreaterThan(at);
        at = i;
      }
    };
    inOrder(lines(1), EXPECTED_MARK);
    inOrder(lines(3), EXPECTED_STATEMENT);

    // Page 1 is shown 841.89 wide and 595.28 tall: blue only in its top-left corner as displayed.
    const shown = renderPage(file, 1, 72);
    expect(shown.width).toBeGreaterThan(shown.height);
    let corner = 0;
    let elsewhere = 0;
    for (let y = 0; y < shown.height; y++)
      for (let x = 0; x < shown.width; x++) {
        if (!isBlue(shown.pixel(x, y))) continue;
        if (x < 300 && y < 70) corner++;
        else elsewhere++;
      }
    expect(corner).toBeGreaterThan(500);
    expect(elsewhere).toBe(0);

    // Page 3 is upside down in user space: the statement is at the bottom right as displayed, the widgets with it.
    const last = renderPage(file, 3, 72);
    let top = 0;
    let bottom = 0;
    for (let y = 0; y < last.height; y++)
      for (let x = 0; x < last.width; x++) if (isBlue(last.pixel(x, y))) y > last.height / 2 ? bottom++ : top++;
    expect(bottom).toBeGreaterThan(1000);
    expect(top).toBe(0);
    const box = { x: 0, y: 0, width: 595.28, height: A4_HEIGHT };
    for (const r of [rotated.signatures.certifier.rect, rotated.signatures.authority.rect]) {
      expect(r.x).toBeGreaterThanOrEqual(box.x);
      expect(r.y).toBeGreaterThanOrEqual(box.y);
      expect(r.x + r.width).toBeLessThanOrEqual(box.width);
      expect(r.y + r.height).toBeLessThanOrEqual(box.height);
      // upside down: the widgets are in the upper half of user space, i.e. the lower half as shown
      expect(r.y).toBeGreaterThan(A4_HEIGHT / 2);
    }
  });
});
