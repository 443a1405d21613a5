/**
 * Every code the trust modules report — path problems, validity results, AIA fetch outcomes and caller errors —
 * with its Vietnamese and English wording (policy as data, like REVOCATION_MESSAGES).
 */
import { KysoError } from '@kyso/pdf';

export const TRUST_MESSAGES = {
  // Path problems (PathProblem.code).
  NO_CHAIN: [
    'Không xây dựng được đường dẫn tin cậy từ chứng thư số đến một chứng thư số gốc tin cậy.',
    'No certification path from the certificate to a trust anchor could be built.',
  ],
  CHAIN_TOO_LONG: ['Đường dẫn chứng thư số dài quá giới hạn.', 'The certification path exceeds the length limit.'],
  BAD_SIGNATURE: [
    'Chữ ký trên chứng thư số không hợp lệ với khóa của tổ chức cấp.',
    'The certificate’s signature does not verify with its issuer’s key.',
  ],
  SIGNATURE_UNSUPPORTED: [
    'Không kiểm tra được chữ ký trên chứng thư số (thuật toán không được hỗ trợ).',
    'The certificate’s signature could not be checked (unsupported algorithm).',
  ],
  SIGNATURE_ALGORITHM_MISMATCH: [
    'Thuật toán ký ghi trong chứng thư số không thống nhất (RFC 5280 §4.1.1.2).',
    'The certificate names two different signature algorithms (RFC 5280 §4.1.1.2).',
  ],
  NOT_CA: [
    'Chứng thư số cấp cho chứng thư số khác nhưng không phải của tổ chức cấp (CA).',
    'A certificate that issued another is not a CA certificate.',
  ],
  PATH_LENGTH: [
    'Đường dẫn vượt quá giới hạn độ dài (pathLenConstraint) của một CA.',
    'The path exceeds a CA’s path length constraint.',
  ],
  KEY_USAGE: [
    'Khóa của CA không được phép ký chứng thư số (thiếu keyCertSign).',
    'The CA key may not sign certificates (no keyCertSign).',
  ],
  // The signer's certificate for document signing (signer-usage.ts).
  SIGNER_KEY_USAGE: [
    'Khóa của chứng thư số người ký không được phép dùng để ký (keyUsage thiếu digitalSignature và nonRepudiation).',
    "The signer certificate's key may not sign (keyUsage has neither digitalSignature nor nonRepudiation).",
  ],
  SIGNER_EXTENDED_KEY_USAGE: [
    'Mục đích sử dụng mở rộng (EKU) của chứng thư số người ký không cho phép ký tài liệu.',
    "The signer certificate's extended key usage does not allow document signing.",
  ],
  CRITICAL_EXTENSION: [
    'Chứng thư số có phần mở rộng bắt buộc không được hỗ trợ.',
    'The certificate has an unsupported critical extension.',
  ],
  EXTENSION_MALFORMED: [
    'Một phần mở rộng của chứng thư số không đúng cấu trúc.',
    'A certificate extension is malformed.',
  ],
  DUPLICATE_EXTENSION: ['Chứng thư số có phần mở rộng bị lặp.', 'The certificate repeats an extension.'],
  NAME_CONSTRAINTS: [
    'Tên trong chứng thư số vi phạm ràng buộc tên của CA.',
    'A name in the certificate violates a CA’s name constraints.',
  ],
  POLICY_CONSTRAINTS: [
    'Đường dẫn không có chính sách chứng thư số hợp lệ mà CA yêu cầu.',
    'The path has no valid certificate policy although a CA requires one.',
  ],

  // Validity at a time (ValidityAt.status).
  VALID: [
    'Mọi chứng thư số trong đường dẫn còn hiệu lực tại thời điểm này.',
    'Every certificate of the path is within its validity period at this time.',
  ],
  EXPIRED: ['Chứng thư số đã hết hạn tại thời điểm này.', 'A certificate had expired at this time.'],
  NOT_YET_VALID: ['Chứng thư số chưa có hiệu lực tại thời điểm này.', 'A certificate was not yet valid at this time.'],

  // AIA caIssuers fetching (AiaFetch.outcome; never fatal).
  AIA_UNREACHABLE: [
    'Không tải được chứng thư số của tổ chức cấp (AIA).',
    'The issuer certificate (AIA) could not be fetched.',
  ],
  AIA_TIMEOUT: ['Máy chủ AIA không trả lời kịp thời.', 'The AIA server did not answer in time.'],
  AIA_TOO_LARGE: ['Dữ liệu AIA vượt quá giới hạn kích thước.', 'The AIA data exceeds the size limit.'],
  AIA_BAD_RESPONSE: [
    'Máy chủ AIA trả lời không phải chứng thư số.',
    'The AIA server did not answer with certificates.',
  ],
  AIA_UNSUPPORTED_URL: ['Địa chỉ AIA không dùng HTTP/HTTPS.', 'The AIA address is not an HTTP(S) URL.'],
  AIA_LIMIT: ['Đã đạt giới hạn số lần tải AIA.', 'The AIA fetch limit was reached.'],

  // Caller errors (thrown as TrustError).
  TRUST_BAD_CERTIFICATE: ['Chứng thư số được cung cấp không đọc được.', 'A given certificate could not be read.'],
} as const satisfies Record<string, readonly [string, string]>;

export type TrustCode = keyof typeof TRUST_MESSAGES;
export type TrustErrorCode = 'TRUST_BAD_CERTIFICATE';

/** The wording of a code, for reports and user messages. */
export function describeTrustCode(code: TrustCode): { vi: string; en: string } {
  const [vi, en] = TRUST_MESSAGES[code];
  return { vi, en };
}

/** A KysoError for unusable caller input (an anchor or leaf that is not a certificate). */
export class TrustError extends KysoError {
  declare readonly code: TrustErrorCode;

  constructor(code: TrustErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = TRUST_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'TrustError';
  }
}
