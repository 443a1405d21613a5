/**
 * The algorithm catalogue: which digest, signature scheme and key an OID names, and the size of a public key. One
 * table for the crypto policy and for certificate signature checks, so both read an algorithm the same way.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Digest names as the policy spells them (WebCrypto names where WebCrypto has the algorithm). */
export type DigestName =
  | 'MD2'
  | 'MD5'
  | 'RIPEMD-160'
  | 'SHA-1'
  | 'SHA-224'
  | 'SHA-256'
  | 'SHA-384'
  | 'SHA-512'
  | 'SHA-512/224'
  | 'SHA-512/256'
  | 'SHA3-224'
  | 'SHA3-256'
  | 'SHA3-384'
  | 'SHA3-512'
  | 'SHAKE128'
  | 'SHAKE256';

/** Signature schemes (the padding or algorithm, apart from the digest it uses). */
export type SignatureScheme = 'RSASSA-PKCS1-v1_5' | 'RSASSA-PSS' | 'ECDSA' | 'Ed25519' | 'Ed448' | 'DSA';

/** Public key families. */
export type KeyFamily = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA';

export const DIGEST_OIDS: Readonly<Record<string, DigestName>> = {
  '1.2.840.113549.2.2': 'MD2',
  '1.2.840.113549.2.5': 'MD5',
  '1.3.36.3.2.1': 'RIPEMD-160',
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
  '2.16.840.1.101.3.4.2.5': 'SHA-512/224',
  '2.16.840.1.101.3.4.2.6': 'SHA-512/256',
  '2.16.840.1.101.3.4.2.7': 'SHA3-224',
  '2.16.840.1.101.3.4.2.8': 'SHA3-256',
  '2.16.840.1.101.3.4.2.9': 'SHA3-384',
  '2.16.840.1.101.3.4.2.10': 'SHA3-512',
  '2.16.840.1.101.3.4.2.11': 'SHAKE128',
  '2.16.840.1.101.3.4.2.12': 'SHAKE256',
  // id-shake128-len / id-shake256-len (RFC 8702): the same functions with an output length parameter.
  '2.16.840.1.101.3.4.2.17': 'SHAKE128',
  '2.16.840.1.101.3.4.2.18': 'SHAKE256',
};

export const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const RSASSA_PSS = '1.2.840.113549.1.1.10';
export const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const ED25519 = '1.3.101.112';
export const ED448 = '1.3.101.113';
export const DSA_KEY = '1.2.840.10040.4.1';

/**
 * Signature algorithm OIDs → scheme and digest. A digest of `undefined` means the OID names the key only (CMS
 * allows rsaEncryption or id-ecPublicKey as the signature algorithm; the digest is then the SignerInfo's), or the
 * digest is in the parameters (RSASSA-PSS), or the scheme has none of its own (EdDSA).
 */
export const SIGNATURE_OIDS: Readonly<Record<string, { scheme: SignatureScheme; digest?: DigestName }>> = {
  [RSA_ENCRYPTION]: { scheme: 'RSASSA-PKCS1-v1_5' },
  '1.2.840.113549.1.1.2': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'MD2' },
  '1.2.840.113549.1.1.4': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'MD5' },
  '1.2.840.113549.1.1.5': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA-1' },
  '1.2.840.113549.1.1.11': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA-256' },
  '1.2.840.113549.1.1.12': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA-384' },
  '1.2.840.113549.1.1.13': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA-512' },
  '1.2.840.113549.1.1.14': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA-224' },
  '1.2.840.113549.1.1.15': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA-512/224' },
  '1.2.840.113549.1.1.16': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA-512/256' },
  '1.3.36.3.3.1.2': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'RIPEMD-160' },
  '2.16.840.1.101.3.4.3.13': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA3-224' },
  '2.16.840.1.101.3.4.3.14': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA3-256' },
  '2.16.840.1.101.3.4.3.15': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA3-384' },
  '2.16.840.1.101.3.4.3.16': { scheme: 'RSASSA-PKCS1-v1_5', digest: 'SHA3-512' },
  [RSASSA_PSS]: { scheme: 'RSASSA-PSS' },
  [EC_PUBLIC_KEY]: { scheme: 'ECDSA' },
  '1.2.840.10045.4.1': { scheme: 'ECDSA', digest: 'SHA-1' },
  '1.2.840.10045.4.3.1': { scheme: 'ECDSA', digest: 'SHA-224' },
  '1.2.840.10045.4.3.2': { scheme: 'ECDSA', digest: 'SHA-256' },
  '1.2.840.10045.4.3.3': { scheme: 'ECDSA', digest: 'SHA-384' },
  '1.2.840.10045.4.3.4': { scheme: 'ECDSA', digest: 'SHA-512' },
  '2.16.840.1.101.3.4.3.9': { scheme: 'ECDSA', digest: 'SHA3-224' },
  '2.16.840.1.101.3.4.3.10': { scheme: 'ECDSA', digest: 'SHA3-256' },
  '2.16.840.1.101.3.4.3.11': { scheme: 'ECDSA', digest: 'SHA3-384' },
  '2.16.840.1.101.3.4.3.12': { scheme: 'ECDSA', digest: 'SHA3-512' },
  [ED25519]: { scheme: 'Ed25519' },
  [ED448]: { scheme: 'Ed448' },
  [DSA_KEY]: { scheme: 'DSA' },
  '1.2.840.10040.4.3': { scheme: 'DSA', digest: 'SHA-1' },
  '2.16.840.1.101.3.4.3.1': { scheme: 'DSA', digest: 'SHA-224' },
  '2.16.840.1.101.3.4.3.2': { scheme: 'DSA', digest: 'SHA-256' },
};

/** Named curves: WebCrypto name (when WebCrypto has it), field size in bits, coordinate size in bytes. */
export const CURVES: Readonly<Record<string, { name: string; bits: number; bytes: number; webCrypto: boolean }>> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256, bytes: 32, webCrypto: true },
  '1.3.132.0.34': { name: 'P-384', bits: 384, bytes: 48, webCrypto: true },
  '1.3.132.0.35': { name: 'P-521', bits: 521, bytes: 66, webCrypto: true },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256, bytes: 32, webCrypto: false },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256, bytes: 32, webCrypto: false },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384, bytes: 48, webCrypto: false },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512, bytes: 64, webCrypto: false },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192, bytes: 24, webCrypto: false },
  '1.3.132.0.33': { name: 'P-224', bits: 224, bytes: 28, webCrypto: false },
};

/** What a signature AlgorithmIdentifier says, with the RSASSA-PSS parameters read. */
export interface SignatureAlgorithmInfo {
  oid: string;
  scheme: SignatureScheme | undefined;
  /** The digest the algorithm names (for PSS: the parameters' hash); undefined when it has none of its own. */
  digest: DigestName | undefined;
  /** RSASSA-PSS only: the MGF1 digest and salt length; `malformed` when the parameters could not be read. */
  pss?: { mgfDigest: DigestName | undefined; saltLength: number; trailerField: number } | { malformed: true };
}

/** Reads a signature AlgorithmIdentifier (OID + parameters). Never throws. */
export function signatureAlgorithmInfo(oid: string | undefined, params?: unknown): SignatureAlgorithmInfo {
  const entry = oid ? SIGNATURE_OIDS[oid] : undefined;
  const info: SignatureAlgorithmInfo = { oid: oid ?? '', scheme: entry?.scheme, digest: entry?.digest };
  if (oid === RSASSA_PSS) {
    try {
      const p =
        params instanceof asn1js.Sequence ? new pkijs.RSASSAPSSParams({ schema: params }) : new pkijs.RSASSAPSSParams();
      // Absent parameters mean the RFC 4055 defaults: SHA-1, MGF1 with SHA-1, salt 20.
      const digest = DIGEST_OIDS[p.hashAlgorithm.algorithmId];
      const mgfParams = p.maskGenAlgorithm.algorithmParams;
      const mgfDigest =
        mgfParams instanceof asn1js.Sequence
          ? DIGEST_OIDS[new pkijs.AlgorithmIdentifier({ schema: mgfParams }).algorithmId]
          : 'SHA-1';
      info.digest = digest;
      info.pss = { mgfDigest, saltLength: p.saltLength, trailerField: p.trailerField };
    } catch {
      info.pss = { malformed: true };
    }
  }
  return info;
}

export function digestByOid(oid: string | undefined): DigestName | undefined {
  return oid ? DIGEST_OIDS[oid] : undefined;
}

/** A public key's family and size (RSA modulus bits, curve bits, DSA p bits); `bits` undefined when unreadable. */
export interface PublicKeyFacts {
  oid: string;
  family: KeyFamily | undefined;
  bits: number | undefined;
  /** EC keys: the curve's name (or its OID when not in the catalogue). */
  curve?: string;
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (bytes[i] === 0) i++;
  const top = bytes[i];
  if (top === undefined) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(top));
}

/** Reads a SubjectPublicKeyInfo's family and size. Never throws. */
export function publicKeyInfo(spki: pkijs.PublicKeyInfo): PublicKeyFacts {
  const oid = spki.algorithm.algorithmId;
  try {
    if (oid === RSA_ENCRYPTION || oid === RSASSA_PSS) {
      const asn = asn1js.fromBER(spki.subjectPublicKey.valueBlock.valueHexView.slice().buffer as ArrayBuffer);
      const key = new pkijs.RSAPublicKey({ schema: asn.result });
      return { oid, family: 'RSA', bits: bitLength(key.modulus.valueBlock.valueHexView) };
    }
    if (oid === EC_PUBLIC_KEY) {
      const p = spki.algorithm.algorithmParams;
      const curveOid = p instanceof asn1js.ObjectIdentifier ? p.valueBlock.toString() : undefined;
      const curve = curveOid ? CURVES[curveOid] : undefined;
      return { oid, family: 'EC', bits: curve?.bits, curve: curve?.name ?? curveOid ?? 'explicit parameters' };
    }
    if (oid === ED25519) return { oid, family: 'Ed25519', bits: 256 };
    if (oid === ED448) return { oid, family: 'Ed448', bits: 448 };
    if (oid === DSA_KEY) {
      const p = spki.algorithm.algorithmParams;
      const prime = p instanceof asn1js.Sequence ? p.valueBlock.value[0] : undefined;
      return {
        oid,
        family: 'DSA',
        bits: prime instanceof asn1js.Integer ? bitLength(prime.valueBlock.valueHexView) : undefined,
      };
    }
  } catch {
    /* unreadable key: size unknown */
  }
  return { oid, family: undefined, bits: undefined };
}
