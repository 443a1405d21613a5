/**
 * Where a viewer rebuilding a damaged file's object table could find an object header: any "obj" that a digit
 * precedes, past whitespace (C's isspace and NUL) — and, read as MuPDF's lexer reads, past comments too — whatever
 * comes before that digit. Poppler reads lines in 255-byte pieces (a run of digits or a long line can end just
 * before "4 0 obj"), MuPDF's lexer skips comments and cuts numbers at its buffer's size, and both take leading zeros
 * and signs: a repair attack hides its forged copy in whatever form a stricter reader misses. One forward pass,
 * linear in the bytes (a pattern with a comment in it backtracked quadratically on "1%1%1%…").
 */

/** Bytes a rebuilding viewer skips between a header's tokens. */
const FILLER = new Uint8Array(256);
for (const c of [0, 9, 10, 11, 12, 13, 32]) FILLER[c] = 1;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;
/** Filler looked back over from one "obj" at most; a longer run counts as a header (fail closed). */
const MAX_FILLER = 1 << 20;

/** Offsets of every "obj" in `buf` (not "endobj") that a digit precedes, read either way (see above). */
export function objMarks(buf: Uint8Array): number[] {
  const out: number[] = [];
  let inComment = false;
  let lastSig = -1; // last byte outside filler and comments, MuPDF's way
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 111 && buf[i + 1] === 98 && buf[i + 2] === 106 && !endobj(buf, i)) {
      if (precededByDigit(buf, i) || (!inComment && isDigit(buf[lastSig]))) out.push(i);
    }
    if (inComment) {
      if (c === 10 || c === 13) inComment = false;
    } else if (c === 37) inComment = true;
    else if (!FILLER[c]) lastSig = i;
  }
  return out;
}

const endobj = (buf: Uint8Array, i: number): boolean => buf[i - 1] === 100 && buf[i - 2] === 110 && buf[i - 3] === 101;

function precededByDigit(buf: Uint8Array, i: number): boolean {
  let p = i - 1;
  const floor = Math.max(0, i - MAX_FILLER);
  while (p >= floor && FILLER[buf[p]!]) p--;
  return p < floor ? p >= 0 : isDigit(buf[p]);
}

/** Offsets of "trailer" keywords not inside a word. */
export function trailerMarks(buf: Uint8Array): number[] {
  const out: number[] = [];
  const word = (c: number | undefined): boolean =>
    c !== undefined && ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122));
  for (let i = buf.indexOf(116); i >= 0 && i + 7 <= buf.length; i = buf.indexOf(116, i + 1)) {
    if (
      buf[i + 1] === 114 &&
      buf[i + 2] === 97 &&
      buf[i + 3] === 105 &&
      buf[i + 4] === 108 &&
      buf[i + 5] === 101 &&
      buf[i + 6] === 114 &&
      !word(buf[i - 1]) &&
      !word(buf[i + 7])
    )
      out.push(i);
  }
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
  skip((c) => c !== undefined && FILLER[c] === 1, 0);
  if (buf[p] === 43 || buf[p] === 45) p++;
  if (!skip(isDigit, 1) || !skip((c) => c !== undefined && FILLER[c] === 1, 1)) return -1;
  if (buf[p] === 43 || buf[p] === 45) p++;
  if (!skip(isDigit, 1) || !skip((c) => c !== undefined && FILLER[c] === 1, 1)) return -1;
  return buf[p] === 111 && buf[p + 1] === 98 && buf[p + 2] === 106 ? p : -1;
}
