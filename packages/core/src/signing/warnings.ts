/**
 * What signing says without refusing: the signature was made, but a reader should know something about it (its
 * signer's status was not checked, validation data could not be embedded, the e-copy was issued a level lower).
 * Typed like the errors, with Vietnamese and English text (policy as data); `detail` holds the facts behind it
 * (certificate names, the attempts' codes), never key material.
 */
export const SIGNING_WARNINGS = {
  SIGN_REVOCATION_UNCHECKED: [
    'Không kiểm tra được tình trạng thu hồi của chứng thư số người ký trước khi ký (không liên lạc được dịch vụ OCSP/CRL); chữ ký vẫn được tạo.',
    "The signer's certificate status could not be checked before signing (no OCSP/CRL answer); the signature was made anyway.",
  ],
  LTV_REVOCATION_UNAVAILABLE: [
    'Không lấy được dữ liệu thu hồi (OCSP/CRL) của một chứng thư số nên dữ liệu này không được nhúng vào tài liệu.',
    "A certificate's revocation data (OCSP/CRL) could not be had, so it is not embedded in the document.",
  ],
  LTV_CHAIN_INCOMPLETE: [
    'Thiếu chứng thư số của đơn vị cấp trong chuỗi nên không nhúng được dữ liệu thu hồi của chứng thư số đó.',
    "An issuer's certificate is missing from the chain, so that certificate's revocation data is not embedded.",
  ],
  LTV_CERT_REVOKED: [
    'Một chứng thư số trong chuỗi đã bị thu hồi; bằng chứng thu hồi được nhúng vào tài liệu.',
    'A certificate of the chain is revoked; the revocation evidence is embedded in the document.',
  ],
  APPEARANCE_TEXT_UNREADABLE: [
    'Khung chữ ký quá nhỏ: thông tin chữ ký được in với cỡ chữ rất nhỏ hoặc bị lược bớt dòng.',
    'The signature box is too small: the signature information is printed very small or lines were left out.',
  ],
  ECOPY_LEVEL_LOWERED: [
    'Bản sao điện tử được cấp ở mức thấp hơn, không kèm dữ liệu xác thực dài hạn, vì không lấy được dữ liệu thu hồi (OCSP/CRL).',
    'The e-copy is issued one level lower, without long-term validation data, because the revocation data (OCSP/CRL) could not be had.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type SigningWarningCode = keyof typeof SIGNING_WARNINGS;

export interface SigningWarning {
  code: SigningWarningCode;
  vi: string;
  en: string;
  /** The facts behind it (a certificate's name, the signature, each attempt's code), in plain ASCII where it can be. */
  detail?: string;
}

export function signingWarning(code: SigningWarningCode, detail?: string): SigningWarning {
  const [vi, en] = SIGNING_WARNINGS[code];
  return detail ? { code, vi, en, detail } : { code, vi, en };
}

/** One line for logs and terminals: "CODE: vi / en (detail)". */
export function warningLine(w: SigningWarning): string {
  return `${w.code}: ${w.vi} / ${w.en}${w.detail ? ` (${w.detail})` : ''}`;
}

/** Receives each warning as it happens (the same ones the result carries). */
export type OnSigningWarning = (warning: SigningWarning) => void;
