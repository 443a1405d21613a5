/**
 * A Signer from a PKCS#12 file: parsed once (with Node's crypto for the usual shapes, pkcs12-native.ts; node-forge
 * for the rest), then every signature is made with a Node crypto KeyObject, which is fast and reusable across many
 * documents.
 */
import {
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
  type SignKeyObjectInput,
  type SignPrivateKeyInput,
} from 'node:crypto';
import type forgeModule from 'node-forge';
import { parseCertificate, publicKeyOf, type CertificateInfo } from '../../cms/certificate.js';
import { SignError } from '../errors.js';
import { NODE_HASH, type HashAlgorithm, type Signer, type SignerAlgorithm } from '../signer.js';
import { loadForge } from './forge.js';
import { PKCS12_DIGESTS, pkcs12Kdf } from './pkcs12-kdf.js';
import { BAG, readPkcs12Natively, type Pkcs12Contents } from './pkcs12-native.js';

type Pbkdf2 = ((p: string, s: string, c: number, dkLen: number, md?: unknown, callback?: unknown) => string) & {
  kysoNative?: true;
};
type Pkcs12Kdf = ((
  password: string | null | undefined,
  salt: forgeModule.util.ByteStringBuffer,
  id: number,
  iter: number,
  n: number,
  md?: unknown,
) => forgeModule.util.ByteStringBuffer) & {
  kysoNative?: true;
};
const digestName = (md: unknown): string | undefined => {
  const name = typeof md === 'object' && md !== null ? (md as { algorithm?: unknown }).algorithm : undefined;
  return typeof name === 'string' && Object.hasOwn(PKCS12_DIGESTS, name) ? name : undefined;
};

/**
 * node-forge derives a .p12's keys in JavaScript: PBES2 keys (PBKDF2, handed a digest object) and the PKCS#12 MAC
 * key (RFC 7292 B.2, thousands of hashes), tens of milliseconds per `kyso sign`. Both are done with Node's own
 * PBKDF2 and hashes, the same functions, for the digests Node has under forge's name; anything else stays with forge.
 */
function nativeKeyDerivations(forge: typeof forgeModule): typeof forgeModule {
  const pkcs5 = forge.pkcs5 as unknown as { pbkdf2: Pbkdf2 };
  const js = pkcs5.pbkdf2;
  if (!js.kysoNative) {
    const native: Pbkdf2 = (p, s, c, dkLen, md, callback) => js(p, s, c, dkLen, digestName(md) ?? md, callback);
    native.kysoNative = true;
    pkcs5.pbkdf2 = native;
  }
  const p12 = forge.pkcs12 as unknown as { generateKey: Pkcs12Kdf };
  const jsKdf = p12.generateKey;
  if (!jsKdf.kysoNative) {
    const native: Pkcs12Kdf = (password, salt, id, iter, n, md) => {
      const digest = md === undefined || md === null ? 'sha1' : digestName(md);
      if (!digest || !(iter >= 1)) return jsKdf(password, salt, id, iter, n, md);
      const key = pkcs12Kdf(password, new Uint8Array(Buffer.from(salt.bytes(), 'binary')), id, iter, n, digest);
      return forge.util.createBuffer(Buffer.from(key).toString('binary'));
    };
    native.kysoNative = true;
    p12.generateKey = native;
  }
  return forge;
}

/**
 * node-forge's reading of a .p12 (any shape it knows), as PKCS#8 keys and DER certificates: what Pkcs12Signer.open
 * falls back to, and the reference the native reading is compared with in the tests.
 */
export function readWithForge(p12: Uint8Array, password: string): Pkcs12Contents {
  const forge = nativeKeyDerivations(loadForge());
  let parsed: forgeModule.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
    parsed = forge.pkcs12.pkcs12FromAsn1(asn1, password);
  } catch (e) {
    const msg = String((e as Error).message ?? e);
    if (/password|MAC|Invalid PKCS#12 MAC/i.test(msg)) throw new SignError('SIGN_BAD_PASSWORD');
    throw new SignError('SIGN_BAD_KEYSTORE');
  }
  const der = (asn1: forgeModule.asn1.Asn1) => new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
  const keyBags = [
    ...(parsed.getBags({ bagType: BAG.shroudedKey })[BAG.shroudedKey] ?? []),
    ...(parsed.getBags({ bagType: BAG.key })[BAG.key] ?? []),
  ];
  const keys = keyBags.map((bag) =>
    der(
      bag.key
        ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forgeModule.pki.rsa.PrivateKey))
        : (bag as unknown as { asn1: forgeModule.asn1.Asn1 }).asn1,
    ),
  );
  const certificates = (parsed.getBags({ bagType: BAG.cert })[BAG.cert] ?? []).map((b) =>
    der(b.cert ? forge.pki.certificateToAsn1(b.cert) : (b as unknown as { asn1: forgeModule.asn1.Asn1 }).asn1),
  );
  return { keys, certificates };
}

export interface Pkcs12Options {
  hash?: HashAlgorithm;
  /** For RSA keys: PKCS#1 v1.5 (default, what most validators expect) or RSASSA-PSS. */
  rsaScheme?: 'rsa-pkcs1' | 'rsa-pss';
  /**
   * `sign()` runs in libuv's thread pool (Node's crypto.sign with a callback) instead of on the calling thread: for
   * a service whose event loop must not spend a signature's half millisecond per request. The key stays this
   * process's KeyObject. In a tight in-process loop the hop costs more than it saves (default: off).
   */
  offThread?: boolean;
}

export class Pkcs12Signer implements Signer {
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly algorithm: SignerAlgorithm;
  readonly info: CertificateInfo;
  /**
   * An RSA key's values need no check against the certificate (Signer.checksOwnValues): open() took as the
   * certificate the one whose public key is this key's, and OpenSSL verifies its RSA-CRT results itself. The check
   * cost a verification per signature (~20 µs, ~60 µs on a busy service's request thread). ECDSA values are checked.
   */
  readonly checksOwnValues: boolean;
  private readonly key: KeyObject;
  private readonly offThread: boolean;

  private constructor(
    key: KeyObject,
    certificate: Uint8Array,
    chain: Uint8Array[],
    algorithm: SignerAlgorithm,
    offThread = false,
  ) {
    this.key = key;
    this.checksOwnValues = key.asymmetricKeyType === 'rsa';
    this.offThread = offThread;
    this.certificate = certificate;
    this.chain = chain;
    this.algorithm = algorithm;
    this.info = parseCertificate(certificate);
  }

  /** Opens a .p12/.pfx. The password is used here only and never stored or reported. */
  static open(p12: Uint8Array, password: string, options: Pkcs12Options = {}): Pkcs12Signer {
    // Node's crypto reads the usual shapes; node-forge the rest (pkcs12-native.ts)
    const native = readPkcs12Natively(p12, password);
    if (native === 'bad-password') throw new SignError('SIGN_BAD_PASSWORD');
    const { keys, certificates: certs } = native ?? readWithForge(p12, password);
    const [pkcs8] = keys;
    if (!pkcs8) throw new SignError('SIGN_NO_KEY');
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    } catch {
      throw new SignError('SIGN_UNSUPPORTED_KEY');
    }
    // The signer's certificate is the one whose public key matches the private key.
    const pub = createPublicKey(key).export({ format: 'der', type: 'spki' });
    const leafIndex = certs.findIndex((c) => Buffer.from(parseCertificate(c).spki).equals(pub));
    if (certs.length === 0) throw new SignError('SIGN_NO_CERTIFICATE');
    const leaf = certs[leafIndex];
    if (!leaf) throw new SignError('SIGN_KEY_MISMATCH');
    const chain = orderChain(
      leaf,
      certs.filter((_, i) => i !== leafIndex),
    );
    return new Pkcs12Signer(key, leaf, chain, algorithmFor(key, options), options.offThread);
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    if (!this.offThread) return this.signSync(data);
    const [hash, key] = this.signArguments();
    return new Promise((resolve, reject) =>
      nodeSign(hash, data, key, (e, signature) => (e ? reject(e) : resolve(new Uint8Array(signature)))),
    );
  }

  /**
   * The same key and certificate signing with the other RSA scheme (PKCS#1 v1.5 or RSASSA-PSS, DOMAIN.md §10.4), for
   * a caller that chooses per request. An EC key has no RSA scheme: SIGN_BAD_OPTIONS.
   */
  withRsaScheme(rsaScheme: 'rsa-pkcs1' | 'rsa-pss'): Pkcs12Signer {
    if (this.algorithm.scheme.kind === 'ecdsa') throw new SignError('SIGN_BAD_OPTIONS', { rsaScheme, key: 'ec' });
    if (this.algorithm.scheme.kind === rsaScheme) return this;
    return new Pkcs12Signer(
      this.key,
      this.certificate,
      [...this.chain],
      algorithmFor(this.key, { hash: this.algorithm.hash, rsaScheme }),
      this.offThread,
    );
  }

  /** Synchronous signing, for callers that sign many documents in a tight loop. */
  signSync(data: Uint8Array): Uint8Array {
    const [hash, key] = this.signArguments();
    return nodeSign(hash, data, key);
  }

  private signArguments(): [string, KeyObject | SignKeyObjectInput | SignPrivateKeyInput] {
    const s = this.algorithm.scheme;
    const hash = NODE_HASH[this.algorithm.hash];
    if (s.kind === 'rsa-pss')
      return [hash, { key: this.key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: s.saltLength }];
    return [hash, s.kind === 'ecdsa' ? { key: this.key, dsaEncoding: 'der' } : this.key];
  }
}

/** Picks the signature scheme for a key: its type and, for EC, its curve. */
export function algorithmFor(key: KeyObject, options: Pkcs12Options = {}): SignerAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    const hash = options.hash ?? 'SHA-256';
    return options.rsaScheme === 'rsa-pss'
      ? { hash, scheme: { kind: 'rsa-pss', saltLength: { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[hash] } }
      : { hash, scheme: { kind: 'rsa-pkcs1' } };
  }
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve =
      curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
    if (!namedCurve) throw new SignError('SIGN_UNSUPPORTED_KEY', { curve });
    const hash = options.hash ?? (namedCurve === 'P-256' ? 'SHA-256' : namedCurve === 'P-384' ? 'SHA-384' : 'SHA-512');
    return { hash, scheme: { kind: 'ecdsa', namedCurve } };
  }
  throw new SignError('SIGN_UNSUPPORTED_KEY', { type });
}

/** Orders `others` from the leaf's issuer upwards; certificates not on the path go last. */
function orderChain(leaf: Uint8Array, others: Uint8Array[]): Uint8Array[] {
  const infos = others.map((c) => ({ der: c, info: parseCertificate(c) }));
  const out: Uint8Array[] = [];
  let current = parseCertificate(leaf);
  for (let guard = 0; guard < 10; guard++) {
    const next = infos.find(
      (x) => !out.includes(x.der) && Buffer.from(x.info.subject).equals(Buffer.from(current.issuer)),
    );
    if (!next || Buffer.from(current.subject).equals(Buffer.from(current.issuer))) break;
    out.push(next.der);
    current = next.info;
  }
  for (const x of infos) if (!out.includes(x.der)) out.push(x.der);
  return out;
}

/** True when `signature` over `data` verifies with the certificate's public key (used to check external values). */
export function verifyWithCertificate(
  cert: CertificateInfo,
  alg: SignerAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const key = publicKeyOf(cert.spki);
  const hash = NODE_HASH[alg.hash];
  try {
    if (alg.scheme.kind === 'rsa-pss')
      return nodeVerify(hash, data, { key, padding: 6, saltLength: alg.scheme.saltLength }, signature);
    if (alg.scheme.kind === 'ecdsa') return nodeVerify(hash, data, { key, dsaEncoding: 'der' }, signature);
    return nodeVerify(hash, data, key, signature);
  } catch {
    return false;
  }
}
