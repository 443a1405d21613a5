/** The reports' typed errors, each with its Vietnamese and English message. */
import { KysoError } from '@kyso/pdf';

export const REPORT_MESSAGES = {
  REPORT_BAD_INPUT: ['Tham số báo cáo không hợp lệ.', 'The report parameters are invalid.'],
} as const satisfies Record<string, readonly [string, string]>;

export type ReportErrorCode = keyof typeof REPORT_MESSAGES;

export class ReportError extends KysoError {
  constructor(code: ReportErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = REPORT_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'ReportError';
  }
}
