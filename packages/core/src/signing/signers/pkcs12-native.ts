/**
 * A .p12 read with Node's crypto alone, for the shapes today's tools write (OpenSSL 3's default, and its 3DES
 * variants): DER throughout, an HMAC-SHA-1/2 MAC, bags encrypted with PBES2 (PBKDF2, AES-CBC or 3DES-CBC) or with
 * PKCS#12's SHA-1 3DES. Anything else (BER, no MAC, RC2, PBMAC1) is `null`, and node-forge reads it as before
 * (pkcs12.ts), so what was accepted and refused still is; the time is what changes (node-forge's evaluation and its
 * JavaScript ciphers were ~25 ms of a `kyso sign`).
 *
 * The password's bytes are OpenSSL's: UTF-16BE for PKCS#12's own derivation (the MAC, the SHA-1 3DES), UTF-8 for
 * PBKDF2. So a password with Vietnamese letters opens what OpenSSL wrote with it, which node-forge (its PBKDF2 takes
 * the characters' low bytes) refused as SIGN_BAD_KEYSTORE.
 *
 * RFC 7292 (PKCS #12) §4, Appendix B; RFC 8018 (PKCS #5) §6.2, Appendix A.2.
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { child, children, decodeOid, read, type Node } from '../../cms/der.js';
import { OID } from '../../cms/oids.js';
import { PKCS12_DIGESTS, pkcs12Kdf } from './pkcs12-kdf.js';

/** What a .p12 holds: private keys as PKCS#8 DER (shrouded bags first, then plain ones) and certificates as DER. */
export interface Pkcs12Contents {
  keys: Uint8Array[];
  certificates: Uint8Array[];
}

/** The contents; 'bad-password' when the MAC does not verify; null when node-forge must read it. */
export type NativePkcs12 = Pkcs12Contents | 'bad-password' | null;

/** PKCS#12 bag types (RFC 7292 §4.2), for both readings (node-forge's in pkcs12.ts too). */
export const BAG = {
  key: '1.2.840.113549.1.12.10.1.1',
  shroudedKey: '1.2.840.113549.1.12.10.1.2',
  cert: '1.2.840.113549.1.12.10.1.3',
} as const;

const PKCS12_OID = {
  encryptedData: '1.2.840.113549.1.7.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeSha1TripleDes: '1.2.840.113549.1.12.1.3',
} as const;

const MAC_DIGESTS: Record<string, string> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};
const PRF_DIGESTS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
/** PBES2 encryption schemes: Node's cipher, key and IV lengths. */
const CIPHERS: Record<string, { name: string; keyLength: number; ivLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
};
/** Beyond this a derivation is left to node-forge (as slow there, but then it is not ours to bound). */
const MAX_ITERATIONS = 10_000_000;

/** Not a shape read here: node-forge reads the file. */
class NotNative extends Error {}

const TAG = { integer: 0x02, octetString: 0x04, oid: 0x06, sequence: 0x30, explicit0: 0xa0, implicit0: 0x80 };

function expect(node: Node, tag: number): Node {
  if (node.tag !== tag) throw new NotNative();
  return node;
}

function whole(bytes: Uint8Array, tag: number): Node {
  const node = read(bytes, 0);
  if (node.end !== bytes.length) throw new NotNative();
  return expect(node, tag);
}

const oidOf = (node: Node): string => decodeOid(expect(node, TAG.oid).content);

function smallInteger(node: Node): number {
  const c = expect(node, TAG.integer).content;
  if (c.length === 0 || c.length > 4 || c[0]! & 0x80) throw new NotNative();
  let n = 0;
  for (const b of c) n = n * 256 + b;
  return n;
}

function iterations(node: Node): number {
  const n = smallInteger(node);
  if (n < 1 || n > MAX_ITERATIONS) throw new NotNative();
  return n;
}

/** The content of an OCTET STRING given as [0] EXPLICIT (ContentInfo's content), DER. */
const explicitOctets = (node: Node): Uint8Array =>
  expect(child(expect(node, TAG.explicit0), 0), TAG.octetString).content;

function decipher(name: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createDecipheriv(name, key, iv);
  return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
}

/** Decrypts with a password-based scheme (an AlgorithmIdentifier of PBES2 or PKCS#12's SHA-1 3DES). */
function decrypt(algorithm: Node, password: string, data: Uint8Array): Uint8Array {
  const [id, params] = children(expect(algorithm, TAG.sequence));
  if (!id || !params) throw new NotNative();
  const scheme = oidOf(id);
  if (scheme === PKCS12_OID.pbeSha1TripleDes) {
    const [salt, count] = children(expect(params, TAG.sequence));
    if (!salt || !count) throw new NotNative();
    const s = expect(salt, TAG.octetString).content;
    const n = iterations(count);
    return decipher(
      'des-ede3-cbc',
      pkcs12Kdf(password, s, 1, n, 24, 'sha1'),
      pkcs12Kdf(password, s, 2, n, 8, 'sha1'),
      data,
    );
  }
  if (scheme !== PKCS12_OID.pbes2) throw new NotNative();
  const [kdf, encryption] = children(expect(params, TAG.sequence));
  if (!kdf || !encryption) throw new NotNative();
  const [kdfId, kdfParams] = children(expect(kdf, TAG.sequence));
  if (!kdfId || !kdfParams || oidOf(kdfId) !== PKCS12_OID.pbkdf2) throw new NotNative();
  // PBKDF2-params { salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1 }
  const [salt, count, ...rest] = children(expect(kdfParams, TAG.sequence));
  if (!salt || !count) throw new NotNative();
  const keyLength = rest[0]?.tag === TAG.integer ? smallInteger(rest.shift()!) : undefined;
  const prfNode = rest.shift();
  const prf = prfNode === undefined ? 'sha1' : PRF_DIGESTS[oidOf(child(expect(prfNode, TAG.sequence), 0))];
  if (!prf || rest.length > 0) throw new NotNative();
  const [cipherId, iv] = children(expect(encryption, TAG.sequence));
  if (!cipherId || !iv) throw new NotNative();
  const cipher = CIPHERS[oidOf(cipherId)];
  const ivBytes = expect(iv, TAG.octetString).content;
  if (!cipher || ivBytes.length !== cipher.ivLength || (keyLength !== undefined && keyLength !== cipher.keyLength))
    throw new NotNative();
  const key = pbkdf2Sync(
    Buffer.from(password, 'utf8'),
    expect(salt, TAG.octetString).content,
    iterations(count),
    cipher.keyLength,
    prf,
  );
  return decipher(cipher.name, key, ivBytes, data);
}

/** The PFX's MAC (RFC 7292 §4, B.4): true when it verifies with `password`. */
function macVerifies(macData: Node, authSafe: Uint8Array, password: string): boolean {
  const [mac, macSalt, count] = children(expect(macData, TAG.sequence));
  if (!mac || !macSalt) throw new NotNative();
  const [algorithm, digest] = children(expect(mac, TAG.sequence));
  if (!algorithm || !digest) throw new NotNative();
  const hash = MAC_DIGESTS[oidOf(child(expect(algorithm, TAG.sequence), 0))];
  if (!hash) throw new NotNative();
  const expected = expect(digest, TAG.octetString).content;
  const n = count === undefined ? 1 : iterations(count);
  const key = pkcs12Kdf(password, expect(macSalt, TAG.octetString).content, 3, n, PKCS12_DIGESTS[hash]!.bytes, hash);
  const actual = createHmac(hash, key).update(authSafe).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Reads `p12` with Node's crypto when it has one of the shapes above (see the module comment). */
export function readPkcs12Natively(p12: Uint8Array, password: string): NativePkcs12 {
  try {
    const [version, authSafe, macData, ...extra] = children(whole(p12, TAG.sequence));
    if (!version || !authSafe || !macData || extra.length > 0 || smallInteger(version) !== 3) return null;
    const [type, content] = children(expect(authSafe, TAG.sequence));
    if (!type || !content || oidOf(type) !== OID.data) return null;
    const safe = explicitOctets(content);
    if (!macVerifies(macData, safe, password)) return 'bad-password';
    const shrouded: Uint8Array[] = [];
    const plain: Uint8Array[] = [];
    const certificates: Uint8Array[] = [];
    for (const info of children(whole(safe, TAG.sequence))) {
      const [infoType, infoContent] = children(expect(info, TAG.sequence));
      if (!infoType || !infoContent) return null;
      let bags: Uint8Array;
      const kind = oidOf(infoType);
      if (kind === OID.data) bags = explicitOctets(infoContent);
      else if (kind === PKCS12_OID.encryptedData) {
        // EncryptedData { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT encryptedContent } }
        const [, encrypted] = children(expect(child(expect(infoContent, TAG.explicit0), 0), TAG.sequence));
        if (!encrypted) return null;
        const [, algorithm, ciphertext] = children(expect(encrypted, TAG.sequence));
        if (!algorithm || !ciphertext) return null;
        bags = decrypt(algorithm, password, expect(ciphertext, TAG.implicit0).content);
      } else return null;
      for (const bag of children(whole(bags, TAG.sequence))) {
        const [bagId, bagValue] = children(expect(bag, TAG.sequence));
        if (!bagId || !bagValue) return null;
        const value = child(expect(bagValue, TAG.explicit0), 0);
        switch (oidOf(bagId)) {
          case BAG.shroudedKey: {
            const [algorithm, data] = children(expect(value, TAG.sequence));
            if (!algorithm || !data) return null;
            shrouded.push(decrypt(algorithm, password, expect(data, TAG.octetString).content));
            break;
          }
          case BAG.key:
            plain.push(expect(value, TAG.sequence).bytes.slice());
            break;
          case BAG.cert: {
            const [certType, certValue] = children(expect(value, TAG.sequence));
            if (!certType || !certValue) return null;
            // another kind of certificate (SDSI) is node-forge's to refuse
            if (oidOf(certType) !== PKCS12_OID.x509Certificate) return null;
            certificates.push(explicitOctets(certValue).slice());
            break;
          }
          default:
            break; // CRL and secret bags: not used, as with node-forge's reading
        }
      }
    }
    return { keys: [...shrouded, ...plain], certificates };
  } catch {
    // not DER, a scheme or a value not read here, a cipher Node lacks: node-forge decides
    return null;
  }
}
