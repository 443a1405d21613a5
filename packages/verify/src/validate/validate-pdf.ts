/**
 * validatePdf: every signature and document timestamp of a PDF, facts first, then the verdict of each under the
 * caller's policy, as the report of the DESIGN.md contract. Browser-safe. A file that is not a readable PDF is a
 * PdfError (typed); a damaged signature is a verdict, never an exception.
 */
import type * as pkijs from 'pkijs';
import { PdfDocument, type ByteSource } from '@kyso/pdf';
import { withHiddenSignature } from '../policy/hidden-signature.js';
import { collectEvidence } from '../evidence/index.js';
import { decide, DEFAULT_VERDICT_POLICY, type Verdict } from '../policy/verdict.js';
import { validationReport, type ValidationReport } from '../report/report.js';
import type { TrustContext } from './chain.js';
import type { DocumentFacts, SignatureFacts } from './facts.js';
import { gatherFacts, startSignatures, type StartedSignatures } from './gather.js';
import { findSignatures } from '../signature/index.js';
import type { ValidateOptions } from './options.js';
import { resolveTrust } from './trust-sources.js';

export { readCertificates } from './read-certificates.js';

export interface ValidationResult {
  report: ValidationReport;
  facts: DocumentFacts;
  verdicts: Verdict[];
}

/**
 * Validates every signature and document timestamp of the PDF. `bytes` may be a ByteSource (e.g. a file read in
 * windows), so a large file is parsed and hashed without being held in memory.
 */
export async function validatePdfDetailed(
  bytes: Uint8Array | ByteSource,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  // an update without /Prev must not cut a signed revision out of view
  const doc = PdfDocument.load(bytes, { maxDecodedBytes: options.maxDecodedBytes, fullHistory: true });
  // One list of signatures for the evidence pool and the facts: each CMS is parsed once (signature/ber.ts).
  const signatures = findSignatures(doc);
  // Hashing starts first: it is the longest step and needs nothing below (gather.ts startSignatures).
  const started = startSignatures(bytes, doc, signatures);
  try {
    return await judged(doc, started, options);
  } finally {
    await started.done; // nothing reads the source any more once this returns, a throw included
  }
}

async function judged(
  doc: PdfDocument,
  started: StartedSignatures,
  options: ValidateOptions,
): Promise<ValidationResult> {
  const evidence = await collectEvidence(doc, { signatures: started.found });
  const documentCertificates = evidence.certificates
    .map((c) => c.certificate)
    .filter((c): c is pkijs.Certificate => c !== null);
  // The profile's anchors and extra certificates join the caller's: those that can link to the document's
  // certificates, and later to the issuers AIA brings (trust-sources.ts).
  const trust = resolveTrust(options, documentCertificates);
  const ctx: TrustContext = {
    at: options.at ?? new Date(),
    anchors: trust.anchors,
    intermediates: trust.intermediates,
    widen: (certificates) => {
      const more = trust.widen(certificates);
      ctx.anchors.push(...more.anchors);
      ctx.intermediates.push(...more.intermediates);
      return more;
    },
    documentCertificates,
    evidence,
    online: options.online ?? false,
    fetch: options.fetch,
    ocspCache: options.ocspCache,
    timeoutMs: options.timeoutMs ?? 5000,
    cryptoPolicy: options.cryptoPolicy,
    validationDataRevision: (f: SignatureFacts) => {
      const vri = evidence.vri.find((v) => v.signatureField === f.fieldName && v.revision > f.signedRevision);
      if (vri) return vri.revision;
      const revs = [...evidence.ocspResponses, ...evidence.crls]
        .filter((i) => i.origins.some((o) => o.source === 'dss' || o.source === 'vri'))
        .map((i) => i.firstRevision)
        .filter((r) => r > f.signedRevision);
      return revs.length ? Math.min(...revs) : null;
    },
  };
  const facts = await gatherFacts(doc, ctx, started);
  const policy = { ...DEFAULT_VERDICT_POLICY, ...options.verdictPolicy };
  const verdicts = facts.signatures.map((f) => withHiddenSignature(f, decide(f, policy)));
  return { report: validationReport(facts, verdicts), facts, verdicts };
}

export async function validatePdf(
  bytes: Uint8Array | ByteSource,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  return (await validatePdfDetailed(bytes, options)).report;
}
