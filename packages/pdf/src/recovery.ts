/** Rebuilding a damaged file's object table by scanning its bytes for "n g obj" and trailers. */
import { ascii, indexOfBytes, type ByteSource } from './byte-source.js';
import { headerBefore } from './header-marks.js';

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
