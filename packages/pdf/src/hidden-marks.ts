/**
 * What a viewer rebuilding the object table would find in appended bytes that the cross-reference data does not
 * name: "n g obj" headers (as loosely as any viewer takes them: leading zeros, signs, any whitespace, any byte
 * around them, inside stream data too) and "trailer" keywords. Such a mark after a signed revision can only be there
 * to be found by a scan — the forged page of a repair attack, the /Root of a second document. Facts only.
 */
import { latin1, type ByteSource } from './byte-source.js';

export interface HiddenMark {
  /** Where the mark starts (the object number's first byte, or "trailer"). */
  offset: number;
  /** 'compressed': an object an appended object stream lists without an entry pointing into it. */
  kind: 'object' | 'trailer' | 'compressed';
  /** The header as written ("4 000000 obj"), or "trailer". */
  text: string;
  /** The object number a header names (NaN for a trailer). */
  num: number;
}

const CHUNK = 1 << 20;
/** Longest mark the scan is sure to see whole across two chunks (a header with a few KB of whitespace in it). */
const OVERLAP = 8 << 10;
// (?<![0-9]) so "14 0 obj" is one header, not also "4 0 obj"; \x00 and \x0b count as whitespace (poppler's isspace)
const MARK =
  /(?<![0-9])[+-]?([0-9]{1,40})[\x00\t\n\x0b\f\r ]{1,4096}[+-]?[0-9]{1,40}[\x00\t\n\x0b\f\r ]{1,4096}obj|(?<![A-Za-z0-9])trailer(?![A-Za-z0-9])/g;

/**
 * Marks in [from, to) of `source` whose offset is not in `known` (the header offsets and trailer keywords the
 * cross-reference data accounts for, whitespace before them skipped). At most `max` are returned.
 */
export function hiddenMarks(
  source: ByteSource,
  from: number,
  to: number,
  known: ReadonlySet<number>,
  max = 1000,
): HiddenMark[] {
  const out: HiddenMark[] = [];
  const seen = new Set<number>();
  for (let base = from; base < to && out.length < max; base += CHUNK) {
    const start = Math.max(from, base - OVERLAP);
    const text = latin1(source.read(start, Math.min(to, base + CHUNK)));
    MARK.lastIndex = 0;
    for (let m = MARK.exec(text); m && out.length < max; m = MARK.exec(text)) {
      const offset = start + m.index;
      if (seen.has(offset)) continue;
      seen.add(offset);
      // a sign is no part of where a cross-reference offset points
      const at = m[0][0] === '+' || m[0][0] === '-' ? offset + 1 : offset;
      if (known.has(at) || known.has(offset)) continue;
      const trailer = m[1] === undefined;
      out.push({
        offset,
        kind: trailer ? 'trailer' : 'object',
        text: trailer ? 'trailer' : m[0].replace(/[\x00\t\n\x0b\f\r ]+/g, ' '),
        num: trailer ? Number.NaN : Number(m[1]),
      });
    }
  }
  return out;
}
