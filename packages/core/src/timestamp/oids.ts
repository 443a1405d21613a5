/** Hash names and OIDs the timestamp request uses (the token reading is @kyso/verify's). */

export type TimestampHash = 'SHA-256' | 'SHA-384' | 'SHA-512';

export const HASH_OID: Readonly<Record<TimestampHash, string>> = {
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};

export const HASH_BYTES: Readonly<Record<TimestampHash, number>> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** PKIFailureInfo bit names (RFC 3161 §2.4.2), by bit number. */
export const FAILURE_INFO_BITS: Readonly<Record<number, string>> = {
  0: 'badAlg',
  2: 'badRequest',
  5: 'badDataFormat',
  14: 'timeNotAvailable',
  15: 'unacceptedPolicy',
  16: 'unacceptedExtension',
  17: 'addInfoNotAvailable',
  25: 'systemFailure',
};
