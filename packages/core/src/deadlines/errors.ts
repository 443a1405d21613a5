/** The deadline rules' typed errors (Decree 23/2015 Art. 7 and 21), each with its Vietnamese and English message. */
import { KysoError } from '@kyso/pdf';

export const DEADLINE_MESSAGES = {
  DEADLINE_BAD_INPUT: ['Thông tin về thời hạn giải quyết không hợp lệ.', 'The deadline data is invalid.'],
  DEADLINE_EXTENSION_TOO_LONG: [
    'Gia hạn quá 02 ngày làm việc cần có thỏa thuận bằng văn bản với người yêu cầu.',
    'An extension beyond 2 working days needs a written agreement with the requester.',
  ],
  DEADLINE_EXTENSION_NO_REASON: ['Gia hạn phải ghi rõ lý do.', 'An extension must state its reason.'],
  DEADLINE_NO_CALENDAR_YEAR: [
    'Lịch ngày làm việc không có dữ liệu ngày nghỉ lễ của năm này.',
    'The working-day calendar has no public-holiday data for this year.',
  ],
  DEADLINE_BAD_CALENDAR: [
    'Cấu hình lịch ngày làm việc không hợp lệ.',
    'The working-day calendar configuration is invalid.',
  ],
  DEADLINE_NOT_EXTENSIBLE: [
    'Không thể gia hạn: yêu cầu đã trả kết quả, đã hủy, bị từ chối hoặc không có thời hạn.',
    'No extension is possible: the result was returned, or the request is void, refused or has no due time.',
  ],
  DEADLINE_PASSED: [
    'Đã quá thời hạn trả kết quả; việc gia hạn phải được thỏa thuận trước khi hết hạn.',
    'The request is already due; an extension must be agreed before it falls due.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type DeadlineErrorCode = keyof typeof DEADLINE_MESSAGES;

export class DeadlineError extends KysoError {
  constructor(code: DeadlineErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = DEADLINE_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'DeadlineError';
  }
}
