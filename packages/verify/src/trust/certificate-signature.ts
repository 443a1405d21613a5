/**
 * Verifies a certificate's signature with its issuer's key through kyso's one signature check
 * (crypto-policy/verify-signature.ts; not pkijs' engine, which guesses parameters for PSS and P-521 and throws on
 * what it does not know): RSA PKCS#1 v1.5, RSASSA-PSS (also under an id-RSASSA-PSS key), ECDSA P-256/384/521,
 * Ed25519 and Ed448 where the platform has them. Anything else is 'unsupported', never an exception; a key of
 * another family than the algorithm's is 'invalid' (a wrong issuer with the right name).
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { verifySignatureValue, type SignatureCheck } from '../crypto-policy/verify-signature.js';
import { bytesEqual, framed } from '../revocation/bytes.js';
import { BytesMemo } from '../revocation/bytes-memo.js';
import { certificateDer } from '../revocation/certificates.js';
import { certificateLayout } from '../revocation/der-tlv.js';

export type { SignatureCheck };

/** Verifies `signature` (as in the certificate's BIT STRING) over `tbs` with `issuerKey` under `algorithm`. */
export async function verifyWithKey(
  tbs: Uint8Array,
  signature: Uint8Array,
  algorithm: pkijs.AlgorithmIdentifier,
  issuerKey: pkijs.PublicKeyInfo,
): Promise<SignatureCheck> {
  const outcome = await verifySignatureValue({
    data: tbs,
    signature,
    algorithm: { oid: algorithm.algorithmId, params: algorithm.algorithmParams },
    key: issuerKey,
  });
  return outcome.result;
}

/**
 * Outcomes already computed, across validations: a certificate's signature by a given key is a fact of their bytes,
 * and a service sees the same CA certificates in every document. Keyed by the exact bytes of the key's algorithm, the
 * signed part, the signature and the key, each framed by its length (so no other split of the same bytes matches).
 */
const known = new BytesMemo<SignatureCheck>(512);
const utf8 = new TextEncoder();

/** Whether `issuerKey` made `cert`'s signature. */
export async function verifyCertificateSignature(
  cert: pkijs.Certificate,
  issuerKey: pkijs.PublicKeyInfo,
): Promise<SignatureCheck> {
  const tbs = cert.tbsView;
  const signature = cert.signatureValue.valueBlock.valueHexView;
  const key = issuerKey.subjectPublicKey.valueBlock.valueHexView;
  const params = issuerKey.algorithm.algorithmParams;
  const keyAlg = `${issuerKey.algorithm.algorithmId}/${params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : ''}`;
  const id = framed(utf8.encode(keyAlg), tbs, signature, key);
  const hit = known.find(id);
  if (hit) return hit.value;
  const result = await verifyWithKey(tbs, signature, cert.signatureAlgorithm, issuerKey);
  if (result !== 'unsupported') known.keep(id, result);
  return result;
}

/** RFC 5280 §4.1.1.2: the signature algorithm inside the signed part must equal the outer one. */
export function signatureAlgorithmsAgree(cert: pkijs.Certificate): boolean {
  // The same bytes are the same identifier (the usual case, read from the certificate as issued: no encoding).
  const der = certificateDer(cert);
  const layout = certificateLayout(der);
  if (layout) {
    const inner = der.subarray(layout.tbsSignature.at, layout.tbsSignature.end);
    if (bytesEqual(inner, der.subarray(layout.signatureAlgorithm.at, layout.signatureAlgorithm.end))) return true;
  }
  const encoded = (a: pkijs.AlgorithmIdentifier) => new Uint8Array(a.toSchema().toBER(false));
  const a = encoded(cert.signature);
  const b = encoded(cert.signatureAlgorithm);
  if (cert.signature.algorithmId !== cert.signatureAlgorithm.algorithmId) return false;
  // Absent and NULL parameters are both seen in the wild for the same algorithm; only different values disagree.
  if (bytesEqual(a, b)) return true;
  const params = (x: pkijs.AlgorithmIdentifier) => x.algorithmParams;
  const isNullish = (p: unknown) => p === undefined || p instanceof asn1js.Null;
  return isNullish(params(cert.signature)) && isNullish(params(cert.signatureAlgorithm));
}
