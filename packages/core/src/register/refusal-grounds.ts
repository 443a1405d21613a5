/** The grounds on which an original may not be used for a copy: Decree 23/2015/NĐ-CP Art. 22 (DOMAIN.md §4.2). */

export const REFUSAL_GROUNDS = {
  ALTERED: {
    clause: 1,
    vi: 'Bản chính bị tẩy xóa, sửa chữa, thêm, bớt nội dung không hợp lệ',
    en: 'The original was erased, altered, added to or cut without authority',
  },
  DAMAGED: {
    clause: 2,
    vi: 'Bản chính bị hư hỏng, cũ nát, không xác định được nội dung',
    en: 'The original is damaged or worn so that its content cannot be determined',
  },
  SECRET_OR_NO_COPY: {
    clause: 3,
    vi: 'Bản chính đóng dấu mật của cơ quan, tổ chức có thẩm quyền hoặc không đóng dấu mật nhưng ghi rõ không được sao chụp',
    en: 'The original is stamped as a state secret, or is marked "not to be copied"',
  },
  UNLAWFUL_CONTENT: {
    clause: 4,
    vi: 'Bản chính có nội dung trái pháp luật, đạo đức xã hội; tuyên truyền, kích động chiến tranh, chống chế độ xã hội chủ nghĩa Việt Nam; xuyên tạc lịch sử dân tộc; xúc phạm danh dự, nhân phẩm, uy tín của cá nhân, tổ chức; vi phạm quyền công dân',
    en: 'The original has content contrary to law or social ethics, or otherwise listed in Art. 22.4',
  },
  NOT_LEGALISED: {
    clause: 5,
    vi: 'Bản chính do cơ quan, tổ chức có thẩm quyền của nước ngoài cấp, công chứng hoặc chứng nhận chưa được hợp pháp hóa lãnh sự theo quy định',
    en: 'The original was issued, notarised or certified abroad and has not been consularly legalised',
  },
  SELF_MADE_UNCERTIFIED: {
    clause: 6,
    vi: 'Giấy tờ, văn bản do cá nhân tự lập nhưng không có xác nhận và đóng dấu của cơ quan, tổ chức có thẩm quyền',
    en: 'A paper drawn up by an individual without the certification and seal of a competent authority',
  },
} as const;

export type RefusalCode = keyof typeof REFUSAL_GROUNDS;

/** The legal basis cited on every refusal. */
export const REFUSAL_LEGAL_BASIS = 'Điều 22 Nghị định 23/2015/NĐ-CP';

/** The clause of Art. 22 a ground stands on: "khoản 3 Điều 22 Nghị định 23/2015/NĐ-CP". */
export function refusalClause(code: RefusalCode): string {
  return `khoản ${REFUSAL_GROUNDS[code].clause} ${REFUSAL_LEGAL_BASIS}`;
}

export function isRefusalCode(code: unknown): code is RefusalCode {
  return typeof code === 'string' && Object.hasOwn(REFUSAL_GROUNDS, code);
}
