/**
 * A Signer over a WebCrypto webcrypto.CryptoKey (a browser, a WebCrypto-backed token, or Node's webcrypto). WebCrypto
 * returns ECDSA signatures as r||s; CMS wants them DER-encoded, so they are converted.
 */
import type { webcrypto } from 'node:crypto';
import { ecdsaRawToDer } from '../../cms/ecdsa.js';
import { SignError } from '../errors.js';
import type { HashAlgorithm, Signer, SignerAlgorithm } from '../signer.js';

export interface WebCryptoSignerInit {
  privateKey: webcrypto.CryptoKey;
  certificate: Uint8Array;
  chain?: Uint8Array[];
  /** Default: the hash the key was imported with, else SHA-256. */
  hash?: HashAlgorithm;
  /** For RSA-PSS keys: the salt length (default: the hash length). */
  saltLength?: number;
  subtle?: webcrypto.SubtleCrypto;
}

export class WebCryptoSigner implements Signer {
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly algorithm: SignerAlgorithm;
  private readonly key: webcrypto.CryptoKey;
  private readonly subtle: webcrypto.SubtleCrypto;

  constructor(init: WebCryptoSignerInit) {
    this.key = init.privateKey;
    this.certificate = init.certificate;
    this.chain = init.chain ?? [];
    this.subtle = init.subtle ?? (globalThis.crypto as unknown as webcrypto.Crypto).subtle;
    const alg = init.privateKey.algorithm as webcrypto.KeyAlgorithm & { hash?: { name: string }; namedCurve?: string };
    const hash = init.hash ?? (alg.hash?.name as HashAlgorithm | undefined) ?? 'SHA-256';
    switch (alg.name) {
      case 'RSASSA-PKCS1-v1_5':
        this.algorithm = { hash, scheme: { kind: 'rsa-pkcs1' } };
        break;
      case 'RSA-PSS':
        this.algorithm = {
          hash,
          scheme: {
            kind: 'rsa-pss',
            saltLength: init.saltLength ?? { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[hash],
          },
        };
        break;
      case 'ECDSA': {
        const c = alg.namedCurve;
        if (c !== 'P-256' && c !== 'P-384' && c !== 'P-521') throw new SignError('SIGN_UNSUPPORTED_KEY', { curve: c });
        this.algorithm = { hash, scheme: { kind: 'ecdsa', namedCurve: c } };
        break;
      }
      default:
        throw new SignError('SIGN_UNSUPPORTED_KEY', { algorithm: alg.name });
    }
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    const s = this.algorithm.scheme;
    const params =
      s.kind === 'ecdsa'
        ? { name: 'ECDSA', hash: this.algorithm.hash }
        : s.kind === 'rsa-pss'
          ? { name: 'RSA-PSS', saltLength: s.saltLength }
          : { name: 'RSASSA-PKCS1-v1_5' };
    const sig = new Uint8Array(await this.subtle.sign(params, this.key, data));
    return s.kind === 'ecdsa' ? ecdsaRawToDer(sig) : sig;
  }
}
