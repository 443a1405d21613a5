/** RFC 3161 timestamps: the HTTP client (B-T, document timestamps) and the pure token readers the verifier shares. */
export {
  requestTimestamp,
  DEFAULT_TSA_TIMEOUT_MS,
  DEFAULT_MAX_TSA_RESPONSE_BYTES,
  type RequestTimestampOptions,
  type TimestampResult,
} from './client.js';
export { buildTimestampRequest, type TimestampRequest, type TimestampRequestOptions } from './request.js';
export { parseTimestampResponse, type TimestampResponse } from './response.js';
export { parseTimestampToken, type ParsedTimestampToken, type TimestampAccuracy } from './token.js';
export { verifyTimestampToken, type VerifyTokenOptions } from './token-signature.js';
export { checkTsaCertificate } from './tsa-certificate.js';
export { TsaError, TSA_MESSAGES, type TsaErrorCode } from './errors.js';
export type { TimestampHash } from './oids.js';
export { tsaTimestamper } from './provider.js';
