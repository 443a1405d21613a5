/** Long-term validation's typed errors, each with its Vietnamese and English message (policy as data). */
import { KysoError } from '@kyso/pdf';

export const LTV_MESSAGES = {
  LTV_REVOCATION_UNAVAILABLE: [
    'Không lấy được thông tin trạng thái chứng thư số (OCSP/CRL) để lưu trữ dài hạn.',
    'The certificate status (OCSP/CRL) needed for long-term validation could not be obtained.',
  ],
  LTV_CHAIN_INCOMPLETE: [
    'Không dựng được chuỗi chứng thư số đến chứng thư số gốc.',
    'The certificate chain could not be built up to a root certificate.',
  ],
  LTV_CERT_REVOKED: [
    'Chứng thư số trong chuỗi chứng thực đã bị thu hồi.',
    'A certificate of the chain has been revoked.',
  ],
  LTV_NO_SIGNATURES: ['Tài liệu không có chữ ký số nào để bổ sung.', 'The document has no signature to extend.'],
  LTV_BAD_SIGNATURE: ['Không đọc được một chữ ký số trong tài liệu.', 'A signature of the document cannot be read.'],
  LTV_NEEDS_TIMESTAMP: [
    'Cần máy chủ cấp dấu thời gian (TSA) cho mức bổ sung này.',
    'A timestamp authority (TSA) is needed for this level.',
  ],
  LTV_BAD_OPTIONS: [
    'Tham số bổ sung dữ liệu xác thực không hợp lệ.',
    'The long-term validation options are not valid.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type LtvErrorCode = keyof typeof LTV_MESSAGES;

export class LtvError extends KysoError {
  constructor(code: LtvErrorCode, details: Record<string, unknown> = {}, detail?: string) {
    const [vi, en] = LTV_MESSAGES[code];
    super(code, detail ? `${vi} (${detail})` : vi, detail ? `${en} (${detail})` : en, details);
    this.name = 'LtvError';
  }
}
