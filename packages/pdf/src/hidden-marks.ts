/**
 * What a viewer rebuilding the object table would find in appended bytes that the cross-reference data does not
 * name: object headers (as loosely as any viewer takes them, inside stream data too: header-marks.ts) and "trailer"
 * keywords. Such a mark after a signed revision can only be there to be found by a scan — the forged page of a
 * repair attack, the /Root of a second document. Facts only.
 */
import type { ByteSource } from './byte-source.js';
import { headerBefore, objMarks, objOfHeaderAt, trailerMarks } from './header-marks.js';

export interface HiddenMark {
  /** Where the mark is: the "obj" of a header, the "trailer" keyword, or the object stream. */
  offset: number;
  /** 'compressed': an object an appended object stream lists without an entry pointing into it. */
  kind: 'object' | 'trailer' | 'compressed';
  /** The bytes of the header as written (up to 40 before "obj"), or "trailer". */
  text: string;
  /** The object number a header seems to name (NaN when it cannot be told, and for a trailer). */
  num: number;
}

/** The appended bytes are searched as one piece up to this size, in pieces overlapping by OVERLAP beyond it. */
const WHOLE = 256 << 20;
const CHUNK = 64 << 20;
const OVERLAP = 1 << 20;

/**
 * Marks in [from, to) of `source` not accounted for: `headers` are the offsets the cross-reference data gives for
 * objects there, `trailers` the offsets of the trailer keywords of its own sections. At most `max`.
 */
export function hiddenMarks(
  source: ByteSource,
  from: number,
  to: number,
  headers: Iterable<number>,
  trailers: ReadonlySet<number>,
  max = 1000,
): HiddenMark[] {
  const out: HiddenMark[] = [];
  const seen = new Set<number>();
  const piece = to - from <= WHOLE ? to - from : CHUNK;
  const known = [...headers];
  for (let base = from; base < to && out.length < max; base += piece) {
    const start = base === from ? from : base - OVERLAP;
    const buf = source.read(start, Math.min(to, base + piece));
    const objs = new Set<number>();
    for (const h of known) {
      const obj = h >= start && h < start + buf.length ? objOfHeaderAt(buf, h - start) : -1;
      if (obj >= 0) objs.add(start + obj);
    }
    for (const i of objMarks(buf)) {
      const at = start + i;
      if (out.length >= max) break;
      if (seen.has(at) || objs.has(at)) continue;
      seen.add(at);
      const before = buf.subarray(Math.max(0, i - 40), i + 3);
      out.push({ offset: at, kind: 'object', text: text(before), num: headerBefore(buf, i)?.num ?? Number.NaN });
    }
    for (const i of trailerMarks(buf)) {
      const at = start + i;
      if (out.length >= max) break;
      if (seen.has(at) || trailers.has(at)) continue;
      seen.add(at);
      out.push({ offset: at, kind: 'trailer', text: 'trailer', num: Number.NaN });
    }
  }
  return out;
}

const text = (b: Uint8Array): string =>
  String.fromCharCode(...b)
    .replace(/[\x00-\x1f\x7f-\xff]+/g, ' ')
    .trim();
