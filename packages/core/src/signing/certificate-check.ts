/**
 * Before signing (Circular 15/2025 Art. 5 S1, DOMAIN.md §10.1): the signer's certificate must be valid at the
 * signing time, allowed to sign, and not revoked when its CA's OCSP responder or CRL can be reached. An invalid
 * certificate refuses to sign with a typed error; an unreachable status service is a warning or, by policy, a
 * refusal.
 */
import { parseCertificate, type CertificateInfo } from '../cms/certificate.js';
import { SignError } from './errors.js';
import { onlineRevocationChecker } from './revocation-checker.js';
import { signingWarning, type SigningWarning } from './warnings.js';

export interface RevocationAnswer {
  status: 'good' | 'revoked' | 'unknown';
  source: 'ocsp' | 'crl' | null;
  revocationTime?: Date;
  /** Why the status is unknown, as codes or short English facts (they become a warning's detail). */
  warnings: string[];
}

/** Asks the CA whether `cert` (issued by `issuer`, both DER) is revoked. */
export type RevocationChecker = (cert: Uint8Array, issuer: Uint8Array, at: Date) => Promise<RevocationAnswer>;

export interface CertificateCheckPolicy {
  /** 'require': refuse when the status cannot be had; 'if-available': warn and go on; 'off': do not ask. */
  revocation: 'require' | 'if-available' | 'off';
  /** Default: ask the CA's OCSP responder, then its CRL (onlineRevocationChecker). */
  checker?: RevocationChecker;
}

export interface CertificateCheckResult {
  certificate: CertificateInfo;
  revocation: RevocationAnswer | null;
  warnings: SigningWarning[];
}

export const DEFAULT_CHECK_POLICY: CertificateCheckPolicy = { revocation: 'if-available' };

export async function checkSignerCertificate(
  certificate: Uint8Array,
  chain: readonly Uint8Array[],
  at: Date,
  policy: CertificateCheckPolicy = DEFAULT_CHECK_POLICY,
): Promise<CertificateCheckResult> {
  const cert = parseCertificate(certificate);
  const subject = cert.subjectAttributes.CN;
  if (at < cert.notBefore)
    throw new SignError('SIGN_CERT_NOT_YET_VALID', { subject, notBefore: cert.notBefore.toISOString() });
  if (at > cert.notAfter) throw new SignError('SIGN_CERT_EXPIRED', { subject, notAfter: cert.notAfter.toISOString() });
  if (cert.keyUsage && !cert.keyUsage.includes('digitalSignature') && !cert.keyUsage.includes('nonRepudiation')) {
    throw new SignError('SIGN_CERT_KEY_USAGE', { subject, keyUsage: cert.keyUsage });
  }
  const warnings: SigningWarning[] = [];
  let revocation: RevocationAnswer | null = null;
  if (policy.revocation !== 'off') {
    const issuer = chain.find((c) => Buffer.from(parseCertificate(c).subject).equals(Buffer.from(cert.issuer)));
    if (!issuer) {
      revocation = { status: 'unknown', source: null, warnings: ["the issuer's certificate is not in the chain"] };
    } else {
      // The status is asked now: the CA answers about the present, which is what a signer about to sign needs.
      revocation = await (policy.checker ?? onlineRevocationChecker())(certificate, issuer, new Date());
    }
    if (revocation.status === 'revoked') {
      throw new SignError('SIGN_CERT_REVOKED', {
        subject,
        source: revocation.source,
        revocationTime: revocation.revocationTime?.toISOString(),
      });
    }
    if (revocation.status === 'unknown' && policy.revocation === 'require')
      throw new SignError('SIGN_CERT_STATUS_UNKNOWN', { subject });
    if (revocation.status === 'unknown') {
      const why = revocation.warnings.join(', ');
      warnings.push(signingWarning('SIGN_REVOCATION_UNCHECKED', [subject, why].filter(Boolean).join(': ')));
    }
  }
  return { certificate: cert, revocation, warnings };
}
