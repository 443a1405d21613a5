/**
 * Every code the revocation modules report — fetch errors, problems that make a response unusable, and warnings —
 * with its Vietnamese and English wording (policy as data, like @kyso/pdf's PDF_MESSAGES).
 */
import { KysoError } from '@kyso/pdf';

export const REVOCATION_MESSAGES = {
  // Fetching (thrown as RevocationError by fetch.ts).
  REVOCATION_UNREACHABLE: [
    'Không kết nối được máy chủ kiểm tra trạng thái chứng thư số.',
    'The revocation server could not be reached.',
  ],
  REVOCATION_TIMEOUT: [
    'Máy chủ kiểm tra trạng thái chứng thư số không trả lời kịp thời.',
    'The revocation server did not answer in time.',
  ],
  REVOCATION_BAD_RESPONSE: [
    'Máy chủ kiểm tra trạng thái chứng thư số trả lời không hợp lệ.',
    'The revocation server sent an invalid answer.',
  ],
  REVOCATION_TOO_LARGE: [
    'Dữ liệu trạng thái chứng thư số vượt quá giới hạn kích thước.',
    'The revocation data exceeds the size limit.',
  ],
  REVOCATION_UNSUPPORTED_URL: [
    'Địa chỉ kiểm tra trạng thái không dùng HTTP/HTTPS.',
    'The revocation address is not an HTTP(S) URL.',
  ],
  REVOCATION_BAD_CERTIFICATE: [
    'Chứng thư số cần kiểm tra không đọc được.',
    'The certificate to check could not be read.',
  ],

  // OCSP problems (the response must not be relied on).
  OCSP_MALFORMED: ['Phản hồi OCSP không đúng cấu trúc.', 'The OCSP response is malformed.'],
  OCSP_NOT_SUCCESSFUL: [
    'Máy chủ OCSP từ chối hoặc không xử lý được yêu cầu.',
    'The OCSP responder refused or could not process the request.',
  ],
  OCSP_UNSUPPORTED_TYPE: ['Loại phản hồi OCSP không được hỗ trợ.', 'The OCSP response type is not supported.'],
  OCSP_CERT_NOT_IN_RESPONSE: [
    'Phản hồi OCSP không nói về chứng thư số này.',
    'The OCSP response is not about this certificate.',
  ],
  OCSP_RESPONDER_NOT_FOUND: [
    'Không xác định được chứng thư số đã ký phản hồi OCSP.',
    'The certificate that signed the OCSP response was not found.',
  ],
  OCSP_RESPONDER_NOT_AUTHORISED: [
    'Bên ký phản hồi OCSP không được tổ chức cấp chứng thư số ủy quyền.',
    'The OCSP response was signed by a party the issuing CA has not authorised.',
  ],
  OCSP_RESPONDER_EXPIRED: [
    'Chứng thư số của máy chủ OCSP không còn hiệu lực khi ký phản hồi.',
    'The OCSP responder certificate was not valid when the response was produced.',
  ],
  OCSP_SIGNATURE_INVALID: ['Chữ ký trên phản hồi OCSP không hợp lệ.', 'The OCSP response signature is invalid.'],
  OCSP_SIGNATURE_ALGORITHM_MISMATCH: [
    'Thuật toán ký khai báo trong phản hồi OCSP không khớp với khóa của bên trả lời.',
    "The OCSP response's declared signature algorithm does not agree with the responder's key.",
  ],
  OCSP_SIGNATURE_UNSUPPORTED: [
    'Thuật toán ký của phản hồi OCSP không được hỗ trợ.',
    'The OCSP response signature algorithm is not supported.',
  ],
  OCSP_NOT_YET_VALID: [
    'Phản hồi OCSP có thời điểm phát hành sau thời điểm kiểm tra.',
    'The OCSP response is dated after the validation time.',
  ],
  OCSP_EXPIRED: [
    'Phản hồi OCSP đã hết hạn tại thời điểm kiểm tra.',
    'The OCSP response had expired at the validation time.',
  ],
  OCSP_NONCE_MISMATCH: [
    'Số dùng một lần (nonce) trong phản hồi OCSP không khớp với yêu cầu.',
    'The OCSP response nonce does not match the request.',
  ],
  OCSP_UNSUPPORTED_CRITICAL_EXTENSION: [
    'Phản hồi OCSP có phần mở rộng bắt buộc không được hỗ trợ.',
    'The OCSP response has an unsupported critical extension.',
  ],

  // CRL problems.
  CRL_MALFORMED: ['Danh sách chứng thư số bị thu hồi (CRL) không đúng cấu trúc.', 'The CRL is malformed.'],
  CRL_ISSUER_MISMATCH: [
    'CRL không do tổ chức cấp chứng thư số này phát hành.',
    'The CRL was not issued by this certificate’s issuer.',
  ],
  CRL_ISSUER_NOT_CRL_SIGNER: [
    'Chứng thư số của tổ chức cấp không được phép ký CRL.',
    'The issuer certificate may not sign CRLs.',
  ],
  CRL_SIGNATURE_INVALID: ['Chữ ký trên CRL không hợp lệ.', 'The CRL signature is invalid.'],
  CRL_SIGNATURE_ALGORITHM_MISMATCH: [
    'Thuật toán ký khai báo trong CRL không khớp với khóa của đơn vị phát hành.',
    "The CRL's declared signature algorithm does not agree with the issuer's key.",
  ],
  CRL_SIGNATURE_UNSUPPORTED: [
    'Thuật toán ký của CRL không được hỗ trợ.',
    'The CRL signature algorithm is not supported.',
  ],
  CRL_NOT_YET_VALID: [
    'CRL có thời điểm phát hành sau thời điểm kiểm tra.',
    'The CRL is dated after the validation time.',
  ],
  CRL_EXPIRED: ['CRL đã hết hạn tại thời điểm kiểm tra.', 'The CRL had expired at the validation time.'],
  CRL_OUT_OF_SCOPE: [
    'CRL không bao quát chứng thư số này (CRL từng phần, gián tiếp hoặc delta).',
    'The CRL does not cover this certificate (partitioned, indirect or delta CRL).',
  ],
  CRL_UNSUPPORTED_CRITICAL_EXTENSION: [
    'CRL có phần mở rộng bắt buộc không được hỗ trợ.',
    'The CRL has an unsupported critical extension.',
  ],

  // Warnings (the answer stands, but a person should know).
  OCSP_NONCE_MISSING: [
    'Máy chủ OCSP không gửi lại số dùng một lần (nonce); không loại trừ được phản hồi cũ bị phát lại.',
    'The OCSP responder did not echo the nonce; a replayed response cannot be ruled out.',
  ],
  OCSP_NO_NEXT_UPDATE: [
    'Phản hồi OCSP không nêu thời điểm cập nhật tiếp theo.',
    'The OCSP response gives no next-update time.',
  ],
  OCSP_RESPONDER_REVOCATION_UNCHECKED: [
    'Chưa kiểm tra trạng thái thu hồi của chứng thư số máy chủ OCSP (không có phần mở rộng ocsp-nocheck).',
    'The OCSP responder certificate’s own revocation status was not checked (no ocsp-nocheck extension).',
  ],
  OCSP_CERT_UNKNOWN: [
    'Máy chủ OCSP không biết chứng thư số này.',
    'The OCSP responder does not know this certificate.',
  ],
  OCSP_UNAVAILABLE: [
    'Không kiểm tra được trạng thái chứng thư số qua OCSP.',
    'The certificate status could not be checked by OCSP.',
  ],
  CRL_NO_NEXT_UPDATE: ['CRL không nêu thời điểm cập nhật tiếp theo.', 'The CRL gives no next-update time.'],
  CRL_UNAVAILABLE: [
    'Không kiểm tra được trạng thái chứng thư số qua CRL.',
    'The certificate status could not be checked by CRL.',
  ],
  REVOCATION_NO_SOURCE: [
    'Chứng thư số không nêu địa chỉ OCSP hay CRL nào dùng được.',
    'The certificate names no usable OCSP or CRL address.',
  ],
  REVOCATION_ISSUER_MISMATCH: [
    'Chứng thư số của tổ chức cấp được cung cấp không phải bên đã cấp chứng thư số này.',
    'The given issuer certificate did not issue this certificate.',
  ],
  REVOCATION_STATUS_UNKNOWN: [
    'Không kiểm tra được trạng thái thu hồi của chứng thư số (cả OCSP và CRL).',
    'The certificate’s revocation status could not be checked (neither OCSP nor CRL).',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type RevocationCode = keyof typeof REVOCATION_MESSAGES;
export type RevocationErrorCode =
  | 'REVOCATION_UNREACHABLE'
  | 'REVOCATION_TIMEOUT'
  | 'REVOCATION_BAD_RESPONSE'
  | 'REVOCATION_TOO_LARGE'
  | 'REVOCATION_UNSUPPORTED_URL'
  | 'REVOCATION_BAD_CERTIFICATE';

/** The wording of a code, for reports and user messages. */
export function describeRevocationCode(code: RevocationCode): { vi: string; en: string } {
  const [vi, en] = REVOCATION_MESSAGES[code];
  return { vi, en };
}

/** A KysoError raised while fetching revocation data or for unusable inputs. */
export class RevocationError extends KysoError {
  declare readonly code: RevocationErrorCode;

  constructor(code: RevocationErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = REVOCATION_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'RevocationError';
  }
}
