/**
 * The client's and the wrappers' view of @kyso/verify's timestamp problems: which TsaError each becomes, and
 * under which `details.reason` (the codes and reasons this package has always reported).
 */
import { TIMESTAMP_MESSAGES, type TimestampProblem } from '@kyso/verify';
import { TsaError } from './errors.js';

/** Problems that mean the bytes are not a readable TimeStampToken. */
export const STRUCTURE_PROBLEMS: readonly TimestampProblem[] = [
  'TST_NOT_DER',
  'TST_TRAILING_DATA',
  'TST_NOT_SIGNED_DATA',
  'TST_MALFORMED',
  'TST_NOT_TSTINFO',
  'TST_TSTINFO_MALFORMED',
  'TST_SIGNER_COUNT',
];

/** TSA certificate problems → TSA_CERTIFICATE_INVALID reasons, in the order they are reported. */
const CERTIFICATE_REASONS: ReadonlyArray<[TimestampProblem, string]> = [
  ['TSA_CERT_UNREADABLE', 'unparsable'],
  ['TSA_CERT_NO_EKU', 'no-eku'],
  ['TSA_CERT_EKU_NOT_CRITICAL', 'eku-not-critical'],
  ['TSA_CERT_EKU_NOT_TIMESTAMPING', 'eku-not-timestamping-only'],
  ['TSA_CERT_NOT_VALID_AT_GENTIME', 'outside-validity'],
];

/** Signature problems → TSA_SIGNATURE_INVALID reasons, in the order they are reported. */
const SIGNATURE_REASONS: ReadonlyArray<[TimestampProblem, string]> = [
  ['TST_NO_SIGNED_ATTRIBUTES', 'no-signed-attributes'],
  ['TST_DIGEST_UNSUPPORTED', 'unsupported-digest'],
  ['TST_ATTRIBUTE_REPEATED', 'attribute-repeated'],
  ['TST_CONTENT_TYPE_ATTRIBUTE', 'content-type'],
  ['TST_MESSAGE_DIGEST_MISSING', 'message-digest'],
  ['TST_MESSAGE_DIGEST_MISMATCH', 'message-digest'],
  ['TST_SIGNING_CERTIFICATE_MISSING', 'no-signing-certificate'],
  ['TST_SIGNING_CERTIFICATE_MALFORMED', 'signing-certificate'],
  ['TST_SIGNING_CERTIFICATE_MISMATCH', 'signing-certificate-hash'],
  ['TST_SIGNING_CERTIFICATE_ISSUER_SERIAL', 'signing-certificate-issuer-serial'],
  ['TST_SIGNATURE_UNSUPPORTED', 'unsupported-signature'],
  ['TST_SIGNATURE_INVALID', 'signature'],
  ['TST_MALFORMED', 'malformed'],
];

function english(code: TimestampProblem): string {
  return TIMESTAMP_MESSAGES[code][1];
}

/** The first structure problem as TSA_BAD_TOKEN, or undefined. */
export function badTokenError(problems: readonly TimestampProblem[]): TsaError | undefined {
  const found = STRUCTURE_PROBLEMS.find((p) => problems.includes(p));
  return found ? new TsaError('TSA_BAD_TOKEN', { reason: found }, english(found)) : undefined;
}

/** The first TSA certificate problem as TSA_CERTIFICATE_INVALID, or undefined. */
export function certificateError(
  problems: readonly TimestampProblem[],
  extra: Record<string, unknown> = {},
): TsaError | undefined {
  const found = CERTIFICATE_REASONS.find(([p]) => problems.includes(p));
  return found ? new TsaError('TSA_CERTIFICATE_INVALID', { reason: found[1], ...extra }, english(found[0])) : undefined;
}

/** The first signature problem as TSA_SIGNATURE_INVALID (or TSA_NO_CERTIFICATE), or undefined. */
export function signatureError(
  problems: readonly TimestampProblem[],
  extra: Record<string, unknown> = {},
): TsaError | undefined {
  if (problems.includes('TST_CERTIFICATE_NOT_FOUND')) return new TsaError('TSA_NO_CERTIFICATE', { ...extra });
  const found = SIGNATURE_REASONS.find(([p]) => problems.includes(p));
  return found ? new TsaError('TSA_SIGNATURE_INVALID', { reason: found[1], ...extra }, english(found[0])) : undefined;
}
