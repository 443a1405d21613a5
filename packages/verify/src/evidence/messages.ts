/** Problems met while gathering embedded validation data, with their Vietnamese and English wording (policy as data). */
export const EVIDENCE_MESSAGES = {
  DSS_NOT_DICTIONARY: ['Mục /DSS của tài liệu không phải từ điển.', 'The document’s /DSS is not a dictionary.'],
  DSS_ENTRY_NOT_ARRAY: [
    'Mục /Certs, /OCSPs hoặc /CRLs của DSS không phải mảng.',
    'A DSS /Certs, /OCSPs or /CRLs entry is not an array.',
  ],
  DSS_ITEM_NOT_STREAM: ['Một phần tử của DSS không phải luồng dữ liệu (stream).', 'A DSS item is not a stream.'],
  DSS_STREAM_UNREADABLE: ['Không giải mã được một luồng dữ liệu của DSS.', 'A DSS stream could not be decoded.'],
  VRI_NOT_DICTIONARY: [
    'Mục /VRI của DSS hoặc một phần tử của nó không phải từ điển.',
    'The DSS /VRI, or one of its entries, is not a dictionary.',
  ],
  VRI_KEY_NOT_SHA1: [
    'Khóa của một mục /VRI không phải giá trị băm SHA-1 dạng hex chữ hoa.',
    'A /VRI key is not an uppercase hex SHA-1 digest.',
  ],
  CERTIFICATE_UNREADABLE: ['Không đọc được một chứng thư số được nhúng.', 'An embedded certificate cannot be read.'],
  OCSP_UNREADABLE: ['Không đọc được một phản hồi OCSP được nhúng.', 'An embedded OCSP response cannot be read.'],
  CRL_UNREADABLE: ['Không đọc được một CRL được nhúng.', 'An embedded CRL cannot be read.'],
  REVOCATION_ARCHIVAL_MALFORMED: [
    'Thuộc tính adbe-revocationInfoArchival không đúng cấu trúc.',
    'The adbe-revocationInfoArchival attribute is malformed.',
  ],
  CADES_VALUES_MALFORMED: [
    'Thuộc tính CAdES certificate-values hoặc revocation-values không đúng cấu trúc.',
    'A CAdES certificate-values or revocation-values attribute is malformed.',
  ],
  EVIDENCE_LIMIT: [
    'Dữ liệu kiểm tra nhúng vượt quá giới hạn an toàn; phần còn lại bị bỏ qua.',
    'The embedded validation data exceeds a safety limit; the rest was skipped.',
  ],
  REVOCATION_ISSUED_BEFORE_TIME: [
    'Dữ liệu trạng thái được phát hành trước thời điểm cần chứng minh.',
    'The revocation data was issued before the time it must speak for.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type EvidenceProblem = keyof typeof EVIDENCE_MESSAGES;

export function describeEvidenceProblem(code: EvidenceProblem): { vi: string; en: string } {
  const [vi, en] = EVIDENCE_MESSAGES[code];
  return { vi, en };
}
