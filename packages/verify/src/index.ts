/**
 * @kyso/verify — PDF signature validation with ETSI EN 319 102-1 verdicts, browser-safe: `validatePdf` and its
 * building blocks (signatures and integrity, modification analysis, trust paths, timestamps, embedded and online
 * revocation, the crypto policy, reports in Vietnamese and English).
 */
export { INDICATIONS, SUB_INDICATIONS, INDICATION_LABELS, type Indication, type SubIndication } from './indications.js';
export * from './revocation/index.js';
export * from './net/index.js';
export * from './signature/index.js';
export {
  analyseModifications,
  changesAfter,
  revisionChanges,
  RefIndex,
  REF_INDEX_LIMITS,
  READING_LIMITS,
  xrefAnomalies,
  type XrefAnomaly,
  type ReadingDifference,
  classify,
  permittedLevel,
  LEVELS,
  type ModificationAnalysis,
  type ModificationChange,
  type AnalyseOptions,
  type ModificationLevel,
  type ObjectChange,
} from './modifications/index.js';
export * from './timestamp/index.js';
export * from './evidence/index.js';
export { validatePdf, validatePdfDetailed, readCertificates, type ValidationResult } from './validate/validate-pdf.js';
export type { ValidateOptions, CertificateSource as CertificateSourceInput } from './validate/options.js';
export type {
  DocumentFacts,
  SignatureFacts,
  ChainFacts,
  TimestampFacts,
  RevocationFacts,
  CertificateRevocation,
  RevocationStatus,
  PadesLevel,
} from './validate/facts.js';
export {
  summariseCertificate,
  summariseName,
  type CertificateSummary,
  type NameSummary,
} from './validate/certificate-summary.js';
export {
  signatureTransforms,
  allFieldNames,
  lockedFieldNames,
  type SignatureTransforms,
} from './validate/transforms.js';
export { pdfDateToIso } from './validate/pdf-date.js';
export {
  decide,
  DEFAULT_VERDICT_POLICY,
  CRYPTO_FLAG_FINDINGS,
  type Verdict,
  type VerdictPolicy,
} from './policy/verdict.js';
export { FINDINGS, finding, type Finding, type FindingCode, type FindingPlace } from './policy/findings.js';
export {
  validationReport,
  signatureReport,
  type ValidationReport,
  type SignatureReport,
  type SignerReport,
  type ValidityAt,
} from './report/report.js';
export { conclusionOf, type Conclusion, type ConclusionResult, type ConclusionInput } from './report/conclusion.js';
export {
  humanReport,
  vietnamTime,
  validityText,
  revocationText,
  placeText,
  type Language,
  type HumanReportOptions,
} from './report/human.js';
export {
  etsiValidationReportXml,
  validatePdfEtsiXml,
  escapeXmlText,
  escapeXmlAttribute,
  ETSI_VR_NAMESPACE,
  XMLDSIG_NAMESPACE,
  KYSO_REPORT_NAMESPACE,
  type EtsiXmlOptions,
} from './report/etsi-xml.js';
export * from './trust/index.js';
export * from './trust-profiles/index.js';
export * from './crypto-policy/index.js';
