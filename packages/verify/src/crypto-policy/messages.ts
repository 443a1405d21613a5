/** The crypto policy's outcome and flag codes with their Vietnamese and English wording (policy as data). */

export const CRYPTO_POLICY_MESSAGES = {
  ACCEPTED: ['Thuật toán được chấp nhận.', 'The algorithm is accepted.'],
  UNKNOWN_ALGORITHM: ['Thuật toán không xác định được.', 'The algorithm is not recognised.'],
  NOT_ALLOWED: [
    'Thuật toán không có trong danh mục tiêu chuẩn bắt buộc.',
    'The algorithm is not among the accepted ones.',
  ],
  EXPIRED: [
    'Thuật toán không còn được chấp nhận cho chữ ký tạo ra sau thời điểm giới hạn.',
    'The algorithm is no longer accepted for signatures made after its cut-off date.',
  ],
  KEY_TOO_SMALL: ['Độ dài khóa nhỏ hơn mức tối thiểu.', 'The key is shorter than the minimum size.'],
  KEY_UNREADABLE: ['Không đọc được khóa công khai.', 'The public key could not be read.'],
  CURVE_NOT_ALLOWED: ['Đường cong elliptic không được chấp nhận.', 'The elliptic curve is not accepted.'],
  DIGEST_NOT_ALLOWED_FOR_SCHEME: [
    'Hàm băm không được phép dùng với thuật toán ký này.',
    'The digest algorithm may not be used with this signature scheme.',
  ],
  PSS_PARAMETERS: ['Tham số RSASSA-PSS không hợp lệ.', 'The RSASSA-PSS parameters are invalid.'],
  // Flags (facts about an algorithm, whatever the outcome).
  RSA_PKCS1_V1_5: [
    'Chữ ký dùng RSA PKCS#1 v1.5; tiêu chuẩn khuyến nghị RSASSA-PSS.',
    'The signature uses RSA PKCS#1 v1.5; the standard recommends RSASSA-PSS.',
  ],
  SHA_1: [
    'Dùng hàm băm SHA-1, không còn an toàn; chỉ được chấp nhận cho chữ ký được chứng minh đã tạo trước thời điểm giới hạn.',
    'SHA-1 is used, a hash function that is no longer secure; accepted only for signatures proven to be made before the cut-off.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type CryptoPolicyCode = keyof typeof CRYPTO_POLICY_MESSAGES;

/** The wording of an outcome or flag code, for reports. */
export function describeCryptoCode(code: CryptoPolicyCode): { vi: string; en: string } {
  const [vi, en] = CRYPTO_POLICY_MESSAGES[code];
  return { vi, en };
}
