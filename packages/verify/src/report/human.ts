/**
 * The report a person reads, in Vietnamese or English, with the fields Circular 15/2025 Art. 6 (DOMAIN.md §10.2
 * V11) requires: valid or not, the issuing CA, the signer, the managing unit, signing time or timestamp, integrity,
 * validity at signing time and the certificate's validity period. Times are shown in Vietnam time (UTC+07:00).
 * It says what is known and no more: validity at the claimed time is not called proven, a certificate whose
 * revocation was not checked is never called "still valid", and the file ends with one conclusion line.
 */
import { INDICATION_LABELS } from '../indications.js';
import type { FindingPlace } from '../policy/findings.js';
import type { SignatureReport, ValidationReport, ValidityAt } from './report.js';

export type Language = 'vi' | 'en';

const L = {
  title: { vi: 'KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ', en: 'DIGITAL SIGNATURE VALIDATION REPORT' },
  none: { vi: 'Tài liệu không có chữ ký số.', en: 'The document has no digital signature.' },
  validatedAt: { vi: 'Thời điểm kiểm tra', en: 'Validated at' },
  signature: { vi: 'Chữ ký', en: 'Signature' },
  timestamp: { vi: 'Dấu thời gian tài liệu', en: 'Document timestamp' },
  certification: { vi: 'Chữ ký chứng nhận', en: 'Certification signature' },
  field: { vi: 'Trường chữ ký', en: 'Field' },
  result: { vi: 'Kết quả', en: 'Result' },
  signer: { vi: 'Người ký', en: 'Signer' },
  issuer: { vi: 'Tổ chức cấp chứng thư số', en: 'Issuing CA' },
  managing: { vi: 'Đơn vị quản lý chứng thư số (gốc tin cậy)', en: 'Certificate-managing unit (trust anchor)' },
  signingTime: { vi: 'Thời điểm ký', en: 'Signing time' },
  byTimestamp: { vi: 'theo dấu thời gian', en: 'from a timestamp' },
  claimed: { vi: 'do phần mềm ký khai báo, chưa được chứng minh', en: 'claimed by the signing software, not proven' },
  ownTime: { vi: 'thời điểm ghi trong dấu thời gian', en: 'the time the timestamp states' },
  integrity: { vi: 'Tính toàn vẹn', en: 'Integrity' },
  intact: { vi: 'Toàn vẹn, không bị thay đổi sau khi ký', en: 'Intact, not altered after signing' },
  notIntact: { vi: 'Không toàn vẹn', en: 'Not intact' },
  modifiedAllowed: { vi: 'có thay đổi được phép sau khi ký', en: 'with permitted changes after signing' },
  modifiedDisallowed: {
    vi: 'có thay đổi KHÔNG được phép sau khi ký',
    en: 'with changes after signing that are NOT permitted',
  },
  validAtSigning: { vi: 'Hiệu lực chứng thư tại thời điểm ký', en: 'Certificate at signing time' },
  validAtBest: { vi: 'Hiệu lực chứng thư tại thời điểm kiểm tra', en: 'Certificate at the validation time' },
  noProof: { vi: 'không có dấu thời gian chứng minh thời điểm ký', en: 'no timestamp proves the signing time' },
  withinPeriod: { vi: 'trong thời hạn hiệu lực', en: 'within its validity period' },
  expired: { vi: 'đã hết hạn', en: 'expired' },
  notYetValid: { vi: 'chưa đến thời hạn hiệu lực', en: 'not yet valid' },
  revocation: { vi: 'Tình trạng thu hồi', en: 'Revocation status' },
  revNoPath: { vi: 'chưa kiểm tra (không có đường dẫn tin cậy)', en: 'not checked (no trusted path)' },
  revNotChecked: {
    vi: 'chưa kiểm tra (không có dữ liệu OCSP/CRL trong tài liệu, không kiểm tra trực tuyến)',
    en: 'not checked (no OCSP/CRL data in the document, not checked online)',
  },
  revUnknown: { vi: 'không xác định được', en: 'could not be determined' },
  revGood: { vi: 'không bị thu hồi', en: 'not revoked' },
  revRevoked: { vi: 'ĐÃ BỊ THU HỒI', en: 'REVOKED' },
  at: { vi: 'lúc', en: 'at' },
  unknown: { vi: 'Chưa xác định', en: 'Unknown' },
  period: { vi: 'Thời hạn chứng thư số', en: 'Certificate validity period' },
  from: { vi: 'từ', en: 'from' },
  to: { vi: 'đến', en: 'to' },
  level: { vi: 'Định dạng', en: 'Format' },
  reasons: { vi: 'Lý do', en: 'Reasons' },
  warnings: { vi: 'Cảnh báo', en: 'Warnings' },
  notes: { vi: 'Ghi chú kỹ thuật', en: 'Technical notes' },
  place: { vi: 'Vị trí chữ ký', en: 'Signature location' },
  where: { vi: 'vị trí', en: 'location' },
  revisionNo: { vi: 'phiên bản', en: 'revision' },
  object: { vi: 'đối tượng', en: 'object' },
  bytes: { vi: 'byte', en: 'bytes' },
  offset: { vi: 'tại byte', en: 'at byte' },
  and: { vi: 'và', en: 'and' },
} as const;

/**
 * A place in the file in words: "phiên bản #2, đối tượng 12 0 R, byte 0–1200 và 9392–15100" (revisions numbered
 * from 0 as `kyso inspect` lists them; byte spans as start–end, the end not included).
 */
export function placeText(where: FindingPlace, lang: Language): string {
  const t = (k: keyof typeof L): string => L[k][lang];
  const parts: string[] = [];
  if (where.revision !== undefined) parts.push(`${t('revisionNo')} #${where.revision}`);
  if (where.object) parts.push(`${t('object')} ${where.object}`);
  if (where.byteRanges?.length)
    parts.push(`${t('bytes')} ${where.byteRanges.map(([o, l]) => `${o}–${o + l}`).join(` ${t('and')} `)}`);
  if (where.offset !== undefined) parts.push(`${t('offset')} ${where.offset}`);
  return parts.join(', ');
}

/** "2026-11-22 14:05:09 (UTC+07:00)": the wall-clock time in Vietnam, whatever the machine's zone. */
export function vietnamTime(iso: string | null): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const d = new Date(t + 7 * 3600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)} (UTC+07:00)`;
}

/** A hidden signature's line: which update hid it (revision counted from 0) and what it did, by `hidden.cause`. */
function hiddenLine(h: { revision: number; cause: string }, lang: Language): string {
  const cause = (HIDDEN_CAUSES[h.cause] ?? HIDDEN_CAUSES.unreachable)[lang];
  return lang === 'vi'
    ? `CHỮ KÝ BỊ CHE GIẤU: bản cập nhật ở phiên bản ${h.revision} (đánh số từ 0) đã ${cause}.`
    : `HIDDEN SIGNATURE: the update at revision ${h.revision} (counted from 0) ${cause}.`;
}

/** What the hiding update did, as `hidden.cause` names it. */
const HIDDEN_CAUSES: Record<string, { vi: string; en: string }> & Record<'unreachable', { vi: string; en: string }> = {
  'acroform-removed': { vi: 'xóa biểu mẫu (AcroForm)', en: 'removed the AcroForm' },
  'field-removed': { vi: 'gỡ trường chữ ký khỏi biểu mẫu', en: 'removed its field from the form' },
  'value-removed': { vi: 'xóa giá trị (/V) của trường chữ ký', en: "removed the field's value (/V)" },
  'value-replaced': {
    vi: 'trỏ giá trị (/V) của trường chữ ký sang một từ điển khác',
    en: "pointed the field's value (/V) at another dictionary",
  },
  'signature-freed': { vi: 'xóa (giải phóng) từ điển chữ ký', en: 'freed the signature dictionary' },
  'signature-redefined': { vi: 'định nghĩa lại từ điển chữ ký', en: 'redefined the signature dictionary' },
  unreachable: { vi: 'làm biểu mẫu không còn dẫn tới chữ ký', en: 'left the form no longer reaching it' },
};

function who(name: { commonName: string | null; organization: string | null; subject: string } | null): string {
  if (!name) return '—';
  const parts = [name.commonName, name.organization].filter((x): x is string => !!x);
  return parts.length ? parts.join(', ') : name.subject;
}

function signatureLines(s: SignatureReport, lang: Language, details: boolean): string[] {
  const t = (k: keyof typeof L): string => L[k][lang];
  const heading =
    s.kind === 'doc-timestamp' ? t('timestamp') : s.kind === 'certification' ? t('certification') : t('signature');
  const label =
    INDICATION_LABELS[s.indication][lang] +
    (s.subIndication ? ` (${s.indication} / ${s.subIndication})` : ` (${s.indication})`);
  const integrity =
    (s.intact ? t('intact') : t('notIntact')) +
    (s.modifications === 'ALLOWED'
      ? `; ${t('modifiedAllowed')}`
      : s.modifications === 'DISALLOWED'
        ? `; ${t('modifiedDisallowed')}`
        : '');
  // A document timestamp's own time comes from its TSA's token, not from signing software.
  const source =
    s.signingTimeSource === 'timestamp' ? t('byTimestamp') : s.kind === 'doc-timestamp' ? t('ownTime') : t('claimed');
  const time = s.signingTime ? `${vietnamTime(s.signingTime)} — ${source}` : '—';
  // Validity at the signing time shown (the timestamp's, else the claim), and, when nothing proves that time, at
  // the validation time the verdict judges by. Never "still valid": revocation is its own line.
  const atSigning =
    s.signingTimeSource === 'timestamp'
      ? s.certificateValidity.atBestSignatureTime
      : s.certificateValidity.atClaimedTime;
  const validity = (v: ValidityAt | null): string => validityText(v, lang);
  const unproven = s.bestSignatureTime.source === 'validation-time';
  const signaturePlace = placeText(
    {
      ...(s.revision >= 0 ? { revision: s.revision } : {}),
      ...(s.signatureObject ? { object: s.signatureObject } : {}),
      ...(s.byteRange ? { byteRanges: s.byteRange } : {}),
    },
    lang,
  );
  const lines = [
    `${heading} ${s.index + 1}${s.fieldName ? ` — ${t('field')}: ${s.fieldName}` : ''}`,
    ...(signaturePlace ? [`  ${t('place')}: ${signaturePlace}`] : []),
    ...(s.hidden ? [`  ${hiddenLine(s.hidden, lang)}`] : []),
    `  ${t('result')}: ${label}`,
    `  ${t('signer')}: ${who(s.signer)}`,
    `  ${t('issuer')}: ${who(s.signer?.issuer ?? null)}`,
    `  ${t('managing')}: ${s.trustedChain && s.chain.length ? s.chain[s.chain.length - 1] : t('unknown')}`,
    `  ${t('signingTime')}: ${time}`,
    `  ${t('integrity')}: ${integrity}`,
    `  ${t('validAtSigning')}: ${validity(atSigning)}`,
    ...(unproven
      ? [`  ${t('validAtBest')} (${t('noProof')}): ${validity(s.certificateValidity.atBestSignatureTime)}`]
      : []),
    `  ${t('revocation')}: ${revocationText(s, lang)}`,
    `  ${t('period')}: ${s.signer ? `${t('from')} ${vietnamTime(s.signer.validFrom)} ${t('to')} ${vietnamTime(s.signer.validTo)}` : '—'}`,
  ];
  if (s.level) lines.push(`  ${t('level')}: PAdES ${s.level}`);
  const decisive = s.indication === 'TOTAL-PASSED' ? [] : s.reasons;
  // Each finding: the reason in words, its facts, then where in the file it lies when that is known.
  const item = (f: SignatureReport['reasons'][number]): string[] => [
    `    - ${f[lang]}${f.detail ? ` [${f.detail}]` : ''}`,
    ...(f.where ? [`      (${t('where')}: ${placeText(f.where, lang)})`] : []),
  ];
  if (decisive.length) lines.push(`  ${t('reasons')}:`, ...decisive.flatMap(item));
  if (s.warnings.length) lines.push(`  ${t('warnings')}:`, ...s.warnings.flatMap(item));
  if (details && s.notes.length) lines.push(`  ${t('notes')}:`, ...s.notes.flatMap(item));
  return lines;
}

/** A path's validity at one time in words: within its period, expired or not yet valid (naming the certificate). */
export function validityText(v: ValidityAt | null, lang: Language): string {
  const t = (k: keyof typeof L): string => L[k][lang];
  if (!v) return t('unknown');
  if (v.status === 'VALID') return t('withinPeriod');
  return `${v.status === 'EXPIRED' ? t('expired') : t('notYetValid')}${v.certificate ? ` (${v.certificate})` : ''}`;
}

/** What is known of the path's revocation status, said as it is: checked and good, revoked, unknown, not checked. */
export function revocationText(s: Pick<SignatureReport, 'revocation'>, lang: Language): string {
  const t = (k: keyof typeof L): string => L[k][lang];
  if (s.revocation.length === 0) return t('revNoPath');
  const one = (r: SignatureReport['revocation'][number]): string =>
    r.status === 'GOOD'
      ? `${t('revGood')}${r.source ? ` (${r.source})` : ''}`
      : r.status === 'REVOKED'
        ? `${t('revRevoked')}${r.revokedAt ? ` ${t('at')} ${vietnamTime(r.revokedAt)}` : ''}`
        : r.status === 'UNKNOWN'
          ? t('revUnknown')
          : t('revNotChecked');
  const texts = s.revocation.map(one);
  const [first = ''] = texts;
  if (texts.every((x) => x === first) && s.revocation.every((r) => r.status !== 'REVOKED')) return first;
  return s.revocation.map((r, k) => `${r.certificate}: ${texts[k]}`).join('; ');
}

export interface HumanReportOptions {
  /** Also list each signature's technical notes (e.g. RSA PKCS#1 v1.5), which are not problems. Default false. */
  details?: boolean;
}

/** The report a person reads; it ends with the file's one-line conclusion. */
export function humanReport(report: ValidationReport, lang: Language = 'vi', options: HumanReportOptions = {}): string {
  const lines = [L.title[lang], `${L.validatedAt[lang]}: ${vietnamTime(report.validationTime)}`, ''];
  const unreached = report.unreachedSignatures ?? [];
  if (report.signatures.length === 0 && unreached.length === 0) lines.push(L.none[lang], '');
  for (const u of unreached)
    lines.push(
      lang === 'vi'
        ? `Chữ ký số không còn được dẫn tới: đối tượng ${u.object}, byte ${u.offset}`
        : `Signature no longer reached: object ${u.object}, byte ${u.offset}`,
      '',
    );
  for (const s of report.signatures) lines.push(...signatureLines(s, lang, options.details ?? false), '');
  lines.push(report.conclusion[lang]);
  return lines.join('\n').trimEnd() + '\n';
}
