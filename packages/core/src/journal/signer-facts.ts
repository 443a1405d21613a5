/** The journal's facts about a signature: who (the certificate's CN and SHA-256) and what (the output's SHA-256). */
import { createHash } from 'node:crypto';
import { parseCertificate } from '../cms/certificate.js';

export function sha256Hex(bytes: Uint8Array | readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const b of bytes instanceof Uint8Array ? [bytes] : bytes) h.update(b);
  return h.digest('hex');
}

/** The signer's name (subject CN, else O, else the whole subject) and the certificate's SHA-256. */
export function signerFacts(certificateDer: Uint8Array): { signerName: string; signerCertSha256: string } {
  const info = parseCertificate(certificateDer);
  const a = info.subjectAttributes;
  return {
    signerName: a.CN || a.O || Object.values(a).join(', ') || '(no subject name)',
    signerCertSha256: sha256Hex(certificateDer),
  };
}
