/** The certification register's typed errors, each with its Vietnamese and English message (policy as data). */
import { KysoError } from '@kyso/pdf';

export const REGISTER_MESSAGES = {
  REGISTER_UNAVAILABLE: [
    'Không nạp được trình điều khiển cơ sở dữ liệu của sổ chứng thực.',
    'The register database driver (better-sqlite3 or pg) could not be loaded.',
  ],
  REGISTER_OPEN_FAILED: [
    'Không mở được sổ chứng thực (cơ sở dữ liệu).',
    'The certification register (database) could not be opened.',
  ],
  REGISTER_SCHEMA_TOO_NEW: [
    'Sổ chứng thực được tạo bởi phiên bản kyso mới hơn.',
    'The register was written by a newer version of kyso.',
  ],
  REGISTER_MIGRATION_FAILED: [
    'Không nâng cấp được cấu trúc sổ chứng thực.',
    'The register schema could not be migrated.',
  ],
  REGISTER_BUSY: ['Sổ chứng thực đang bận; hãy thử lại.', 'The register is busy; try again.'],
  REGISTER_STORAGE: ['Lỗi lưu trữ sổ chứng thực.', 'The register storage failed.'],
  REGISTER_CLOSED: ['Sổ chứng thực đã đóng kết nối.', 'The register connection is closed.'],
  REGISTER_UNKNOWN_AUTHORITY: [
    'Không có cơ quan thực hiện chứng thực này trong sổ.',
    'The certifying authority is not in the register.',
  ],
  REGISTER_UNKNOWN_BOOK: [
    'Cơ quan không có loại sổ chứng thực này.',
    'The authority keeps no certification book of this type.',
  ],
  REGISTER_BOOK_CLOSED: ['Sổ chứng thực của năm này đã khóa.', "This year's certification book is closed."],
  REGISTER_BOOK_PENDING: [
    'Sổ chứng thực còn yêu cầu đang xử lý; hãy hoàn tất hoặc hủy trước khi khóa sổ.',
    'The book still has pending entries; complete or void them before closing it.',
  ],
  REGISTER_BAD_CURSOR: ['Con trỏ phân trang không hợp lệ.', 'The paging cursor is invalid.'],
  REGISTER_BAD_INPUT: ['Thông tin ghi sổ không hợp lệ.', 'The register entry data is invalid.'],
  REGISTER_IDEMPOTENCY_CONFLICT: [
    'Mã yêu cầu (idempotency key) đã được dùng cho một yêu cầu khác.',
    'The idempotency key was already used for a different request.',
  ],
  REGISTER_NOT_FOUND: [
    'Không tìm thấy yêu cầu hoặc mục trong sổ.',
    'The request or entry was not found in the register.',
  ],
  REGISTER_NOT_PENDING: ['Yêu cầu không ở trạng thái đang xử lý.', 'The request is not pending.'],
  REGISTER_NOT_ISSUED: [
    'Yêu cầu chưa được cấp bản sao nên chưa thể ghi nhận việc trả kết quả.',
    'The request is not issued, so no delivery can be recorded.',
  ],
  REGISTER_ECOPY_MISMATCH: [
    'Thông tin bản sao điện tử không khớp với mục trong sổ.',
    'The electronic copy does not match the register entry.',
  ],
  REGISTER_BAD_REFUSAL_CODE: [
    'Lý do từ chối không thuộc các trường hợp của Điều 22 Nghị định 23/2015/NĐ-CP.',
    'The refusal reason is not one of the grounds of Decree 23/2015 Art. 22.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type RegisterErrorCode = keyof typeof REGISTER_MESSAGES;

export class RegisterError extends KysoError {
  constructor(code: RegisterErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = REGISTER_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'RegisterError';
  }
}
