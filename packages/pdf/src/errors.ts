/**
 * Typed errors shared by every kyso package. Each error has a stable `code` and a message in Vietnamese and in
 * English; `details` carries facts (offsets, names), never key material or passwords.
 */
export class KysoError extends Error {
  readonly code: string;
  readonly messageVi: string;
  readonly messageEn: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, messageVi: string, messageEn: string, details: Record<string, unknown> = {}) {
    super(`${code}: ${messageEn}`);
    this.name = 'KysoError';
    this.code = code;
    this.messageVi = messageVi;
    this.messageEn = messageEn;
    this.details = details;
  }

  toJSON(): { code: string; messageVi: string; messageEn: string; details: Record<string, unknown> } {
    return { code: this.code, messageVi: this.messageVi, messageEn: this.messageEn, details: this.details };
  }
}

/** The PDF layer's error codes, with their bilingual messages (policy as data). */
export const PDF_MESSAGES = {
  PDF_NOT_PDF: ['Tệp không phải là PDF (không có tiêu đề %PDF-).', 'The input is not a PDF (no %PDF- header).'],
  PDF_EMPTY: ['Tệp rỗng.', 'The input is empty.'],
  PDF_TRUNCATED: [
    'Tệp PDF bị cắt cụt hoặc hỏng, không đọc được.',
    'The PDF is truncated or damaged and cannot be read.',
  ],
  PDF_SYNTAX: ['Cú pháp PDF không hợp lệ.', 'Invalid PDF syntax.'],
  PDF_XREF: ['Bảng tham chiếu chéo (xref) không hợp lệ.', 'The cross-reference data is invalid.'],
  PDF_NO_CATALOG: ['Không tìm thấy danh mục tài liệu (/Root).', 'The document catalog (/Root) was not found.'],
  PDF_ENCRYPTED: [
    'Tệp PDF được mã hóa; không hỗ trợ thao tác này.',
    'The PDF is encrypted; this operation is not supported on it.',
  ],
  PDF_TOO_DEEP: ['Cấu trúc PDF lồng nhau quá sâu.', 'The PDF nests objects too deeply.'],
  PDF_LIMIT: ['Tệp PDF vượt quá giới hạn an toàn.', 'The PDF exceeds a safety limit.'],
  PDF_FILTER: ['Không giải mã được luồng dữ liệu (stream).', 'A stream could not be decoded.'],
  PDF_OBJECT_MISSING: ['Thiếu đối tượng PDF được tham chiếu.', 'A referenced PDF object is missing.'],
  PDF_WRITE: ['Không ghi được bản cập nhật PDF.', 'The PDF update could not be written.'],
} as const satisfies Record<string, readonly [string, string]>;

export type PdfErrorCode = keyof typeof PDF_MESSAGES;

/** A KysoError raised by the PDF layer. */
export class PdfError extends KysoError {
  constructor(code: PdfErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = PDF_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'PdfError';
  }
}
