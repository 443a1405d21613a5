/**
 * The PostgreSQL schema as ordered migrations (data, not code paths), numbered 1, 2, 3, …, applied by migrate.ts
 * under an advisory lock and recorded in `schema_version`. Never edit a released migration: append a new one.
 * The numbering is this store's own (version 1 is the whole register as the SQLite store's versions 1–4 built it).
 *
 * The shapes follow the SQLite schema, so that both stores hold the same facts: instants are `timestamptz` (read
 * back as the same ISO strings), JSON is `json` (kept as written), e-copies are `bytea`. Identifiers and book symbols
 * sort byte by byte (`COLLATE "C"`), as in SQLite, whatever the database's locale, so listings and paging cursors
 * come in the same order from both stores.
 */
export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description:
      'authorities, books and their locks, requests, entries, stored e-copies, closings, the signing journal',
    sql: `
CREATE TABLE authorities (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  book_types JSON NOT NULL,                 -- array of book symbols, e.g. ["SCT/BS"]
  electronic_book_type TEXT COLLATE "C",    -- a separate e-copy book, or NULL for a shared sequence
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE books (
  id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  authority_id TEXT COLLATE "C" NOT NULL REFERENCES authorities(id),
  book_type TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  volume INTEGER NOT NULL CHECK (volume >= 1),
  opened_at TIMESTAMPTZ NOT NULL,
  closed_at TIMESTAMPTZ,
  UNIQUE (authority_id, book_type, year, volume)
);

-- One row per year's book: every writer of that book locks it (SELECT ... FOR UPDATE) for its transaction, so
-- numbering, opening a volume and closing the year are one at a time per book, across all instances.
CREATE TABLE book_locks (
  authority_id TEXT COLLATE "C" NOT NULL REFERENCES authorities(id),
  book_type TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  PRIMARY KEY (authority_id, book_type, year)
);

CREATE TABLE requests (
  id TEXT COLLATE "C" PRIMARY KEY,
  authority_id TEXT COLLATE "C" NOT NULL REFERENCES authorities(id),
  idempotency_key TEXT COLLATE "C" NOT NULL,
  fingerprint TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('certification', 'refusal')),
  state TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'void', 'refused')),
  requester JSON NOT NULL,
  certifier JSON NOT NULL,
  fee_total INTEGER,
  fee JSON,
  fee_receipt_no TEXT,
  delivery_channel TEXT,
  delivery_address TEXT,
  refusal_code TEXT,
  refusal_text TEXT,
  refusal_document TEXT,
  void_reason TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  completed_at TIMESTAMPTZ,
  received_at TIMESTAMPTZ,
  due_at TIMESTAMPTZ,
  extension JSON,
  payment_channel TEXT CHECK (payment_channel IS NULL OR payment_channel IN ('CASH', 'ONLINE')),
  delivered_at TIMESTAMPTZ,
  CONSTRAINT requests_key UNIQUE (authority_id, idempotency_key),
  CHECK ((kind = 'refusal') = (state = 'refused')),
  CHECK (kind = 'certification' OR (fee_total IS NULL AND refusal_code IS NOT NULL))
);
CREATE INDEX requests_pending ON requests (state) WHERE state = 'pending';
CREATE INDEX requests_authority_created ON requests (authority_id, created_at);

CREATE TABLE entries (
  id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id TEXT COLLATE "C" NOT NULL REFERENCES requests(id),
  original_index INTEGER NOT NULL,
  authority_id TEXT COLLATE "C" NOT NULL REFERENCES authorities(id),
  book_id INTEGER NOT NULL REFERENCES books(id),
  book_type TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  volume INTEGER NOT NULL,
  seq_no INTEGER NOT NULL CHECK (seq_no >= 1),
  certification_number TEXT NOT NULL,
  certified_at TIMESTAMPTZ NOT NULL,
  requester_name TEXT NOT NULL,
  -- The name folded as the search folds it (NFC, Vietnamese lower case): the database's lower() depends on its locale.
  requester_folded TEXT NOT NULL,
  document_name TEXT NOT NULL,
  original_pages INTEGER NOT NULL CHECK (original_pages >= 1),
  paper_copies INTEGER NOT NULL CHECK (paper_copies >= 0),
  electronic_copy BOOLEAN NOT NULL,
  fee_amount INTEGER NOT NULL CHECK (fee_amount >= 0),
  certifier_name TEXT NOT NULL,
  certifier_title TEXT,
  certifier_basis TEXT NOT NULL,
  certifier_basis_ref TEXT,
  ecopy_sha256 TEXT,
  signing_evidence JSON,
  delivery_channel TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'void')),
  void_reason TEXT,
  notes TEXT,
  vneid_data_used BOOLEAN NOT NULL DEFAULT false,
  UNIQUE (authority_id, book_type, year, seq_no),
  UNIQUE (request_id, original_index),
  CHECK (state <> 'issued' OR NOT electronic_copy OR ecopy_sha256 IS NOT NULL)
);
CREATE INDEX entries_ecopy_sha256 ON entries (ecopy_sha256) WHERE ecopy_sha256 IS NOT NULL;

CREATE TABLE ecopies (
  entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
  sha256 TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  stored_at TIMESTAMPTZ NOT NULL
);

-- One row per closed year's book: the count of numbers used is recorded when it closes (Decree 23/2015 Art. 13.1).
CREATE TABLE book_closures (
  authority_id TEXT COLLATE "C" NOT NULL REFERENCES authorities(id),
  book_type TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  numbers_used INTEGER NOT NULL CHECK (numbers_used >= 0),
  issued INTEGER NOT NULL CHECK (issued >= 0),
  voided INTEGER NOT NULL CHECK (voided >= 0),
  closed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (authority_id, book_type, year),
  CHECK (issued + voided = numbers_used)
);

-- Who signed what, when: facts only (no document bytes, no key material). Append-only.
CREATE TABLE signing_journal (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('service', 'cli')),
  operation TEXT NOT NULL,
  unit TEXT COLLATE "C" NOT NULL,
  key_alias TEXT COLLATE "C" NOT NULL,
  signer_name TEXT NOT NULL,
  signer_cert_sha256 TEXT NOT NULL CHECK (length(signer_cert_sha256) = 64),
  level TEXT NOT NULL,
  document_sha256 TEXT NOT NULL CHECK (length(document_sha256) = 64),
  procedure_code TEXT COLLATE "C",
  dossier_id TEXT COLLATE "C"
);
CREATE INDEX signing_journal_unit_at ON signing_journal (unit, at, id);

-- The book is a permanent archive (Decree 23/2015 Art. 14.1): entries, requests, closings and the journal are
-- never deleted, a number once written never moves, a closing and a journal record never change.
CREATE FUNCTION kyso_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER entries_permanent BEFORE DELETE ON entries FOR EACH ROW EXECUTE FUNCTION kyso_refuse('register entries are permanent');
CREATE TRIGGER entries_truncate BEFORE TRUNCATE ON entries FOR EACH STATEMENT EXECUTE FUNCTION kyso_refuse('register entries are permanent');
CREATE TRIGGER entries_number_fixed BEFORE UPDATE OF authority_id, book_type, year, volume, seq_no, certification_number, request_id ON entries
  FOR EACH ROW EXECUTE FUNCTION kyso_refuse('a certification number never changes');
CREATE TRIGGER requests_permanent BEFORE DELETE ON requests FOR EACH ROW EXECUTE FUNCTION kyso_refuse('register requests are permanent');
CREATE TRIGGER requests_truncate BEFORE TRUNCATE ON requests FOR EACH STATEMENT EXECUTE FUNCTION kyso_refuse('register requests are permanent');
CREATE TRIGGER book_closures_permanent BEFORE DELETE OR UPDATE ON book_closures FOR EACH ROW EXECUTE FUNCTION kyso_refuse('a book closing is permanent');
CREATE TRIGGER book_closures_truncate BEFORE TRUNCATE ON book_closures FOR EACH STATEMENT EXECUTE FUNCTION kyso_refuse('a book closing is permanent');
CREATE TRIGGER signing_journal_fixed BEFORE DELETE OR UPDATE ON signing_journal FOR EACH ROW EXECUTE FUNCTION kyso_refuse('the signing journal is append-only');
CREATE TRIGGER signing_journal_truncate BEFORE TRUNCATE ON signing_journal FOR EACH STATEMENT EXECUTE FUNCTION kyso_refuse('the signing journal is append-only');
`,
  },
  {
    version: 2,
    description: 'extensions agreed after receipt (Art. 21), each with its reason and the due time before and after',
    sql: `
-- As the SQLite store's version 5: requests.extension and due_at hold the total and the due time it gives.
CREATE TABLE request_extensions (
  id BIGSERIAL PRIMARY KEY,
  request_id TEXT COLLATE "C" NOT NULL REFERENCES requests(id),
  agreed_at TIMESTAMPTZ NOT NULL,
  working_days INTEGER NOT NULL CHECK (working_days >= 1),
  reason TEXT NOT NULL,
  written_agreement BOOLEAN NOT NULL,
  due_before TIMESTAMPTZ NOT NULL,
  due_after TIMESTAMPTZ NOT NULL CHECK (due_after > due_before)
);
CREATE INDEX request_extensions_request ON request_extensions (request_id, id);
CREATE TRIGGER request_extensions_permanent BEFORE DELETE OR UPDATE ON request_extensions FOR EACH ROW EXECUTE FUNCTION kyso_refuse('an extension on record is permanent');
CREATE TRIGGER request_extensions_truncate BEFORE TRUNCATE ON request_extensions FOR EACH STATEMENT EXECUTE FUNCTION kyso_refuse('an extension on record is permanent');
`,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
