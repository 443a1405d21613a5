/**
 * Reads an RFC 3161 TimeStampToken into the fields the signer and LTV code use. The reading itself is
 * @kyso/verify's readTimestampToken (pure, browser-safe); this wrapper throws TSA_BAD_TOKEN where it finds problems.
 */
import { readTimestampToken } from '@kyso/verify';
import { badTokenError } from './problems.js';

export interface TimestampAccuracy {
  seconds: number;
  millis: number;
  micros: number;
}

export interface ParsedTimestampToken {
  genTime: Date;
  /** The hashed message the TSA stamped. */
  imprint: Uint8Array;
  /** WebCrypto name of the imprint's hash ('SHA-256', ...; 'SHA-1' for old tokens), or its OID if unknown. */
  hash: string;
  hashOid: string;
  /** Lowercase hex, no leading zeros. */
  serialNumber: string;
  /** Lowercase hex, no leading zeros; absent if the token has no nonce. */
  nonce?: string;
  policy: string;
  accuracy?: TimestampAccuracy;
  ordering: boolean;
  /** DER of the certificate that the SignerInfo names, if the token carries it. */
  tsaCertificate?: Uint8Array;
  /** DER of every certificate in the token, as encoded there. */
  certificates: Uint8Array[];
}

/** Throws TSA_BAD_TOKEN unless `token` is exactly one TimeStampToken (no trailing bytes). */
export function parseTimestampToken(token: Uint8Array): ParsedTimestampToken {
  const f = readTimestampToken(token);
  const problems =
    f.trailingBytes > 0 && !f.problems.includes('TST_TRAILING_DATA')
      ? [...f.problems, 'TST_TRAILING_DATA' as const]
      : f.problems;
  const error = badTokenError(problems);
  if (error || !f.parsed) throw error ?? badTokenError(['TST_MALFORMED'])!;
  const parsed: ParsedTimestampToken = {
    genTime: f.genTime!,
    imprint: f.imprint!,
    hash: f.hash!,
    hashOid: f.hashOid!,
    serialNumber: f.serialNumber!,
    policy: f.policy!,
    ordering: f.ordering,
    certificates: f.certificates,
  };
  if (f.nonce !== undefined) parsed.nonce = f.nonce;
  if (f.accuracy) parsed.accuracy = f.accuracy;
  if (f.tsaCertificate) parsed.tsaCertificate = f.tsaCertificate;
  return parsed;
}
