/**
 * What the verdict policy can say about a signature, as codes with Vietnamese and English text (policy as data).
 * A finding is a reason for the indication, a warning that leaves it unchanged but a reader should weigh, or a note
 * (a technical fact, nothing wrong: shown in JSON and XML, in the human report only on request).
 */
export const FINDINGS = {
  CMS_UNREADABLE: [
    'Không đọc được dữ liệu chữ ký (CMS) hoặc dữ liệu sai định dạng.',
    'The signature data (CMS) is unreadable or malformed.',
  ],
  BYTERANGE_INVALID: [
    'Vùng dữ liệu được ký (ByteRange) không hợp lệ.',
    'The signed byte range (ByteRange) is not valid.',
  ],
  COVERAGE_INCOMPLETE: [
    'Chữ ký không bao phủ trọn vẹn phiên bản tài liệu đã ký.',
    'The signature does not cover the whole signed revision.',
  ],
  ECONTENT_IN_DETACHED: [
    'Chữ ký kiểu tách rời nhưng lại chứa nội dung nhúng.',
    'A detached signature carries encapsulated content.',
  ],
  CONTENT_TYPE_MISMATCH: [
    'Thuộc tính content-type được ký không khớp với loại nội dung thực tế của chữ ký (RFC 5652 §11.1).',
    'The signed content-type attribute does not match the type of the content signed (RFC 5652 §11.1).',
  ],
  HASH_MISMATCH: [
    'Tài liệu đã bị thay đổi sau khi ký: giá trị băm không khớp.',
    'The document was altered after signing: the digest does not match.',
  ],
  SIGNATURE_INVALID: [
    'Giá trị chữ ký không khớp với khóa công khai của chứng thư số.',
    "The signature value does not verify with the certificate's public key.",
  ],
  SIGNATURE_ALGORITHM_MISMATCH: [
    'Thuật toán chữ ký được khai báo không khớp với loại khóa của người ký hoặc với thuật toán băm.',
    "The declared signature algorithm does not agree with the signer's key type or with the digest algorithm.",
  ],
  ALGORITHM_UNSUPPORTED: [
    'Thuật toán chữ ký hoặc băm không được hỗ trợ.',
    'The signature or digest algorithm is not supported.',
  ],
  SIGNER_CERTIFICATE_MISSING: [
    'Không tìm thấy chứng thư số của người ký trong chữ ký.',
    "The signer's certificate is not in the signature.",
  ],
  SIGNER_CERTIFICATE_NOT_BOUND: [
    'Thuộc tính signing-certificate không khớp với chứng thư số của người ký.',
    "The signing-certificate attribute does not match the signer's certificate.",
  ],
  MODIFIED_DISALLOWED: [
    'Tài liệu bị sửa đổi sau khi ký theo cách không được phép.',
    'The document was modified after signing in a way that is not permitted.',
  ],
  SIGNATURE_HIDDEN: [
    'Chữ ký này đã bị một lần cập nhật sau đó che giấu (gỡ khỏi biểu mẫu hoặc thay thế): tài liệu hiện tại không còn hiển thị chữ ký này.',
    'A later update hid this signature (removed it from the form or replaced it): the document as it stands no longer shows it.',
  ],
  XREF_FRAGMENT_APPENDED: [
    'Sau phiên bản đã ký có thêm một đoạn bảng tham chiếu chéo (xref) và trailer, không thay đổi đối tượng nào.',
    'A cross-reference section and trailer were appended after the signed revision; they change no object.',
  ],
  OBJECT_SWAP: [
    'Tài liệu bị tráo đối tượng sau khi ký: bảng tham chiếu chéo trỏ tới một đối tượng khác, nên các trình xem PDF có thể hiển thị nội dung khác nhau.',
    'An object was swapped after signing: a cross-reference entry points at another object, so PDF viewers can show different content.',
  ],
  MODIFICATIONS_NOT_ANALYSED: [
    'Không phân tích được đầy đủ các thay đổi sau khi ký (vượt giới hạn hoặc không đọc được): không thể coi là được phép.',
    'The changes made after signing could not be fully analysed (a limit was reached or an object is unreadable): they cannot be taken as permitted.',
  ],
  SIGNED_CONTENT_AMBIGUOUS: [
    'Phiên bản tài liệu đã ký có bảng tham chiếu chéo trỏ sai đối tượng: các trình xem PDF khác nhau hiển thị nội dung khác nhau, không xác định được nội dung nào đã được ký.',
    'The signed revision has cross-reference entries pointing at other objects: different PDF viewers show different content, so what was signed cannot be told.',
  ],
  XREF_ANOMALY: [
    'Cấu trúc bất thường: có mục tham chiếu chéo trỏ tới đối tượng mang số hoặc thế hệ khác.',
    'Structural anomaly: a cross-reference entry points at an object with another number or generation.',
  ],
  MODIFIED_ALLOWED: [
    'Tài liệu có thay đổi được phép sau khi ký (chữ ký, dấu thời gian, điền biểu mẫu, chú thích hoặc dữ liệu xác thực).',
    'The document has permitted changes after signing (signatures, timestamps, form filling, annotations or validation data).',
  ],
  CRYPTO_REJECTED: [
    'Thuật toán hoặc độ dài khóa không đạt yêu cầu (Thông tư 15/2025/TT-BKHCN, Phụ lục I).',
    'An algorithm or key size does not meet the policy (Circular 15/2025/TT-BKHCN, Annex I).',
  ],
  CRYPTO_FLAGGED: [
    'Ghi chú kỹ thuật: thuật toán được chấp nhận; tiêu chuẩn khuyến nghị loại khác (ví dụ RSASSA-PSS thay cho RSA PKCS#1 v1.5).',
    'Technical note: the algorithm is accepted; the standard recommends another (e.g. RSASSA-PSS instead of RSA PKCS#1 v1.5).',
  ],
  SHA1_USED: [
    'Chữ ký hoặc chứng thư số trong đường dẫn dùng hàm băm SHA-1, không còn an toàn.',
    'The signature or a certificate of its path uses SHA-1, a hash function that is no longer secure.',
  ],
  NO_CHAIN: [
    'Không xây dựng được đường dẫn tin cậy tới chứng thư số gốc được tin cậy.',
    'No certification path to a trusted root was found.',
  ],
  CHAIN_INVALID: ['Đường dẫn chứng thư số không hợp lệ.', 'The certification path is not valid.'],
  SIGNER_CERTIFICATE_UNFIT: [
    'Chứng thư số của người ký không dành cho việc ký tài liệu (keyUsage hoặc extendedKeyUsage không cho phép).',
    "The signer's certificate is not for signing documents (its keyUsage or extendedKeyUsage does not allow it).",
  ],
  NOT_YET_VALID: [
    'Chứng thư số chưa có hiệu lực tại thời điểm ký.',
    'The certificate was not yet valid at signing time.',
  ],
  EXPIRED: ['Chứng thư số đã hết hạn tại thời điểm ký.', 'The certificate had expired at signing time.'],
  EXPIRED_NO_POE: [
    'Chứng thư số đã hết hạn và không có dấu thời gian chứng minh chữ ký được tạo trước đó.',
    'The certificate has expired and no timestamp proves the signature was made before.',
  ],
  REVOKED: ['Chứng thư số đã bị thu hồi trước thời điểm ký.', 'The certificate was revoked before signing time.'],
  REVOKED_NO_POE: [
    'Chứng thư số đã bị thu hồi; không có dấu thời gian chứng minh chữ ký được tạo trước khi thu hồi.',
    'The certificate is revoked; no timestamp proves the signature was made before the revocation.',
  ],
  REVOKED_LATER: [
    'Chứng thư số bị thu hồi sau thời điểm ký đã được chứng minh bằng dấu thời gian.',
    'The certificate was revoked after the signing time proven by a timestamp.',
  ],
  REVOCATION_UNKNOWN: [
    'Không kiểm tra được tình trạng thu hồi của chứng thư số (OCSP/CRL).',
    'The revocation status of the certificate could not be checked (OCSP/CRL).',
  ],
  TIMESTAMP_INVALID: [
    'Dấu thời gian không hợp lệ nên không được dùng làm bằng chứng thời gian.',
    'A timestamp is not valid and is not used as proof of time.',
  ],
  TIMESTAMP_EXPIRED_NO_POE: [
    'Chứng thư số của đơn vị cấp dấu thời gian đã hết hạn và không có dấu thời gian lưu trữ nào được tạo trước khi hết hạn: dấu thời gian không còn là bằng chứng về thời điểm.',
    "The timestamp authority's certificate has expired and no archive timestamp was made before it did: the timestamp no longer proves the time.",
  ],
  TIMESTAMP_UNTRUSTED: [
    'Dấu thời gian không thuộc đơn vị cung cấp dấu thời gian được tin cậy.',
    'A timestamp is not from a trusted timestamp authority.',
  ],
  // Says no more than the verdict knows: revocation may not have been checked (see the report's revocation).
  TRUSTED: [
    'Chữ ký toàn vẹn; chứng thư số tin cậy, trong thời hạn hiệu lực tại thời điểm ký và không được biết là đã bị thu hồi.',
    'The signature is intact; its certificate is trusted, within its validity period at signing time and not known to be revoked.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type FindingCode = keyof typeof FINDINGS;

/**
 * Where in the file a finding lies, as far as it is known: the revision (counted from 0, as `kyso inspect` lists
 * them), the object (e.g. "12 0 R"), byte ranges as [offset, length] pairs, or one offset.
 */
export interface FindingPlace {
  revision?: number;
  object?: string;
  byteRanges?: [number, number][];
  offset?: number;
}

export interface Finding {
  code: FindingCode;
  vi: string;
  en: string;
  /** Facts behind the finding (a certificate name, a time, a count); never key material. */
  detail?: string;
  /** Where it lies in the file, when known. */
  where?: FindingPlace;
}

export function finding(code: FindingCode, detail?: string, where?: FindingPlace): Finding {
  const [vi, en] = FINDINGS[code];
  const f: Finding = detail ? { code, vi, en, detail } : { code, vi, en };
  return where && Object.keys(where).length ? { ...f, where } : f;
}
