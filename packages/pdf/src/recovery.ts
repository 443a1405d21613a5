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
const CHUNK = 1 << 20;
/** A header whose whitespace runs longer than this across a window boundary is not read whole. */
const OVERLAP = 64 << 10;

/** Scans [start, end) for object headers and trailers, in 1 MiB windows; linear in the bytes. */
export function scanObjects(source: ByteSource, start = 0, end = source.length): ScanResult {
  const objects: ScannedObject[] = [];
  const trailers: number[] = [];
  for (let base = start; base < end; base += CHUNK) {
    const winStart = Math.max(start, base - OVERLAP);
    const buf = source.read(winStart, Math.min(end, base + CHUNK));
    const from = base - winStart;
    for (let i = indexOfBytes(buf, OBJ, from); i >= 0; i = indexOfBytes(buf, OBJ, i + 3)) {
      const h = headerBefore(buf, i);
      if (h) {
        const offset = winStart + h.at;
        if ((objects.at(-1)?.offset ?? -1) < offset) objects.push({ num: h.num, gen: h.gen, offset });
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

/** A digit run's value without its leading zeros; NaN past what a PDF can number. */
function value(buf: Uint8Array, from: number, to: number): number {
  let p = from;
  while (p < to - 1 && buf[p] === 48) p++;
  return to - p <= 15 ? Number(String.fromCharCode(...buf.subarray(p, to))) : Number.NaN;
}

/**
 * Reads "num gen " backwards from `objAt` (the "obj" keyword), as loosely as a viewer rebuilding the table does
 * (poppler takes "obj" followed by anything, and any line whose first token is a number): any byte but a digit
 * before the number (a sign is skipped), any run of leading zeros, \v between the tokens. (Comments between the
 * tokens, which MuPDF's lexer skips, are not read here; the search of appended bytes, header-marks.ts, takes them.)
 */
function headerBefore(buf: Uint8Array, objAt: number): { num: number; gen: number; at: number } | null {
  let p = objAt - 1;
  if (p < 0 || !sep(buf[p])) return null;
  while (p >= 0 && sep(buf[p])) p--;
  let e = p + 1;
  while (p >= 0 && isDigit(buf[p])) p--;
  if (p + 1 === e) return null;
  const gen = value(buf, p + 1, e);
  if (p >= 0 && (buf[p] === 43 || buf[p] === 45)) p--; // + or -
  if (p < 0 || !sep(buf[p])) return null;
  while (p >= 0 && sep(buf[p])) p--;
  e = p + 1;
  while (p >= 0 && isDigit(buf[p])) p--;
  if (p + 1 === e) return null;
  const num = value(buf, p + 1, e);
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(gen)) return null;
  return { num, gen, at: p + 1 };
}
