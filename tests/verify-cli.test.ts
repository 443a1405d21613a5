/**
 * `kyso verify FILE.pdf [--trust ROOT.pem ...] [--at ISO-TIME] [--online] [--json] [--lang vi|en]` through the built
 * CLI, as DESIGN.md gives it: every exit code (0 all TOTAL-PASSED, 1 any TOTAL-FAILED, 2 any INDETERMINATE and none
 * failed, 3 no signature, 64 usage, 65 not a readable PDF, 66 a file that cannot be opened), the --json contract,
 * --lang, several --trust roots, --at, and --online against the test OCSP responder and CRL server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Pkcs12Signer, signPdf } from '@kyso/core';
import { repoRoot } from './helpers/producers.js';
import { scratch } from './helpers/tools.js';
import { datedPki } from '../packages/verify/test/helpers/dated-pki.js';
import { kysoSign, offsetOf, plainPdf } from '../packages/verify/test/helpers/signed-pdfs.js';

const ROOT = join(repoRoot, 'test-certs/root-ca.pem');
const OTHER_ROOT = join(repoRoot, 'tests/fixtures/corpus/pyhanko/roots/testing-ca-root.pem');
const tmp = scratch('kyso-verify-cli-');
afterAll(() => tmp.cleanup());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The test PKI's OCSP responder and CA server (127.0.0.1, not 80/443): --online reaches them only allow-listed. */
const TEST_PKI_HOSTS = ['--allow-host', '127.0.0.1:39601', '--allow-host', '127.0.0.1:39602'];

function kyso(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'packages/cli/dist/main.cjs'), 'verify', ...args],
      { encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

interface JsonSignature {
  fieldName: string | null;
  kind: string;
  indication: string;
  subIndication: string | null;
  intact: boolean;
  coverage: string;
  modifications: string;
  signer: { commonName: string | null; issuer: { commonName: string | null } } | null;
  signingTime: string | null;
  level: string | null;
  revocation: { certificate: string; status: string; source: string | null }[];
  reasons: { code: string; vi: string; en: string }[];
  warnings: { code: string }[];
}

async function json(
  ...args: string[]
): Promise<{ run: Run; report: { file: string; validationTime: string; signatures: JsonSignature[] } }> {
  const run = await kyso(...args, '--json');
  return { run, report: JSON.parse(run.stdout) };
}

const files: Record<string, string> = {};

beforeAll(async () => {
  const input = await plainPdf();
  const signed = await kysoSign(input, { reason: 'Phê duyệt' });
  const tampered = signed.slice();
  tampered[offsetOf(signed, '/MediaBox', { first: true }) + 1] ^= 0x03;
  // Two signatures under two roots: kyso's test signer, then a leaf of a PKI made here.
  const other = datedPki({
    root: [new Date('2020-01-01T00:00:00Z'), new Date('2045-01-01T00:00:00Z')],
    leaf: [new Date('2021-01-01T00:00:00Z'), new Date('2044-01-01T00:00:00Z')],
    leafName: 'Vũ Văn Khác',
  });
  const twoRoots = await signPdf(signed, Pkcs12Signer.open(other.p12, other.password), { certificateCheck: false });
  // A leaf valid only in 2020, signed (claimed) in June 2020.
  const old = datedPki({
    root: [new Date('2019-01-01T00:00:00Z'), new Date('2040-01-01T00:00:00Z')],
    leaf: [new Date('2020-01-01T00:00:00Z'), new Date('2021-01-01T00:00:00Z')],
  });
  const expired = await signPdf(input, Pkcs12Signer.open(old.p12, old.password), {
    certificateCheck: false,
    signingTime: new Date('2020-06-01T00:00:00Z'),
  });
  const revoked = await kysoSign(input, { p12: 'revoked.p12' });
  const out = {
    'unsigned.pdf': input,
    'signed.pdf': signed,
    'tampered.pdf': tampered,
    'two-roots.pdf': twoRoots,
    'expired-2020.pdf': expired,
    'revoked.pdf': revoked,
  };
  for (const [name, bytes] of Object.entries(out)) files[name] = tmp.file(name, bytes);
  files['other-root.pem'] = tmp.file('other-root.pem', new TextEncoder().encode(other.rootPem));
  files['old-root.pem'] = tmp.file('old-root.pem', new TextEncoder().encode(old.rootPem));
  files['not-a-pdf.pdf'] = tmp.file('not-a-pdf.pdf', new TextEncoder().encode('<html>this is not a PDF</html>\n'));
  files['empty.pdf'] = tmp.file('empty.pdf', new Uint8Array(0));
});

describe('kyso verify: exit codes', () => {
  it('0: every signature TOTAL-PASSED (human report in Vietnamese by default)', async () => {
    const r = await kyso(files['signed.pdf'], '--trust', ROOT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Kết quả: Chữ ký hợp lệ (TOTAL-PASSED)');
    expect(r.stdout).toContain('Người ký: Nguyễn Thị Lấp Lánh Ánh');
  });

  it('1: a signature TOTAL-FAILED (a byte flipped in the signed range)', async () => {
    const r = await kyso(files['tampered.pdf'], '--trust', ROOT);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('TOTAL-FAILED / HASH_FAILURE');
  });

  it('2: INDETERMINATE and none failed (the test PKI is not under the default profile vn)', async () => {
    const r = await kyso(files['signed.pdf']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('3: no signature', async () => {
    const r = await kyso(files['unsigned.pdf'], '--trust', ROOT);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Tài liệu không có chữ ký số.');
  });

  it.each([
    [['--bogus'], /bogus/],
    [['--at', 'yesterday'], /--at wants an ISO 8601 time/],
    [['--at', '2026-13-45T00:00:00Z'], /--at wants an ISO 8601 time/],
    [['--lang', 'fr'], /--lang is vi or en/],
    [['--timeout', 'soon'], /--timeout/],
    [['--trust', '/nonexistent/root.pem'], /cannot read --trust/],
  ])('64: usage error %j', async (args, message) => {
    const r = await kyso(files['signed.pdf'], ...(args as string[]));
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('64: no file (several files are a batch: tests/verify-batch.test.ts)', async () => {
    const none = await kyso();
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('verify takes exactly one FILE.pdf');
  });

  it('65: input that is not a readable PDF (text, an empty file), with a typed error in both languages', async () => {
    const [text, empty] = await Promise.all([
      kyso(files['not-a-pdf.pdf'], '--trust', ROOT),
      kyso(files['empty.pdf'], '--trust', ROOT),
    ]);
    for (const r of [text, empty]) {
      expect(r.code, r.stderr).toBe(65);
      expect(r.stderr).toMatch(/^kyso: PDF_[A-Z_]+\n {2}\S.*\n {2}\S/);
      expect(r.stdout).toBe('');
    }
  });

  it('66: a file that does not exist (usage.ts: the input cannot be opened)', async () => {
    const r = await kyso(join(tmp.dir, 'missing.pdf'), '--trust', ROOT);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('ENOENT');
  });
});

describe('kyso verify --json', () => {
  it('prints the DESIGN.md contract, signatures in the order they were applied', async () => {
    const { run, report } = await json(files['two-roots.pdf'], '--trust', ROOT, '--trust', files['other-root.pem']);
    expect(run.code, run.stderr).toBe(0);
    expect(report.file).toBe('two-roots.pdf');
    expect(Number.isNaN(Date.parse(report.validationTime))).toBe(false);
    expect(report.signatures).toHaveLength(2);
    for (const s of report.signatures) {
      for (const key of [
        'fieldName',
        'kind',
        'indication',
        'subIndication',
        'intact',
        'coverage',
        'modifications',
        'signer',
        'signingTime',
        'level',
      ])
        expect(s).toHaveProperty(key);
      expect(['approval', 'certification', 'doc-timestamp']).toContain(s.kind);
      expect(['ENTIRE_FILE', 'ENTIRE_REVISION', 'PARTIAL', 'UNCLEAR']).toContain(s.coverage);
      expect(['NONE', 'ALLOWED', 'DISALLOWED']).toContain(s.modifications);
      expect(['B-B', 'B-T', 'B-LT', 'B-LTA', null]).toContain(s.level);
      expect(Number.isNaN(Date.parse(s.signingTime as string))).toBe(false);
    }
    expect(
      report.signatures.map((s) => [
        s.fieldName,
        s.signer?.commonName,
        s.indication,
        s.subIndication,
        s.intact,
        s.coverage,
        s.modifications,
        s.level,
      ]),
    ).toEqual([
      ['Signature1', 'Nguyễn Thị Lấp Lánh Ánh', 'TOTAL-PASSED', null, true, 'ENTIRE_REVISION', 'ALLOWED', 'B-B'],
      ['Signature2', 'Vũ Văn Khác', 'TOTAL-PASSED', null, true, 'ENTIRE_FILE', 'NONE', 'B-B'],
    ]);
  });

  it('a failed signature carries its reason with Vietnamese and English text', async () => {
    const { run, report } = await json(files['tampered.pdf'], '--trust', ROOT);
    expect(run.code).toBe(1);
    const [s] = report.signatures;
    expect([s.indication, s.subIndication, s.intact]).toEqual(['TOTAL-FAILED', 'HASH_FAILURE', false]);
    expect(s.reasons[0]).toMatchObject({ code: 'HASH_MISMATCH', vi: expect.any(String), en: expect.any(String) });
  });

  it('no signature: an empty list, exit 3', async () => {
    const { run, report } = await json(files['unsigned.pdf']);
    expect(run.code).toBe(3);
    expect(report.signatures).toEqual([]);
  });
});

describe('kyso verify options', () => {
  it('--lang en prints the English report', async () => {
    const r = await kyso(files['signed.pdf'], '--trust', ROOT, '--lang', 'en');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DIGITAL SIGNATURE VALIDATION REPORT');
    expect(r.stdout).toContain('Result: The signature is valid (TOTAL-PASSED)');
    expect(r.stdout).toContain('Issuing CA: Kyso Test Intermediate CA');
    expect(r.stdout).not.toContain('Kết quả');
  });

  it('--trust with several roots: each signature needs its own root; one root alone leaves the other INDETERMINATE', async () => {
    const [both, kysoOnly, otherOnly, unrelated] = await Promise.all([
      json(files['two-roots.pdf'], '--trust', ROOT, '--trust', files['other-root.pem']),
      json(files['two-roots.pdf'], '--trust', ROOT),
      json(files['two-roots.pdf'], '--trust', files['other-root.pem']),
      json(files['two-roots.pdf'], '--trust', OTHER_ROOT),
    ]);
    expect(both.run.code).toBe(0);
    expect(kysoOnly.run.code).toBe(2);
    expect(kysoOnly.report.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'INDETERMINATE']);
    expect(otherOnly.run.code).toBe(2);
    expect(otherOnly.report.signatures.map((s) => s.indication)).toEqual(['INDETERMINATE', 'TOTAL-PASSED']);
    expect(unrelated.run.code).toBe(2);
    expect(unrelated.report.signatures.map((s) => s.subIndication)).toEqual([
      'NO_CERTIFICATE_CHAIN_FOUND',
      'NO_CERTIFICATE_CHAIN_FOUND',
    ]);
  });

  it('--at: a certificate valid only in 2020 passes as of 2020-07-01 and is out of bounds now', async () => {
    const [then, now] = await Promise.all([
      json(files['expired-2020.pdf'], '--trust', files['old-root.pem'], '--at', '2020-07-01T00:00:00Z'),
      json(files['expired-2020.pdf'], '--trust', files['old-root.pem']),
    ]);
    expect(then.run.code, then.run.stderr).toBe(0);
    expect(then.report.validationTime).toBe('2020-07-01T00:00:00.000Z');
    expect(now.run.code).toBe(2);
    expect(now.report.signatures[0].subIndication).toBe('OUT_OF_BOUNDS_NO_POE');
  });

  it('--online: signer.p12 is good (OCSP, CRL for its CA) → 0; revoked.p12 → 1 / REVOKED', async () => {
    const [good, revoked] = await Promise.all([
      json(files['signed.pdf'], '--trust', ROOT, '--online', ...TEST_PKI_HOSTS),
      json(files['revoked.pdf'], '--trust', ROOT, '--online', ...TEST_PKI_HOSTS),
    ]);
    expect(good.run.code, good.run.stderr).toBe(0);
    expect(good.report.signatures[0].revocation.map((r) => r.status)).toEqual(['GOOD', 'GOOD']);
    expect(revoked.run.code).toBe(1);
    expect([revoked.report.signatures[0].indication, revoked.report.signatures[0].subIndication]).toEqual([
      'TOTAL-FAILED',
      'REVOKED',
    ]);
    expect(revoked.report.signatures[0].revocation[0]).toMatchObject({
      certificate: 'Lê Thị Bị Thu Hồi',
      status: 'REVOKED',
      source: expect.stringMatching(/OCSP/),
    });
  });

  it('offline the revocation of revoked.p12 is unknown: 0 with a warning, 2 with --require-revocation', async () => {
    const [warn, required] = await Promise.all([
      json(files['revoked.pdf'], '--trust', ROOT),
      json(files['revoked.pdf'], '--trust', ROOT, '--require-revocation'),
    ]);
    expect(warn.run.code).toBe(0);
    expect(warn.report.signatures[0].warnings.map((w) => w.code)).toContain('REVOCATION_UNKNOWN');
    expect(required.run.code).toBe(2);
    expect(required.report.signatures[0].subIndication).toBe('TRY_LATER');
  });
});

describe('kyso verify: a file over 16 MiB (read in windows, never whole)', () => {
  it('a 20 MB signed file is TOTAL-PASSED, the same file with one byte flipped deep inside the signed range is HASH_FAILURE', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const { randomBytes } = await import('node:crypto');
    const doc = await PDFDocument.load(await plainPdf());
    await doc.attach(randomBytes(20 * 1024 * 1024), 'scan.bin', { mimeType: 'application/octet-stream' });
    const signed = await kysoSign(await doc.save({ useObjectStreams: false }));
    expect(signed.length).toBeGreaterThan(20 * 1024 * 1024);
    const good = await json(tmp.file('big-signed.pdf', signed), '--trust', ROOT);
    expect(good.run.code, good.run.stderr).toBe(0);
    expect(good.report.signatures.map((x) => [x.indication, x.coverage])).toEqual([['TOTAL-PASSED', 'ENTIRE_FILE']]);
    const flipped = signed.slice();
    flipped[Math.floor(signed.length / 2)] ^= 0x01; // inside the attachment's data, far from any window edge
    const bad = await json(tmp.file('big-flipped.pdf', flipped), '--trust', ROOT);
    expect(bad.run.code).toBe(1);
    expect([bad.report.signatures[0].indication, bad.report.signatures[0].subIndication]).toEqual([
      'TOTAL-FAILED',
      'HASH_FAILURE',
    ]);
  });
});
