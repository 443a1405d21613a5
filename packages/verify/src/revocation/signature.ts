/** Signature checks over signed ASN.1 structures (OCSP responses, CRLs, certificates), by WebCrypto via pkijs. */
import type * as asn1js from 'asn1js';
import { getCrypto, type AlgorithmIdentifier, type Certificate, type PublicKeyInfo } from 'pkijs';
import { toArrayBuffer } from './bytes.js';

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported';

/** Verifies `signature` over `tbs`; an algorithm or key WebCrypto cannot handle is 'unsupported', not an exception. */
export async function verifySignature(
  tbs: Uint8Array,
  signature: asn1js.BitString,
  publicKey: PublicKeyInfo,
  algorithm: AlgorithmIdentifier,
): Promise<SignatureCheck> {
  try {
    const ok = await getCrypto(true).verifyWithPublicKey(toArrayBuffer(tbs), signature, publicKey, algorithm);
    return ok ? 'valid' : 'invalid';
  } catch {
    return 'unsupported';
  }
}

/** Whether `issuer`'s key made `cert`'s signature. */
export function verifyCertificateSignature(cert: Certificate, issuer: Certificate): Promise<SignatureCheck> {
  return verifySignature(cert.tbsView, cert.signatureValue, issuer.subjectPublicKeyInfo, cert.signatureAlgorithm);
}
