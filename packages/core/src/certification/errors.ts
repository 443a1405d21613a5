/** The certification orchestration's typed errors, each with its Vietnamese and English message (policy as data). */
import { KysoError } from '@kyso/pdf';

export const CERTIFY_MESSAGES = {
  CERTIFY_BAD_INPUT: ['Thông tin yêu cầu chứng thực không hợp lệ.', 'The certification request is invalid.'],
  CERTIFY_VOIDED: [
    'Yêu cầu với mã này đã bị hủy trong sổ chứng thực; hãy lập yêu cầu mới.',
    'The request with this key was voided in the register; start a new request.',
  ],
  CERTIFY_REFUSED: ['Yêu cầu với mã này đã bị từ chối chứng thực.', 'The request with this key was refused.'],
  CERTIFY_ISSUED_NOT_STORED: [
    'Bản sao điện tử đã được cấp nhưng không được lưu; không thể cấp lại tệp.',
    'The electronic copy was issued but not stored; the file cannot be given again.',
  ],
  CERTIFY_STORED_COPY_MISMATCH: [
    'Bản sao điện tử đã lưu không khớp với mã băm trong sổ chứng thực.',
    'The stored electronic copy does not match the hash in the register.',
  ],
  CERTIFY_NO_DUE_TIME: [
    'Yêu cầu không có thời hạn trả kết quả nên không lập được phiếu hẹn.',
    'The request has no due time, so no appointment slip can be made.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type CertifyErrorCode = keyof typeof CERTIFY_MESSAGES;

export class CertificationError extends KysoError {
  constructor(code: CertifyErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = CERTIFY_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'CertificationError';
  }
}
