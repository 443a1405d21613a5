/**
 * `kyso certify` with deadlines and `kyso report monthly`, running the built CLI (`pnpm build` first): the receipt
 * time, extension and payment channel recorded, the appointment slip written (pdftotext reads it), the delivery
 * recorded with --deliver; the monthly report as text, JSON (equal to the library's on the same register), CSV
 * and an HTML file; bad flags are usage errors (64) that record nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeDueTime, monthlyReport, vietnamDay } from '@kyso/core';
import { openSqliteRegister } from '@kyso/core/register-sqlite';
import { pdfLibDoc, repoRoot } from './helpers/producers.js';
import { run, scratch } from './helpers/tools.js';
import { fillKnownRegister, KNOWN_TOTALS } from '../packages/core/test/helpers/known-register.js';
/** The authority's unit code (kyso certify names the book by it, never by the seal's name). */
const UNIT = 'Ủy ban nhân dân phường Kinh Bắc';

const tmp = scratch('kyso-report-cli-');
const CLI = join(repoRoot, 'packages/cli/dist/main.cjs');
const certs = (f: string) => join(repoRoot, 'test-certs', f);
let scan: string;

beforeAll(async () => {
  scan = tmp.file('scan.pdf', await pdfLibDoc({ pages: 1, objectStreams: false }));
});
afterAll(() => tmp.cleanup());

function kyso(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { encoding: 'utf8', env: { ...process.env, KYSO_PW: 'kyso-test' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const base = (db: string, key: string, out: string, extra: string[] = []) => [
  'certify',
  '--scan',
  scan,
  '--paper-copies',
  '0',
  '-o',
  out,
  '--db',
  db,
  '--certifier-p12',
  certs('signer.p12'),
  '--authority-p12',
  certs('seal.p12'),
  '--password-env',
  'KYSO_PW',
  '--authority-id',
  UNIT,
  '--revocation',
  'off',
  '--json',
  '--idempotency-key',
  key,
  '--requester',
  'Vũ Thị Lan',
  '--document',
  'Học bạ THPT',
  ...extra,
];
const sealArgs = (db: string) => [
  '--db',
  db,
  '--authority-p12',
  certs('seal.p12'),
  '--password-env',
  'KYSO_PW',
  '--authority-id',
  UNIT,
];

describe('kyso certify with deadlines', () => {
  const db = tmp.file('reg.sqlite');
  const receivedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * 3600_000).toISOString();

  it('records the receipt, extension and payment, prints the due time and writes the appointment slip', async () => {
    const out = tmp.file('ecopy.pdf');
    const slip = tmp.file('slip.pdf');
    const r = await kyso(
      base(db, 'HS-1', out, [
        '--received-at',
        receivedAt,
        '--extension-days',
        '2',
        '--extension-reason',
        'Nhiều trang',
        '--payment',
        'online',
        '--slip',
        slip,
      ]),
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const due = computeDueTime(new Date(receivedAt), { extension: { workingDays: 2, reason: 'Nhiều trang' } });
    expect(j).toMatchObject({
      receivedAt,
      dueAt: due.dueAt,
      extension: { workingDays: 2, reason: 'Nhiều trang' },
      paymentChannel: 'ONLINE',
      appointmentSlip: slip,
    });
    const text = run('pdftotext', ['-enc', 'UTF-8', slip, '-']).stdout.replace(/\s+/g, ' ');
    for (const s of [
      'PHIẾU HẸN TRẢ KẾT QUẢ',
      'Vũ Thị Lan',
      'Học bạ THPT',
      'Gia hạn: 2 ngày làm việc. Lý do: Nhiều trang',
    ])
      expect(text).toContain(s);
  });

  it('records an extension agreed later with --extend KEY: the whole counted, a new slip with the new due time', async () => {
    const later = [
      'certify',
      '--extend',
      'HS-1',
      '--extension-days',
      '1',
      '--extension-reason',
      'Cần xác minh',
      '--json',
      ...sealArgs(db),
    ];
    const refused = await kyso(later); // 2 + 1 days: beyond 2 only by written agreement
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('DEADLINE_EXTENSION_TOO_LONG');
    const slip = tmp.file('slip-later.pdf');
    const r = await kyso([...later, '--written-agreement', '--slip', slip]);
    expect(r.code, r.stderr).toBe(0);
    const total = { workingDays: 3, reason: 'Nhiều trang; Cần xác minh', writtenAgreement: true };
    expect(JSON.parse(r.stdout)).toMatchObject({
      idempotencyKey: 'HS-1',
      dueAt: computeDueTime(new Date(receivedAt), { extension: total }).dueAt,
      extension: total,
      deadline: 'open',
      appointmentSlip: slip,
    });
    const text = run('pdftotext', ['-enc', 'UTF-8', slip, '-']).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Gia hạn: 3 ngày làm việc. Lý do: Nhiều trang; Cần xác minh');
    expect((await kyso(['certify', '--extend', 'HS-1', ...sealArgs(db)])).code).toBe(64); // no days, no reason
  });

  it('records the delivery with --deliver KEY', async () => {
    const r = await kyso(['certify', '--deliver', 'HS-1', '--json', ...sealArgs(db)]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ idempotencyKey: 'HS-1', deadline: 'returned-on-time' });
    // Returned: no extension any more (a conflict with the register's state, 79).
    const late = await kyso([
      'certify',
      '--extend',
      'HS-1',
      '--extension-days',
      '1',
      '--extension-reason',
      'x',
      '--written-agreement',
      ...sealArgs(db),
    ]);
    expect(late.code).toBe(79);
    expect(late.stderr).toContain('DEADLINE_NOT_EXTENSIBLE');
    const none = await kyso(['certify', '--deliver', 'NO-SUCH', ...sealArgs(db)]);
    expect(none.code).toBe(64);
  });

  it('refuses bad deadline flags as usage errors (64) before a number is taken', async () => {
    const out = tmp.file('never.pdf');
    for (const extra of [
      ['--received-at', '10/03/2026 09:00'],
      ['--extension-days', '1'],
      ['--extension-reason', 'x'],
      ['--payment', 'card'],
      ['--extension-days', '3', '--extension-reason', 'Nhiều trang'],
    ]) {
      const r = await kyso(base(db, `BAD-${extra.join('')}`, out, extra));
      expect(r.code, `${extra.join(' ')}: ${r.stderr}`).toBe(64);
      expect(existsSync(out)).toBe(false);
    }
    const reg = openSqliteRegister(db);
    expect((await reg.listPending()).length).toBe(0);
    expect((await reg.listEntries({ authorityId: 'Ủy ban nhân dân phường Kinh Bắc' })).map((e) => e.seqNo)).toEqual([
      1,
    ]);
    await reg.close();
  });

  it('reports this month as text', async () => {
    const month = vietnamDay(new Date()).slice(0, 7);
    const text = await kyso(['report', 'monthly', '--db', db, '--month', month]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      'Chứng thực / Certifications: 1 (giấy / paper 0, điện tử / electronic 1, cả hai / both 0)',
    );
    expect(text.stdout).toContain('Đúng hạn / On time: 1/1 = 100 %');
  });
});

describe('kyso report monthly on a register with known answers', () => {
  let db: string;
  beforeAll(async () => {
    db = tmp.file('known.sqlite');
    await (await fillKnownRegister(db)).close();
  });

  it('--json equals the library report on the same register', async () => {
    const r = await kyso([
      'report',
      'monthly',
      '--db',
      db,
      '--month',
      '2026-03',
      '--unit',
      'A',
      '--json',
      '--results-returned',
      '10',
      '--dossiers-received',
      '20',
      '--dossiers-digitised',
      '15',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const cli = JSON.parse(r.stdout);
    const reg = openSqliteRegister(db);
    const lib = await monthlyReport(reg, {
      month: '2026-03',
      unit: 'A',
      totals: KNOWN_TOTALS,
      now: new Date(cli.generatedAt),
    });
    await reg.close();
    expect(cli).toEqual(JSON.parse(JSON.stringify(lib)));
    expect(cli.units[0].rates).toEqual({
      onTime: 0.6667,
      onlinePayment: 0.6667,
      electronicResults: 0.3,
      digitisation: 0.75,
    });
  });

  it('--csv and --html -o FILE', async () => {
    const csv = await kyso(['report', 'monthly', '--db', db, '--month', '2026-03', '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = csv.stdout.replace('\ufeff', '').trim().split('\r\n');
    expect(rows.map((l) => l.split(',')[1])).toEqual(['unit_id', 'A', 'B', 'C', '*']);
    const html = tmp.file('report.html');
    const page = await kyso(['report', 'monthly', '--db', db, '--month', '2026-03', '--html', '-o', html]);
    expect(page.code, page.stderr).toBe(0);
    const doc = readFileSync(html, 'utf8');
    expect(doc).toContain('BÁO CÁO SỐ LIỆU CHỨNG THỰC BẢN SAO THÁNG 03/2026');
    expect(doc).toContain('data-unit="A" data-field="certifications.total" data-kind="count" data-value="4"');
    expect(doc).toContain('<svg id="chart-trend"');
  });

  it('refuses bad flags with 64', async () => {
    for (const args of [
      ['--month', '2026-3'],
      ['--month', '2026-03', '--results-returned', '5'],
      ['--month', '2026-03', '--json', '--csv'],
      ['--month', '2026-03', '--unit', 'Z'],
    ]) {
      const r = await kyso(['report', 'monthly', '--db', db, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(64);
    }
    expect((await kyso(['report', 'weekly', '--db', db])).code).toBe(64);
    const missing = tmp.file('no-such.sqlite');
    expect((await kyso(['report', 'monthly', '--db', missing, '--month', '2026-03'])).code).toBe(64);
    expect(existsSync(missing)).toBe(false); // not created by asking
  });
});
