/** ByteRange sanity facts: shape, bounds, overlap, the gap being exactly /Contents, and what the ranges cover. */
import { toSource, type ByteSource, type PdfObject, type Span } from '@kyso/pdf';

export type Coverage = 'ENTIRE_FILE' | 'ENTIRE_REVISION' | 'PARTIAL' | 'UNCLEAR';

export type ByteRangeProblem =
  | 'BYTERANGE_MISSING'
  | 'BYTERANGE_NOT_FOUR_INTEGERS'
  | 'BYTERANGE_NOT_INTEGERS'
  | 'BYTERANGE_NEGATIVE'
  | 'BYTERANGE_NOT_FROM_START'
  | 'BYTERANGE_OUT_OF_BOUNDS'
  | 'BYTERANGE_OVERLAP'
  | 'BYTERANGE_GAP_NOT_CONTENTS'
  | 'CONTENTS_MISSING'
  | 'CONTENTS_SPAN_UNKNOWN'
  | 'CONTENTS_NOT_HEX'
  | 'COVERAGE_PARTIAL';

/** The parts of a revision the coverage check needs (structurally a `Revision` of @kyso/pdf). */
export interface RevisionBounds {
  index: number;
  start: number;
  end: number;
  eofOffset: number;
}

export interface ByteRangeFacts {
  /** The ranges as [offset, length] pairs when the array is pairs of non-negative integers within the file; else null. */
  ranges: Array<[number, number]> | null;
  /** Exactly four non-negative integers, from 0, in bounds, no overlap, gap = /Contents. */
  wellFormed: boolean;
  coverage: Coverage;
  /** For ENTIRE_REVISION (and ENTIRE_FILE when it is also a revision's end): the revision whose end the ranges reach. */
  coveredRevision: number | null;
  /** The covered end (c+d), when known. */
  coveredEnd: number | null;
  /** The uncovered gap [a+b, c), when four numbers were given. */
  gap: Span | null;
  /**
   * The /Contents string read now sits elsewhere than the gap, but the gap holds a hex string with the same bytes
   * (the signature dictionary was rewritten by a later revision: a matter for modification analysis).
   */
  contentsRelocated: boolean;
  fileLength: number;
  problems: ByteRangeProblem[];
}

export interface ByteRangeInput {
  byteRange: PdfObject[] | null;
  contentsSpan: Span | null;
  hasContents: boolean;
  /** The /Contents bytes, to compare with the gap's when the spans differ. */
  contents?: Uint8Array | null;
}

/** `pdf`: the file (or just its length, which skips the comparison of the gap's bytes). */
export function checkByteRange(
  sig: ByteRangeInput,
  pdf: Uint8Array | ByteSource | number,
  revisions: readonly RevisionBounds[] = [],
): ByteRangeFacts {
  const fileLength = typeof pdf === 'number' ? pdf : pdf.length;
  const bytes = typeof pdf === 'number' ? null : pdf;
  const problems: ByteRangeProblem[] = [];
  const facts: ByteRangeFacts = {
    ranges: null,
    wellFormed: false,
    coverage: 'UNCLEAR',
    coveredRevision: null,
    coveredEnd: null,
    gap: null,
    contentsRelocated: false,
    fileLength,
    problems,
  };
  if (!sig.hasContents) problems.push('CONTENTS_MISSING');
  const br = sig.byteRange;
  if (!br || br.length === 0) {
    problems.push('BYTERANGE_MISSING');
    return facts;
  }
  if (br.length !== 4) problems.push('BYTERANGE_NOT_FOUR_INTEGERS');
  if (!br.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) {
    problems.push('BYTERANGE_NOT_INTEGERS');
    return facts;
  }
  const n = br as number[];
  if (n.some((v) => v < 0)) {
    problems.push('BYTERANGE_NEGATIVE');
    return facts;
  }
  if (n.length % 2 !== 0) return facts;
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i + 1 < n.length; i += 2) ranges.push([n[i]!, n[i + 1]!]);
  if (ranges.some(([o, l]) => o + l > fileLength)) {
    problems.push('BYTERANGE_OUT_OF_BOUNDS');
    return facts;
  }
  for (const [i, [start]] of ranges.entries()) {
    const before = ranges[i - 1];
    if (before && start < before[0] + before[1]) {
      problems.push('BYTERANGE_OVERLAP');
      return facts;
    }
  }
  const [first, second] = ranges;
  const last = ranges.at(-1);
  if (!first || !last) return facts; // n has an even, non-zero length: not reached
  facts.ranges = ranges;
  if (first[0] !== 0) problems.push('BYTERANGE_NOT_FROM_START');
  if (ranges.length === 2 && second) {
    const gap = { start: first[0] + first[1], end: second[0] };
    facts.gap = gap;
    const gapBytes = bytes ? toSource(bytes).read(gap.start, gap.end) : undefined; // a view when in memory
    if (sig.contentsSpan && sig.contentsSpan.start === gap.start && sig.contentsSpan.end === gap.end) {
      // the gap is the /Contents token: only whether it is a hex string is asked (nothing decoded again)
      if (gapBytes && !isHexStringAt(gapBytes, { start: 0, end: gapBytes.length })) problems.push('CONTENTS_NOT_HEX');
    } else if (relocated(gapBytes, sig.contents)) {
      facts.contentsRelocated = true;
    } else if (!sig.contentsSpan && sig.hasContents && !bytes) {
      problems.push('CONTENTS_SPAN_UNKNOWN');
    } else {
      problems.push('BYTERANGE_GAP_NOT_CONTENTS');
    }
  }
  const end = last[0] + last[1];
  facts.coveredEnd = end;
  const rev = revisions.find((r) => r.end === end || (r.eofOffset >= 0 && end >= r.eofOffset + 5 && end <= r.end));
  facts.coveredRevision = rev ? rev.index : null;
  if (end === fileLength) facts.coverage = 'ENTIRE_FILE';
  else if (rev) facts.coverage = 'ENTIRE_REVISION';
  else facts.coverage = 'PARTIAL';
  // Bytes uncovered other than the single /Contents gap make the coverage partial whatever its end.
  if (ranges.length !== 2 || first[0] !== 0) facts.coverage = 'PARTIAL';
  if (facts.coverage === 'PARTIAL') problems.push('COVERAGE_PARTIAL');
  facts.wellFormed = n.length === 4 && problems.every((p) => p === 'COVERAGE_PARTIAL');
  return facts;
}

/** The gap is another place holding the /Contents bytes as a hex string. */
function relocated(gap: Uint8Array | undefined, contents: Uint8Array | null | undefined): boolean {
  const hex = gap ? hexStringAt(gap, { start: 0, end: gap.length }) : null;
  return hex !== null && !!contents && sameBytes(hex, contents);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Each byte's hex value; SKIP for PDF white space, BAD for anything else. A table and index loops: this runs over
 * the whole /Contents (tens of thousands of digits), often before the JIT has warmed up. */
const SKIP = -2;
const BAD = -1;
const HEX = (() => {
  const t = new Int8Array(256).fill(BAD);
  for (const c of [0x20, 0x0a, 0x0d, 0x09, 0x0c, 0x00]) t[c] = SKIP;
  for (let i = 0; i < 10; i++) t[0x30 + i] = i;
  for (let i = 0; i < 6; i++) t[0x41 + i] = t[0x61 + i] = 10 + i;
  return t;
})();

/** Whether `span` holds exactly a hex string `<...>` (what hexStringAt would read), without decoding it. */
export function isHexStringAt(pdf: Uint8Array, span: Span): boolean {
  if (span.end - span.start < 2 || pdf[span.start] !== 0x3c || pdf[span.end - 1] !== 0x3e) return false;
  for (let i = span.start + 1, end = span.end - 1; i < end; i++) if (HEX[pdf[i]!] === BAD) return false;
  return true;
}

/** The bytes of the hex string `<...>` filling exactly `span`, or null when the span holds anything else. */
export function hexStringAt(pdf: Uint8Array, span: Span): Uint8Array | null {
  if (span.end - span.start < 2 || pdf[span.start] !== 0x3c || pdf[span.end - 1] !== 0x3e) return null;
  const out = new Uint8Array(Math.ceil((span.end - span.start - 2) / 2));
  let n = 0;
  let hi = -1;
  for (let i = span.start + 1, end = span.end - 1; i < end; i++) {
    const v = HEX[pdf[i]!]!;
    if (v === SKIP) continue;
    if (v === BAD) return null;
    if (hi < 0) hi = v;
    else {
      out[n++] = (hi << 4) | v;
      hi = -1;
    }
  }
  if (hi >= 0) out[n++] = hi << 4;
  return out.subarray(0, n);
}
