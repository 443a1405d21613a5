/**
 * The DER of a parsed pkijs object, for comparing, hashing and importing it: the exact bytes it was read from when
 * they were recorded (re-encoding could differ for non-DER input), else its asn1js encoding, made once per object.
 * Encoding with asn1js is costly, and in a fresh process a first run of cold code.
 */
interface Encodable {
  toSchema(): { toBER(sizeOnly?: boolean): ArrayBuffer };
}

export class DerOf<T extends Encodable> {
  readonly #der = new WeakMap<T, Uint8Array>();

  /** Records the bytes `value` was read from (the first record stands). */
  remember(value: T, der: Uint8Array): void {
    if (!this.#der.has(value)) this.#der.set(value, der);
  }

  of(value: T): Uint8Array {
    let der = this.#der.get(value);
    if (!der) {
      der = new Uint8Array(value.toSchema().toBER(false));
      this.#der.set(value, der);
    }
    return der;
  }
}
