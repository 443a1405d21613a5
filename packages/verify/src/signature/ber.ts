/**
 * One asn1js parse per /Contents: the signature facts (cms.ts) and the evidence pool (evidence/cms-evidence.ts)
 * both read a signature's CMS, and parsing it (certificates included) is most of a small file's validation. The
 * tree is shared read-only; whoever changes it for a parser must put it back before returning.
 */
import * as asn1js from 'asn1js';

type Parsed = ReturnType<typeof asn1js.fromBER>;

const parsed = new WeakMap<Uint8Array, Parsed>();

/** asn1js.fromBER over a copy of `der`, remembered for this very array (not for equal bytes elsewhere). */
export function berOf(der: Uint8Array): Parsed {
  let p = parsed.get(der);
  if (!p) {
    p = asn1js.fromBER(der.slice().buffer as ArrayBuffer);
    parsed.set(der, p);
  }
  return p;
}
