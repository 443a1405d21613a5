/**
 * The certification register on both stores (a real SQLite file; a real PostgreSQL database): numbering per
 * authority / book / year, the year rollover, volumes, the separate electronic book, idempotency, the two-phase
 * e-copy flow, voids, refusals, lookups and bad input; and the SQLite file's migrations (PostgreSQL's are in
 * register-postgres.test.ts). The multi-process tests (concurrency, SIGKILL) are in register-processes.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  type KysoError,
  RegisterError,
  computeCopyFee,
  type CertificationRegister,
  type Certifier,
  type RegisterRulesOptions,
  type ReserveInput,
} from '@kyso/core';
import { MIGRATIONS, applyMigrations, SCHEMA_VERSION, openSqliteRegister } from '@kyso/core/register-sqlite';
import { scratch } from '../../../tests/helpers/tools.js';
import { STORE_NAMES, registerStores, type RegisterStoreCase } from './helpers/register-stores.js';

const tmp = scratch('kyso-register-');
const stores = registerStores(tmp);
afterAll(async () => {
  await stores.stop();
  tmp.cleanup();
});

let dbCounter = 0;
const dbPath = () => tmp.file(`r${++dbCounter}.sqlite`);

/** A clock the test moves by hand. */
function manualClock(iso: string) {
  let now = new Date(iso);
  return { clock: () => now, set: (s: string) => (now = new Date(s)) };
}

const certifier: Certifier = { name: 'Nguyễn Thị Hồng', title: 'CHỦ TỊCH', basis: 'own-competence' };
const AUTH = 'UBND-HANG-BAC';

async function freshSqlite(clockIso = '2026-03-10T03:00:00Z') {
  const c = manualClock(clockIso);
  const path = dbPath();
  const reg = openSqliteRegister(path, { clock: c.clock });
  await reg.upsertAuthority({ id: AUTH, name: 'Ủy ban nhân dân phường Hàng Bạc' });
  return { reg, path, ...c };
}

/** A fresh register on the store under test, its clock moved by hand. */
async function freshOn(store: RegisterStoreCase, clockIso = '2026-03-10T03:00:00Z', extra: RegisterRulesOptions = {}) {
  const c = manualClock(clockIso);
  const reg = await store.open(await store.location(), { clock: c.clock, ...extra });
  await reg.upsertAuthority({ id: AUTH, name: 'Ủy ban nhân dân phường Hàng Bạc' });
  return { reg, ...c };
}

function request(
  key: string,
  originals: {
    pages: number;
    paperCopies: number;
    electronicCopy: boolean;
    documentName?: string;
    bookType?: string;
  }[] = [{ pages: 3, paperCopies: 1, electronicCopy: true }],
): ReserveInput {
  return {
    idempotencyKey: key,
    authorityId: AUTH,
    requester: { name: 'Trần Văn Bình' },
    certifier,
    originals: originals.map((o) => ({ documentName: o.documentName ?? 'Bằng tốt nghiệp', ...o })),
    fee: computeCopyFee({
      originals: originals.map((o) => ({
        pages: o.pages,
        paperCopies: o.paperCopies,
        electronicCopy: o.electronicCopy,
      })),
    }),
    delivery: { channel: 'EMAIL', address: 'binh@example.vn' },
  };
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function issue(reg: CertificationRegister, key: string, originals?: Parameters<typeof request>[1]) {
  const { request: r } = await reg.reserve(request(key, originals));
  return reg.complete(r.id, {
    eCopies: r.entries.filter((e) => e.electronicCopy).map((e) => ({ entryId: e.id, sha256: sha(`${key}/${e.id}`) })),
  });
}

async function rejects(p: Promise<unknown>, code: string): Promise<RegisterError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RegisterError);
  expect((e as KysoError).code).toBe(code);
  expect((e as KysoError).messageVi.length).toBeGreaterThan(5);
  return e as RegisterError;
}

describe('schema and migrations', () => {
  it('creates every table from an empty file, records the schema version, and uses WAL', async () => {
    const { reg, path } = await freshSqlite();
    expect(reg.schemaVersion()).toBe(SCHEMA_VERSION);
    await reg.close();
    const db = new Database(path, { readonly: true });
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    ).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'authorities',
        'book_closures',
        'books',
        'ecopies',
        'entries',
        'requests',
        'schema_version',
        'signing_journal',
      ]),
    );
    expect(db.prepare('SELECT version, description FROM schema_version').all()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, description: m.description })),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('re-opens an existing register without migrating again and keeps its entries', async () => {
    const { reg, path } = await freshSqlite();
    await issue(reg, 'k1');
    await reg.close();
    const again = openSqliteRegister(path);
    expect(again.schemaVersion()).toBe(SCHEMA_VERSION);
    expect((await again.listEntries({ authorityId: AUTH })).map((e) => e.seqNo)).toEqual([1]);
    await again.close();
    const db = new Database(path, { readonly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number }).n).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a file written by a newer schema, and a file that is not a database', async () => {
    const { reg, path } = await freshSqlite();
    await reg.close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_version VALUES (?, 'from the future', '2030-01-01')").run(SCHEMA_VERSION + 1);
    db.close();
    expect(() => openSqliteRegister(path)).toThrow(expect.objectContaining({ code: 'REGISTER_SCHEMA_TOO_NEW' }));
    const junk = tmp.file('junk.sqlite');
    writeFileSync(junk, 'this is not an SQLite database, just text '.repeat(100));
    expect(() => openSqliteRegister(junk)).toThrow(expect.objectContaining({ code: 'REGISTER_OPEN_FAILED' }));
  });

  it('upgrades an older file in version order, once; a failing migration leaves the file as it was', () => {
    const db = new Database(dbPath());
    const k = MIGRATIONS.length; // the tests' own migrations come after the shipped ones
    const v2 = {
      version: k + 1,
      description: 'a delivery log',
      sql: 'CREATE TABLE deliveries (entry_id INTEGER NOT NULL, sent_at TEXT NOT NULL);',
    };
    const v3 = {
      version: k + 2,
      description: 'broken',
      sql: 'ALTER TABLE entries ADD COLUMN channel_note TEXT; CREATE TABLE oops (;',
    };
    expect(applyMigrations(db, MIGRATIONS.slice(0, 1))).toEqual({ from: 0, to: 1 });
    expect(applyMigrations(db, MIGRATIONS)).toEqual({ from: 1, to: k });
    expect((db.prepare('PRAGMA table_info(entries)').all() as { name: string }[]).map((c) => c.name)).toContain(
      'signing_evidence_json',
    );
    expect(applyMigrations(db, [...MIGRATIONS, v2])).toEqual({ from: k, to: k + 1 });
    expect(applyMigrations(db, [...MIGRATIONS, v2])).toEqual({ from: k + 1, to: k + 1 });
    expect(() => applyMigrations(db, [...MIGRATIONS, v2, v3])).toThrow(
      expect.objectContaining({
        code: 'REGISTER_MIGRATION_FAILED',
        details: expect.objectContaining({ version: k + 2 }),
      }),
    );
    // v3's first statement was rolled back with the rest.
    expect((db.prepare('PRAGMA table_info(entries)').all() as { name: string }[]).map((c) => c.name)).not.toContain(
      'channel_note',
    );
    expect(
      (db.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    ).toEqual(Array.from({ length: k + 1 }, (_, i) => i + 1));
    expect(() => applyMigrations(db, MIGRATIONS)).toThrow(expect.objectContaining({ code: 'REGISTER_SCHEMA_TOO_NEW' }));
    expect(() => applyMigrations(db, [v2])).toThrow(expect.objectContaining({ code: 'REGISTER_MIGRATION_FAILED' }));
    db.close();
  });

  it('the book is permanent: the database itself refuses to delete an entry or move a number', async () => {
    const { reg, path } = await freshSqlite();
    await issue(reg, 'k1');
    await reg.close();
    const db = new Database(path);
    expect(() => db.prepare('DELETE FROM entries').run()).toThrow(/permanent/);
    expect(() => db.prepare('UPDATE entries SET seq_no = 7').run()).toThrow(/never changes/);
    expect(() => db.prepare('DELETE FROM requests').run()).toThrow(/permanent/);
    db.close();
  });
});

describe.each(STORE_NAMES)('on %s', (storeName) => {
  const store = stores.get(storeName);
  const fresh = (clockIso?: string, extra?: RegisterRulesOptions) => freshOn(store, clockIso, extra);

  describe('numbering', () => {
    it('gives one number per original, from 1, continuous across requests, rendered with volume, year and book', async () => {
      const { reg } = await fresh();
      const a = await issue(reg, 'a', [
        { pages: 1, paperCopies: 2, electronicCopy: false, documentName: 'CCCD' },
        { pages: 1, paperCopies: 1, electronicCopy: false, documentName: 'CCCD của bà B' },
        { pages: 12, paperCopies: 1, electronicCopy: true, documentName: 'Sổ hộ khẩu' },
      ]);
      expect(a.entries.map((e) => [e.seqNo, e.documentName, e.paperCopies, e.electronicCopy])).toEqual([
        [1, 'CCCD', 2, false],
        [2, 'CCCD của bà B', 1, false],
        [3, 'Sổ hộ khẩu', 1, true],
      ]);
      const b = await issue(reg, 'b');
      expect(b.entries[0].seqNo).toBe(4);
      expect(b.entries[0].certificationNumber).toBe('4 quyển số 01/2026 SCT/BS');
      expect(b.entries[0]).toMatchObject({
        year: 2026,
        volume: 1,
        bookType: 'SCT/BS',
        state: 'issued',
        certifiedAt: '2026-03-10T03:00:00.000Z',
      });
    });

    it('records the entry fields of DOMAIN.md §6.3 and the request fee once', async () => {
      const { reg } = await fresh();
      const r = await issue(reg, 'fields', [
        { pages: 10, paperCopies: 2, electronicCopy: true, documentName: 'Giấy khai sinh' },
      ]);
      expect(r.fee?.total).toBe(24_000);
      expect(r.entries[0]).toMatchObject({
        requesterName: 'Trần Văn Bình',
        documentName: 'Giấy khai sinh',
        originalPages: 10,
        paperCopies: 2,
        electronicCopy: true,
        fee: 24_000,
        certifier: { name: 'Nguyễn Thị Hồng', title: 'CHỦ TỊCH', basis: 'own-competence' },
        authorityId: AUTH,
        deliveryChannel: 'EMAIL',
        eCopySha256: sha(`fields/${r.entries[0].id}`),
      });
      expect(r.delivery).toEqual({ channel: 'EMAIL', address: 'binh@example.vn' });
    });

    it('restarts at 1 in the new Vietnam calendar year (31/12 17:00 UTC is 1/1 in Hà Nội)', async () => {
      const { reg, set } = await fresh('2026-12-31T16:59:00Z');
      await issue(reg, 'y1');
      await issue(reg, 'y2');
      set('2026-12-31T17:00:00Z');
      const n = await issue(reg, 'y3');
      expect(n.entries[0]).toMatchObject({
        year: 2027,
        seqNo: 1,
        volume: 1,
        certificationNumber: '1 quyển số 01/2027 SCT/BS',
      });
      set('2027-06-01T02:00:00Z');
      expect((await issue(reg, 'y4')).entries[0].seqNo).toBe(2);
      expect((await reg.listEntries({ authorityId: AUTH, year: 2026 })).map((e) => e.seqNo)).toEqual([1, 2]);
      expect((await reg.listBooks(AUTH)).map((b) => [b.year, b.volume])).toEqual([
        [2026, 1],
        [2027, 1],
      ]);
    });

    it('continues the numbering when a new volume is opened mid-year, and refuses a closed book', async () => {
      const { reg } = await fresh();
      await issue(reg, 'v1');
      await issue(reg, 'v2');
      const vol2 = await reg.openVolume(AUTH, 'SCT/BS', 2026);
      expect(vol2.volume).toBe(2);
      const next = await issue(reg, 'v3');
      expect(next.entries[0]).toMatchObject({ seqNo: 3, volume: 2, certificationNumber: '3 quyển số 02/2026 SCT/BS' });
      const closed = await reg.closeBook(AUTH, 'SCT/BS', 2026);
      expect(closed.entries).toBe(3);
      expect(closed.books.every((b) => b.closedAt !== null)).toBe(true);
      await rejects(reg.reserve(request('v4')), 'REGISTER_BOOK_CLOSED');
      expect(await reg.findRequestByKey(AUTH, 'v4')).toBeNull();
    });

    it('keeps separate sequences per authority and, when configured, a separate electronic book', async () => {
      const { reg } = await fresh();
      await reg.upsertAuthority({ id: 'UBND-XA-B', name: 'Ủy ban nhân dân xã B', electronicBookType: 'SCTĐT/BS' });
      const other = (k: string, o: Parameters<typeof request>[1]) => ({ ...request(k, o), authorityId: 'UBND-XA-B' });
      await issue(reg, 'first-a');
      const r1 = await reg.reserve(other('b1', [{ pages: 2, paperCopies: 0, electronicCopy: true }]));
      const r2 = await reg.reserve(other('b2', [{ pages: 2, paperCopies: 1, electronicCopy: true }]));
      const r3 = await reg.reserve(other('b3', [{ pages: 2, paperCopies: 0, electronicCopy: true }]));
      expect([r1, r2, r3].map((r) => [r.request.entries[0].bookType, r.request.entries[0].seqNo])).toEqual([
        ['SCTĐT/BS', 1],
        ['SCT/BS', 1], // paper and e-copy in parallel: one entry, in the paper book
        ['SCTĐT/BS', 2],
      ]);
      expect(r1.request.entries[0].certificationNumber).toBe('1 quyển số 01/2026 SCTĐT/BS');
      expect((await reg.getAuthority('UBND-XA-B'))?.bookTypes).toEqual(['SCT/BS', 'SCTĐT/BS']);
    });

    it('50 reservations at once on one register (one connection or one pool) get exactly 1..50', async () => {
      const { reg } = await fresh();
      const all = await Promise.all(Array.from({ length: 50 }, (_, i) => issue(reg, `p${i}`)));
      expect(all.map((r) => r.entries[0]!.seqNo).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      expect((await reg.listEntries({ authorityId: AUTH, state: 'issued' })).map((e) => e.seqNo)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });

    it('renders numbers with a configured template', async () => {
      const { reg } = await fresh('2026-03-10T03:00:00Z', { numberTemplate: '{seq2}/{year}/{book}, quyển {volume}' });
      expect((await issue(reg, 't')).entries[0].certificationNumber).toBe('01/2026/SCT/BS, quyển 1');
    });
  });

  describe('idempotency and the two-phase flow', () => {
    it('a retried reservation with the same key resumes: same request, same numbers, one fee, nothing new allocated', async () => {
      const { reg, set } = await fresh();
      const first = await reg.reserve(request('same'));
      expect(first.resumed).toBe(false);
      expect(first.request.state).toBe('pending');
      set('2026-03-11T03:00:00Z'); // a retry the next day keeps the first day's number and date
      const again = await reg.reserve(request('same'));
      expect(again.resumed).toBe(true);
      expect(again.request.id).toBe(first.request.id);
      expect(again.request.entries.map((e) => [e.seqNo, e.certifiedAt])).toEqual(
        first.request.entries.map((e) => [e.seqNo, e.certifiedAt]),
      );
      expect(await reg.listEntries({ authorityId: AUTH })).toHaveLength(1);
      const done = await reg.complete(first.request.id, {
        eCopies: [{ entryId: first.request.entries[0].id, sha256: sha('pdf') }],
      });
      expect(done.state).toBe('issued');
      const afterIssue = await reg.reserve(request('same'));
      expect(afterIssue).toMatchObject({ resumed: true, request: { state: 'issued', id: first.request.id } });
      expect((await issue(reg, 'next')).entries[0].seqNo).toBe(2);
    });

    it('the same key with a different request is a conflict, and records nothing', async () => {
      const { reg } = await fresh();
      await reg.reserve(request('k'));
      await rejects(
        reg.reserve(request('k', [{ pages: 4, paperCopies: 1, electronicCopy: true }])),
        'REGISTER_IDEMPOTENCY_CONFLICT',
      );
      await rejects(
        reg.recordRefusal({
          idempotencyKey: 'k',
          authorityId: AUTH,
          requester: { name: 'Trần Văn Bình' },
          certifier,
          documentName: 'x',
          code: 'DAMAGED',
        }),
        'REGISTER_IDEMPOTENCY_CONFLICT',
      );
      expect(await reg.listEntries({ authorityId: AUTH })).toHaveLength(1);
    });

    it('complete is repeatable with the same hashes, and checks that every e-copy is accounted for', async () => {
      const { reg } = await fresh();
      const { request: r } = await reg.reserve(
        request('c', [
          { pages: 1, paperCopies: 1, electronicCopy: false },
          { pages: 2, paperCopies: 0, electronicCopy: true },
        ]),
      );
      const [paper, elec] = r.entries;
      await rejects(reg.complete(r.id, { eCopies: [] }), 'REGISTER_ECOPY_MISMATCH');
      await rejects(
        reg.complete(r.id, {
          eCopies: [
            { entryId: paper.id, sha256: sha('x') },
            { entryId: elec.id, sha256: sha('y') },
          ],
        }),
        'REGISTER_ECOPY_MISMATCH',
      );
      const bytes = new TextEncoder().encode('%PDF-1.7 the e-copy');
      await rejects(
        reg.complete(r.id, { eCopies: [{ entryId: elec.id, sha256: sha('other'), pdf: bytes }] }),
        'REGISTER_ECOPY_MISMATCH',
      );
      expect((await reg.getRequest(r.id))?.state).toBe('pending');
      const h = createHash('sha256').update(bytes).digest('hex');
      const done = await reg.complete(r.id, { eCopies: [{ entryId: elec.id, sha256: h, pdf: bytes }] });
      expect(done.entries.map((e) => [e.state, e.eCopySha256])).toEqual([
        ['issued', null],
        ['issued', h],
      ]);
      expect(await reg.complete(r.id, { eCopies: [{ entryId: elec.id, sha256: h }] })).toMatchObject({
        state: 'issued',
      });
      await rejects(reg.complete(r.id, { eCopies: [{ entryId: elec.id, sha256: sha('z') }] }), 'REGISTER_NOT_PENDING');
      expect(Buffer.from((await reg.getECopy(elec.id))!).equals(Buffer.from(bytes))).toBe(true);
      expect(await reg.getECopy(paper.id)).toBeNull();
    });

    it('an abandoned pending request is voided with a reason and keeps its number: no gap, no reuse', async () => {
      const { reg } = await fresh();
      await issue(reg, 'before');
      const { request: abandoned } = await reg.reserve(request('abandoned'));
      await issue(reg, 'after');
      expect((await reg.listPending(AUTH)).map((p) => p.id)).toEqual([abandoned.id]);
      await rejects(reg.voidPending(abandoned.id, '  '), 'REGISTER_BAD_INPUT');
      const voided = await reg.voidPending(abandoned.id, 'Người yêu cầu không chờ nhận kết quả; hủy số');
      expect(voided.entries[0]).toMatchObject({
        seqNo: 2,
        state: 'void',
        voidReason: 'Người yêu cầu không chờ nhận kết quả; hủy số',
      });
      expect((await reg.listEntries({ authorityId: AUTH })).map((e) => [e.seqNo, e.state])).toEqual([
        [1, 'issued'],
        [2, 'void'],
        [3, 'issued'],
      ]);
      await rejects(
        reg.complete(abandoned.id, { eCopies: [{ entryId: abandoned.entries[0].id, sha256: sha('late') }] }),
        'REGISTER_NOT_PENDING',
      );
      await rejects(reg.voidPending(abandoned.id, 'again'), 'REGISTER_NOT_PENDING');
      expect((await reg.reserve(request('abandoned'))).request.state).toBe('void');
      expect(await reg.listPending(AUTH)).toEqual([]);
    });
  });

  describe('refusals (Decree 23/2015 Art. 22)', () => {
    it('records the ground, who refused and when; no number, no fee; idempotent by key', async () => {
      const { reg } = await fresh();
      const input = {
        idempotencyKey: 'refuse-1',
        authorityId: AUTH,
        requester: { name: 'Lê Thị Cúc' },
        certifier,
        documentName: 'Học bạ',
        code: 'ALTERED' as const,
        text: 'Trang 2 bị tẩy xóa điểm',
      };
      const r = await reg.recordRefusal(input);
      expect(r.resumed).toBe(false);
      expect(r.request).toMatchObject({
        kind: 'refusal',
        state: 'refused',
        fee: null,
        entries: [],
        certifier,
        refusal: {
          code: 'ALTERED',
          legalBasis: 'Điều 22 Nghị định 23/2015/NĐ-CP',
          text: 'Trang 2 bị tẩy xóa điểm',
          documentName: 'Học bạ',
        },
      });
      expect(r.request.refusal?.groundVi).toContain('tẩy xóa');
      expect((await reg.recordRefusal(input)).resumed).toBe(true);
      await rejects(reg.recordRefusal({ ...input, code: 'DAMAGED' }), 'REGISTER_IDEMPOTENCY_CONFLICT');
      await rejects(
        reg.recordRefusal({ ...input, idempotencyKey: 'refuse-2', code: 'UGLY' as never }),
        'REGISTER_BAD_REFUSAL_CODE',
      );
      expect((await issue(reg, 'ok')).entries[0].seqNo).toBe(1);
    });
  });

  describe('lookup', () => {
    it('by number + book + year, and by the e-copy hash', async () => {
      const { reg, set } = await fresh();
      await issue(reg, 'l1');
      const two = await issue(reg, 'l2');
      set('2027-01-05T03:00:00Z');
      await issue(reg, 'l3');
      // Read at the same clock (an entry's deadline flag is where it stands now).
      const twoNow = (await reg.getRequest(two.id))!;
      expect(await reg.findEntry({ authorityId: AUTH, bookType: 'SCT/BS', year: 2026, seqNo: 2 })).toEqual(
        twoNow.entries[0],
      );
      expect(
        (await reg.findEntry({ authorityId: AUTH, bookType: 'SCT/BS', year: 2027, seqNo: 1 }))?.requestId,
      ).not.toBe(two.id);
      expect(await reg.findEntry({ authorityId: AUTH, bookType: 'SCT/BS', year: 2027, seqNo: 2 })).toBeNull();
      expect(await reg.findEntry({ authorityId: AUTH, bookType: 'SCTĐT/BS', year: 2026, seqNo: 1 })).toBeNull();
      // Numbers and ids beyond any book's range are no entry on either store (not a storage error).
      expect(await reg.findEntry({ authorityId: AUTH, bookType: 'SCT/BS', year: 2026, seqNo: 2 ** 40 })).toBeNull();
      expect(await reg.getEntry(2 ** 40)).toBeNull();
      expect(await reg.getECopy(2 ** 40)).toBeNull();
      await rejects(reg.searchEntries({ numberFrom: 2 ** 40 }), 'REGISTER_BAD_INPUT');
      await rejects(reg.listEntries({ authorityId: AUTH, year: 1e12 }), 'REGISTER_BAD_INPUT');
      const h = two.entries[0].eCopySha256!;
      expect(await reg.findEntriesByECopyHash(h.toUpperCase())).toEqual([twoNow.entries[0]]);
      expect(await reg.findEntriesByECopyHash(sha('nothing'))).toEqual([]);
      await rejects(reg.findEntriesByECopyHash('xyz'), 'REGISTER_BAD_INPUT');
      expect((await reg.findRequestByKey(AUTH, 'l2'))?.id).toBe(two.id);
    });
  });

  describe('bad input records nothing', () => {
    it.each<[string, (r: ReserveInput) => ReserveInput, string]>([
      ['an unknown authority', (r) => ({ ...r, authorityId: 'NOWHERE' }), 'REGISTER_UNKNOWN_AUTHORITY'],
      [
        'an unknown book',
        (r) => ({ ...r, originals: [{ ...r.originals[0], bookType: 'SCT/XYZ' }] }),
        'REGISTER_UNKNOWN_BOOK',
      ],
      ['0 pages', (r) => ({ ...r, originals: [{ ...r.originals[0], pages: 0 }] }), 'REGISTER_BAD_INPUT'],
      ['negative copies', (r) => ({ ...r, originals: [{ ...r.originals[0], paperCopies: -1 }] }), 'REGISTER_BAD_INPUT'],
      [
        'no copy at all',
        (r) => ({ ...r, originals: [{ ...r.originals[0], paperCopies: 0, electronicCopy: false }] }),
        'REGISTER_BAD_INPUT',
      ],
      ['no requester name', (r) => ({ ...r, requester: { name: '' } }), 'REGISTER_BAD_INPUT'],
      [
        'an unknown competence basis',
        (r) => ({ ...r, certifier: { ...certifier, basis: 'self-declared' as never } }),
        'REGISTER_BAD_INPUT',
      ],
      [
        'a fee that does not add up',
        (r) => ({ ...r, fee: { ...r.fee, total: r.fee.total + 1 } }),
        'REGISTER_BAD_INPUT',
      ],
      ['e-mail delivery without an address', (r) => ({ ...r, delivery: { channel: 'EMAIL' } }), 'REGISTER_BAD_INPUT'],
      ['no idempotency key', (r) => ({ ...r, idempotencyKey: '' }), 'REGISTER_BAD_INPUT'],
    ])('%s', async (_name, mutate, code) => {
      const { reg } = await fresh();
      await rejects(reg.reserve(mutate(request('bad'))), code);
      expect(await reg.listEntries({ authorityId: AUTH })).toEqual([]);
      expect(await reg.listBooks(AUTH)).toEqual([]);
      expect((await issue(reg, 'good')).entries[0].seqNo).toBe(1);
    });

    it('a closed connection is a typed error', async () => {
      const { reg } = await fresh();
      await reg.close();
      await rejects(reg.listPending(), 'REGISTER_CLOSED');
    });

    it('closing while 20 certifications run: each transaction commits whole or not at all, and the book stays 1..k', async () => {
      const location = await store.location();
      const reg = await store.open(location, { clock: () => new Date('2026-03-10T03:00:00Z') });
      await reg.upsertAuthority({ id: AUTH, name: 'Ủy ban nhân dân phường Hàng Bạc' });
      const runs = Array.from({ length: 20 }, (_, i) =>
        issue(reg, `g${i}`).then(
          () => 'issued',
          (e: RegisterError) => e.code,
        ),
      );
      await new Promise((r) => setTimeout(r, 5));
      await reg.close();
      const outcomes = await Promise.all(runs);
      expect(outcomes.filter((o) => o !== 'issued' && o !== 'REGISTER_CLOSED')).toEqual([]);
      const again = await store.open(location);
      const entries = await again.listEntries({ authorityId: AUTH });
      expect(entries.map((e) => e.seqNo)).toEqual(entries.map((_, i) => i + 1));
      expect(entries.filter((e) => e.state === 'issued')).toHaveLength(outcomes.filter((o) => o === 'issued').length);
      // What was reserved and not completed before the close is pending, whole: a retry with its key completes it.
      expect(entries.every((e) => (e.state === 'issued') === (e.eCopySha256 !== null))).toBe(true);
      for (const p of await again.listPending(AUTH))
        expect((await issue(again, p.idempotencyKey)).state).toBe('issued');
      await again.close();
    });
  });
});
