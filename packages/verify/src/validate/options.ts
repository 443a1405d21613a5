/** What the caller decides for a validation: whom to trust, as of when, whether to go online, and the policies. */
import type { CryptoPolicy } from '../crypto-policy/index.js';
import type { VerdictPolicy } from '../policy/verdict.js';
import type { FetchLike } from '../revocation/index.js';

/** A certificate as DER or PEM bytes, a PEM string, or parsed by pkijs. */
export type CertificateSource = Uint8Array | string | import('pkijs').Certificate;

export interface ValidateOptions {
  /** The roots to trust (several allowed). Nothing is trusted by default. */
  trustAnchors?: readonly CertificateSource[];
  /** Extra intermediate certificates to build paths with. */
  intermediates?: readonly CertificateSource[];
  /** Validate as of this time (default: now). */
  at?: Date;
  /** Fetch OCSP responses and CRLs (and missing issuers) from the network. Default false: embedded data only. */
  online?: boolean;
  /** The fetch to use online (default globalThis.fetch); tests and servers inject their own. */
  fetch?: FetchLike;
  /** Timeout per network request when online (default 5000 ms). */
  timeoutMs?: number;
  cryptoPolicy?: CryptoPolicy;
  verdictPolicy?: Partial<VerdictPolicy>;
  /** Decoded bytes the file's streams may produce in all (@kyso/pdf LoadOptions; default 512 MiB); beyond: PDF_LIMIT. */
  maxDecodedBytes?: number;
}
