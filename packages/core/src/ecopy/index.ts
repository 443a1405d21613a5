/** The electronic copy (bản sao điện tử): the scan, the conversion mark, the statement and two PAdES signatures. */
export { buildElectronicCopy } from './build.js';
export { assembleElectronicCopy, statementLines, DEFAULT_TEXT_COLOR } from './assemble.js';
export { addLongTermEvidence, longTermPlan, type CopyLevel, type LongTermPlan } from './long-term.js';
export {
  signElectronicCopy,
  certifierSignatureOptions,
  authoritySignatureOptions,
  CERTIFIER_FIELD,
  AUTHORITY_FIELD,
  SEAL_SIZE_MM,
} from './sign.js';
export { MARK_LAYOUT, STATEMENT_LAYOUT } from './layout.js';
export { FRAME_LAYOUT, CARD_SIZE } from './frame-plan.js';
export { SCAN_LIMITS } from './scan.js';
export { SCAN_IMAGE_LIMITS } from './image-pages.js';
export { qrMatrix, QR_QUIET_ZONE, QR_MAX_LENGTH, type QrMatrix } from './qr.js';
export { EcopyError, ECOPY_MESSAGES, type EcopyErrorCode } from './errors.js';
export {
  STATEMENT_WORDING,
  MARK_WORDING,
  SIGNATURE_WORDING,
  DEFAULT_BOOK_TYPE,
  statementText,
  markText,
} from './wording.js';
export type {
  ScanImage,
  ScanSource,
  ConversionInfo,
  CertificationInfo,
  StatementPlacement,
  MarkPlacement,
  ImagePageSize,
  AssembleInput,
  CertifierParty,
  AuthorityParty,
  SignCopyOptions,
  ElectronicCopyInput,
  PageRect,
  PagePlace,
  AssembledCopy,
  SignatureFacts,
  ElectronicCopy,
} from './types.js';
