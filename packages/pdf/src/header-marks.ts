/**
 * "n g obj" as loosely as any viewer rebuilding a damaged file's object table takes it: poppler reads any line
 * whose first token is a number and whose third starts with "obj" (C's atoi and isspace: leading zeros, a sign,
 * \v); MuPDF's lexer skips comments between tokens and reads any run of zeros before a number. A repair attack
 * hides its forged copy in whatever form the strictest reader misses, so kyso's scan takes the union.
 */

/** Whitespace (C's isspace and PDF's NUL) or a comment to the end of its line, between two tokens. */
const SEP = String.raw`(?:[\x00\t\n\x0b\f\r ]|%[^\r\n]*(?:\r\n|\r|\n))`;
/** Group 1 the object number, group 2 the generation (leading zeros and signs left out). */
const HEADER = `(?<![0-9])[+-]?0*([0-9]{1,40})${SEP}+[+-]?0*([0-9]{1,40})${SEP}+obj`;

/** A fresh global matcher (each caller keeps its own lastIndex). */
export const headerPattern = (): RegExp => new RegExp(HEADER, 'g');
/** Headers, and "trailer" keywords not inside a word (group 1 undefined for a trailer). */
export const markPattern = (): RegExp => new RegExp(`${HEADER}|(?<![A-Za-z0-9])trailer(?![A-Za-z0-9])`, 'g');

/** The object number and generation of a match, or null when either is past what a PDF can number. */
export function headerNumbers(m: RegExpExecArray): { num: number; gen: number } | null {
  const num = Number(m[1]);
  const gen = Number(m[2]);
  return Number.isSafeInteger(num) && Number.isSafeInteger(gen) ? { num, gen } : null;
}
