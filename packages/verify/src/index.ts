/**
 * @kyso/verify — PDF signature validation (browser-safe). Today: the ETSI verdict vocabulary and revocation checking
 * (OCSP, CRL); the validator itself arrives with its issue (see the README's status table).
 */
export { INDICATIONS, SUB_INDICATIONS, INDICATION_LABELS, type Indication, type SubIndication } from './indications.js';
export * from './revocation/index.js';
export { readCapped, causeText } from './net/http.js';
