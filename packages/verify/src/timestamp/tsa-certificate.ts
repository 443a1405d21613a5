/**
 * RFC 3161 §2.3: a TSA certificate carries exactly one extended key usage, id-kp-timeStamping, marked critical;
 * and it must be within its validity period when it stamps. Chain building and revocation are the trust module's.
 */
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../revocation/bytes.js';
import type { TimestampProblem } from './messages.js';
import { TSP_OID } from './oids.js';

export interface TsaCertificateFacts {
  /** The subject's common name, for messages. */
  subject?: string;
  /** The extended key usages listed (empty when the extension is absent). */
  purposes: string[];
  ekuPresent: boolean;
  ekuCritical: boolean;
  notBefore?: Date;
  notAfter?: Date;
  /** Within the validity period at the time asked; null when no time was given. */
  validAt: boolean | null;
  problems: Extract<TimestampProblem, `TSA_CERT_${string}`>[];
}

/** The facts of a TSA certificate (DER or parsed) and, given `at` (the token's genTime), its validity then. */
export function inspectTsaCertificate(certificate: Uint8Array | pkijs.Certificate, at?: Date): TsaCertificateFacts {
  const facts: TsaCertificateFacts = {
    purposes: [],
    ekuPresent: false,
    ekuCritical: false,
    validAt: null,
    problems: [],
  };
  let cert: pkijs.Certificate;
  try {
    cert =
      certificate instanceof pkijs.Certificate ? certificate : pkijs.Certificate.fromBER(toArrayBuffer(certificate));
  } catch {
    facts.problems.push('TSA_CERT_UNREADABLE');
    return facts;
  }
  facts.subject = commonName(cert);
  const eku = cert.extensions?.find((e) => e.extnID === TSP_OID.extKeyUsage);
  if (!eku) facts.problems.push('TSA_CERT_NO_EKU');
  else {
    facts.ekuPresent = true;
    facts.ekuCritical = eku.critical === true;
    facts.purposes = eku.parsedValue instanceof pkijs.ExtKeyUsage ? [...eku.parsedValue.keyPurposes] : [];
    if (!facts.ekuCritical) facts.problems.push('TSA_CERT_EKU_NOT_CRITICAL');
    if (facts.purposes.length !== 1 || facts.purposes[0] !== TSP_OID.kpTimeStamping)
      facts.problems.push('TSA_CERT_EKU_NOT_TIMESTAMPING');
  }
  facts.notBefore = cert.notBefore.value;
  facts.notAfter = cert.notAfter.value;
  if (at) {
    const t = at.getTime();
    facts.validAt = facts.notBefore.getTime() <= t && t <= facts.notAfter.getTime();
    if (!facts.validAt) facts.problems.push('TSA_CERT_NOT_VALID_AT_GENTIME');
  }
  return facts;
}

function commonName(cert: pkijs.Certificate): string | undefined {
  const cn = cert.subject.typesAndValues.find((t) => t.type === '2.5.4.3');
  const value = (cn?.value as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  return typeof value === 'string' ? value : undefined;
}
