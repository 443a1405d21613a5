/**
 * Extensions agreed after receipt (Decree 23/2015 Art. 21; docs/domain.md §5.3): the due time moves by working days
 * counted from the request's own due day (weekends, Tết), all extensions together within 2 working days unless the
 * requester agrees in writing; refused once the request is due, returned, void or refused; each one kept in the
 * register (SQLite migration 5, PostgreSQL 2) and the new appointment slip (pdftotext) giving the new due time. On
 * both stores.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { appointmentSlip } from '@kyso/core';
import { run, scratch } from '../../../tests/helpers/tools.js';
import { input, issue, vn } from './helpers/known-register.js';
import { STORE_NAMES, registerStores } from './helpers/register-stores.js';

const tmp = scratch('kyso-later-extension-');
const stores = registerStores(tmp);
afterAll(async () => {
  await stores.stop();
  tmp.cleanup();
});
const paper = [{ pages: 30, paperCopies: 4, electronicCopy: false }];

describe.each(STORE_NAMES)('an extension agreed after receipt, on %s', (storeName) => {
  const store = stores.get(storeName);
  async function open(startLocal: string) {
    let now = vn(startLocal);
    const reg = await store.open(await store.location(), { clock: () => now });
    await reg.upsertAuthority({ id: 'A', name: 'Ủy ban nhân dân phường Hàng Bạc' });
    return { reg, at: (local: string) => (now = vn(local)) };
  }

  it('moves the due time by working days, counts every extension together, needs a written agreement beyond 2 days', async () => {
    const { reg, at } = await open('2026-03-16T09:00:00'); // Monday
    const r = (await reg.reserve(input('A', 'k', paper))).request;
    expect(r.dueAt).toBe(vn('2026-03-16T17:00:00').toISOString());
    at('2026-03-16T14:00:00');
    const one = await reg.extendDeadline(r.id, {
      extension: { workingDays: 1, reason: 'Nội dung phức tạp, khó kiểm tra' },
    });
    expect(one).toMatchObject({
      dueAt: vn('2026-03-17T17:00:00').toISOString(),
      extension: { workingDays: 1, reason: 'Nội dung phức tạp, khó kiểm tra' },
      deadline: 'open',
    });
    at('2026-03-17T10:00:00');
    const two = await reg.extendDeadline(r.id, { extension: { workingDays: 1, reason: 'Nhiều bản sao' } });
    expect(two.dueAt).toBe(vn('2026-03-18T17:00:00').toISOString());
    expect(two.extension).toEqual({ workingDays: 2, reason: 'Nội dung phức tạp, khó kiểm tra; Nhiều bản sao' });
    // A third day makes 3 in all: only with the requester's written agreement.
    at('2026-03-18T11:00:00');
    await expect(
      reg.extendDeadline(r.id, { extension: { workingDays: 1, reason: 'Cần xác minh' } }),
    ).rejects.toMatchObject({ code: 'DEADLINE_EXTENSION_TOO_LONG' });
    const three = await reg.extendDeadline(r.id, {
      extension: { workingDays: 1, reason: 'Cần xác minh', writtenAgreement: true },
    });
    expect(three).toMatchObject({
      dueAt: vn('2026-03-19T17:00:00').toISOString(),
      extension: { workingDays: 3, writtenAgreement: true },
    });
    expect(await reg.listExtensions(r.id)).toEqual([
      {
        agreedAt: vn('2026-03-16T14:00:00').toISOString(),
        workingDays: 1,
        reason: 'Nội dung phức tạp, khó kiểm tra',
        writtenAgreement: false,
        dueBefore: vn('2026-03-16T17:00:00').toISOString(),
        dueAfter: vn('2026-03-17T17:00:00').toISOString(),
      },
      {
        agreedAt: vn('2026-03-17T10:00:00').toISOString(),
        workingDays: 1,
        reason: 'Nhiều bản sao',
        writtenAgreement: false,
        dueBefore: vn('2026-03-17T17:00:00').toISOString(),
        dueAfter: vn('2026-03-18T17:00:00').toISOString(),
      },
      {
        agreedAt: vn('2026-03-18T11:00:00').toISOString(),
        workingDays: 1,
        reason: 'Cần xác minh',
        writtenAgreement: true,
        dueBefore: vn('2026-03-18T17:00:00').toISOString(),
        dueAfter: vn('2026-03-19T17:00:00').toISOString(),
      },
    ]);
    // The listings judge the entry on the new due time: not overdue on the 18th evening.
    at('2026-03-18T18:00:00');
    expect((await reg.searchEntries({ authorityId: 'A' })).entries[0].deadline).toEqual({
      dueAt: vn('2026-03-19T17:00:00').toISOString(),
      returnedAt: null,
      state: 'open',
    });

    // The new slip gives the new due time and the whole extension.
    const slip = appointmentSlip({ request: three, authorityName: 'Ủy ban nhân dân phường Hàng Bạc' });
    const text = run('pdftotext', ['-enc', 'UTF-8', tmp.file(`slip-${storeName}.pdf`, slip.pdf), '-']).stdout.replace(
      /\s+/g,
      ' ',
    );
    expect(text).toContain('Hẹn trả kết quả: 19/03/2026 17:00:00 +07:00');
    expect(text).toContain(
      'Gia hạn: 3 ngày làm việc. Lý do: Nội dung phức tạp, khó kiểm tra; Nhiều bản sao; Cần xác minh',
    );
    expect(text).toContain('theo thỏa thuận bằng văn bản');
  });

  it('counts from the due day over a weekend and Tết: received Friday 13 February 2026, one day more is Monday 23', async () => {
    const { reg, at } = await open('2026-02-13T09:00:00');
    const r = (await reg.reserve(input('A', 't', paper))).request;
    expect(r.dueAt).toBe(vn('2026-02-13T17:00:00').toISOString());
    at('2026-02-13T16:30:00');
    const x = await reg.extendDeadline(r.id, {
      extension: { workingDays: 1, reason: 'Nhiều trang' },
      at: '2026-02-13T16:00:00+07:00',
    });
    expect(x.dueAt).toBe(vn('2026-02-23T17:00:00').toISOString()); // 14–15 weekend, 16–20 Tết
  });

  it('is refused once due, once returned, for a void or refused request, and with bad input; nothing is recorded', async () => {
    const { reg, at } = await open('2026-03-16T09:00:00');
    const due = (await reg.reserve(input('A', 'due', paper))).request;
    const returned = await issue(reg, input('A', 'returned', paper));
    const voided = (await reg.reserve(input('A', 'void', paper))).request;
    await reg.voidPending(voided.id, 'Rút hồ sơ');
    const refused = (
      await reg.recordRefusal({
        idempotencyKey: 'ref',
        authorityId: 'A',
        requester: { name: 'Trần Văn Bình' },
        certifier: { name: 'Nguyễn Thị Hồng', basis: 'own-competence' },
        documentName: 'Giấy tờ',
        code: 'ALTERED',
      })
    ).request;
    const ext = { extension: { workingDays: 1, reason: 'Nhiều trang' } };
    for (const [req, code] of [
      [returned, 'DEADLINE_NOT_EXTENSIBLE'],
      [voided, 'DEADLINE_NOT_EXTENSIBLE'],
    ] as const) {
      await expect(reg.extendDeadline(req.id, ext)).rejects.toMatchObject({ code });
    }
    await expect(reg.extendDeadline(refused.id, ext)).rejects.toMatchObject({ code: 'REGISTER_NOT_FOUND' });
    await expect(reg.extendDeadline('no-such-request', ext)).rejects.toMatchObject({ code: 'REGISTER_NOT_FOUND' });
    for (const bad of [
      { workingDays: 0, reason: 'x' },
      { workingDays: 1, reason: ' ' },
      { workingDays: 1.5, reason: 'x' },
      { workingDays: 40, reason: 'x', writtenAgreement: true },
    ]) {
      await expect(reg.extendDeadline(due.id, { extension: bad })).rejects.toMatchObject({
        code: expect.stringMatching(/^DEADLINE_(BAD_INPUT|EXTENSION_NO_REASON)$/),
      });
    }
    await expect(reg.extendDeadline(due.id, { ...ext, at: '2026-03-16T08:00:00+07:00' })).rejects.toMatchObject({
      code: 'REGISTER_BAD_INPUT',
    }); // before the receipt
    at('2026-03-16T17:00:01');
    const late = reg.extendDeadline(due.id, ext);
    await expect(late).rejects.toMatchObject({ code: 'DEADLINE_PASSED' });
    await expect(late).rejects.toMatchObject({ messageVi: expect.stringContaining('trước khi hết hạn') });
    expect((await reg.getRequest(due.id))!).toMatchObject({
      dueAt: vn('2026-03-16T17:00:00').toISOString(),
      extension: null,
      deadline: 'overdue',
    });
    for (const r of [due, returned, voided]) expect(await reg.listExtensions(r.id)).toEqual([]);
  });
});
