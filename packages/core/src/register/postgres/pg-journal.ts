/**
 * The signing journal on PostgreSQL: the register database's `signing_journal` table (the same migrations), so
 * that every instance appends to one journal. Rows can only be appended (triggers refuse updates, deletes and
 * TRUNCATE). Ids come from an identity column and only grow, so the paging cursor is the last id seen; under
 * concurrent appends an id may commit after a larger one, which a reader paging at that instant sees on its next
 * listing, never twice.
 */
import { JournalError } from '../../journal/errors.js';
import type {
  JournalPage,
  JournalQuery,
  JournalRecord,
  JournalRecordInput,
  SigningJournal,
} from '../../journal/types.js';
import { checkQuery, checkRecordInput, journalInstant } from '../../journal/validate.js';
import { RegisterError } from '../errors.js';
import { applyPgMigrations } from './migrate.js';
import { checkPoolOptions, createPool, describeUrl, loadPg, pgFault, type PgPool, type PgPoolOptions } from './pool.js';
import { iso } from './rows.js';

interface Row {
  id: string; // bigint: node-postgres gives it as text
  at: Date;
  source: JournalRecord['source'];
  operation: JournalRecord['operation'];
  unit: string;
  key_alias: string;
  signer_name: string;
  signer_cert_sha256: string;
  level: string;
  document_sha256: string;
  procedure_code: string | null;
  dossier_id: string | null;
}

function bad(field: string, why: string): never {
  throw new JournalError('JOURNAL_BAD_INPUT', { field }, `${field}: ${why}`);
}

/** Opens (migrating if needed) the journal in a PostgreSQL database (the register's database). */
export async function openPostgresJournal(options: PgPoolOptions): Promise<PgJournal> {
  const o = checkPoolOptions(options, bad);
  const { Pool } = loadPg((reason) => new JournalError('JOURNAL_UNAVAILABLE', { driver: 'pg', reason }));
  const pool = createPool(Pool, o, () => undefined);
  try {
    const client = await pool.connect();
    try {
      await applyPgMigrations(client);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    if (e instanceof RegisterError && e.code === 'REGISTER_SCHEMA_TOO_NEW') throw e;
    const reason = e instanceof RegisterError ? e.code : pgFault(e).code;
    throw new JournalError('JOURNAL_UNAVAILABLE', { ...describeUrl(o.url), reason });
  }
  return new PgJournal(pool);
}

export class PgJournal implements SigningJournal {
  readonly #pool: PgPool;
  readonly #ownsPool: boolean;
  #closed = false;

  /** Use `openPostgresJournal`, or a register's `journal()` (its pool, which the journal's `close` leaves open). */
  constructor(pool: PgPool, options: { ownsPool?: boolean } = {}) {
    this.#pool = pool;
    this.#ownsPool = options.ownsPool ?? true;
  }

  async record(input: JournalRecordInput): Promise<JournalRecord> {
    checkRecordInput(input);
    const at = (input.at ?? new Date()).toISOString();
    const rows = await this.#query<Row>(
      `INSERT INTO signing_journal (at, source, operation, unit, key_alias, signer_name, signer_cert_sha256, level, document_sha256, procedure_code, dossier_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        at,
        input.source,
        input.operation,
        input.unit,
        input.keyAlias,
        input.signerName,
        input.signerCertSha256,
        input.level,
        input.documentSha256,
        input.procedureCode ?? null,
        input.dossierId ?? null,
      ],
    );
    return toRecord(rows[0]!);
  }

  async list(query: JournalQuery = {}, page: { limit?: number; after?: string } = {}): Promise<JournalPage> {
    checkQuery(query);
    const limit = page.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1_000)
      throw new JournalError('JOURNAL_BAD_INPUT', { field: 'limit' }, 'limit: 1 to 1000');
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, v: unknown) => (args.push(v), where.push(sql.replace('?', `$${args.length}`)));
    if (query.unit !== undefined) add('unit = ?', query.unit);
    if (query.keyAlias !== undefined) add('key_alias = ?', query.keyAlias);
    if (query.procedureCode !== undefined) add('procedure_code = ?', query.procedureCode);
    if (query.dossierId !== undefined) add('dossier_id = ?', query.dossierId);
    if (query.documentSha256 !== undefined) add('document_sha256 = ?', query.documentSha256);
    const from = journalInstant(query.from, 'from');
    const to = journalInstant(query.to, 'to');
    if (from !== undefined) add('at >= ?', from);
    if (to !== undefined) add('at < ?', to);
    if (page.after !== undefined) {
      // The cursor is the last id seen (a decimal string: ids are bigint).
      if (!/^[1-9][0-9]{0,17}$/.test(String(page.after))) throw new JournalError('JOURNAL_BAD_CURSOR');
      add('id > ?', String(page.after));
    }
    args.push(limit + 1);
    const rows = await this.#query<Row>(
      `SELECT * FROM signing_journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${args.length}`,
      args,
    );
    const records = rows.slice(0, limit).map(toRecord);
    return { records, nextCursor: rows.length > limit ? String(records[records.length - 1]!.id) : null };
  }

  /** Records being written are written first (a close never cuts an append short); then the pool, if its own, closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#running]);
    if (this.#ownsPool) await this.#pool.end();
  }

  readonly #running = new Set<Promise<unknown>>();

  #query<R>(sql: string, args: unknown[]): Promise<R[]> {
    if (this.#closed) return Promise.reject(new JournalError('JOURNAL_STORAGE', {}, 'the journal is closed'));
    const p = this.#run<R>(sql, args);
    this.#running.add(p);
    const done = () => this.#running.delete(p);
    p.then(done, done);
    return p;
  }

  async #run<R>(sql: string, args: unknown[]): Promise<R[]> {
    try {
      const client = await this.#pool.connect();
      try {
        return (await client.query<R>(sql, args)).rows;
      } finally {
        client.release();
      }
    } catch (e) {
      const f = pgFault(e);
      throw new JournalError('JOURNAL_STORAGE', { pg: f.code }, f.message);
    }
  }
}

function toRecord(r: Row): JournalRecord {
  return {
    id: Number(r.id),
    at: iso(r.at),
    source: r.source,
    operation: r.operation,
    unit: r.unit,
    keyAlias: r.key_alias,
    signerName: r.signer_name,
    signerCertSha256: r.signer_cert_sha256,
    level: r.level,
    documentSha256: r.document_sha256,
    procedureCode: r.procedure_code,
    dossierId: r.dossier_id,
  };
}
