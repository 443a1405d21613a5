/**
 * The visible signature's appearance: a Form XObject for the widget's /AP /N holding the signature image, the
 * organisation's seal over its left third, and the signature information in an embedded Vietnamese font.
 */
import { PdfDict, PdfName, PdfStream, ascii, deflate } from '@kyso/pdf';
import type { IncrementalWriter, PdfRef } from '@kyso/pdf';
import { AppearanceError } from './errors.js';
import { embedFont, normalizeText, type FontFace } from './font.js';
import { prepareImage, type PreparedImage } from './image.js';
import { layoutAppearance, type AppearanceLayout, type Rect } from './layout.js';
import { composeSignatureLines, type AppearanceLanguage, type SignatureFields } from './signature-lines.js';
import { signingWarning, type OnSigningWarning } from '../signing/warnings.js';

/** Times New Roman 10 pt is what the Decree 30/2020 annex asks for signature information. */
export const DEFAULT_FONT_SIZE = 10;
/**
 * Below this the printed signature information is hard to read, and signing warns (APPEARANCE_TEXT_UNREADABLE).
 * UNCONFIRMED: no rule found names a minimum; 6 pt is the common small-print floor.
 */
export const MIN_READABLE_FONT_SIZE = 6;
/** PDF 32000-1 Annex C: the largest page side in default user units. */
const MAX_SIDE = 14_400;

interface AppearanceStyle {
  /** The signer's handwritten signature, PNG (transparent background) or JPEG. */
  signatureImage?: Uint8Array;
  /** The organisation's seal, PNG (transparent background) or JPEG; drawn over the signature image's left third. */
  sealImage?: Uint8Array;
  /**
   * The images' height in points, exactly, when the box holds it beside the text (a seal at its real size, Decree
   * 30/2020: "actual size"); default: as large as the box allows.
   */
  imageHeight?: number;
  /** Largest font size; smaller when the text needs it to fit. Default 10. */
  fontSize?: number;
  fontFace?: FontFace;
  /** DeviceRGB, each 0–1. Default black. */
  textColor?: readonly [number, number, number];
}

/** What the appearance shows, without its size. */
export type AppearanceContent = AppearanceStyle &
  (
    | { /** Lines as they should read, already composed. */ lines: readonly string[]; fields?: undefined }
    | { fields: SignatureFields; lang?: AppearanceLanguage; lines?: undefined }
  );

export interface AppearanceSize {
  /** Points; the widget's /Rect should have the same size. */
  width: number;
  height: number;
}

export type SignatureAppearanceSpec = AppearanceContent & AppearanceSize;

export interface SignatureAppearance {
  /** The Form XObject, for the widget's /AP << /N ref >>. */
  ref: PdfRef;
  layout: AppearanceLayout;
}

/** Builds the appearance and returns its Form XObject. */
export function buildSignatureAppearance(w: IncrementalWriter, spec: SignatureAppearanceSpec): PdfRef {
  return createSignatureAppearance(w, spec).ref;
}

/** As `buildSignatureAppearance`, also returning where everything was placed. */
export function createSignatureAppearance(w: IncrementalWriter, spec: SignatureAppearanceSpec): SignatureAppearance {
  return signatureAppearanceDrawer(spec)(w, spec);
}

/**
 * A builder for the signing options' `appearance` (`(w, size) => PdfRef`): the content is checked and the
 * images decoded once, now; each call lays it out for the widget's size and writes it.
 */
export function signatureAppearance(
  content: AppearanceContent,
): (w: IncrementalWriter, size: AppearanceSize, warn?: OnSigningWarning) => PdfRef {
  const draw = signatureAppearanceDrawer(content);
  return (w, size, warn) => {
    const drawn = draw(w, size);
    const fitted = drawn.layout.text?.fitted;
    if (warn && fitted && (!fitted.complete || fitted.size < MIN_READABLE_FONT_SIZE)) {
      const detail = `text at ${Number(fitted.size.toFixed(1))} pt in a ${size.width}×${size.height} pt box${fitted.complete ? '' : ', lines left out'}`;
      warn(signingWarning('APPEARANCE_TEXT_UNREADABLE', detail));
    }
    return drawn.ref;
  };
}

function signatureAppearanceDrawer(
  content: AppearanceContent,
): (w: IncrementalWriter, size: AppearanceSize) => SignatureAppearance {
  const maxFontSize = content.fontSize ?? DEFAULT_FONT_SIZE;
  const color = content.textColor ?? [0, 0, 0];
  if (!(Number.isFinite(maxFontSize) && maxFontSize > 0 && maxFontSize <= 1000)) {
    throw new AppearanceError('APPEARANCE_BAD_SPEC', { fontSize: maxFontSize }, `font size ${maxFontSize}`);
  }
  if (color.length !== 3 || !color.every((c) => Number.isFinite(c) && c >= 0 && c <= 1)) {
    throw new AppearanceError('APPEARANCE_BAD_SPEC', { textColor: color }, 'text colour');
  }
  if (
    content.imageHeight !== undefined &&
    !(Number.isFinite(content.imageHeight) && content.imageHeight > 0 && content.imageHeight <= MAX_SIDE)
  ) {
    throw new AppearanceError(
      'APPEARANCE_BAD_SPEC',
      { imageHeight: content.imageHeight },
      `image height ${content.imageHeight}`,
    );
  }
  const source = content.lines ?? composeSignatureLines(content.fields, content.lang);
  let lines = source.flatMap((l) => l.split(/\r\n|\r|\n/)).map((l) => normalizeText(l).trimEnd());
  if (!lines.some((l) => l.trim())) lines = [];
  const signature = content.signatureImage ? prepareImage(content.signatureImage, 'signature image') : undefined;
  const seal = content.sealImage ? prepareImage(content.sealImage, 'seal image') : undefined;
  const face = content.fontFace ?? 'regular';

  return (w, { width, height }) => {
    const side = (v: number): boolean => Number.isFinite(v) && v > 0 && v <= MAX_SIDE;
    if (!side(width) || !side(height))
      throw new AppearanceError('APPEARANCE_BAD_SPEC', { width, height }, `box ${width}×${height}`);
    // The font is the last check that can refuse (a character it lacks); nothing is written before it.
    const font = lines.length > 0 ? embedFont(w, face, lines.join('')) : undefined;
    const layout = layoutAppearance({
      width,
      height,
      lines,
      signatureAspect: signature && signature.width / signature.height,
      sealAspect: seal && seal.width / seal.height,
      imageHeight: content.imageHeight,
      maxFontSize,
      font: font ?? { widthOf: () => 0, ascent: 0, descent: 0 },
    });
    const ref = w.add(formXObject(w, width, height, layout, { signature, seal, font, color }));
    return { ref, layout };
  };
}

interface Drawables {
  signature?: PreparedImage;
  seal?: PreparedImage;
  font?: ReturnType<typeof embedFont>;
  color: readonly number[];
}

function formXObject(
  w: IncrementalWriter,
  width: number,
  height: number,
  layout: AppearanceLayout,
  d: Drawables,
): PdfStream {
  const ops: string[] = ['q', `0 0 ${n(width)} ${n(height)} re W n`]; // clip: nothing drawn outside the box
  const resources = new PdfDict();
  const xobjects = new PdfDict();
  const drawImage = (name: string, image: PreparedImage, r: Rect): void => {
    xobjects.set(name, image.add(w));
    ops.push(`q ${n(r.width)} 0 0 ${n(r.height)} ${n(r.x)} ${n(r.y)} cm /${name} Do Q`);
  };
  if (d.signature && layout.signature) drawImage('Sig', d.signature, layout.signature);
  if (d.seal && layout.seal) drawImage('Seal', d.seal, layout.seal); // after the signature: the seal lies on top
  if (xobjects.size > 0) resources.set('XObject', xobjects);
  const text = layout.text;
  if (d.font && text && text.lines.length > 0) {
    resources.set('Font', new PdfDict({ F1: d.font.ref }));
    ops.push('BT', `/F1 ${n(text.fitted.size)} Tf`, `${d.color.map(n).join(' ')} rg`);
    for (const line of text.lines) {
      if (line.text) ops.push(`1 0 0 1 ${n(line.x)} ${n(line.y)} Tm ${d.font.encode(line.text)} Tj`);
    }
    ops.push('ET');
  }
  ops.push('Q');
  const dict = new PdfDict({
    Type: PdfName.of('XObject'),
    Subtype: PdfName.of('Form'),
    BBox: [0, 0, width, height],
    Resources: resources,
    Filter: PdfName.of('FlateDecode'),
  });
  return PdfStream.fromBytes(dict, deflate(ascii(ops.join('\n') + '\n')));
}

/** A number for the content stream: at most three decimals. */
function n(v: number): string {
  const s = (Math.round(v * 1000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}
