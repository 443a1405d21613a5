/** The e-copy builder's typed errors, each with its Vietnamese and English message (policy as data). */
import { KysoError } from '@kyso/pdf';

export const ECOPY_MESSAGES = {
  ECOPY_BAD_INPUT: [
    'Thông tin chứng thực bản sao điện tử không hợp lệ.',
    'The electronic-copy certification data is invalid.',
  ],
  ECOPY_SCAN_UNREADABLE: ['Không đọc được tệp PDF bản quét.', 'The scanned PDF cannot be read.'],
  ECOPY_SCAN_DAMAGED: [
    'Tệp PDF bản quét bị hỏng cấu trúc; hãy quét lại.',
    'The scanned PDF is damaged; scan the original again.',
  ],
  ECOPY_SCAN_ENCRYPTED: [
    'Tệp PDF bản quét được mã hóa (có mật khẩu); không thể chứng thực.',
    'The scanned PDF is encrypted; it cannot be certified.',
  ],
  ECOPY_SCAN_SIGNED: [
    'Tệp PDF đã có chữ ký số; bản sao điện tử phải được chụp từ bản chính dạng giấy.',
    'The PDF already carries digital signatures; an electronic copy must be captured from a paper original.',
  ],
  ECOPY_NO_PAGES: ['Bản quét không có trang nào.', 'The scan has no pages.'],
  ECOPY_TOO_MANY_PAGES: ['Bản quét có quá nhiều trang.', 'The scan has too many pages.'],
  ECOPY_IMAGE_UNSUPPORTED: [
    'Ảnh quét không hợp lệ (chỉ nhận JPEG hoặc PNG).',
    'The scanned image is invalid (only JPEG or PNG are accepted).',
  ],
  ECOPY_IMAGE_TOO_LARGE: ['Ảnh quét quá lớn.', 'The scanned image is too large.'],
  ECOPY_IMAGE_BAD_SIZE: ['Kích thước ảnh quét không hợp lý.', 'The scanned image has implausible dimensions.'],
  ECOPY_PAGE_INVALID: ['Trang của bản quét có kích thước không hợp lệ.', 'A page of the scan has an invalid size.'],
  ECOPY_PAGE_TOO_SMALL: [
    'Trang quá nhỏ để ghi dấu chuyển đổi hoặc lời chứng.',
    'The page is too small for the conversion mark or the certification statement.',
  ],
  ECOPY_UNSUPPORTED_CHAR: [
    'Phông chữ không có ký tự cần hiển thị.',
    'The font has no glyph for a character to be shown.',
  ],
  ECOPY_QR_TOO_LONG: ['Mã tra cứu quá dài để tạo mã QR.', 'The verification reference is too long for a QR code.'],
} as const satisfies Record<string, readonly [string, string]>;

export type EcopyErrorCode = keyof typeof ECOPY_MESSAGES;

export class EcopyError extends KysoError {
  constructor(code: EcopyErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = ECOPY_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'EcopyError';
  }
}
