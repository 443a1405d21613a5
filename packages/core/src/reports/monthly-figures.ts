/**
 * The monthly figures per unit that provinces are ranked on: certifications (paper, electronic, both), refusals by
 * Decree 23/2015 Art. 22 ground, fees collected and by payment channel, the on-time rate and the average processing
 * time (Art. 7 and 21), and electronic results signed. Where a rate needs a total only the one-stop software knows
 * (results returned, dossiers received and digitised), the caller gives it and the rate is computed here.
 *
 * What counts where (months are Vietnam calendar months):
 * - a certification is an issued entry (one number per original), in the month of its certification;
 * - a refusal, in the month it was recorded;
 * - a fee, with its request, issued in the month;
 * - on time: a request whose result was returned in the month (the e-copy's delivery, or paper copies' issue) by its
 *   due time; processing time is from receipt to return;
 * - overdue at the end: a request received before the month's end, due before it (or before now), not returned by then.
 * Void requests count nowhere. Rates are fractions (0–1, four decimals), null without a denominator.
 */
import { REFUSAL_GROUNDS, type RefusalCode } from '../register/refusal-grounds.js';
import type {
  Authority,
  CertificationRegister,
  CertificationRequestRecord,
  PaymentChannel,
} from '../register/types.js';
import { ReportError } from './errors.js';

/** Totals from the one-stop software, per unit. */
export interface ExternalTotals {
  /** Results the unit returned in the month (every procedure, or certifications: as the province counts). */
  resultsReturned?: number;
  dossiersReceived?: number;
  dossiersDigitised?: number;
}

export interface MonthlyReportOptions {
  /** YYYY-MM. */
  month: string;
  /** One unit (authority id), or every unit in the register. */
  unit?: string;
  /** Keyed by unit id. */
  totals?: Record<string, ExternalTotals>;
  /** Months in the trend, ending with `month` (default 6, 1–24). */
  trendMonths?: number;
  /** The report's clock (default now): "overdue" is judged at the earlier of the month's end and now. */
  now?: Date;
}

export interface UnitFigures {
  unit: { id: string; name: string };
  certifications: { total: number; paper: number; electronic: number; both: number; requests: number };
  refusals: { total: number; byGround: Record<RefusalCode, number> };
  fees: { total: number; cash: number; online: number; unspecified: number; requests: number; paidOnline: number };
  deadlines: {
    returned: number;
    onTime: number;
    late: number;
    overdueAtEnd: number;
    averageProcessingMinutes: number | null;
  };
  electronicResultsSigned: number;
  external: ExternalTotals | null;
  rates: {
    onTime: number | null;
    onlinePayment: number | null;
    electronicResults: number | null;
    digitisation: number | null;
  };
}

export interface TrendPoint {
  month: string;
  certifications: number;
  electronicResultsSigned: number;
  feesTotal: number;
  onTimeRate: number | null;
}

export interface MonthlyReport {
  month: string;
  /** The month as UTC instants [from, to). */
  period: { from: string; to: string };
  generatedAt: string;
  scope: { unit: string | null };
  units: UnitFigures[];
  /** Every unit together (unit id `*`). */
  total: UnitFigures;
  trend: TrendPoint[];
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const VN_OFFSET = '+07:00';
const REFUSAL_CODES = Object.keys(REFUSAL_GROUNDS) as RefusalCode[];

function bad(field: string, why: string): never {
  throw new ReportError('REPORT_BAD_INPUT', { field }, `${field}: ${why}`);
}

/** [from, to) of a Vietnam calendar month, as UTC ISO instants. */
export function monthPeriod(month: string): { from: string; to: string } {
  const m = MONTH_RE.exec(String(month));
  if (!m) bad('month', 'YYYY-MM');
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return {
    from: new Date(`${month}-01T00:00:00${VN_OFFSET}`).toISOString(),
    to: new Date(`${next}-01T00:00:00${VN_OFFSET}`).toISOString(),
  };
}

export function shiftMonth(month: string, by: number): string {
  const [y = NaN, m = NaN] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + by;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

function checkTotals(totals: unknown): Record<string, ExternalTotals> {
  if (totals === undefined) return {};
  if (!totals || typeof totals !== 'object' || Array.isArray(totals)) bad('totals', 'an object keyed by unit');
  const out: Record<string, ExternalTotals> = {};
  for (const [unit, t] of Object.entries(totals as Record<string, unknown>)) {
    if (!t || typeof t !== 'object') bad(`totals.${unit}`, 'an object');
    const rec = t as Record<string, unknown>;
    for (const k of Object.keys(rec))
      if (!['resultsReturned', 'dossiersReceived', 'dossiersDigitised'].includes(k))
        bad(`totals.${unit}.${k}`, 'unknown field');
    for (const k of ['resultsReturned', 'dossiersReceived', 'dossiersDigitised'] as const) {
      const v = rec[k];
      if (v !== undefined && (!Number.isSafeInteger(v) || (v as number) < 0))
        bad(`totals.${unit}.${k}`, 'a non-negative integer');
    }
    const r = rec as ExternalTotals;
    if (
      r.dossiersDigitised !== undefined &&
      r.dossiersReceived !== undefined &&
      r.dossiersDigitised > r.dossiersReceived
    ) {
      bad(`totals.${unit}.dossiersDigitised`, 'more than dossiersReceived');
    }
    out[unit] = r;
  }
  return out;
}

const rate = (num: number, den: number | undefined | null): number | null =>
  den ? Math.round((num / den) * 10_000) / 10_000 : null;
const inRange = (iso: string | null, from: string, to: string): boolean => iso !== null && iso >= from && iso < to;
// Stored instants are toISOString() output, so string order is time order; normalise anything else once.
const norm = (iso: string | null): string | null => (iso === null ? null : new Date(iso).toISOString());

function emptyFigures(id: string, name: string): UnitFigures {
  return {
    unit: { id, name },
    certifications: { total: 0, paper: 0, electronic: 0, both: 0, requests: 0 },
    refusals: {
      total: 0,
      byGround: Object.fromEntries(REFUSAL_CODES.map((c) => [c, 0])) as Record<RefusalCode, number>,
    },
    fees: { total: 0, cash: 0, online: 0, unspecified: 0, requests: 0, paidOnline: 0 },
    deadlines: { returned: 0, onTime: 0, late: 0, overdueAtEnd: 0, averageProcessingMinutes: null },
    electronicResultsSigned: 0,
    external: null,
    rates: { onTime: null, onlinePayment: null, electronicResults: null, digitisation: null },
  };
}

/** The figures of `requests` (one unit's, or all) for [from, to), judged at `judgeAt`. */
export function figuresOf(
  unit: { id: string; name: string },
  requests: readonly CertificationRequestRecord[],
  period: { from: string; to: string },
  judgeAt: Date,
  external?: ExternalTotals,
): UnitFigures {
  const f = emptyFigures(unit.id, unit.name);
  const { from, to } = period;
  const cut = new Date(Math.min(Date.parse(to), judgeAt.getTime())).toISOString();
  let processingMs = 0;
  for (const r of requests) {
    const created = norm(r.createdAt)!;
    if (r.kind === 'refusal') {
      if (inRange(created, from, to) && r.refusal) {
        f.refusals.total++;
        f.refusals.byGround[r.refusal.code]++;
      }
      continue;
    }
    if (r.state === 'void') continue;
    if (r.state === 'issued') {
      let counted = false;
      for (const e of r.entries) {
        if (e.state !== 'issued' || !inRange(norm(e.certifiedAt), from, to)) continue;
        counted = true;
        f.certifications.total++;
        if (e.paperCopies > 0 && e.electronicCopy) f.certifications.both++;
        else if (e.electronicCopy) f.certifications.electronic++;
        else f.certifications.paper++;
        if (e.eCopySha256) f.electronicResultsSigned++;
      }
      if (counted) f.certifications.requests++;
      if (inRange(created, from, to) && r.fee && r.fee.total > 0) {
        f.fees.requests++;
        f.fees.total += r.fee.total;
        const ch: PaymentChannel | null = r.paymentChannel;
        if (ch === 'CASH') f.fees.cash += r.fee.total;
        else if (ch === 'ONLINE') (f.fees.online += r.fee.total), f.fees.paidOnline++;
        else f.fees.unspecified += r.fee.total;
      }
    }
    const due = norm(r.dueAt);
    const returned = norm(r.returnedAt);
    if (due && returned && inRange(returned, from, to)) {
      f.deadlines.returned++;
      if (returned <= due) f.deadlines.onTime++;
      else f.deadlines.late++;
      if (r.receivedAt) processingMs += Date.parse(returned) - Date.parse(r.receivedAt);
    }
    if (due && created < to && due < cut && (!returned || returned > cut)) f.deadlines.overdueAtEnd++;
  }
  if (f.deadlines.returned)
    f.deadlines.averageProcessingMinutes = Math.round(processingMs / f.deadlines.returned / 6_000) / 10;
  f.external = external ?? null;
  f.rates = {
    onTime: rate(f.deadlines.onTime, f.deadlines.returned),
    onlinePayment: rate(f.fees.paidOnline, f.fees.requests),
    electronicResults: rate(f.electronicResultsSigned, external?.resultsReturned),
    digitisation: rate(
      external?.dossiersDigitised ?? 0,
      external?.dossiersDigitised === undefined ? undefined : external?.dossiersReceived,
    ),
  };
  return f;
}

function sumExternal(list: (ExternalTotals | undefined)[]): ExternalTotals | undefined {
  const out: ExternalTotals = {};
  for (const k of ['resultsReturned', 'dossiersReceived', 'dossiersDigitised'] as const) {
    const given = list.filter((t) => t?.[k] !== undefined);
    if (given.length) out[k] = given.reduce((s, t) => s + t![k]!, 0);
  }
  return Object.keys(out).length ? out : undefined;
}

/** The monthly report from the register. */
export async function monthlyReport(
  register: CertificationRegister,
  options: MonthlyReportOptions,
): Promise<MonthlyReport> {
  if (!options || typeof options !== 'object') bad('options', 'required');
  const period = monthPeriod(options.month);
  const trendMonths = options.trendMonths ?? 6;
  if (!Number.isSafeInteger(trendMonths) || trendMonths < 1 || trendMonths > 24) bad('trendMonths', '1 to 24');
  const totals = checkTotals(options.totals);
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) bad('now', 'a valid time');
  if (options.unit !== undefined && (typeof options.unit !== 'string' || !options.unit)) bad('unit', 'a unit id');

  let authorities: Authority[];
  if (options.unit !== undefined) {
    const a = await register.getAuthority(options.unit);
    if (!a) bad('unit', `no unit "${options.unit}" in the register`);
    authorities = [a];
  } else {
    authorities = await register.listAuthorities();
  }
  for (const unit of Object.keys(totals))
    if (!authorities.some((a) => a.id === unit)) bad(`totals.${unit}`, 'not a unit of this report');

  const trendStart = shiftMonth(options.month, -(trendMonths - 1));
  const all = await register.requestsForReport({
    from: monthPeriod(trendStart).from,
    to: period.to,
    authorityId: options.unit,
  });
  const byUnit = new Map<string, CertificationRequestRecord[]>(authorities.map((a) => [a.id, []]));
  for (const r of all) byUnit.get(r.authorityId)?.push(r);

  const units = authorities.map((a) =>
    figuresOf({ id: a.id, name: a.name }, byUnit.get(a.id)!, period, now, totals[a.id]),
  );
  const scoped = all.filter((r) => byUnit.has(r.authorityId));
  const total = figuresOf(
    { id: '*', name: 'Tổng cộng' },
    scoped,
    period,
    now,
    sumExternal(authorities.map((a) => totals[a.id])),
  );
  const trend: TrendPoint[] = [];
  for (let i = 0; i < trendMonths; i++) {
    const month = shiftMonth(trendStart, i);
    const f = figuresOf({ id: '*', name: '' }, scoped, monthPeriod(month), now);
    trend.push({
      month,
      certifications: f.certifications.total,
      electronicResultsSigned: f.electronicResultsSigned,
      feesTotal: f.fees.total,
      onTimeRate: f.rates.onTime,
    });
  }
  return {
    month: options.month,
    period,
    generatedAt: now.toISOString(),
    scope: { unit: options.unit ?? null },
    units,
    total,
    trend,
  };
}
