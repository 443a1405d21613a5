/**
 * The SQLite schema as ordered migrations (data, not code paths), numbered 1, 2, 3, …; `applyMigrations` runs the
 * ones a file lacks and records them in `schema_version`. Never edit a released migration: append a new one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'authorities, books (volumes per year), requests, entries, stored e-copies',
    sql: `
CREATE TABLE authorities (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  book_types TEXT NOT NULL,            -- JSON array of book symbols, e.g. ["SCT/BS"]
  electronic_book_type TEXT,           -- a separate e-copy book, or NULL for a shared sequence
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE books (
  id INTEGER PRIMARY KEY,
  authority_id TEXT NOT NULL REFERENCES authorities(id),
  book_type TEXT NOT NULL,
  year INTEGER NOT NULL,
  volume INTEGER NOT NULL CHECK (volume >= 1),
  opened_at TEXT NOT NULL,
  closed_at TEXT,
  UNIQUE (authority_id, book_type, year, volume)
);

CREATE TABLE requests (
  id TEXT PRIMARY KEY,
  authority_id TEXT NOT NULL REFERENCES authorities(id),
  idempotency_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('certification', 'refusal')),
  state TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'void', 'refused')),
  requester_json TEXT NOT NULL,
  certifier_json TEXT NOT NULL,
  fee_total INTEGER,
  fee_json TEXT,
  fee_receipt_no TEXT,
  delivery_channel TEXT,
  delivery_address TEXT,
  refusal_code TEXT,
  refusal_text TEXT,
  refusal_document TEXT,
  void_reason TEXT,
  created_at TEXT NOT NULL,
  completed_at TEXT,
  UNIQUE (authority_id, idempotency_key),
  CHECK ((kind = 'refusal') = (state = 'refused')),
  CHECK (kind = 'certification' OR (fee_total IS NULL AND refusal_code IS NOT NULL))
);
CREATE INDEX requests_pending ON requests (state) WHERE state = 'pending';

CREATE TABLE entries (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES requests(id),
  original_index INTEGER NOT NULL,
  authority_id TEXT NOT NULL REFERENCES authorities(id),
  book_id INTEGER NOT NULL REFERENCES books(id),
  book_type TEXT NOT NULL,
  year INTEGER NOT NULL,
  volume INTEGER NOT NULL,
  seq_no INTEGER NOT NULL CHECK (seq_no >= 1),
  certification_number TEXT NOT NULL,
  certified_at TEXT NOT NULL,
  requester_name TEXT NOT NULL,
  document_name TEXT NOT NULL,
  original_pages INTEGER NOT NULL CHECK (original_pages >= 1),
  paper_copies INTEGER NOT NULL CHECK (paper_copies >= 0),
  electronic_copy INTEGER NOT NULL CHECK (electronic_copy IN (0, 1)),
  fee_amount INTEGER NOT NULL CHECK (fee_amount >= 0),
  certifier_name TEXT NOT NULL,
  certifier_title TEXT,
  certifier_basis TEXT NOT NULL,
  certifier_basis_ref TEXT,
  ecopy_sha256 TEXT,
  delivery_channel TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'void')),
  void_reason TEXT,
  notes TEXT,
  vneid_data_used INTEGER NOT NULL DEFAULT 0,
  UNIQUE (authority_id, book_type, year, seq_no),
  UNIQUE (request_id, original_index),
  CHECK (state <> 'issued' OR electronic_copy = 0 OR ecopy_sha256 IS NOT NULL)
);
CREATE INDEX entries_ecopy_sha256 ON entries (ecopy_sha256) WHERE ecopy_sha256 IS NOT NULL;

-- The book is a permanent archive (Decree 23/2015 Art. 14.1): entries are never deleted, and a number, once
-- written, never moves.
CREATE TRIGGER entries_permanent BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'register entries are permanent'); END;
CREATE TRIGGER entries_number_fixed BEFORE UPDATE OF authority_id, book_type, year, volume, seq_no, certification_number, request_id ON entries
BEGIN SELECT RAISE(ABORT, 'a certification number never changes'); END;
CREATE TRIGGER requests_permanent BEFORE DELETE ON requests
BEGIN SELECT RAISE(ABORT, 'register requests are permanent'); END;

CREATE TABLE ecopies (
  entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
  sha256 TEXT NOT NULL,
  bytes BLOB NOT NULL,
  stored_at TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    description: "each issued e-copy's long-term evidence (level, where its DSS lies, digests of the OCSP/CRL in it)",
    sql: `
ALTER TABLE entries ADD COLUMN signing_evidence_json TEXT;  -- JSON SigningEvidence, NULL for paper-only entries
`,
  },
  {
    version: 3,
    description: "a year's book closing with the count of numbers used (Art. 13.1); the signing journal",
    sql: `
-- One row per closed year's book: the count of numbers used is recorded when it closes (Decree 23/2015 Art. 13.1).
CREATE TABLE book_closures (
  authority_id TEXT NOT NULL REFERENCES authorities(id),
  book_type TEXT NOT NULL,
  year INTEGER NOT NULL,
  numbers_used INTEGER NOT NULL CHECK (numbers_used >= 0),
  issued INTEGER NOT NULL CHECK (issued >= 0),
  voided INTEGER NOT NULL CHECK (voided >= 0),
  closed_at TEXT NOT NULL,
  PRIMARY KEY (authority_id, book_type, year),
  CHECK (issued + voided = numbers_used)
);
CREATE TRIGGER book_closures_permanent BEFORE DELETE ON book_closures
BEGIN SELECT RAISE(ABORT, 'a book closing is permanent'); END;
CREATE TRIGGER book_closures_fixed BEFORE UPDATE ON book_closures
BEGIN SELECT RAISE(ABORT, 'a book closing is permanent'); END;

-- Who signed what, when: facts only (no document bytes, no key material). Append-only.
CREATE TABLE signing_journal (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('service', 'cli')),
  operation TEXT NOT NULL,
  unit TEXT NOT NULL,
  key_alias TEXT NOT NULL,
  signer_name TEXT NOT NULL,
  signer_cert_sha256 TEXT NOT NULL CHECK (length(signer_cert_sha256) = 64),
  level TEXT NOT NULL,
  document_sha256 TEXT NOT NULL CHECK (length(document_sha256) = 64),
  procedure_code TEXT,
  dossier_id TEXT
);
CREATE INDEX signing_journal_unit_at ON signing_journal (unit, at, id);
CREATE TRIGGER signing_journal_permanent BEFORE DELETE ON signing_journal
BEGIN SELECT RAISE(ABORT, 'the signing journal is append-only'); END;
CREATE TRIGGER signing_journal_fixed BEFORE UPDATE ON signing_journal
BEGIN SELECT RAISE(ABORT, 'the signing journal is append-only'); END;
`,
  },
  {
    version: 4,
    description: 'deadlines (receipt, due time, extension), delivery time, payment channel',
    sql: `
-- Decree 23/2015 Art. 7 and 21: when the complete request was received and when it is due (with any extension and
-- its reason); when the result was delivered (the e-copy's return); how the fee was paid (cash or online).
ALTER TABLE requests ADD COLUMN received_at TEXT;
ALTER TABLE requests ADD COLUMN due_at TEXT;
ALTER TABLE requests ADD COLUMN extension_json TEXT;
ALTER TABLE requests ADD COLUMN payment_channel TEXT CHECK (payment_channel IS NULL OR payment_channel IN ('CASH', 'ONLINE'));
ALTER TABLE requests ADD COLUMN delivered_at TEXT;
-- Requests written before: received when they were recorded (their due time is unknown and stays NULL).
UPDATE requests SET received_at = created_at;
CREATE INDEX requests_authority_created ON requests (authority_id, created_at);
`,
  },
  {
    version: 5,
    description: 'extensions agreed after receipt (Art. 21), each with its reason and the due time before and after',
    sql: `
-- Each extension agreed after receipt; requests.extension_json and due_at hold the total and the due time it gives.
CREATE TABLE request_extensions (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES requests(id),
  agreed_at TEXT NOT NULL,
  working_days INTEGER NOT NULL CHECK (working_days >= 1),
  reason TEXT NOT NULL,
  written_agreement INTEGER NOT NULL CHECK (written_agreement IN (0, 1)),
  due_before TEXT NOT NULL,
  due_after TEXT NOT NULL CHECK (due_after > due_before)
);
CREATE INDEX request_extensions_request ON request_extensions (request_id, id);
CREATE TRIGGER request_extensions_permanent BEFORE DELETE ON request_extensions
BEGIN SELECT RAISE(ABORT, 'an extension on record is permanent'); END;
CREATE TRIGGER request_extensions_fixed BEFORE UPDATE ON request_extensions
BEGIN SELECT RAISE(ABORT, 'an extension on record is permanent'); END;
`,
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version)); // the last migration's
