/**
 * What validation data to gather, as data (pyHanko's ValidationContext and EU DSS's policy are the models): which
 * revocation sources to ask and what a missing or revoked status means.
 */

/**
 * - 'ocsp-then-crl': OCSP where the certificate names a responder; the CRL where it names none or OCSP fails.
 * - 'ocsp': OCSP where named, and a failing responder is a failure (no CRL fallback); the CRL only for
 *   certificates that name no responder.
 * - 'crl': the CRL where named; OCSP only for certificates with no distribution point.
 * - 'ocsp-and-crl': every source the certificate names, each must answer (DOMAIN.md §10.1 S9 keeps the CRL at
 *   signing time and the status-check result: this is the Vietnamese archival profile).
 */
export type RevocationSources = 'ocsp-then-crl' | 'ocsp' | 'crl' | 'ocsp-and-crl';

export interface LtvPolicy {
  revocation: RevocationSources;
  /** A non-root certificate whose status could not be had: refuse ('error') or go on with a warning ('warn'). */
  missing: 'error' | 'warn';
  /** A revoked certificate: refuse ('error', signing) or embed the evidence of it ('embed', augmenting). */
  revoked: 'error' | 'embed';
  /** Fetch missing issuer certificates from the Authority Information Access caIssuers URL. */
  fetchIssuers: boolean;
  /** Per request. */
  timeoutMs: number;
  maxOcspBytes: number;
  maxCrlBytes: number;
  maxCertificateBytes: number;
}

export const DEFAULT_LTV_POLICY: Readonly<LtvPolicy> = Object.freeze({
  revocation: 'ocsp-then-crl',
  missing: 'error',
  revoked: 'error',
  fetchIssuers: true,
  timeoutMs: 10_000,
  maxOcspBytes: 1 << 20,
  maxCrlBytes: 32 << 20,
  maxCertificateBytes: 1 << 20,
});

/** The Vietnamese archival profile: OCSP and CRL both kept (Circular 15/2025 Art. 5 S9). */
export const VN_ARCHIVAL_LTV_POLICY: Readonly<LtvPolicy> = Object.freeze({
  ...DEFAULT_LTV_POLICY,
  revocation: 'ocsp-and-crl',
});

export function ltvPolicy(overrides: Partial<LtvPolicy> = {}): LtvPolicy {
  return { ...DEFAULT_LTV_POLICY, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
}
