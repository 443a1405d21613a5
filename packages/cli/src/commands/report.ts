/**
 * `kyso report monthly --db FILE --month YYYY-MM [--unit ID] [--json | --csv | --html] [-o FILE]
 * [--results-returned N] [--dossiers-received N] [--dossiers-digitised N] [--trend-months N]`: the monthly figures
 * per unit from the register (certifications, refusals by ground, fees by channel, on-time rate, processing time,
 * electronic results signed). The one-stop software's totals are given with a unit. Text by default; the output
 * file, when given, is written atomically.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import {
  formatVnd,
  monthlyReport,
  monthlyReportCsv,
  monthlyReportHtml,
  type MonthlyReport,
  type UnitFigures,
} from '@kyso/core';
import { isPostgresUrl, openRegisterAt } from '../register-location.js';
import { parseCommandArgs, UsageError } from '../usage.js';

export async function report(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'monthly')
    throw new UsageError(`kyso report takes 'monthly' (got '${sub ?? ''}')`, `kyso report chỉ có 'monthly'.`);
  const { values, positionals } = parseCommandArgs('report monthly', {
    args: rest,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      month: { type: 'string' },
      unit: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      html: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      'results-returned': { type: 'string' },
      'dossiers-received': { type: 'string' },
      'dossiers-digitised': { type: 'string' },
      'trend-months': { type: 'string' },
    },
  });
  if (positionals.length)
    throw new UsageError(`report monthly takes no positional arguments (got '${positionals[0]}')`);
  if (!values.db) throw new UsageError('--db FILE|postgres://… (the certification register) is required');
  // Opening a SQLite register creates it: a mistyped path must not report an empty month (a database URL names
  // an existing database; a wrong one fails to connect).
  if (!isPostgresUrl(values.db) && !existsSync(values.db))
    throw new UsageError(`no register at ${values.db}`, `Không có sổ chứng thực tại ${values.db}.`);
  if (!values.month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month))
    throw new UsageError('--month YYYY-MM is required', 'Cần --month YYYY-MM.');
  if ([values.json, values.csv, values.html].filter(Boolean).length > 1)
    throw new UsageError('give one of --json, --csv, --html');
  const count = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d{1,9}$/.test(v)) throw new UsageError(`${flag} must be a whole number, 0 or more`);
    return Number(v);
  };
  const totals = {
    resultsReturned: count('--results-returned', values['results-returned']),
    dossiersReceived: count('--dossiers-received', values['dossiers-received']),
    dossiersDigitised: count('--dossiers-digitised', values['dossiers-digitised']),
  };
  const given = Object.values(totals).some((v) => v !== undefined);
  if (given && !values.unit)
    throw new UsageError('the one-stop totals (--results-returned, --dossiers-*) need --unit ID');
  const trendMonths = count('--trend-months', values['trend-months']);

  const register = await openRegisterAt(values.db);
  let r: MonthlyReport;
  try {
    r = await monthlyReport(register, {
      month: values.month,
      unit: values.unit,
      totals: given
        ? { [values.unit!]: Object.fromEntries(Object.entries(totals).filter(([, v]) => v !== undefined)) }
        : undefined,
      trendMonths,
    });
  } finally {
    await register.close();
  }
  const text = values.json
    ? JSON.stringify(r, null, 2)
    : values.csv
      ? monthlyReportCsv(r)
      : values.html
        ? monthlyReportHtml(r)
        : human(r);
  if (values.output) {
    writeAtomically(values.output, text);
    out(`kyso: ${values.output}`);
  } else out(text);
  return 0;
}

const pct = (v: number | null): string =>
  v === null ? '—' : `${(Math.round(v * 1000) / 10).toLocaleString('vi-VN')} %`;

function human(r: MonthlyReport): string {
  const block = (f: UnitFigures): string[] => [
    `${f.unit.name} (${f.unit.id})`,
    `  Chứng thực / Certifications: ${f.certifications.total} (giấy / paper ${f.certifications.paper}, điện tử / electronic ${f.certifications.electronic}, cả hai / both ${f.certifications.both})`,
    `  Kết quả điện tử đã ký số / Electronic results signed: ${f.electronicResultsSigned}`,
    `  Từ chối / Refusals: ${f.refusals.total}${
      f.refusals.total
        ? ` (${Object.entries(f.refusals.byGround)
            .filter(([, n]) => n)
            .map(([c, n]) => `${c} ${n}`)
            .join(', ')})`
        : ''
    }`,
    `  Lệ phí / Fees: ${formatVnd(f.fees.total)} (tiền mặt / cash ${formatVnd(f.fees.cash)}, trực tuyến / online ${formatVnd(f.fees.online)})`,
    `  Đúng hạn / On time: ${f.deadlines.onTime}/${f.deadlines.returned} = ${pct(f.rates.onTime)}; trễ / late ${f.deadlines.late}; quá hạn chưa trả / overdue ${f.deadlines.overdueAtEnd}`,
    `  Thời gian trung bình / Average processing: ${f.deadlines.averageProcessingMinutes === null ? '—' : `${f.deadlines.averageProcessingMinutes} phút / minutes`}`,
    `  Tỷ lệ / Rates: thanh toán trực tuyến / online payment ${pct(f.rates.onlinePayment)}, kết quả điện tử / e-results ${pct(f.rates.electronicResults)}, số hóa / digitisation ${pct(f.rates.digitisation)}`,
  ];
  return [
    `Báo cáo tháng / Month ${r.month.slice(5)}/${r.month.slice(0, 4)}`,
    ...r.units.flatMap(block),
    ...(r.units.length > 1 ? block(r.total) : []),
  ].join('\n');
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    writeFileSync(tmp, text, { flush: true });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
