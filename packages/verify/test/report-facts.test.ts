/**
 * The report says what is known and no more (issue 13, "real files must not fail"): validity at the claimed signing
 * time beside validity at the best signature time, SHA-1 visible whatever the verdict, RSA PKCS#1 v1.5 as a note
 * and not a warning, revocation said as checked / not checked (never "còn hiệu lực" without a check), and one
 * conclusion line per file — in the JSON, the human report (vi, en) and the ETSI XML.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs12Signer, signPdf } from '@kyso/core';
import { conclusionOf, humanReport, validatePdf, validatePdfEtsiXml, type ValidationReport } from '@kyso/verify';
import { datedPki } from './helpers/dated-pki.js';
import { explain, kysoSign, plainPdf, validate, verdictOf } from './helpers/signed-pdfs.js';
import { CA_EXT, LEAF_EXT, MiniPki } from './fixtures/trust/mini-pki.js';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus/', import.meta.url));
const codes = (fs: { code: string }[]): string[] => fs.map((f) => f.code);
const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

let input: Uint8Array;
let bb: Uint8Array;
beforeAll(async () => {
  input = await plainPdf();
  bb = await kysoSign(input);
});

describe('validity at the claimed signing time and at the best signature time, two facts', () => {
  // A leaf valid only in 2020, /M inside that year, no timestamp; validated now (years after its expiry).
  let pki: ReturnType<typeof datedPki>;
  let pdf: Uint8Array;
  beforeAll(async () => {
    pki = datedPki({
      root: [new Date('2019-01-01T00:00:00Z'), new Date('2040-01-01T00:00:00Z')],
      leaf: [new Date('2020-01-01T00:00:00Z'), new Date('2021-01-01T00:00:00Z')],
      leafName: 'Trần Văn Đúng Hạn',
    });
    pdf = await signPdf(input, Pkcs12Signer.open(pki.p12, pki.password), {
      certificateCheck: false,
      signingTime: new Date('2020-06-01T00:00:00Z'),
    });
  });

  it('JSON: valid at the claimed time true, at the best signature time (the validation time) false; the verdict stays OUT_OF_BOUNDS_NO_POE', async () => {
    const report = await validatePdf(pdf, { trustAnchors: [pki.rootPem] });
    const [s] = report.signatures;
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/OUT_OF_BOUNDS_NO_POE');
    expect(s.reasons[0].code).toBe('EXPIRED_NO_POE');
    expect(s.claimedSigningTime).toBe('2020-06-01T00:00:00.000Z');
    expect(s.certificateValidAtClaimedTime).toBe(true);
    expect(s.certificateValidAtBestSignatureTime).toBe(false);
    expect(s.certificateValidAtSigningTime).toBe(true); // the signing time shown is the claim
    expect(s.bestSignatureTime).toEqual({ time: report.validationTime, source: 'validation-time' });
    expect(s.certificateValidity).toEqual({
      atClaimedTime: { time: '2020-06-01T00:00:00.000Z', status: 'VALID', certificate: null },
      atBestSignatureTime: { time: report.validationTime, status: 'EXPIRED', certificate: 'Trần Văn Đúng Hạn' },
    });
  });

  it('before the leaf existed (/M in 2019): NOT_YET_VALID at the claimed time, as a fact', async () => {
    const early = await signPdf(input, Pkcs12Signer.open(pki.p12, pki.password), {
      certificateCheck: false,
      signingTime: new Date('2019-06-01T00:00:00Z'),
    });
    const [s] = (await validatePdf(early, { trustAnchors: [pki.rootPem] })).signatures;
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/OUT_OF_BOUNDS_NO_POE');
    expect(s.certificateValidAtClaimedTime).toBe(false);
    expect(s.certificateValidity.atClaimedTime).toMatchObject({
      status: 'NOT_YET_VALID',
      certificate: 'Trần Văn Đúng Hạn',
    });
  });

  it('validated inside the period (--at 2020-07-01): both true, TOTAL-PASSED', async () => {
    const [s] = (await validatePdf(pdf, { trustAnchors: [pki.rootPem], at: new Date('2020-07-01T00:00:00Z') }))
      .signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect([s.certificateValidAtClaimedTime, s.certificateValidAtBestSignatureTime]).toEqual([true, true]);
  });

  it('human report, vi and en: within its period at the signing time, expired at the validation time, nothing proves the time', async () => {
    const report = await validatePdf(pdf, { trustAnchors: [pki.rootPem] });
    const vi = humanReport(report, 'vi');
    expect(vi).toContain('Hiệu lực chứng thư tại thời điểm ký: trong thời hạn hiệu lực');
    expect(vi).toContain(
      'Hiệu lực chứng thư tại thời điểm kiểm tra (không có dấu thời gian chứng minh thời điểm ký): đã hết hạn (Trần Văn Đúng Hạn)',
    );
    expect(vi).toContain('do phần mềm ký khai báo, chưa được chứng minh');
    const en = humanReport(report, 'en');
    expect(en).toContain('Certificate at signing time: within its validity period');
    expect(en).toContain(
      'Certificate at the validation time (no timestamp proves the signing time): expired (Trần Văn Đúng Hạn)',
    );
  });

  it('ETSI XML: both facts as kyso:ValidityAt, beside the unchanged indication', async () => {
    const { report, xml } = await validatePdfEtsiXml(pdf, { trustAnchors: [pki.rootPem] });
    expect(xml).toContain('<vr:SubIndication>urn:etsi:019102:subindication:OUT_OF_BOUNDS_NO_POE</vr:SubIndication>');
    expect(xml).toContain(
      '<kyso:ValidityAt basis="claimed-signing-time" time="2020-06-01T00:00:00.000Z" status="VALID"/>',
    );
    expect(xml).toContain(
      `<kyso:ValidityAt basis="best-signature-time" time="${report.validationTime}" source="validation-time" status="EXPIRED" certificate="Trần Văn Đúng Hạn"/>`,
    );
  });
});

describe('SHA-1 is visible by default, whatever the verdict', () => {
  const pki = new MiniPki();
  afterAll(() => pki.cleanup());

  it('a corpus file signed with SHA-1 (EU DSS pkcs7_sha1.pdf), nothing trusted: INDETERMINATE as before, with the SHA-1 warning in JSON and the human report', async () => {
    const report = await validatePdf(new Uint8Array(readFileSync(`${CORPUS}dss/pkcs7_sha1.pdf`)));
    expect(report.signatures.map(verdictOf)).toEqual([
      'INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND',
      'INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND',
    ]);
    for (const s of report.signatures) {
      const sha1 = s.warnings.find((w) => w.code === 'SHA1_USED');
      expect(sha1?.detail, explain(s)).toMatch(/^signature: SHA-1/);
    }
    expect(humanReport(report, 'vi')).toContain('dùng hàm băm SHA-1, không còn an toàn. [signature: SHA-1');
    expect(humanReport(report, 'en')).toContain(
      'uses SHA-1, a hash function that is no longer secure. [signature: SHA-1',
    );
  });

  it('a SHA-256 signature whose signer certificate is signed with SHA-1 (openssl): CRYPTO_CONSTRAINTS_FAILURE and the warning names the certificate', async () => {
    const root = pki.issue({
      name: 'sha1-root',
      subject: '/C=VN/CN=SHA1 Test Root',
      keyPath: pki.key('rsa2048', 'sha1-root'),
      ext: CA_EXT,
    });
    const leaf = pki.issue({
      name: 'sha1-leaf',
      subject: '/C=VN/CN=Nguyễn SHA Một',
      keyPath: pki.key('rsa2048', 'sha1-leaf'),
      issuer: root,
      ext: LEAF_EXT,
      md: 'sha1',
    });
    const p12 = join(pki.dir, 'sha1-leaf.p12');
    execFileSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-inkey',
        leaf.keyPath,
        '-in',
        leaf.certPath,
        '-certfile',
        root.certPath,
        '-out',
        p12,
        '-passout',
        'pass:x',
      ],
      { stdio: 'pipe' },
    );
    const signed = await signPdf(input, Pkcs12Signer.open(new Uint8Array(readFileSync(p12)), 'x'), {
      certificateCheck: false,
    });
    const [trusted] = (await validatePdf(signed, { trustAnchors: [root.pem] })).signatures;
    expect(verdictOf(trusted), explain(trusted)).toBe('INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE');
    expect(trusted.warnings.find((w) => w.code === 'SHA1_USED')?.detail).toBe('certificate 0: SHA-1');
    // untrusted, the path check stops first: the warning is there all the same
    const [untrusted] = (await validatePdf(signed)).signatures;
    expect(verdictOf(untrusted), explain(untrusted)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
    expect(codes(untrusted.warnings)).toContain('SHA1_USED');
  });

  it('a SHA-256 signature on a SHA-256 path has no SHA-1 warning', async () => {
    const [s] = (await validate(bb)).signatures;
    expect(codes(s.warnings)).not.toContain('SHA1_USED');
  });
});

describe('RSA PKCS#1 v1.5 is a note, not a warning', () => {
  it('kyso’s RSA v1.5 signature: CRYPTO_FLAGGED in notes (signature and each certificate), not in warnings; the human report leaves it out unless details are asked', async () => {
    const report = await validate(bb);
    const [s] = report.signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(codes(s.notes)).toEqual(['CRYPTO_FLAGGED']);
    expect(s.notes[0].detail).toBe(
      'signature: RSASSA-PKCS1-v1_5; certificate 0: RSASSA-PKCS1-v1_5; certificate 1: RSASSA-PKCS1-v1_5',
    );
    expect(codes(s.warnings)).not.toContain('CRYPTO_FLAGGED');
    for (const lang of ['vi', 'en'] as const) expect(humanReport(report, lang)).not.toMatch(/PKCS#1|RSASSA-PKCS1/);
    const details = humanReport(report, 'vi', { details: true });
    expect(details).toContain('Ghi chú kỹ thuật:\n    - Ghi chú kỹ thuật: thuật toán được chấp nhận');
    expect(humanReport(report, 'en', { details: true })).toContain(
      'Technical notes:\n    - Technical note: the algorithm is accepted',
    );
  });

  it('ETSI XML keeps the note as its own ReportData type', async () => {
    const { xml } = await validatePdfEtsiXml(bb, {
      trustAnchors: [readFileSync(fileURLToPath(new URL('../../../test-certs/root-ca.pem', import.meta.url)), 'utf8')],
    });
    expect(xml).toMatch(/<vr:Type>urn:kyso:validation:note<\/vr:Type><vr:Value><kyso:Finding code="CRYPTO_FLAGGED"/);
    expect(xml).not.toMatch(
      /<vr:Type>urn:kyso:validation:warning<\/vr:Type><vr:Value><kyso:Finding code="CRYPTO_FLAGGED"/,
    );
  });
});

describe('revocation said as it is: never "còn hiệu lực" without a check', () => {
  it('offline, no OCSP/CRL in the file: "chưa kiểm tra", no "còn hiệu lực" in the whole report', async () => {
    const report = await validate(bb);
    expect(report.signatures[0].revocation.map((r) => r.status)).toEqual(['NOT_CHECKED', 'NOT_CHECKED']);
    const vi = humanReport(report, 'vi');
    expect(vi).toContain(
      'Tình trạng thu hồi: chưa kiểm tra (không có dữ liệu OCSP/CRL trong tài liệu, không kiểm tra trực tuyến)',
    );
    expect(vi).not.toMatch(/còn hiệu lực/i);
    expect(humanReport(report, 'en')).toContain(
      'Revocation status: not checked (no OCSP/CRL data in the document, not checked online)',
    );
  });

  it('nothing trusted: revocation not checked for want of a path', async () => {
    const report = await validatePdf(bb);
    expect(humanReport(report, 'vi')).toContain('Tình trạng thu hồi: chưa kiểm tra (không có đường dẫn tin cậy)');
    expect(humanReport(report, 'vi')).not.toMatch(/còn hiệu lực/i);
  });

  it('online, signer good at OCSP and CA good at the CRL: each certificate "not revoked" with its source', async () => {
    // a generous timeout: the test responders share two busy cores with the other suites
    const report = await validate(bb, { online: true, timeoutMs: 20_000 });
    const en = humanReport(report, 'en');
    expect(en, en).toMatch(
      /Revocation status: Nguyễn Thị Lấp Lánh Ánh: not revoked \(ONLINE OCSP\); Kyso Test Intermediate CA: not revoked \(ONLINE CRL\)/,
    );
    expect(humanReport(report, 'vi')).toMatch(/Tình trạng thu hồi: .*không bị thu hồi \(ONLINE OCSP\)/);
  });

  it('online, revoked.p12: "ĐÃ BỊ THU HỒI" with the time', async () => {
    const revoked = await kysoSign(input, { p12: 'revoked.p12' });
    const report = await validate(revoked, { online: true, timeoutMs: 20_000 });
    expect(verdictOf(report.signatures[0])).toBe('TOTAL-FAILED/REVOKED');
    expect(humanReport(report, 'vi')).toMatch(
      /Tình trạng thu hồi: Lê Thị Bị Thu Hồi: ĐÃ BỊ THU HỒI lúc \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(UTC\+07:00\)/,
    );
  });
});

describe('one conclusion line per file, vi and en', () => {
  const ends = (report: ValidationReport, vi: string, en: string): void => {
    expect(report.conclusion.vi).toBe(vi);
    expect(report.conclusion.en).toBe(en);
    expect(lastLine(humanReport(report, 'vi'))).toBe(vi);
    expect(lastLine(humanReport(report, 'en'))).toBe(en);
  };

  it('passed: one signature, then two', async () => {
    const one = await validate(bb);
    ends(one, 'Kết luận: tài liệu có 1 chữ ký, hợp lệ.', 'Conclusion: the document has 1 signature, valid.');
    expect(one.conclusion).toMatchObject({
      result: 'PASSED',
      signatures: 1,
      documentTimestamps: 0,
      passed: [1],
      failed: [],
      indeterminate: [],
    });
    const two = await validate(await kysoSign(bb));
    expect(two.signatures.map(verdictOf)).toEqual(['TOTAL-PASSED/-', 'TOTAL-PASSED/-']);
    ends(
      two,
      'Kết luận: tài liệu có 2 chữ ký, tất cả hợp lệ.',
      'Conclusion: the document has 2 signatures, all valid.',
    );
  });

  it('failed: a tampered file', async () => {
    const tampered = bb.slice();
    tampered[Buffer.from(bb).indexOf('/MediaBox') + 1] ^= 0x03;
    const report = await validate(tampered);
    ends(
      report,
      'Kết luận: KHÔNG HỢP LỆ — tài liệu có 1 chữ ký: 1 không hợp lệ (số 1).',
      'Conclusion: NOT VALID — the document has 1 signature: 1 not valid (no. 1).',
    );
    expect(report.conclusion.result).toBe('FAILED');
  });

  it('indeterminate: nothing trusted', async () => {
    const report = await validatePdf(bb);
    ends(
      report,
      'Kết luận: CHƯA XÁC ĐỊNH ĐƯỢC — tài liệu có 1 chữ ký: 1 chưa xác định được tính hợp lệ (số 1).',
      'Conclusion: INDETERMINATE — the document has 1 signature: 1 indeterminate (no. 1).',
    );
    expect(report.conclusion.result).toBe('INDETERMINATE');
  });

  it('none: an unsigned file', async () => {
    const report = await validatePdf(input);
    ends(report, 'Kết luận: tài liệu không có chữ ký số.', 'Conclusion: the document has no digital signature.');
    expect(report.conclusion).toMatchObject({ result: 'NO_SIGNATURE', signatures: 0 });
    expect(humanReport(report, 'vi')).toContain('Tài liệu không có chữ ký số.');
  });

  it('mixed: failed before indeterminate before passed, each with its numbers; document timestamps counted apart', () => {
    const c = conclusionOf([
      { index: 0, kind: 'certification', indication: 'TOTAL-PASSED' },
      { index: 1, kind: 'approval', indication: 'INDETERMINATE' },
      { index: 2, kind: 'approval', indication: 'TOTAL-FAILED' },
      { index: 3, kind: 'doc-timestamp', indication: 'TOTAL-PASSED' },
    ]);
    expect(c).toMatchObject({
      result: 'FAILED',
      signatures: 3,
      documentTimestamps: 1,
      passed: [1, 4],
      failed: [3],
      indeterminate: [2],
    });
    expect(c.vi).toBe(
      'Kết luận: KHÔNG HỢP LỆ — tài liệu có 3 chữ ký và 1 dấu thời gian tài liệu: 1 không hợp lệ (số 3), 1 chưa xác định được tính hợp lệ (số 2), 2 hợp lệ (số 1, 4).',
    );
    expect(c.en).toBe(
      'Conclusion: NOT VALID — the document has 3 signatures and 1 document timestamp: 1 not valid (no. 3), 1 indeterminate (no. 2), 2 valid (no. 1, 4).',
    );
    const passed = conclusionOf([
      { index: 0, kind: 'approval', indication: 'TOTAL-PASSED' },
      { index: 1, kind: 'doc-timestamp', indication: 'TOTAL-PASSED' },
    ]);
    expect(passed.vi).toBe('Kết luận: tài liệu có 1 chữ ký và 1 dấu thời gian tài liệu, tất cả hợp lệ.');
  });
});
