/** What the caller decides for a validation: whom to trust, as of when, whether to go online, and the policies. */
import type { CryptoPolicy } from '../crypto-policy/index.js';
import type { VerdictPolicy } from '../policy/verdict.js';
import type { FetchLike, OcspCache } from '../revocation/index.js';
import type { TrustProfile, TrustProfileName } from '../trust-profiles/profiles.js';

/** A certificate as DER or PEM bytes, a PEM string, or parsed by pkijs. */
export type CertificateSource = Uint8Array | string | import('pkijs').Certificate;

export interface ValidateOptions {
  /** The roots to trust (several allowed), besides the profile's. Nothing is trusted by default. */
  trustAnchors?: readonly CertificateSource[];
  /** Extra intermediate certificates to build paths with, besides the profile's. */
  intermediates?: readonly CertificateSource[];
  /**
   * A trust profile: its anchors are trusted and its extra certificates (intermediates, TSA certificates) offered
   * for path building, never trusted. A bundled name ('vn': corroborated Vietnamese roots; 'vn-all': every bundled
   * Vietnamese root) or a profile made with customTrustProfile. None by default.
   */
  trustProfile?: TrustProfileName | TrustProfile;
  /** Validate as of this time (default: now). */
  at?: Date;
  /** Fetch OCSP responses and CRLs (and missing issuers) from the network. Default false: embedded data only. */
  online?: boolean;
  /** The fetch to use online (default globalThis.fetch); tests and servers inject their own. */
  fetch?: FetchLike;
  /** Timeout per network request when online (default 5000 ms). */
  timeoutMs?: number;
  /**
   * OCSP answers kept across the validations of one batch run (new OcspCache(), one per run or worker): a certificate
   * is asked about once while its answer is current. None by default: every online check asks the responder.
   */
  ocspCache?: OcspCache;
  cryptoPolicy?: CryptoPolicy;
  verdictPolicy?: Partial<VerdictPolicy>;
  /** Decoded bytes the file's streams may produce in all (@kyso/pdf LoadOptions; default 512 MiB); beyond: PDF_LIMIT. */
  maxDecodedBytes?: number;
}
