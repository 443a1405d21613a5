/**
 * `kyso verify FILE|DIR ... [--jobs N] [--json]` through the built CLI: a folder of results walked for *.pdf files
 * (sorted, recursively), one line per file in that order (NDJSON with --json), and one exit code for the batch —
 * 1 any file TOTAL-FAILED or not checkable, else 2 any INDETERMINATE, else 3 any unsigned, else 0. The same lines,
 * in the same order, whether one thread or two workers do the work.
 */
import { runKyso, type CliRun } from './helpers/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { repoRoot } from './helpers/producers.js';
import { scratch } from './helpers/tools.js';
import { kysoSign, offsetOf, plainPdf } from '../packages/verify/test/helpers/signed-pdfs.js';

const ROOT = join(repoRoot, 'test-certs/root-ca.pem');
/** The test PKI's OCSP responder and CA server (tests/global-setup.ts), allow-listed as `kyso verify --online` needs. */
const TEST_PKI_HOSTS = ['--allow-host', '127.0.0.1:39601', '--allow-host', '127.0.0.1:39602'];
const tmp = scratch('kyso-verify-batch-');
afterAll(() => tmp.cleanup());

type Run = CliRun;

const kyso = (...args: string[]): Promise<Run> => runKyso(['verify', ...args], { timeoutMs: 120_000 });

const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

interface Line {
  file: string;
  exit: number;
  signatures?: { indication: string; subIndication: string | null }[];
  error?: { code: string; vi: string; en: string };
}

const results = join(tmp.dir, 'results');
const path = (name: string) => join(results, name);
// One validation time for every run, so that --jobs 1 and --jobs 2 print byte-identical lines.
const AT = new Date(Date.now() + 60_000).toISOString();

beforeAll(async () => {
  const input = await plainPdf();
  const signed = await kysoSign(input, { reason: 'Phê duyệt' });
  const tampered = signed.slice();
  tampered[offsetOf(signed, '/MediaBox', { first: true }) + 1] ^= 0x03;
  mkdirSync(join(results, '2026', 'q4'), { recursive: true });
  tmp.file('results/a-signed.pdf', signed);
  tmp.file('results/b-tampered.pdf', tampered);
  tmp.file('results/c-unsigned.pdf', input);
  tmp.file('results/d-not-a-pdf.pdf', new TextEncoder().encode('<html>this is not a PDF</html>\n'));
  tmp.file('results/e-signed.PDF', await kysoSign(input, { reason: 'Cấp bản sao' }));
  tmp.file('results/notes.txt', new TextEncoder().encode('not a PDF name: left out of the walk\n'));
  tmp.file('results/2026/q4/f-signed.pdf', await kysoSign(await plainPdf({ pages: 2 }), {}));
  tmp.file('results/2026/a-signed.pdf', signed);
});

// The walk: names sorted at each level, folders entered where they sort ('2026' before 'a-…').
const WALKED = [
  '2026/a-signed.pdf',
  '2026/q4/f-signed.pdf',
  'a-signed.pdf',
  'b-tampered.pdf',
  'c-unsigned.pdf',
  'd-not-a-pdf.pdf',
  'e-signed.PDF',
];

describe('kyso verify on a folder (batch)', () => {
  it('--json: one JSON line per *.pdf file in walk order, each with its own exit code; the batch exits 1', async () => {
    const r = await kyso(results, '--trust', ROOT, '--json', '--at', AT, '--jobs', '2');
    expect(r.code, r.stderr).toBe(1);
    const parsed = lines(r.stdout).map((l) => JSON.parse(l) as Line);
    expect(parsed.map((l) => l.file)).toEqual(WALKED.map(path));
    const byName = Object.fromEntries(parsed.map((l) => [l.file.slice(results.length + 1), l]));
    for (const name of ['2026/a-signed.pdf', '2026/q4/f-signed.pdf', 'a-signed.pdf', 'e-signed.PDF']) {
      expect(byName[name]!.exit, name).toBe(0);
      expect(byName[name]!.signatures!.map((s) => s.indication)).toEqual(['TOTAL-PASSED']);
    }
    expect(byName['b-tampered.pdf']!.exit).toBe(1);
    expect(byName['b-tampered.pdf']!.signatures![0]).toMatchObject({
      indication: 'TOTAL-FAILED',
      subIndication: 'HASH_FAILURE',
    });
    expect(byName['c-unsigned.pdf']).toMatchObject({ exit: 3, signatures: [] });
    expect(byName['d-not-a-pdf.pdf']).toMatchObject({ exit: 65, error: { code: 'PDF_NOT_PDF' } });
    expect(byName['d-not-a-pdf.pdf']!.error!.vi).not.toMatch(/not a PDF/);
    expect(r.stderr).toBe('');
  });

  it('--jobs 1 and --jobs 2 print the same lines in the same order', async () => {
    const [one, two] = await Promise.all([
      kyso(results, '--trust', ROOT, '--json', '--at', AT, '--jobs', '1'),
      kyso(results, '--trust', ROOT, '--json', '--at', AT, '--jobs', '2'),
    ]);
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(lines(one.stdout)).toHaveLength(WALKED.length);
    expect(lines(two.stdout)).toEqual(lines(one.stdout));
  });

  it('human output: one line per file, then the count (Vietnamese by default, English with --lang en)', async () => {
    const [vi, en] = await Promise.all([
      kyso(results, '--trust', ROOT, '--jobs', '2'),
      kyso(results, '--trust', ROOT, '--lang', 'en', '--jobs', '1'),
    ]);
    expect(vi.code).toBe(1);
    expect(lines(vi.stdout)).toEqual([
      `${path('2026/a-signed.pdf')}: hợp lệ (TOTAL-PASSED)`,
      `${path('2026/q4/f-signed.pdf')}: hợp lệ (TOTAL-PASSED)`,
      `${path('a-signed.pdf')}: hợp lệ (TOTAL-PASSED)`,
      `${path('b-tampered.pdf')}: không hợp lệ (TOTAL-FAILED/HASH_FAILURE)`,
      `${path('c-unsigned.pdf')}: không có chữ ký`,
      `${path('d-not-a-pdf.pdf')}: PDF_NOT_PDF — Tệp không phải là PDF (không có tiêu đề %PDF-).`,
      `${path('e-signed.PDF')}: hợp lệ (TOTAL-PASSED)`,
      '7 tệp: 4 hợp lệ, 1 không hợp lệ, 0 chưa xác định, 1 không có chữ ký, 1 không đọc được',
    ]);
    expect(en.code).toBe(1);
    expect(lines(en.stdout).at(-1)).toBe('7 files: 4 valid, 1 invalid, 0 indeterminate, 1 no signature, 1 unreadable');
    expect(en.stdout).toContain(`${path('c-unsigned.pdf')}: no signature`);
  });

  it('the exit code summarises the batch: 0 all passed, 3 an unsigned file, 2 an INDETERMINATE one, 1 a failed one', async () => {
    const [passed, unsigned, indeterminate, failed] = await Promise.all([
      kyso(path('a-signed.pdf'), path('e-signed.PDF'), '--trust', ROOT, '--json'),
      kyso(path('a-signed.pdf'), path('c-unsigned.pdf'), '--trust', ROOT, '--json'),
      // the test PKI is not under the default profile vn: INDETERMINATE, which outranks the unsigned file
      kyso(path('c-unsigned.pdf'), path('a-signed.pdf'), '--json'),
      kyso(path('c-unsigned.pdf'), path('b-tampered.pdf'), path('a-signed.pdf'), '--json'),
    ]);
    expect([passed.code, unsigned.code, indeterminate.code, failed.code]).toEqual([0, 3, 2, 1]);
    expect(lines(indeterminate.stdout).map((l) => (JSON.parse(l) as Line).exit)).toEqual([3, 2]);
    expect(lines(failed.stdout).map((l) => (JSON.parse(l) as Line).exit)).toEqual([3, 1, 2]);
  });

  it('files and folders mixed, in the order given; a missing file is its own line (66) and fails the batch', async () => {
    const missing = path('gone.pdf');
    const r = await kyso(path('a-signed.pdf'), missing, join(results, '2026'), '--trust', ROOT, '--json');
    expect(r.code).toBe(1);
    const parsed = lines(r.stdout).map((l) => JSON.parse(l) as Line);
    expect(parsed.map((l) => [l.file, l.exit])).toEqual([
      [path('a-signed.pdf'), 0],
      [missing, 66],
      [path('2026/a-signed.pdf'), 0],
      [path('2026/q4/f-signed.pdf'), 0],
    ]);
    expect(parsed[1]!.error!.code).toBe('ENOENT');
  });

  it('--online: 150 files, in one thread and in two (each thread keeping the OCSP answers it fetched), all get their revocation status (each file its own request budget, the CRLs and CA certificates fetched kept for the run); a revoked signer among them fails the batch', async () => {
    const dir = join(tmp.dir, 'online');
    mkdirSync(dir);
    const input = await plainPdf();
    for (let i = 0; i < 150; i++) tmp.file(`online/r${String(i).padStart(3, '0')}.pdf`, await kysoSign(input, {}));
    tmp.file('online/revoked.pdf', await kysoSign(input, { p12: 'revoked.p12' }));
    for (const jobs of ['1', '2']) {
      const r = await kyso(dir, '--trust', ROOT, '--json', '--online', ...TEST_PKI_HOSTS, '--jobs', jobs);
      expect(r.code, r.stderr).toBe(1);
      const parsed = lines(r.stdout).map(
        (l) => JSON.parse(l) as Line & { signatures: { revocation: { status: string; source?: string }[] }[] },
      );
      expect(parsed).toHaveLength(151);
      const revoked = parsed.find((l) => l.file.endsWith('revoked.pdf'))!;
      expect(revoked.exit).toBe(1);
      expect(revoked.signatures[0]!.subIndication).toBe('REVOKED');
      const others = parsed.filter((l) => l !== revoked);
      for (const l of others) {
        expect(l.exit, l.file).toBe(0);
        expect(l.signatures[0]!.revocation.length).toBeGreaterThan(0);
        expect(
          l.signatures[0]!.revocation.every((x) => /^good$/i.test(x.status)),
          l.file,
        ).toBe(true);
        expect(l.signatures[0]!.revocation[0]!.source, l.file).toBe('ONLINE OCSP');
      }
    }
  }, 240_000);

  it('--online --jobs 2: one OCSP request per thread for 40 files by one signer (counted at node:http), every file good from ONLINE OCSP', async () => {
    const dir = join(tmp.dir, 'one-signer');
    mkdirSync(dir);
    const input = await plainPdf();
    for (let i = 0; i < 40; i++)
      tmp.file(`one-signer/s${String(i).padStart(2, '0')}.pdf`, await kysoSign(input, { reason: `tệp ${i}` }));
    const log = join(tmp.dir, 'posts.log');
    const preload = pathToFileURL(join(repoRoot, 'tests/helpers/count-posts.mjs')).href;
    const r = await runKyso(['verify', dir, '--trust', ROOT, '--json', '--online', ...TEST_PKI_HOSTS, '--jobs', '2'], {
      timeoutMs: 120_000,
      env: { ...process.env, NODE_OPTIONS: `--import ${preload}`, KYSO_TEST_POST_LOG: log },
    });
    expect(r.code, r.stderr).toBe(0);
    const parsed = lines(r.stdout).map(
      (l) => JSON.parse(l) as Line & { signatures: { revocation: { status: string; source?: string }[] }[] },
    );
    expect(parsed).toHaveLength(40);
    for (const l of parsed)
      expect(l.signatures[0]!.revocation[0], l.file).toMatchObject({ status: 'GOOD', source: 'ONLINE OCSP' });
    // this thread and one worker: each asked once, whichever files it got
    const threads = lines(readFileSync(log, 'utf8'));
    expect(threads.sort()).toEqual(['0', '1']);
  }, 120_000);

  it.each([
    [['--xml'], /--xml reports one file/],
    [['--jobs', '0'], /--jobs wants a whole number/],
    [['--jobs', 'many'], /--jobs wants a whole number/],
  ])('64: usage error %j, before any file is read', async (args, message) => {
    const r = await kyso(results, ...(args as string[]));
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('64: a folder with no PDF file', async () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    const r = await kyso(empty, '--json');
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('no PDF file');
  });
});
