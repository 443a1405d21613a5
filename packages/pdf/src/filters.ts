/** Stream filters: FlateDecode (with PNG/TIFF predictors), LZW, ASCIIHex, ASCII85, RunLength. */
import { Inflate, zlibSync } from 'fflate';
import { PdfError } from './errors.js';
import { LIMITS } from './parser.js';
import { PdfDict, PdfName, type PdfStream, type PdfObject } from './objects.js';
import { hexVal, isWs } from './lexer.js';

export type Resolver = (o: PdfObject | undefined) => PdfObject | undefined;

/** Filters that produce image data kyso does not decode; decoding stops before them. */
const IMAGE_FILTERS = new Set(['DCTDecode', 'JPXDecode', 'CCITTFaxDecode', 'JBIG2Decode', 'Crypt']);

/**
 * A document's allowance of decoded bytes, shared by all its streams. The per-stream cap alone let a small file
 * with many object streams (each just under it) take gigabytes; this bounds the sum.
 */
export class DecodeBudget {
  /** Decoded bytes charged so far. */
  used = 0;
  constructor(readonly limit: number) {
    if (!(limit >= 0)) throw new RangeError('DecodeBudget: limit must be ≥ 0');
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** Counts `n` decoded bytes; PDF_LIMIT once the sum passes the limit. */
  charge(n: number): void {
    this.used += n;
    if (this.used > this.limit) throw this.exceeded();
  }

  exceeded(): PdfError {
    return new PdfError(
      'PDF_LIMIT',
      { limit: 'maxDecodedBytes', maxDecodedBytes: this.limit },
      `the document decodes to more than ${this.limit} bytes in all`,
    );
  }
}

/**
 * Decodes a stream's data through its /Filter chain, bounded by `maxBytes` and, when given, by what is left of
 * the document's `budget` (which is then charged with the result).
 */
export function decodeStream(
  stream: PdfStream,
  resolve: Resolver = (o) => o,
  maxBytes = LIMITS.maxDecodedBytes,
  budget?: DecodeBudget,
): Uint8Array {
  const filters = asArray(resolve(stream.dict.get('Filter'))).map((f) => resolve(f));
  const parms = asArray(resolve(stream.dict.get('DecodeParms') ?? stream.dict.get('DP')));
  // Each filter stops as soon as its output passes the cap, so an over-budget stream is never decoded whole.
  const byBudget = budget !== undefined && budget.remaining < maxBytes;
  const cap = byBudget ? budget.remaining : maxBytes;
  let data = stream.raw();
  try {
    for (let i = 0; i < filters.length; i++) {
      const f = filters[i];
      if (!(f instanceof PdfName)) throw new PdfError('PDF_FILTER', {}, 'filter is not a name');
      const p = resolve(parms[i]);
      data = applyFilter(f.name, data, p instanceof PdfDict ? p : undefined, cap, resolve);
    }
  } catch (e) {
    if (byBudget && e instanceof PdfError && e.code === 'PDF_LIMIT') throw budget.exceeded();
    throw e;
  }
  budget?.charge(data.length);
  return data;
}

function asArray(o: PdfObject | undefined): PdfObject[] {
  if (o === undefined || o === null) return [];
  return Array.isArray(o) ? o : [o];
}

function applyFilter(
  name: string,
  data: Uint8Array,
  parms: PdfDict | undefined,
  max: number,
  resolve: Resolver,
): Uint8Array {
  switch (name) {
    case 'FlateDecode':
    case 'Fl':
      return predict(inflate(data, max), parms, resolve);
    case 'LZWDecode':
    case 'LZW': {
      const early = resolve(parms?.get('EarlyChange'));
      return predict(lzw(data, early === 0 ? 0 : 1, max), parms, resolve);
    }
    case 'ASCIIHexDecode':
    case 'AHx':
      return asciiHex(data);
    case 'ASCII85Decode':
    case 'A85':
      return ascii85(data);
    case 'RunLengthDecode':
    case 'RL':
      return runLength(data, max);
    default:
      if (IMAGE_FILTERS.has(name))
        throw new PdfError('PDF_FILTER', { filter: name }, `image filter ${name} is not decoded`);
      throw new PdfError('PDF_FILTER', { filter: name }, `unknown filter ${name}`);
  }
}

/** zlib or raw deflate, fed in small chunks so a decompression bomb stops at `max` bytes. */
export function inflate(data: Uint8Array, max: number): Uint8Array {
  // Skip a zlib header when present; many PDF writers get the Adler-32 wrong, so raw inflate is used.
  let body = data;
  const cmf = data[0];
  const flg = data[1];
  if (cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0)
    body = data.subarray(2);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let failed: unknown = null;
  const inf = new Inflate((chunk) => {
    total += chunk.length;
    if (total > max) throw new PdfError('PDF_LIMIT', { max }, 'decoded stream too large');
    chunks.push(chunk);
  });
  const step = 4096;
  try {
    for (let i = 0; i < body.length; i += step) inf.push(body.subarray(i, i + step), i + step >= body.length);
    if (body.length === 0) inf.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof PdfError) throw e;
    failed = e;
  }
  if (failed && total === 0) throw new PdfError('PDF_FILTER', {}, 'corrupt deflate data');
  return concat(chunks, total);
}

export function deflate(data: Uint8Array): Uint8Array {
  return zlibSync(data, { level: 6 });
}

export function concat(chunks: Uint8Array[], total = chunks.reduce((n, c) => n + c.length, 0)): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function intParam(d: PdfDict | undefined, key: string, dflt: number, resolve: Resolver): number {
  const v = resolve(d?.get(key));
  return typeof v === 'number' && Number.isInteger(v) ? v : dflt;
}

/** Undoes PNG (10–15) and TIFF (2) predictors. */
function predict(data: Uint8Array, parms: PdfDict | undefined, resolve: Resolver): Uint8Array {
  const pred = intParam(parms, 'Predictor', 1, resolve);
  if (pred <= 1) return data;
  const colors = Math.max(1, Math.min(32, intParam(parms, 'Colors', 1, resolve)));
  const bpc = Math.max(1, Math.min(16, intParam(parms, 'BitsPerComponent', 8, resolve)));
  const columns = Math.max(1, Math.min(1 << 20, intParam(parms, 'Columns', 1, resolve)));
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (pred === 2) {
    if (bpc !== 8) return data;
    const out = data.slice();
    // r + i < r + rowLen <= out.length
    for (let r = 0; r + rowLen <= out.length; r += rowLen)
      for (let i = bpp; i < rowLen; i++) out[r + i] = (out[r + i]! + out[r + i - bpp]!) & 0xff;
    return out;
  }
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  const prev = new Uint8Array(rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)];
    const src = data.subarray(r * (rowLen + 1) + 1, (r + 1) * (rowLen + 1));
    const row = out.subarray(r * rowLen, (r + 1) * rowLen);
    // row, prev and src are each rowLen bytes long (rows counts whole rows only)
    for (let i = 0; i < rowLen; i++) {
      const left = i >= bpp ? row[i - bpp]! : 0;
      const up = prev[i]!;
      const ul = i >= bpp ? prev[i - bpp]! : 0;
      let v = src[i]!;
      switch (type) {
        case 1:
          v += left;
          break;
        case 2:
          v += up;
          break;
        case 3:
          v += (left + up) >> 1;
          break;
        case 4: {
          const p = left + up - ul;
          const pa = Math.abs(p - left),
            pb = Math.abs(p - up),
            pc = Math.abs(p - ul);
          v += pa <= pb && pa <= pc ? left : pb <= pc ? up : ul;
          break;
        }
      }
      row[i] = v & 0xff;
    }
    prev.set(row);
  }
  return out;
}

function asciiHex(data: Uint8Array): Uint8Array {
  const out = new Uint8Array((data.length >> 1) + 1);
  let n = 0;
  let hi = -1;
  for (const c of data) {
    if (c === 62) break;
    const h = hexVal(c);
    if (h < 0) continue;
    if (hi < 0) hi = h;
    else {
      out[n++] = (hi << 4) | h;
      hi = -1;
    }
  }
  if (hi >= 0) out[n++] = hi << 4;
  return out.slice(0, n);
}

function ascii85(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  const group: number[] = [];
  const body = data[0] === 60 && data[1] === 126 ? data.subarray(2) : data; // optional <~
  for (const c of body) {
    if (isWs(c)) continue;
    if (c === 126) break; // ~>
    if (c === 122 && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    if (c < 33 || c > 117) throw new PdfError('PDF_FILTER', {}, 'bad ASCII85 data');
    group.push(c - 33);
    if (group.length === 5) {
      let v = 0;
      for (const g of group) v = v * 85 + g;
      out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
      group.length = 0;
    }
  }
  if (group.length > 1) {
    const n = group.length;
    while (group.length < 5) group.push(84);
    let v = 0;
    for (const g of group) v = v * 85 + g;
    const bytes = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    out.push(...bytes.slice(0, n - 1));
  }
  return Uint8Array.from(out);
}

function runLength(data: Uint8Array, max: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; ) {
    const n = data[i++]!; // i < data.length
    if (n === 128) break;
    if (n < 128) {
      for (let k = 0; k <= n && i < data.length; k++) out.push(data[i++]!);
    } else {
      const b = data[i++] ?? 0; // a run cut off by the end of the data repeats 0
      for (let k = 0; k < 257 - n; k++) out.push(b);
    }
    if (out.length > max) throw new PdfError('PDF_LIMIT', { max }, 'decoded stream too large');
  }
  return Uint8Array.from(out);
}

function lzw(data: Uint8Array, early: number, max: number): Uint8Array {
  const out: number[] = [];
  let dict: number[][] = [];
  const reset = (): void => {
    dict = [];
    for (let i = 0; i < 256; i++) dict.push([i]);
    dict.push([], []);
  };
  reset();
  let bits = 9;
  let buf = 0;
  let nbuf = 0;
  let prev: number[] | null = null;
  for (let i = 0; i < data.length; ) {
    while (nbuf < bits && i < data.length) {
      buf = (buf << 8) | data[i++]!;
      nbuf += 8;
    }
    if (nbuf < bits) break;
    const code = (buf >>> (nbuf - bits)) & ((1 << bits) - 1);
    nbuf -= bits;
    buf &= (1 << nbuf) - 1;
    if (code === 256) {
      reset();
      bits = 9;
      prev = null;
      continue;
    }
    if (code === 257) break;
    const known = dict[code];
    const prevHead = prev?.[0];
    let entry: number[];
    if (known) entry = known;
    else if (prev && prevHead !== undefined && code === dict.length) entry = [...prev, prevHead];
    else throw new PdfError('PDF_FILTER', {}, 'bad LZW code');
    for (const b of entry) out.push(b);
    if (out.length > max) throw new PdfError('PDF_LIMIT', { max }, 'decoded stream too large');
    const head = entry[0];
    if (prev && head !== undefined) dict.push([...prev, head]);
    prev = entry;
    const n = dict.length + early;
    if (n >= 4096) bits = 12;
    else if (n >= 2048) bits = 12;
    else if (n >= 1024) bits = 11;
    else if (n >= 512) bits = 10;
  }
  return Uint8Array.from(out);
}
