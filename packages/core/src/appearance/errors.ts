/** Typed errors of the appearance builder, with Vietnamese and English messages (policy as data). */
import { KysoError } from '@kyso/pdf';

export const APPEARANCE_MESSAGES = {
  APPEARANCE_BAD_IMAGE: [
    'Ảnh chữ ký hoặc ảnh con dấu không hợp lệ (chỉ nhận PNG hoặc JPEG).',
    'The signature or seal image is invalid (only PNG or JPEG are accepted).',
  ],
  APPEARANCE_IMAGE_TOO_LARGE: ['Ảnh chữ ký hoặc ảnh con dấu quá lớn.', 'The signature or seal image is too large.'],
  APPEARANCE_BAD_SPEC: [
    'Thông số hiển thị chữ ký (kích thước, cỡ chữ, màu) không hợp lệ.',
    'The signature appearance settings (size, font size, colour) are invalid.',
  ],
  APPEARANCE_UNSUPPORTED_CHAR: [
    'Phông chữ không có ký tự cần hiển thị.',
    'The font has no glyph for a character to be shown.',
  ],
  APPEARANCE_BAD_TIME: ['Thời điểm ký không hợp lệ.', 'The signing time is invalid.'],
} as const satisfies Record<string, readonly [string, string]>;

export type AppearanceErrorCode = keyof typeof APPEARANCE_MESSAGES;

export class AppearanceError extends KysoError {
  constructor(code: AppearanceErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = APPEARANCE_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'AppearanceError';
  }
}
