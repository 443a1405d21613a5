/** The signing journal: the interface and its record checks. The SQLite store is `openSqliteJournal` in `@kyso/core/register-sqlite`. */
export { JournalError, JOURNAL_MESSAGES, type JournalErrorCode } from './errors.js';
export type {
  SigningJournal,
  JournalRecord,
  JournalRecordInput,
  JournalQuery,
  JournalPage,
  JournalSource,
  JournalOperation,
} from './types.js';
export { checkRecordInput, JOURNAL_CODE } from './validate.js';
export { signerFacts, sha256Hex } from './signer-facts.js';
