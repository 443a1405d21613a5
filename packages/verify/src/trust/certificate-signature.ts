/**
 * Verifies a certificate's signature with its issuer's key by WebCrypto directly (not pkijs' engine, which guesses
 * parameters for PSS and P-521 and throws on what it does not know): RSA PKCS#1 v1.5, RSASSA-PSS (also under an
 * id-RSASSA-PSS key), ECDSA P-256/384/521, Ed25519 and Ed448 where the platform has them. Anything else is
 * 'unsupported', never an exception.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  CURVES,
  DSA_KEY,
  ED25519,
  ED448,
  EC_PUBLIC_KEY,
  RSA_ENCRYPTION,
  RSASSA_PSS,
  signatureAlgorithmInfo,
  type DigestName,
  type SignatureScheme,
} from '../crypto-policy/algorithms.js';

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported';

const KEY_FAMILY_BY_OID: Record<string, string> = { [RSA_ENCRYPTION]: 'RSA', [RSASSA_PSS]: 'RSA', [EC_PUBLIC_KEY]: 'EC', [ED25519]: 'Ed25519', [ED448]: 'Ed448', [DSA_KEY]: 'DSA' };
const SCHEME_FAMILY: Record<SignatureScheme, string> = {
  'RSASSA-PKCS1-v1_5': 'RSA',
  'RSASSA-PSS': 'RSA',
  ECDSA: 'EC',
  Ed25519: 'Ed25519',
  Ed448: 'Ed448',
  DSA: 'DSA',
};

const WEBCRYPTO_DIGESTS = new Set<DigestName>(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);

function ab(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/** DER ECDSA-Sig-Value → r||s of the curve's coordinate size; null when malformed. */
function ecdsaRaw(der: Uint8Array, size: number): Uint8Array | null {
  const asn = asn1js.fromBER(ab(der));
  if (asn.offset !== der.length || !(asn.result instanceof asn1js.Sequence)) return null;
  const parts = asn.result.valueBlock.value;
  if (parts.length !== 2) return null;
  const out = new Uint8Array(size * 2);
  for (const [k, int] of parts.entries()) {
    if (!(int instanceof asn1js.Integer)) return null;
    let v = new Uint8Array(int.valueBlock.valueHexView);
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return null;
    out.set(v, k * size + size - v.length);
  }
  return out;
}

/** The SPKI with its algorithm rewritten to rsaEncryption: WebCrypto will not import an id-RSASSA-PSS key. */
function asRsaEncryptionSpki(spki: pkijs.PublicKeyInfo): Uint8Array {
  const copy = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: RSA_ENCRYPTION, algorithmParams: new asn1js.Null() }),
    subjectPublicKey: spki.subjectPublicKey,
  });
  return new Uint8Array(copy.toSchema().toBER(false));
}

/** Verifies `signature` (as in the certificate's BIT STRING) over `tbs` with `issuerKey` under `algorithm`. */
export async function verifyWithKey(
  tbs: Uint8Array,
  signature: Uint8Array,
  algorithm: pkijs.AlgorithmIdentifier,
  issuerKey: pkijs.PublicKeyInfo,
): Promise<SignatureCheck> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return 'unsupported';
  const info = signatureAlgorithmInfo(algorithm.algorithmId, algorithm.algorithmParams);
  const keyOid = issuerKey.algorithm.algorithmId;
  // A key of another family cannot have made the signature (a wrong issuer with the right name): invalid, not unsupported.
  const family = KEY_FAMILY_BY_OID[keyOid];
  if (info.scheme && family && SCHEME_FAMILY[info.scheme] !== family) return 'invalid';
  const spki = () => new Uint8Array(issuerKey.toSchema().toBER(false));
  let key: CryptoKey;
  try {
    switch (info.scheme) {
      case 'RSASSA-PKCS1-v1_5': {
        if (keyOid !== RSA_ENCRYPTION || !info.digest || !WEBCRYPTO_DIGESTS.has(info.digest)) return 'unsupported';
        key = await subtle.importKey('spki', ab(spki()), { name: 'RSASSA-PKCS1-v1_5', hash: info.digest }, false, ['verify']);
        return (await subtle.verify('RSASSA-PKCS1-v1_5', key, ab(signature), ab(tbs))) ? 'valid' : 'invalid';
      }
      case 'RSASSA-PSS': {
        const pss = info.pss;
        if (!pss || 'malformed' in pss || pss.trailerField !== 1) return 'unsupported';
        if (!info.digest || !WEBCRYPTO_DIGESTS.has(info.digest) || pss.mgfDigest !== info.digest) return 'unsupported';
        if (keyOid !== RSA_ENCRYPTION && keyOid !== RSASSA_PSS) return 'unsupported';
        const der = keyOid === RSASSA_PSS ? asRsaEncryptionSpki(issuerKey) : spki();
        key = await subtle.importKey('spki', ab(der), { name: 'RSA-PSS', hash: info.digest }, false, ['verify']);
        return (await subtle.verify({ name: 'RSA-PSS', saltLength: pss.saltLength }, key, ab(signature), ab(tbs))) ? 'valid' : 'invalid';
      }
      case 'ECDSA': {
        const p = issuerKey.algorithm.algorithmParams;
        const curve = keyOid === EC_PUBLIC_KEY && p instanceof asn1js.ObjectIdentifier ? CURVES[p.valueBlock.toString()] : undefined;
        if (!curve?.webCrypto || !info.digest || !WEBCRYPTO_DIGESTS.has(info.digest)) return 'unsupported';
        const raw = ecdsaRaw(signature, curve.bytes);
        if (!raw) return 'invalid';
        key = await subtle.importKey('spki', ab(spki()), { name: 'ECDSA', namedCurve: curve.name }, false, ['verify']);
        return (await subtle.verify({ name: 'ECDSA', hash: info.digest }, key, ab(raw), ab(tbs))) ? 'valid' : 'invalid';
      }
      case 'Ed25519':
      case 'Ed448': {
        if (keyOid !== (info.scheme === 'Ed25519' ? ED25519 : ED448)) return 'unsupported';
        // Where the platform lacks the curve (Ed448 in most browsers), importKey throws: 'unsupported' below.
        key = await subtle.importKey('spki', ab(spki()), { name: info.scheme }, false, ['verify']);
        return (await subtle.verify({ name: info.scheme }, key, ab(signature), ab(tbs))) ? 'valid' : 'invalid';
      }
      default:
        return 'unsupported';
    }
  } catch {
    return 'unsupported';
  }
}

/**
 * Outcomes already computed, across validations: a certificate's signature by a given key is a fact of their bytes,
 * and a service sees the same CA certificates in every document. Keyed by the exact bytes (a hash to find the
 * bucket, then a byte comparison), bounded.
 */
const known = new Map<string, { tbs: Uint8Array; signature: Uint8Array; key: Uint8Array; result: SignatureCheck }[]>();
const KNOWN_MAX = 512;
let knownCount = 0;

function fnv(h: number, b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether `issuerKey` made `cert`'s signature. */
export async function verifyCertificateSignature(cert: pkijs.Certificate, issuerKey: pkijs.PublicKeyInfo): Promise<SignatureCheck> {
  const tbs = new Uint8Array(cert.tbsView);
  const signature = new Uint8Array(cert.signatureValue.valueBlock.valueHexView);
  const key = new Uint8Array(issuerKey.subjectPublicKey.valueBlock.valueHexView);
  const params = issuerKey.algorithm.algorithmParams;
  const keyAlg = `${issuerKey.algorithm.algorithmId}/${params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : ''}`;
  const id = `${keyAlg}:${tbs.length}:${(fnv(fnv(fnv(0x811c9dc5, tbs), signature), key) >>> 0).toString(36)}`;
  const hit = known.get(id)?.find((e) => same(e.tbs, tbs) && same(e.signature, signature) && same(e.key, key));
  if (hit) return hit.result;
  const result = await verifyWithKey(tbs, signature, cert.signatureAlgorithm, issuerKey);
  if (result !== 'unsupported') {
    if (knownCount >= KNOWN_MAX) {
      known.clear();
      knownCount = 0;
    }
    const bucket = known.get(id) ?? [];
    bucket.push({ tbs, signature, key: key.slice(), result });
    known.set(id, bucket);
    knownCount++;
  }
  return result;
}

/** RFC 5280 §4.1.1.2: the signature algorithm inside the signed part must equal the outer one. */
export function signatureAlgorithmsAgree(cert: pkijs.Certificate): boolean {
  const der = (a: pkijs.AlgorithmIdentifier) => new Uint8Array(a.toSchema().toBER(false));
  const a = der(cert.signature);
  const b = der(cert.signatureAlgorithm);
  if (cert.signature.algorithmId !== cert.signatureAlgorithm.algorithmId) return false;
  // Absent and NULL parameters are both seen in the wild for the same algorithm; only different values disagree.
  if (a.length === b.length && a.every((x, i) => x === b[i])) return true;
  const params = (x: pkijs.AlgorithmIdentifier) => x.algorithmParams;
  const isNullish = (p: unknown) => p === undefined || p instanceof asn1js.Null;
  return isNullish(params(cert.signature)) && isNullish(params(cert.signatureAlgorithm));
}
