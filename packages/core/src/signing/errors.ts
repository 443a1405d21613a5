/** The signing layer's typed errors, each with its Vietnamese and English message (policy as data). */
import { KysoError } from '@kyso/pdf';

export const SIGN_MESSAGES = {
  SIGN_BAD_PASSWORD: ['Mật khẩu tệp khóa (PKCS#12) không đúng.', 'The PKCS#12 password is wrong.'],
  SIGN_BAD_KEYSTORE: ['Tệp khóa (PKCS#12) không hợp lệ.', 'The PKCS#12 file is not valid.'],
  SIGN_NO_KEY: ['Tệp PKCS#12 không chứa khóa bí mật.', 'The PKCS#12 file holds no private key.'],
  SIGN_NO_CERTIFICATE: ['Không tìm thấy chứng thư số của người ký.', "The signer's certificate was not found."],
  SIGN_KEY_MISMATCH: ['Khóa bí mật không khớp với chứng thư số.', 'The private key does not match the certificate.'],
  SIGN_UNSUPPORTED_KEY: ['Loại khóa không được hỗ trợ.', 'The key type is not supported.'],
  SIGN_CERT_NOT_YET_VALID: [
    'Chứng thư số chưa có hiệu lực tại thời điểm ký.',
    'The certificate is not yet valid at the signing time.',
  ],
  SIGN_CERT_EXPIRED: ['Chứng thư số đã hết hạn tại thời điểm ký.', 'The certificate has expired at the signing time.'],
  SIGN_CERT_REVOKED: ['Chứng thư số đã bị thu hồi.', 'The certificate has been revoked.'],
  SIGN_CERT_KEY_USAGE: [
    'Chứng thư số không được phép dùng để ký số.',
    'The certificate may not be used for digital signatures.',
  ],
  SIGN_CERT_STATUS_UNKNOWN: [
    'Không kiểm tra được trạng thái chứng thư số.',
    'The certificate status could not be checked.',
  ],
  SIGN_FIELD_NOT_FOUND: ['Không tìm thấy trường chữ ký.', 'The signature field was not found.'],
  SIGN_FIELD_SIGNED: ['Trường chữ ký đã được ký.', 'The signature field is already signed.'],
  SIGN_FIELD_LOCKED: ['Tài liệu không cho phép thêm chữ ký này.', 'The document does not allow this signature.'],
  SIGN_PAGE_OUT_OF_RANGE: ['Số trang không hợp lệ.', 'The page number is out of range.'],
  SIGN_BAD_RECT: ['Vị trí chữ ký không hợp lệ.', 'The signature rectangle is not valid.'],
  SIGN_PLACEHOLDER_TOO_SMALL: ['Vùng dành cho chữ ký quá nhỏ.', 'The signature does not fit in its placeholder.'],
  SIGN_STATE_INVALID: ['Dữ liệu phiên ký không hợp lệ.', 'The signing state is not valid.'],
  SIGN_INPUT_CHANGED: ['Tài liệu đã thay đổi giữa các bước ký.', 'The document changed between signing steps.'],
  SIGN_BAD_SIGNATURE_VALUE: ['Giá trị chữ ký không đúng.', 'The signature value does not verify.'],
  SIGN_BAD_OPTIONS: ['Tham số ký không hợp lệ.', 'The signing options are not valid.'],
  SIGN_RECOVERED_INPUT: [
    'Tệp PDF bị hỏng cấu trúc; không thể ký an toàn.',
    'The PDF is damaged; it cannot be signed safely.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type SignErrorCode = keyof typeof SIGN_MESSAGES;

export class SignError extends KysoError {
  constructor(code: SignErrorCode, details: Record<string, unknown> = {}, detail?: string) {
    const [vi, en] = SIGN_MESSAGES[code];
    super(code, detail ? `${vi} (${detail})` : vi, detail ? `${en} (${detail})` : en, details);
    this.name = 'SignError';
  }
}
