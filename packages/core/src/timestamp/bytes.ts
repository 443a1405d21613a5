/** Byte helpers that work in Node and in browsers (no Buffer). */

function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** An INTEGER's content bytes as lowercase hex, without the sign-padding zero bytes, so equal numbers compare equal. */
export function integerHex(content: Uint8Array): string {
  let i = 0;
  while (i < content.length - 1 && content[i] === 0) i++;
  return toHex(content.subarray(i));
}

/** A standalone ArrayBuffer holding exactly `b` (WebCrypto and asn1js want ArrayBuffers). */
export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}

export function view(b: ArrayBuffer | ArrayBufferView): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
