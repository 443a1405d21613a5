/** Object syntax: direct objects, indirect objects ("n g obj ... endobj") and streams, over a ByteSource. */
import { ascii, indexOf, type ByteSource } from './byte-source.js';
import { PdfError } from './errors.js';
import { EndOfWindow, isWs, Lexer, type Token } from './lexer.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';

export const LIMITS = {
  /** Deepest nesting of arrays and dictionaries accepted. */
  maxDepth: 256,
  /** Largest window read to parse one object (streams' data is not read). */
  maxObjectWindow: 64 << 20,
  /** Longest reference chain followed when resolving. */
  maxResolveDepth: 32,
  /** Largest decoded stream accepted by the filters. */
  maxDecodedBytes: 256 << 20,
  /**
   * Decoded bytes one document may produce over all its streams (object streams, content, DSS items…): the
   * default of `LoadOptions.maxDecodedBytes`. Many streams each under `maxDecodedBytes` cannot add up past it.
   */
  maxDocumentDecodedBytes: 512 << 20,
};

export interface IndirectObject {
  num: number;
  gen: number;
  value: PdfObject;
  /** Offset of "n g obj". */
  offset: number;
}

export interface ParseContext {
  source: ByteSource;
  /** Resolves an indirect /Length; returns undefined when it cannot. */
  resolveLength?: (ref: PdfRef) => number | undefined;
  /** Called when a stream's /Length was wrong and its end was found by searching. */
  onWarning?: (code: string, message: string, offset: number) => void;
}

const ENDSTREAM = ascii('endstream');

/** Runs `fn` over a window at `offset`, growing the window while the parse runs off its end. */
export function withWindow<T>(source: ByteSource, offset: number, fn: (lx: Lexer) => T, initial = 4096): T {
  let size = initial;
  for (;;) {
    const end = Math.min(source.length, offset + size);
    const final = end >= source.length;
    const lx = new Lexer(source.read(offset, end), offset, offset, final);
    try {
      return fn(lx);
    } catch (e) {
      if (!(e instanceof EndOfWindow)) throw e;
      if (final) throw new PdfError('PDF_TRUNCATED', { offset });
      if (size >= LIMITS.maxObjectWindow) throw new PdfError('PDF_LIMIT', { offset }, 'object too large');
      size *= 4;
    }
  }
}

export class ObjectParser {
  /** Spans are file offsets; inside an object stream they would mean nothing, so none are recorded. */
  recordSpans = true;
  constructor(
    readonly lx: Lexer,
    readonly ctx: ParseContext,
  ) {}

  /** Parses one direct object (a reference "n g R" counts as one). */
  parse(depth = 0): PdfObject {
    return this.fromToken(this.lx.next(), depth);
  }

  fromToken(tok: Token, depth: number): PdfObject {
    switch (tok.t) {
      case 'num':
        if (tok.int && tok.v >= 0) {
          const ref = this.tryRef(tok.v);
          if (ref) return ref;
        }
        return tok.v;
      case 'name':
        return PdfName.of(tok.v);
      case 'str': {
        const s = new PdfString(tok.v, tok.hex);
        if (this.recordSpans) s.span = { start: tok.start, end: tok.end };
        return s;
      }
      case 'punct':
        if (tok.v === '[') return this.array(depth + 1);
        if (tok.v === '<<') return this.dict(tok.start, depth + 1);
        if (tok.v === '{' || tok.v === '}') return null; // PostScript calculator braces: not object syntax
        throw new PdfError('PDF_SYNTAX', { offset: tok.start }, `unexpected '${tok.v}'`);
      case 'kw':
        if (tok.v === 'true') return true;
        if (tok.v === 'false') return false;
        if (tok.v === 'null') return null;
        throw new PdfError('PDF_SYNTAX', { offset: tok.start }, `unexpected keyword '${tok.v.slice(0, 20)}'`);
      case 'eof':
        throw new PdfError('PDF_TRUNCATED', { offset: tok.start });
    }
  }

  /** After an integer: "g R" makes it a reference; otherwise the lexer is put back. */
  private tryRef(num: number): PdfRef | undefined {
    const save = this.lx.pos;
    const t2 = this.lx.next();
    if (t2.t === 'num' && t2.int && t2.v >= 0) {
      const t3 = this.lx.next();
      if (t3.t === 'kw' && t3.v === 'R') return new PdfRef(num, t2.v);
    }
    this.lx.pos = save;
    return undefined;
  }

  private checkDepth(depth: number): void {
    if (depth > LIMITS.maxDepth) throw new PdfError('PDF_TOO_DEEP', { offset: this.lx.offset });
  }

  private array(depth: number): PdfObject[] {
    this.checkDepth(depth);
    const out: PdfObject[] = [];
    for (;;) {
      const tok = this.lx.next();
      if (tok.t === 'punct' && tok.v === ']') return out;
      if (tok.t === 'eof') throw new PdfError('PDF_TRUNCATED', { offset: tok.start });
      if (tok.t === 'kw' && (tok.v === 'endobj' || tok.v === 'stream')) {
        // unterminated array: stop here, leave the keyword for the caller
        this.lx.pos = tok.start - this.lx.base;
        return out;
      }
      out.push(this.fromToken(tok, depth));
    }
  }

  private dict(start: number, depth: number): PdfDict {
    this.checkDepth(depth);
    const d = new PdfDict();
    for (;;) {
      const tok = this.lx.next();
      if (tok.t === 'punct' && tok.v === '>>') break;
      if (tok.t === 'eof') throw new PdfError('PDF_TRUNCATED', { offset: tok.start });
      if (tok.t === 'kw' && (tok.v === 'endobj' || tok.v === 'stream')) {
        this.lx.pos = tok.start - this.lx.base;
        break;
      }
      if (tok.t !== 'name') {
        // a malformed entry: skip the token and go on, as other readers do
        continue;
      }
      const vt = this.lx.next();
      if (vt.t === 'punct' && vt.v === '>>') {
        d.set(tok.v, null);
        break;
      }
      d.set(tok.v, this.fromToken(vt, depth));
    }
    if (this.recordSpans) d.span = { start, end: this.lx.offset };
    return d;
  }

  /** Parses "n g obj <object> [stream ... endstream] endobj" at the lexer's position. */
  indirect(): IndirectObject {
    const lx = this.lx;
    const offset = (lx.skipWs(), lx.offset);
    const a = lx.next();
    const b = lx.next();
    const c = lx.next();
    if (a.t !== 'num' || b.t !== 'num' || c.t !== 'kw' || c.v !== 'obj' || !a.int || !b.int) {
      throw new PdfError('PDF_SYNTAX', { offset }, 'expected "n g obj"');
    }
    let value = this.parse(0);
    const save = lx.pos;
    const tok = lx.next();
    if (tok.t === 'kw' && tok.v === 'stream' && value instanceof PdfDict) {
      value = this.stream(value);
    } else {
      lx.pos = save;
    }
    return { num: a.v, gen: b.v, value, offset };
  }

  private stream(dict: PdfDict): PdfStream {
    const lx = this.lx;
    // "stream" is followed by CRLF or LF (a lone CR is tolerated)
    if (lx.pos >= lx.buf.length && !lx.final) throw new EndOfWindow();
    let p = lx.pos;
    if (lx.buf[p] === 13) p++;
    if (lx.buf[p] === 10) p++;
    const start = lx.base + p;
    const source = this.ctx.source;
    let length: number | undefined;
    const L = dict.get('Length');
    if (typeof L === 'number' && Number.isInteger(L) && L >= 0) length = L;
    else if (L instanceof PdfRef) length = this.ctx.resolveLength?.(L);
    if (length !== undefined && !endstreamAt(source, start + length)) length = undefined;
    if (length === undefined) {
      const e = indexOf(source, ENDSTREAM, start);
      if (e < 0) throw new PdfError('PDF_TRUNCATED', { offset: start }, 'stream without endstream');
      let end = e;
      if (end > start && source.read(end - 1, end)[0] === 10) end--;
      if (end > start && source.read(end - 1, end)[0] === 13) end--;
      length = end - start;
      this.ctx.onWarning?.('STREAM_LENGTH', 'stream /Length was wrong; its end was found by searching', start);
    }
    return new PdfStream(dict, { kind: 'source', source, start, length });
  }
}

function endstreamAt(source: ByteSource, pos: number): boolean {
  if (pos > source.length) return false;
  const b = source.read(pos, pos + 12);
  let i = 0;
  while (i < b.length && isWs(b[i])) i++;
  for (let k = 0; k < ENDSTREAM.length; k++) if (b[i + k] !== ENDSTREAM[k]) return false;
  return true;
}

/** Parses the indirect object at `offset` of `source`. */
export function parseIndirectAt(ctx: ParseContext, offset: number): IndirectObject {
  return withWindow(ctx.source, offset, (lx) => new ObjectParser(lx, ctx).indirect());
}

/** Parses one direct object from a byte array (e.g. inside an object stream). */
export function parseDirect(bytes: Uint8Array, pos: number, ctx: ParseContext): PdfObject {
  const p = new ObjectParser(new Lexer(bytes, 0, pos, true), ctx);
  p.recordSpans = false;
  return p.parse(0);
}
