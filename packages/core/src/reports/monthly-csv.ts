/**
 * The monthly report as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read the Vietnamese): one row per
 * unit and a total row. A text cell that a spreadsheet would run as a formula (= + - @) is prefixed with ' .
 */
import { REFUSAL_GROUNDS, type RefusalCode } from '../register/refusal-grounds.js';
import type { MonthlyReport, UnitFigures } from './monthly-figures.js';

const CODES = Object.keys(REFUSAL_GROUNDS) as RefusalCode[];

/** The columns: header → value of a unit's figures. */
export const MONTHLY_CSV_COLUMNS: readonly [string, (f: UnitFigures) => string | number | null][] = [
  ['unit_id', (f) => f.unit.id],
  ['unit_name', (f) => f.unit.name],
  ['certifications', (f) => f.certifications.total],
  ['certifications_paper', (f) => f.certifications.paper],
  ['certifications_electronic', (f) => f.certifications.electronic],
  ['certifications_both', (f) => f.certifications.both],
  ['certification_requests', (f) => f.certifications.requests],
  ['refusals', (f) => f.refusals.total],
  ...CODES.map(
    (c) => [`refusals_${c}`, (f: UnitFigures) => f.refusals.byGround[c]] as [string, (f: UnitFigures) => number],
  ),
  ['fees_total_vnd', (f) => f.fees.total],
  ['fees_cash_vnd', (f) => f.fees.cash],
  ['fees_online_vnd', (f) => f.fees.online],
  ['fees_unspecified_vnd', (f) => f.fees.unspecified],
  ['fee_requests', (f) => f.fees.requests],
  ['fee_requests_paid_online', (f) => f.fees.paidOnline],
  ['returned', (f) => f.deadlines.returned],
  ['returned_on_time', (f) => f.deadlines.onTime],
  ['returned_late', (f) => f.deadlines.late],
  ['overdue_at_end', (f) => f.deadlines.overdueAtEnd],
  ['average_processing_minutes', (f) => f.deadlines.averageProcessingMinutes],
  ['electronic_results_signed', (f) => f.electronicResultsSigned],
  ['results_returned', (f) => f.external?.resultsReturned ?? null],
  ['dossiers_received', (f) => f.external?.dossiersReceived ?? null],
  ['dossiers_digitised', (f) => f.external?.dossiersDigitised ?? null],
  ['rate_on_time', (f) => f.rates.onTime],
  ['rate_online_payment', (f) => f.rates.onlinePayment],
  ['rate_electronic_results', (f) => f.rates.electronicResults],
  ['rate_digitisation', (f) => f.rates.digitisation],
];

function cell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function monthlyReportCsv(report: MonthlyReport): string {
  const rows = [['month', ...MONTHLY_CSV_COLUMNS.map(([h]) => h)].join(',')];
  for (const f of [...report.units, report.total])
    rows.push([report.month, ...MONTHLY_CSV_COLUMNS.map(([, get]) => cell(get(f)))].join(','));
  return `\ufeff${rows.join('\r\n')}\r\n`;
}
