/**
 * RFC 3161 §2.3 for the signer: the TSA certificate's critical, timeStamping-only EKU and its validity when it
 * stamped, read by @kyso/verify's inspectTsaCertificate and thrown as TSA_CERTIFICATE_INVALID.
 */
import { inspectTsaCertificate } from '@kyso/verify';
import type { Certificate } from 'pkijs';
import { certificateError } from './problems.js';

/** Throws TSA_CERTIFICATE_INVALID unless `certificate` (DER) may have issued a timestamp at `at`. */
export function checkTsaCertificate(certificate: Uint8Array | Certificate, at: Date): void {
  const facts = inspectTsaCertificate(certificate, at);
  const extra: Record<string, unknown> = { subject: facts.subject };
  if (facts.problems.includes('TSA_CERT_EKU_NOT_TIMESTAMPING')) extra.purposes = facts.purposes;
  if (facts.problems.includes('TSA_CERT_NOT_VALID_AT_GENTIME')) {
    Object.assign(extra, {
      at: at.toISOString(),
      notBefore: facts.notBefore?.toISOString(),
      notAfter: facts.notAfter?.toISOString(),
    });
  }
  const error = certificateError(facts.problems, extra);
  if (error) throw error;
}
