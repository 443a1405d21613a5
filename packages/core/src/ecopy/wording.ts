/**
 * The words written onto the e-copy, as data. The statement follows the wording in use (DOMAIN.md §6.4: the lines
 * of "Mẫu số 01" as OCR'd certified copies show them; the exact layout of the Decree 280/2025 form is
 * UNCONFIRMED). The mark says what Decree 137/2024 Art. 4 asks: that the document was converted from paper,
 * when, and by whom (and, Law 20/2023 Art. 12.1.c, the converting body).
 */
import { formatVietnamTime } from '../appearance/signature-lines.js';
import type { CertificationInfo, ConversionInfo } from './types.js';

export const DEFAULT_BOOK_TYPE = 'SCT/BS';

export const STATEMENT_WORDING = {
  legalBasis:
    'Nghị định 23/2015/NĐ-CP Điều 20; Nghị định 280/2025/NĐ-CP, Mẫu số 01 (lời chứng chứng thực bản sao từ bản chính)',
  sentence: 'Chứng thực bản sao đúng với bản chính.',
  number: (n: string, book: string, bookType: string) => `Số chứng thực ${n} quyển số ${book} ${bookType}`,
  // Decree 30/2020: a zero before days below 10 and before months 1 and 2 only ("ngày 05 tháng 3", "tháng 01")
  date: (d: number, m: number, y: number) => `Ngày ${pad2(d)} tháng ${m < 3 ? pad2(m) : String(m)} năm ${y}`,
  role: 'NGƯỜI THỰC HIỆN CHỨNG THỰC',
  instruction: '(Ký, ghi rõ họ, chữ đệm, tên và đóng dấu)',
} as const;

export const MARK_WORDING = {
  legalBasis: 'Luật Giao dịch điện tử 2023 Điều 12; Nghị định 137/2024/NĐ-CP Điều 4',
  /** The distinct sign that the document was converted from paper. */
  title: 'BẢN ĐIỆN TỬ CHUYỂN ĐỔI TỪ VĂN BẢN GIẤY',
  time: (iso: string) => `Thời điểm chuyển đổi: ${iso}`,
  converter: (name: string) => `Người chuyển đổi: ${name}`,
  organisation: (name: string) => `Cơ quan chuyển đổi: ${name}`,
  reference: (ref: string) => `Tra cứu: ${ref}`,
} as const;

export const SIGNATURE_WORDING = {
  certifierReason: 'Chứng thực bản sao điện tử từ bản chính',
  authorityReason: 'Xác nhận của cơ quan thực hiện chứng thực',
} as const;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Day, month and year of `date` in Vietnam time (UTC+7, no daylight saving). */
export function vietnamDate(date: Date): { day: number; month: number; year: number } {
  const local = new Date(date.getTime() + 7 * 3600 * 1000);
  return { day: local.getUTCDate(), month: local.getUTCMonth() + 1, year: local.getUTCFullYear() };
}

/** The statement's lines, in order, split by role in the layout. */
export interface StatementText {
  /** Sentence, number and date. */
  head: string[];
  role: string;
  instruction: string;
  title?: string;
  name: string;
}

export function statementText(c: CertificationInfo): StatementText {
  const { day, month, year } = vietnamDate(c.date);
  return {
    head: [
      STATEMENT_WORDING.sentence,
      STATEMENT_WORDING.number(String(c.number).trim(), c.book.trim(), (c.bookType ?? DEFAULT_BOOK_TYPE).trim()),
      STATEMENT_WORDING.date(day, month, year),
    ],
    role: STATEMENT_WORDING.role,
    instruction: STATEMENT_WORDING.instruction,
    title: c.certifierTitle?.trim() || undefined,
    name: c.certifierName.trim(),
  };
}

/** The mark's lines: the title (drawn bold) first. */
export function markText(c: ConversionInfo): string[] {
  const lines: string[] = [
    MARK_WORDING.title,
    MARK_WORDING.time(formatVietnamTime(c.convertedAt)),
    MARK_WORDING.converter(c.convertedBy.trim()),
    MARK_WORDING.organisation(c.organisation.trim()),
  ];
  if (c.verificationRef) lines.push(MARK_WORDING.reference(c.verificationRef.trim()));
  return lines;
}
