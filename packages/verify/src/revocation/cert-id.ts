/** OCSP CertID (RFC 6960 §4.1.1): hashes of the issuer's name and key, plus the serial number. */
import type { CertID, Certificate } from 'pkijs';
import { bytesEqual, normaliseSerial } from './bytes.js';
import { nameDer, serialNumber } from './certificates.js';
import { digest } from '../signature/range-digest.js';

export type OcspHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
export const HASH_OIDS: Record<OcspHash, string> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};
const HASH_BY_OID = new Map(Object.entries(HASH_OIDS).map(([name, oid]) => [oid, name as OcspHash]));

// The platform's digest (Node's hash under Node, WebCrypto elsewhere), as the rest of revocation/ imports it.
export { digest };

/** The subjectPublicKey BIT STRING's value (no tag, length or unused-bits byte), as RFC 6960 hashes it. */
export function publicKeyBits(cert: Certificate): Uint8Array {
  return cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
}

/** Digests of one issuer's name and key, per hash algorithm, computed once. */
export class IssuerHashes {
  private readonly cache = new Map<OcspHash, Promise<[Uint8Array, Uint8Array]>>();
  constructor(private readonly issuer: Certificate) {}

  get(hash: OcspHash): Promise<[Uint8Array, Uint8Array]> {
    let p = this.cache.get(hash);
    if (!p) {
      // Hash the exact DER of the issuer's Name, as it was issued, not a re-encoding.
      p = Promise.all([digest(hash, nameDer(this.issuer.subject)), digest(hash, publicKeyBits(this.issuer))]);
      this.cache.set(hash, p);
    }
    return p;
  }
}

/** Whether a CertID names `cert` as issued by the issuer behind `hashes` (any supported hash algorithm). */
export async function certIdMatches(id: CertID, cert: Certificate, hashes: IssuerHashes): Promise<boolean> {
  const hash = HASH_BY_OID.get(id.hashAlgorithm.algorithmId);
  if (!hash || !bytesEqual(normaliseSerial(id.serialNumber.valueBlock.valueHexView), serialNumber(cert))) return false;
  const [nameHash, keyHash] = await hashes.get(hash);
  return (
    bytesEqual(id.issuerNameHash.valueBlock.valueHexView, nameHash) &&
    bytesEqual(id.issuerKeyHash.valueBlock.valueHexView, keyHash)
  );
}
