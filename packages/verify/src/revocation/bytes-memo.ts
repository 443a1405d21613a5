/**
 * Values computed from exact bytes, kept across validations: a batch or a service reads the same certificates, OCSP
 * responses and CRLs in document after document, and parsing them with pkijs costs far more than checking them. Only
 * what follows from the bytes alone (a parse, encoding facts) is kept, never a verdict; every use is still checked.
 * Bounded; cleared when full. A hash finds the bucket, a byte comparison the entry.
 */
import { bytesEqual, bytesKey } from './bytes.js';

export class BytesMemo<T> {
  readonly #byKey = new Map<string, { bytes: Uint8Array; value: T }[]>();
  #count = 0;
  readonly #maxEntries: number;
  readonly #maxBytes: number;

  /** `maxBytes`: larger inputs are not kept (a big CRL is parsed each time rather than held). */
  constructor(maxEntries: number, maxBytes = Number.POSITIVE_INFINITY) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  /** The entry kept for exactly these bytes. */
  find(bytes: Uint8Array): { value: T } | undefined {
    return this.#byKey.get(keyOf(bytes))?.find((e) => bytesEqual(e.bytes, bytes));
  }

  /** Keeps `value` for a copy of these bytes (unless they are over the size bound). */
  keep(bytes: Uint8Array, value: T): void {
    if (bytes.length > this.#maxBytes) return;
    if (this.#count >= this.#maxEntries) {
      this.#byKey.clear();
      this.#count = 0;
    }
    const key = keyOf(bytes);
    const bucket = this.#byKey.get(key) ?? [];
    bucket.push({ bytes: bytes.slice(), value });
    this.#byKey.set(key, bucket);
    this.#count++;
  }

  /** The value kept for exactly these bytes, or what `make` computes from them (kept when it returns). */
  get(bytes: Uint8Array, make: () => T): T {
    if (bytes.length > this.#maxBytes) return make();
    const known = this.find(bytes);
    if (known) return known.value;
    const value = make();
    this.keep(bytes, value);
    return value;
  }
}

/** The length and bytesKey: a bucket key, not an identity (entries compare their bytes). */
function keyOf(bytes: Uint8Array): string {
  return `${bytes.length}:${bytesKey(bytes)}`;
}
