/** Cross-reference sections: classic tables ("xref ... trailer") and cross-reference streams (/Type /XRef). */
import { latin1, type ByteSource } from './byte-source.js';
import { PdfError } from './errors.js';
import { decodeStream } from './filters.js';
import { isDigit, isWs } from './lexer.js';
import { PdfDict, PdfStream } from './objects.js';
import { ObjectParser, parseIndirectAt, withWindow, type ParseContext } from './parser.js';

export type XrefEntry =
  | { type: 'free'; gen: number }
  | { type: 'offset'; offset: number; gen: number }
  | { type: 'compressed'; stream: number; index: number };

export interface XrefSection {
  kind: 'table' | 'stream';
  /** Offset of the "xref" keyword or of the xref stream object. */
  offset: number;
  trailer: PdfDict;
  entries: Map<number, XrefEntry>;
  /** For an xref stream: its own object number. */
  streamObject?: number;
}

/** Most entries one section may declare; a hostile /Size or subsection count cannot exhaust memory. */
const MAX_ENTRIES = 8_000_000;

/** Reads the section at `offset`, whichever kind it is. */
export function readXrefSection(ctx: ParseContext, offset: number): XrefSection {
  const head = ctx.source.read(offset, offset + 32);
  let i = 0;
  while (i < head.length && isWs(head[i])) i++;
  if (head[i] === 0x78 && head[i + 1] === 0x72 && head[i + 2] === 0x65 && head[i + 3] === 0x66) {
    return readTable(ctx, offset + i);
  }
  if (isDigit(head[i])) return readStreamSection(ctx, offset + i);
  throw new PdfError('PDF_XREF', { offset }, 'no xref section at startxref offset');
}

function readTable(ctx: ParseContext, offset: number): XrefSection {
  const source = ctx.source;
  const entries = new Map<number, XrefEntry>();
  let pos = offset + 4;
  // Subsections: "start count" then count 20-byte lines. Parsed line by line, leniently (some writers use
  // 19- or 21-byte lines).
  const lineReader = new LineReader(source, pos);
  let total = 0;
  for (;;) {
    const line = lineReader.nextNonEmpty();
    if (line === null) throw new PdfError('PDF_XREF', { offset }, 'unterminated xref table');
    if (line.text.startsWith('trailer')) {
      pos = line.start;
      break;
    }
    const m = /^(\d+)\s+(\d+)/.exec(line.text);
    if (!m) throw new PdfError('PDF_XREF', { offset: line.start }, 'bad xref subsection header');
    let num = Number(m[1]);
    const count = Number(m[2]);
    total += count;
    if (total > MAX_ENTRIES) throw new PdfError('PDF_LIMIT', { offset }, 'too many xref entries');
    for (let k = 0; k < count; k++, num++) {
      const e = lineReader.nextNonEmpty();
      if (e === null) throw new PdfError('PDF_XREF', { offset }, 'xref table ends early');
      const fields = entryFields(e.text);
      if (!fields) {
        // Some files have fewer entries than declared; the line is the next subsection or the trailer.
        lineReader.unread(e);
        break;
      }
      const [off, gen, kind] = fields;
      if (!entries.has(num)) {
        entries.set(num, kind === 'n' ? { type: 'offset', offset: off, gen } : { type: 'free', gen });
      }
    }
  }
  const trailer = withWindow(source, pos, (lx) => {
    lx.next(); // "trailer"
    const t = new ObjectParser(lx, ctx).parse(0);
    if (!(t instanceof PdfDict)) throw new PdfError('PDF_XREF', { offset: pos }, 'trailer is not a dictionary');
    return t;
  });
  // A table entry "0000000000 65535 n"-style object 0 is always free.
  const zero = entries.get(0);
  if (zero && zero.type === 'offset' && zero.offset === 0) entries.set(0, { type: 'free', gen: 65535 });
  return { kind: 'table', offset, trailer, entries };
}

/**
 * Offset, generation and kind of a table entry: the standard form "oooooooooo ggggg n" (nearly every line) read
 * digit by digit, any other the lenient way, by a regular expression; null when the line is no entry.
 */
function entryFields(text: string): [number, number, string] | null {
  if (text.length >= 18 && text.charCodeAt(10) === 32 && text.charCodeAt(16) === 32) {
    const kind = text[17]!; // length >= 18
    const offset = digits(text, 0, 10);
    const gen = digits(text, 11, 16);
    if ((kind === 'n' || kind === 'f') && offset >= 0 && gen >= 0) return [offset, gen, kind];
  }
  const m = /^(\d+)\s+(\d+)\s+([nf])/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), m[3]!] : null;
}

/** The decimal number text[from, to) spells, or -1 when a character is not a digit. */
function digits(text: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function readStreamSection(ctx: ParseContext, offset: number): XrefSection {
  const obj = parseIndirectAt(ctx, offset);
  const stream = obj.value;
  if (!(stream instanceof PdfStream) || stream.dict.getName('Type') !== 'XRef') {
    throw new PdfError('PDF_XREF', { offset }, 'startxref does not point to an xref table or stream');
  }
  const d = stream.dict;
  const W = d.get('W');
  if (!Array.isArray(W) || W.length < 3 || !W.every((w) => typeof w === 'number' && w >= 0 && w <= 8)) {
    throw new PdfError('PDF_XREF', { offset }, 'bad /W in xref stream');
  }
  const [w0, w1, w2] = W as [number, number, number]; // checked above
  const size = d.get('Size');
  if (typeof size !== 'number' || size < 0) throw new PdfError('PDF_XREF', { offset }, 'bad /Size in xref stream');
  const idx = d.get('Index');
  const ranges: number[] = Array.isArray(idx) ? (idx.filter((x) => typeof x === 'number') as number[]) : [0, size];
  const rowLen = w0 + w1 + w2;
  let declared = 0;
  for (let i = 1; i < ranges.length; i += 2) declared += ranges[i]!;
  if (declared > MAX_ENTRIES) throw new PdfError('PDF_LIMIT', { offset }, 'too many xref entries');
  const data = decodeStream(stream, undefined, Math.max(1024, declared * (rowLen + 1) + 1024));
  const entries = new Map<number, XrefEntry>();
  let p = 0;
  const field = (width: number, dflt: number): number => {
    if (width === 0) return dflt;
    let v = 0;
    for (let k = 0; k < width; k++) v = v * 256 + data[p++]!; // each row is checked to fit before it is read
    return v;
  };
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const first = ranges[r]!; // r + 1 < ranges.length
    const count = ranges[r + 1]!;
    for (let k = 0; k < count; k++) {
      if (p + rowLen > data.length) break;
      const type = field(w0, 1);
      const f2 = field(w1, 0);
      const f3 = field(w2, 0);
      const num = first + k;
      if (entries.has(num)) continue;
      if (type === 0) entries.set(num, { type: 'free', gen: f3 });
      else if (type === 1) entries.set(num, { type: 'offset', offset: f2, gen: f3 });
      else if (type === 2) entries.set(num, { type: 'compressed', stream: f2, index: f3 });
      // other types are reserved: ignored, as the spec says
    }
  }
  return { kind: 'stream', offset, trailer: d, entries, streamObject: obj.num };
}

class LineReader {
  private buf: Uint8Array;
  private bufStart: number;
  private pos: number;
  private pending: { text: string; start: number } | null = null;
  constructor(
    private source: ByteSource,
    start: number,
  ) {
    this.bufStart = start;
    this.buf = source.read(start, start + (1 << 16));
    this.pos = 0;
  }
  unread(line: { text: string; start: number }): void {
    this.pending = line;
  }
  nextNonEmpty(): { text: string; start: number } | null {
    if (this.pending) {
      const l = this.pending;
      this.pending = null;
      return l;
    }
    for (;;) {
      // skip EOL/whitespace
      for (;;) {
        if (this.pos >= this.buf.length && !this.refill()) return null;
        if (!isWs(this.buf[this.pos])) break;
        this.pos++;
      }
      let e = this.pos;
      for (;;) {
        if (e >= this.buf.length) {
          const shift = this.pos;
          if (!this.refill()) break;
          e -= shift;
        }
        const c = this.buf[e];
        if (c === 10 || c === 13) break;
        e++;
        if (e - this.pos > 256) break;
      }
      const text = latin1(this.buf.subarray(this.pos, e));
      const start = this.bufStart + this.pos;
      this.pos = e;
      if (text.trim().length === 0) continue;
      return { text: text.trim(), start };
    }
  }
  /** Drops consumed bytes and reads more; false at end of source. */
  private refill(): boolean {
    const abs = this.bufStart + this.pos;
    if (abs >= this.source.length) return false;
    this.bufStart = abs;
    this.buf = this.source.read(abs, abs + (1 << 16));
    this.pos = 0;
    return this.buf.length > 0;
  }
}
