/** Circular 226/2016/TT-BTC Art. 4 as kyso computes it: every worked example of DOMAIN.md §2.3, the policy flags and bad input. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CIRCULAR_226_2016,
  FeeError,
  computeCopyFee,
  computeFee,
  formatVnd,
  perCopyFee,
  tariffAt,
  type Tariff,
} from '@kyso/core';

const copyItem = CIRCULAR_226_2016.items.find((i) => i.code === 'COPY_FROM_ORIGINAL');
if (copyItem?.kind !== 'per-page') throw new Error('seed tariff lacks item 1');
const copies = (pages: number, paperCopies: number, electronicCopy = false) =>
  computeCopyFee({ originals: [{ pages, paperCopies, electronicCopy }] }).total;

function feeError(fn: () => unknown): FeeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FeeError);
    return e as FeeError;
  }
  throw new Error('expected a FeeError');
}

describe('DOMAIN.md §2.3 worked examples', () => {
  it.each([
    [1, 2_000],
    [2, 4_000],
    [3, 5_000],
    [10, 12_000],
    [197, 199_000],
    [198, 200_000],
    [250, 200_000],
  ])('1 copy of a %i-page original costs %i VND', (pages, fee) => {
    expect(copies(pages, 1)).toBe(fee);
  });

  it('3 copies of a 2-page original: 12,000', () => expect(copies(2, 3)).toBe(12_000));
  it('5 copies of a 250-page original: the cap applies per copy, 1,000,000', () =>
    expect(copies(250, 5)).toBe(1_000_000));

  it('mixed request: 2 copies of a 1-page CCCD + 1 copy of a 3-page transcript: 9,000 in two lines', () => {
    const q = computeCopyFee({
      originals: [
        { doubleSidedCard: true, paperCopies: 2, label: 'CCCD' },
        { pages: 3, paperCopies: 1, label: 'Học bạ' },
      ],
    });
    expect(q.total).toBe(9_000);
    expect(q.lines.map((l) => [l.original, l.pages, l.card ?? false, l.quantity, l.amount])).toEqual([
      [1, 1, true, 2, 4_000],
      [2, 3, false, 1, 5_000],
    ]);
  });

  it('a card scanned front and back is one page: 2 copies cost 4,000, not 8,000', () => {
    expect(computeCopyFee({ originals: [{ doubleSidedCard: true, pages: 2, paperCopies: 2 }] }).total).toBe(4_000);
    expect(() => computeCopyFee({ originals: [{ doubleSidedCard: true, pages: 3, paperCopies: 1 }] })).toThrow(
      expect.objectContaining({ code: 'FEE_BAD_PAGES' }),
    );
  });

  it('each line shows the page split and counts originals from 1', () => {
    const [line] = computeCopyFee({ originals: [{ pages: 10, paperCopies: 1 }] }).lines;
    expect(line).toMatchObject({
      original: 1,
      pageRates: [
        { pages: 2, rate: 2_000 },
        { pages: 8, rate: 1_000 },
      ],
    });
    expect(line!.descriptionVi).toContain('bản chính số 1, 10 trang (2 × 2.000 + 8 × 1.000)');
    expect(line!.descriptionEn).toContain('(2 × 2.000 + 8 × 1.000)');
  });

  it('paper + electronic in parallel: 2 paper copies + 1 e-copy of a 10-page original cost 24,000 (the e-copy is free)', () => {
    const q = computeCopyFee({ originals: [{ pages: 10, paperCopies: 2, electronicCopy: true }] });
    expect(q.total).toBe(24_000);
    const e = q.lines.find((l) => l.medium === 'electronic');
    expect(e).toMatchObject({ amount: 0, quantity: 1, waiver: { code: 'ELECTRONIC_COPY_PARALLEL' } });
    // collected once by policy, never called an exemption
    expect(e!.descriptionVi).toContain('phí đã thu một lần');
    expect(e!.descriptionVi).not.toMatch(/miễn/i);
  });

  it('an e-copy only (no paper) of a 10-page original counts as one copy: 12,000', () =>
    expect(copies(10, 0, true)).toBe(12_000));
  it('signature certification, 3 signatures on one document = 1 case: 10,000', () => {
    expect(computeFee({ services: [{ item: 'SIGNATURE', count: 1 }] }).total).toBe(10_000);
  });
  it('contract certification: 50,000', () =>
    expect(computeFee({ services: [{ item: 'CONTRACT' }] }).total).toBe(50_000));
  it('2 certified copies of a certified 6-page contract: 16,000 (item 3d)', () => {
    const q = computeFee({ originals: [{ pages: 6, paperCopies: 2, item: 'CONTRACT_COPY' }] });
    expect(q.total).toBe(16_000);
    expect(q.lines[0].legalBasis).toBe('226/2016/TT-BTC Điều 4 mục 3d');
  });
});

describe('line items and the tariff', () => {
  it('names the legal basis on every line and the tariff version on the quote', () => {
    const q = computeFee({
      originals: [{ pages: 3, paperCopies: 1 }],
      services: [{ item: 'SIGNATURE' }, { item: 'CONTRACT_AMENDMENT' }, { item: 'CONTRACT_CORRECTION', count: 2 }],
    });
    expect(q.lines.map((l) => [l.legalBasis, l.amount])).toEqual([
      ['226/2016/TT-BTC Điều 4 mục 1', 5_000],
      ['226/2016/TT-BTC Điều 4 mục 2', 10_000],
      ['226/2016/TT-BTC Điều 4 mục 3b', 30_000],
      ['226/2016/TT-BTC Điều 4 mục 3c', 50_000],
    ]);
    expect(q.total).toBe(95_000);
    expect(q.currency).toBe('VND');
    expect(q.tariff.id).toBe('TT226-2016');
    expect(q.lines[0].descriptionVi).toContain('Phí chứng thực bản sao từ bản chính');
  });

  it('the page count is an integer VND function, capped exactly from 198 pages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 50 }), (p, n) => {
        const unit = Math.min(200_000, 2_000 * Math.min(p, 2) + 1_000 * Math.max(0, p - 2));
        expect(perCopyFee(p, copyItem).amount).toBe(unit);
        expect(perCopyFee(p, copyItem).capped).toBe(p > 198);
        expect(copies(p, n)).toBe(n * unit);
        expect(Number.isInteger(copies(p, n))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('with the parallel-copy policy off, the e-copy is charged as one more copy', () => {
    const q = computeCopyFee(
      { originals: [{ pages: 10, paperCopies: 2, electronicCopy: true }] },
      { electronicCopyFreeWhenParallel: false },
    );
    expect(q.total).toBe(36_000);
    expect(q.policy.electronicCopyFreeWhenParallel).toBe(false);
  });

  it('a two-sided card counts as 1 page by default and as 2 when configured', () => {
    expect(computeCopyFee({ originals: [{ doubleSidedCard: true, paperCopies: 1 }] }).total).toBe(2_000);
    expect(
      computeCopyFee({ originals: [{ doubleSidedCard: true, paperCopies: 1 }] }, { doubleSidedCardPages: 2 }).total,
    ).toBe(4_000);
  });

  it('chooses the tariff version in force on the Vietnam calendar day', () => {
    const newer: Tariff = {
      ...CIRCULAR_226_2016,
      id: 'HYPOTHETICAL-2027',
      effectiveFrom: '2027-01-01',
      items: CIRCULAR_226_2016.items.map((i) =>
        i.code === 'SIGNATURE' && i.kind === 'flat' ? { ...i, rate: 20_000 } : i,
      ),
    };
    const old = { ...CIRCULAR_226_2016, effectiveUntil: '2027-01-01' };
    const tariffs = [old, newer];
    // 2026-12-31T17:30Z is already 1 January 2027 in Vietnam.
    expect(
      computeFee({ services: [{ item: 'SIGNATURE' }], at: new Date('2026-12-31T16:30:00Z') }, { tariffs }).total,
    ).toBe(10_000);
    expect(
      computeFee({ services: [{ item: 'SIGNATURE' }], at: new Date('2026-12-31T17:30:00Z') }, { tariffs }).total,
    ).toBe(20_000);
    expect(feeError(() => tariffAt(new Date('2016-12-31T00:00:00Z'), tariffs)).code).toBe('FEE_NO_TARIFF');
  });

  it('formats amounts with Vietnamese digit grouping', () => expect(formatVnd(1_000_000)).toBe('1.000.000 đ'));
});

describe('bad input is a typed error', () => {
  it.each([
    ['0 pages', { pages: 0, paperCopies: 1 }, 'FEE_BAD_PAGES'],
    ['negative pages', { pages: -3, paperCopies: 1 }, 'FEE_BAD_PAGES'],
    ['fractional pages', { pages: 2.5, paperCopies: 1 }, 'FEE_BAD_PAGES'],
    ['negative copies', { pages: 2, paperCopies: -1 }, 'FEE_BAD_COPIES'],
    ['fractional copies', { pages: 2, paperCopies: 1.5 }, 'FEE_BAD_COPIES'],
    ['no copy at all', { pages: 2, paperCopies: 0 }, 'FEE_NO_COPIES'],
  ])('%s', (_name, original, code) => {
    const e = feeError(() => computeCopyFee({ originals: [original] }));
    expect(e.code).toBe(code);
    expect(e.messageVi).toMatch(/[ốảộ]/);
    expect(e.messageEn.length).toBeGreaterThan(10);
  });

  it('an empty request, an unknown item, a bad count and a bad policy', () => {
    expect(feeError(() => computeFee({})).code).toBe('FEE_EMPTY_REQUEST');
    expect(feeError(() => computeFee({ services: [{ item: 'NOTARY' as never }] })).code).toBe('FEE_UNKNOWN_ITEM');
    expect(feeError(() => computeFee({ services: [{ item: 'SIGNATURE', count: 0 }] })).code).toBe('FEE_BAD_COUNT');
    expect(
      feeError(() => computeFee({ services: [{ item: 'SIGNATURE' }] }, { doubleSidedCardPages: 3 as never })).code,
    ).toBe('FEE_BAD_POLICY');
    const broken = { ...CIRCULAR_226_2016, items: [{ ...CIRCULAR_226_2016.items[1], rate: 10.5 }] } as Tariff;
    expect(feeError(() => computeFee({ services: [{ item: 'SIGNATURE' }] }, { tariffs: [broken] })).code).toBe(
      'FEE_BAD_TARIFF',
    );
  });
});
