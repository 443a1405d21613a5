/**
 * Nothing drawn over the original (issue 15 item 1), read back from poppler's renderer: on a card (front and back),
 * a full-page A4 letterhead (content to the edges), a landscape page and a multi-page original, from image scans
 * and from PDF scans, no pixel of the mark, the statement or the signature widgets falls inside the rectangle the
 * scan is drawn in, every scan is drawn whole (its edge marks visible at the area's edges), nothing of the scan
 * strays outside its area; and the e-copies still pass pdfsig (both signatures, NSS trust), `kyso verify`,
 * `qpdf --check` and `pdftotext`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type PDFArray, PDFDocument, PDFName, PDFString, degrees, rgb } from 'pdf-lib';
import { PNG } from 'pngjs';
import { type PdfDict, PdfDocument } from '@kyso/pdf';
import {
  assembleElectronicCopy,
  buildElectronicCopy,
  type AssembleInput,
  type ElectronicCopy,
  type PageRect,
  type ScanSource,
} from '@kyso/core';
import { makeNssDb, type NssDb } from '../../../tests/helpers/nss.js';
import { openSigner } from '../../../tests/helpers/keys.js';
import { TEST_CERTS } from '../../../tests/helpers/pki-servers.js';
import { repoRoot } from '../../../tests/helpers/producers.js';
import { qpdfCheck, run, scratch } from '../../../tests/helpers/tools.js';
import {
  CERTIFICATION,
  CONVERSION,
  EXPECTED_MARK,
  EXPECTED_STATEMENT,
  isBlue,
  renderJpeg,
  renderPage,
  withPhys,
  type Rendering,
} from './fixtures/ecopy/scans.js';

const tmp = scratch('kyso-ecopy-layout-');
let nss: NssDb;
beforeAll(() => {
  nss = makeNssDb();
});
afterAll(() => {
  nss?.cleanup();
  tmp.cleanup();
});

const MM = 72 / 25.4;
const CARD: [number, number] = [85.6 * MM, 54 * MM];
const A4: [number, number] = [595.28, 841.89];

/** PNG images with a transparent background: the signature stroke (blue) and the seal (red). */
function image(w: number, h: number, paint: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const img = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data.set(paint(x, y), (y * w + x) * 4);
  return new Uint8Array(PNG.sync.write(img));
}
const SEAL = image(200, 200, (x, y) =>
  Math.abs(Math.hypot(x - 100, y - 100) - 85) < 10 ? [215, 20, 30, 255] : [0, 0, 0, 0],
);
const STROKE = image(300, 120, (x, y) =>
  Math.abs(y - 60 - 35 * Math.sin(x / 22)) < 5 && x > 10 && x < 290 ? [20, 40, 200, 255] : [0, 0, 0, 0],
);

const isRed = ([r, g, b]: [number, number, number]): boolean => r > 150 && r - g > 80 && r - b > 80;
/** The scans are grey: a grey or black pixel is the scan's. */
const isInk = ([r, g, b]: [number, number, number]): boolean => Math.max(r, g, b) - Math.min(r, g, b) < 30 && r < 200;

/**
 * A "scan" PNG with content to its edges: a light grey ground, a black 2 % border on all four sides (the
 * letterhead's edges), rows of print in between.
 */
function edgeToEdgePng(width: number, height: number, dpi?: number): Uint8Array {
  const img = new PNG({ width, height });
  const edge = Math.max(2, Math.round(Math.min(width, height) * 0.02));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const border = x < edge || y < edge || x >= width - edge || y >= height - edge;
      const print = !border && y % 24 < 8 && x > width * 0.1 && x < width * 0.9 && (x >> 4) % 5 !== 0;
      const v = border ? 0 : print ? 60 : 190;
      img.data.set([v, v, v, 255], (y * width + x) * 4);
    }
  const png = new Uint8Array(PNG.sync.write(img));
  return dpi ? withPhys(png, dpi) : png;
}

/** A PDF page with content to its edges (grey ground, black border, lines of print), optionally rotated or cropped. */
async function edgeToEdgePdf(
  pages: {
    size: [number, number];
    rotate?: number;
    crop?: [number, number, number, number];
    link?: boolean;
    extraQ?: boolean;
    origin?: [number, number];
  }[],
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont('Times-Roman');
  for (const p of pages) {
    const page = doc.addPage(p.size);
    const [w, h] = p.size;
    const [x0, y0, cw, ch] = p.crop ?? (p.origin ? [...p.origin, w, h] : [0, 0, w, h]);
    if (p.origin) page.setMediaBox(p.origin[0], p.origin[1], w, h);
    // what lies outside the CropBox is dark: it must stay hidden
    if (p.crop) page.drawRectangle({ x: 0, y: 0, width: w, height: h, color: rgb(0.1, 0.1, 0.1) });
    page.drawRectangle({ x: x0, y: y0, width: cw, height: ch, color: rgb(0.75, 0.75, 0.75) });
    const e = Math.min(cw, ch) * 0.02;
    page.drawRectangle({
      x: x0,
      y: y0,
      width: cw,
      height: ch,
      borderColor: rgb(0, 0, 0),
      borderWidth: 2 * e,
      opacity: 0,
    });
    for (let y = y0 + ch - 40; y > y0 + 30; y -= 24)
      page.drawText('CHU TICH (da ky, dong dau)', { x: x0 + cw * 0.1, y, size: 11, font });
    // a malformed page: one Q more than its q, then black over everything (it must not escape its frame)
    if (p.extraQ)
      page.node.addContentStream(doc.context.register(doc.context.flateStream('Q 0 g 0 0 5000 5000 re f\n')));
    if (p.crop) page.setCropBox(x0, y0, cw, ch);
    if (p.rotate) page.setRotation(degrees(p.rotate));
    if (p.link) {
      const link = doc.context.obj({
        Type: 'Annot',
        Subtype: 'Link',
        Rect: [x0 + 20, y0 + 20, x0 + 120, y0 + 40],
        Border: [0, 0, 0],
        A: { S: 'URI', URI: PDFString.of('https://example.org/') },
      });
      page.node.set(PDFName.of('Annots'), doc.context.obj([doc.context.register(link)]) as PDFArray);
    }
  }
  return doc.save({ useObjectStreams: false });
}

const parties = {
  certifier: { signer: openSigner('signer.p12'), signatureImage: STROKE },
  authority: { signer: openSigner('seal.p12'), sealImage: SEAL },
};

interface Kind {
  name: string;
  scan: () => Promise<ScanSource>;
  extra?: Partial<AssembleInput>;
  /** What the layout must come to. */
  expect: (copy: ElectronicCopy) => void;
}

const kinds: Kind[] = [
  {
    name: 'a card, front and back, JPEG scans at 300 dpi',
    scan: async () => {
      const side = await edgeToEdgePdf([{ size: CARD }]);
      return { images: [renderJpeg(side, 300), renderJpeg(side, 300)] };
    },
    extra: { originalIsCard: true },
    expect: (c) => {
      // one A4 sheet: the mark, both sides at real size, the statement
      expect(c.pages).toBe(1);
      expect(c.statementOnAddedPage).toBe(false);
      expect(c.scanAreas.map((a) => a.page)).toEqual([1, 1]);
      for (const a of c.scanAreas) {
        expect(a.rect.width).toBeCloseTo(CARD[0], 0);
        expect(a.rect.height).toBeCloseTo(CARD[1], 0);
      }
    },
  },
  {
    name: 'a card, front and back, PNG scans without a resolution (the card flag gives the ID-1 size)',
    scan: async () => ({ images: [edgeToEdgePng(1000, 631), edgeToEdgePng(1000, 631)] }),
    extra: { originalIsCard: true },
    expect: (c) => {
      expect(c.pages).toBe(1);
      expect(c.scanAreas[0].rect.width).toBeCloseTo(CARD[0], 0);
    },
  },
  {
    name: 'a card, front and back, as a two-page PDF scan (the back scanned turned: /Rotate 90, a link on it)',
    scan: async () => ({
      pdf: await edgeToEdgePdf([{ size: CARD }, { size: [CARD[1], CARD[0]], rotate: 90, link: true }]),
    }),
    expect: (c) => {
      // both sides at real size on one A4 sheet, the statement under them
      expect(c.pages).toBe(1);
      expect(c.scanAreas.map((a) => a.page)).toEqual([1, 1]);
      for (const a of c.scanAreas) {
        expect(a.rect.width).toBeCloseTo(CARD[0], 0);
        expect(a.rect.height).toBeCloseTo(CARD[1], 0);
      }
    },
  },
  {
    name: 'two small pages that are not a pair (three pages of receipts), PDF scan: each on its own sheet at real size',
    scan: async () => ({ pdf: await edgeToEdgePdf([{ size: CARD }, { size: CARD }, { size: [300, 400] }]) }),
    expect: (c) => {
      expect(c.scanAreas.map((a) => a.page)).toEqual([1, 2, 3]);
      expect(c.scanAreas[2].rect.width).toBeCloseTo(300, 0);
      expect(c.statement.page).toBe(3);
    },
  },
  {
    name: 'an A4 letterhead page, content to the edges, PDF scan',
    scan: async () => ({ pdf: await edgeToEdgePdf([{ size: A4, link: true }]) }),
    expect: (c) => {
      // the statement on an added certification page; the page scaled under the mark's band
      expect(c.pages).toBe(2);
      expect(c.statementOnAddedPage).toBe(true);
      expect(c.scanAreas[0].rect.height).toBeCloseTo(A4[1] - 66, 0);
    },
  },
  {
    name: 'an A4 letterhead page, content to the edges, PNG scan at 100 dpi',
    scan: async () => ({ images: [edgeToEdgePng(827, 1169, 100)] }),
    expect: (c) => {
      expect(c.pages).toBe(2);
      expect(c.statement.page).toBe(2);
    },
  },
  {
    name: 'an A4 letterhead page, content to the edges, JPEG scan at 150 dpi',
    scan: async () => ({ images: [renderJpeg(await edgeToEdgePdf([{ size: A4 }]), 150)] }),
    expect: (c) => {
      expect(c.pages).toBe(2);
      expect(c.scanAreas[0].rect.height).toBeCloseTo(A4[1] - 66, 0);
    },
  },
  {
    name: 'an A4 letterhead page with the statement in a band under it (last-page)',
    scan: async () => ({ pdf: await edgeToEdgePdf([{ size: A4 }]) }),
    extra: { statementPlacement: 'last-page' },
    expect: (c) => {
      expect(c.pages).toBe(1);
      expect(c.scanAreas[0].rect.y).toBeGreaterThanOrEqual(c.statement.rect.y + c.statement.rect.height);
    },
  },
  {
    name: 'an A4 letterhead page with the mark on the certification page (statement-page): the scan at full size, untouched',
    scan: async () => ({ pdf: await edgeToEdgePdf([{ size: A4 }]) }),
    extra: { markPlacement: 'statement-page' },
    expect: (c) => {
      expect(c.pages).toBe(2);
      expect([c.mark.page, c.statement.page]).toEqual([2, 2]);
      expect(c.scanAreas[0].rect).toEqual({ x: 0, y: 0, width: 595.28, height: 841.89 });
      expect(c.mark.rect.y).toBeGreaterThanOrEqual(c.statement.rect.y + c.statement.rect.height);
    },
  },
  {
    name: 'a card, front and back, PNG at 300 dpi, the mark with the statement: one sheet all the same',
    scan: async () => ({ images: [edgeToEdgePng(1012, 638, 300), edgeToEdgePng(1012, 638, 300)] }),
    extra: { markPlacement: 'statement-page' },
    expect: (c) => {
      expect(c.pages).toBe(1);
      expect([c.mark.page, c.statement.page]).toEqual([1, 1]);
    },
  },
  {
    name: 'a page whose content restores one graphics state more than it saved, PDF scan (drawn as a Form XObject)',
    scan: async () => ({ pdf: await edgeToEdgePdf([{ size: A4, extraQ: true }]) }),
    expect: (c) => expect(c.pages).toBe(2),
  },
  {
    name: 'a landscape page, PDF scan',
    scan: async () => ({ pdf: await edgeToEdgePdf([{ size: [A4[1], A4[0]] }]) }),
    expect: (c) => expect(c.pages).toBe(2),
  },
  {
    name: 'a landscape page by /Rotate 90 (portrait MediaBox), PDF scan',
    scan: async () => ({ pdf: await edgeToEdgePdf([{ size: A4, rotate: 90 }]) }),
    expect: (c) => expect(c.pages).toBe(2),
  },
  {
    name: 'a landscape page, JPEG scan at 150 dpi',
    scan: async () => ({ images: [renderJpeg(await edgeToEdgePdf([{ size: [A4[1], A4[0]] }]), 150)] }),
    expect: (c) => expect(c.pages).toBe(2),
  },
  {
    name: 'a four-page original, PDF scan (a CropBox off the origin, a MediaBox off the origin, a rotated page, links)',
    scan: async () => ({
      pdf: await edgeToEdgePdf([
        { size: A4, link: true },
        { size: [700, 950], crop: [50, 60, 595.28, 841.89], link: true },
        { size: A4, origin: [-200, 300], link: true },
        { size: A4, rotate: 180 },
      ]),
    }),
    expect: (c) => {
      expect(c.pages).toBe(5);
      expect(c.scanAreas.map((a) => a.page)).toEqual([1, 2, 3, 4]);
      // the middle pages at full size, moved to the origin
      expect(c.scanAreas[1].rect).toEqual({ x: 0, y: 0, width: 595.28, height: 841.89 });
      expect(c.scanAreas[2].rect).toEqual({ x: 0, y: 0, width: 595.28, height: 841.89 });
      // each link (20 pt in from its visible box's lower-left corner, 100 × 20 pt) moved and scaled with its page
      const doc = PdfDocument.load(c.bytes);
      for (const k of [0, 1, 2]) {
        const { rect, page } = c.scanAreas[k];
        const s = rect.width / 595.28;
        const annots = doc.resolve(doc.pages()[page - 1].dict.get('Annots')) as unknown[];
        const link = annots
          .map((a) => doc.resolve(a as never) as PdfDict)
          .find((a) => (a.get('Subtype') as { name: string }).name === 'Link')!;
        const got = link.get('Rect') as number[];
        const want = [rect.x + 20 * s, rect.y + 20 * s, rect.x + 120 * s, rect.y + 40 * s];
        got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 1));
      }
    },
  },
  {
    name: 'a three-page original, PNG scans at 100 dpi',
    scan: async () => ({
      images: [edgeToEdgePng(827, 1169, 100), edgeToEdgePng(827, 1169, 100), edgeToEdgePng(1169, 827, 100)],
    }),
    expect: (c) => expect(c.pages).toBe(4),
  },
];

/** The pixels of a user-space rectangle on a page as displayed (/Rotate 0, 90, 180 or 270; MediaBox at the origin). */
function pixelsOf(
  r: Rendering,
  page: { width: number; height: number; rotate: number },
  rect: PageRect,
  inset = 0,
): [number, number, number, number] {
  const corners = [
    [rect.x + inset, rect.y + inset],
    [rect.x + rect.width - inset, rect.y + rect.height - inset],
  ].map(([x, y]) => {
    switch (page.rotate) {
      case 90:
        return [y, x];
      case 180:
        return [page.width - x, y];
      case 270:
        return [page.height - y, page.width - x];
      default:
        return [x, page.height - y];
    }
  });
  const xs = corners.map((c) => c[0] * r.scale);
  const ys = corners.map((c) => c[1] * r.scale);
  return [
    Math.max(0, Math.floor(Math.min(...xs))),
    Math.max(0, Math.floor(Math.min(...ys))),
    Math.min(r.width, Math.ceil(Math.max(...xs))),
    Math.min(r.height, Math.ceil(Math.max(...ys))),
  ];
}

function count(
  r: Rendering,
  box: [number, number, number, number],
  test: (p: [number, number, number]) => boolean,
): number {
  let n = 0;
  for (let y = box[1]; y < box[3]; y++) for (let x = box[0]; x < box[2]; x++) if (test(r.pixel(x, y))) n++;
  return n;
}

const intersects = (a: PageRect, b: PageRect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function textLines(path: string, page: number): string[] {
  const r = run('pdftotext', ['-f', String(page), '-l', String(page), path, '-']);
  expect(r.status).toBe(0);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
function expectInOrder(lines: string[], expected: string[]): void {
  let at = -1;
  for (const e of expected) {
    const i = lines.indexOf(e, at + 1);
    expect(i, `"${e}" after line ${at} in:\n${lines.join('\n')}`).toBeGreaterThan(at);
    at = i;
  }
}

describe('nothing is drawn over the original', () => {
  for (const kind of kinds) {
    it(kind.name, async () => {
      // B-B: the two signatures are the whole file (the long-term evidence is tested in ecopy-long-term.test.ts)
      const copy = await buildElectronicCopy({
        scan: await kind.scan(),
        conversion: CONVERSION,
        certification: CERTIFICATION,
        level: 'B-B',
        ...parties,
        ...kind.extra,
      });
      kind.expect(copy);
      const path = tmp.file(`${kind.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.pdf`, copy.bytes);
      const doc = PdfDocument.load(copy.bytes);

      // Geometry: the mark, the statement and both widgets outside every scan area on their page.
      const drawn = [
        { page: copy.mark.page, rect: copy.mark.rect },
        { page: copy.statement.page, rect: copy.statement.rect },
        copy.signatures.certifier,
        copy.signatures.authority,
      ];
      for (const a of copy.scanAreas)
        for (const d of drawn)
          if (d.page === a.page) expect(intersects(a.rect, d.rect), JSON.stringify({ a, d })).toBe(false);

      // Pixels, page by page.
      for (let p = 1; p <= copy.pages; p++) {
        const dict = doc.pages()[p - 1].dict;
        const box = doc.pageAttribute(dict, 'MediaBox') as number[];
        const rotate = ((doc.pageAttribute(dict, 'Rotate') as number | undefined) ?? 0) % 360;
        const info = { width: box[2] - box[0], height: box[3] - box[1], rotate };
        expect(box[0]).toBe(0);
        expect(box[1]).toBe(0);
        const shown = renderPage(path, p, 72);
        const areas = copy.scanAreas.filter((a) => a.page === p);
        for (const a of areas) {
          const px = pixelsOf(shown, info, a.rect);
          // not one pixel of the mark or statement (blue), the signature stroke (blue) or the seal (red)
          expect(count(shown, px, isBlue), `blue in the scan on page ${p}`).toBe(0);
          expect(count(shown, px, isRed), `red in the scan on page ${p}`).toBe(0);
          // the scan whole: its black border along each edge of the area
          const [x0, y0, x1, y1] = pixelsOf(shown, info, a.rect, 1.5);
          const dark = (xa: number, ya: number, xb: number, yb: number): number =>
            count(shown, [xa, ya, xb, yb], (c) => c[0] < 110 && isInk(c)) / Math.max(1, (xb - xa) * (yb - ya));
          expect(dark(x0, y0, x1, y0 + 1), `top edge, page ${p}`).toBeGreaterThan(0.9);
          expect(dark(x0, y1 - 1, x1, y1), `bottom edge, page ${p}`).toBeGreaterThan(0.9);
          expect(dark(x0, y0, x0 + 1, y1), `left edge, page ${p}`).toBeGreaterThan(0.9);
          expect(dark(x1 - 1, y0, x1, y1), `right edge, page ${p}`).toBeGreaterThan(0.9);
        }
        // Nothing of the scan outside its areas (what lay outside a CropBox stays hidden): the rest of the page is
        // white but for the mark, the statement and the widgets.
        const blocked = [...areas, ...drawn.filter((d) => d.page === p)].map((d) => pixelsOf(shown, info, d.rect));
        let stray = 0;
        for (let y = 0; y < shown.height; y++)
          for (let x = 0; x < shown.width; x++) {
            if (blocked.some(([xa, ya, xb, yb]) => x >= xa - 1 && x < xb + 1 && y >= ya - 1 && y < yb + 1)) continue;
            const [r, g, b] = shown.pixel(x, y);
            if (Math.min(r, g, b) < 235) stray++;
          }
        expect(stray, `ink outside the scan areas and the stamp on page ${p}`).toBe(0);
      }

      // The e-copy still is one: pdfsig (both signatures valid and trusted), qpdf --check, pdftotext.
      const sigs = nss.pdfsig(path);
      expect(sigs.signatures.map((s) => s.field)).toEqual(['NguoiThucHienChungThuc', 'CoQuanChungThuc']);
      for (const s of sigs.signatures) expect(s, s.raw).toMatchObject({ valid: true, trusted: true });
      expect(sigs.signatures[1].totalDocumentSigned).toBe(true);
      const check = qpdfCheck(path);
      expect(check.status, check.stdout + check.stderr).toBe(0);
      expectInOrder(textLines(path, copy.mark.page), EXPECTED_MARK);
      expectInOrder(textLines(path, copy.pages), EXPECTED_STATEMENT);
      expect(copy.statement.page).toBe(copy.pages);

      // kyso verify (the built CLI): both signatures TOTAL-PASSED.
      const verify = spawnSync(
        process.execPath,
        [
          join(repoRoot, 'packages/cli/dist/main.cjs'),
          'verify',
          path,
          '--trust',
          join(TEST_CERTS, 'root-ca.pem'),
          '--json',
        ],
        { encoding: 'utf8' },
      );
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      const report = JSON.parse(verify.stdout) as { signatures: { indication: string }[] };
      expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED']);
    });
  }
});

describe('the scanned PDF is kept byte for byte', () => {
  it('the e-copy starts with the scan; the re-laid pages are incremental updates', async () => {
    const pdf = await edgeToEdgePdf([{ size: A4 }, { size: A4, rotate: 90 }]);
    const copy = assembleElectronicCopy({ scan: { pdf }, conversion: CONVERSION, certification: CERTIFICATION });
    expect(Buffer.from(copy.bytes.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    expect(copy.scanAreas).toHaveLength(2);
  });
});

describe("the placement is the caller's choice, never over the scan", () => {
  it('new-page puts the statement on an added page even under a card; last-page refuses when the scan would be shown too small', async () => {
    const side = edgeToEdgePng(1012, 638, 300);
    const added = assembleElectronicCopy({
      scan: { images: [side, side] },
      conversion: CONVERSION,
      certification: CERTIFICATION,
      statementPlacement: 'new-page',
    });
    expect([added.pages, added.statement.page, added.statementOnAddedPage]).toEqual([2, 2, true]);
    const banner = await edgeToEdgePdf([{ size: [1400, 300] }]);
    expect(() =>
      assembleElectronicCopy({
        scan: { pdf: banner },
        conversion: CONVERSION,
        certification: CERTIFICATION,
        statementPlacement: 'last-page',
      }),
    ).toThrow(expect.objectContaining({ code: 'ECOPY_PAGE_TOO_SMALL', details: { page: 1 } }));
    const auto = assembleElectronicCopy({
      scan: { pdf: banner },
      conversion: CONVERSION,
      certification: CERTIFICATION,
    });
    expect(auto.statementOnAddedPage).toBe(true);
  });
});
