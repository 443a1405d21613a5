/** The fee calculator's typed errors, each with its Vietnamese and English message (policy as data). */
import { KysoError } from '@kyso/pdf';

export const FEE_MESSAGES = {
  FEE_BAD_PAGES: [
    'Số trang của bản chính phải là số nguyên dương.',
    'The number of pages of the original must be a positive integer.',
  ],
  FEE_BAD_COPIES: ['Số bản sao phải là số nguyên không âm.', 'The number of copies must be a non-negative integer.'],
  FEE_NO_COPIES: [
    'Bản chính không có bản sao nào được yêu cầu (giấy hoặc điện tử).',
    'No copy (paper or electronic) is requested for an original.',
  ],
  FEE_EMPTY_REQUEST: [
    'Yêu cầu không có bản chính hoặc việc chứng thực nào.',
    'The request names no original and no certification service.',
  ],
  FEE_BAD_COUNT: [
    'Số việc (trường hợp, hợp đồng) phải là số nguyên dương.',
    'The number of cases or contracts must be a positive integer.',
  ],
  FEE_UNKNOWN_ITEM: ['Mục phí không có trong biểu phí.', 'The fee item is not in the tariff.'],
  FEE_WRONG_ITEM_KIND: [
    'Mục phí không dùng được cho loại việc này.',
    'The fee item does not apply to this kind of request.',
  ],
  FEE_NO_TARIFF: ['Không có biểu phí có hiệu lực tại thời điểm này.', 'No tariff is in effect at this time.'],
  FEE_BAD_TARIFF: ['Biểu phí không hợp lệ.', 'The tariff data is invalid.'],
  FEE_BAD_POLICY: ['Chính sách tính phí không hợp lệ.', 'The fee policy is invalid.'],
} as const satisfies Record<string, readonly [string, string]>;

export type FeeErrorCode = keyof typeof FEE_MESSAGES;

export class FeeError extends KysoError {
  constructor(code: FeeErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = FEE_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'FeeError';
  }
}
