/** ECDSA signature encodings: WebCrypto and PKCS#11 give r||s (IEEE P1363); CMS wants DER Ecdsa-Sig-Value. */
import { integer, seq } from './der.js';

export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new Error('ECDSA signature r||s has an odd length');
  const n = raw.length / 2;
  return seq(integer(raw.subarray(0, n)), integer(raw.subarray(n)));
}
