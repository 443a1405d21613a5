/**
 * A strict DER reader for the few places that read a field straight from the bytes instead of asking asn1js: one-byte
 * tags and minimal definite lengths only, so anything it accepts asn1js reads the same way; anything else is null
 * (the caller then takes the asn1js/pkijs path).
 */

export interface Tlv {
  tag: number;
  /** Offsets in the buffer: the header's first byte, the content's first byte, just after the content. */
  at: number;
  start: number;
  end: number;
}

/** One DER TLV with a one-byte tag and a minimal definite length inside [at, limit); null for anything else. */
export function tlv(b: Uint8Array, at: number, limit: number): Tlv | null {
  const tag = b[at];
  const first = b[at + 1];
  if (at + 2 > limit || tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) return null;
  let len = first;
  let start = at + 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4 || start + n > limit || b[start] === 0) return null;
    len = 0;
    for (let i = start; i < start + n; i++) len = len * 256 + (b[i] as number);
    if (len < 128) return null;
    start += n;
  }
  const end = start + len;
  return end <= limit ? { tag, at, start, end } : null;
}

/** The TLVs that exactly fill [start, end), or null. */
export function tlvs(b: Uint8Array, start: number, end: number): Tlv[] | null {
  const out: Tlv[] = [];
  for (let at = start; at < end; ) {
    const t = tlv(b, at, end);
    if (!t) return null;
    out.push(t);
    at = t.end;
  }
  return out;
}

/** The one TLV that is all of `b` with this tag, or null. */
export function whole(b: Uint8Array, tag: number): Tlv | null {
  const t = tlv(b, 0, b.length);
  return t && t.tag === tag && t.end === b.length ? t : null;
}

/** The children of a constructed TLV when they exactly fill it, or null. */
export function inside(b: Uint8Array, t: Tlv): Tlv[] | null {
  return tlvs(b, t.start, t.end);
}

/**
 * An OBJECT IDENTIFIER's content as dotted text, as asn1js writes it; undefined for an empty, truncated or
 * non-minimal encoding or a sub-identifier of 2^31 or more (asn1js's own reading is then the one that counts).
 */
export function oidText(b: Uint8Array, t: Tlv): string | undefined {
  if (t.tag !== 0x06 || t.end === t.start) return undefined;
  let text = '';
  let v = 0;
  let fresh = true;
  for (let i = t.start; i < t.end; i++) {
    const x = b[i] as number;
    if (fresh && x === 0x80) return undefined; // a leading zero group: not minimal
    if (v >= 0x1000000) return undefined;
    v = v * 128 + (x & 0x7f);
    fresh = (x & 0x80) === 0;
    if (!fresh) continue;
    if (text === '') text = v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`;
    else text += `.${v}`;
    v = 0;
  }
  return fresh ? text : undefined;
}

/** An IA5String's content when it is printable ASCII without spaces (a URI), else undefined. */
export function uriText(b: Uint8Array, t: Tlv): string | undefined {
  let s = '';
  for (let i = t.start; i < t.end; i++) {
    const x = b[i] as number;
    if (x < 0x21 || x > 0x7e) return undefined;
    s += String.fromCharCode(x);
  }
  return s;
}

/** Primitive types whose asn1js re-encoding is their content as read (given the checks in isPlainDer). */
const PLAIN_PRIMITIVES = new Set([0x02, 0x03, 0x05, 0x06]);

/**
 * Whether asn1js would encode what it reads from this TLV back to the very same bytes: minimal lengths (tlv), and
 * only SEQUENCE/SET/context-tagged constructions of INTEGER (non-empty), BIT STRING (with bits, unused 0..7), NULL
 * (empty) and minimal OBJECT IDENTIFIERs, the parts of a SubjectPublicKeyInfo or an AlgorithmIdentifier. Anything
 * else answers false: the caller then encodes with asn1js as before.
 */
export function isPlainDer(b: Uint8Array, t: Tlv, depth = 0): boolean {
  if (depth > 16) return false;
  if (t.tag & 0x20) {
    if (t.tag !== 0x30 && t.tag !== 0x31 && (t.tag & 0xe0) !== 0xa0) return false;
    const parts = tlvs(b, t.start, t.end);
    return parts?.every((p) => isPlainDer(b, p, depth + 1)) ?? false;
  }
  if (!PLAIN_PRIMITIVES.has(t.tag)) return false;
  const len = t.end - t.start;
  switch (t.tag) {
    case 0x02:
      return len >= 1;
    case 0x03:
      return len >= 2 && (b[t.start] as number) <= 7;
    case 0x05:
      return len === 0;
    default:
      return oidText(b, t) !== undefined;
  }
}

/** Where the parts of an X.509 certificate's DER are (RFC 5280 §4.1), read strictly; null for another layout. */
export interface CertificateLayout {
  /** The signature AlgorithmIdentifier inside the TBS and the outer signatureAlgorithm. */
  tbsSignature: Tlv;
  subjectPublicKeyInfo: Tlv;
  signatureAlgorithm: Tlv;
}

export function certificateLayout(der: Uint8Array): CertificateLayout | null {
  const cert = whole(der, 0x30);
  const top = cert && inside(der, cert);
  const [tbs, signatureAlgorithm] = top ?? [];
  if (top?.length !== 3 || tbs?.tag !== 0x30 || signatureAlgorithm?.tag !== 0x30) return null;
  const fields = inside(der, tbs);
  if (!fields) return null;
  const v = fields[0]?.tag === 0xa0 ? 1 : 0;
  const tbsSignature = fields[v + 1];
  const subjectPublicKeyInfo = fields[v + 5];
  if (tbsSignature?.tag !== 0x30 || subjectPublicKeyInfo?.tag !== 0x30) return null;
  return { tbsSignature, subjectPublicKeyInfo, signatureAlgorithm };
}

/** One DER TLV (one-byte tag, minimal length) holding `parts` one after the other. */
export function encodeTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const lenBytes: number[] = [];
  if (len < 0x80) lenBytes.push(len);
  else {
    for (let x = len; x > 0; x = Math.floor(x / 256)) lenBytes.unshift(x & 0xff);
    lenBytes.unshift(0x80 | lenBytes.length);
  }
  const out = new Uint8Array(1 + lenBytes.length + len);
  out[0] = tag;
  out.set(lenBytes, 1);
  let o = 1 + lenBytes.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** An OBJECT IDENTIFIER's DER from its dotted text (two or more arcs, each below 2^31). */
export function oidDer(text: string): Uint8Array {
  const arcs = text.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = arcs;
  const bytes: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const group = [arc & 0x7f];
    for (let x = Math.floor(arc / 128); x > 0; x = Math.floor(x / 128)) group.unshift(0x80 | (x & 0x7f));
    bytes.push(...group);
  }
  return encodeTlv(0x06, Uint8Array.from(bytes));
}
