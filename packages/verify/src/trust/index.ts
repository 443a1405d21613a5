/** Trust: chain building to the caller's anchors and RFC 5280 path validation, as facts (see the README's "Trust"). */
export {
  buildTrustPath,
  extendedKeyUsageAllows,
  type TrustOptions,
  type PathFacts,
  type PathCertificate,
  type CertificateSource,
} from './trust-path.js';
export {
  validAt,
  validityWindow,
  validityOf,
  type ValidityAt,
  type ValidityFailure,
  type ValidityPeriod,
  type ValidAtOptions,
  type ValidityInput,
} from './validity.js';
export {
  validatePath,
  type PathProblem,
  type PathProblemCode,
  type PathValidation,
  type PathValidationOptions,
} from './path-validation.js';
export { candidatePaths, type CandidatePath } from './chain-builder.js';
export {
  verifyCertificateSignature,
  type SignatureCheck as CertificateSignatureCheck,
} from './certificate-signature.js';
export {
  readExtensions,
  KEY_PURPOSES,
  KEY_USAGES,
  EXTENSION_OIDS,
  ANY_POLICY,
  type CertificateExtensions,
  type KeyUsageName,
} from './extensions.js';
export {
  fetchCaIssuers,
  parseCaIssuersBody,
  DEFAULT_AIA_TIMEOUT_MS,
  DEFAULT_AIA_MAX_BYTES,
  DEFAULT_AIA_MAX_FETCHES,
  type AiaOptions,
  type AiaFetch,
  type AiaOutcome,
} from './aia.js';
export { nameText, sameEntity } from './names.js';
export {
  signerUsageProblems,
  SIGNING_KEY_USAGES,
  DOCUMENT_SIGNING_PURPOSES,
  type SignerUsageCode,
  type SignerUsageProblem,
} from './signer-usage.js';
export { TRUST_MESSAGES, TrustError, describeTrustCode, type TrustCode, type TrustErrorCode } from './messages.js';
