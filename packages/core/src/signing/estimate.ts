/** How many bytes the CMS will need, so the placeholder is large enough without being wasteful. */
import type { SignerAlgorithm } from './signer.js';

/** A TSA token with its certificate chain is typically 4–6 KB; leave room for larger chains. */
export const TIMESTAMP_RESERVE = 12_000;
/**
 * Room for encoding differences. Augmentation to B-LT/B-LTA never grows the CMS (validation data goes to the DSS
 * and the archive timestamp is a document timestamp), so a B-T-sized CMS is also the LTA-sized one.
 */
export const MARGIN = 2_048;

export function estimateCmsBytes(input: {
  certificate: Uint8Array;
  chain: readonly Uint8Array[];
  algorithm: SignerAlgorithm;
  /** Public key size in bits, for RSA. */
  keyBits?: number;
  timestamp: boolean;
  /** The TSA's token size when known (probed); the reserve is the larger of it and TIMESTAMP_RESERVE. */
  timestampBytes?: number;
}): number {
  const certs = input.certificate.length + input.chain.reduce((n, c) => n + c.length, 0);
  const s = input.algorithm.scheme;
  const sig =
    s.kind === 'ecdsa'
      ? { 'P-256': 72, 'P-384': 104, 'P-521': 139 }[s.namedCurve]
      : Math.ceil((input.keyBits ?? 4096) / 8);
  const signedAttrs = 200 + input.certificate.length / 4; // digest, cert hash, issuer name
  return Math.ceil(
    certs +
      sig +
      signedAttrs +
      400 +
      (input.timestamp ? Math.max(TIMESTAMP_RESERVE, input.timestampBytes ?? 0) : 0) +
      MARGIN,
  );
}
