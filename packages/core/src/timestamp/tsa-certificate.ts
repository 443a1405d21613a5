/**
 * RFC 3161 §2.3: a TSA certificate has exactly one extended key usage, id-kp-timeStamping, marked critical; and it
 * must be within its validity period when it stamps. Chain building and revocation are the verifier's job.
 */
import { Certificate, ExtKeyUsage } from 'pkijs';
import { toArrayBuffer } from './bytes.js';
import { TsaError } from './errors.js';
import { TSP_OID } from './oids.js';

/** Throws TSA_CERTIFICATE_INVALID unless `certificate` (DER) may have issued a timestamp at `at`. */
export function checkTsaCertificate(certificate: Uint8Array | Certificate, at: Date): void {
  let cert: Certificate;
  try {
    cert = certificate instanceof Certificate ? certificate : Certificate.fromBER(toArrayBuffer(certificate));
  } catch {
    throw new TsaError('TSA_CERTIFICATE_INVALID', { reason: 'unparsable' }, 'the certificate does not parse');
  }
  const subject = subjectCN(cert);
  const eku = cert.extensions?.find((e) => e.extnID === TSP_OID.extKeyUsage);
  if (!eku) throw invalid('no-eku', subject, 'no extended key usage');
  if (!eku.critical) throw invalid('eku-not-critical', subject, 'the extended key usage is not critical');
  const purposes = eku.parsedValue instanceof ExtKeyUsage ? eku.parsedValue.keyPurposes : [];
  if (purposes.length !== 1 || purposes[0] !== TSP_OID.kpTimeStamping) {
    throw invalid('eku-not-timestamping-only', subject, `extended key usage ${purposes.join(', ') || '(empty)'} is not timeStamping alone`, {
      purposes,
    });
  }
  const notBefore = cert.notBefore.value;
  const notAfter = cert.notAfter.value;
  if (at.getTime() < notBefore.getTime() || at.getTime() > notAfter.getTime()) {
    throw invalid('outside-validity', subject, `not valid at ${at.toISOString()}`, {
      at: at.toISOString(),
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
    });
  }
}

function invalid(reason: string, subject: string | undefined, detail: string, extra: Record<string, unknown> = {}): TsaError {
  return new TsaError('TSA_CERTIFICATE_INVALID', { reason, subject, ...extra }, detail);
}

function subjectCN(cert: Certificate): string | undefined {
  const cn = cert.subject.typesAndValues.find((t) => t.type === '2.5.4.3');
  const value = (cn?.value as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  return typeof value === 'string' ? value : undefined;
}
