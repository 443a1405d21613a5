/** Long-term validation: validation-data gathering, the DSS, document timestamps and augmentation (B-T/LT/LTA). */
export { LtvError, LTV_MESSAGES, type LtvErrorCode } from './errors.js';
export {
  DEFAULT_LTV_POLICY,
  VN_ARCHIVAL_LTV_POLICY,
  ltvPolicy,
  type LtvPolicy,
  type RevocationSources,
} from './policy.js';
export {
  gatherValidationData,
  type ValidationTarget,
  type ValidationData,
  type VriEntry,
  type CertificateReport,
  type GatherOptions,
} from './gather.js';
export type { RevocationAttemptFacts } from './revocation.js';
export { addDss, buildDssUpdate, vriKey, type DssContent } from './dss.js';
export { existingSignatures, type ExistingSignature } from './signatures.js';
export {
  appendUpdates,
  extendUpdates,
  extendPdf,
  extendFile,
  type ExtendLevel,
  type ExtendOptions,
  type ExtendReport,
  type Extended,
} from './augment.js';
export { ChainedSource } from './chained-source.js';
export { pemOrDerCertificates } from './issuer-fetch.js';
export { isLtvLevel, ltvTimestampBytes, ltvUpdatesAfter, type LtvSigningOptions } from './new-signature.js';
