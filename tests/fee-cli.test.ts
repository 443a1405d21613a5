/** `kyso fee` as DESIGN.md gives it: `--pages N [--copies N] [--electronic] [--json]`, JSON with `total` (VND) and the lines. */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './helpers/producers.js';

function kyso(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'packages/cli/dist/main.cjs'), 'fee', ...args],
      { encoding: 'utf8' },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function total(...args: string[]): Promise<number> {
  const r = await kyso(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { total: number }).total;
}

describe.concurrent('kyso fee', () => {
  // Every worked example of DOMAIN.md §2.3 is checked in-process (packages/core/test/fees.test.ts); here, the
  // command's own parsing of each kind of request. Each run starts a Node process, so they run side by side.
  it.concurrent.each([
    [['--pages', '250', '--copies', '5'], 1_000_000],
    [['--pages', '10', '--electronic'], 12_000],
    [['--pages', '1', '--copies', '2', '--pages', '3', '--copies', '1'], 9_000],
    [['--card', '--copies', '2', '--service', 'SIGNATURE'], 14_000],
    // --card belongs to the original whose --pages precedes it
    [['--pages', '1', '--copies', '2', '--card', '--pages', '3', '--copies', '1'], 9_000],
    [['--pages', '2', '--card', '--copies', '2'], 4_000],
    [['--pages', '3', '--pages', '2', '--card', '--copies', '1'], 7_000],
    [['--pages', '10', '--copies', '2', '--electronic', '--charge-parallel-ecopy'], 36_000],
  ])('kyso fee %s → %i VND', async (args, expected) => {
    expect(await total(...args)).toBe(expected);
  });

  it('--json gives the total in VND and line items naming their legal basis', async () => {
    const r = await kyso('--pages', '10', '--copies', '2', '--electronic', '--json');
    const q = JSON.parse(r.stdout) as {
      total: number;
      currency: string;
      lines: { legalBasis: string; amount: number; medium: string; waiver?: unknown }[];
      tariff: { id: string };
    };
    expect(q).toMatchObject({ total: 24_000, currency: 'VND', tariff: { id: 'TT226-2016' } });
    expect(q.lines.map((l) => [l.medium, l.amount, l.legalBasis])).toEqual([
      ['paper', 24_000, '226/2016/TT-BTC Điều 4 mục 1'],
      ['electronic', 0, '226/2016/TT-BTC Điều 4 mục 1'],
    ]);
    expect(q.lines[1].waiver).toBeDefined();
  });

  it('prints a bilingual breakdown without --json', async () => {
    const r = await kyso('--pages', '250');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Tổng cộng / Total: 200.000 đ');
    expect(r.stdout).toContain('(mức tối đa / capped)');
    expect(r.stdout).toContain('[226/2016/TT-BTC Điều 4 mục 1]');
  });

  it('bad input: 0 pages or negative copies are typed errors, a fraction a parse error, both usage (64)', async () => {
    const [zero, negative, fraction] = await Promise.all([
      kyso('--pages', '0'),
      kyso('--pages', '3', '--copies=-1'),
      kyso('--pages', '2.5'),
    ]);
    expect(zero.code).toBe(64);
    expect(zero.stderr).toContain('FEE_BAD_PAGES');
    expect(zero.stderr).toContain('Số trang của bản chính phải là số nguyên dương.');
    expect(negative.code).toBe(64);
    expect(negative.stderr).toContain('FEE_BAD_COPIES');
    expect(fraction.code).toBe(64);
    expect(fraction.stderr).toContain('--pages must be a whole number');
  });
});
