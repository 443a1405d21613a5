/**
 * Whether a certificate's key may sign documents, as policy data: its keyUsage (when present) must allow
 * digitalSignature or nonRepudiation, and its extendedKeyUsage (when present) must name a document-signing purpose.
 * This is the signer's certificate only: a TSA's is judged by its timeStamping EKU (RFC 3161), and Vietnamese TSA
 * certificates that also set keyCertSign are not affected.
 *
 * The EKU rule follows RFC 5280 §4.2.1.12 (an EKU present restricts the key to its purposes, critical or not): a
 * certificate only for TLS servers, code signing, timestamping or OCSP signing does not sign documents. The accepted
 * set is the document-signing purposes plus clientAuth: citizens' eID signing certificates often carry clientAuth
 * alone (the corpus's dss/pdf-removed-pages.pdf: a Cypriot signer, keyUsage digitalSignature, EKU clientAuth), and
 * EU DSS and pyHanko both accept them by default (neither checks the signer's EKU unless configured to).
 */
import type * as pkijs from 'pkijs';
import { KEY_PURPOSES, readExtensions, type KeyUsageName } from './extensions.js';

/** keyUsage bits of which at least one must be set (X.509 contentCommitment is nonRepudiation). */
export const SIGNING_KEY_USAGES: readonly KeyUsageName[] = ['digitalSignature', 'nonRepudiation'];

/** Extended key usage purposes of which at least one must be present when the extension is. */
export const DOCUMENT_SIGNING_PURPOSES: Readonly<Record<string, string>> = {
  anyExtendedKeyUsage: KEY_PURPOSES.anyExtendedKeyUsage,
  /** id-kp-documentSigning, RFC 9336. */
  documentSigning: KEY_PURPOSES.documentSigning,
  /** id-kp-emailProtection: S/MIME signing; the usual purpose of Vietnamese personal and organisation certificates. */
  emailProtection: KEY_PURPOSES.emailProtection,
  /** id-kp-clientAuth: eID and token certificates that sign documents and log in with one key (see above). */
  clientAuth: KEY_PURPOSES.clientAuth,
  /** Adobe Authentic Documents Trust (Adobe PDF signing). */
  adobeAuthenticDocuments: '1.2.840.113583.1.1.5',
  /** Microsoft document signing (szOID_KP_DOCUMENT_SIGNING). */
  microsoftDocumentSigning: '1.3.6.1.4.1.311.10.3.12',
};

export type SignerUsageCode = 'SIGNER_KEY_USAGE' | 'SIGNER_EXTENDED_KEY_USAGE';

export interface SignerUsageProblem {
  code: SignerUsageCode;
  /** What the certificate allows instead (usage names or purpose OIDs). */
  detail: string;
}

/** The reasons `cert` may not sign documents; empty when it may. Never throws. */
export function signerUsageProblems(cert: pkijs.Certificate): SignerUsageProblem[] {
  const x = readExtensions(cert);
  const problems: SignerUsageProblem[] = [];
  if (x.keyUsage && !x.keyUsage.some((u) => SIGNING_KEY_USAGES.includes(u))) {
    problems.push({ code: 'SIGNER_KEY_USAGE', detail: x.keyUsage.join(', ') || 'no usage' });
  }
  const allowed = new Set(Object.values(DOCUMENT_SIGNING_PURPOSES));
  if (x.extendedKeyUsage && !x.extendedKeyUsage.some((p) => allowed.has(p))) {
    problems.push({ code: 'SIGNER_EXTENDED_KEY_USAGE', detail: x.extendedKeyUsage.join(', ') || 'no purpose' });
  }
  // An unreadable keyUsage or extendedKeyUsage says nothing kyso can rely on: not fit.
  if (x.malformed.includes('2.5.29.15')) problems.push({ code: 'SIGNER_KEY_USAGE', detail: 'malformed' });
  if (x.malformed.includes('2.5.29.37')) problems.push({ code: 'SIGNER_EXTENDED_KEY_USAGE', detail: 'malformed' });
  return problems;
}
