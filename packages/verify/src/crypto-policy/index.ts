/** The crypto policy (DOMAIN.md §10.4) as data, and the facts of which algorithms a signature and its chain use. */
export {
  evaluateCryptoPolicy,
  signatureAlgorithmUses,
  chainAlgorithmUses,
  type AlgorithmUse,
  type CryptoFacts,
  type CryptoOutcome,
  type CryptoPolicyInput,
  type SignatureAlgorithmsInput,
} from './evaluate.js';
export {
  DEFAULT_CRYPTO_POLICY,
  LEGACY_CUTOFF,
  type CryptoPolicy,
  type CryptoFlag,
  type DateBound,
  type DigestRule,
  type KeySizeRule,
  type SchemeRule,
} from './policy.js';
export { CRYPTO_POLICY_MESSAGES, describeCryptoCode, type CryptoPolicyCode } from './messages.js';
export {
  signatureAlgorithmInfo,
  publicKeyInfo,
  digestByOid,
  DIGEST_OIDS,
  SIGNATURE_OIDS,
  CURVES,
  type DigestName,
  type SignatureScheme,
  type KeyFamily,
  type SignatureAlgorithmInfo,
  type PublicKeyFacts,
} from './algorithms.js';
export {
  verifySignatureValue,
  type SignatureOutcome,
  type SignatureInput,
  type AlgorithmMismatch,
} from './verify-signature.js';
