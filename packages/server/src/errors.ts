/**
 * The service's own typed errors (auth, limits, requests, sessions, configuration), each with its Vietnamese and
 * English message, and the HTTP status every kyso error code is answered with (policy as data).
 */
import { KysoError } from '@kyso/core';

export const SERVICE_MESSAGES = {
  SERVICE_UNAUTHENTICATED: ['Thiếu khóa API hoặc khóa API không hợp lệ.', 'The API key is missing or not valid.'],
  SERVICE_FORBIDDEN: [
    'Khóa API không được phép dùng chức năng hoặc khóa ký này.',
    'This API key may not use this operation or signing key.',
  ],
  SERVICE_BODY_TOO_LARGE: ['Nội dung gửi lên vượt quá giới hạn cho phép.', 'The request body is larger than allowed.'],
  SERVICE_UNSUPPORTED_MEDIA_TYPE: [
    'Kiểu nội dung (Content-Type) không được hỗ trợ.',
    'The Content-Type is not supported here.',
  ],
  SERVICE_RATE_LIMITED: ['Quá nhiều yêu cầu; hãy thử lại sau.', 'Too many requests; try again later.'],
  SERVICE_BUSY: ['Dịch vụ đang quá tải; hãy thử lại sau.', 'The service is busy; try again later.'],
  SERVICE_TIMEOUT: ['Yêu cầu xử lý quá thời gian cho phép.', 'The request took longer than allowed.'],
  SERVICE_REQUEST_TIMEOUT: [
    'Không nhận đủ nội dung yêu cầu trong thời gian cho phép.',
    'The request was not received in time.',
  ],
  SERVICE_BAD_REQUEST: ['Yêu cầu không hợp lệ.', 'The request is not valid.'],
  SERVICE_NOT_FOUND: ['Không tìm thấy tài nguyên.', 'The resource was not found.'],
  SERVICE_SESSION_NOT_FOUND: ['Không tìm thấy phiên ký.', 'The signing session was not found.'],
  SERVICE_SESSION_EXPIRED: ['Phiên ký đã hết hạn.', 'The signing session has expired.'],
  SERVICE_SESSION_COMPLETED: [
    'Phiên ký đã hoàn tất với một chữ ký khác.',
    'The signing session was already completed with another signature.',
  ],
  SERVICE_SESSION_LIMIT: [
    'Khóa API đã mở quá nhiều phiên ký; hãy hoàn tất hoặc chờ phiên cũ hết hạn.',
    'This API key holds too many signing sessions; complete them or wait for them to expire.',
  ],
  SERVICE_SESSION_QUOTA: [
    'Dung lượng dành cho phiên ký của khóa API này đã hết.',
    "This API key's signing sessions would hold more bytes than allowed.",
  ],
  SERVICE_SESSION_STORAGE_FULL: [
    'Kho lưu phiên ký đã đầy; hãy thử lại sau.',
    'The signing-session storage is full; try again later.',
  ],
  SERVICE_AUTH_RATE_LIMITED: [
    'Quá nhiều lần xác thực thất bại từ địa chỉ này; hãy thử lại sau.',
    'Too many failed authentications from this address; try again later.',
  ],
  SERVICE_ORIGIN_NOT_ALLOWED: [
    'Nguồn gốc (Origin) này không được phép gọi dịch vụ từ trình duyệt.',
    'This origin may not call the service from a browser.',
  ],
  SERVICE_UNKNOWN_KEY_ALIAS: ['Không có khóa ký với tên này.', 'No signing key has this alias.'],
  SERVICE_TSA_NOT_CONFIGURED: [
    'Dịch vụ chưa cấu hình máy chủ cấp dấu thời gian (TSA).',
    'No timestamp authority (TSA) is configured.',
  ],
  SERVICE_NOT_READY: ['Dịch vụ chưa sẵn sàng.', 'The service is not ready.'],
  SERVICE_SHUTTING_DOWN: ['Dịch vụ đang dừng.', 'The service is shutting down.'],
  SERVICE_CONFIG_INVALID: ['Cấu hình dịch vụ không hợp lệ.', 'The service configuration is not valid.'],
  SERVICE_INTERNAL: ['Lỗi nội bộ của dịch vụ.', 'Internal service error.'],
  SERVICE_DATABASE_UNAVAILABLE: [
    'Không truy cập được cơ sở dữ liệu của dịch vụ; hãy thử lại sau.',
    "The service's database is unavailable; try again later.",
  ],
  SERVICE_DATABASE_SCHEMA_TOO_NEW: [
    'Cơ sở dữ liệu của dịch vụ được tạo bởi phiên bản kyso mới hơn.',
    "The service's database was written by a newer version of kyso.",
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type ServiceErrorCode = keyof typeof SERVICE_MESSAGES;

export class ServiceError extends KysoError {
  /** Seconds the client should wait (Retry-After) for 429/503 answers. */
  readonly retryAfter?: number;

  constructor(code: ServiceErrorCode, details: Record<string, unknown> = {}, detailEn?: string, retryAfter?: number) {
    const [vi, en] = SERVICE_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'ServiceError';
    this.retryAfter = retryAfter;
  }
}

/** HTTP status per error code; prefixes cover whole families. The first match wins. */
const STATUS_BY_CODE: Record<string, number> = {
  SERVICE_UNAUTHENTICATED: 401,
  SERVICE_FORBIDDEN: 403,
  SERVICE_BODY_TOO_LARGE: 413,
  SERVICE_UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_RATE_LIMITED: 429,
  SERVICE_BUSY: 503,
  SERVICE_TIMEOUT: 503,
  SERVICE_REQUEST_TIMEOUT: 408,
  SERVICE_BAD_REQUEST: 400,
  SERVICE_NOT_FOUND: 404,
  SERVICE_SESSION_NOT_FOUND: 404,
  SERVICE_SESSION_EXPIRED: 410,
  SERVICE_SESSION_COMPLETED: 409,
  SERVICE_SESSION_LIMIT: 429,
  SERVICE_SESSION_QUOTA: 413,
  SERVICE_SESSION_STORAGE_FULL: 503,
  SERVICE_AUTH_RATE_LIMITED: 429,
  SERVICE_ORIGIN_NOT_ALLOWED: 403,
  SERVICE_UNKNOWN_KEY_ALIAS: 404,
  SERVICE_TSA_NOT_CONFIGURED: 400,
  SERVICE_NOT_READY: 503,
  SERVICE_SHUTTING_DOWN: 503,
  SERVICE_INTERNAL: 500,
  SERVICE_DATABASE_UNAVAILABLE: 503,
  SERVICE_DATABASE_SCHEMA_TOO_NEW: 503,
  // The state between steps does not match the document or the session: a conflict, not a bad document.
  SIGN_INPUT_CHANGED: 409,
  SIGN_STATE_INVALID: 409,
  // The CA could not be asked: try again later.
  SIGN_CERT_STATUS_UNKNOWN: 503,
  LTV_REVOCATION_UNAVAILABLE: 503,
  LTV_NEEDS_TIMESTAMP: 400,
  SIGN_BAD_OPTIONS: 400,
  SIGN_PAGE_OUT_OF_RANGE: 400,
  SIGN_BAD_RECT: 400,
  SIGN_FIELD_NOT_FOUND: 400,
  REGISTER_BUSY: 503,
  REGISTER_UNKNOWN_AUTHORITY: 404,
  REGISTER_NOT_FOUND: 404,
  REGISTER_UNKNOWN_BOOK: 400,
  REGISTER_BAD_INPUT: 400,
  REGISTER_BOOK_CLOSED: 409,
  REGISTER_IDEMPOTENCY_CONFLICT: 409,
  REGISTER_NOT_PENDING: 409,
  REGISTER_NOT_ISSUED: 409,
  CERTIFY_NO_DUE_TIME: 409,
  DEADLINE_BAD_INPUT: 400,
  DEADLINE_EXTENSION_TOO_LONG: 400,
  DEADLINE_EXTENSION_NO_REASON: 400,
  DEADLINE_NO_CALENDAR_YEAR: 422,
  DEADLINE_BAD_CALENDAR: 500,
  DEADLINE_NOT_EXTENSIBLE: 409,
  DEADLINE_PASSED: 409,
  REPORT_BAD_INPUT: 400,
  REGISTER_ECOPY_MISMATCH: 409,
  REGISTER_BOOK_PENDING: 409,
  REGISTER_BAD_CURSOR: 400,
  JOURNAL_BAD_INPUT: 400,
  JOURNAL_BAD_CURSOR: 400,
  CERTIFY_BAD_INPUT: 400,
  CERTIFY_VOIDED: 409,
  CERTIFY_REFUSED: 409,
  CERTIFY_ISSUED_NOT_STORED: 409,
  CERTIFY_STORED_COPY_MISMATCH: 500,
  ECOPY_BAD_INPUT: 400,
};
const STATUS_BY_PREFIX: [string, number][] = [
  ['TSA_', 502], // the timestamp authority failed us
  ['REGISTER_', 503], // the register's storage (open, schema, disk) is not usable
  ['JOURNAL_', 503], // the journal's storage (in the register's file) is not usable
  ['PKCS11_', 503], // the token or HSM is not usable right now
  ['SIGN_', 422],
  ['PDF_', 422],
  ['APPEARANCE_', 400],
];

/** The status a typed error is answered with (422 for a document or input the service cannot process). */
export function statusFor(error: KysoError): number {
  const exact = STATUS_BY_CODE[error.code];
  if (exact) return exact;
  for (const [prefix, status] of STATUS_BY_PREFIX) if (error.code.startsWith(prefix)) return status;
  return 422;
}
