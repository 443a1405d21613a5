/** The RFC 3161 client's typed errors, each with its Vietnamese and English message (policy as data). */
import { KysoError } from '@kyso/pdf';

export const TSA_MESSAGES = {
  TSA_BAD_REQUEST: ['Tham số yêu cầu dấu thời gian không hợp lệ.', 'The timestamp request parameters are not valid.'],
  TSA_UNREACHABLE: [
    'Không kết nối được máy chủ cấp dấu thời gian (TSA).',
    'The timestamp authority (TSA) could not be reached.',
  ],
  TSA_TIMEOUT: [
    'Máy chủ cấp dấu thời gian không phản hồi kịp thời.',
    'The timestamp authority did not answer in time.',
  ],
  TSA_HTTP_STATUS: [
    'Máy chủ cấp dấu thời gian trả về lỗi HTTP.',
    'The timestamp authority answered with an HTTP error.',
  ],
  TSA_BAD_RESPONSE: [
    'Phản hồi của máy chủ cấp dấu thời gian không hợp lệ.',
    'The timestamp authority sent an invalid response.',
  ],
  TSA_BAD_TOKEN: ['Dấu thời gian (TimeStampToken) không đúng định dạng.', 'The timestamp token is malformed.'],
  TSA_REJECTED: ['Máy chủ cấp dấu thời gian từ chối yêu cầu.', 'The timestamp authority rejected the request.'],
  TSA_NONCE_MISMATCH: [
    'Số nonce trong dấu thời gian không khớp với yêu cầu.',
    'The timestamp nonce does not match the request.',
  ],
  TSA_IMPRINT_MISMATCH: [
    'Giá trị băm trong dấu thời gian không khớp với dữ liệu cần gắn dấu.',
    'The timestamp message imprint does not match the data.',
  ],
  TSA_POLICY_MISMATCH: [
    'Chính sách cấp dấu thời gian không đúng chính sách đã yêu cầu.',
    'The timestamp policy is not the one requested.',
  ],
  TSA_NO_CERTIFICATE: [
    'Dấu thời gian không kèm chứng thư số của TSA.',
    "The timestamp token does not carry the TSA's certificate.",
  ],
  TSA_CERTIFICATE_INVALID: [
    'Chứng thư số của TSA không hợp lệ để cấp dấu thời gian.',
    "The TSA's certificate is not valid for timestamping.",
  ],
  TSA_SIGNATURE_INVALID: [
    'Chữ ký trên dấu thời gian không hợp lệ.',
    'The signature on the timestamp token does not verify.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type TsaErrorCode = keyof typeof TSA_MESSAGES;

export class TsaError extends KysoError {
  constructor(code: TsaErrorCode, details: Record<string, unknown> = {}, detail?: string) {
    const [vi, en] = TSA_MESSAGES[code];
    super(code, detail ? `${vi} (${detail})` : vi, detail ? `${en} (${detail})` : en, details);
    this.name = 'TsaError';
  }
}
