export {
  findSignatures,
  firstRevisionOf,
  type FoundSignature,
  type HiddenCause,
  type HiddenSignature,
  type SignatureKind,
  unreachedSignatures,
} from './find-signatures.js';
export {
  checkByteRange,
  type ByteRangeFacts,
  type ByteRangeProblem,
  type ByteRangeInput,
  type Coverage,
  type RevisionBounds,
} from './byte-range.js';
export {
  parseCms,
  hashByOid,
  certSki,
  OID as CMS_OID,
  type CmsFacts,
  type CmsProblem,
  type HashName,
  type SigningCertificateRef,
} from './cms.js';
export {
  checkIntegrity,
  startIntegrity,
  ecdsaDerToRaw,
  type IntegrityFacts,
  type IntegrityOptions,
  type IntegrityProblem,
  type StartedIntegrity,
} from './integrity.js';
export { describeHidden, hidingChanges, withHidingChanges } from './hidden.js';
export { xrefFragments, type XrefFragment } from './xref-fragments.js';
