/**
 * A synchronous TrueType subsetter for embedding (FontFile2): keeps the requested glyphs (renumbered 1..n in the
 * order given, .notdef first) and the components of composite glyphs, with the tables a PDF renderer uses.
 * fontkit 1.x can only subset through an asynchronous event stream, which the synchronous signing pipeline
 * (`prepare()`) cannot wait for.
 */

import { elementAt } from '../collections/element-at.js';

interface Table {
  offset: number;
  length: number;
}

export interface TrueTypeSubset {
  bytes: Uint8Array;
  /** Original glyph id → glyph id in the subset. */
  newIds: Map<number, number>;
}

// Copied as they are; the outline tables are rebuilt. No cmap: PDF maps codes to glyphs itself (CIDToGIDMap).
const COPIED = ['OS/2', 'cvt ', 'fpgm', 'name', 'prep'];

export function subsetTrueType(font: Uint8Array, glyphIds: readonly number[]): TrueTypeSubset {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  if (view.getUint32(0) !== 0x00010000 && view.getUint32(0) !== 0x74727565) throw new Error('not a TrueType font');
  const tables = new Map<string, Table>();
  for (let i = 0, n = view.getUint16(4); i < n; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(...font.subarray(rec, rec + 4));
    tables.set(tag, { offset: view.getUint32(rec + 8), length: view.getUint32(rec + 12) });
  }
  const table = (tag: string): Table => {
    const t = tables.get(tag);
    if (!t || t.offset + t.length > font.length) throw new Error(`TrueType table ${tag} missing or truncated`);
    return t;
  };
  const head = table('head');
  const hhea = table('hhea');
  const maxp = table('maxp');
  const loca = table('loca');
  const glyf = table('glyf');
  const hmtx = table('hmtx');
  const numGlyphs = view.getUint16(maxp.offset + 4);
  const longLoca = view.getInt16(head.offset + 50) === 1;
  const numHMetrics = view.getUint16(hhea.offset + 34);

  const glyphRange = (gid: number): [number, number] => {
    const at = (i: number): number =>
      longLoca ? view.getUint32(loca.offset + 4 * i) : view.getUint16(loca.offset + 2 * i) * 2;
    return [glyf.offset + at(gid), glyf.offset + at(gid + 1)];
  };

  const order: number[] = [];
  const newIds = new Map<number, number>();
  const include = (gid: number): number => {
    if (!Number.isInteger(gid) || gid < 0 || gid >= numGlyphs) throw new Error(`glyph ${gid} out of range`);
    let id = newIds.get(gid);
    if (id === undefined) {
      id = order.length;
      order.push(gid);
      newIds.set(gid, id);
    }
    return id;
  };
  include(0);
  for (const gid of glyphIds) include(gid);

  // Glyph data; composite glyphs get their components added (as the loop goes on) and renumbered.
  const glyphs: Uint8Array[] = [];
  for (const gid of order) {
    // order grows as components are included
    const [start, end] = glyphRange(gid);
    const data = font.slice(start, end);
    if (data.length >= 10 && new DataView(data.buffer).getInt16(0) < 0) renumberComponents(data, include);
    glyphs.push(data);
  }

  const glyfOut = new Uint8Array(glyphs.reduce((n, g) => n + pad4(g.length), 0));
  const locaOut = new DataView(new ArrayBuffer(4 * (glyphs.length + 1)));
  const hmtxOut = new DataView(new ArrayBuffer(4 * glyphs.length));
  let at = 0;
  glyphs.forEach((g, i) => {
    locaOut.setUint32(4 * i, at);
    glyfOut.set(g, at);
    at += pad4(g.length);
    const gid = elementAt(order, i); // a glyph per entry of order
    const m = Math.min(gid, numHMetrics - 1);
    hmtxOut.setUint16(4 * i, view.getUint16(hmtx.offset + 4 * m));
    const lsb = gid < numHMetrics ? hmtx.offset + 4 * gid + 2 : hmtx.offset + 4 * numHMetrics + 2 * (gid - numHMetrics);
    hmtxOut.setInt16(4 * i + 2, view.getInt16(lsb));
  });
  locaOut.setUint32(4 * glyphs.length, at);

  const copy = (t: Table): Uint8Array => font.slice(t.offset, t.offset + t.length);
  const headOut = copy(head);
  const hv = new DataView(headOut.buffer);
  hv.setUint32(8, 0); // checkSumAdjustment, set once the whole file is known
  hv.setInt16(50, 1); // long loca offsets
  const hheaOut = copy(hhea);
  new DataView(hheaOut.buffer).setUint16(34, glyphs.length);
  const maxpOut = copy(maxp);
  new DataView(maxpOut.buffer).setUint16(4, glyphs.length);
  const post = new Uint8Array(32); // version 3: no glyph names
  if (tables.has('post')) post.set(font.subarray(table('post').offset, table('post').offset + 32));
  new DataView(post.buffer).setUint32(0, 0x00030000);

  const out = new Map<string, Uint8Array>([
    ['head', headOut],
    ['hhea', hheaOut],
    ['maxp', maxpOut],
    ['hmtx', new Uint8Array(hmtxOut.buffer)],
    ['loca', new Uint8Array(locaOut.buffer)],
    ['glyf', glyfOut],
    ['post', post],
  ]);
  for (const tag of COPIED) if (tables.has(tag)) out.set(tag, copy(table(tag)));
  const bytes = writeFont(out);
  const adjustment = (0xb1b0afba - checksum(bytes)) >>> 0;
  const headAt = directoryOffset(bytes, 'head');
  new DataView(bytes.buffer).setUint32(headAt + 8, adjustment);
  return { bytes, newIds };
}

/** Walks a composite glyph's components (TrueType `glyf` spec), replacing each glyph index by `include(index)`. */
function renumberComponents(data: Uint8Array, include: (gid: number) => number): void {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 10;
  for (;;) {
    if (p + 4 > data.length) throw new Error('truncated composite glyph');
    const flags = v.getUint16(p);
    v.setUint16(p + 2, include(v.getUint16(p + 2)));
    p += 4 + (flags & 0x0001 ? 4 : 2); // ARG_1_AND_2_ARE_WORDS
    if (flags & 0x0008)
      p += 2; // WE_HAVE_A_SCALE
    else if (flags & 0x0040)
      p += 4; // WE_HAVE_AN_X_AND_Y_SCALE
    else if (flags & 0x0080) p += 8; // WE_HAVE_A_TWO_BY_TWO
    if (!(flags & 0x0020)) break; // MORE_COMPONENTS
  }
}

const pad4 = (n: number): number => (n + 3) & ~3;

function checksum(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sum = 0;
  const whole = bytes.length & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + v.getUint32(i)) >>> 0;
  if (whole < bytes.length) {
    let last = 0;
    for (let i = whole; i < whole + 4; i++) last = (last << 8) | (bytes[i] ?? 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}

/** The sfnt container: offset table, table records sorted by tag, tables 4-byte aligned. */
function writeFont(tables: Map<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort();
  const n = tags.length;
  const dirLength = 12 + 16 * n;
  const total = dirLength + tags.reduce((s, t) => s + pad4(tables.get(t)!.length), 0);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const pow = 2 ** Math.floor(Math.log2(n));
  v.setUint32(0, 0x00010000);
  v.setUint16(4, n);
  v.setUint16(6, pow * 16); // searchRange
  v.setUint16(8, Math.log2(pow)); // entrySelector
  v.setUint16(10, n * 16 - pow * 16); // rangeShift
  let at = dirLength;
  tags.forEach((tag, i) => {
    const data = tables.get(tag)!;
    const rec = 12 + 16 * i;
    for (let k = 0; k < 4; k++) out[rec + k] = tag.charCodeAt(k);
    v.setUint32(rec + 4, checksum(data));
    v.setUint32(rec + 8, at);
    v.setUint32(rec + 12, data.length);
    out.set(data, at);
    at += pad4(data.length);
  });
  return out;
}

function directoryOffset(font: Uint8Array, tag: string): number {
  const v = new DataView(font.buffer, font.byteOffset, font.byteLength);
  for (let i = 0, n = v.getUint16(4); i < n; i++) {
    const rec = 12 + 16 * i;
    if (String.fromCharCode(...font.subarray(rec, rec + 4)) === tag) return v.getUint32(rec + 8);
  }
  throw new Error(`no ${tag} table`);
}
