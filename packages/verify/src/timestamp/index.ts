/** RFC 3161 timestamps for the verifier (browser-safe): token facts, their verification, signature and document timestamps. */
export { readTimestampToken, type TimestampTokenFacts, type TimestampAccuracy } from './token.js';
export { checkTimestampToken, type TimestampCheck, type TimestampCheckOptions } from './check.js';
export { inspectTsaCertificate, type TsaCertificateFacts } from './tsa-certificate.js';
export {
  checkSignatureTimestamps,
  signatureTimestampTokens,
  type SignatureTimestamp,
  type SignatureTimestampOptions,
} from './signature-timestamp.js';
export {
  checkDocumentTimestamp,
  type DocumentTimestampFacts,
  type DocumentTimestampOptions,
} from './document-timestamp.js';
export { TIMESTAMP_MESSAGES, describeTimestampProblem, type TimestampProblem } from './messages.js';
export { TSP_OID, DIGEST_BY_OID } from './oids.js';
