/** The signing journal's typed errors, each with its Vietnamese and English message. */
import { KysoError } from '@kyso/pdf';

export const JOURNAL_MESSAGES = {
  JOURNAL_BAD_INPUT: ['Thông tin ghi nhật ký ký số không hợp lệ.', 'The signing journal record is invalid.'],
  JOURNAL_BAD_CURSOR: ['Con trỏ phân trang nhật ký không hợp lệ.', 'The journal paging cursor is invalid.'],
  JOURNAL_UNAVAILABLE: ['Không mở được nhật ký ký số.', 'The signing journal could not be opened.'],
  JOURNAL_STORAGE: ['Lỗi lưu trữ nhật ký ký số.', 'The signing journal storage failed.'],
} as const satisfies Record<string, readonly [string, string]>;

export type JournalErrorCode = keyof typeof JOURNAL_MESSAGES;

export class JournalError extends KysoError {
  constructor(code: JournalErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = JOURNAL_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'JournalError';
  }
}
