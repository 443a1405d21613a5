/** Rebuilding a damaged file's object table by scanning its bytes for "n g obj" and trailers. */
import { ascii, indexOfBytes, type ByteSource } from './byte-source.js';
import { isDigit, isWs } from './lexer.js';

export interface ScannedObject {
  num: number;
  gen: number;
  offset: number;
}

export interface ScanResult {
  /** Every "n g obj" header found, in file order. */
  objects: ScannedObject[];
  /** Offsets of "trailer" keywords. */
  trailers: number[];
}

const OBJ = ascii('obj');
const TRAILER = ascii('trailer');

/** Scans [start, end) for object headers and trailers, in 1 MiB windows. */
export function scanObjects(source: ByteSource, start = 0, end = source.length): ScanResult {
  const objects: ScannedObject[] = [];
  const trailers: number[] = [];
  const chunk = 1 << 20;
  const overlap = 64;
  for (let base = start; base < end; base += chunk) {
    const winStart = Math.max(start, base - overlap);
    const buf = source.read(winStart, Math.min(end, base + chunk));
    const from = base - winStart;
    for (let i = indexOfBytes(buf, OBJ, from); i >= 0; i = indexOfBytes(buf, OBJ, i + 3)) {
      const h = headerBefore(buf, i);
      if (h) {
        const offset = winStart + h.at;
        if (offset >= base - overlap && (objects.at(-1)?.offset ?? -1) < offset) {
          objects.push({ num: h.num, gen: h.gen, offset });
        }
      }
    }
    for (let i = indexOfBytes(buf, TRAILER, from); i >= 0; i = indexOfBytes(buf, TRAILER, i + 7)) {
      const off = winStart + i;
      if ((trailers.at(-1) ?? -1) < off) trailers.push(off);
    }
  }
  return { objects, trailers };
}

/** Whitespace between a header's tokens as a rebuilding viewer takes it (poppler's isspace: PDF's six and \v). */
const sep = (c: number | undefined): boolean => isWs(c) || c === 11;

/**
 * Reads "num gen " backwards from `objAt` (the "obj" keyword), as loosely as a viewer rebuilding the table does
 * (poppler takes "obj" followed by anything, and any line whose first token is a number): any byte but a digit
 * before the number (a sign is skipped), leading zeros, \v between the tokens. A repair attack hides its forged copy
 * in whatever form the strictest reader here would miss.
 */
function headerBefore(buf: Uint8Array, objAt: number): { num: number; gen: number; at: number } | null {
  let p = objAt - 1;
  if (p < 0 || !sep(buf[p])) return null;
  while (p >= 0 && sep(buf[p])) p--;
  let e = p + 1;
  while (p >= 0 && isDigit(buf[p])) p--;
  if (p + 1 === e || e - p - 1 > 40) return null;
  const gen = Number(String.fromCharCode(...buf.subarray(p + 1, e)));
  if (p >= 0 && (buf[p] === 43 || buf[p] === 45)) p--; // + or -
  if (p < 0 || !sep(buf[p])) return null;
  while (p >= 0 && sep(buf[p])) p--;
  e = p + 1;
  while (p >= 0 && isDigit(buf[p])) p--;
  if (p + 1 === e || e - p - 1 > 40) return null;
  const num = Number(String.fromCharCode(...buf.subarray(p + 1, e)));
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(gen)) return null;
  return { num, gen, at: p + 1 };
}
