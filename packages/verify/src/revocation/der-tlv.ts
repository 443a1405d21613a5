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
