/**
 * The certification register (sổ chứng thực): the interface, its rules over any store (numbering.ts), numbers and
 * refusal grounds. The stores are `@kyso/core/register-sqlite` and `@kyso/core/register-postgres`.
 */
export { RegisterError, REGISTER_MESSAGES, type RegisterErrorCode } from './errors.js';
export type {
  CertificationRegister,
  Authority,
  AuthorityInput,
  Book,
  Certifier,
  CompetenceBasis,
  Requester,
  DeliveryChannel,
  DeliveryInput,
  LaterExtensionInput,
  PaymentChannel,
  OriginalInput,
  ReserveInput,
  Reservation,
  CompleteInput,
  RefusalInput,
  RefusalRecord,
  RegisterEntry,
  SigningEvidence,
  CertificationRequestRecord,
  RequestState,
  EntryState,
  EntryKey,
  EntryQuery,
  EntryPage,
  EntryPageRequest,
  BookClosure,
} from './types.js';
export { requestDeadline, returnedAt, type EntryDeadline, type RequestDeadlineFacts } from './entry-deadline.js';
export {
  REFUSAL_GROUNDS,
  REFUSAL_LEGAL_BASIS,
  refusalClause,
  isRefusalCode,
  type RefusalCode,
} from './refusal-grounds.js';
export {
  formatCertificationNumber,
  volumeLabel,
  DEFAULT_NUMBER_TEMPLATE,
  type CertificationNumberParts,
  type CertificationNumberTemplate,
} from './certification-number.js';
export { vietnamYear } from './vietnam-calendar.js';
export { vietnamDayStart, vietnamDayEnd } from './vietnam-day.js';
export { printRegisterBook, BOOK_TITLES, BOOK_COLUMNS, type PrintBookInput } from './print-book.js';
export { canonicalJson } from './fingerprint.js';
export { RegisterBook, bookTypeFor, type RegisterRulesOptions } from './numbering.js';
export {
  KeyTakenConflict,
  type RegisterStore,
  type RegisterReads,
  type RegisterWrites,
  type StoredRequest,
  type StoredBook,
  type NewEntry,
  type BookCounts,
} from './store.js';
export {
  entrySearch,
  pageLimit,
  encodeCursor,
  decodeCursor,
  foldName,
  type EntrySearch,
  type CursorKey,
} from './entry-query.js';
