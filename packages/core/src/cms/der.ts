/**
 * A small DER encoder and reader: enough to build CMS structures quickly (signing is a hot path) and to pick the
 * fields kyso needs out of certificates. Full parsing and validation use pkijs in @kyso/verify.
 */

export type Der = Uint8Array;

/** Bytes of a tag and a definite length of `n` (DER: the shortest form). */
const headerLength = (n: number): number => (n < 0x80 ? 2 : n < 0x100 ? 3 : n < 0x10000 ? 4 : n < 0x1000000 ? 5 : 6);

function writeHeader(out: Uint8Array, at: number, tag: number, n: number): number {
  if (n >= 2 ** 32) throw new DerError('DER value too long');
  out[at++] = tag;
  if (n < 0x80) out[at++] = n;
  else {
    const bytes = headerLength(n) - 2;
    out[at++] = 0x80 | bytes;
    for (let k = bytes - 1; k >= 0; k--) out[at++] = Math.floor(n / 2 ** (8 * k)) & 0xff;
  }
  return at;
}

/** A TLV with `tag` around the concatenation of `parts`. */
export function tlv(tag: number, ...parts: Der[]): Der {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(headerLength(len) + len);
  let o = writeHeader(out, 0, tag, len);
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const seq = (...parts: Der[]): Der => tlv(0x30, ...parts);

/**
 * A constructed value whose encoding is deferred: `encode` sizes the whole tree first and writes every byte once,
 * where nested `tlv` calls copy each part again at every level (a CMS's certificates three times over).
 */
export interface DerTree {
  tag: number;
  parts: (Der | DerTree)[];
  /** Length of the content. */
  length: number;
}

const encodedLength = (p: Der | DerTree): number =>
  p instanceof Uint8Array ? p.length : headerLength(p.length) + p.length;

/** A constructed TLV for `encode`. */
export function tree(tag: number, ...parts: (Der | DerTree)[]): DerTree {
  let length = 0;
  for (const p of parts) length += encodedLength(p);
  return { tag, parts, length };
}

/** The DER of a tree, in one buffer. */
export function encode(root: DerTree): Der {
  const out = new Uint8Array(encodedLength(root));
  writeTree(out, 0, root);
  return out;
}

function writeTree(out: Uint8Array, at: number, t: DerTree): number {
  at = writeHeader(out, at, t.tag, t.length);
  for (const p of t.parts) {
    if (p instanceof Uint8Array) {
      out.set(p, at);
      at += p.length;
    } else at = writeTree(out, at, p);
  }
  return at;
}

/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6), as signed attributes require. */
export const setOf = (...parts: Der[]): Der => tlv(0x31, ...[...parts].sort(compareBytes));
export const octets = (b: Uint8Array): Der => tlv(0x04, b);
export const nullDer = (): Der => new Uint8Array([0x05, 0x00]);
export const bool = (v: boolean): Der => new Uint8Array([0x01, 0x01, v ? 0xff : 0x00]);
export const utf8 = (s: string): Der => tlv(0x0c, new TextEncoder().encode(s));
/** [n] EXPLICIT */
export const explicit = (n: number, inner: Der): Der => tlv(0xa0 | n, inner);

export function integer(v: number | bigint | Uint8Array): Der {
  if (v instanceof Uint8Array) {
    // unsigned big-endian bytes: redundant leading zeros dropped, one added when the top bit is set
    if (v.length === 0) return new Uint8Array([0x02, 0x01, 0x00]);
    let from = 0;
    while (from < v.length - 1 && v[from] === 0 && v[from + 1]! < 0x80) from++;
    const body = v.subarray(from);
    return body[0]! >= 0x80 ? tlv(0x02, new Uint8Array(1), body) : tlv(0x02, body);
  }
  let n = BigInt(v);
  if (n < 0n) throw new Error('negative INTEGER not supported');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (n > 0n);
  if (bytes[0]! >= 0x80) bytes.unshift(0); // the loop pushed at least one byte
  return tlv(0x02, new Uint8Array(bytes));
}

// A signature encodes the same dozen OIDs every time (BigInt arithmetic each): each is encoded once. Copies are
// handed out, since callers may change what they get.
const encodedOids = new Map<string, Der>();

export function oid(dotted: string): Der {
  let der = encodedOids.get(dotted);
  if (!der) {
    der = encodeOid(dotted);
    if (encodedOids.size < 256) encodedOids.set(dotted, der);
  }
  return der.slice();
}

function encodeOid(dotted: string): Der {
  const [first = 0n, second = 0n, ...rest] = dotted.split('.').map((p) => BigInt(p));
  const body: number[] = [Number(first * 40n + second)];
  for (const p of rest) {
    const stack: number[] = [];
    let n = p;
    do {
      stack.unshift(Number(n & 0x7fn));
      n >>= 7n;
    } while (n > 0n);
    body.push(...stack.map((b, i) => (i < stack.length - 1 ? b | 0x80 : b))); // base 128, high bit on all but the last
  }
  return tlv(0x06, new Uint8Array(body));
}

export function generalizedTime(d: Date): Der {
  const s = d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return tlv(0x18, new TextEncoder().encode(s));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!; // i < both lengths
  return a.length - b.length;
}

// ------------------------------------------------------------------ reading

export interface Node {
  tag: number;
  /** Offset of the tag byte within the buffer read. */
  start: number;
  /** Offset of the content. */
  contentStart: number;
  /** End of the content (exclusive). */
  end: number;
  /** The whole TLV. */
  bytes: Uint8Array;
  /** The content only. */
  content: Uint8Array;
}

export class DerError extends Error {}

/** Reads the TLV at `pos` of `buf`. Definite lengths only (DER). */
export function read(buf: Uint8Array, pos = 0): Node {
  if (pos + 2 > buf.length) throw new DerError('truncated DER');
  const tag = buf[pos]!; // pos + 2 <= buf.length
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers not supported');
  let p = pos + 1;
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported DER length');
    if (p + n > buf.length) throw new DerError('truncated DER');
    len = 0;
    for (const b of buf.subarray(p, p + n)) len = len * 256 + b;
    p += n;
  }
  const end = p + len;
  if (end > buf.length) throw new DerError('DER length past the end');
  return { tag, start: pos, contentStart: p, end, bytes: buf.subarray(pos, end), content: buf.subarray(p, end) };
}

/** Element `k` of a list read from DER; DerError when the structure is shorter. */
export function nth(nodes: readonly Node[], k: number): Node {
  const n = nodes[k];
  if (!n) throw new DerError(`element ${k} missing`);
  return n;
}

/** Child `k` of a constructed node; DerError when it has fewer. */
export const child = (node: Node, k: number): Node => nth(children(node), k);

/** The children of a constructed node. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  let p = 0;
  while (p < node.content.length) {
    const c = read(node.content, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function decodeOid(content: Uint8Array): string {
  const parts: bigint[] = [];
  let n = 0n;
  for (const b of content) {
    n = (n << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(n);
      n = 0n;
    }
  }
  const first = parts[0] ?? 0n;
  const a = first < 80n ? first / 40n : 2n;
  return [a, first - a * 40n, ...parts.slice(1)].join('.');
}

export const toHex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
export const fromHex = (h: string): Uint8Array => new Uint8Array((h.match(/../g) ?? []).map((x) => parseInt(x, 16)));
