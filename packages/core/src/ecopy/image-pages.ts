/**
 * Scanned images (JPEG or PNG, one per page) as PDF pages. JPEG data is embedded as it is (DCTDecode: no
 * re-encoding, so the scan is not degraded); PNG is decoded and re-compressed (transparency as /SMask). The page
 * is shown at its physical size when its resolution is known, a card side at the ID-1 size, else fitted to A4.
 */
import { PdfDict, PdfName, PdfStream, ascii, deflate, type IncrementalWriter, type PdfRef } from '@kyso/pdf';
import { AppearanceError } from '../appearance/errors.js';
import { imageFormat, prepareImage, readJpegHeader } from '../appearance/image.js';
import { EcopyError } from './errors.js';
import { CARD_SIZE } from './frame-plan.js';
import { MAX_PAGE_SIDE, MIN_PAGE_SIDE } from './page-frame.js';
import type { ImagePageSize, ScanImage } from './types.js';

export const SCAN_IMAGE_LIMITS = {
  /** Encoded size of one image. */
  maxBytes: 64 * 1024 * 1024,
  /** JPEG is not decoded, so only the page size bounds it; a 600 dpi A3 scan is about 7000 × 9900. */
  maxSide: 30_000,
  /** Fewer pixels than this on a side is not a scan of a paper page. */
  minSide: 16,
  /** Longer and thinner than this is not a page. */
  maxAspect: 20,
  /** Resolutions outside this range are treated as unknown (JFIF often says 1×1 or 72 meaning nothing). */
  dpiRange: [50, 4800] as const,
  /**
   * Pixels decoded for one scan in all (PNG; JPEG is embedded undecoded), read from the headers before anything
   * is decoded: the default of `AssembleInput.maxDecodedPixels`. Each image is also held to 16 M pixels; this
   * bounds the time a many-page PNG scan takes (five 4000 × 4000 PNGs of 53 KB each took 16 s).
   */
  maxDecodedPixels: 100_000_000,
} as const;

export const A4: readonly [number, number] = [595.28, 841.89];

export interface ImagePage {
  /** The image as shown, in points: its physical size when its resolution is known. */
  width: number;
  height: number;
  /** The A4 sheet the image was fitted to (no resolution known, or `a4` asked). */
  sheet?: { width: number; height: number };
  /** Writes the image XObject. */
  add(w: IncrementalWriter): PdfRef;
}

type Density = { x: number; y: number } | undefined;

/**
 * Refuses a scan whose PNG images would decode to more than `maxPixels` in all (ECOPY_IMAGE_TOO_LARGE), from
 * their IHDR headers alone, before any image is decoded. Unreadable headers are left to `imagePage`.
 */
export function checkDecodedPixels(
  images: readonly (Uint8Array | ScanImage)[],
  maxPixels: number = SCAN_IMAGE_LIMITS.maxDecodedPixels,
): void {
  let total = 0;
  for (const img of images) {
    const bytes = img instanceof Uint8Array ? img : img?.bytes;
    if (
      !(bytes instanceof Uint8Array) ||
      imageFormat(bytes) !== 'png' ||
      bytes.length < 33 ||
      ascii4(bytes, 12) !== 'IHDR'
    )
      continue;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    total += view.getUint32(16) * view.getUint32(20);
  }
  if (total > maxPixels) {
    throw new EcopyError(
      'ECOPY_IMAGE_TOO_LARGE',
      { pixels: total, maxDecodedPixels: maxPixels },
      `the scan's images decode to ${total} pixels, more than ${maxPixels}`,
    );
  }
}

/**
 * Reads, checks and sizes one scanned image (nothing is written yet). `card`: an image without a known
 * resolution is a card (CCCD) side, shown at the ID-1 size.
 */
export function imagePage(input: Uint8Array | ScanImage, index: number, mode: ImagePageSize, card = false): ImagePage {
  const { bytes, dpi } = input instanceof Uint8Array ? { bytes: input, dpi: undefined } : input;
  const where = { image: index + 1 };
  if (!(bytes instanceof Uint8Array) || bytes.length === 0)
    throw new EcopyError('ECOPY_IMAGE_UNSUPPORTED', where, `image ${index + 1}: empty`);
  if (bytes.length > SCAN_IMAGE_LIMITS.maxBytes) {
    throw new EcopyError(
      'ECOPY_IMAGE_TOO_LARGE',
      { ...where, bytes: bytes.length },
      `image ${index + 1}: ${bytes.length} bytes`,
    );
  }
  if (
    dpi !== undefined &&
    !(Number.isFinite(dpi) && dpi >= SCAN_IMAGE_LIMITS.dpiRange[0] && dpi <= SCAN_IMAGE_LIMITS.dpiRange[1])
  ) {
    throw new EcopyError('ECOPY_BAD_INPUT', { ...where, dpi }, `image ${index + 1}: resolution ${dpi} dpi`);
  }
  const format = imageFormat(bytes);
  let px: { width: number; height: number; add(w: IncrementalWriter): PdfRef };
  let declared: Density;
  if (format === 'jpeg') {
    px = jpeg(bytes, index);
    declared = jfifDensity(bytes);
  } else if (format === 'png') {
    checkPngHeader(bytes, index);
    try {
      px = prepareImage(bytes, `scan image ${index + 1}`);
    } catch (e) {
      if (e instanceof AppearanceError && e.code === 'APPEARANCE_IMAGE_TOO_LARGE') {
        throw new EcopyError('ECOPY_IMAGE_TOO_LARGE', where, `image ${index + 1}: too many pixels to decode`);
      }
      throw new EcopyError('ECOPY_IMAGE_UNSUPPORTED', where, `image ${index + 1}: ${(e as Error).message}`);
    }
    declared = pngDensity(bytes);
  } else {
    throw new EcopyError('ECOPY_IMAGE_UNSUPPORTED', where, `image ${index + 1}: neither JPEG nor PNG`);
  }
  const { width, height } = px;
  const density = dpi !== undefined ? { x: dpi, y: dpi } : plausible(declared);
  let size: Pick<ImagePage, 'width' | 'height' | 'sheet'>;
  if (mode === 'auto' && density) {
    const w = (width / density.x) * 72;
    const h = (height / density.y) * 72;
    if (w > MAX_PAGE_SIDE || h > MAX_PAGE_SIDE || w < MIN_PAGE_SIDE || h < MIN_PAGE_SIDE) {
      throw new EcopyError(
        'ECOPY_IMAGE_BAD_SIZE',
        { ...where, width, height, dpi: density },
        `image ${index + 1}: ${w.toFixed(0)} × ${h.toFixed(0)} pt at its resolution`,
      );
    }
    size = { width: w, height: h };
  } else if (mode === 'auto' && card) {
    // The card's long side at the ID-1 size, the image's own proportions kept.
    const scale = CARD_SIZE[0] / Math.max(width, height);
    size = { width: width * scale, height: height * scale };
  } else {
    const [pw, ph] = width > height ? [A4[1], A4[0]] : A4;
    const scale = Math.min(pw / width, ph / height);
    size = { width: width * scale, height: height * scale, sheet: { width: pw, height: ph } };
  }
  return { ...size, add: (w) => px.add(w) };
}

function checkDimensions(width: number, height: number, index: number): void {
  const where = { image: index + 1, width, height };
  const L = SCAN_IMAGE_LIMITS;
  if (width > L.maxSide || height > L.maxSide)
    throw new EcopyError('ECOPY_IMAGE_TOO_LARGE', where, `image ${index + 1}: ${width} × ${height} pixels`);
  if (width < L.minSide || height < L.minSide || Math.max(width / height, height / width) > L.maxAspect) {
    throw new EcopyError('ECOPY_IMAGE_BAD_SIZE', where, `image ${index + 1}: ${width} × ${height} pixels`);
  }
}

function checkPngHeader(bytes: Uint8Array, index: number): void {
  if (bytes.length < 33 || ascii4(bytes, 12) !== 'IHDR') {
    throw new EcopyError('ECOPY_IMAGE_UNSUPPORTED', { image: index + 1 }, `image ${index + 1}: PNG without IHDR`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkDimensions(view.getUint32(16), view.getUint32(20), index);
}

function jpeg(bytes: Uint8Array, index: number): { width: number; height: number; add(w: IncrementalWriter): PdfRef } {
  let header: ReturnType<typeof readJpegHeader>;
  try {
    header = readJpegHeader(bytes);
  } catch (e) {
    throw new EcopyError(
      'ECOPY_IMAGE_UNSUPPORTED',
      { image: index + 1 },
      `image ${index + 1}: JPEG ${(e as Error).message}`,
    );
  }
  const { width, height, components, adobe } = header;
  checkDimensions(width, height, index);
  const space =
    components === 1 ? 'DeviceGray' : components === 3 ? 'DeviceRGB' : components === 4 ? 'DeviceCMYK' : undefined;
  if (!space)
    throw new EcopyError(
      'ECOPY_IMAGE_UNSUPPORTED',
      { image: index + 1 },
      `image ${index + 1}: JPEG with ${components} components`,
    );
  const dict = new PdfDict({
    Type: PdfName.of('XObject'),
    Subtype: PdfName.of('Image'),
    Width: width,
    Height: height,
    ColorSpace: PdfName.of(space),
    BitsPerComponent: 8,
    Filter: PdfName.of('DCTDecode'),
  });
  if (components === 4 && adobe) dict.set('Decode', [1, 0, 1, 0, 1, 0, 1, 0]); // Adobe CMYK JPEGs store inverted values
  return { width, height, add: (w) => w.add(PdfStream.fromBytes(dict, bytes)) };
}

function plausible(d: Density): Density {
  const [lo, hi] = SCAN_IMAGE_LIMITS.dpiRange;
  return d && d.x >= lo && d.x <= hi && d.y >= lo && d.y <= hi ? d : undefined;
}

const ascii4 = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4));
/** A big-endian 16-bit number; bytes past the end read as 0 (callers check lengths first). */
const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);

/** The JFIF APP0 density in dots per inch, when the file states one in inches or centimetres. */
export function jfifDensity(bytes: Uint8Array): Density {
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1];
    if (marker === 0xda || marker === 0xd9) return undefined; // the scan data starts: no APP0 before it
    const length = u16(bytes, i + 2);
    if (length < 2 || i + 2 + length > bytes.length) return undefined;
    if (marker === 0xe0 && length >= 16 && ascii4(bytes, i + 4) === 'JFIF' && bytes[i + 8] === 0) {
      const units = bytes[i + 11];
      const x = u16(bytes, i + 12);
      const y = u16(bytes, i + 14);
      if (units === 1) return { x, y };
      if (units === 2) return { x: x * 2.54, y: y * 2.54 };
      return undefined; // units 0: an aspect ratio only
    }
    i += 2 + length;
  }
  return undefined;
}

/** The PNG pHYs resolution in dots per inch, when stated per metre. */
export function pngDensity(bytes: Uint8Array): Density {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 8; i + 12 <= bytes.length; ) {
    const length = view.getUint32(i);
    const type = ascii4(bytes, i + 4);
    if (type === 'IDAT' || type === 'IEND') return undefined; // pHYs must come before the image data
    if (type === 'pHYs' && length === 9 && i + 17 <= bytes.length) {
      if (bytes[i + 16] !== 1) return undefined;
      return { x: view.getUint32(i + 8) * 0.0254, y: view.getUint32(i + 12) * 0.0254 };
    }
    i += 12 + length;
  }
  return undefined;
}

/** The smallest PDF with an empty page tree: the base the image pages are added to in one update. */
export function emptyPdf(): Uint8Array {
  const head = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const o1 = '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n';
  const o2 = '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n';
  const off1 = head.length;
  const off2 = off1 + o1.length;
  const xref = off2 + o2.length;
  const pad = (n: number): string => String(n).padStart(10, '0');
  const text =
    head +
    o1 +
    o2 +
    `xref\n0 3\n0000000000 65535 f\r\n${pad(off1)} 00000 n\r\n${pad(off2)} 00000 n\r\n` +
    `trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The content stream drawing images (named /Scan1, /Scan2 … in the page's resources) into their areas. */
export function imageContent(areas: readonly { x: number; y: number; width: number; height: number }[]): PdfStream {
  const f = (v: number): string => String(Math.round(v * 1000) / 1000);
  const ops = areas.map((a, i) => `q ${f(a.width)} 0 0 ${f(a.height)} ${f(a.x)} ${f(a.y)} cm /Scan${i + 1} Do Q`);
  return PdfStream.fromBytes(new PdfDict({ Filter: PdfName.of('FlateDecode') }), deflate(ascii(ops.join('\n') + '\n')));
}
