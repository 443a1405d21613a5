/**
 * Signature checks over signed ASN.1 structures (OCSP responses, CRLs, certificates) through kyso's own algorithm
 * check (crypto-policy/verify-signature.ts), not pkijs' global engine: the algorithm must agree with the signer's key.
 */
import type * as asn1js from 'asn1js';
import type { AlgorithmIdentifier, Certificate, PublicKeyInfo } from 'pkijs';
import { verifySignatureValue } from '../crypto-policy/verify-signature.js';
import { verifyCertificateSignature as verifyCertificateSignatureWithKey } from '../trust/certificate-signature.js';

/** 'mismatch': the signature algorithm cannot have been used with this key (another key family, impossible PSS parameters). */
export type SignatureCheck = 'valid' | 'invalid' | 'unsupported' | 'mismatch';

/** Verifies `signature` over `tbs`; an algorithm or key WebCrypto cannot handle is 'unsupported', not an exception. */
export async function verifySignature(
  tbs: Uint8Array,
  signature: asn1js.BitString,
  publicKey: PublicKeyInfo,
  algorithm: AlgorithmIdentifier,
): Promise<SignatureCheck> {
  const outcome = await verifySignatureValue({
    data: new Uint8Array(tbs),
    signature: new Uint8Array(signature.valueBlock.valueHexView),
    algorithm: { oid: algorithm.algorithmId, params: algorithm.algorithmParams },
    key: publicKey,
  });
  return outcome.mismatch ? 'mismatch' : outcome.result;
}

/** Whether `issuer`'s key made `cert`'s signature. */
export async function verifyCertificateSignature(
  cert: Certificate,
  issuer: Certificate,
): Promise<'valid' | 'invalid' | 'unsupported'> {
  return verifyCertificateSignatureWithKey(cert, issuer.subjectPublicKeyInfo);
}
