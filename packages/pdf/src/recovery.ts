/** Rebuilding a damaged file's object table by scanning its bytes for "n g obj" and trailers. */
import { ascii, indexOfBytes, latin1, type ByteSource } from './byte-source.js';
import { headerNumbers, headerPattern } from './header-marks.js';
import { isDigit } from './lexer.js';

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

const TRAILER = ascii('trailer');
const CHUNK = 8 << 20;
/** A header longer than this (a comment of a megabyte between its tokens) is not seen across a window boundary. */
const OVERLAP = 1 << 20;

/**
 * Scans [start, end) for object headers (as loosely as a rebuilding viewer takes them: header-marks.ts) and
 * trailers, in 8 MiB windows.
 */
export function scanObjects(source: ByteSource, start = 0, end = source.length): ScanResult {
  const objects: ScannedObject[] = [];
  const trailers: number[] = [];
  for (let base = start; base < end; base += CHUNK) {
    const winStart = Math.max(start, base - OVERLAP);
    const buf = source.read(winStart, Math.min(end, base + CHUNK));
    const re = headerPattern();
    const text = latin1(buf);
    // a window that starts inside a number must not read its tail as a number of its own
    const glued = winStart > 0 && isDigit(source.read(winStart - 1, winStart)[0]);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index === 0 && glued) continue;
      const offset = winStart + m.index;
      const h = headerNumbers(m);
      if (h && (objects.at(-1)?.offset ?? -1) < offset) objects.push({ num: h.num, gen: h.gen, offset });
    }
    const from = base - winStart;
    for (let i = indexOfBytes(buf, TRAILER, from); i >= 0; i = indexOfBytes(buf, TRAILER, i + 7)) {
      const off = winStart + i;
      if ((trailers.at(-1) ?? -1) < off) trailers.push(off);
    }
  }
  return { objects, trailers };
}
