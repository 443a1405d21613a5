/**
 * `kyso certify` end to end, as DESIGN.md gives it: the e-copy it writes verifies in pdfsig (both signatures valid
 * and trusted through an NSS db trusting the test root) and in `kyso verify`; pdftotext gives back the statement
 * with the register's number; processes certifying at once get 1..N; a retry replays; a process SIGKILLed after
 * reserving leaves a pending number that a rerun with the key completes; bad input records nothing; refusals and
 * voids. Runs the built CLI (`pnpm build` first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteRegister } from '@kyso/core/register-sqlite';
import { pdfLibDoc, repoRoot } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { startTsa, type TsaServer } from './helpers/pki-servers.js';
import { run, scratch } from './helpers/tools.js';
import { scanPng } from '../packages/core/test/fixtures/ecopy/scans.js';

const tmp = scratch('kyso-certify-cli-');
const CLI = join(repoRoot, 'packages/cli/dist/main.cjs');
const certs = (f: string) => join(repoRoot, 'test-certs', f);
const AUTHORITY = 'Ủy ban nhân dân phường Kinh Bắc';
let nss: NssDb;
let tsa: TsaServer;
let page1: string;
let page2: string;
let scanPdf: string;

beforeAll(async () => {
  nss = makeNssDb();
  tsa = await startTsa();
  page1 = tmp.file('page-1.png', scanPng(620, 877, { dpi: 75, seed: 1 }));
  page2 = tmp.file('page-2.png', scanPng(620, 877, { dpi: 75, seed: 2 }));
  scanPdf = tmp.file('scan.pdf', await pdfLibDoc({ pages: 3, objectStreams: false }));
});
afterAll(async () => {
  await tsa?.stop();
  nss?.cleanup();
  tmp.cleanup();
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function kyso(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, KYSO_PW: 'kyso-test', KYSO_FETCH_ALLOW_HOSTS: '127.0.0.1:39601,127.0.0.1:39602' },
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

let n = 0;
function certifyArgs(db: string, out: string, extra: string[] = [], scans = [page1, page2]): string[] {
  return [
    'certify',
    ...scans.flatMap((s) => ['--scan', s]),
    '--paper-copies',
    '1',
    '-o',
    out,
    '--db',
    db,
    '--certifier-p12',
    certs('signer.p12'),
    '--authority-p12',
    certs('seal.p12'),
    '--authority-id',
    AUTHORITY,
    '--password-env',
    'KYSO_PW',
    '--revocation',
    'off',
    '--json',
    ...extra,
  ];
}
const fresh = () => ({ db: tmp.file(`reg-${++n}.sqlite`), out: tmp.file(`ecopy-${n}.pdf`) });

interface Report {
  number: number;
  book: string;
  year: number;
  certificationNumber: string;
  certifiedAt: string;
  sha256: string;
  fee: { total: number };
  idempotencyKey: string;
  resumed: boolean;
  replayed: boolean;
}

function pageText(path: string, page: number): string[] {
  const r = run('pdftotext', ['-f', String(page), '-l', String(page), path, '-']);
  expect(r.status).toBe(0);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

async function entries(db: string) {
  const reg = openSqliteRegister(db);
  try {
    return await reg.listEntries({ authorityId: AUTHORITY });
  } finally {
    await reg.close();
  }
}

const noLeftovers = (dir: string) => expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

describe('kyso certify', () => {
  it('writes an e-copy that pdfsig and kyso verify accept, with the statement and the register number; prints the entry', async () => {
    const { db, out } = fresh();
    const r = await kyso(
      certifyArgs(db, out, [
        '--requester',
        'Trần Văn Bình',
        '--document',
        'Bằng tốt nghiệp',
        '--certifier-title',
        'PHÓ CHỦ TỊCH',
      ]),
    );
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep).toMatchObject({ number: 1, book: 'SCT/BS', fee: { total: 4_000 }, resumed: false, replayed: false });
    const local = new Date(Date.parse(rep.certifiedAt) + 7 * 3600_000);
    expect(rep.year).toBe(local.getUTCFullYear());
    expect(rep.certificationNumber).toBe(`1 quyển số 01/${rep.year} SCT/BS`);
    const bytes = readFileSync(out);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(rep.sha256);
    noLeftovers(tmp.dir);

    const sigs = nss.pdfsig(out).signatures;
    expect(sigs.map((s) => s.signerCN)).toEqual(['Nguyễn Thị Lấp Lánh Ánh', AUTHORITY]);
    for (const s of sigs) expect(s, s.raw).toMatchObject({ valid: true, trusted: true });

    const text = pageText(out, 3); // two full-size pages, then the certification page (nothing over the scan)
    const at = text.indexOf('Chứng thực bản sao đúng với bản chính.');
    expect(at).toBeGreaterThanOrEqual(0);
    const pad = (x: number) => String(x).padStart(2, '0');
    expect(text.slice(at, at + 5)).toEqual([
      'Chứng thực bản sao đúng với bản chính.',
      `Số chứng thực ${rep.certificationNumber}`,
      `Ngày ${pad(local.getUTCDate())} tháng ${pad(local.getUTCMonth() + 1)} năm ${rep.year}`,
      'NGƯỜI THỰC HIỆN CHỨNG THỰC',
      '(Ký, ghi rõ họ, chữ đệm, tên và đóng dấu)',
    ]);
    expect(text).toContain('PHÓ CHỦ TỊCH');
    expect(text).toContain('Nguyễn Thị Lấp Lánh Ánh');
    expect(pageText(out, 1)).toContain('BẢN ĐIỆN TỬ CHUYỂN ĐỔI TỪ VĂN BẢN GIẤY');

    const v = await kyso(['verify', out, '--trust', certs('root-ca.pem'), '--json']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const verdicts = (JSON.parse(v.stdout) as { signatures: { fieldName: string; indication: string }[] }).signatures;
    expect(verdicts.map((s) => [s.fieldName, s.indication])).toEqual([
      ['NguoiThucHienChungThuc', 'TOTAL-PASSED'],
      ['CoQuanChungThuc', 'TOTAL-PASSED'],
    ]);

    const [entry] = await entries(db);
    expect(entry).toMatchObject({
      seqNo: 1,
      state: 'issued',
      eCopySha256: rep.sha256,
      requesterName: 'Trần Văn Bình',
      documentName: 'Bằng tốt nghiệp',
      originalPages: 2,
      paperCopies: 1,
      fee: 4_000,
    });
  });

  it('three processes certifying at once on one register get the numbers 1, 2, 3 (one from a scanned PDF)', async () => {
    const db = tmp.file(`reg-${++n}.sqlite`);
    const outs = [0, 1, 2].map((i) => tmp.file(`parallel-${i}.pdf`));
    const results = await Promise.all(
      outs.map((out, i) => kyso(certifyArgs(db, out, [], i === 2 ? [scanPdf] : [page1, page2]))),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const reps = results.map((r) => JSON.parse(r.stdout) as Report);
    expect(reps.map((r) => r.number).sort()).toEqual([1, 2, 3]);
    expect(reps[2].fee.total).toBe(5_000); // 3 pages
    outs.forEach((out, i) => expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(reps[i].sha256));
    expect((await entries(db)).map((e) => [e.seqNo, e.state])).toEqual([
      [1, 'issued'],
      [2, 'issued'],
      [3, 'issued'],
    ]);
  });

  it('a rerun with the same --idempotency-key gives back the same file and number, with no second entry or fee', async () => {
    const { db, out } = fresh();
    const first = await kyso(certifyArgs(db, out, ['--idempotency-key', 'HS-2026-0001']));
    expect(first.code, first.stderr).toBe(0);
    const out2 = tmp.file('again.pdf');
    const again = await kyso(certifyArgs(db, out2, ['--idempotency-key', 'HS-2026-0001']));
    expect(again.code, again.stderr).toBe(0);
    const [a, b] = [first, again].map((r) => JSON.parse(r.stdout) as Report);
    expect(b).toMatchObject({ number: a.number, sha256: a.sha256, resumed: true, replayed: true });
    expect(readFileSync(out2).equals(readFileSync(out))).toBe(true);
    expect(await entries(db)).toHaveLength(1);
  });

  it('SIGKILLed after reserving (waiting on a slow TSA): no output file, a pending number; the rerun with the key completes it', async () => {
    const { db, out } = fresh();
    tsa.mode = 'slow';
    const args = certifyArgs(db, out, ['--idempotency-key', 'HS-KILLED', '--tsa', tsa.url]);
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, KYSO_PW: 'kyso-test' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    let pending: Awaited<ReturnType<typeof entries>> = [];
    for (let i = 0; i < 600 && pending.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(db)) pending = (await entries(db)).filter((e) => e.state === 'pending');
    }
    expect(pending.map((e) => e.seqNo)).toEqual([1]);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    tsa.mode = 'ok';
    expect(existsSync(out)).toBe(false);
    noLeftovers(tmp.dir);

    const r = await kyso(args);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ number: 1, resumed: true, replayed: false });
    expect((await entries(db)).map((e) => [e.seqNo, e.state])).toEqual([[1, 'issued']]);
    // With --tsa the copy is B-LTA: pdfsig judges the two signatures (it leaves document timestamps unverified).
    const judged = nss.pdfsig(out).signatures.filter((s) => s.field !== 'Timestamp1');
    expect(judged.map((s) => s.field)).toEqual(['NguoiThucHienChungThuc', 'CoQuanChungThuc']);
    for (const s of judged) expect(s, s.raw).toMatchObject({ valid: true, trusted: true });
  });

  it('bad input is a typed error with nothing recorded and no output; a usage error is 64', async () => {
    const { db, out } = fresh();
    const notImage = tmp.file('notes.txt', new TextEncoder().encode('not a scan'));
    const r = await kyso(certifyArgs(db, out, [], [notImage]));
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('ECOPY_IMAGE_UNSUPPORTED');
    expect(r.stderr).toContain('Ảnh quét không hợp lệ');
    expect(existsSync(out)).toBe(false);
    expect(await entries(db)).toEqual([]);
    const usage = await kyso(
      certifyArgs(db, out).filter((a, i, all) => a !== '--paper-copies' && all[i - 1] !== '--paper-copies'),
    );
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('--paper-copies');
  });

  it('a failure after reserving leaves the number pending (the key is printed); --void-pending voids it; --refuse records a refusal without a number', async () => {
    const { db, out } = fresh();
    const failed = await kyso(certifyArgs(db, out, ['--tsa', 'http://127.0.0.1:9/']));
    expect(failed.code).toBe(69); // the TSA did not answer
    expect(failed.stderr).toMatch(/TSA_/);
    const key = /idempotency key: (\S+)/.exec(failed.stderr)?.[1];
    expect(key).toBeDefined();
    expect(existsSync(out)).toBe(false);
    expect((await entries(db)).map((e) => [e.seqNo, e.state])).toEqual([[1, 'pending']]);

    const voided = await kyso([
      'certify',
      '--void-pending',
      key!,
      '--reason',
      'TSA không truy cập được; hủy số',
      '--db',
      db,
      '--authority-p12',
      certs('seal.p12'),
      '--password-env',
      'KYSO_PW',
      '--json',
    ]);
    expect(voided.code, voided.stderr).toBe(0);
    expect(JSON.parse(voided.stdout)).toMatchObject({
      state: 'void',
      numbers: [(await entries(db))[0].certificationNumber],
    });

    const refused = await kyso([
      'certify',
      '--refuse',
      'DAMAGED',
      '--note',
      'Bản chính rách, mất chữ',
      '--document',
      'Giấy khai sinh',
      '--requester',
      'Lê Thị Cúc',
      '--db',
      db,
      '--certifier-p12',
      certs('signer.p12'),
      '--authority-p12',
      certs('seal.p12'),
      '--password-env',
      'KYSO_PW',
      '--json',
    ]);
    expect(refused.code, refused.stderr).toBe(0);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      state: 'refused',
      refusal: { code: 'DAMAGED', legalBasis: 'Điều 22 Nghị định 23/2015/NĐ-CP' },
    });
    expect((await entries(db)).map((e) => [e.seqNo, e.state])).toEqual([[1, 'void']]);

    const next = await kyso(certifyArgs(db, out));
    expect(next.code, next.stderr).toBe(0);
    expect((JSON.parse(next.stdout) as Report).number).toBe(2);
  });
});
