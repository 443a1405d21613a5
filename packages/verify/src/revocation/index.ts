/** Revocation checking (OCSP, CRL) shared by the verifier, the signer's pre-signing check and LTV embedding. */
export {
  checkRevocation,
  type CheckRevocationOptions,
  type RevocationCheck,
  type RevocationAttempt,
  type RevocationEvidence,
  type RevocationPreference,
  type RevocationSource,
} from './check.js';
export {
  buildOcspRequest,
  parseOcspResponse,
  checkOcspResponse,
  OCSP_RESPONSE_STATUSES,
  type OcspRequest,
  type OcspRequestOptions,
  type OcspHash,
  type OcspResponseFacts,
  type OcspSingleResponse,
  type OcspResponderId,
  type OcspResponseStatus,
  type OcspCertStatus,
  type OcspCheckOptions,
  type OcspCheckResult,
  type OcspProblem,
  type OcspWarning,
} from './ocsp.js';
export { OcspCache, DEFAULT_OCSP_CACHE_MAX_AGE_MS, type OcspCacheOptions, type KeptOcspAnswer } from './ocsp-cache.js';
export {
  parseCrl,
  checkCrl,
  type CrlFacts,
  type CrlCheckOptions,
  type CrlCheckResult,
  type CrlProblem,
  type CrlWarning,
} from './crl.js';
export {
  fetchOcsp,
  fetchCrl,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_OCSP_BYTES,
  DEFAULT_MAX_CRL_BYTES,
  type FetchLike,
  type RevocationFetchOptions,
} from './fetch.js';
export { ocspUrls, crlUrls, isIssuerOf, toCertificate, type CertificateInput } from './certificates.js';
export {
  REVOCATION_MESSAGES,
  RevocationError,
  describeRevocationCode,
  type RevocationCode,
  type RevocationErrorCode,
} from './messages.js';
export { REVOCATION_REASONS, type RevocationReason } from './reasons.js';
