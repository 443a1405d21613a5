/**
 * @kyso/verify — PDF signature validation (browser-safe). Today: the ETSI verdict vocabulary and revocation checking
 * (OCSP, CRL); the validator itself arrives with its issue (see the README's status table).
 */
export { INDICATIONS, SUB_INDICATIONS, INDICATION_LABELS, type Indication, type SubIndication } from './indications.js';
export * from './revocation/index.js';
export { readCapped, causeText } from './net/http.js';
export * from './signature/index.js';
export {
  analyseModifications,
  changesAfter,
  revisionChanges,
  RefIndex,
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
export * from './trust/index.js';
export * from './crypto-policy/index.js';
