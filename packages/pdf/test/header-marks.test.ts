/**
 * header-marks.ts: where a rebuilding viewer could find an object header in appended bytes. Every form a red-team
 * pass hid a forged copy in is found; "endobj", words and numbers without "obj" are not; and a line of "1%1%1%…"
 * (which a regular expression with a comment in it took minutes over) is one linear pass.
 */
import { describe, expect, it } from 'vitest';
import { objMarks, objOfHeaderAt, trailerMarks } from '../src/header-marks.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('objMarks', () => {
  it.each([
    ['plain', '4 0 obj'],
    ['leading zeros', '0000000000000000000000000000000000000000004 0 obj'],
    ['a run of digits before', `${'9'.repeat(300)}4 0 obj`],
    ['a brace and a sign', '}+4 -0 obj'],
    ['vertical tabs and NUL', '4\v0\u0000obj'],
    ['a comment before obj (MuPDF)', '4 0 %c\nobj'],
    ['a comment after the number', '4%c\n0 obj'],
    ['a string holding a %', '(%) 4 0 obj'],
    ['obj followed by anything', '4 0 objX'],
  ])('finds %s', (_name, text) => {
    expect(objMarks(bytes(`xx\n${text}\n`))).toHaveLength(1);
  });

  it('leaves endobj, words and "obj" after a non-digit alone; a header inside a comment still counts (poppler may start a line piece there)', () => {
    expect(objMarks(bytes('endobj\n0 endobj (an object) /obj x obj % 4 0 obj in a comment is MuPDF-blind'))).toEqual([
      expect.any(Number),
    ]);
    expect(objMarks(bytes('endobj 1 0 0 1 72 700 cm (object) Tj'))).toEqual([]);
  });

  it('reads "1%1%1%…" without a line end in one pass', () => {
    const line = bytes('1%'.repeat(2_000_000));
    expect(objMarks(line)).toEqual([]);
  });

  it('objOfHeaderAt: where the "obj" of a written header is', () => {
    const b = bytes('xx 12 0 obj << >>');
    expect(objOfHeaderAt(b, 3)).toBe(8);
    expect(objOfHeaderAt(b, 0)).toBe(-1);
  });

  it('trailerMarks: the keyword, not inside a word', () => {
    expect(trailerMarks(bytes('trailer << >> trailers (Movie trailer) xtrailer'))).toEqual([0, 30]);
  });
});
