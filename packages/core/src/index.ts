/**
 * @kyso/core — PAdES signing (prepare → sign → finish, signers, appearances, timestamps) and, to come, e-copy
 * certification.
 */
export { KysoError, PdfError, LIMITS as PDF_LIMITS } from '@kyso/pdf';
/** The parsed document `prepare` also takes (a caller that loads it itself chooses the load options, e.g. strict). */
export { PdfDocument } from '@kyso/pdf';
export { FileSource, type FileSourceOptions } from './io/file-source.js';
export { makeDirs } from './io/make-dirs.js';
export type { Signer, SignerAlgorithm, SignatureScheme, HashAlgorithm } from './signing/signer.js';
export { Pkcs12Signer, type Pkcs12Options } from './signing/signers/pkcs12.js';
export { SignError, SIGN_MESSAGES, type SignErrorCode } from './signing/errors.js';
export type { SignatureOptions, VisibleSignature, AppearanceBuilder, Level } from './signing/options.js';
export {
  prepare,
  prepareSignature,
  type Prepared,
  type PreparedSignature,
  type PrepareOptions,
  type SignerIdentity,
} from './signing/prepare.js';
export {
  finish,
  finishUpdate,
  embedCms,
  preparedCms,
  writeContents,
  type FinishOptions,
  type Finished,
  type SignatureResult,
  type TimestampProvider,
} from './signing/finish.js';
export { signPdf, signFile, type SignedPdf, type SignPdfOptions } from './signing/sign-pdf.js';
export {
  SIGNING_WARNINGS,
  signingWarning,
  warningLine,
  type SigningWarning,
  type SigningWarningCode,
  type OnSigningWarning,
} from './signing/warnings.js';
export { checkState, type SigningState } from './signing/state.js';
export { listFields, docMdpLevel, type FieldInfo } from './signing/fields.js';
export { parseCertificate, type CertificateInfo } from './cms/certificate.js';
export { pdfDateVietnam, parsePdfDate } from './signing/pdf-date.js';
export { WebCryptoSigner, type WebCryptoSignerInit } from './signing/signers/webcrypto.js';
export { ecdsaRawToDer } from './cms/ecdsa.js';
export {
  Pkcs11Signer,
  openPkcs11Signer,
  loadPkcs11js,
  Pkcs11SignerError,
  PKCS11_MESSAGES,
  type Pkcs11SignerOptions,
  type Pkcs11KeySelector,
  type Pkcs11ErrorCode,
} from './signing/signers/pkcs11.js';
export { toSignpdfSigner } from './signing/signers/signpdf.js';
export {
  checkSignerCertificate,
  DEFAULT_CHECK_POLICY,
  type CertificateCheckPolicy,
  type CertificateCheckResult,
  type RevocationAnswer,
  type RevocationChecker,
} from './signing/certificate-check.js';
export { onlineRevocationChecker } from './signing/revocation-checker.js';
export * from './timestamp/index.js';
export * from './fees/index.js';
export * from './register/index.js';
export * from './journal/index.js';
export * from './certification/index.js';
export * from './deadlines/index.js';
export * from './reports/index.js';
export {
  buildSignatureAppearance,
  createSignatureAppearance,
  signatureAppearance,
  composeSignatureLines,
  formatVietnamTime,
  formatVietnamDisplayTime,
  AppearanceError,
  APPEARANCE_MESSAGES,
  type SignatureAppearanceSpec,
  type AppearanceContent,
  type SignatureFields,
  type AppearanceLanguage,
  type AppearanceErrorCode,
  type FontFace,
} from './appearance/index.js';
export {
  docTimestampUpdate,
  timestampPdf,
  estimateTokenBytes,
  TOKEN_MARGIN,
  type DocTimestampOptions,
  type DocTimestamped,
} from './signing/doc-timestamp.js';
export * from './ltv/index.js';
export * from './ecopy/index.js';
export { nodeTransport, nodeGuardedFetch } from './net/guarded-fetch.js';
