/**
 * What only the PostgreSQL store has: migrations under an advisory lock when several instances start at once, the
 * database's own refusals (triggers), the pool's statement timeout on a held book lock, numbering under real
 * concurrency — several pools, as separate instances would have, reserving in parallel on one book, and racing on
 * the same idempotency keys —, and a real deadlock whose victim runs again. The behaviour both stores share is checked on both by the register*.test.ts suites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { computeCopyFee, type CertificationRegister, type ReserveInput } from '@kyso/core';
import {
  PG_MIGRATIONS,
  PG_SCHEMA_VERSION,
  applyPgMigrations,
  openPostgresJournal,
  openPostgresRegister,
  type PgRegister,
} from '@kyso/core/register-postgres';
import { startPostgres, type PostgresCluster } from '../../../tests/helpers/postgres.js';

let cluster: PostgresCluster;
const opened: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await Promise.allSettled(opened.map((r) => r.close()));
  await cluster?.stop();
});

const AUTH = 'UBND-HANG-BAC';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function open(url: string, extra: Partial<Parameters<typeof openPostgresRegister>[0]> = {}): Promise<PgRegister> {
  const reg = await openPostgresRegister({ url, poolSize: 4, ...extra });
  opened.push(reg);
  return reg;
}

async function sql<R = Record<string, unknown>>(url: string, query: string, args: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(query, args)).rows as R[];
  } finally {
    await c.end();
  }
}

function request(key: string, pages = 2): ReserveInput {
  const o = { pages, paperCopies: 1, electronicCopy: true };
  return {
    idempotencyKey: key,
    authorityId: AUTH,
    requester: { name: 'Trần Văn Bình' },
    certifier: { name: 'Nguyễn Thị Hồng', basis: 'own-competence' },
    originals: [{ documentName: 'Bằng tốt nghiệp', ...o }],
    fee: computeCopyFee({ originals: [o] }),
    delivery: { channel: 'KHO_DVCQG' },
  };
}

async function certify(reg: CertificationRegister, key: string): Promise<number> {
  const { request: r } = await reg.reserve(request(key));
  const e = r.entries[0]!;
  const pdf = new TextEncoder().encode(`%PDF-1.7 ${key}`);
  await reg.complete(r.id, {
    eCopies: [{ entryId: e.id, sha256: createHash('sha256').update(pdf).digest('hex'), pdf }],
  });
  return e.seqNo;
}

describe('schema and migrations on PostgreSQL', () => {
  it('six instances opening an empty database at once migrate it once; re-opening migrates nothing', async () => {
    const url = await cluster.createDatabase();
    const regs = await Promise.all(Array.from({ length: 6 }, () => open(url, { poolSize: 2 })));
    for (const r of regs) expect(await r.schemaVersion()).toBe(PG_SCHEMA_VERSION);
    expect(await sql(url, 'SELECT version, description FROM schema_version ORDER BY version')).toEqual(
      PG_MIGRATIONS.map((m) => ({ version: m.version, description: m.description })),
    );
    const tables = (
      await sql<{ t: string }>(
        url,
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      )
    ).map((r) => r.t);
    expect(tables).toEqual([
      'authorities',
      'book_closures',
      'book_locks',
      'books',
      'ecopies',
      'entries',
      'request_extensions',
      'requests',
      'schema_version',
      'signing_journal',
    ]);
    await regs[0]!.upsertAuthority({ id: AUTH, name: 'UBND' });
    expect(await certify(regs[3]!, 'k1')).toBe(1);
    const again = await open(url);
    expect((await again.listEntries({ authorityId: AUTH })).map((e) => e.seqNo)).toEqual([1]);
    expect((await sql<{ n: number }>(url, 'SELECT COUNT(*)::int AS n FROM schema_version'))[0]!.n).toBe(
      PG_MIGRATIONS.length,
    );
  });

  it('upgrades an older database in version order, once; a failing migration leaves the database as it was', async () => {
    const url = await cluster.createDatabase();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const k = PG_MIGRATIONS.length;
      const next = {
        version: k + 1,
        description: 'a delivery log',
        sql: 'CREATE TABLE deliveries (entry_id INTEGER NOT NULL, sent_at TIMESTAMPTZ NOT NULL);',
      };
      const broken = {
        version: k + 2,
        description: 'broken',
        sql: 'ALTER TABLE entries ADD COLUMN channel_note TEXT; CREATE TABLE oops (;',
      };
      expect(await applyPgMigrations(c)).toEqual({ from: 0, to: k });
      expect(await applyPgMigrations(c, [...PG_MIGRATIONS, next])).toEqual({ from: k, to: k + 1 });
      expect(await applyPgMigrations(c, [...PG_MIGRATIONS, next])).toEqual({ from: k + 1, to: k + 1 });
      await expect(applyPgMigrations(c, [...PG_MIGRATIONS, next, broken])).rejects.toMatchObject({
        code: 'REGISTER_MIGRATION_FAILED',
        details: { version: k + 2 },
      });
      // The broken migration's first statement was rolled back with the rest.
      const columns = (
        await c.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'entries'")
      ).rows.map((r: { column_name: string }) => r.column_name);
      expect(columns).toContain('requester_folded');
      expect(columns).not.toContain('channel_note');
      expect(
        (await c.query('SELECT version FROM schema_version ORDER BY version')).rows.map(
          (r: { version: number }) => r.version,
        ),
      ).toEqual(Array.from({ length: k + 1 }, (_, i) => i + 1));
      await expect(applyPgMigrations(c, PG_MIGRATIONS)).rejects.toMatchObject({ code: 'REGISTER_SCHEMA_TOO_NEW' });
      await expect(applyPgMigrations(c, [next])).rejects.toMatchObject({ code: 'REGISTER_MIGRATION_FAILED' });
    } finally {
      await c.end();
    }
  });

  it('refuses a database written by a newer schema, bad options, and an unreachable server without showing the password', async () => {
    const url = await cluster.createDatabase();
    await (await open(url)).close();
    await sql(url, "INSERT INTO schema_version VALUES ($1, 'from the future', now())", [PG_SCHEMA_VERSION + 1]);
    await expect(openPostgresRegister({ url })).rejects.toMatchObject({ code: 'REGISTER_SCHEMA_TOO_NEW' });
    await expect(openPostgresRegister({ url: 'mysql://x' })).rejects.toMatchObject({
      code: 'REGISTER_BAD_INPUT',
      details: { field: 'url' },
    });
    await expect(openPostgresRegister({ url, poolSize: 0 })).rejects.toMatchObject({
      code: 'REGISTER_BAD_INPUT',
      details: { field: 'poolSize' },
    });
    const e = await openPostgresRegister({
      url: `postgres://kyso:s3cr3t-pw@127.0.0.1:1/nowhere`,
      connectTimeoutMs: 2_000,
    }).catch((err: unknown) => err);
    expect(e).toMatchObject({
      code: 'REGISTER_OPEN_FAILED',
      details: { host: '127.0.0.1', port: '1', database: 'nowhere' },
    });
    expect(
      JSON.stringify(e) + String((e as Error).message) + String((e as { messageVi?: string }).messageVi),
    ).not.toContain('s3cr3t');
  });

  it('the database itself refuses to delete or truncate the book, move a number, or change a closing or the journal', async () => {
    const url = await cluster.createDatabase();
    const reg = await open(url);
    await reg.upsertAuthority({ id: AUTH, name: 'UBND' });
    await certify(reg, 'k1');
    await reg.closeBook(AUTH, 'SCT/BS', 2025);
    const journal = await openPostgresJournal({ url });
    opened.push(journal);
    await journal.record({
      source: 'cli',
      operation: 'sign',
      unit: 'U',
      keyAlias: 'k',
      signerName: 'S',
      signerCertSha256: sha('c'),
      level: 'B-T',
      documentSha256: sha('d'),
    });
    for (const [q, msg] of [
      ['DELETE FROM entries', /permanent/],
      ['TRUNCATE entries CASCADE', /permanent/],
      ['UPDATE entries SET seq_no = 7', /never changes/],
      ['DELETE FROM requests', /permanent/],
      ['UPDATE book_closures SET numbers_used = 2', /permanent/],
      ["UPDATE signing_journal SET unit = 'x'", /append-only/],
      ['DELETE FROM signing_journal', /append-only/],
    ] as const) {
      await expect(sql(url, q), q).rejects.toThrow(msg);
    }
    expect((await reg.listEntries({ authorityId: AUTH })).map((e) => [e.seqNo, e.state])).toEqual([[1, 'issued']]);
  });

  it("a register's journal shares its pool: closing the journal leaves the register open", async () => {
    const url = await cluster.createDatabase();
    const reg = await open(url, { poolSize: 2 });
    const journal = reg.journal();
    const r = await journal.record({
      source: 'service',
      operation: 'certify',
      unit: 'U',
      keyAlias: 'seal',
      signerName: 'S',
      signerCertSha256: sha('c'),
      level: 'B-LTA',
      documentSha256: sha('d'),
    });
    expect((await journal.list({ unit: 'U' })).records).toEqual([r]);
    await journal.close();
    await reg.upsertAuthority({ id: AUTH, name: 'UBND' });
    expect(reg.poolStats().total).toBeLessThanOrEqual(2);
    expect((await reg.listAuthorities()).map((a) => a.id)).toEqual([AUTH]);
  });
});

describe('numbering under concurrency on PostgreSQL', () => {
  it('4 instances (4 pools) reserving 200 requests in parallel on one book give exactly 1..200, and the closing counts them', async () => {
    const url = await cluster.createDatabase();
    const clock = () => new Date('2026-03-10T03:00:00Z');
    const regs = await Promise.all(Array.from({ length: 4 }, () => open(url, { poolSize: 5, clock })));
    await regs[0]!.upsertAuthority({ id: AUTH, name: 'UBND' });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => certify(regs[i % 4]!, `c${i}`).then((seq) => ({ i, seq }))),
    );
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const rows = await sql<{ seq_no: number; state: string; n: number }>(
      url,
      'SELECT e.seq_no, e.state, (SELECT COUNT(*)::int FROM ecopies c WHERE c.entry_id = e.id) AS n FROM entries e ORDER BY seq_no',
    );
    expect(rows.map((r) => r.seq_no)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(rows.every((r) => r.state === 'issued' && r.n === 1)).toBe(true);
    expect((await regs[2]!.closeBook(AUTH, 'SCT/BS', 2026)).closure).toMatchObject({
      numbersUsed: 200,
      issued: 200,
      voided: 0,
    });
  });

  it('retries racing on the same keys from 4 instances get one request and the first number each; other keys are not disturbed', async () => {
    const url = await cluster.createDatabase();
    const regs = await Promise.all(Array.from({ length: 4 }, () => open(url, { poolSize: 3 })));
    await regs[0]!.upsertAuthority({ id: AUTH, name: 'UBND' });
    const keys = Array.from({ length: 25 }, (_, i) => `race-${i}`);
    const tries = await Promise.all(
      keys.flatMap((k) => regs.map((r) => r.reserve(request(k)).then((x) => ({ k, ...x })))),
    );
    for (const k of keys) {
      // Three of the four writers of each key lose the insert race on the key's unique constraint and resume.
      const mine = tries.filter((t) => t.k === k);
      expect(new Set(mine.map((t) => t.request.id)).size).toBe(1);
      expect(new Set(mine.map((t) => t.request.entries[0]!.seqNo)).size).toBe(1);
      expect(mine.filter((t) => !t.resumed)).toHaveLength(1);
    }
    const seqs = (await regs[3]!.listEntries({ authorityId: AUTH })).map((e) => e.seqNo);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // The same key with other content from another instance is still a conflict.
    await expect(regs[1]!.reserve(request('race-0', 9))).rejects.toMatchObject({
      code: 'REGISTER_IDEMPOTENCY_CONFLICT',
    });
  });

  it('a book locked longer than the statement timeout makes a reservation fail as busy, and nothing is recorded', async () => {
    const url = await cluster.createDatabase();
    const reg = await open(url, { statementTimeoutMs: 500, clock: () => new Date('2026-03-10T03:00:00Z') });
    await reg.upsertAuthority({ id: AUTH, name: 'UBND' });
    expect(await certify(reg, 'first')).toBe(1);
    const year = 2026;
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        'SELECT 1 FROM book_locks WHERE authority_id = $1 AND book_type = $2 AND year = $3 FOR UPDATE',
        [AUTH, 'SCT/BS', year],
      );
      await expect(reg.reserve(request('blocked'))).rejects.toMatchObject({ code: 'REGISTER_BUSY' });
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    expect(await reg.findRequestByKey(AUTH, 'blocked')).toBeNull();
    expect(await certify(reg, 'blocked')).toBe(2);
  });
});

describe('a real deadlock on PostgreSQL', () => {
  it('a reservation chosen as the deadlock victim runs again and succeeds once, with the next numbers', async () => {
    const url = await cluster.createDatabase();
    // The register's sessions detect deadlocks after 50 ms, the holder's only after 30 s: the register is the victim.
    await sql(url, `ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET deadlock_timeout = '50ms'`);
    const reg = await open(url, { clock: () => new Date('2026-03-10T03:00:00Z') });
    await reg.upsertAuthority({ id: AUTH, name: 'UBND', bookTypes: ['SCT/BS', 'SCT/CK'] });
    expect(await certify(reg, 'first')).toBe(1); // creates SCT/BS's lock row
    const both: ReserveInput = {
      ...request('crossed'),
      originals: [
        { documentName: 'Bằng tốt nghiệp', pages: 1, paperCopies: 1, electronicCopy: true, bookType: 'SCT/BS' },
        { documentName: 'Hợp đồng', pages: 1, paperCopies: 1, electronicCopy: true, bookType: 'SCT/CK' },
      ],
    };
    const lock = 'SELECT 1 FROM book_locks WHERE authority_id = $1 AND book_type = $2 AND year = 2026 FOR UPDATE';
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SET deadlock_timeout = '30s'");
      await holder.query(
        "INSERT INTO book_locks (authority_id, book_type, year) VALUES ($1, 'SCT/CK', 2026) ON CONFLICT DO NOTHING",
        [AUTH],
      );
      // The holder takes SCT/CK; the reservation locks SCT/BS (its books in order), then waits for SCT/CK.
      await holder.query('BEGIN');
      await holder.query(lock, [AUTH, 'SCT/CK']);
      let settled = false;
      const reserving = reg.reserve(both).finally(() => {
        settled = true;
      });
      reserving.catch(() => undefined);
      const waiting = async () =>
        (
          await sql(
            url,
            "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
          )
        ).length;
      for (let i = 0; (await waiting()) === 0; i++) {
        if (i > 200) throw new Error('the reservation never waited for the held book');
        await new Promise((r) => setTimeout(r, 10));
      }
      // Now the holder asks for SCT/BS: a cycle. The reservation's session is the one that gives up (40P01); its
      // rollback frees SCT/BS for the holder, which then lets both go; the reservation's second attempt gets both.
      await holder.query(lock, [AUTH, 'SCT/BS']);
      // The holder has SCT/BS while the reservation is still pending: its first attempt was rolled back.
      expect(settled).toBe(false);
      await holder.query('ROLLBACK');
      const { request: r, resumed } = await reserving;
      expect(resumed).toBe(false);
      expect(r.entries.map((e) => [e.bookType, e.seqNo])).toEqual([
        ['SCT/BS', 2],
        ['SCT/CK', 1],
      ]);
    } finally {
      await holder.end();
    }
    // One request, one entry per book: the failed attempt left nothing behind.
    const rows = await sql<{ n: number }>(
      url,
      "SELECT COUNT(*)::int AS n FROM requests WHERE idempotency_key = 'crossed'",
    );
    expect(rows[0]!.n).toBe(1);
    expect(await certify(reg, 'after')).toBe(3);
  });
});

describe('when the server goes away', () => {
  it('a register whose server stopped answers with REGISTER_BUSY (try again), never an untyped error, and closes cleanly', async () => {
    const own = await startPostgres();
    try {
      const url = await own.createDatabase();
      const reg = await openPostgresRegister({ url, poolSize: 2, connectTimeoutMs: 2_000 });
      await reg.upsertAuthority({ id: AUTH, name: 'UBND' });
      expect(await certify(reg, 'before')).toBe(1);
      await own.stop();
      await expect(reg.reserve(request('after'))).rejects.toMatchObject({ code: 'REGISTER_BUSY' });
      await expect(reg.listPending()).rejects.toMatchObject({ code: 'REGISTER_BUSY' });
      await reg.close();
      await expect(reg.listPending()).rejects.toMatchObject({ code: 'REGISTER_CLOSED' });
    } finally {
      await own.stop();
    }
  });
});
