/**
 * Byte helpers shared by the verifier (browser-safe: no Buffer). Comparing bytes and keying them for the memos run
 * in C under Node (platform/node-crypto.ts): in a fresh process a JavaScript loop over the ~50-90 KB a validation
 * compares and keys is interpreted, and once it has run long enough V8 optimises it with TurboFan, whose code pages
 * alone were ~3.5 MB of a `kyso verify`'s peak RSS. The browser keeps the loops.
 */
import { nodeCrypto } from '../platform/node-crypto.js';

/** A standalone ArrayBuffer with exactly these bytes (pkijs and WebCrypto want ArrayBuffers, not views). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const node = nodeCrypto();
  if (node) return node.timingSafeEqual(a, b);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A bucket key for exact-bytes lookups over the parts in order, not an identity (a lookup then compares the bytes):
 * 64 bits of SHA-1 under Node, FNV-1a (32 bits) elsewhere. Callers add the lengths they want in the key.
 */
export function bytesKey(...parts: Uint8Array[]): string {
  const node = nodeCrypto();
  if (node) {
    const h = node.createHash('sha1');
    for (const p of parts) h.update(p);
    const d = h.digest();
    const word = (i: number) => ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
    return `${word(0).toString(36)}.${word(4).toString(36)}`;
  }
  let h = 0x811c9dc5;
  for (const p of parts) h = fnv1a(p, h);
  return (h >>> 0).toString(36);
}

/** The parts, each after its length (4 bytes, big-endian): one byte string that no other parts give. */
export function framed(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.length);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s.toUpperCase();
}

/** DER as given, or decoded from PEM text (any label); anything else is returned unchanged for the parser to reject. */
export function pemOrDer(input: Uint8Array): Uint8Array {
  if (input[0] === 0x30) return input; // a DER SEQUENCE
  const text = new TextDecoder('latin1').decode(input);
  const m = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(text);
  if (!m) return input;
  try {
    const bin = atob((m[1] ?? '').replace(/\s+/g, ''));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return input;
  }
}

/** Serial numbers compare as integers: drop the sign-padding zero bytes DER may carry. */
export function normaliseSerial(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** FNV-1a over the bytes, continuing from `h`: bytesKey's hash where Node's is not there (the browser). */
function fnv1a(bytes: Uint8Array, h: number): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h;
}

/** Whether any byte is not zero (an index loop: `some` on a typed array is slow before V8 has warmed up, and a
 * /Contents's padding is thousands of bytes). */
export function anyNonZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return true;
  return false;
}
