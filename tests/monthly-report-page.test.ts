/**
 * The monthly report page in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core): the
 * page renders (the screenshot is not blank: the charts' colours are there), asks for nothing outside itself, and
 * every figure in its DOM (tables and charts) equals the JSON report of the same register.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { formatFigure, monthlyReport, monthlyReportHtml, type MonthlyReport } from '@kyso/core';
import { expectKnownMarch, fillKnownRegister, KNOWN_TOTALS, vn } from '../packages/core/test/helpers/known-register.js';
import { scratch } from './helpers/tools.js';

const CHROMIUM = '/usr/bin/chromium';
const tmp = scratch('kyso-report-page-');
let browser: Browser;
let report: MonthlyReport;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  const reg = await fillKnownRegister(tmp.file('page.sqlite'));
  report = await monthlyReport(reg, { month: '2026-03', totals: KNOWN_TOTALS, now: vn('2026-04-05T09:00:00') });
  await reg.close();
  expectKnownMarch(report);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
});

afterAll(async () => {
  await browser?.close();
  tmp.cleanup();
});

/** The value at a dotted path of a unit's figures (the `data-field` of a DOM figure). */
function valueAt(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((o, k) => (o === null || o === undefined ? o : (o as Record<string, unknown>)[k]), obj);
}

describe('the monthly report page', () => {
  it('renders its charts, loads nothing from outside, and shows the figures of the JSON', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('data:') && r.url() !== 'about:blank') outside.push(r.url());
    });
    await page.setContent(monthlyReportHtml(report), { waitUntil: 'load' });
    expect(outside).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).toBe('Báo cáo chứng thực tháng 03/2026');

    // Not blank: dark text, and the charts' blue and green in the pixels.
    const png = PNG.sync.read(await page.screenshot({ fullPage: true }));
    let dark = 0;
    let blue = 0;
    let green = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (r < 80 && g < 80 && b < 80) dark++;
      if (Math.abs(r - 0x1f) < 12 && Math.abs(g - 0x5f) < 12 && Math.abs(b - 0xa8) < 12) blue++;
      if (Math.abs(r - 0x2e) < 12 && Math.abs(g - 0x8b) < 12 && Math.abs(b - 0x57) < 12) green++;
    }
    expect(dark).toBeGreaterThan(2_000);
    expect(blue).toBeGreaterThan(500);
    expect(green).toBeGreaterThan(500);

    // Every figure of the table: its data-value and its text equal the JSON's.
    const cells = await page.$$eval('#figures td[data-field]', (tds) =>
      tds.map((td) => ({
        unit: td.getAttribute('data-unit')!,
        field: td.getAttribute('data-field')!,
        kind: td.getAttribute('data-kind')!,
        value: td.getAttribute('data-value')!,
        text: td.textContent!,
      })),
    );
    const units = [...report.units, report.total];
    const rows = await page.locator('#figures tbody tr').count();
    expect(rows).toBe(29); // certifications 6, refusals 7, fees 4, deadlines 5, external totals 3, rates 4
    expect(cells.length).toBe(units.length * rows);
    for (const c of cells) {
      const expected = valueAt(
        units.find((u) => u.unit.id === c.unit),
        c.field,
      ) as number | null | undefined;
      expect(c.value, `${c.unit} ${c.field}`).toBe(expected === null || expected === undefined ? '' : String(expected));
      expect(c.text, `${c.unit} ${c.field}`).toBe(formatFigure(c.kind as never, expected ?? null));
    }
    const at = (unit: string, field: string) => cells.find((c) => c.unit === unit && c.field === field)!;
    expect(at('A', 'certifications.total').text).toBe('4');
    expect(at('A', 'fees.total').text).toBe('18.000');
    expect(at('A', 'rates.onTime').text).toBe('66,7 %');
    expect(at('*', 'rates.onTime').text).toBe('75 %');

    // The charts carry the same numbers: per-unit bars, the trend, the on-time share.
    const chart = (id: string) =>
      page.$$eval(`#${id} [data-field]`, (els) =>
        els.map((e) => ({
          unit: e.getAttribute('data-unit'),
          month: e.getAttribute('data-month'),
          field: e.getAttribute('data-field')!,
          value: e.getAttribute('data-value')!,
        })),
      );
    for (const e of await chart('chart-units'))
      expect(e.value).toBe(
        String(
          valueAt(
            report.units.find((u) => u.unit.id === e.unit),
            e.field,
          ),
        ),
      );
    const trend = await chart('chart-trend');
    expect(trend.filter((e) => e.field === 'certifications').map((e) => [e.month, Number(e.value)])).toEqual(
      report.trend.map((t) => [t.month, t.certifications]),
    );
    expect(trend.filter((e) => e.field === 'electronicResultsSigned').map((e) => Number(e.value))).toEqual(
      report.trend.map((t) => t.electronicResultsSigned),
    );
    for (const e of await chart('chart-on-time')) {
      const v = valueAt(
        units.find((u) => u.unit.id === e.unit),
        e.field,
      );
      expect(e.value, `${e.unit} ${e.field}`).toBe(v === null ? '' : String(v));
    }
    // The bars are drawn to scale: A's stacked bar is four times B's single one.
    const widths = await page.$$eval('#chart-units rect[data-unit]', (rs) =>
      rs.map((r) => ({ unit: r.getAttribute('data-unit'), w: (r as SVGRectElement).getBBox().width })),
    );
    const sum = (u: string) => widths.filter((w) => w.unit === u).reduce((s, w) => s + w.w, 0);
    expect(sum('A') / sum('B')).toBeCloseTo(4, 3);
    await page.close();
  });
});
