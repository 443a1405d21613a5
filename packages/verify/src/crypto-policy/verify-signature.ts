/**
 * kyso's one signature check, used for CMS signatures (PDF signatures, timestamp tokens), certificates, OCSP
 * responses and CRLs: the AlgorithmIdentifier is read through the catalogue (algorithms.ts), must agree with the
 * key's family and with the digest the structure declares, and the value is verified by the platform directly
 * (Node's crypto.verify under Node, WebCrypto elsewhere: platform/node-crypto.ts) — not by pkijs' engine, which takes the scheme from the OID alone (an "ecdsa-with-SHA256" OID is run as whatever the
 * key allows), guesses PSS parameters and can be replaced globally by an application (setEngine).
 *
 * RSASSA-PSS whose MGF1 digest differs from the message digest (which WebCrypto cannot express) is checked by
 * EMSA-PSS-VERIFY here (RFC 8017 §9.1.2) over WebCrypto digests, so every parameter set gets a definite answer.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { nodeCrypto, type NodeCrypto, type NodeKey } from '../platform/node-crypto.js';
import { BytesMemo } from '../revocation/bytes-memo.js';
import { publicKeyInfoDer } from '../revocation/certificates.js';
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
} from './algorithms.js';

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported';

/**
 * Why an algorithm identifier cannot describe the signature, whatever its bytes: the scheme is for another key
 * family (an ECDSA OID with an RSA key), the declared digest disagrees with the signature algorithm's, or the
 * RSASSA-PSS parameters are impossible (trailer field other than 1, unreadable).
 */
export type AlgorithmMismatch = 'KEY_TYPE' | 'DIGEST' | 'PSS_PARAMETERS';

export interface SignatureOutcome {
  result: SignatureCheck;
  /** The algorithm as run, e.g. "RSASSA-PKCS1-v1_5/SHA-256", "ECDSA P-256/SHA-256", "RSASSA-PSS/SHA-256/MGF1 SHA-256/salt 32". */
  name?: string;
  /** Set when the result is 'invalid' because the identifier disagrees with the key or the digest. */
  mismatch?: AlgorithmMismatch;
  /** Readable detail of the mismatch (OIDs and names, never key material). */
  detail?: string;
}

export interface SignatureInput {
  /** The bytes signed (the TBS structure, or the signed attributes re-tagged as SET). */
  data: Uint8Array;
  /** The signature value (for ECDSA the DER ECDSA-Sig-Value). */
  signature: Uint8Array;
  /** The signature AlgorithmIdentifier. */
  algorithm: { oid: string | undefined; params?: unknown };
  /** The signer's public key. */
  key: pkijs.PublicKeyInfo;
  /** The key's DER when the caller has it already (spares encoding it again). */
  keyDer?: Uint8Array;
  /**
   * The digest the enclosing structure declares (a CMS SignerInfo's digestAlgorithm). Required for a bare key OID
   * (rsaEncryption, id-ecPublicKey as the signature algorithm); otherwise it must equal the algorithm's own digest.
   */
  digest?: DigestName;
}

const KEY_FAMILY_BY_OID: Record<string, string> = {
  [RSA_ENCRYPTION]: 'RSA',
  [RSASSA_PSS]: 'RSA',
  [EC_PUBLIC_KEY]: 'EC',
  [ED25519]: 'Ed25519',
  [ED448]: 'Ed448',
  [DSA_KEY]: 'DSA',
};
const SCHEME_FAMILY: Record<SignatureScheme, string> = {
  'RSASSA-PKCS1-v1_5': 'RSA',
  'RSASSA-PSS': 'RSA',
  ECDSA: 'EC',
  Ed25519: 'Ed25519',
  Ed448: 'Ed448',
  DSA: 'DSA',
};
const WEBCRYPTO_DIGESTS = new Set<DigestName>(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);
const DIGEST_BYTES: Partial<Record<DigestName, number>> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

function ab(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/** DER ECDSA-Sig-Value → r||s of the curve's coordinate size; null when malformed (trailing bytes included). */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
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

/**
 * Imported keys by SPKI bytes and import parameters: a service verifies the same signers, TSAs and responders again
 * and again. Bounded; cleared when full.
 */
const imported = new Map<string, CryptoKey>();
const IMPORTED_MAX = 256;
async function importKey(
  spki: Uint8Array,
  params: RsaHashedImportParams | EcKeyImportParams | Algorithm,
): Promise<CryptoKey> {
  const id = `${JSON.stringify(params)}:${Array.from(spki, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const known = imported.get(id);
  if (known) return known;
  const key = await globalThis.crypto.subtle.importKey('spki', ab(spki), params, false, ['verify']);
  if (imported.size >= IMPORTED_MAX) imported.clear();
  imported.set(id, key);
  return key;
}

/** A check the platform runs: WebCrypto's algorithm names, whichever platform runs it. */
type PlatformCheck =
  | { name: 'RSASSA-PKCS1-v1_5'; hash: DigestName }
  | { name: 'RSA-PSS'; hash: DigestName; saltLength: number }
  | { name: 'ECDSA'; hash: DigestName; namedCurve: string }
  | { name: 'Ed25519' | 'Ed448' };

const NODE_DIGEST: Partial<Record<DigestName, string>> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};
/** WebCrypto's curve names as Node reports a key's. */
const NODE_CURVE: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
const NODE_KEY_TYPE: Record<PlatformCheck['name'], string> = {
  'RSASSA-PKCS1-v1_5': 'rsa',
  'RSA-PSS': 'rsa',
  ECDSA: 'ec',
  Ed25519: 'ed25519',
  Ed448: 'ed448',
};

/** Node's public keys by SPKI bytes: a batch or a service checks the same signers and CAs again and again. */
const nodeKeys = new BytesMemo<NodeKey>(IMPORTED_MAX);

/**
 * The key as Node reads it, refused (thrown: 'unsupported', as WebCrypto's importKey refuses it) when it is not of
 * the type the check needs or not on the curve the identifier names.
 */
function nodeKey(node: NodeCrypto, spki: Uint8Array, check: PlatformCheck): NodeKey {
  const key = nodeKeys.get(spki, () => node.createPublicKey({ key: spki, format: 'der', type: 'spki' }));
  if (key.asymmetricKeyType !== NODE_KEY_TYPE[check.name]) throw new Error('key type');
  if (check.name === 'ECDSA' && key.asymmetricKeyDetails?.namedCurve !== NODE_CURVE[check.namedCurve])
    throw new Error('curve');
  return key;
}

/**
 * Verifies a signature value (for ECDSA r||s) with the platform: Node's crypto.verify, synchronous, under Node;
 * WebCrypto elsewhere. Throws when the key cannot be used for the check (the caller answers 'unsupported').
 */
async function platformVerify(
  spki: Uint8Array,
  check: PlatformCheck,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const node = nodeCrypto();
  if (node) {
    const key = nodeKey(node, spki, check);
    switch (check.name) {
      case 'RSASSA-PKCS1-v1_5':
        return node.verify(NODE_DIGEST[check.hash] ?? check.hash, data, key, signature);
      case 'RSA-PSS':
        return node.verify(
          NODE_DIGEST[check.hash] ?? check.hash,
          data,
          { key, padding: node.constants.RSA_PKCS1_PSS_PADDING, saltLength: check.saltLength },
          signature,
        );
      case 'ECDSA':
        return node.verify(NODE_DIGEST[check.hash] ?? check.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      default:
        return node.verify(null, data, key, signature);
    }
  }
  // WebCrypto takes the hash at import for RSA and at verification for ECDSA, the curve at import, the salt at
  // verification.
  const { name } = check;
  const importParams =
    name === 'ECDSA' ? { name, namedCurve: check.namedCurve } : 'hash' in check ? { name, hash: check.hash } : { name };
  const verifyParams =
    name === 'RSA-PSS'
      ? { name, saltLength: check.saltLength }
      : name === 'ECDSA'
        ? { name, hash: check.hash }
        : { name };
  const key = await importKey(spki, importParams);
  return globalThis.crypto.subtle.verify(verifyParams, key, ab(signature), ab(data));
}

const mismatch = (kind: AlgorithmMismatch, detail: string, name?: string): SignatureOutcome => ({
  result: 'invalid',
  mismatch: kind,
  detail,
  name,
});

/** Verifies one signature value. Never throws: an algorithm or key WebCrypto lacks is 'unsupported'. */
export async function verifySignatureValue(input: SignatureInput): Promise<SignatureOutcome> {
  if (!nodeCrypto() && !globalThis.crypto?.subtle) return { result: 'unsupported' };
  const { data, signature, key } = input;
  const info = signatureAlgorithmInfo(input.algorithm.oid, input.algorithm.params);
  const keyOid = key.algorithm.algorithmId;
  if (!info.scheme) return { result: 'unsupported', name: info.oid || undefined };
  // A key of another family cannot have made the signature: the identifier lies (or the certificate is not the signer's).
  const family = KEY_FAMILY_BY_OID[keyOid];
  if (!family) return { result: 'unsupported', name: info.scheme };
  if (SCHEME_FAMILY[info.scheme] !== family)
    return mismatch('KEY_TYPE', `${info.scheme} (${info.oid}) with a ${family} key`, info.scheme);
  // The scheme's own digest (or, for a bare key OID, the declared one) against what the structure declares.
  const bare = info.oid === RSA_ENCRYPTION || info.oid === EC_PUBLIC_KEY;
  if (info.digest && input.digest && info.digest !== input.digest) {
    return mismatch('DIGEST', `${info.scheme} with ${info.digest} but digest algorithm ${input.digest}`, info.scheme);
  }
  const hash = bare ? input.digest : info.digest;
  const spki = () => input.keyDer ?? publicKeyInfoDer(key);
  try {
    switch (info.scheme) {
      case 'RSASSA-PKCS1-v1_5': {
        const name = `RSASSA-PKCS1-v1_5/${hash ?? '?'}`;
        // id-RSASSA-PSS keys are for PSS only (RFC 4055 §1.2).
        if (keyOid !== RSA_ENCRYPTION) return mismatch('KEY_TYPE', 'RSASSA-PKCS1-v1_5 with an id-RSASSA-PSS key', name);
        if (!hash || !WEBCRYPTO_DIGESTS.has(hash)) return { result: 'unsupported', name };
        const ok = await platformVerify(spki(), { name: 'RSASSA-PKCS1-v1_5', hash }, signature, data);
        return { result: ok ? 'valid' : 'invalid', name };
      }
      case 'RSASSA-PSS': {
        const pss = info.pss;
        if (!pss || 'malformed' in pss)
          return mismatch('PSS_PARAMETERS', 'RSASSA-PSS parameters unreadable', 'RSASSA-PSS');
        const name = `RSASSA-PSS/${hash ?? '?'}/MGF1 ${pss.mgfDigest ?? '?'}/salt ${pss.saltLength}`;
        if (pss.trailerField !== 1)
          return mismatch('PSS_PARAMETERS', `RSASSA-PSS trailer field ${pss.trailerField}`, name);
        if (!hash || !pss.mgfDigest || !WEBCRYPTO_DIGESTS.has(hash) || !WEBCRYPTO_DIGESTS.has(pss.mgfDigest))
          return { result: 'unsupported', name };
        const der = keyOid === RSASSA_PSS ? asRsaEncryptionSpki(key) : spki();
        if (pss.mgfDigest !== hash) {
          return {
            result: (await emsaPssVerify(key, signature, data, hash, pss.mgfDigest, pss.saltLength))
              ? 'valid'
              : 'invalid',
            name,
          };
        }
        // Both platforms check the salt length exactly, so parameters that do not describe the signature fail here.
        const ok = await platformVerify(der, { name: 'RSA-PSS', hash, saltLength: pss.saltLength }, signature, data);
        return { result: ok ? 'valid' : 'invalid', name };
      }
      case 'ECDSA': {
        const p = key.algorithm.algorithmParams;
        const curve = p instanceof asn1js.ObjectIdentifier ? CURVES[p.valueBlock.toString()] : undefined;
        const name = `ECDSA ${curve?.name ?? '?'}/${hash ?? '?'}`;
        if (!curve?.webCrypto || !hash || !WEBCRYPTO_DIGESTS.has(hash)) return { result: 'unsupported', name };
        const raw = ecdsaDerToRaw(signature, curve.bytes);
        if (!raw) return { result: 'invalid', name };
        const ok = await platformVerify(spki(), { name: 'ECDSA', hash, namedCurve: curve.name }, raw, data);
        return { result: ok ? 'valid' : 'invalid', name };
      }
      case 'Ed25519':
      case 'Ed448': {
        // Where the platform lacks the curve (Ed448 in most browsers), the key is refused: 'unsupported' below.
        const ok = await platformVerify(spki(), { name: info.scheme }, signature, data);
        return { result: ok ? 'valid' : 'invalid', name: info.scheme };
      }
      default:
        return { result: 'unsupported', name: info.scheme };
    }
  } catch {
    return { result: 'unsupported', name: info.scheme };
  }
}

// ------------------------------------------------------------------ RSASSA-PSS with another MGF1 digest

const toBig = (b: Uint8Array): bigint =>
  b.length === 0 ? 0n : BigInt(`0x${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`);

function fromBig(n: bigint, length: number): Uint8Array | null {
  const hex = n.toString(16);
  if (hex.length > length * 2) return null;
  const out = new Uint8Array(length);
  const padded = hex.padStart(length * 2, '0');
  for (let i = 0; i < length; i++) out[i] = parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

async function sha(name: DigestName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(name, ab(data)));
}

async function mgf1(seed: Uint8Array, length: number, hash: DigestName): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  for (let counter = 0, at = 0; at < length; counter++) {
    const block = new Uint8Array(seed.length + 4);
    block.set(seed);
    new DataView(block.buffer).setUint32(seed.length, counter);
    const h = await sha(hash, block);
    out.set(h.subarray(0, Math.min(h.length, length - at)), at);
    at += h.length;
  }
  return out;
}

/** RSASSA-PSS-VERIFY (RFC 8017 §8.1.2 with §9.1.2) for any WebCrypto hash / MGF1 hash pair. */
async function emsaPssVerify(
  key: pkijs.PublicKeyInfo,
  signature: Uint8Array,
  message: Uint8Array,
  hash: DigestName,
  mgfHash: DigestName,
  saltLength: number,
): Promise<boolean> {
  const rsa = new pkijs.RSAPublicKey({
    schema: asn1js.fromBER(ab(new Uint8Array(key.subjectPublicKey.valueBlock.valueHexView))).result,
  });
  const n = toBig(new Uint8Array(rsa.modulus.valueBlock.valueHexView));
  const e = toBig(new Uint8Array(rsa.publicExponent.valueBlock.valueHexView));
  const modBits = n.toString(2).length;
  // Bounds for hostile keys (exponentiation in JS): real RSA keys stay far inside them (FIPS 186-5: e < 2^256).
  if (modBits > 16384 || e.toString(2).length > 256 || e < 3n) return false;
  const k = Math.ceil(modBits / 8);
  const s = toBig(signature);
  if (signature.length !== k || s >= n) return false;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const em = fromBig(modPow(s, e, n), emLen);
  const hLen = DIGEST_BYTES[hash] as number;
  if (!em || emLen < hLen + saltLength + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const unusedBits = 8 * emLen - emBits;
  // maskedDb is not empty: emLen >= hLen + saltLength + 2
  if (unusedBits > 0 && (maskedDb[0]! & (0xff << (8 - unusedBits)) & 0xff) !== 0) return false;
  const mask = await mgf1(h, maskedDb.length, mgfHash);
  const db = maskedDb.map((b, i) => b ^ mask[i]!); // mgf1 gives maskedDb.length bytes
  if (unusedBits > 0) db[0]! &= 0xff >> unusedBits;
  const psLen = emLen - hLen - saltLength - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - saltLength);
  const mPrime = new Uint8Array(8 + hLen + saltLength);
  mPrime.set(await sha(hash, message), 8);
  mPrime.set(salt, 8 + hLen);
  const hPrime = await sha(hash, mPrime);
  return hPrime.length === h.length && hPrime.every((b, i) => b === h[i]);
}
