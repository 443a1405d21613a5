/**
 * Who signs: a certificate, its chain, an algorithm, and `sign(data)`. A Signer knows nothing about PDF; it is
 * given the DER of the CMS signed attributes and returns the raw signature value. Implementations: PKCS#12
 * (Node KeyObject), PKCS#11 (pkcs11js), WebCrypto (CryptoKey), and external (two-step).
 */
export type HashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** How the signature value is made. */
export type SignatureScheme =
  | { kind: 'rsa-pkcs1' }
  | { kind: 'rsa-pss'; saltLength: number }
  | { kind: 'ecdsa'; namedCurve: 'P-256' | 'P-384' | 'P-521' };

export interface SignerAlgorithm {
  hash: HashAlgorithm;
  scheme: SignatureScheme;
}

export interface Signer {
  /** The signer's certificate, DER. */
  readonly certificate: Uint8Array;
  /** The chain above it (intermediates, optionally the root), DER, nearest first. */
  readonly chain: readonly Uint8Array[];
  readonly algorithm: SignerAlgorithm;
  /**
   * Signs `data` (the DER of the signed attributes) with `algorithm`: hashes it and signs the hash. ECDSA values
   * are returned DER-encoded (Ecdsa-Sig-Value), as CMS wants them.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /**
   * True only for a signer whose values need no check against the certificate: made in this process with a key
   * whose public half was matched to the certificate, by a library that checks its own results (Pkcs12Signer:
   * OpenSSL verifies its RSA-CRT results). Any other signer's value is verified with the certificate before it is
   * embedded (SIGN_BAD_SIGNATURE_VALUE otherwise).
   */
  readonly checksOwnValues?: boolean;
}

/** Byte length of a digest. */
export const HASH_LENGTH: Record<HashAlgorithm, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** Node crypto's names for the hashes. */
export const NODE_HASH: Record<HashAlgorithm, string> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};
