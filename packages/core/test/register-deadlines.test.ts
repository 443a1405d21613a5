/**
 * Deadlines in the register and the monthly figures, on both stores (SQLite and PostgreSQL): the receipt and due time recorded at reserve (15:00 rule,
 * extensions), the e-copy's delivery time, overdue and returned-late flags, the migration of a version-1 file, the
 * appointment slip (rendered by pdftoppm, read back by pdftotext), and the monthly figures of a register filled
 * here with known answers (JSON and CSV).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PNG } from 'pngjs';
import {
  appointmentSlip,
  monthlyReport,
  monthlyReportCsv,
  monthlyReportHtml,
  RegisterError,
  type CertificationRegister,
  type DeadlineState,
} from '@kyso/core';
import { MIGRATIONS, applyMigrations, openSqliteRegister } from '@kyso/core/register-sqlite';
import { run, scratch } from '../../../tests/helpers/tools.js';
import {
  certifier,
  expectKnownMarch,
  fillKnownRegister,
  input,
  issue,
  KNOWN_TOTALS,
  vn,
} from './helpers/known-register.js';
import { STORE_NAMES, registerStores } from './helpers/register-stores.js';

const tmp = scratch('kyso-deadlines-');
const stores = registerStores(tmp);
afterAll(async () => {
  await stores.stop();
  tmp.cleanup();
});

describe.each(STORE_NAMES)('on %s', (storeName) => {
  const store = stores.get(storeName);

  async function open(startLocal: string) {
    let now = vn(startLocal);
    const reg = await store.open(await store.location(), { clock: () => now });
    return { reg, at: (local: string) => (now = vn(local)) };
  }

  /** The known register, on this store. */
  const known = async () => fillKnownRegister('', async (clock) => store.open(await store.location(), { clock }));

  describe('deadlines in the register', () => {
    it('records the receipt (default now) and the due time: same day by 15:00, next working day after', async () => {
      const { reg, at } = await open('2026-03-13T10:00:00');
      await reg.upsertAuthority({ id: 'A', name: 'Ủy ban nhân dân phường Hàng Bạc' });
      const a = (await reg.reserve(input('A', 'k1', [{ pages: 1, paperCopies: 1, electronicCopy: false }]))).request;
      expect(a).toMatchObject({
        receivedAt: vn('2026-03-13T10:00:00').toISOString(),
        dueAt: vn('2026-03-13T17:00:00').toISOString(),
        deadline: 'open',
        returnedAt: null,
        extension: null,
      });
      at('2026-03-13T16:00:00');
      const b = (
        await reg.reserve(
          input('A', 'k2', [{ pages: 1, paperCopies: 1, electronicCopy: false }], {
            receivedAt: '2026-03-13T15:20:00+07:00',
          }),
        )
      ).request;
      expect(b.dueAt).toBe(vn('2026-03-16T17:00:00').toISOString()); // Friday after 15:00 → Monday
      at('2026-03-13T17:00:01');
      expect((await reg.getRequest(a.id))!.deadline).toBe('overdue');
      await reg.complete(a.id, { eCopies: [] });
      expect(await reg.getRequest(a.id)).toMatchObject({
        deadline: 'returned-late',
        returnedAt: vn('2026-03-13T17:00:01').toISOString(),
      });
    });

    it('flags each entry in every listing: open, overdue now, returned on time, returned late; none when void', async () => {
      const { reg, at } = await open('2026-03-10T09:00:00');
      await reg.upsertAuthority({ id: 'A', name: 'UBND phường Hàng Bạc' });
      const paper = [{ pages: 1, paperCopies: 1, electronicCopy: false }];
      const onTime = await issue(reg, input('A', 'on-time', paper)); // paper alone: returned when issued, 09:00
      const late = (await reg.reserve(input('A', 'late', [...paper, ...paper]))).request; // two entries, one request
      const ecopy = await issue(reg, input('A', 'ecopy', [{ pages: 1, paperCopies: 0, electronicCopy: true }]));
      const voided = (await reg.reserve(input('A', 'void', paper))).request;
      await reg.voidPending(voided.id, 'Người yêu cầu rút hồ sơ');
      at('2026-03-10T16:59:00');
      const open1 = (await reg.reserve(input('A', 'open', paper, { receivedAt: '2026-03-10T16:00:00+07:00' }))).request; // after 15:00: due the 11th
      const flags = async () => {
        const all = (await reg.searchEntries({ authorityId: 'A' })).entries;
        // The deadline filter (SQL in the store) picks exactly the entries whose flag (computed on read) says so.
        for (const states of [['open'], ['overdue'], ['returned-on-time'], ['returned-late'], ['overdue', 'open']]) {
          const found = (await reg.searchEntries({ authorityId: 'A', deadline: states as DeadlineState[] })).entries;
          expect(found.map((e) => e.id)).toEqual(
            all.filter((e) => states.includes(e.deadline?.state as string)).map((e) => e.id),
          );
        }
        return all.map((e) => [e.requestId, e.deadline?.state]);
      };
      expect(await flags()).toEqual([
        [onTime.id, 'returned-on-time'],
        [late.id, 'open'],
        [late.id, 'open'],
        [ecopy.id, 'open'],
        [voided.id, null],
        [open1.id, 'open'],
      ]);
      at('2026-03-10T17:00:00'); // the due time itself: still open (overdue is strictly after)
      expect((await flags()).filter(([, f]) => f === 'overdue')).toEqual([]);
      at('2026-03-10T17:30:00'); // past the 10th's closing: what was not returned is overdue now
      expect(await flags()).toEqual([
        [onTime.id, 'returned-on-time'],
        [late.id, 'overdue'],
        [late.id, 'overdue'],
        [ecopy.id, 'overdue'], // issued, not delivered
        [voided.id, null],
        [open1.id, 'open'],
      ]);
      await reg.complete(late.id, { eCopies: [] });
      await reg.recordDelivery(ecopy.id, { at: '2026-03-10T16:30:00+07:00' });
      const entries = (await reg.searchEntries({ authorityId: 'A' })).entries;
      const due10 = vn('2026-03-10T17:00:00').toISOString();
      expect(entries.map((e) => e.deadline)).toEqual([
        { dueAt: due10, returnedAt: vn('2026-03-10T09:00:00').toISOString(), state: 'returned-on-time' },
        { dueAt: due10, returnedAt: vn('2026-03-10T17:30:00').toISOString(), state: 'returned-late' },
        { dueAt: due10, returnedAt: vn('2026-03-10T17:30:00').toISOString(), state: 'returned-late' },
        { dueAt: due10, returnedAt: vn('2026-03-10T16:30:00').toISOString(), state: 'returned-on-time' },
        { dueAt: due10, returnedAt: null, state: null },
        { dueAt: vn('2026-03-11T17:00:00').toISOString(), returnedAt: null, state: 'open' },
      ]);
      await flags();
      const late2 = await reg.searchEntries({ authorityId: 'A', deadline: 'returned-late' }, { limit: 1 });
      expect(late2.entries.map((e) => e.requestId)).toEqual([late.id]);
      expect(
        (
          await reg.searchEntries({ authorityId: 'A', deadline: 'returned-late' }, { after: late2.nextCursor! })
        ).entries.map((e) => e.requestId),
      ).toEqual([late.id]);
      await expect(reg.searchEntries({ deadline: 'late' as DeadlineState })).rejects.toMatchObject({
        code: 'REGISTER_BAD_INPUT',
      });
      await expect(reg.searchEntries({ deadline: [] })).rejects.toMatchObject({ code: 'REGISTER_BAD_INPUT' });
      // Every read gives the same flag: the other listings, one entry, a request's entries.
      expect((await reg.listEntries({ authorityId: 'A' })).map((e) => e.deadline)).toEqual(
        entries.map((e) => e.deadline),
      );
      expect((await reg.getEntry(entries[1]!.id))!.deadline).toEqual(entries[1]!.deadline);
      expect((await reg.findEntry({ authorityId: 'A', bookType: 'SCT/BS', year: 2026, seqNo: 2 }))!.deadline).toEqual(
        entries[1]!.deadline,
      );
      expect((await reg.findEntriesByECopyHash(entries[3]!.eCopySha256!))[0]!.deadline).toEqual(entries[3]!.deadline);
      expect((await reg.getRequest(late.id))!.entries.map((e) => e.deadline?.state)).toEqual([
        'returned-late',
        'returned-late',
      ]);
      expect((await reg.getRequest(late.id))!.deadline).toBe('returned-late');
    });

    it('keeps the first receipt and due time on a retry, and records an extension with its reason', async () => {
      const { reg, at } = await open('2026-03-16T08:30:00');
      await reg.upsertAuthority({ id: 'A', name: 'UBND xã Tân Lập' });
      const ext = { workingDays: 2, reason: 'Nhiều bản chính, nhiều trang' };
      const first = (
        await reg.reserve(input('A', 'k', [{ pages: 40, paperCopies: 3, electronicCopy: false }], { extension: ext }))
      ).request;
      expect(first).toMatchObject({ dueAt: vn('2026-03-18T17:00:00').toISOString(), extension: ext });
      at('2026-03-16T11:00:00');
      const again = await reg.reserve(input('A', 'k', [{ pages: 40, paperCopies: 3, electronicCopy: false }]));
      expect(again.resumed).toBe(true);
      expect(again.request.receivedAt).toBe(first.receivedAt);
      expect(again.request.dueAt).toBe(first.dueAt);
    });

    it('refuses a receipt in the future, an unreadable one, a long extension without agreement, a bad payment channel: nothing recorded', async () => {
      const { reg } = await open('2026-03-16T08:30:00');
      await reg.upsertAuthority({ id: 'A', name: 'UBND xã Tân Lập' });
      const one = [{ pages: 1, paperCopies: 1, electronicCopy: false }];
      await expect(
        reg.reserve(input('A', 'f1', one, { receivedAt: '2026-03-16T09:30:00+07:00' })),
      ).rejects.toMatchObject({ code: 'REGISTER_BAD_INPUT' });
      await expect(reg.reserve(input('A', 'f2', one, { receivedAt: '16/03/2026 08:00' }))).rejects.toMatchObject({
        code: 'REGISTER_BAD_INPUT',
      });
      await expect(
        reg.reserve(input('A', 'f3', one, { extension: { workingDays: 4, reason: 'Nhiều trang' } })),
      ).rejects.toMatchObject({ code: 'DEADLINE_EXTENSION_TOO_LONG' });
      await expect(reg.reserve(input('A', 'f4', one, { paymentChannel: 'CARD' as never }))).rejects.toMatchObject({
        code: 'REGISTER_BAD_INPUT',
      });
      expect(await reg.listPending('A')).toEqual([]);
      expect(await reg.listEntries({ authorityId: 'A' })).toEqual([]);
    });

    it("records the e-copy's delivery once; the return time is the delivery", async () => {
      const { reg, at } = await open('2026-03-10T09:00:00');
      await reg.upsertAuthority({ id: 'A', name: 'UBND phường Hàng Bạc' });
      const r = await issue(reg, input('A', 'e', [{ pages: 2, paperCopies: 0, electronicCopy: true }]));
      expect(r).toMatchObject({ state: 'issued', deliveredAt: null, returnedAt: null, deadline: 'open' });
      at('2026-03-10T18:00:00');
      expect((await reg.getRequest(r.id))!.deadline).toBe('overdue'); // issued but not delivered by 17:00
      const d = await reg.recordDelivery(r.id, { at: '2026-03-10T16:45:00+07:00' });
      expect(d).toMatchObject({
        deliveredAt: vn('2026-03-10T16:45:00').toISOString(),
        returnedAt: vn('2026-03-10T16:45:00').toISOString(),
        deadline: 'returned-on-time',
      });
      const again = await reg.recordDelivery(r.id); // a repeat keeps the first time
      expect(again.deliveredAt).toBe(d.deliveredAt);
      // Not before it was issued; not for paper alone; not for a pending request.
      const p = (await reg.reserve(input('A', 'p', [{ pages: 1, paperCopies: 0, electronicCopy: true }]))).request;
      await expect(reg.recordDelivery(p.id)).rejects.toMatchObject({ code: 'REGISTER_NOT_ISSUED' });
      const paper = await issue(reg, input('A', 'paper', [{ pages: 1, paperCopies: 1, electronicCopy: false }]));
      await expect(reg.recordDelivery(paper.id)).rejects.toMatchObject({ code: 'REGISTER_BAD_INPUT' });
      await expect(reg.recordDelivery('no-such')).rejects.toBeInstanceOf(RegisterError);
    });
  });

  describe('the appointment slip (phiếu hẹn)', () => {
    it('renders one A4 page whose text holds the authority, requester, document, receipt and due times in Vietnam time', async () => {
      const { reg } = await open('2026-03-13T15:40:00');
      await reg.upsertAuthority({ id: 'A', name: 'Ủy ban nhân dân phường Hàng Bạc' });
      const r = (
        await reg.reserve(
          input(
            'A',
            'slip',
            [{ pages: 12, paperCopies: 2, electronicCopy: true, documentName: 'Giấy chứng nhận quyền sử dụng đất' }],
            { extension: { workingDays: 1, reason: 'Bản chính nhiều trang' }, paymentChannel: 'ONLINE' },
          ),
        )
      ).request;
      const slip = appointmentSlip({
        request: r,
        authorityName: 'Ủy ban nhân dân phường Hàng Bạc',
        receivedBy: 'Lê Thị Mai',
      });
      const path = tmp.file('slip.pdf', slip.pdf);
      const text = run('pdftotext', ['-enc', 'UTF-8', '-layout', path, '-']);
      expect(text.status, text.stderr).toBe(0);
      const flat = text.stdout.replace(/\s+/g, ' ');
      for (const s of [
        'PHIẾU HẸN TRẢ KẾT QUẢ',
        'Ủy ban nhân dân phường Hàng Bạc',
        'Người yêu cầu: Trần Văn Bình',
        'Giấy chứng nhận quyền sử dụng đất (12 trang; 2 bản giấy, bản sao điện tử)',
        'Thời điểm tiếp nhận: 13/03/2026 15:40:00 +07:00',
        // After 15:00 on Friday → Monday; one working day's extension → Tuesday 17:00.
        'Hẹn trả kết quả: 17/03/2026 17:00:00 +07:00',
        'Gia hạn: 1 ngày làm việc. Lý do: Bản chính nhiều trang',
        'Điều 7 và Điều 21 Nghị định 23/2015/NĐ-CP',
        'Lê Thị Mai',
      ])
        expect(flat).toContain(s);
      expect(slip.lines.join(' ')).toContain(r.entries[0].certificationNumber);
      const info = run('pdfinfo', [path]);
      expect(info.stdout).toMatch(/Pages:\s+1/);
      expect(info.stdout).toMatch(/Page size:\s+595\.28 x 841\.89/);
      expect(run('qpdf', ['--check', path]).status).toBe(0);
      const r2 = run('pdftoppm', ['-r', '50', '-png', '-singlefile', path, `${tmp.dir}/slip`]);
      expect(r2.status, r2.stderr).toBe(0);
      const png = PNG.sync.read(readFileSync(`${tmp.dir}/slip.png`));
      let dark = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 128) dark++;
      expect(dark).toBeGreaterThan(500); // text was drawn
    });

    it('refuses a refusal (no due time)', async () => {
      const { reg } = await open('2026-03-13T10:00:00');
      await reg.upsertAuthority({ id: 'A', name: 'UBND' });
      const { request } = await reg.recordRefusal({
        idempotencyKey: 'x',
        authorityId: 'A',
        requester: { name: 'X' },
        certifier,
        documentName: 'Giấy',
        code: 'DAMAGED',
      });
      expect(() => appointmentSlip({ request, authorityName: 'UBND' })).toThrow(
        expect.objectContaining({ code: 'CERTIFY_NO_DUE_TIME' }),
      );
    });
  });

  describe('the monthly figures', () => {
    it('equal the known answers of a register filled by the test (all units, then one unit)', async () => {
      const reg = await known();
      const report = await monthlyReport(reg, {
        month: '2026-03',
        totals: KNOWN_TOTALS,
        now: vn('2026-04-05T09:00:00'),
      });
      expectKnownMarch(report);
      const one = await monthlyReport(reg, { month: '2026-03', unit: 'B', now: vn('2026-04-05T09:00:00') });
      expect(one.units.map((u) => u.unit.id)).toEqual(['B']);
      expect(one.total.certifications.total).toBe(1);
      expect(one.scope.unit).toBe('B');
      await reg.close();
    });

    it('writes the same figures as CSV (one row per unit and a total; a formula-like name is defused)', async () => {
      const reg = await known();
      await reg.upsertAuthority({ id: 'C', name: '=HYPERLINK("x")' });
      const csv = monthlyReportCsv(
        await monthlyReport(reg, { month: '2026-03', totals: KNOWN_TOTALS, now: vn('2026-04-05T09:00:00') }),
      );
      expect(csv.startsWith('\ufeff')).toBe(true);
      const rows = csv
        .slice(1)
        .trim()
        .split('\r\n')
        .map((l) => l.split(','));
      const head = rows[0];
      const row = (id: string) => Object.fromEntries(head.map((h, i) => [h, rows.find((r) => r[1] === id)![i]]));
      expect(row('A')).toMatchObject({
        month: '2026-03',
        certifications: '4',
        certifications_both: '1',
        refusals_ALTERED: '1',
        fees_total_vnd: '18000',
        fees_online_vnd: '8000',
        rate_on_time: '0.6667',
        average_processing_minutes: '1950',
        rate_digitisation: '0.75',
      });
      expect(row('*')).toMatchObject({ certifications: '5', fees_total_vnd: '20000', rate_on_time: '0.75' });
      expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
      await reg.close();
    });

    it('escapes unit names in the HTML page: a name is text, never markup', async () => {
      const reg = await known();
      await reg.upsertAuthority({ id: 'C', name: '<script>alert("x")</script> & "Ủy ban"' });
      const html = monthlyReportHtml(await monthlyReport(reg, { month: '2026-03', now: vn('2026-04-05T09:00:00') }));
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Ủy ban&quot;');
      await reg.close();
    });

    it('refuses a bad month, an unknown unit and bad totals with a typed error', async () => {
      const reg = await known();
      for (const [opts, field] of [
        [{ month: '2026-13' }, 'month'],
        [{ month: '2026-03', unit: 'Z' }, 'unit'],
        [{ month: '2026-03', totals: { A: { resultsReturned: -1 } } }, 'totals.A.resultsReturned'],
        [
          { month: '2026-03', totals: { A: { dossiersReceived: 1, dossiersDigitised: 2 } } },
          'totals.A.dossiersDigitised',
        ],
        [{ month: '2026-03', totals: { Z: {} } }, 'totals.Z'],
      ] as const) {
        await expect(monthlyReport(reg, opts as never)).rejects.toMatchObject({
          code: 'REPORT_BAD_INPUT',
          details: { field },
        });
      }
      await reg.close();
    });
  });
});

describe('the SQLite file', () => {
  it('migrates a version-1 register: old requests are received when recorded, without a due time', async () => {
    const path = tmp.file('v1.sqlite');
    const db = new Database(path);
    applyMigrations(db, MIGRATIONS.slice(0, 1));
    db.prepare(
      "INSERT INTO authorities VALUES ('A', 'UBND', '[\"SCT/BS\"]', NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
    ).run();
    db.prepare(
      "INSERT INTO requests (id, authority_id, idempotency_key, fingerprint, kind, state, requester_json, certifier_json, refusal_code, refusal_document, created_at, completed_at) VALUES ('r1', 'A', 'k', 'f', 'refusal', 'refused', '{\"name\":\"X\"}', '{\"name\":\"Y\",\"basis\":\"assigned\"}', 'ALTERED', 'Giấy', '2026-02-01T02:00:00.000Z', '2026-02-01T02:00:00.000Z')",
    ).run();
    db.close();
    const reg = openSqliteRegister(path);
    expect(reg.schemaVersion()).toBe(MIGRATIONS.length);
    expect(await reg.getRequest('r1')).toMatchObject({
      receivedAt: '2026-02-01T02:00:00.000Z',
      dueAt: null,
      deadline: null,
      paymentChannel: null,
    });
    await reg.close();
  });
});

describe('one history, two stores', () => {
  it('SQLite and PostgreSQL return the same records, books, closings and pages for the same history (only the request ids differ)', async () => {
    const [a, b] = await Promise.all(
      STORE_NAMES.map((name) =>
        fillKnownRegister('', async (clock) => stores.get(name).open(await stores.get(name).location(), { clock })),
      ),
    );
    const view = async (reg: CertificationRegister) => {
      const all = await reg.requestsForReport({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });
      const ids = new Map(all.map((r) => [r.id, `${r.authorityId}/${r.idempotencyKey}`]));
      const anonymous = <T>(v: T): T =>
        JSON.parse(JSON.stringify(v), (k, x) =>
          (k === 'id' || k === 'requestId') && ids.has(x) ? ids.get(x) : x,
        ) as T;
      const closing = await reg.closeBook('A', 'SCT/BS', 2026).catch((e: RegisterError) => e.code);
      return anonymous({
        requests: [...all].sort((x, y) => (ids.get(x.id)! < ids.get(y.id)! ? -1 : 1)),
        pending: await reg.listPending(),
        books: await reg.listBooks('A'),
        authorities: await reg.listAuthorities(),
        page: await reg.searchEntries({ requester: 'trần' }, { limit: 3 }),
        closing,
      });
    };
    const [va, vb] = [await view(a), await view(b)];
    expect(va.requests.length).toBeGreaterThan(5);
    expect(vb).toEqual(va);
  });
});
