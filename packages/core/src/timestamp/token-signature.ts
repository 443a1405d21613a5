/**
 * Checks the CMS signature of a TimeStampToken (content-type and message-digest attributes, the ESS
 * signing-certificate(-v2) binding, the signature) by @kyso/verify's checkTimestampToken, throwing the first
 * problem as a TsaError. Pure: works in Node 20+ and in browsers.
 */
import { checkTimestampToken } from '@kyso/verify';
import { badTokenError, signatureError } from './problems.js';

export interface VerifyTokenOptions {
  /** The TSA certificate (DER) when the token does not carry it. */
  certificate?: Uint8Array;
}

/**
 * Throws TSA_SIGNATURE_INVALID (or TSA_NO_CERTIFICATE, TSA_BAD_TOKEN) unless the token's signature verifies with
 * the TSA certificate it names; returns that certificate's DER. Does not check the certificate's EKU, validity or
 * chain (see checkTsaCertificate and the verifier).
 */
export async function verifyTimestampToken(
  token: Uint8Array,
  options: VerifyTokenOptions = {},
): Promise<{ certificate: Uint8Array }> {
  const check = await checkTimestampToken(token, { certificates: options.certificate ? [options.certificate] : [] });
  const error = badTokenError(check.problems) ?? signatureError(check.problems);
  if (error) throw error;
  return { certificate: check.tsaCertificate! };
}
