/**
 * The verdict vocabulary of ETSI EN 319 102-1 (§5.1.3): a main indication and, when it is not TOTAL-PASSED, a
 * sub-indication. Validation facts are gathered separately; a policy maps them onto these words.
 */
export const INDICATIONS = ['TOTAL-PASSED', 'TOTAL-FAILED', 'INDETERMINATE'] as const;
export type Indication = (typeof INDICATIONS)[number];

/** Sub-indications, each with the main indication it belongs to. */
export const SUB_INDICATIONS = {
  FORMAT_FAILURE: 'TOTAL-FAILED',
  HASH_FAILURE: 'TOTAL-FAILED',
  SIG_CRYPTO_FAILURE: 'TOTAL-FAILED',
  REVOKED: 'TOTAL-FAILED',
  EXPIRED: 'TOTAL-FAILED',
  NOT_YET_VALID: 'TOTAL-FAILED',
  SIG_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  CHAIN_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  CERTIFICATE_CHAIN_GENERAL_FAILURE: 'INDETERMINATE',
  CRYPTO_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  POLICY_PROCESSING_ERROR: 'INDETERMINATE',
  SIGNATURE_POLICY_NOT_AVAILABLE: 'INDETERMINATE',
  TIMESTAMP_ORDER_FAILURE: 'INDETERMINATE',
  NO_SIGNING_CERTIFICATE_FOUND: 'INDETERMINATE',
  NO_CERTIFICATE_CHAIN_FOUND: 'INDETERMINATE',
  REVOKED_NO_POE: 'INDETERMINATE',
  REVOKED_CA_NO_POE: 'INDETERMINATE',
  OUT_OF_BOUNDS_NO_POE: 'INDETERMINATE',
  OUT_OF_BOUNDS_NOT_REVOKED: 'INDETERMINATE',
  CRYPTO_CONSTRAINTS_FAILURE_NO_POE: 'INDETERMINATE',
  NO_POE: 'INDETERMINATE',
  TRY_LATER: 'INDETERMINATE',
  SIGNED_DATA_NOT_FOUND: 'INDETERMINATE',
} as const satisfies Record<string, Exclude<Indication, 'TOTAL-PASSED'>>;
export type SubIndication = keyof typeof SUB_INDICATIONS;

/** The words a person reads for each indication. */
export const INDICATION_LABELS: Record<Indication, { vi: string; en: string }> = {
  'TOTAL-PASSED': { vi: 'Chữ ký hợp lệ', en: 'The signature is valid' },
  'TOTAL-FAILED': { vi: 'Chữ ký không hợp lệ', en: 'The signature is invalid' },
  INDETERMINATE: { vi: 'Chưa xác định được tính hợp lệ của chữ ký', en: 'The signature could not be fully validated' },
};
