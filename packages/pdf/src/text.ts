/** PDF text strings (PDF 32000-1 §7.9.2.2): PDFDocEncoding, UTF-16BE with BOM, and (PDF 2.0) UTF-8 with BOM. */
import { PdfString } from './objects.js';

// PDFDocEncoding differs from Latin-1 in 0x18–0x1F and 0x80–0xA0.
const DOC_18 = '\u02d8\u02c7\u02c6\u02d9\u02dd\u02db\u02da\u02dc';
const DOC_80 =
  '\u2022\u2020\u2021\u2026\u2014\u2013\u0192\u2044\u2039\u203a\u2212\u2030\u201e\u201c\u201d\u2018' +
  '\u2019\u201a\u2122\ufb01\ufb02\u0141\u0152\u0160\u0178\u017d\u0131\u0142\u0153\u0161\u017e\ufffd\u20ac';

export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    let s = '';
    for (let i = 2; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return s;
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new TextDecoder('utf-8').decode(bytes.subarray(3));
  }
  let s = '';
  for (const b of bytes) {
    if (b >= 0x18 && b <= 0x1f) s += DOC_18[b - 0x18];
    else if (b >= 0x80 && b <= 0xa0) s += DOC_80[b - 0x80];
    else s += String.fromCharCode(b);
  }
  return s;
}

/** Encodes a text string: plain bytes when it is printable ASCII, else UTF-16BE with a BOM. */
export function encodeText(text: string): Uint8Array {
  let asciiOnly = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e || (c < 0x20 && c !== 9 && c !== 10 && c !== 13)) {
      asciiOnly = false;
      break;
    }
  }
  if (asciiOnly) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i); // UTF-16 code units, surrogate pairs included as they are
    out[2 + i * 2] = c >> 8;
    out[3 + i * 2] = c & 0xff;
  }
  return out;
}

export const textString = (text: string): PdfString => new PdfString(encodeText(text));
export const stringText = (s: PdfString): string => decodeText(s.bytes);
