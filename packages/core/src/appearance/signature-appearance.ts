/**
 * The visible signature's appearance: a Form XObject for the widget's /AP /N holding the signature image, the
 * organisation's seal over its left third, and the signature information in an embedded Vietnamese font.
 */
import { PdfDict, PdfName, PdfStream, ascii, deflate } from '@kyso/pdf';
import type { IncrementalWriter, PdfRef } from '@kyso/pdf';
import { AppearanceError } from './errors.js';
import { embedFont, normalizeText, type FontFace } from './font.js';
import { embedImage } from './image.js';
import { layoutAppearance, type AppearanceLayout, type Rect } from './layout.js';
import { composeSignatureLines, type AppearanceLanguage, type SignatureFields } from './signature-lines.js';

/** Times New Roman 10 pt is what the Decree 30/2020 annex asks for signature information. */
export const DEFAULT_FONT_SIZE = 10;
/** PDF 32000-1 Annex C: the largest page side in default user units. */
const MAX_SIDE = 14_400;

interface AppearanceOptions {
  /** Box size in points; the widget's /Rect should have the same size. */
  width: number;
  height: number;
  /** The signer's handwritten signature, PNG (transparent background) or JPEG. */
  signatureImage?: Uint8Array;
  /** The organisation's seal, PNG (transparent background) or JPEG; drawn over the signature image's left third. */
  sealImage?: Uint8Array;
  /** Largest font size; smaller when the text needs it to fit. Default 10. */
  fontSize?: number;
  fontFace?: FontFace;
  /** DeviceRGB, each 0–1. Default black. */
  textColor?: readonly [number, number, number];
}

export type SignatureAppearanceSpec = AppearanceOptions &
  (
    | { /** Lines as they should read, already composed. */ lines: readonly string[]; fields?: undefined }
    | { fields: SignatureFields; lang?: AppearanceLanguage; lines?: undefined }
  );

export interface SignatureAppearance {
  /** The Form XObject, for the widget's /AP << /N ref >>. */
  ref: PdfRef;
  layout: AppearanceLayout;
}

/** Builds the appearance and returns its Form XObject. */
export async function buildSignatureAppearance(w: IncrementalWriter, spec: SignatureAppearanceSpec): Promise<PdfRef> {
  return (await createSignatureAppearance(w, spec)).ref;
}

/** As `buildSignatureAppearance`, also returning where everything was placed. */
export async function createSignatureAppearance(w: IncrementalWriter, spec: SignatureAppearanceSpec): Promise<SignatureAppearance> {
  const { width, height } = spec;
  const maxFontSize = spec.fontSize ?? DEFAULT_FONT_SIZE;
  const color = spec.textColor ?? [0, 0, 0];
  const positive = (v: number, max: number): boolean => Number.isFinite(v) && v > 0 && v <= max;
  if (!positive(width, MAX_SIDE) || !positive(height, MAX_SIDE)) {
    throw new AppearanceError('APPEARANCE_BAD_SPEC', { width, height }, `box ${width}×${height}`);
  }
  if (!positive(maxFontSize, 1000)) throw new AppearanceError('APPEARANCE_BAD_SPEC', { fontSize: maxFontSize }, `font size ${maxFontSize}`);
  if (color.length !== 3 || !color.every((c) => Number.isFinite(c) && c >= 0 && c <= 1)) {
    throw new AppearanceError('APPEARANCE_BAD_SPEC', { textColor: color }, 'text colour');
  }

  const source = spec.lines ?? composeSignatureLines(spec.fields, spec.lang);
  let lines = source.flatMap((l) => l.split(/\r\n|\r|\n/)).map((l) => normalizeText(l).trimEnd());
  if (!lines.some((l) => l.trim())) lines = [];
  const signature = spec.signatureImage ? embedImage(w, spec.signatureImage, 'signature image') : undefined;
  const seal = spec.sealImage ? embedImage(w, spec.sealImage, 'seal image') : undefined;
  const font = lines.length > 0 ? await embedFont(w, spec.fontFace ?? 'regular', lines.join('')) : undefined;
  const layout = layoutAppearance({
    width,
    height,
    lines,
    signatureAspect: signature && signature.width / signature.height,
    sealAspect: seal && seal.width / seal.height,
    maxFontSize,
    font: font ?? { widthOf: () => 0, ascent: 0, descent: 0 },
  });

  const ops: string[] = ['q', `0 0 ${n(width)} ${n(height)} re W n`]; // clip: nothing drawn outside the box
  const xobjects = new PdfDict();
  const drawImage = (name: string, ref: PdfRef, r: Rect): void => {
    xobjects.set(name, ref);
    ops.push(`q ${n(r.width)} 0 0 ${n(r.height)} ${n(r.x)} ${n(r.y)} cm /${name} Do Q`);
  };
  if (signature && layout.signature) drawImage('Sig', signature.ref, layout.signature);
  if (seal && layout.seal) drawImage('Seal', seal.ref, layout.seal); // after the signature: the seal lies on top
  const text = layout.text;
  const resources = new PdfDict();
  if (font && text && text.lines.length > 0) {
    resources.set('Font', new PdfDict({ F1: font.ref }));
    ops.push('BT', `/F1 ${n(text.fitted.size)} Tf`, `${color.map(n).join(' ')} rg`);
    for (const line of text.lines) {
      if (line.text) ops.push(`1 0 0 1 ${n(line.x)} ${n(line.y)} Tm ${font.encode(line.text)} Tj`);
    }
    ops.push('ET');
  }
  ops.push('Q');
  if (xobjects.size > 0) resources.set('XObject', xobjects);

  const form = new PdfDict({
    Type: PdfName.of('XObject'),
    Subtype: PdfName.of('Form'),
    BBox: [0, 0, width, height],
    Resources: resources,
    Filter: PdfName.of('FlateDecode'),
  });
  const ref = w.add(PdfStream.fromBytes(form, deflate(ascii(ops.join('\n') + '\n'))));
  return { ref, layout };
}

/** A number for the content stream: at most three decimals. */
function n(v: number): string {
  const s = (Math.round(v * 1000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}
