/** Circular 226/2016/TT-BTC (11/11/2016), Art. 4: the certification fee rates in force since 01/01/2017 (DOMAIN.md §2.1). */
import type { Tariff } from './tariff.js';

const COPY_RULE = {
  kind: 'per-page',
  unit: 'copy',
  firstPages: 2,
  firstPagesRate: 2_000,
  laterPagesRate: 1_000,
  capPerCopy: 200_000,
} as const;

export const CIRCULAR_226_2016: Tariff = {
  id: 'TT226-2016',
  effectiveFrom: '2017-01-01',
  effectiveUntil: null,
  currency: 'VND',
  legalBasis: 'Thông tư 226/2016/TT-BTC ngày 11/11/2016 của Bộ Tài chính, Điều 4',
  items: [
    {
      code: 'COPY_FROM_ORIGINAL',
      ...COPY_RULE,
      nameVi: 'Phí chứng thực bản sao từ bản chính',
      nameEn: 'Certified copy from the original',
      legalBasis: '226/2016/TT-BTC Điều 4 mục 1',
    },
    {
      code: 'SIGNATURE',
      kind: 'flat',
      unit: 'case',
      rate: 10_000,
      nameVi: 'Phí chứng thực chữ ký',
      nameEn: 'Signature certification',
      legalBasis: '226/2016/TT-BTC Điều 4 mục 2',
    },
    {
      code: 'CONTRACT',
      kind: 'flat',
      unit: 'contract',
      rate: 50_000,
      nameVi: 'Phí chứng thực hợp đồng, giao dịch',
      nameEn: 'Contract or transaction certification',
      legalBasis: '226/2016/TT-BTC Điều 4 mục 3a',
    },
    {
      code: 'CONTRACT_AMENDMENT',
      kind: 'flat',
      unit: 'contract',
      rate: 30_000,
      nameVi: 'Phí chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch',
      nameEn: 'Amending, supplementing or cancelling a certified contract or transaction',
      legalBasis: '226/2016/TT-BTC Điều 4 mục 3b',
    },
    {
      code: 'CONTRACT_CORRECTION',
      kind: 'flat',
      unit: 'contract',
      rate: 25_000,
      nameVi: 'Phí sửa lỗi sai sót trong hợp đồng, giao dịch đã được chứng thực',
      nameEn: 'Correcting errors in a certified contract or transaction',
      legalBasis: '226/2016/TT-BTC Điều 4 mục 3c',
    },
    {
      code: 'CONTRACT_COPY',
      ...COPY_RULE,
      nameVi: 'Phí cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực',
      nameEn: 'Certified copy from the original of a certified contract or transaction',
      legalBasis: '226/2016/TT-BTC Điều 4 mục 3d',
    },
  ],
};

/** Every tariff version kyso knows, oldest first. */
export const TARIFFS: readonly Tariff[] = [CIRCULAR_226_2016];
