/**
 * @kyso/verify — PDF signature validation (browser-safe). Today it defines the ETSI verdict vocabulary the
 * validator reports in; the validator itself arrives with its issue (see the README's status table).
 */
export { INDICATIONS, SUB_INDICATIONS, INDICATION_LABELS, type Indication, type SubIndication } from './indications.js';
