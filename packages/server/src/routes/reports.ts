/**
 * The monthly figures per unit (certifications, refusals by Art. 22 ground, fees by channel, on-time rate, average
 * processing time, electronic results signed) as JSON or CSV, and as an HTML page with SVG charts. Reports need
 * their own API-key scope: `reports` for the key's own unit, `reports:all` for any unit and all units together.
 * Totals only the one-stop software knows (results returned, dossiers received and digitised) come in the request.
 */
import {
  monthlyReport,
  monthlyReportCsv,
  monthlyReportHtml,
  MONTHLY_HTML_CSP,
  type MonthlyReportOptions,
} from '@kyso/core';
import { z } from 'zod';
import type { Principal } from '../auth/api-keys.js';
import { ServiceError } from '../errors.js';
import { defineRoute } from '../http/route.js';
import type { Services } from '../http/services.js';

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM')
  .meta({ description: 'The month (Vietnam calendar), YYYY-MM.', example: '2026-03' });
const unit = z.string().min(1).max(300).meta({
  description:
    "A unit (the register's authority id). Default: the API key's unit; with the `reports:all` scope, every unit.",
});
const count = z.number().int().min(0).max(1e9);

const ExternalTotalsSchema = z
  .object({
    resultsReturned: count
      .optional()
      .meta({ description: 'Results the unit returned in the month (from the one-stop software).' }),
    dossiersReceived: count.optional(),
    dossiersDigitised: count.optional(),
  })
  .strict()
  .meta({ id: 'ExternalTotals' });

export const MonthlyReportRequestSchema = z
  .object({
    month,
    unit: unit.optional(),
    totals: z
      .record(z.string().min(1).max(300), ExternalTotalsSchema)
      .optional()
      .meta({ description: 'Keyed by unit id: the totals the rates that need them are computed with.' }),
    trendMonths: z
      .number()
      .int()
      .min(1)
      .max(24)
      .optional()
      .meta({ description: 'Months in the trend, ending with `month` (default 6).' }),
    format: z
      .enum(['json', 'csv'])
      .optional()
      .meta({ description: 'json (default) or csv (UTF-8 with BOM, one row per unit and a total row).' }),
  })
  .strict()
  .meta({ id: 'MonthlyReportRequest' });

const rate = z.number().min(0).nullable();
const UnitFiguresSchema = z
  .object({
    unit: z.object({ id: z.string(), name: z.string() }),
    certifications: z.object({
      total: z.number().int(),
      paper: z.number().int(),
      electronic: z.number().int(),
      both: z.number().int(),
      requests: z.number().int(),
    }),
    refusals: z.object({ total: z.number().int(), byGround: z.record(z.string(), z.number().int()) }),
    fees: z.object({
      total: z.number().int(),
      cash: z.number().int(),
      online: z.number().int(),
      unspecified: z.number().int(),
      requests: z.number().int(),
      paidOnline: z.number().int(),
    }),
    deadlines: z.object({
      returned: z.number().int(),
      onTime: z.number().int(),
      late: z.number().int(),
      overdueAtEnd: z.number().int(),
      averageProcessingMinutes: z.number().nullable(),
    }),
    electronicResultsSigned: z.number().int(),
    external: ExternalTotalsSchema.nullable(),
    rates: z
      .object({ onTime: rate, onlinePayment: rate, electronicResults: rate, digitisation: rate })
      .meta({ description: 'Fractions 0–1 (four decimals); null without a denominator.' }),
  })
  .meta({ id: 'UnitFigures' });

export const MonthlyReportSchema = z
  .object({
    month: z.string(),
    period: z.object({ from: z.string(), to: z.string() }),
    generatedAt: z.string(),
    scope: z.object({ unit: z.string().nullable() }),
    units: z.array(UnitFiguresSchema),
    total: UnitFiguresSchema,
    trend: z.array(
      z.object({
        month: z.string(),
        certifications: z.number().int(),
        electronicResultsSigned: z.number().int(),
        feesTotal: z.number().int(),
        onTimeRate: rate,
      }),
    ),
  })
  .meta({ id: 'MonthlyReport' });

export const MonthlyReportPageQuerySchema = z
  .object({
    month,
    unit: unit.optional(),
    resultsReturned: z.coerce
      .number()
      .int()
      .min(0)
      .max(1e9)
      .optional()
      .meta({ description: 'With `unit`: the one-stop total of results returned.' }),
    dossiersReceived: z.coerce.number().int().min(0).max(1e9).optional(),
    dossiersDigitised: z.coerce.number().int().min(0).max(1e9).optional(),
  })
  .strict();

/** Whether `principal` may see `unit` (or every unit when undefined); the unit the report is for. */
function reportScope(principal: Principal | null, wanted: string | undefined): string | undefined {
  if (!principal) throw new ServiceError('SERVICE_UNAUTHENTICATED');
  const all = principal.scopes.includes('reports:all');
  if (!all && !principal.scopes.includes('reports'))
    throw new ServiceError('SERVICE_FORBIDDEN', {}, 'this API key has no reports scope');
  if (all) return wanted;
  if (wanted !== undefined && wanted !== principal.unit)
    throw new ServiceError('SERVICE_FORBIDDEN', { unit: wanted }, "the reports scope covers the key's own unit only");
  return principal.unit;
}

function registerOf(services: Services) {
  if (!services.register) throw new ServiceError('SERVICE_NOT_FOUND', {}, 'this service keeps no register');
  return services.register;
}

export const monthlyReportRoute = defineRoute<
  Record<string, never>,
  Record<string, never>,
  z.infer<typeof MonthlyReportRequestSchema>
>({
  method: 'post',
  path: '/v1/reports/monthly',
  operationId: 'monthlyReport',
  summary: 'The monthly figures per unit (JSON or CSV)',
  description:
    'Certifications (paper, electronic, both), refusals by Decree 23/2015 Art. 22 ground, fees by payment channel, the on-time rate and ' +
    'average processing time (Art. 7 and 21), electronic results signed, and the rates that need totals from the one-stop software ' +
    '(given in `totals`). Needs the `reports` scope (own unit) or `reports:all`.',
  tag: 'reports',
  access: 'api-key',
  rateLimited: true,
  body: { kind: 'json', schema: MonthlyReportRequestSchema },
  responses: { 200: { description: 'The report.', json: MonthlyReportSchema }, 404: { description: 'No such unit.' } },
  authorize({ principal }) {
    reportScope(principal, undefined);
  },
  async handler({ res, body, principal, services }) {
    const scoped = reportScope(principal, body.unit);
    if (scoped !== undefined)
      for (const u of Object.keys(body.totals ?? {}))
        if (u !== scoped)
          throw new ServiceError(
            'SERVICE_BAD_REQUEST',
            { unit: u },
            `totals for "${u}", which is not the report's unit`,
          );
    const options: MonthlyReportOptions = {
      month: body.month,
      unit: scoped,
      totals: body.totals,
      trendMonths: body.trendMonths,
      now: new Date(services.now()),
    };
    const report = await monthlyReport(registerOf(services), options);
    if (body.format === 'csv') {
      res.type('text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="bao-cao-chung-thuc-${report.month}.csv"`);
      res.send(monthlyReportCsv(report));
      return;
    }
    res.json(report);
  },
});

export const monthlyReportPageRoute = defineRoute<z.infer<typeof MonthlyReportPageQuerySchema>>({
  method: 'get',
  path: '/v1/reports/monthly.html',
  operationId: 'monthlyReportPage',
  summary: 'The monthly figures as an HTML page with SVG charts',
  description:
    'One self-contained page in Vietnamese: per-unit bars, the month-over-month trend, the on-time share, and the figures of the JSON report. No scripts or external resources.',
  tag: 'reports',
  access: 'api-key',
  rateLimited: true,
  query: MonthlyReportPageQuerySchema,
  responses: { 200: { description: 'The page.', text: 'text/html' }, 404: { description: 'No such unit.' } },
  authorize({ principal, query }) {
    reportScope(principal, query.unit);
  },
  async handler({ res, query, principal, services }) {
    const scoped = reportScope(principal, query.unit);
    const t = {
      resultsReturned: query.resultsReturned,
      dossiersReceived: query.dossiersReceived,
      dossiersDigitised: query.dossiersDigitised,
    };
    const given = Object.values(t).some((v) => v !== undefined);
    if (given && scoped === undefined) throw new ServiceError('SERVICE_BAD_REQUEST', {}, 'one-stop totals need a unit');
    const report = await monthlyReport(registerOf(services), {
      month: query.month,
      unit: scoped,
      totals: given ? { [scoped!]: t } : undefined,
      now: new Date(services.now()),
    });
    res.setHeader('Content-Security-Policy', MONTHLY_HTML_CSP);
    res.type('text/html; charset=utf-8').send(monthlyReportHtml(report));
  },
});
