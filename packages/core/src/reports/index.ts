/** Reports from the register: the monthly figures per unit (JSON, CSV, an HTML page with SVG charts). */
export { ReportError, REPORT_MESSAGES, type ReportErrorCode } from './errors.js';
export {
  monthlyReport,
  figuresOf,
  monthPeriod,
  shiftMonth,
  type MonthlyReport,
  type MonthlyReportOptions,
  type UnitFigures,
  type TrendPoint,
  type ExternalTotals,
} from './monthly-figures.js';
export { monthlyReportCsv, MONTHLY_CSV_COLUMNS } from './monthly-csv.js';
export { monthlyReportHtml, formatFigure, MONTHLY_HTML_CSP } from './monthly-html.js';
