/**
 * The appearance font: Liberation Serif (Times New Roman metrics, full Vietnamese coverage, SIL OFL), embedded
 * as a subset Type0 font (Identity-H, CIDFontType2) with a ToUnicode map so text extraction gives the exact
 * strings back.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type fontkitModule from '@pdf-lib/fontkit';
import type { Font } from '@pdf-lib/fontkit';
import { PdfDict, PdfName, PdfStream, ascii, deflate, textString } from '@kyso/pdf';
import type { IncrementalWriter, PdfRef } from '@kyso/pdf';
import { AppearanceError } from './errors.js';
import { subsetTrueType } from './ttf-subset.js';

export type FontFace = 'regular' | 'bold';

const FILES: Record<FontFace, string> = {
  regular: 'LiberationSerif-Regular.ttf',
  bold: 'LiberationSerif-Bold.ttf',
};

/** The font file's location; `../../assets` holds from both src/appearance and dist/appearance. */
export const fontFileUrl = (face: FontFace): URL => new URL(`../../assets/fonts/${FILES[face]}`, import.meta.url);

const cache = new Map<FontFace, { bytes: Uint8Array; font: Font }>();

// Loaded on first use: fontkit costs tens of milliseconds at import, and only visible signatures need it.
const require = createRequire(import.meta.url);
const fontkit = (): typeof fontkitModule => require('@pdf-lib/fontkit') as typeof fontkitModule;

function loaded(face: FontFace): { bytes: Uint8Array; font: Font } {
  let entry = cache.get(face);
  if (!entry) {
    const buffer = readFileSync(fontFileUrl(face)); // fontkit 1.x reads through Buffer methods
    entry = {
      bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      font: fontkit().create(buffer),
    };
    cache.set(face, entry);
  }
  return entry;
}

/** The parsed font (fontkit), read and parsed once per process. */
export function loadFont(face: FontFace = 'regular'): Font {
  return loaded(face).font;
}

/** NFC (precomposed Vietnamese letters, as TCVN 6909 / Unicode text normally is); control characters become spaces. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

export interface EmbeddedFont {
  /** The Type0 font dictionary, for the form's /Resources /Font. */
  readonly ref: PdfRef;
  /** The `Tj` operand for `text`: a hex string of 2-byte CIDs, e.g. `<0001002A>`. */
  encode(text: string): string;
  /** Advance width of `text` in points at `size` (the same widths the PDF's /W gives a viewer). */
  widthOf(text: string, size: number): number;
  /** Top of the used glyphs above the baseline, per point of font size (at least the font's ascender). */
  readonly ascent: number;
  /** Bottom of the used glyphs, per point of font size; negative (at most the font's descender). */
  readonly descent: number;
}

/**
 * Writes a subset of `face` holding the glyphs of `usedText` (NFC) and returns how to draw with it. Every
 * character must have a glyph: a character the font lacks is refused rather than drawn as an empty box.
 */
export function embedFont(w: IncrementalWriter, face: FontFace, usedText: string): EmbeddedFont {
  const { bytes, font } = loaded(face);
  const scale = 1000 / font.unitsPerEm;
  const glyphOf = new Map<number, number>(); // code point → original glyph id
  const advance = new Map<number, number>(); // original glyph id → advance width, font units
  const missing = new Set<string>();
  let top = font.ascent;
  let bottom = font.descent;
  for (const ch of normalizeText(usedText)) {
    const cp = ch.codePointAt(0)!;
    if (glyphOf.has(cp)) continue;
    if (!font.hasGlyphForCodePoint(cp)) {
      missing.add(ch);
      continue;
    }
    const glyph = font.glyphForCodePoint(cp);
    glyphOf.set(cp, glyph.id);
    advance.set(glyph.id, glyph.advanceWidth);
    top = Math.max(top, glyph.bbox.maxY);
    bottom = Math.min(bottom, glyph.bbox.minY);
  }
  if (missing.size > 0) {
    const list = [...missing].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
    throw new AppearanceError('APPEARANCE_UNSUPPORTED_CHAR', { characters: [...missing] }, list.join(', '));
  }

  // CIDs are the subset's glyph ids: the used glyphs are 1..n in order of first use.
  const { bytes: ttf, newIds } = subsetTrueType(bytes, [...advance.keys()]);
  const cidOf = new Map([...glyphOf].map(([cp, gid]) => [cp, newIds.get(gid)!]));
  const unicodeOf = new Map<number, number>(); // CID → code point, for ToUnicode (first one when glyphs are shared)
  for (const [cp, cid] of cidOf) if (!unicodeOf.has(cid)) unicodeOf.set(cid, cp);
  const widths: number[] = [0]; // by CID, in 1/1000 em; CID 0 is .notdef
  for (const [gid, adv] of advance) widths[newIds.get(gid)!] = Math.round(adv * scale);

  const baseFont = PdfName.of(`${subsetTag(face, [...cidOf.keys()])}+${font.postscriptName ?? 'LiberationSerif'}`);
  const fontFile = w.add(
    PdfStream.fromBytes(new PdfDict({ Length1: ttf.length, Filter: PdfName.of('FlateDecode') }), deflate(ttf)),
  );
  const bbox = font.bbox;
  const descriptor = w.add(
    new PdfDict({
      Type: PdfName.of('FontDescriptor'),
      FontName: baseFont,
      Flags: 34, // Serif | Nonsymbolic
      FontBBox: [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map((v) => Math.round(v * scale)),
      ItalicAngle: font.italicAngle,
      Ascent: Math.round(font.ascent * scale),
      Descent: Math.round(font.descent * scale),
      CapHeight: Math.round(font.capHeight * scale),
      StemV: face === 'bold' ? 140 : 80,
      FontWeight: face === 'bold' ? 700 : 400,
      FontFile2: fontFile,
    }),
  );
  const cidFont = new PdfDict({
    Type: PdfName.of('Font'),
    Subtype: PdfName.of('CIDFontType2'),
    BaseFont: baseFont,
    CIDSystemInfo: new PdfDict({ Registry: textString('Adobe'), Ordering: textString('Identity'), Supplement: 0 }),
    FontDescriptor: descriptor,
    CIDToGIDMap: PdfName.of('Identity'), // CIDs are the subset's glyph ids
  });
  if (widths.length > 1) cidFont.set('W', [1, widths.slice(1)]);
  const toUnicode = w.add(
    PdfStream.fromBytes(new PdfDict({ Filter: PdfName.of('FlateDecode') }), deflate(ascii(toUnicodeCMap(unicodeOf)))),
  );
  const ref = w.add(
    new PdfDict({
      Type: PdfName.of('Font'),
      Subtype: PdfName.of('Type0'),
      BaseFont: baseFont,
      Encoding: PdfName.of('Identity-H'),
      DescendantFonts: [w.add(cidFont)],
      ToUnicode: toUnicode,
    }),
  );

  const cids = (text: string): number[] =>
    Array.from(normalizeText(text), (ch) => {
      const cid = cidOf.get(ch.codePointAt(0)!);
      if (cid === undefined) {
        throw new AppearanceError('APPEARANCE_UNSUPPORTED_CHAR', { characters: [ch] }, 'not in the embedded subset');
      }
      return cid;
    });
  return {
    ref,
    encode: (text) => `<${cids(text).map(hex4).join('')}>`,
    widthOf: (text, size) => (cids(text).reduce((sum, cid) => sum + (widths[cid] ?? 0), 0) * size) / 1000,
    ascent: top / font.unitsPerEm,
    descent: bottom / font.unitsPerEm,
  };
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** UTF-16BE hex of one code point (a surrogate pair above the BMP). */
function utf16Hex(cp: number): string {
  if (cp < 0x10000) return hex4(cp);
  const v = cp - 0x10000;
  return hex4(0xd800 + (v >> 10)) + hex4(0xdc00 + (v & 0x3ff));
}

function toUnicodeCMap(unicodeOf: Map<number, number>): string {
  const entries = [...unicodeOf].sort((a, b) => a[0] - b[0]);
  let body = '';
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100); // at most 100 entries per block (PDF 32000-1 §9.10.3)
    body += `${chunk.length} beginbfchar\n`;
    for (const [cid, cp] of chunk) body += `<${hex4(cid)}> <${utf16Hex(cp)}>\n`;
    body += 'endbfchar\n';
  }
  return (
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
    '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
    '1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n' +
    body +
    'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n'
  );
}

/** Six capital letters naming the subset (PDF 32000-1 §9.6.4), derived from its content so output is reproducible. */
function subsetTag(face: FontFace, codePoints: number[]): string {
  let h = 0x811c9dc5;
  for (const v of [face === 'bold' ? 1 : 0, ...codePoints]) {
    h ^= v;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let tag = '';
  for (let i = 0; i < 6; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    tag += String.fromCharCode(65 + (h % 26));
  }
  return tag;
}
