/**
 * Reading the register, on both stores (SQLite and PostgreSQL): the search (each filter, paging), the year's
 * closing (refused while pending, the count recorded, nothing reopens it), the book printed as a PDF (rendered by
 * pdftoppm, every entry in pdftotext's text), and the signing journal's stores (append-only, no document bytes).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  JournalError,
  KysoError,
  RegisterError,
  computeCopyFee,
  printRegisterBook,
  vietnamDayEnd,
  vietnamDayStart,
  type CertificationRegister,
  type ReserveInput,
  type SigningJournal,
} from '@kyso/core';
import { SCHEMA_VERSION, openSqliteJournal, openSqliteRegister } from '@kyso/core/register-sqlite';
import { openPostgresJournal } from '@kyso/core/register-postgres';
import { run, scratch } from '../../../tests/helpers/tools.js';
import { STORE_NAMES, registerStores, type RegisterStoreCase } from './helpers/register-stores.js';

const tmp = scratch('kyso-register-read-');
const stores = registerStores(tmp);
afterAll(async () => {
  await stores.stop();
  tmp.cleanup();
});
const AUTH = 'UBND-HANG-BAC';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function freshOn(store: RegisterStoreCase) {
  let now = new Date('2026-03-10T03:00:00Z');
  const location = await store.location();
  const reg = await store.open(location, { clock: () => now });
  await reg.upsertAuthority({ id: AUTH, name: 'Ủy ban nhân dân phường Hàng Bạc' });
  await reg.upsertAuthority({ id: 'UBND-B', name: 'Ủy ban nhân dân xã B' });
  return { reg, location, set: (iso: string) => (now = new Date(iso)) };
}

function request(
  key: string,
  o: {
    requester?: string;
    doc?: string;
    channel?: 'EMAIL' | 'KHO_DVCQG' | 'IN_PERSON';
    authority?: string;
    paper?: number;
  } = {},
): ReserveInput {
  const original = { pages: 2, paperCopies: o.paper ?? 1, electronicCopy: true };
  return {
    idempotencyKey: key,
    authorityId: o.authority ?? AUTH,
    requester: { name: o.requester ?? 'Trần Văn Bình' },
    certifier: { name: 'Nguyễn Thị Hồng', title: 'CHỦ TỊCH', basis: 'own-competence' },
    originals: [{ documentName: o.doc ?? 'Bằng tốt nghiệp', ...original }],
    fee: computeCopyFee({ originals: [original] }),
    delivery:
      (o.channel ?? 'EMAIL') === 'EMAIL' ? { channel: 'EMAIL', address: 'binh@example.vn' } : { channel: o.channel! },
  };
}

async function issue(reg: CertificationRegister, key: string, o?: Parameters<typeof request>[1]) {
  const { request: r } = await reg.reserve(request(key, o));
  return reg.complete(r.id, { eCopies: r.entries.map((e) => ({ entryId: e.id, sha256: sha(key) })) });
}

async function rejects(p: Promise<unknown>, code: string): Promise<KysoError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KysoError);
  expect((e as KysoError).code).toBe(code);
  expect((e as KysoError).messageVi).not.toMatch(/[a-z]{3,} (the|is|of)\b/);
  return e as KysoError;
}

describe.each(STORE_NAMES)('on %s', (storeName) => {
  const store = stores.get(storeName);
  const fresh = () => freshOn(store);

  describe('searching the book', () => {
    it('filters by authority, book, year, number range, date range, requester (any case, Vietnamese), state and channel', async () => {
      const { reg, set } = await fresh();
      set('2026-03-10T03:00:00Z');
      await issue(reg, 'a1', { requester: 'Đặng Thị Ánh' });
      set('2026-03-11T03:00:00Z');
      await issue(reg, 'a2', { channel: 'KHO_DVCQG' });
      set('2026-03-31T18:00:00Z'); // 1 April in Vietnam
      await issue(reg, 'a3', { requester: 'Lê Văn Cường' });
      const pending = await reg.reserve(request('a4'));
      await issue(reg, 'b1', { authority: 'UBND-B' });
      set('2027-01-05T03:00:00Z');
      await issue(reg, 'a5');
      const seqs = async (q: Parameters<CertificationRegister['searchEntries']>[0]) =>
        (await reg.searchEntries(q)).entries.map((e) => `${e.authorityId === AUTH ? '' : 'B:'}${e.year}/${e.seqNo}`);
      expect(await seqs({})).toEqual(['B:2026/1', '2026/1', '2026/2', '2026/3', '2026/4', '2027/1']);
      expect(await seqs({ authorityId: AUTH, year: 2026 })).toEqual(['2026/1', '2026/2', '2026/3', '2026/4']);
      expect(await seqs({ authorityId: AUTH, bookType: 'SCT/BS', year: 2026, numberFrom: 2, numberTo: 3 })).toEqual([
        '2026/2',
        '2026/3',
      ]);
      expect(
        await seqs({
          authorityId: AUTH,
          certifiedFrom: vietnamDayStart('2026-03-11')!,
          certifiedTo: vietnamDayEnd('2026-03-31')!,
        }),
      ).toEqual(['2026/2']);
      expect(
        await seqs({
          authorityId: AUTH,
          certifiedFrom: vietnamDayStart('2026-04-01')!,
          certifiedTo: vietnamDayEnd('2026-04-01')!,
        }),
      ).toEqual(['2026/3', '2026/4']);
      expect(await seqs({ requester: 'đặng thị ánh' })).toEqual(['2026/1']);
      expect(await seqs({ requester: 'CƯỜNG' })).toEqual(['2026/3']);
      expect(await seqs({ authorityId: AUTH, state: 'pending' })).toEqual(['2026/4']);
      expect(await seqs({ authorityId: AUTH, state: ['pending', 'void'] })).toEqual(['2026/4']);
      expect(await seqs({ channel: 'KHO_DVCQG' })).toEqual(['2026/2']);
      expect((await reg.getEntry(pending.request.entries[0].id))?.seqNo).toBe(4);
      expect(await reg.getEntry(99_999)).toBeNull();
    });

    it('pages in the book order with a cursor: no entry twice, none missed, the last page says so', async () => {
      const { reg } = await fresh();
      for (let i = 0; i < 11; i++) await issue(reg, `p${i}`);
      const seen: number[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await reg.searchEntries({ authorityId: AUTH }, { limit: 4, after });
        seen.push(...page.entries.map((e) => e.seqNo));
        after = page.nextCursor ?? undefined;
        pages++;
      } while (after);
      expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
      expect(pages).toBe(3);
      const exact = await reg.searchEntries({ authorityId: AUTH }, { limit: 11 });
      expect(exact.nextCursor).toBeNull();
    });

    it('refuses bad queries with typed errors', async () => {
      const { reg } = await fresh();
      await rejects(reg.searchEntries({}, { after: 'not-a-cursor' }), 'REGISTER_BAD_CURSOR');
      await rejects(reg.searchEntries({}, { limit: 0 }), 'REGISTER_BAD_INPUT');
      await rejects(reg.searchEntries({}, { limit: 1001 }), 'REGISTER_BAD_INPUT');
      await rejects(reg.searchEntries({ numberFrom: 5, numberTo: 2 }), 'REGISTER_BAD_INPUT');
      await rejects(reg.searchEntries({ certifiedFrom: 'yesterday' }), 'REGISTER_BAD_INPUT');
      await rejects(reg.searchEntries({ state: 'lost' as never }), 'REGISTER_BAD_INPUT');
      await rejects(reg.searchEntries({ channel: 'FAX' as never }), 'REGISTER_BAD_INPUT');
      await rejects(reg.searchEntries({ year: 20261 }), 'REGISTER_BAD_INPUT');
      expect(vietnamDayStart('2026-02-30')).toBeNull();
      expect(vietnamDayStart('2026-03-01')?.toISOString()).toBe('2026-02-28T17:00:00.000Z');
    });
  });

  describe("closing a year's book (Art. 13.1)", () => {
    it('refuses while an entry is pending, then records the count of numbers used once, and nothing reopens the year', async () => {
      const { reg, location } = await fresh();
      await issue(reg, 'c1');
      const pending = await reg.reserve(request('c2'));
      await issue(reg, 'c3');
      const refused = await rejects(reg.closeBook(AUTH, 'SCT/BS', 2026), 'REGISTER_BOOK_PENDING');
      expect(refused.details).toMatchObject({ pending: 1 });
      expect(await reg.getBookClosure(AUTH, 'SCT/BS', 2026)).toBeNull();
      expect((await reg.listBooks(AUTH, 2026)).every((b) => b.closedAt === null)).toBe(true);
      await reg.voidPending(pending.request.id, 'Người yêu cầu không quay lại');
      const closed = await reg.closeBook(AUTH, 'SCT/BS', 2026);
      expect(closed.entries).toBe(3);
      expect(closed.closure).toMatchObject({
        authorityId: AUTH,
        bookType: 'SCT/BS',
        year: 2026,
        numbersUsed: 3,
        issued: 2,
        voided: 1,
      });
      expect(await reg.getBookClosure(AUTH, 'SCT/BS', 2026)).toEqual(closed.closure);
      // Closing again returns the record; reserving and opening a volume stay refused.
      expect((await reg.closeBook(AUTH, 'SCT/BS', 2026)).closure).toEqual(closed.closure);
      await rejects(reg.reserve(request('c4')), 'REGISTER_BOOK_CLOSED');
      await rejects(reg.openVolume(AUTH, 'SCT/BS', 2026), 'REGISTER_BOOK_CLOSED');
      await reg.close();
      await expect(store.sql(location, 'UPDATE book_closures SET numbers_used = 2')).rejects.toThrow(/permanent/);
    });

    it('an empty year closes with 0 numbers used', async () => {
      const { reg } = await fresh();
      expect((await reg.closeBook(AUTH, 'SCT/BS', 2025)).closure).toMatchObject({
        numbersUsed: 0,
        issued: 0,
        voided: 0,
      });
    });
  });

  describe('the printed book', () => {
    it('renders as landscape A4 pages with the headings, page numbers and every entry', async () => {
      const { reg } = await fresh();
      const names = ['Đặng Thị Ánh', 'Lê Văn Cường', 'Nguyễn Hữu Phước', 'Trịnh Thị Ngọc Diệp', 'Võ Thành Đạt'];
      for (let i = 0; i < 60; i++)
        await issue(reg, `k${i}`, {
          requester: names[i % names.length],
          doc: `Giấy chứng nhận quyền sử dụng đất số ${1000 + i}`,
          paper: i % 3,
        });
      const voided = await reg.reserve(request('kv'));
      await reg.voidPending(voided.request.id, 'Hủy do nhập sai');
      const closure = (await reg.closeBook(AUTH, 'SCT/BS', 2026)).closure;
      const entries = (await reg.searchEntries({ authorityId: AUTH, year: 2026 }, { limit: 1000 })).entries;
      const pdf = printRegisterBook({
        authority: { id: AUTH, name: 'Ủy ban nhân dân phường Hàng Bạc' },
        bookType: 'SCT/BS',
        period: { from: vietnamDayStart('2026-01-01')!, to: vietnamDayEnd('2026-12-31')! },
        entries,
        closure,
      });
      const file = tmp.file('book.pdf', pdf);
      expect(run('qpdf', ['--check', file]).status).toBe(0);
      const info = run('pdfinfo', [file]).stdout;
      const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
      expect(pages).toBeGreaterThan(1);
      expect(info).toMatch(/Page size:\s+841\.89 x 595\.28/);
      const rendered = run('pdftoppm', ['-r', '40', '-png', file, tmp.file('book-page')]);
      expect(rendered.status).toBe(0);
      const text = run('pdftotext', ['-layout', file, '-']).stdout.normalize('NFC');
      for (const h of [
        'SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH',
        'ỦY BAN NHÂN DÂN PHƯỜNG HÀNG BẠC',
        'Số chứng',
        'Quyển',
        'Lệ phí (đồng)',
        'Tên bản chính giấy tờ, văn bản',
        'Họ, tên người yêu cầu',
        'Người thực hiện chứng thực',
        'Ghi chú',
        'Từ ngày 01/01/2026 đến ngày 31/12/2026',
      ]) {
        expect(text).toContain(h);
      }
      for (let p = 1; p <= pages; p++) expect(text).toContain(`Trang ${p}/${pages}`);
      const plain = run('pdftotext', [file, '-']).stdout.normalize('NFC');
      for (const e of entries) {
        expect(plain).toContain(e.documentName.split(' ').slice(-2).join(' ')); // "số 10xx" sits on the row's last line
        expect(plain).toMatch(new RegExp(`(^|\\s)${e.seqNo}(\\s|$)`, 'm'));
      }
      expect(plain).toContain('Hủy do nhập sai');
      expect(plain).toContain('đã sử dụng 61 số chứng thực');
      // Each rendered page has ink: not a blank image.
      const pngs = run('sh', ['-c', `ls ${tmp.dir}/book-page*.png | wc -l`]).stdout.trim();
      expect(Number(pngs)).toBe(pages);
      const first = readFileSync(
        `${tmp.dir}/${run('sh', ['-c', `ls ${tmp.dir} | grep book-page | head -1`]).stdout.trim()}`,
      );
      expect(first.length).toBeGreaterThan(2_000);
    });

    it('clips a cell too long for a page with "…" and prints a character the font lacks as "?"', async () => {
      const { reg } = await fresh();
      const long = 'Ghi chú rất dài '.repeat(120);
      const input = request('long', { requester: 'Nguyễn Văn 😀 An' });
      input.originals[0].notes = long;
      await reg.reserve(input);
      const entries = (await reg.searchEntries({ authorityId: AUTH })).entries;
      const file = tmp.file(
        'long.pdf',
        printRegisterBook({ authority: { id: AUTH, name: 'UBND' }, bookType: 'SCT/BS', entries }),
      );
      expect(run('qpdf', ['--check', file]).status).toBe(0);
      const text = run('pdftotext', [file, '-']).stdout.normalize('NFC');
      expect(text).toContain('…');
      expect(text).toContain('Nguyễn Văn ? An');
      expect(Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [file]).stdout)![1])).toBe(1);
    });

    it('prints an empty period and refuses input it cannot print', () => {
      const pdf = printRegisterBook({
        authority: { id: AUTH, name: 'UBND' },
        bookType: 'SCTĐT/BS',
        year: 2026,
        entries: [],
      });
      const file = tmp.file('empty.pdf', pdf);
      const text = run('pdftotext', [file, '-']).stdout.normalize('NFC');
      expect(text).toContain('SỔ CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH');
      expect(text).toContain('Không có mục nào trong kỳ này.');
      expect(() => printRegisterBook({ authority: { id: AUTH, name: '' }, bookType: 'SCT/BS', entries: [] })).toThrow(
        RegisterError,
      );
    });
  });
});

describe('the signing journal store', () => {
  const record = (i: number, extra: Record<string, unknown> = {}) => ({
    source: 'service' as const,
    operation: 'sign' as const,
    unit: i % 2 ? 'UBND-A' : 'UBND-B',
    keyAlias: 'seal',
    signerName: 'Ủy ban nhân dân phường Hàng Bạc',
    signerCertSha256: sha('cert'),
    level: 'B-T',
    documentSha256: sha(`doc${i}`),
    ...extra,
  });

  const openJournal = (store: RegisterStoreCase, location: string): Promise<SigningJournal> =>
    store.name === 'sqlite'
      ? Promise.resolve(openSqliteJournal(location))
      : openPostgresJournal({ url: location, poolSize: 2 });

  it.each(STORE_NAMES)(
    'on %s: appends records in the register database, lists them by unit and code a page at a time, and refuses edits',
    async (storeName) => {
      const store = stores.get(storeName);
      const { reg, location } = await freshOn(store);
      await reg.close();
      const journal = await openJournal(store, location);
      for (let i = 0; i < 7; i++)
        await journal.record(record(i, i === 3 ? { procedureCode: '1.001234', dossierId: 'HS-2026/0003' } : {}));
      const a = await journal.list({ unit: 'UBND-A' }, { limit: 2 });
      expect(a.records.map((r) => r.documentSha256)).toEqual([sha('doc1'), sha('doc3')]);
      const rest = await journal.list({ unit: 'UBND-A' }, { limit: 2, after: a.nextCursor! });
      expect(rest.records.map((r) => r.documentSha256)).toEqual([sha('doc5')]);
      expect(rest.nextCursor).toBeNull();
      expect((await journal.list({ dossierId: 'HS-2026/0003' })).records).toMatchObject([
        { procedureCode: '1.001234', unit: 'UBND-A', level: 'B-T', source: 'service' },
      ]);
      const at = new Date('2026-03-10T03:00:00.123Z');
      const dated = await journal.record(record(8, { at }));
      expect(dated.at).toBe('2026-03-10T03:00:00.123Z');
      expect((await journal.list({ from: at, to: new Date(at.getTime() + 1) })).records.map((r) => r.id)).toEqual([
        dated.id,
      ]);
      await rejects(journal.record(record(9, { procedureCode: 'tên người <script>' })), 'JOURNAL_BAD_INPUT');
      await rejects(journal.record(record(9, { documentSha256: 'abc' })), 'JOURNAL_BAD_INPUT');
      await rejects(journal.list({}, { after: 'x' }), 'JOURNAL_BAD_CURSOR');
      await journal.close();
      await expect(store.sql(location, 'DELETE FROM signing_journal')).rejects.toThrow(/append-only/);
      await expect(store.sql(location, "UPDATE signing_journal SET unit = 'x'")).rejects.toThrow(/append-only/);
      // The same database still opens as a register.
      const again = await store.open(location);
      expect((await again.listAuthorities()).map((x) => x.id)).toEqual(['UBND-B', AUTH]);
      await again.close();
    },
  );

  it('the SQLite journal lives in the register file and keeps its schema version', async () => {
    const { reg, location } = await freshOn(stores.get('sqlite'));
    await reg.close();
    await (await openJournal(stores.get('sqlite'), location)).close();
    const again = openSqliteRegister(location);
    expect(again.schemaVersion()).toBe(SCHEMA_VERSION);
    await again.close();
    expect(new JournalError('JOURNAL_STORAGE').messageEn).toContain('journal');
  });

  it('SQLite: records asked for together are committed together: each resolves with its own row, in the order asked, on disk when it resolves', async () => {
    const { reg, location: path } = await freshOn(stores.get('sqlite'));
    await reg.close();
    const journal = openSqliteJournal(path);
    const asked = Array.from({ length: 25 }, (_, i) => journal.record(record(i)));
    // a list asked for before they resolve already holds them (the waiting group is committed first)
    expect((await journal.list({}, { limit: 1000 })).records.map((r) => r.documentSha256)).toEqual(
      Array.from({ length: 25 }, (_, i) => sha(`doc${i}`)),
    );
    const rows = await Promise.all(asked);
    expect(rows.map((r) => r.documentSha256)).toEqual(Array.from({ length: 25 }, (_, i) => sha(`doc${i}`)));
    expect(rows.every((r, i) => i === 0 || r.id > rows[i - 1]!.id)).toBe(true);
    // another connection reads what has resolved
    const one = await journal.record(record(99));
    const other = openSqliteJournal(path);
    expect((await other.list({}, { limit: 1000 })).records.at(-1)).toMatchObject({
      id: one.id,
      documentSha256: sha('doc99'),
    });
    await other.close();
    await journal.close();
  });
});
