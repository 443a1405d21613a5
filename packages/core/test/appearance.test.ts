import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { PDFDocument } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { PdfDict, PdfDocument, PdfName, PdfRef, PdfStream, textString } from '@kyso/pdf';
import {
  AppearanceError,
  composeSignatureLines,
  createSignatureAppearance,
  embedImage,
  fitText,
  fontFileUrl,
  formatVietnamTime,
  formatVietnamDisplayTime,
  loadFont,
  signatureAppearance,
  type AppearanceLayout,
  type Rect,
  type SignatureAppearanceSpec,
  wrapLine,
} from '../src/appearance/index.js';
import { subsetTrueType } from '../src/appearance/ttf-subset.js';
import { signPdf } from '@kyso/core';
import { openSigner } from '../../../tests/helpers/keys.js';
import { pdfsig, qpdfCheck, run, scratch } from '../../../tests/helpers/tools.js';

const tmp = scratch('kyso-appearance-');
afterAll(() => tmp.cleanup());

const UPPER = 'ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ';
const VIETNAMESE_LETTERS = UPPER + UPPER.toLowerCase();

const FIELDS = {
  signer: 'Nguyễn Thị Lấp Lánh Ánh',
  organisation: 'Ủy ban nhân dân phường Kinh Bắc',
  reason: 'Chứng thực bản sao điện tử',
  location: 'Bắc Ninh',
  signingTime: new Date('2026-03-15T02:41:27.900Z'),
};

// --- test images --------------------------------------------------------------------------------------------

function png(
  width: number,
  height: number,
  paint: (x: number, y: number) => [number, number, number, number],
): Uint8Array {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) img.data.set(paint(x, y), (y * width + x) * 4);
  return new Uint8Array(PNG.sync.write(img));
}

/** A blue handwritten-like stroke on a transparent background. */
const signaturePng = (): Uint8Array =>
  png(300, 120, (x, y) => {
    const cy = 60 + 35 * Math.sin(x / 22) * Math.cos(x / 70);
    return Math.abs(y - cy) < 4 && x > 10 && x < 290 ? [20, 40, 200, 255] : [0, 0, 0, 0];
  });

/** A red seal: a thick ring and a star-ish centre, transparent outside. */
const sealPng = (): Uint8Array =>
  png(200, 200, (x, y) => {
    const r = Math.hypot(x - 100, y - 100);
    const ring = (r > 82 && r < 96) || (r > 66 && r < 70);
    const centre = r < 24;
    return ring || centre ? [215, 20, 30, 255] : [0, 0, 0, 0];
  });

// --- a one-page PDF with an unsigned signature widget showing the appearance ---------------------------------

let basePdf: Uint8Array;
beforeAll(async () => {
  const doc = await PDFDocument.create();
  doc.addPage([595.28, 841.89]);
  doc.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  basePdf = await doc.save();
});

const PAGE_HEIGHT = 841.89;

interface Built {
  path: string;
  bytes: Uint8Array;
  layout: AppearanceLayout;
  /** The widget's rectangle on the page. */
  box: Rect;
  doc: PdfDocument;
}

async function buildPdf(
  name: string,
  spec: Omit<SignatureAppearanceSpec, 'width' | 'height'>,
  box = { x: 300, y: 80, width: 260, height: 90 },
): Promise<Built> {
  const doc = PdfDocument.load(basePdf);
  const w = doc.update();
  const { ref: ap, layout } = createSignatureAppearance(w, {
    ...spec,
    width: box.width,
    height: box.height,
  } as SignatureAppearanceSpec);
  const page = doc.pages()[0];
  const rect: [number, number, number, number] = [box.x, box.y, box.x + box.width, box.y + box.height];
  const widget = w.add(
    new PdfDict({
      Type: PdfName.of('Annot'),
      Subtype: PdfName.of('Widget'),
      FT: PdfName.of('Sig'),
      T: textString('test'),
      Rect: rect,
      F: 4,
      P: page.ref,
      AP: new PdfDict({ N: ap }),
    }),
  );
  w.set(page.ref, page.dict.clone().set('Annots', [widget]));
  const rootRef = doc.trailer.get('Root') as PdfRef;
  w.set(
    rootRef,
    doc
      .catalog()!
      .clone()
      .set('AcroForm', new PdfDict({ Fields: [widget] })),
  );
  const bytes = w.write();
  const path = tmp.file(`${name}.pdf`, bytes);
  return { path, bytes, layout, box, doc: PdfDocument.load(bytes) };
}

function pdftotext(path: string): string {
  const r = run('pdftotext', ['-enc', 'UTF-8', path, '-']);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** Renders page 1 at 100 dpi and returns the decoded pixels. */
function render(path: string, name: string): PNG {
  const prefix = `${tmp.dir}/${name}`;
  const r = run('pdftoppm', ['-r', '100', '-png', '-singlefile', path, prefix]);
  expect(r.status, r.stderr).toBe(0);
  return PNG.sync.read(readFileSync(`${prefix}.png`));
}

/** Pixels in a rectangle given in PDF points (page coordinates) that satisfy `test`. */
function countPixels(img: PNG, r: Rect, test: (rgb: [number, number, number]) => boolean): number {
  const k = 100 / 72;
  const x0 = Math.floor(r.x * k);
  const x1 = Math.ceil((r.x + r.width) * k);
  const y0 = Math.floor((PAGE_HEIGHT - r.y - r.height) * k);
  const y1 = Math.ceil((PAGE_HEIGHT - r.y) * k);
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++)
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) {
      const i = (y * img.width + x) * 4;
      if (test([img.data[i], img.data[i + 1], img.data[i + 2]])) n++;
    }
  return n;
}

const nonWhite = ([r, g, b]: [number, number, number]): boolean => r < 200 || g < 200 || b < 200;
const red = ([r, g, b]: [number, number, number]): boolean => r > 150 && g < 90 && b < 90;
const blue = ([r, g, b]: [number, number, number]): boolean => b > 140 && r < 90 && g < 110;
const dark = ([r, g, b]: [number, number, number]): boolean => r < 90 && g < 90 && b < 90;

function objects(doc: PdfDocument): unknown[] {
  const out: unknown[] = [];
  for (let num = 1; num < doc.nextObjectNumber; num++) out.push(doc.getObject(new PdfRef(num, 0)));
  return out;
}

const offset = (r: Rect, dx: number, dy: number): Rect => ({ ...r, x: r.x + dx, y: r.y + dy });
const inside = (r: Rect, box: Rect, eps = 1e-6): boolean =>
  r.x >= box.x - eps &&
  r.y >= box.y - eps &&
  r.x + r.width <= box.x + box.width + eps &&
  r.y + r.height <= box.y + box.height + eps;

// --- tests --------------------------------------------------------------------------------------------------

describe('appearance font', () => {
  it('has a glyph for every precomposed Vietnamese letter, regular and bold', () => {
    expect(VIETNAMESE_LETTERS.length).toBe(134);
    for (const face of ['regular', 'bold'] as const) {
      const font = loadFont(face);
      const missing = [...(VIETNAMESE_LETTERS + 'Đđ')].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!));
      expect(missing, face).toEqual([]);
      expect(font.familyName).toBe('Liberation Serif');
    }
    expect(loadFont('regular')).toBe(loadFont('regular')); // parsed once
  });

  it('subsets to exactly the same outlines and advances (composite glyphs included), as a valid sfnt', () => {
    const bytes = readFileSync(fontFileUrl('regular'));
    const font = loadFont('regular');
    const gids = [
      ...new Set([...(VIETNAMESE_LETTERS + 'Đđ AZaz09:+-')].map((c) => font.glyphForCodePoint(c.codePointAt(0)!).id)),
    ];
    const { bytes: sub, newIds } = subsetTrueType(new Uint8Array(bytes), gids);
    expect(gids.map((g) => newIds.get(g))).toEqual(gids.map((_, i) => i + 1));
    const parsed = fontkit.create(Buffer.from(sub));
    expect(parsed.numGlyphs).toBe(newIds.size); // used glyphs, .notdef and the components of composites
    expect(newIds.size).toBeGreaterThan(gids.length + 1);
    for (const gid of gids) {
      const a = font.getGlyph(gid);
      const b = parsed.getGlyph(newIds.get(gid)!);
      expect(b.path.toSVG()).toBe(a.path.toSVG());
      expect(b.advanceWidth).toBe(a.advanceWidth);
    }
    // fontconfig (FreeType) reads it as a font.
    const path = tmp.file('subset.ttf', sub);
    expect(run('fc-scan', ['--format', '%{fontformat}', path]).stdout).toBe('TrueType');
  });

  it('is Times New Roman metric-compatible (advance widths of the standard Times-Roman AFM)', () => {
    const font = loadFont('regular');
    const w = (c: string): number =>
      Math.round((font.glyphForCodePoint(c.codePointAt(0)!).advanceWidth * 1000) / font.unitsPerEm);
    // Times-Roman.afm: space 250, a 444, W 944, m 778, 0 500
    expect([' ', 'a', 'W', 'm', '0'].map(w)).toEqual([250, 444, 944, 778, 500]);
  });
});

describe('signature information text', () => {
  it('names an organisation seal once: an organisation equal to the signer is left out', () => {
    const seal = {
      signer: 'Ủy ban nhân dân phường Kinh Bắc',
      organisation: 'ỦY BAN NHÂN DÂN PHƯỜNG KINH BẮC ',
      signingTime: FIELDS.signingTime,
    };
    expect(composeSignatureLines(seal)).toEqual([
      'Ký bởi: Ủy ban nhân dân phường Kinh Bắc',
      'Ngày ký: 15/03/2026 09:41:27 +07:00',
    ]);
  });

  it('writes the signing time day first in Vietnam time, as Vietnamese documents do', () => {
    expect(formatVietnamDisplayTime(new Date('2026-12-03T09:37:27Z'))).toBe('03/12/2026 16:37:27 +07:00');
    expect(formatVietnamDisplayTime(new Date('2025-12-31T17:00:00Z'))).toBe('01/01/2026 00:00:00 +07:00');
  });

  it('formats Vietnam time as ISO 8601 with +07:00 to the second', () => {
    expect(formatVietnamTime(new Date('2026-03-15T02:41:27.900Z'))).toBe('2026-03-15T09:41:27+07:00');
    expect(formatVietnamTime(new Date('2025-12-31T17:00:00Z'))).toBe('2026-01-01T00:00:00+07:00');
    expect(formatVietnamTime(new Date('2026-07-01T16:59:59.999Z'))).toBe('2026-07-01T23:59:59+07:00'); // no DST
    expect(() => formatVietnamTime(new Date('nonsense'))).toThrow(AppearanceError);
  });

  it('composes labelled lines in Vietnamese, English or both, leaving out empty fields', () => {
    expect(composeSignatureLines(FIELDS)).toEqual([
      'Ký bởi: Nguyễn Thị Lấp Lánh Ánh',
      'Cơ quan: Ủy ban nhân dân phường Kinh Bắc',
      'Lý do: Chứng thực bản sao điện tử',
      'Nơi ký: Bắc Ninh',
      'Ngày ký: 15/03/2026 09:41:27 +07:00',
    ]);
    expect(composeSignatureLines({ signer: 'A', organisation: ' ', signingTime: FIELDS.signingTime }, 'en')).toEqual([
      'Signed by: A',
      'Date: 15/03/2026 09:41:27 +07:00',
    ]);
    expect(composeSignatureLines(FIELDS, 'vi-en')[0]).toBe('Ký bởi / Signed by: Nguyễn Thị Lấp Lánh Ánh');
    for (const lang of ['vi', 'en', 'vi-en'] as const)
      for (const line of composeSignatureLines(FIELDS, lang)) expect(line).not.toMatch(/valid|hợp lệ|xác thực/i);
  });
});

describe('text fitting', () => {
  const mono = { widthOf: (t: string, size: number) => t.length * size * 0.5, ascent: 0.9, descent: -0.2 };
  it('wraps at spaces and breaks a word only when asked and it is wider than the line', () => {
    expect(wrapLine('aa bb cc', 4.9, 2, mono)).toEqual(['aa', 'bb', 'cc']);
    expect(wrapLine('aa bb cc', 3, 1, mono)).toEqual(['aa bb', 'cc']);
    expect(wrapLine('abcdefgh', 3, 1, mono)).toEqual(['abcdef', 'gh']);
    expect(wrapLine('abcdefgh', 3, 1, mono, false)).toEqual(['abcdefgh']);
    expect(wrapLine('ấấấấ'.normalize('NFD'), 1, 1, mono).join('')).toBe('ấấấấ'.normalize('NFD')); // whole graphemes
  });
  it('picks the largest size that fits, and shrinks rather than break a word', () => {
    expect(fitText(['abcd', 'ef'], 100, 100, 10, mono).size).toBe(10);
    const f = fitText(['2026-03-15T09:41:27+07:00'], 50, 100, 10, mono);
    expect(f.lines).toEqual(['2026-03-15T09:41:27+07:00']);
    expect(f.size).toBeCloseTo(4, 0);
    expect(mono.widthOf(f.lines[0], f.size)).toBeLessThanOrEqual(50);
  });
});

describe('visible signature appearance in a PDF', () => {
  let full: Built;
  beforeAll(async () => {
    // Wide enough for every line at 10 pt beside the images, so each line extracts whole.
    full = await buildPdf(
      'full',
      { fields: FIELDS, signatureImage: signaturePng(), sealImage: sealPng() },
      { x: 160, y: 80, width: 400, height: 110 },
    );
  });

  it('writes a file qpdf accepts', () => {
    const r = qpdfCheck(full.path);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('No syntax or stream encoding errors');
  });

  it('poppler extracts widget appearance text at all (control: a plain ASCII line)', async () => {
    const plain = await buildPdf('plain', { lines: ['kyso appearance probe 12345'] });
    expect(pdftotext(plain.path)).toContain('kyso appearance probe 12345');
  });

  it('pdftotext gives back every line exactly, diacritics included', () => {
    const text = pdftotext(full.path);
    for (const line of composeSignatureLines(FIELDS)) expect(text).toContain(line);
    expect(text).toMatch(/Ngày ký: 15\/03\/2026 09:41:27 \+07:00/);
  });

  it('renders: text, the blue signature and the red seal are visible inside the widget', () => {
    const img = render(full.path, 'full');
    const widget = full.box;
    const { x: x1, y: y1 } = widget;
    const { signature, seal, text } = full.layout;
    expect(full.layout.arrangement).toBe('images-left');
    expect(countPixels(img, widget, nonWhite)).toBeGreaterThan(1500);
    // Nothing drawn outside the widget (the rest of the page is blank).
    const all = countPixels(img, { x: 0, y: 0, width: 595.28, height: PAGE_HEIGHT }, nonWhite);
    expect(
      countPixels(
        img,
        { ...widget, x: widget.x - 2, y: widget.y - 2, width: widget.width + 4, height: widget.height + 4 },
        nonWhite,
      ),
    ).toBe(all);
    // The seal's red is there, in the seal's rectangle; the signature's blue in the part of it the seal leaves free.
    expect(countPixels(img, offset(seal!, x1, y1), red)).toBeGreaterThan(300);
    const freeSig = offset(
      { ...signature!, x: signature!.x + signature!.width / 3, width: (signature!.width * 2) / 3 },
      x1,
      y1,
    );
    expect(countPixels(img, freeSig, blue)).toBeGreaterThan(200);
    // Black text in the text area.
    expect(countPixels(img, offset(text!.rect, x1, y1), dark)).toBeGreaterThan(500);
  });

  it('lays the seal over the left third of the signature image, text beside, all within the box', () => {
    const { signature, seal, text } = full.layout;
    const box: Rect = { ...full.box, x: 0, y: 0 };
    expect(seal!.x + seal!.width).toBeCloseTo(signature!.x + signature!.width / 3, 6);
    expect(seal!.x).toBeLessThan(signature!.x); // sticks out on the left
    expect(seal!.width / seal!.height).toBeCloseTo(1, 6); // its own aspect ratio
    expect(signature!.width / signature!.height).toBeCloseTo(300 / 120, 6);
    for (const r of [signature!, seal!, text!.rect]) expect(inside(r, box)).toBe(true);
    expect(text!.rect.x).toBeGreaterThanOrEqual(signature!.x + signature!.width);
    expect(text!.fitted.complete).toBe(true);
    expect(text!.fitted.size).toBe(10);
    expect(text!.fitted.lines).toEqual(composeSignatureLines(FIELDS));
  });

  it('embeds a small subset font with /W, Identity CIDToGIDMap and ToUnicode', () => {
    const doc = full.doc;
    const fullTtf = readFileSync(fontFileUrl('regular')).length;
    let found = 0;
    for (const o of objects(doc)) {
      const d = o instanceof PdfStream ? o.dict : o instanceof PdfDict ? o : undefined;
      if (!d) continue;
      if (d.getName('Subtype') === 'Type0') {
        found++;
        expect(d.getName('Encoding')).toBe('Identity-H');
        expect(d.get('ToUnicode')).toBeInstanceOf(PdfRef);
        expect((d.get('BaseFont') as PdfName).name).toMatch(/^[A-Z]{6}\+LiberationSerif$/);
        const cid = doc.resolve((d.get('DescendantFonts') as PdfRef[])[0]) as PdfDict;
        expect(cid.getName('Subtype')).toBe('CIDFontType2');
        expect(cid.getName('CIDToGIDMap')).toBe('Identity');
        expect(Array.isArray(cid.get('W'))).toBe(true);
        const desc = doc.resolve(cid.get('FontDescriptor')) as PdfDict;
        const file = doc.resolve(desc.get('FontFile2')) as PdfStream;
        const length1 = file.dict.get('Length1') as number;
        expect(doc.decode(file).length).toBe(length1);
        expect(length1).toBeLessThan(fullTtf / 8);
        expect(file.rawLength).toBeLessThan(fullTtf / 15);
      }
    }
    expect(found).toBe(1);
    const fonts = run('pdffonts', [full.path]);
    expect(fonts.stdout).toMatch(/[A-Z]{6}\+LiberationSerif\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
  });

  it('round-trips every Vietnamese letter through pdftotext', async () => {
    const lines = [
      UPPER.slice(0, 34),
      UPPER.slice(34),
      UPPER.slice(0, 34).toLowerCase(),
      UPPER.slice(34).toLowerCase(),
    ];
    const built = await buildPdf('letters', { lines, fontSize: 12 }, { x: 40, y: 300, width: 520, height: 120 });
    expect(built.layout.text!.fitted.lines).toEqual(lines); // no wrapping, so each line extracts whole
    const text = pdftotext(built.path);
    for (const line of lines) expect(text).toContain(line);
    // Decomposed input (NFD) is drawn and extracted as the precomposed letters.
    const nfd = await buildPdf('nfd', { lines: ['Nguyễn Thị Lấp Lánh'.normalize('NFD')], fontFace: 'bold' });
    expect(pdftotext(nfd.path)).toContain('Nguyễn Thị Lấp Lánh');
    expect(run('pdffonts', [nfd.path]).stdout).toMatch(/[A-Z]{6}\+LiberationSerif-Bold\s+CID TrueType/);
  });

  it('wraps and shrinks text into a small box without leaving it', async () => {
    const box = { x: 60, y: 500, width: 120, height: 60 };
    const built = await buildPdf('small', { fields: FIELDS }, box);
    const { text } = built.layout;
    expect(text!.fitted.size).toBeLessThan(10);
    expect(text!.fitted.complete).toBe(true);
    expect(text!.fitted.lines.length).toBeGreaterThan(5); // wrapped
    expect(text!.fitted.lines.some((l) => /(^| )09:41:27 \+07:00$/.test(l))).toBe(true); // words are not broken
    const extracted = pdftotext(built.path).replace(/\s+/g, ' ');
    for (const word of composeSignatureLines(FIELDS).join(' ').split(' ')) expect(extracted).toContain(word);
    const img = render(built.path, 'small');
    const all = countPixels(img, { x: 0, y: 0, width: 595.28, height: PAGE_HEIGHT }, nonWhite);
    expect(all).toBeGreaterThan(300);
    expect(
      countPixels(img, { x: box.x - 1, y: box.y - 1, width: box.width + 2, height: box.height + 2 }, nonWhite),
    ).toBe(all);
    expect(qpdfCheck(built.path).status).toBe(0);
  });

  it('keeps text inside a box too small for it: smallest size, lines dropped, clipped', async () => {
    const box = { x: 100, y: 600, width: 40, height: 8 };
    const built = await buildPdf('tiny', { fields: FIELDS }, box);
    const { fitted } = built.layout.text!;
    expect(fitted.complete).toBe(false);
    expect(fitted.lines.length).toBeGreaterThan(0);
    expect(fitted.height).toBeLessThanOrEqual(box.height);
    const img = render(built.path, 'tiny');
    const all = countPixels(img, { x: 0, y: 0, width: 595.28, height: PAGE_HEIGHT }, nonWhite);
    expect(all).toBeGreaterThan(0);
    expect(
      countPixels(img, { x: box.x - 1, y: box.y - 1, width: box.width + 2, height: box.height + 2 }, nonWhite),
    ).toBe(all);
  });

  it('puts the images on top when the box is tall and narrow', async () => {
    const built = await buildPdf(
      'tall',
      { fields: FIELDS, signatureImage: signaturePng(), sealImage: sealPng() },
      { x: 60, y: 400, width: 80, height: 320 },
    );
    const { arrangement, signature, seal, text } = built.layout;
    expect(arrangement).toBe('images-top');
    expect(text!.rect.y + text!.rect.height).toBeLessThanOrEqual(Math.min(signature!.y, seal!.y) + 1e-6);
    expect(text!.fitted.lines.some((l) => l.endsWith('+07:00'))).toBe(true);
    const img = render(built.path, 'tall');
    expect(countPixels(img, offset(seal!, 60, 400), red)).toBeGreaterThan(100);
    const extracted = pdftotext(built.path).replace(/\s+/g, ' ');
    expect(extracted).toContain('15/03/2026 09:41:27 +07:00');
  });

  it('draws images alone, and accepts grey, palette and JPEG images', async () => {
    const grey = new PNG({ width: 40, height: 20, colorType: 0 });
    grey.data.fill(90);
    const greyPng = new Uint8Array(PNG.sync.write(grey, { colorType: 0 }));
    const built = await buildPdf('images', { lines: [], sealImage: palettePng(), signatureImage: greyPng });
    expect(built.layout.arrangement).toBe('images');
    expect(qpdfCheck(built.path).status).toBe(0);
    const img = render(built.path, 'images');
    expect(countPixels(img, offset(built.layout.seal!, built.box.x, built.box.y), red)).toBeGreaterThan(100);

    // A JPEG made by poppler from the rendering above.
    const jpegPrefix = `${tmp.dir}/jpeg`;
    expect(run('pdftoppm', ['-r', '20', '-jpeg', '-singlefile', built.path, jpegPrefix]).status).toBe(0);
    const jpeg = new Uint8Array(readFileSync(`${jpegPrefix}.jpg`));
    const withJpeg = await buildPdf('jpeg', { lines: ['JPEG'], signatureImage: jpeg });
    expect(qpdfCheck(withJpeg.path).status).toBe(0);
    const dct = objects(withJpeg.doc).filter(
      (o): o is PdfStream => o instanceof PdfStream && o.dict.getName('Filter') === 'DCTDecode',
    );
    expect(dct.length).toBe(1);
    expect(Buffer.from(dct[0].raw()).equals(Buffer.from(jpeg))).toBe(true); // passed through unchanged
    expect(dct[0].dict.getName('ColorSpace')).toBe('DeviceRGB');
    const jpegImg = render(withJpeg.path, 'jpeg');
    expect(
      countPixels(jpegImg, offset(withJpeg.layout.signature!, withJpeg.box.x, withJpeg.box.y), red),
    ).toBeGreaterThan(20);
  });

  it('refuses bad and absurdly large images with a typed error', () => {
    const w = PdfDocument.load(basePdf).update();
    const code = (bytes: Uint8Array): string | undefined => {
      try {
        embedImage(w, bytes, 'signature image');
        return undefined;
      } catch (e) {
        expect(e).toBeInstanceOf(AppearanceError);
        expect((e as AppearanceError).messageVi).toMatch(/ảnh/i);
        return (e as AppearanceError).code;
      }
    };
    expect(code(new Uint8Array([1, 2, 3, 4, 5]))).toBe('APPEARANCE_BAD_IMAGE');
    expect(code(new Uint8Array(0))).toBe('APPEARANCE_BAD_IMAGE');
    expect(code(signaturePng().subarray(0, 60))).toBe('APPEARANCE_BAD_IMAGE'); // truncated
    expect(code(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0]))).toBe('APPEARANCE_BAD_IMAGE'); // JPEG, no frame
    expect(code(pngHeader(100_000, 100_000))).toBe('APPEARANCE_IMAGE_TOO_LARGE');
    expect(code(pngHeader(0, 10))).toBe('APPEARANCE_BAD_IMAGE');
    expect(code(jpegHeader(20_000, 10))).toBe('APPEARANCE_IMAGE_TOO_LARGE');
  });

  it('refuses characters the font lacks and a bad box with a typed error, writing nothing', () => {
    const w = PdfDocument.load(basePdf).update();
    const failure = (spec: SignatureAppearanceSpec): AppearanceError => {
      try {
        createSignatureAppearance(w, spec);
      } catch (e) {
        expect(e).toBeInstanceOf(AppearanceError);
        return e as AppearanceError;
      }
      throw new Error('expected a refusal');
    };
    expect(failure({ width: 100, height: 50, lines: ['漢字'] }).code).toBe('APPEARANCE_UNSUPPORTED_CHAR');
    expect(failure({ width: 0, height: 50, lines: ['a'] }).code).toBe('APPEARANCE_BAD_SPEC');
    expect(failure({ width: 100, height: 50, lines: ['a'], fontSize: Number.NaN }).code).toBe('APPEARANCE_BAD_SPEC');
    expect(failure({ width: 100, height: 50, lines: ['ok'], sealImage: new Uint8Array([1, 2]) }).code).toBe(
      'APPEARANCE_BAD_IMAGE',
    );
    const missing = failure({ width: 100, height: 50, lines: ['€ 漢'], sealImage: sealPng() });
    expect(missing.code).toBe('APPEARANCE_UNSUPPORTED_CHAR');
    expect(missing.details).toEqual({ characters: ['漢'] });
    expect(missing.messageVi).toContain('Phông chữ');
    expect(w.size).toBe(0); // a refusal leaves the update untouched
  });
});

describe('as the signing appearance', () => {
  it('signs with a visible appearance: the signature verifies and the appearance shows and extracts', async () => {
    const out = await signPdf(basePdf, openSigner(), {
      certificateCheck: false,
      visible: { page: 1, rect: [300, 80, 260, 90] },
      appearance: signatureAppearance({ fields: FIELDS, signatureImage: signaturePng(), sealImage: sealPng() }),
      signingTime: FIELDS.signingTime,
    });
    const path = tmp.file('signed.pdf', out);
    expect(qpdfCheck(path).status).toBe(0);
    const sig = pdfsig(path);
    expect(sig.stdout).toContain('Signature is Valid');
    const text = pdftotext(path).replace(/\s+/g, ' ');
    for (const word of composeSignatureLines(FIELDS).join(' ').split(' ')) expect(text).toContain(word);
    const img = render(path, 'signed');
    const widget = { x: 300, y: 80, width: 260, height: 90 };
    expect(countPixels(img, widget, red)).toBeGreaterThan(200);
    expect(countPixels(img, widget, blue)).toBeGreaterThan(100);
    expect(countPixels(img, widget, dark)).toBeGreaterThan(300);
    // MuPDF draws a signed field's own appearance (an unsigned one gets its "SIGN" placeholder instead).
    expect(run('mutool', ['draw', '-F', 'txt', path]).stdout.replace(/\s+/g, ' ')).toContain(
      '15/03/2026 09:41:27 +07:00',
    );
  });

  it('a visible signature given no appearance gets the standard one, its time taken from the signature itself', async () => {
    const signingTime = new Date('2026-12-03T09:37:27Z');
    const out = await signPdf(basePdf, openSigner(), {
      certificateCheck: false,
      visible: { page: 1, rect: [300, 80, 260, 90] },
      reason: 'Phê duyệt',
      location: 'Bắc Ninh',
      signingTime,
    });
    const path = tmp.file('signed-default.pdf', out);
    expect(pdfsig(path).stdout).toContain('Signature is Valid');
    const text = pdftotext(path).replace(/\s+/g, ' ');
    for (const line of [
      'Ký bởi: Nguyễn Thị Lấp Lánh Ánh',
      'Lý do: Phê duyệt',
      'Nơi ký: Bắc Ninh',
      'Ngày ký: 03/12/2026 16:37:27 +07:00',
    ])
      expect(text).toContain(line);
    const img = render(path, 'signed-default');
    expect(countPixels(img, { x: 300, y: 80, width: 260, height: 90 }, dark)).toBeGreaterThan(300);
  });
});

// --- hand-made image headers ----------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
function pngFile(
  width: number,
  height: number,
  bitDepth: number,
  colorType: number,
  extra: Uint8Array[],
  idat: Uint8Array,
): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
const pngHeader = (width: number, height: number): Uint8Array =>
  pngFile(width, height, 8, 6, [], deflateSync(Buffer.alloc(1)));

/** An 8-bit palette PNG: a red disc (index 1) on a transparent background (index 0, via tRNS). */
function palettePng(): Uint8Array {
  const size = 64;
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < size; x++) rows.push(Math.hypot(x - 32, y - 32) < 28 ? 1 : 0);
  }
  const plte = chunk('PLTE', new Uint8Array([255, 255, 255, 220, 20, 30]));
  const trns = chunk('tRNS', new Uint8Array([0, 255]));
  return pngFile(size, size, 8, 3, [plte, trns], deflateSync(Buffer.from(rows)));
}

function jpegHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0,
    11,
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    1,
    1,
    0x11,
    0,
    0xff,
    0xd9,
  ]);
}
