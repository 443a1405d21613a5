/**
 * Whether each cross-reference entry points at its own object: the "n g obj" header at the entry's offset. A
 * header that names another object or generation is how an "object swap" is written (the entry for 8 points at
 * "6 0 obj"), and readers disagree on such an entry: some take the bytes at the offset, others reject them and
 * rebuild the table by scanning. Facts only; what a mismatch means is the verifier's decision.
 */
import type { ByteSource } from './byte-source.js';
import { DELIM, isDigit, isWs, Lexer, WS } from './lexer.js';

export interface ObjectHeader {
  num: number;
  gen: number;
}

export interface HeaderMismatch {
  /** The revision whose cross-reference section holds the entry. */
  revision: number;
  /** The object number and generation the entry is for. */
  num: number;
  gen: number;
  /** The offset the entry gives (an entry for an object in a file position). */
  offset?: number;
  /** The object stream and index the entry gives (an entry for a compressed object). */
  stream?: { num: number; index: number };
  /**
   * The header found there — the "n g obj" at the offset, or the number the object stream lists at the index (its
   * generation is 0) — or null when there is none.
   */
  found: ObjectHeader | null;
}

const WINDOW = 1 << 16;
const HEADER_BYTES = 256;

/** Reads "n g obj" headers at many offsets, one window read per neighbourhood (offsets are best asked in order). */
export class HeaderReader {
  private start = -1;
  private buf: Uint8Array = new Uint8Array(0);

  /** `window`: bytes read at a time — large for many offsets in order, small for single look-ups. */
  constructor(
    private readonly source: ByteSource,
    private readonly window = WINDOW,
  ) {}

  /** The header at `offset`, or null when the bytes there do not start with "n g obj". */
  at(offset: number): ObjectHeader | null {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.source.length) return null;
    if (offset < this.start || offset + HEADER_BYTES > this.start + this.buf.length) {
      this.start = offset;
      this.buf = this.source.read(offset, offset + Math.max(this.window, HEADER_BYTES));
    }
    const fast = plainHeader(this.buf, offset - this.start);
    if (fast) return fast;
    // comments or unusual whitespace between the tokens: the lexer decides
    const final = this.start + this.buf.length >= this.source.length;
    const lx = new Lexer(this.buf, this.start, offset, final);
    try {
      const a = lx.next();
      const b = lx.next();
      const c = lx.next();
      if (a.t !== 'num' || b.t !== 'num' || c.t !== 'kw' || c.v !== 'obj' || !a.int || !b.int || a.v < 0 || b.v < 0)
        return null;
      return { num: a.v, gen: b.v };
    } catch {
      return null; // a token or comment running past the window, or bytes that do not lex: no header
    }
  }
}

/** "digits WS+ digits WS+ obj" then a delimiter or whitespace, as nearly every writer puts it; null otherwise. */
function plainHeader(b: Uint8Array, i: number): ObjectHeader | null {
  const int = (): number => {
    let v = 0;
    const from = i;
    while (i < b.length && isDigit(b[i]) && i - from < 10) v = v * 10 + (b[i++]! - 48);
    return i > from && !isDigit(b[i]) ? v : -1;
  };
  const ws = (): boolean => {
    const from = i;
    while (i < b.length && isWs(b[i])) i++;
    return i > from;
  };
  const num = int();
  if (num < 0 || !ws()) return null;
  const gen = int();
  if (gen < 0 || !ws()) return null;
  if (b[i] !== 0x6f || b[i + 1] !== 0x62 || b[i + 2] !== 0x6a) return null;
  const after = b[i + 3];
  if (after !== undefined && !WS[after] && !DELIM[after]) return null;
  return { num, gen };
}
