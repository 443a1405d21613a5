/**
 * Every problem the timestamp checks report, with its Vietnamese and English wording (policy as data). A problem
 * means the token, or the part of it named, cannot be relied on; the verdict is the policy's business.
 */
export const TIMESTAMP_MESSAGES = {
  // Structure.
  TST_NOT_DER: [
    'Dấu thời gian không phải cấu trúc ASN.1 hợp lệ.',
    'The timestamp token is not a valid ASN.1 structure.',
  ],
  TST_TRAILING_DATA: ['Có dữ liệu thừa sau dấu thời gian.', 'There is data after the timestamp token.'],
  TST_NOT_SIGNED_DATA: ['Dấu thời gian không phải CMS SignedData.', 'The timestamp token is not CMS SignedData.'],
  TST_MALFORMED: ['Cấu trúc CMS của dấu thời gian không hợp lệ.', 'The timestamp token’s CMS structure is malformed.'],
  TST_NOT_TSTINFO: ['Dấu thời gian không chứa TSTInfo.', 'The timestamp token does not encapsulate a TSTInfo.'],
  TST_TSTINFO_MALFORMED: [
    'Nội dung TSTInfo của dấu thời gian không hợp lệ.',
    'The timestamp token’s TSTInfo is malformed.',
  ],
  TST_SIGNER_COUNT: [
    'Dấu thời gian phải có đúng một chữ ký (SignerInfo).',
    'The timestamp token must have exactly one SignerInfo.',
  ],
  // What it stamps.
  TST_HASH_UNSUPPORTED: [
    'Thuật toán băm của dấu thời gian không được hỗ trợ.',
    'The timestamp’s imprint hash algorithm is not supported.',
  ],
  TST_IMPRINT_MISMATCH: [
    'Giá trị băm trong dấu thời gian không khớp với dữ liệu được gắn dấu.',
    'The timestamp’s message imprint does not match the stamped data.',
  ],
  TST_NONCE_MISMATCH: [
    'Số nonce trong dấu thời gian không khớp với yêu cầu.',
    'The timestamp’s nonce does not match the request.',
  ],
  TST_POLICY_MISMATCH: [
    'Chính sách cấp dấu thời gian không đúng chính sách yêu cầu.',
    'The timestamp policy is not the one required.',
  ],
  // The CMS signature.
  TST_CERTIFICATE_NOT_FOUND: [
    'Không tìm thấy chứng thư số của TSA đã ký dấu thời gian.',
    'The TSA certificate that signed the timestamp was not found.',
  ],
  TST_NO_SIGNED_ATTRIBUTES: [
    'Dấu thời gian không có thuộc tính được ký.',
    'The timestamp token has no signed attributes.',
  ],
  TST_DIGEST_UNSUPPORTED: [
    'Thuật toán băm của chữ ký trên dấu thời gian không được hỗ trợ.',
    'The timestamp signature’s digest algorithm is not supported.',
  ],
  TST_CONTENT_TYPE_ATTRIBUTE: [
    'Thuộc tính content-type của dấu thời gian thiếu hoặc sai.',
    'The timestamp’s content-type attribute is missing or wrong.',
  ],
  TST_MESSAGE_DIGEST_MISSING: [
    'Dấu thời gian thiếu thuộc tính message-digest.',
    'The timestamp has no message-digest attribute.',
  ],
  TST_MESSAGE_DIGEST_MISMATCH: [
    'Thuộc tính message-digest không khớp với TSTInfo (dấu thời gian đã bị sửa).',
    'The message-digest attribute does not match the TSTInfo (the timestamp was altered).',
  ],
  TST_ATTRIBUTE_REPEATED: [
    'Một thuộc tính được ký của dấu thời gian bị lặp.',
    'A signed attribute of the timestamp is repeated.',
  ],
  TST_SIGNATURE_INVALID: [
    'Chữ ký trên dấu thời gian không hợp lệ.',
    'The signature on the timestamp token does not verify.',
  ],
  TST_SIGNATURE_ALGORITHM_MISMATCH: [
    'Thuật toán ký khai báo trong dấu thời gian không khớp với khóa của TSA hoặc với thuật toán băm.',
    'The timestamp’s declared signature algorithm does not agree with the TSA key or with the digest algorithm.',
  ],
  TST_SIGNATURE_UNSUPPORTED: [
    'Thuật toán ký của dấu thời gian không được hỗ trợ.',
    'The timestamp’s signature algorithm is not supported.',
  ],
  TST_SIGNING_CERTIFICATE_MISSING: [
    'Dấu thời gian không có thuộc tính ESS signing-certificate gắn với chứng thư số của TSA.',
    'No ESS signing-certificate attribute binds the TSA certificate.',
  ],
  TST_SIGNING_CERTIFICATE_MALFORMED: [
    'Thuộc tính ESS signing-certificate của dấu thời gian không hợp lệ.',
    'The timestamp’s ESS signing-certificate attribute is malformed.',
  ],
  TST_SIGNING_CERTIFICATE_MISMATCH: [
    'Thuộc tính ESS signing-certificate không trỏ tới chứng thư số của TSA.',
    'The ESS signing-certificate attribute does not name the TSA certificate.',
  ],
  TST_SIGNING_CERTIFICATE_ISSUER_SERIAL: [
    'Tổ chức cấp và số hiệu trong ESS signing-certificate không khớp chứng thư số của TSA.',
    'The ESS issuer and serial number do not name the TSA certificate.',
  ],
  // The TSA certificate (RFC 3161 §2.3).
  TSA_CERT_UNREADABLE: ['Không đọc được chứng thư số của TSA.', 'The TSA certificate cannot be read.'],
  TSA_CERT_NO_EKU: [
    'Chứng thư số của TSA không có mục đích sử dụng mở rộng (EKU) timeStamping.',
    'The TSA certificate has no extended key usage (timeStamping).',
  ],
  TSA_CERT_EKU_NOT_CRITICAL: [
    'Mục đích sử dụng mở rộng của chứng thư số TSA không được đánh dấu critical.',
    'The TSA certificate’s extended key usage is not marked critical.',
  ],
  TSA_CERT_EKU_NOT_TIMESTAMPING: [
    'Chứng thư số của TSA không chỉ dành riêng cho cấp dấu thời gian (timeStamping).',
    'The TSA certificate’s extended key usage is not timeStamping alone.',
  ],
  TSA_CERT_NOT_VALID_AT_GENTIME: [
    'Chứng thư số của TSA không còn hiệu lực tại thời điểm cấp dấu thời gian.',
    'The TSA certificate was not valid at the timestamp’s time.',
  ],
  // Document timestamps (PAdES, ISO 32000-2 §12.8.5).
  DOCTS_SUBFILTER: [
    'Dấu thời gian tài liệu không dùng SubFilter ETSI.RFC3161.',
    'The document timestamp’s SubFilter is not ETSI.RFC3161.',
  ],
  DOCTS_TYPE: [
    'Dấu thời gian tài liệu không có /Type /DocTimeStamp.',
    'The document timestamp’s dictionary lacks /Type /DocTimeStamp.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type TimestampProblem = keyof typeof TIMESTAMP_MESSAGES;

/** The wording of a problem, for reports. */
export function describeTimestampProblem(code: TimestampProblem): { vi: string; en: string } {
  const [vi, en] = TIMESTAMP_MESSAGES[code];
  return { vi, en };
}
