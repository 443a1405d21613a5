/**
 * A certificate of the bundled trust material (trust-data/), as the generated module records it: the manifest's
 * facts and the DER (base64), decoded and parsed only when a profile is first used.
 */
import type * as pkijs from 'pkijs';
import { toCertificate } from '../revocation/certificates.js';

/** One row of a trust-data manifest, as scripts/build-trust-data.mjs emits it. */
export interface BundledCertificateRecord {
  /** Path inside the trust-data folder, e.g. "certs/vn-national-root-ca-sha256-2014.pem". */
  file: string;
  /** root: a trust anchor candidate; intermediate and tsa: offered for path building only, never trusted. */
  role: 'root' | 'intermediate' | 'tsa';
  /** Subject and issuer as nameText prints them ("CN=…, O=…, C=VN"), read from the certificate. */
  subject: string;
  issuer: string;
  /** The subject and authority key identifiers (upper-case hex), null when absent. */
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  /** SHA-256 of the DER, upper-case hex. */
  sha256: string;
  /** ISO times. */
  notBefore: string;
  notAfter: string;
  /** Found byte-identical in at least two independent public copies of the official publication. */
  corroborated: boolean;
  independentCopies: number;
  /** The certificate, DER in base64. */
  der: string;
}

/** Base64 to bytes with what both browsers and Node offer (atob), no Buffer. */
export function base64Bytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function parseBundled(record: BundledCertificateRecord): pkijs.Certificate {
  return toCertificate(base64Bytes(record.der));
}
