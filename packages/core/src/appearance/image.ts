/**
 * Signature and seal images as PDF image XObjects: PNG (any colour type; transparency becomes an /SMask) and JPEG
 * (passed through as DCTDecode). Sizes are checked from the header before anything is decoded.
 */
import { createRequire } from 'node:module';
import type { PNG as PngClass } from 'pngjs';

// Loaded on first use (only PNG images need it).
const require = createRequire(import.meta.url);
const pngjs = (): { PNG: typeof PngClass } => require('pngjs') as { PNG: typeof PngClass };
import { PdfDict, PdfName, PdfStream, deflate } from '@kyso/pdf';
import type { IncrementalWriter, PdfRef } from '@kyso/pdf';
import { AppearanceError } from './errors.js';

export const IMAGE_LIMITS = {
  /** Encoded size. */
  maxBytes: 20 * 1024 * 1024,
  /** Width or height, in pixels. */
  maxSide: 10_000,
  /** Width × height; bounds the decoded size (16 M pixels is 64 MB of RGBA), far above any scanned seal. */
  maxPixels: 16_000_000,
} as const;

export interface EmbeddedImage {
  readonly ref: PdfRef;
  /** Pixel size, for the aspect ratio. */
  readonly width: number;
  readonly height: number;
}

export type ImageFormat = 'png' | 'jpeg';

/** A checked, decoded image whose PDF objects are not written yet. */
export interface PreparedImage {
  readonly width: number;
  readonly height: number;
  /** Writes the image (and its soft mask) and returns its reference. */
  add(w: IncrementalWriter): PdfRef;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function imageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && PNG_MAGIC.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Adds `bytes` (PNG or JPEG) as an image XObject; `role` only names the image in errors. */
export function embedImage(w: IncrementalWriter, bytes: Uint8Array, role = 'image'): EmbeddedImage {
  const image = prepareImage(bytes, role);
  return { ref: image.add(w), width: image.width, height: image.height };
}

/** Checks and decodes `bytes` without writing anything, so a bad image leaves the update untouched. */
export function prepareImage(bytes: Uint8Array, role = 'image'): PreparedImage {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) bad(role, 'empty or not bytes');
  if (bytes.length > IMAGE_LIMITS.maxBytes) {
    throw new AppearanceError('APPEARANCE_IMAGE_TOO_LARGE', { role, bytes: bytes.length }, `${bytes.length} bytes`);
  }
  const format = imageFormat(bytes);
  if (format === 'png') return preparePng(bytes, role);
  if (format === 'jpeg') return prepareJpeg(bytes, role);
  return bad(role, 'neither PNG nor JPEG');
}

function bad(role: string, why: string): never {
  throw new AppearanceError('APPEARANCE_BAD_IMAGE', { role, reason: why }, `${role}: ${why}`);
}

function checkSize(role: string, width: number, height: number): void {
  if (!(width > 0 && height > 0)) bad(role, `invalid size ${width}×${height}`);
  if (width > IMAGE_LIMITS.maxSide || height > IMAGE_LIMITS.maxSide || width * height > IMAGE_LIMITS.maxPixels) {
    throw new AppearanceError('APPEARANCE_IMAGE_TOO_LARGE', { role, width, height }, `${width}×${height} pixels`);
  }
}

function preparePng(bytes: Uint8Array, role: string): PreparedImage {
  // IHDR is the first chunk: length, "IHDR", width, height.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') bad(role, 'PNG without IHDR');
  checkSize(role, view.getUint32(16), view.getUint32(20));

  let png: PngClass;
  try {
    png = pngjs().PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)); // always 8-bit RGBA
  } catch (e) {
    return bad(role, `PNG not decodable: ${(e as Error).message}`);
  }
  const { width, height, data } = png;
  const pixels = width * height;
  if (data.length < pixels * 4) bad(role, 'PNG data too short');

  let grey = true;
  let transparent = false;
  for (let i = 0; i < pixels * 4 && (grey || !transparent); i += 4) {
    if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) grey = false;
    if (data[i + 3] !== 255) transparent = true;
  }
  const channels = grey ? 1 : 3;
  const colour = new Uint8Array(pixels * channels);
  const alpha = transparent ? new Uint8Array(pixels) : undefined;
  for (let p = 0; p < pixels; p++) {
    const s = p * 4;
    if (grey)
      colour[p] = data[s]!; // s + 3 < pixels * 4 = data.length
    else colour.set(data.subarray(s, s + 3), p * 3);
    if (alpha) alpha[p] = data[s + 3]!;
  }

  return {
    width,
    height,
    add(w) {
      const dict = imageDict(width, height, grey ? 'DeviceGray' : 'DeviceRGB', 'FlateDecode');
      if (alpha) {
        dict.set(
          'SMask',
          w.add(PdfStream.fromBytes(imageDict(width, height, 'DeviceGray', 'FlateDecode'), deflate(alpha))),
        );
      }
      return w.add(PdfStream.fromBytes(dict, deflate(colour)));
    },
  };
}

function imageDict(width: number, height: number, colourSpace: string, filter: string): PdfDict {
  return new PdfDict({
    Type: PdfName.of('XObject'),
    Subtype: PdfName.of('Image'),
    Width: width,
    Height: height,
    ColorSpace: PdfName.of(colourSpace),
    BitsPerComponent: 8,
    Filter: PdfName.of(filter),
  });
}

/** The frame header (SOF0–SOF2: baseline, extended, progressive; what DCTDecode reads) and the Adobe marker. */
export function readJpegHeader(bytes: Uint8Array): {
  width: number;
  height: number;
  components: number;
  adobe: boolean;
} {
  let adobe = false;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw new Error('marker expected');
    const marker = bytes[i + 1]!; // i + 4 <= bytes.length
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2 || i + 2 + length > bytes.length) throw new Error('segment runs past the end');
    const seg = bytes.subarray(i + 4, i + 2 + length);
    if (marker === 0xee && String.fromCharCode(...seg.subarray(0, 5)) === 'Adobe') adobe = true;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      const [bits, h1, h0, w1, w0, components] = seg;
      if (h1 === undefined || h0 === undefined || w1 === undefined || w0 === undefined || components === undefined)
        throw new Error('short frame header');
      if (bits !== 8) throw new Error(`${bits}-bit samples`);
      return { height: (h1 << 8) | h0, width: (w1 << 8) | w0, components, adobe };
    }
    if (
      (marker >= 0xc3 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) ||
      marker === 0xda
    ) {
      throw new Error(
        marker === 0xda ? 'no frame header before the scan' : 'unsupported JPEG coding (lossless or arithmetic)',
      );
    }
    i += 2 + length;
  }
  throw new Error('no frame header');
}

function prepareJpeg(bytes: Uint8Array, role: string): PreparedImage {
  let header: ReturnType<typeof readJpegHeader>;
  try {
    header = readJpegHeader(bytes);
  } catch (e) {
    return bad(role, `JPEG: ${(e as Error).message}`);
  }
  const { width, height, components, adobe } = header;
  checkSize(role, width, height);
  const space =
    components === 1 ? 'DeviceGray' : components === 3 ? 'DeviceRGB' : components === 4 ? 'DeviceCMYK' : undefined;
  if (!space) bad(role, `JPEG with ${components} components`);
  const dict = imageDict(width, height, space, 'DCTDecode');
  if (components === 4 && adobe) dict.set('Decode', [1, 0, 1, 0, 1, 0, 1, 0]); // Adobe CMYK JPEGs store inverted values
  return { width, height, add: (w) => w.add(PdfStream.fromBytes(dict, bytes)) };
}
