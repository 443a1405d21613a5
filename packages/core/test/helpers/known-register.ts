/**
 * A register filled with known activity for March 2026 (and a month either side), and the answers the monthly
 * figures must give for it: shared by the core test and the report page test in Chromium.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import {
  computeCopyFee,
  type CertificationRegister,
  type Certifier,
  type MonthlyReport,
  type ReserveInput,
} from '@kyso/core';
import { openSqliteRegister } from '@kyso/core/register-sqlite';

export const certifier: Certifier = {
  name: 'Nguyễn Thị Hồng',
  title: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH',
  basis: 'assigned',
};
export const vn = (local: string) => new Date(`${local}+07:00`);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

type Orig = { pages: number; paperCopies: number; electronicCopy: boolean; documentName?: string };
export function input(auth: string, key: string, originals: Orig[], extra: Partial<ReserveInput> = {}): ReserveInput {
  return {
    idempotencyKey: key,
    authorityId: auth,
    requester: { name: 'Trần Văn Bình', idNumber: '001090012345' },
    certifier,
    originals: originals.map((o) => ({ documentName: o.documentName ?? 'Bằng tốt nghiệp đại học', ...o })),
    fee: computeCopyFee({
      originals: originals.map((o) => ({
        pages: o.pages,
        paperCopies: o.paperCopies,
        electronicCopy: o.electronicCopy,
      })),
    }),
    ...(originals.some((o) => o.electronicCopy) ? { delivery: { channel: 'KHO_DVCQG' as const } } : {}),
    ...extra,
  };
}

export async function issue(reg: CertificationRegister, inp: ReserveInput) {
  const { request } = await reg.reserve(inp);
  return reg.complete(request.id, {
    eCopies: request.entries
      .filter((e) => e.electronicCopy)
      .map((e) => ({ entryId: e.id, sha256: sha(`${inp.idempotencyKey}/${e.id}`) })),
  });
}

/**
 * The register the monthly figures are checked on; every expected number below follows from it by hand. `path` is
 * an SQLite file, unless `open` opens the register on another store (with the clock it is given).
 */
export async function fillKnownRegister(
  path: string,
  open?: (clock: () => Date) => Promise<CertificationRegister>,
): Promise<CertificationRegister> {
  let now = vn('2026-02-10T09:00:00');
  const reg = open ? await open(() => now) : openSqliteRegister(path, { clock: () => now });
  const at = (l: string) => (now = vn(l));
  await reg.upsertAuthority({ id: 'A', name: 'UBND phường Hàng Bạc' });
  await reg.upsertAuthority({ id: 'B', name: 'UBND xã Tân Lập' });
  await reg.upsertAuthority({ id: 'C', name: 'UBND xã Không Việc' });
  // February (the trend): A, paper, returned the same hour.
  await issue(
    reg,
    input('A', 'feb', [{ pages: 1, paperCopies: 1, electronicCopy: false }], { paymentChannel: 'CASH' }),
  );
  // r1: A, paper, 3 pages × 2 copies = 10,000 cash; received 09:00, issued 10:00 → on time, 60 min.
  at('2026-03-10T10:00:00');
  await issue(
    reg,
    input('A', 'r1', [{ pages: 3, paperCopies: 2, electronicCopy: false }], {
      receivedAt: vn('2026-03-10T09:00:00'),
      paymentChannel: 'CASH',
    }),
  );
  // r2: A, e-copy alone, 1 page = 2,000 online; received 15:30 (due 11/03 17:00); delivered 12/03 08:00 → late, 2,430 min.
  at('2026-03-11T09:00:00');
  const r2 = await issue(
    reg,
    input('A', 'r2', [{ pages: 1, paperCopies: 0, electronicCopy: true }], {
      receivedAt: vn('2026-03-10T15:30:00'),
      paymentChannel: 'ONLINE',
    }),
  );
  at('2026-03-12T08:00:00');
  await reg.recordDelivery(r2.id);
  // r3: A, two originals (paper + e-copy of 2 pages = 4,000; e-copy alone of 1 page = 2,000) online; received Monday
  // 16/03 08:00 with 2 days' extension (due 18/03 17:00); delivered 18/03 16:00 → on time, 3,360 min.
  at('2026-03-17T10:00:00');
  const r3 = await issue(
    reg,
    input(
      'A',
      'r3',
      [
        { pages: 2, paperCopies: 1, electronicCopy: true },
        { pages: 1, paperCopies: 0, electronicCopy: true },
      ],
      {
        receivedAt: vn('2026-03-16T08:00:00'),
        extension: { workingDays: 2, reason: 'Nhiều bản chính' },
        paymentChannel: 'ONLINE',
      },
    ),
  );
  at('2026-03-18T16:00:00');
  await reg.recordDelivery(r3.id);
  // A refusal (ALTERED) on 20/03.
  at('2026-03-20T09:00:00');
  await reg.recordRefusal({
    idempotencyKey: 'ref-a',
    authorityId: 'A',
    requester: { name: 'Phạm Văn C' },
    certifier,
    documentName: 'Học bạ',
    code: 'ALTERED',
  });
  // r5: A, pending from 25/03 09:00 (due 17:00) and never issued → overdue at the month's end.
  at('2026-03-25T09:00:00');
  await reg.reserve(
    input('A', 'r5', [{ pages: 1, paperCopies: 1, electronicCopy: false }], { paymentChannel: 'CASH' }),
  );
  // r6: A, reserved and voided → counts nowhere.
  const r6 = (await reg.reserve(input('A', 'r6', [{ pages: 5, paperCopies: 1, electronicCopy: true }]))).request;
  await reg.voidPending(r6.id, 'Người yêu cầu không quay lại');
  // B: a refusal (NOT_LEGALISED) and a paper copy without a recorded payment channel (2,000), returned at once.
  at('2026-03-05T08:00:00');
  await reg.recordRefusal({
    idempotencyKey: 'ref-b',
    authorityId: 'B',
    requester: { name: 'John Smith' },
    certifier,
    documentName: 'Bằng nước ngoài',
    code: 'NOT_LEGALISED',
  });
  await issue(reg, input('B', 'r9', [{ pages: 1, paperCopies: 1, electronicCopy: false }]));
  // April: outside the month.
  at('2026-04-02T09:00:00');
  await issue(
    reg,
    input('A', 'apr', [{ pages: 1, paperCopies: 1, electronicCopy: false }], { paymentChannel: 'CASH' }),
  );
  return reg;
}

export const KNOWN_TOTALS = { A: { resultsReturned: 10, dossiersReceived: 20, dossiersDigitised: 15 } };

/** The known answers for March 2026. */
export function expectKnownMarch(report: MonthlyReport): void {
  const [a, b, c] = report.units;
  expect(report.units.map((u) => u.unit.id)).toEqual(['A', 'B', 'C']);
  expect(a.certifications).toEqual({ total: 4, paper: 1, electronic: 2, both: 1, requests: 3 });
  expect(a.electronicResultsSigned).toBe(3);
  expect(a.refusals.total).toBe(1);
  expect(a.refusals.byGround).toEqual({
    ALTERED: 1,
    DAMAGED: 0,
    SECRET_OR_NO_COPY: 0,
    UNLAWFUL_CONTENT: 0,
    NOT_LEGALISED: 0,
    SELF_MADE_UNCERTIFIED: 0,
  });
  expect(a.fees).toEqual({ total: 18_000, cash: 10_000, online: 8_000, unspecified: 0, requests: 3, paidOnline: 2 });
  expect(a.deadlines).toEqual({ returned: 3, onTime: 2, late: 1, overdueAtEnd: 1, averageProcessingMinutes: 1950 });
  expect(a.rates).toEqual({ onTime: 0.6667, onlinePayment: 0.6667, electronicResults: 0.3, digitisation: 0.75 });
  expect(a.external).toEqual(KNOWN_TOTALS.A);
  expect(b.certifications).toEqual({ total: 1, paper: 1, electronic: 0, both: 0, requests: 1 });
  expect(b.refusals.byGround.NOT_LEGALISED).toBe(1);
  expect(b.fees).toEqual({ total: 2_000, cash: 0, online: 0, unspecified: 2_000, requests: 1, paidOnline: 0 });
  expect(b.deadlines).toEqual({ returned: 1, onTime: 1, late: 0, overdueAtEnd: 0, averageProcessingMinutes: 0 });
  expect(b.rates).toEqual({ onTime: 1, onlinePayment: 0, electronicResults: null, digitisation: null });
  expect(c.certifications.total).toBe(0);
  expect(c.rates.onTime).toBeNull();
  expect(report.total.certifications).toEqual({ total: 5, paper: 2, electronic: 2, both: 1, requests: 4 });
  expect(report.total.refusals.total).toBe(2);
  expect(report.total.fees.total).toBe(20_000);
  expect(report.total.deadlines).toMatchObject({ returned: 4, onTime: 3, late: 1, overdueAtEnd: 1 });
  expect(report.total.rates.onTime).toBe(0.75);
  expect(report.total.rates.electronicResults).toBe(0.3);
  expect(report.trend.map((t) => [t.month, t.certifications])).toEqual([
    ['2025-10', 0],
    ['2025-11', 0],
    ['2025-12', 0],
    ['2026-01', 0],
    ['2026-02', 1],
    ['2026-03', 5],
  ]);
  expect(report.period).toEqual({ from: '2026-02-28T17:00:00.000Z', to: '2026-03-31T17:00:00.000Z' });
}
