/** The electronic copy (bản sao điện tử): the scan, the conversion mark, the statement and two PAdES signatures. */
export { EcopyError, ECOPY_MESSAGES, type EcopyErrorCode } from './errors.js';
export { STATEMENT_WORDING, MARK_WORDING, SIGNATURE_WORDING, DEFAULT_BOOK_TYPE, statementText, markText } from './wording.js';
export type {
  ScanImage,
  ScanSource,
  ConversionInfo,
  CertificationInfo,
  StatementPlacement,
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
