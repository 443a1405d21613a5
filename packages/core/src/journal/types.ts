/**
 * The signing journal: one record per signature the service or the CLI makes, so that an authority can say who
 * signed what and when. Facts only: the signed output's SHA-256 stands for the document, the certificate's SHA-256
 * for the key. No document content, no key material, no secrets.
 */

/** What made the signature. */
export type JournalSource = 'service' | 'cli';

/** The operation: a signature (`sign`), an augmentation (`extend`: timestamps, LTV data), an e-copy's signatures (`certify`). */
export type JournalOperation = 'sign' | 'extend' | 'certify';

export interface JournalRecordInput {
  /** Default: now. */
  at?: Date;
  source: JournalSource;
  operation: JournalOperation;
  /** The organisational unit (the service's API-key unit; the CLI's --unit). */
  unit: string;
  /** The key's alias (the service's configured alias; for the CLI, the key file's name). */
  keyAlias: string;
  /** The signer certificate's subject common name. */
  signerName: string;
  /** SHA-256 (hex) of the signer certificate's DER. */
  signerCertSha256: string;
  /** PAdES level reached: B-B, B-T, B-LT, B-LTA. */
  level: string;
  /** SHA-256 (hex) of the signed output, as delivered. */
  documentSha256: string;
  /** The administrative procedure's code (mã thủ tục hành chính), if the caller gave one. */
  procedureCode?: string;
  /** The dossier's id (mã hồ sơ) in the one-stop software, if the caller gave one. */
  dossierId?: string;
}

export interface JournalRecord extends Required<Omit<JournalRecordInput, 'at' | 'procedureCode' | 'dossierId'>> {
  id: number;
  /** ISO 8601 UTC. */
  at: string;
  procedureCode: string | null;
  dossierId: string | null;
}

export interface JournalQuery {
  unit?: string;
  keyAlias?: string;
  procedureCode?: string;
  dossierId?: string;
  documentSha256?: string;
  /** From (inclusive) … to (exclusive). */
  from?: Date | string;
  to?: Date | string;
}

export interface JournalPage {
  records: JournalRecord[];
  nextCursor: string | null;
}

export interface SigningJournal {
  record(input: JournalRecordInput): Promise<JournalRecord>;
  /** Records in the order written (oldest first), a page at a time (default 100, at most 1000). */
  list(query?: JournalQuery, page?: { limit?: number; after?: string }): Promise<JournalPage>;
  close(): Promise<void>;
}
