/** The guarded fetch's refusals, with their Vietnamese and English wording (policy as data). */
import { KysoError } from '@kyso/pdf';

export const FETCH_MESSAGES = {
  FETCH_URL_INVALID: ['Địa chỉ cần tải không hợp lệ.', 'The address to fetch is not a valid URL.'],
  FETCH_SCHEME_REFUSED: ['Chỉ tải qua HTTP hoặc HTTPS.', 'Only HTTP and HTTPS addresses are fetched.'],
  FETCH_PORT_REFUSED: ['Cổng của địa chỉ cần tải không được phép.', 'The port of the address is not allowed.'],
  FETCH_ADDRESS_REFUSED: [
    'Không kết nối tới địa chỉ nội bộ, loopback, link-local, multicast hoặc dành riêng.',
    'Loopback, private, link-local, multicast and reserved addresses are never contacted.',
  ],
  FETCH_TOO_MANY_REDIRECTS: ['Quá nhiều lần chuyển hướng.', 'Too many redirects.'],
  FETCH_NOT_AUTHENTICATED: [
    'Không tải dữ liệu cho chứng thư số chưa được xác thực tới một chứng thư số gốc tin cậy.',
    'Nothing is fetched for a certificate not authenticated to a trusted root.',
  ],
  FETCH_BUDGET_EXCEEDED: [
    'Đã hết hạn mức tải dữ liệu mạng cho yêu cầu này.',
    'The network budget of this request is used up.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type FetchErrorCode = keyof typeof FETCH_MESSAGES;

/** A fetch the policy refused; thrown by the guarded fetch before (or instead of) connecting. */
export class FetchError extends KysoError {
  declare readonly code: FetchErrorCode;

  constructor(code: FetchErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = FETCH_MESSAGES[code];
    super(code, detailEn ? `${vi} (${detailEn})` : vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'FetchError';
  }
}
