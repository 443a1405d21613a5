/**
 * What a viewer rebuilding the object table would find in appended bytes that the cross-reference data does not
 * name: "n g obj" headers (as loosely as any viewer takes them: leading zeros, signs, any whitespace, any byte
 * around them, inside stream data too) and "trailer" keywords. Such a mark after a signed revision can only be there
 * to be found by a scan — the forged page of a repair attack, the /Root of a second document. Facts only.
 */
import { latin1, type ByteSource } from './byte-source.js';
import { headerNumbers, markPattern } from './header-marks.js';
import { isDigit } from './lexer.js';

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

/**
 * The appended bytes are searched as one piece up to this size (a header whose comment runs past a piece boundary
 * would be missed), in pieces overlapping by OVERLAP beyond it.
 */
const WHOLE = 256 << 20;
const CHUNK = 64 << 20;
const OVERLAP = 1 << 20;

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
  const piece = to - from <= WHOLE ? to - from : CHUNK;
  for (let base = from; base < to && out.length < max; base += piece) {
    const start = base === from ? from : base - OVERLAP;
    const text = latin1(source.read(start, Math.min(to, base + piece)));
    const re = markPattern();
    const glued = start > 0 && isDigit(source.read(start - 1, start)[0]);
    for (let m = re.exec(text); m && out.length < max; m = re.exec(text)) {
      if (m.index === 0 && glued) continue; // the tail of a number that starts before the piece
      const offset = start + m.index;
      if (seen.has(offset)) continue;
      seen.add(offset);
      // a sign is no part of where a cross-reference offset points
      const at = m[0][0] === '+' || m[0][0] === '-' ? offset + 1 : offset;
      if (known.has(at) || known.has(offset)) continue;
      const trailer = m[1] === undefined;
      const numbers = trailer ? null : headerNumbers(m);
      out.push({
        offset,
        kind: trailer ? 'trailer' : 'object',
        text: trailer
          ? 'trailer'
          : m[0]
              .replace(/%[^\r\n]*/g, '%…')
              .replace(/[\x00\t\n\x0b\f\r ]+/g, ' ')
              .slice(0, 120),
        num: numbers ? numbers.num : Number.NaN,
      });
    }
  }
  return out;
}
