/** Embedded validation data (DSS, VRI, CMS, revocation-archival, CAdES values, timestamp tokens) and the offline revocation lookup over it. */
export { readDss, DSS_LIMITS, type DssFacts, type VriFacts } from './dss.js';
export {
  cmsEvidence,
  wrapBasicResponse,
  EVIDENCE_OID,
  type CmsEvidence,
  type CmsEvidenceItem,
  type EvidenceKind,
  type EvidenceSource,
  type TimestampRole,
} from './cms-evidence.js';
export {
  collectEvidence,
  vriKeys,
  type CollectEvidenceOptions,
  type EvidenceOrigin,
  type EvidencePool,
  type PooledCertificate,
  type PooledCrl,
  type PooledOcspResponse,
  type PooledVri,
} from './pool.js';
export {
  findEmbeddedRevocation,
  type EmbeddedRevocationCandidate,
  type EmbeddedRevocationFacts,
  type EmbeddedRevocationOptions,
  type EmbeddedRevocationProblem,
  type RevocationFreshness,
} from './revocation.js';
export { EVIDENCE_MESSAGES, describeEvidenceProblem, type EvidenceProblem } from './messages.js';
