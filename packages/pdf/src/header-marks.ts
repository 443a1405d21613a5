/**
 * Object headers as a viewer rebuilding a damaged file's object table finds them. Poppler reads lines in 255-byte
 * pieces (a run of digits or a long line can end just before "4 0 obj") and takes "obj" followed by anything;
 * MuPDF's lexer skips comments and cuts numbers at its buffer's size; both take leading zeros and signs. A repair
 * attack hides its forged copy in whatever form a stricter reader misses, so kyso reads as loosely as the union:
 * `objMarks` (the search of appended bytes: any "obj" a digit precedes, past whitespace or comments, one linear
 * pass — a pattern with a comment in it backtracked quadratically on "1%1%1%…") and `headerBefore` (the "num gen"
 * read back from one "obj", for the scan behind recovery and the readings).
 */
import { ascii, indexOfBytes } from './byte-source.js';
import { isDigit, isWs } from './lexer.js';

/** Whitespace between a header's tokens as a rebuilding viewer takes it (poppler's isspace: PDF's six and \v). */
const sep = (c: number | undefined): boolean => isWs(c) || c === 11;
/** Filler looked back over from one "obj" at most; a longer run counts as a header (fail closed). */
const MAX_FILLER = 1 << 20;
const TRAILER = ascii('trailer');

/** Offsets of every "obj" in `buf` (not "endobj") that a digit precedes, read either way (see above). */
export function objMarks(buf: Uint8Array): number[] {
  const out: number[] = [];
  let inComment = false;
  let lastSig = -1; // last byte outside whitespace and comments, MuPDF's way
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 111 && buf[i + 1] === 98 && buf[i + 2] === 106 && !endobj(buf, i)) {
      if (precededByDigit(buf, i) || (!inComment && isDigit(buf[lastSig]))) out.push(i);
    }
    if (inComment) {
      if (c === 10 || c === 13) inComment = false;
    } else if (c === 37) inComment = true;
    else if (!sep(c)) lastSig = i;
  }
  return out;
}

const endobj = (buf: Uint8Array, i: number): boolean => buf[i - 1] === 100 && buf[i - 2] === 110 && buf[i - 3] === 101;

function precededByDigit(buf: Uint8Array, i: number): boolean {
  let p = i - 1;
  const floor = Math.max(0, i - MAX_FILLER);
  while (p >= floor && sep(buf[p])) p--;
  return p < floor ? p >= 0 : isDigit(buf[p]);
}

/** Offsets of "trailer" keywords not inside a word. */
export function trailerMarks(buf: Uint8Array): number[] {
  const out: number[] = [];
  const word = (c: number | undefined): boolean =>
    c !== undefined && (isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122));
  for (let i = indexOfBytes(buf, TRAILER, 0); i >= 0; i = indexOfBytes(buf, TRAILER, i + 1))
    if (!word(buf[i - 1]) && !word(buf[i + 7])) out.push(i);
  return out;
}

/** Where the "obj" of the header at `offset` is ("n g obj", whitespace between), or -1. */
export function objOfHeaderAt(buf: Uint8Array, offset: number): number {
  let p = offset;
  const skip = (test: (c: number | undefined) => boolean, least: number): boolean => {
    const from = p;
    while (p < buf.length && test(buf[p])) p++;
    return p - from >= least;
  };
  skip(sep, 0);
  if (buf[p] === 43 || buf[p] === 45) p++;
  if (!skip(isDigit, 1) || !skip(sep, 1)) return -1;
  if (buf[p] === 43 || buf[p] === 45) p++;
  if (!skip(isDigit, 1) || !skip(sep, 1)) return -1;
  return buf[p] === 111 && buf[p + 1] === 98 && buf[p + 2] === 106 ? p : -1;
}

/** A digit run's value without its leading zeros; NaN past what a PDF can number. */
function value(buf: Uint8Array, from: number, to: number): number {
  let p = from;
  while (p < to - 1 && buf[p] === 48) p++;
  return to - p <= 15 ? Number(String.fromCharCode(...buf.subarray(p, to))) : Number.NaN;
}

/**
 * Reads "num gen " backwards from `objAt` (the "obj" keyword) as loosely as a rebuilding viewer: any byte but a
 * digit before the number, a sign, any run of leading zeros, \v between the tokens. Comments between the tokens
 * (which MuPDF's lexer skips) are not read back; `objMarks` takes them.
 */
export function headerBefore(buf: Uint8Array, objAt: number): { num: number; gen: number; at: number } | null {
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
