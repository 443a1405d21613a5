/**
 * What `kyso verify` (the built CLI) says about a file beyond the verdict (issue 13, "real files must not fail"):
 * the human report ends with one conclusion line (vi by default, en with --lang en) for passed, failed,
 * indeterminate and unsigned files; it never says "còn hiệu lực" when revocation was not checked and does not show
 * the PKCS#1 v1.5 note; SHA-1 is a warning by default; --json carries the new facts (certificateValidAtClaimedTime,
 * certificateValidAtBestSignatureTime, bestSignatureTime, certificateValidity, notes, conclusion) beside the old
 * fields, and --xml the two validity facts.
 */
import { runKyso, type CliRun } from './helpers/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Pkcs12Signer, signPdf } from '@kyso/core';
import { ValidationReportSchema } from '../packages/server/src/routes/verify.js';
import { repoRoot } from './helpers/producers.js';
import { scratch } from './helpers/tools.js';
import { datedPki } from '../packages/verify/test/helpers/dated-pki.js';
import { kysoSign, offsetOf, plainPdf } from '../packages/verify/test/helpers/signed-pdfs.js';

const ROOT = join(repoRoot, 'test-certs/root-ca.pem');
const SHA1_PDF = join(repoRoot, 'tests/fixtures/corpus/dss/pkcs7_sha1.pdf');
const tmp = scratch('kyso-verify-cli-report-');
afterAll(() => tmp.cleanup());

type Run = CliRun;

const kyso = (...args: string[]): Promise<Run> => runKyso(['verify', ...args], { timeoutMs: 60_000 });

interface Finding {
  code: string;
  vi: string;
  en: string;
  detail?: string;
  where?: { revision?: number; object?: string; byteRanges?: [number, number][]; offset?: number };
}

interface JsonReport {
  file: string;
  validationTime: string;
  signatures: {
    revision: number;
    signatureObject: string | null;
    byteRange: [number, number][] | null;
    indication: string;
    subIndication: string | null;
    signingTime: string | null;
    claimedSigningTime: string | null;
    certificateValidAtSigningTime: boolean | null;
    certificateValidAtClaimedTime: boolean | null;
    certificateValidAtBestSignatureTime: boolean | null;
    bestSignatureTime: { time: string; source: string };
    certificateValidity: { atClaimedTime: { status: string } | null; atBestSignatureTime: { status: string } | null };
    reasons: Finding[];
    warnings: Finding[];
    notes: Finding[];
  }[];
  conclusion: { result: string; signatures: number; vi: string; en: string };
}

async function json(...args: string[]): Promise<{ run: Run; report: JsonReport }> {
  const run = await kyso(...args, '--json');
  return { run, report: JSON.parse(run.stdout) as JsonReport };
}

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';
const codes = (fs: Finding[]): string[] => fs.map((f) => f.code);
const files: Record<string, string> = {};

beforeAll(async () => {
  const input = await plainPdf();
  const signed = await kysoSign(input);
  const tampered = signed.slice();
  tampered[offsetOf(signed, '/MediaBox', { first: true }) + 1] ^= 0x03;
  // A leaf valid only in 2020, signed (claimed) in June 2020, no timestamp.
  const old = datedPki({
    root: [new Date('2019-01-01T00:00:00Z'), new Date('2040-01-01T00:00:00Z')],
    leaf: [new Date('2020-01-01T00:00:00Z'), new Date('2021-01-01T00:00:00Z')],
    leafName: 'Đỗ Văn Năm Hai Không',
  });
  const expired = await signPdf(input, Pkcs12Signer.open(old.p12, old.password), {
    certificateCheck: false,
    signingTime: new Date('2020-06-01T00:00:00Z'),
  });
  for (const [name, bytes] of Object.entries({
    'unsigned.pdf': input,
    'signed.pdf': signed,
    'tampered.pdf': tampered,
    'expired-2020.pdf': expired,
  })) {
    files[name] = tmp.file(name, bytes);
  }
  files['old-root.pem'] = tmp.file('old-root.pem', new TextEncoder().encode(old.rootPem));
});

describe('the human report ends with the conclusion (vi by default, en with --lang en)', () => {
  it('passed (exit 0): one signature, valid; no "còn hiệu lực" offline; no PKCS#1 v1.5 note', async () => {
    const r = await kyso(files['signed.pdf'], '--trust', ROOT);
    expect(r.code, r.stderr).toBe(0);
    expect(lastLine(r.stdout)).toBe('Kết luận: tài liệu có 1 chữ ký, hợp lệ.');
    expect(r.stdout).toContain(
      'Tình trạng thu hồi: chưa kiểm tra (không có dữ liệu OCSP/CRL trong tài liệu, không kiểm tra trực tuyến)',
    );
    expect(r.stdout).not.toMatch(/còn hiệu lực/i);
    expect(r.stdout).not.toMatch(/PKCS#1|RSASSA-PKCS1/);
    const en = await kyso(files['signed.pdf'], '--trust', ROOT, '--lang', 'en');
    expect(lastLine(en.stdout)).toBe('Conclusion: the document has 1 signature, valid.');
  });

  it('failed (exit 1)', async () => {
    const r = await kyso(files['tampered.pdf'], '--trust', ROOT);
    expect(r.code).toBe(1);
    expect(lastLine(r.stdout)).toBe('Kết luận: KHÔNG HỢP LỆ — tài liệu có 1 chữ ký: 1 không hợp lệ (số 1).');
    const en = await kyso(files['tampered.pdf'], '--trust', ROOT, '--lang', 'en');
    expect(lastLine(en.stdout)).toBe('Conclusion: NOT VALID — the document has 1 signature: 1 not valid (no. 1).');
  });

  it('indeterminate (exit 2, nothing trusted)', async () => {
    const r = await kyso(files['signed.pdf']);
    expect(r.code).toBe(2);
    expect(lastLine(r.stdout)).toBe(
      'Kết luận: CHƯA XÁC ĐỊNH ĐƯỢC — tài liệu có 1 chữ ký: 1 chưa xác định được tính hợp lệ (số 1).',
    );
    const en = await kyso(files['signed.pdf'], '--lang', 'en');
    expect(lastLine(en.stdout)).toBe(
      'Conclusion: INDETERMINATE — the document has 1 signature: 1 indeterminate (no. 1).',
    );
  });

  it('no signature (exit 3)', async () => {
    const r = await kyso(files['unsigned.pdf']);
    expect(r.code).toBe(3);
    expect(lastLine(r.stdout)).toBe('Kết luận: tài liệu không có chữ ký số.');
    const en = await kyso(files['unsigned.pdf'], '--lang', 'en');
    expect(lastLine(en.stdout)).toBe('Conclusion: the document has no digital signature.');
  });
});

describe('each finding with its reason and where it lies (revision, object, byte range)', () => {
  const HIDE = join(repoRoot, 'tests/fixtures/corpus/dss/dss-2236/hide.pdf'); // an object swapped after signing

  it("a digest mismatch: the reason, then the signature's revision, dictionary and signed byte ranges (vi and en)", async () => {
    const { report } = await json(files['tampered.pdf'], '--trust', ROOT);
    const [s] = report.signatures;
    const ranges = s!.byteRange!;
    expect(ranges).toHaveLength(2);
    expect(s!.signatureObject).toMatch(/^\d+ 0 R$/);
    expect(s!.reasons[0]).toMatchObject({
      code: 'HASH_MISMATCH',
      where: { revision: s!.revision, object: s!.signatureObject, byteRanges: ranges },
    });
    const spans = ranges.map(([o, l]) => `${o}–${o + l}`);
    const vi = (await kyso(files['tampered.pdf'], '--trust', ROOT)).stdout.split('\n');
    const at = vi.findIndex((l) => l.startsWith('    - Tài liệu đã bị thay đổi sau khi ký'));
    expect(vi[at + 1]).toBe(
      `      (vị trí: phiên bản #${s!.revision}, đối tượng ${s!.signatureObject}, byte ${spans.join(' và ')})`,
    );
    expect(vi).toContain(
      `  Vị trí chữ ký: phiên bản #${s!.revision}, đối tượng ${s!.signatureObject}, byte ${spans.join(' và ')}`,
    );
    const en = (await kyso(files['tampered.pdf'], '--trust', ROOT, '--lang', 'en')).stdout.split('\n');
    const enAt = en.findIndex((l) => l.startsWith('    - The document was altered after signing'));
    expect(en[enAt + 1]).toBe(
      `      (location: revision #${s!.revision}, object ${s!.signatureObject}, bytes ${spans.join(' and ')})`,
    );
  });

  it('an object swapped in a later revision: the reason names that revision and object, the anomaly its offset', async () => {
    const { report } = await json(HIDE, '--at', '2024-01-01T00:00:00Z');
    const [s] = report.signatures;
    const swap = s!.reasons.find((r) => r.code === 'OBJECT_SWAP')!;
    expect(swap.where).toEqual({ revision: 2, object: '6' });
    expect(s!.warnings.find((w) => w.code === 'XREF_ANOMALY')!.where).toEqual({
      revision: 2,
      object: '6 0 R',
      offset: 33735,
    });
    const vi = (await kyso(HIDE, '--at', '2024-01-01T00:00:00Z')).stdout;
    expect(vi).toMatch(/- Tài liệu bị tráo đối tượng sau khi ký:.*\n {6}\(vị trí: phiên bản #2, đối tượng 6\)\n/);
    expect(vi).toContain('      (vị trí: phiên bản #2, đối tượng 6 0 R, tại byte 33735)');
  });

  it('a finding with no place in the file (the chain not trusted) prints no location line', async () => {
    const r = await kyso(files['signed.pdf']);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('    - Không xây dựng được đường dẫn tin cậy'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).not.toMatch(/vị trí/);
  });
});

describe('--json carries the new facts beside the old fields', () => {
  it('a 2020 certificate, signed in its period, validated now without a timestamp: valid at the claimed time, not at the best signature time, OUT_OF_BOUNDS_NO_POE (exit 2)', async () => {
    const { run, report } = await json(files['expired-2020.pdf'], '--trust', files['old-root.pem']);
    expect(run.code).toBe(2);
    const [s] = report.signatures;
    expect(`${s.indication}/${s.subIndication}`).toBe('INDETERMINATE/OUT_OF_BOUNDS_NO_POE');
    expect(s).toMatchObject({
      claimedSigningTime: '2020-06-01T00:00:00.000Z',
      signingTime: '2020-06-01T00:00:00.000Z',
      certificateValidAtSigningTime: true,
      certificateValidAtClaimedTime: true,
      certificateValidAtBestSignatureTime: false,
      bestSignatureTime: { time: report.validationTime, source: 'validation-time' },
      certificateValidity: { atClaimedTime: { status: 'VALID' }, atBestSignatureTime: { status: 'EXPIRED' } },
    });
    expect(report.conclusion).toMatchObject({ result: 'INDETERMINATE', signatures: 1 });
    const human = await kyso(files['expired-2020.pdf'], '--trust', files['old-root.pem'], '--lang', 'en');
    expect(human.stdout).toContain('Certificate at signing time: within its validity period');
    expect(human.stdout).toContain(
      'Certificate at the validation time (no timestamp proves the signing time): expired (Đỗ Văn Năm Hai Không)',
    );
  });

  it('RSA PKCS#1 v1.5: CRYPTO_FLAGGED in notes, not in warnings; the conclusion in the JSON', async () => {
    const { run, report } = await json(files['signed.pdf'], '--trust', ROOT);
    expect(run.code).toBe(0);
    const [s] = report.signatures;
    expect(codes(s.notes)).toEqual(['CRYPTO_FLAGGED']);
    expect(codes(s.warnings)).not.toContain('CRYPTO_FLAGGED');
    expect(report.conclusion).toMatchObject({
      result: 'PASSED',
      signatures: 1,
      vi: 'Kết luận: tài liệu có 1 chữ ký, hợp lệ.',
      en: 'Conclusion: the document has 1 signature, valid.',
    });
  });

  it('SHA-1 (EU DSS pkcs7_sha1.pdf, nothing trusted): the warning in --json and in the default human report', async () => {
    const { run, report } = await json(SHA1_PDF);
    expect(run.code).toBe(2);
    for (const s of report.signatures) expect(codes(s.warnings)).toContain('SHA1_USED');
    const human = await kyso(SHA1_PDF);
    expect(human.stdout).toContain('Chữ ký hoặc chứng thư số trong đường dẫn dùng hàm băm SHA-1, không còn an toàn.');
    expect(lastLine(human.stdout)).toBe(
      'Kết luận: CHƯA XÁC ĐỊNH ĐƯỢC — tài liệu có 2 chữ ký: 2 chưa xác định được tính hợp lệ (số 1, 2).',
    );
  });

  it('the service documents the same report (POST /v1/verify schema): a real report parses whole, nothing stripped', async () => {
    for (const args of [
      [files['expired-2020.pdf'], '--trust', files['old-root.pem']],
      [files['signed.pdf'], '--trust', ROOT],
      [files['unsigned.pdf']],
    ]) {
      const { report } = await json(...args);
      // `file` and `trust` (where the CLI's trust came from) are the command's own additions, not the library's report
      const { file: _file, trust: _trust, ...rest } = report;
      expect(ValidationReportSchema.parse(rest)).toEqual(rest);
    }
  });

  it('--xml: both validity facts and the note', async () => {
    const r = await kyso(files['expired-2020.pdf'], '--trust', files['old-root.pem'], '--xml');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      '<kyso:ValidityAt basis="claimed-signing-time" time="2020-06-01T00:00:00.000Z" status="VALID"/>',
    );
    expect(r.stdout).toMatch(
      /<kyso:ValidityAt basis="best-signature-time" time="[^"]+" source="validation-time" status="EXPIRED" certificate="Đỗ Văn Năm Hai Không"\/>/,
    );
    expect(r.stdout).toContain('<vr:Type>urn:kyso:validation:note</vr:Type>');
  });
});
