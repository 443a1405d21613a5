/**
 * The one overall conclusion of a file, in Vietnamese and English: how many signatures (and document timestamps)
 * it holds and what became of them. It follows the same rule as `kyso verify`'s exit code: any TOTAL-FAILED makes
 * the file FAILED, else any INDETERMINATE makes it INDETERMINATE; no signature at all is NO_SIGNATURE (FAILED when
 * the file holds a signature its structure no longer reaches).
 */
import type { Indication } from '../indications.js';
import type { SignatureKind } from '../signature/index.js';

export type ConclusionResult = 'PASSED' | 'FAILED' | 'INDETERMINATE' | 'NO_SIGNATURE';

export interface Conclusion {
  result: ConclusionResult;
  /** Signatures (approval and certification) and document timestamps in the file. */
  signatures: number;
  documentTimestamps: number;
  /** The numbers (index + 1, as the human report heads them) of the items per indication. */
  passed: number[];
  failed: number[];
  indeterminate: number[];
  vi: string;
  en: string;
}

/** Only what the conclusion reads of a signature report. */
export interface ConclusionInput {
  index: number;
  kind: SignatureKind;
  indication: Indication;
}

function counted(n: number, vi: string, en: string, enPlural: string): [string, string] {
  return [`${n} ${vi}`, `${n} ${n === 1 ? en : enPlural}`];
}

/** "2 chữ ký và 1 dấu thời gian tài liệu" / "2 signatures and 1 document timestamp". */
function holdings(signatures: number, timestamps: number): [string, string] {
  const parts: [string, string][] = [];
  if (signatures > 0) parts.push(counted(signatures, 'chữ ký', 'signature', 'signatures'));
  if (timestamps > 0)
    parts.push(counted(timestamps, 'dấu thời gian tài liệu', 'document timestamp', 'document timestamps'));
  return [parts.map((p) => p[0]).join(' và '), parts.map((p) => p[1]).join(' and ')];
}

const numbers = (xs: number[], vi: boolean): string => `(${vi ? 'số' : 'no.'} ${xs.join(', ')})`;

/** `unreached`: signature dictionaries in the file that no cross-reference data reaches (ValidationReport). */
export function conclusionOf(items: readonly ConclusionInput[], unreached = 0): Conclusion {
  const ofIndication = (i: Indication): number[] => items.filter((s) => s.indication === i).map((s) => s.index + 1);
  const passed = ofIndication('TOTAL-PASSED');
  const failed = ofIndication('TOTAL-FAILED');
  const indeterminate = ofIndication('INDETERMINATE');
  const documentTimestamps = items.filter((s) => s.kind === 'doc-timestamp').length;
  const signatures = items.length - documentTimestamps;
  const base = { signatures, documentTimestamps, passed, failed, indeterminate };
  if (items.length === 0 && unreached > 0) {
    return {
      result: 'FAILED',
      ...base,
      vi: 'Kết luận: KHÔNG HỢP LỆ — tệp chứa chữ ký số mà cấu trúc của tệp không còn dẫn tới (một bản cập nhật về sau bỏ qua phiên bản đã ký): nội dung hiển thị không phải nội dung đã ký.',
      en: 'Conclusion: NOT VALID — the file holds a digital signature its structure no longer reaches (a later update skips the signed revision): what it shows is not what was signed.',
    };
  }
  if (items.length === 0) {
    return {
      result: 'NO_SIGNATURE',
      ...base,
      vi: 'Kết luận: tài liệu không có chữ ký số.',
      en: 'Conclusion: the document has no digital signature.',
    };
  }
  const [hasVi, hasEn] = holdings(signatures, documentTimestamps);
  if (failed.length === 0 && indeterminate.length === 0) {
    const one = items.length === 1;
    return {
      result: 'PASSED',
      ...base,
      vi: `Kết luận: tài liệu có ${hasVi}, ${one ? 'hợp lệ' : 'tất cả hợp lệ'}.`,
      en: `Conclusion: the document has ${hasEn}, ${one ? 'valid' : 'all valid'}.`,
    };
  }
  // Every group named, worst first, with the numbers of the items in it.
  const groups: [number[], string, string][] = [
    [failed, 'không hợp lệ', 'not valid'],
    [indeterminate, 'chưa xác định được tính hợp lệ', 'indeterminate'],
    [passed, 'hợp lệ', 'valid'],
  ];
  const present = groups.filter(([xs]) => xs.length > 0);
  const listVi = present.map(([xs, vi]) => `${xs.length} ${vi} ${numbers(xs, true)}`).join(', ');
  const listEn = present.map(([xs, , en]) => `${xs.length} ${en} ${numbers(xs, false)}`).join(', ');
  if (failed.length > 0) {
    return {
      result: 'FAILED',
      ...base,
      vi: `Kết luận: KHÔNG HỢP LỆ — tài liệu có ${hasVi}: ${listVi}.`,
      en: `Conclusion: NOT VALID — the document has ${hasEn}: ${listEn}.`,
    };
  }
  return {
    result: 'INDETERMINATE',
    ...base,
    vi: `Kết luận: CHƯA XÁC ĐỊNH ĐƯỢC — tài liệu có ${hasVi}: ${listVi}.`,
    en: `Conclusion: INDETERMINATE — the document has ${hasEn}: ${listEn}.`,
  };
}
