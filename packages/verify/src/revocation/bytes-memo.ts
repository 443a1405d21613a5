/**
 * Values computed from exact bytes, kept across validations: a batch or a service reads the same OCSP responses and
 * CRLs in document after document, and parsing them with pkijs costs far more than checking them. Only what follows
 * from the bytes alone (a parse) is kept, never a verdict; every use is still checked. Bounded; cleared when full.
 */
import { bytesEqual } from './bytes.js';

export class BytesMemo<T> {
  readonly #byKey = new Map<string, { bytes: Uint8Array; value: T }[]>();
  #count = 0;
  readonly #maxEntries: number;
  readonly #maxBytes: number;

  /** `maxBytes`: larger inputs are not kept (a big CRL is parsed each time rather than held). */
  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  /** The value kept for exactly these bytes, or what `make` computes from them (kept when it returns). */
  get(bytes: Uint8Array, make: () => T): T {
    if (bytes.length > this.#maxBytes) return make();
    const key = keyOf(bytes);
    const known = this.#byKey.get(key)?.find((e) => bytesEqual(e.bytes, bytes));
    if (known) return known.value;
    const value = make();
    if (this.#count >= this.#maxEntries) {
      this.#byKey.clear();
      this.#count = 0;
    }
    const bucket = this.#byKey.get(key) ?? [];
    bucket.push({ bytes: bytes.slice(), value });
    this.#byKey.set(key, bucket);
    this.#count++;
    return value;
  }
}

/** FNV-1a over the bytes, with the length: a bucket key, not an identity (entries compare their bytes). */
function keyOf(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(36)}`;
}
