/**
 * A SubjectPublicKeyInfo's DER, for importing a key and comparing keys: the exact bytes it was read from when
 * asn1js would encode it back to those bytes (der-tlv.ts isPlainDer; recorded when a certificate is parsed), else
 * its asn1js encoding, made once per object. Encoding with asn1js was the only use of its encoder on a validation's
 * path for keys: a first run of cold code, each time a command starts.
 */
import type { PublicKeyInfo } from 'pkijs';

const derOf = new WeakMap<PublicKeyInfo, Uint8Array>();

/** Records the bytes `spki` was read from (the caller has checked that asn1js would encode it the same). */
export function rememberPublicKeyDer(spki: PublicKeyInfo, der: Uint8Array): void {
  if (!derOf.has(spki)) derOf.set(spki, der);
}

export function publicKeyInfoDer(spki: PublicKeyInfo): Uint8Array {
  let der = derOf.get(spki);
  if (!der) {
    der = new Uint8Array(spki.toSchema().toBER(false));
    derOf.set(spki, der);
  }
  return der;
}
