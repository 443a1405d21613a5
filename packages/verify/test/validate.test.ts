/**
 * The verdict policy of validatePdf over files kyso signs: trust, validity at the best signature time (now, a
 * chosen --at, a timestamp), revocation (offline, online against the test OCSP responder and CRL server, required
 * or not), B-T with a real RFC 3161 TSA, and the human report in Vietnamese and English with the fields of
 * DOMAIN.md §10.2 V11.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Pkcs12Signer, signPdf, timestampPdf, tsaTimestamper } from '@kyso/core';
import { randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { BytesSource, type ByteSource } from '@kyso/pdf';
import { humanReport, validatePdf, vietnamTime, type SignatureReport } from '@kyso/verify';
import { startTsa, type TsaServer } from '../../../tests/helpers/pki-servers.js';
import { datedPki } from './helpers/dated-pki.js';
import {
  CERTS,
  INTERMEDIATE_PEM,
  ROOT_PEM,
  explain,
  kysoSign,
  plainPdf,
  validate,
  verdictOf,
} from './helpers/signed-pdfs.js';

const PYHANKO_ROOT = readFileSync(
  fileURLToPath(new URL('../../../tests/fixtures/corpus/pyhanko/roots/testing-ca-root.pem', import.meta.url)),
  'utf8',
);
const codes = (fs: { code: string }[]): string[] => fs.map((f) => f.code);

/** The revocation time test-certs/ocsp-index.txt records for revoked.p12 (the OCSP responder answers from it). */
function revokedAt(): Date {
  const line = readFileSync(`${CERTS}ocsp-index.txt`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('R\t'));
  const m = /^R\t\d+Z\t(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z/.exec(line ?? '');
  if (!m) throw new Error('no revoked entry in test-certs/ocsp-index.txt');
  return new Date(`20${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

let input: Uint8Array;
let bb: Uint8Array;
let tsa: TsaServer;
/** The claimed signing time of `bb`: a minute ago, whole seconds (a PDF date has no fractions). */
const claimed = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);

beforeAll(async () => {
  input = await plainPdf();
  bb = await kysoSign(input, { reason: 'Phê duyệt kết quả', location: 'Phường Kinh Bắc', signingTime: claimed });
  tsa = await startTsa();
});
afterAll(async () => {
  await tsa?.stop();
});

describe('trust', () => {
  it('B-B signed and trusted: TOTAL-PASSED, level B-B, the claimed time from /M, the full chain', async () => {
    const [s] = (await validate(bb)).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s).toMatchObject({
      kind: 'approval',
      level: 'B-B',
      intact: true,
      coverage: 'ENTIRE_FILE',
      modifications: 'NONE',
      signingTime: claimed.toISOString(),
      signingTimeSource: 'claimed',
      reason: 'Phê duyệt kết quả',
      location: 'Phường Kinh Bắc',
      trustedChain: true,
      certificateValidAtSigningTime: true,
      subFilter: 'ETSI.CAdES.detached',
    });
    expect(s.chain).toEqual(['Nguyễn Thị Lấp Lánh Ánh', 'Kyso Test Intermediate CA', 'Kyso Test Root CA']);
    expect(s.signer).toMatchObject({
      commonName: 'Nguyễn Thị Lấp Lánh Ánh',
      organization: 'Ủy ban nhân dân phường Kinh Bắc',
      issuer: { commonName: 'Kyso Test Intermediate CA' },
    });
    // offline and no embedded OCSP/CRL: passes, with the warning DOMAIN.md requires
    expect(codes(s.warnings)).toContain('REVOCATION_UNKNOWN');
    expect(s.revocation.map((r) => r.status)).toEqual(['NOT_CHECKED', 'NOT_CHECKED']);
  });

  it('nothing trusted: INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND, yet intact', async () => {
    const [s] = (await validatePdf(bb, {})).signatures;
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
    expect(s.intact).toBe(true);
    expect(s.trustedChain).toBe(false);
  });

  it('only an unrelated root trusted: INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND', async () => {
    const [s] = (await validatePdf(bb, { trustAnchors: [PYHANKO_ROOT] })).signatures;
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('several roots, one of them the signer’s: TOTAL-PASSED through that one', async () => {
    const [s] = (await validatePdf(bb, { trustAnchors: [PYHANKO_ROOT, ROOT_PEM] })).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s.chain.at(-1)).toBe('Kyso Test Root CA');
  });

  it('the intermediate CA as the only anchor: the path ends there', async () => {
    const [s] = (await validatePdf(bb, { trustAnchors: [INTERMEDIATE_PEM] })).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s.chain).toEqual(['Nguyễn Thị Lấp Lánh Ánh', 'Kyso Test Intermediate CA']);
  });

  it('ECDSA P-256 and RSASSA-PSS signatures pass the same way; PSS is not flagged as PKCS#1 v1.5', async () => {
    const ec = (await validate(await kysoSign(input, { p12: 'signer-ec.p12' }))).signatures[0];
    expect(verdictOf(ec), explain(ec)).toBe('TOTAL-PASSED/-');
    expect(ec.signer?.publicKey).toMatch(/^EC|P-256/);
    const signer = Pkcs12Signer.open(new Uint8Array(readFileSync(`${CERTS}signer.p12`)), 'kyso-test', {
      rsaScheme: 'rsa-pss',
    });
    const pss = (await validate(await signPdf(input, signer, { certificateCheck: false }))).signatures[0];
    expect(verdictOf(pss), explain(pss)).toBe('TOTAL-PASSED/-');
    // the PKCS#1 v1.5 note names the certificates (signed v1.5 by the CA), not the PSS signature itself
    const flagged = pss.notes.find((w) => w.code === 'CRYPTO_FLAGGED');
    expect(flagged?.detail).toMatch(/^certificate 0: RSASSA-PKCS1-v1_5/);
    expect(codes(pss.warnings)).not.toContain('CRYPTO_FLAGGED');
  });
});

describe('validity at the best signature time', () => {
  const expired = () => kysoSign(input, { p12: 'expired.p12', signingTime: new Date('2020-06-01T00:00:00Z') });

  it('expired.p12, validated now without a timestamp: INDETERMINATE / OUT_OF_BOUNDS_NO_POE', async () => {
    const [s] = (await validate(await expired())).signatures;
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/OUT_OF_BOUNDS_NO_POE');
    expect(s.certificateValidAtSigningTime).toBe(false);
    expect(s.reasons[0].detail).toBe('Phạm Văn Hết Hạn');
  });

  it('expired.p12 at a past --at inside its period: its CAs (made in 2026) were not valid yet → TOTAL-FAILED / NOT_YET_VALID', async () => {
    const [s] = (await validate(await expired(), { at: new Date('2020-07-01T00:00:00Z') })).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/NOT_YET_VALID');
    expect(s.reasons[0].detail).toBe('Kyso Test Intermediate CA');
  });

  it('expired.p12 with a timestamp made now: the timestamp proves signing after expiry → TOTAL-FAILED / EXPIRED', async () => {
    const pdf = await kysoSign(input, { p12: 'expired.p12', level: 'B-T', timestamper: tsaTimestamper(tsa.url) });
    const [s] = (await validate(pdf)).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/EXPIRED');
    expect(s.signingTimeSource).toBe('timestamp');
  });

  describe('a PKI whose leaf was valid only in 2020 (made with openssl ca in the test)', () => {
    let pki: ReturnType<typeof datedPki>;
    let pdf: Uint8Array;
    beforeAll(async () => {
      pki = datedPki({
        root: [new Date('2019-01-01T00:00:00Z'), new Date('2040-01-01T00:00:00Z')],
        leaf: [new Date('2020-01-01T00:00:00Z'), new Date('2021-01-01T00:00:00Z')],
      });
      const signer = Pkcs12Signer.open(pki.p12, pki.password);
      pdf = await signPdf(input, signer, { certificateCheck: false, signingTime: new Date('2020-06-01T00:00:00Z') });
    });

    it('now: INDETERMINATE / OUT_OF_BOUNDS_NO_POE (expired, nothing proves the signature is older); valid at the claimed time, as a fact', async () => {
      const [s] = (await validatePdf(pdf, { trustAnchors: [pki.rootPem] })).signatures;
      expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/OUT_OF_BOUNDS_NO_POE');
      // /M (2020-06-01) is inside the leaf's period: said, but not proven; at the validation time it has expired
      expect(s.certificateValidAtSigningTime).toBe(true);
      expect(s.certificateValidAtClaimedTime).toBe(true);
      expect(s.certificateValidAtBestSignatureTime).toBe(false);
      expect(s.bestSignatureTime.source).toBe('validation-time');
    });

    it('at 2020-07-01 (--at): TOTAL-PASSED, the certificate valid at that time', async () => {
      const report = await validatePdf(pdf, { trustAnchors: [pki.rootPem], at: new Date('2020-07-01T00:00:00Z') });
      expect(report.validationTime).toBe('2020-07-01T00:00:00.000Z');
      const [s] = report.signatures;
      expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
      expect(s.certificateValidAtSigningTime).toBe(true);
      expect(s.signer?.validTo).toBe('2021-01-01T00:00:00.000Z');
    });

    it('at 2019-06-01, before the leaf existed: TOTAL-FAILED / NOT_YET_VALID', async () => {
      const [s] = (await validatePdf(pdf, { trustAnchors: [pki.rootPem], at: new Date('2019-06-01T00:00:00Z') }))
        .signatures;
      expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/NOT_YET_VALID');
    });
  });
});

describe('revocation', () => {
  let revoked: Uint8Array;
  beforeAll(async () => {
    revoked = await kysoSign(input, { p12: 'revoked.p12', certificateCheck: { revocation: 'off' } });
  });

  it('offline, revoked.p12 cannot be known revoked: passes with a warning (policy "warn"), TRY_LATER when required', async () => {
    const [warn] = (await validate(revoked)).signatures;
    expect(verdictOf(warn), explain(warn)).toBe('TOTAL-PASSED/-');
    expect(codes(warn.warnings)).toContain('REVOCATION_UNKNOWN');
    const [require] = (await validate(revoked, { verdictPolicy: { revocation: 'require' } })).signatures;
    expect(verdictOf(require), explain(require)).toBe('INDETERMINATE/TRY_LATER');
  });

  it('online: revoked before the signing time → TOTAL-FAILED / REVOKED, from the OCSP responder', async () => {
    const [s] = (await validate(revoked, { online: true })).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/REVOKED');
    expect(s.revocation[0]).toMatchObject({
      certificate: 'Lê Thị Bị Thu Hồi',
      status: 'REVOKED',
      revokedAt: revokedAt().toISOString(),
    });
    expect(s.revocation[0].source).toMatch(/OCSP/);
    expect(s.reasons[0].detail).toMatch(/keyCompromise/);
  });

  it('online: a claimed signing time before the revocation proves nothing → INDETERMINATE / REVOKED_NO_POE', async () => {
    const before = await kysoSign(input, {
      p12: 'revoked.p12',
      signingTime: new Date(revokedAt().getTime() - 3600_000),
    });
    const [s] = (await validate(before, { online: true })).signatures;
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/REVOKED_NO_POE');
  });

  it('online: signer.p12 is good at the OCSP responder and its CA at the CRL → TOTAL-PASSED without a revocation warning', async () => {
    const [s] = (await validate(bb, { online: true })).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s.revocation.map((r) => r.status)).toEqual(['GOOD', 'GOOD']);
    expect(s.revocation.map((r) => r.source)).toEqual([expect.stringMatching(/OCSP/), expect.stringMatching(/CRL/)]);
    expect(codes(s.warnings)).not.toContain('REVOCATION_UNKNOWN');
  });

  it('online with the responders unreachable (a fetch that fails): unknown, a warning, never a crash', async () => {
    const [s] = (
      await validate(bb, {
        online: true,
        timeoutMs: 500,
        fetch: async () => {
          throw new Error('network down');
        },
      })
    ).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(codes(s.warnings)).toContain('REVOCATION_UNKNOWN');
  });
});

describe('B-T with a real RFC 3161 TSA', () => {
  let bt: Uint8Array;
  let s: SignatureReport;
  beforeAll(async () => {
    // /M claims a time well before the token's: the best signing time must be the timestamp, not the claim
    bt = await kysoSign(input, {
      level: 'B-T',
      timestamper: tsaTimestamper(tsa.url),
      signingTime: new Date(Date.now() - 3600_000),
    });
    [s] = (await validate(bt)).signatures;
  });

  it('TOTAL-PASSED at level B-T; the best signing time is the timestamp’s, not the claimed /M', () => {
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s.level).toBe('B-T');
    expect(s.timestamps).toHaveLength(1);
    expect(s.timestamps[0]).toMatchObject({
      kind: 'signature-timestamp',
      intact: true,
      trusted: true,
      tsa: 'Kyso Test TSA',
    });
    expect(s.signingTimeSource).toBe('timestamp');
    expect(s.signingTime).toBe(s.timestamps[0].time);
    expect(Date.parse(s.signingTime as string) - Date.parse(s.claimedSigningTime as string)).toBeGreaterThan(3000_000);
  });

  it('the TSA is not trusted when its root is not: the timestamp is no proof, the signature untrusted', async () => {
    const [u] = (await validatePdf(bt, {})).signatures;
    expect(verdictOf(u), explain(u)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
    expect(u.timestamps[0].trusted).toBe(false);
  });

  it('validated after the signer certificate expired but while the TSA is valid: the timestamp proves it was valid at signing → still TOTAL-PASSED (DOMAIN.md §10.3)', async () => {
    // A signer certificate that ends long before the test TSA's (test-certs' leaves all end on the same day).
    const short = datedPki({
      root: [new Date(Date.now() - 86_400_000), new Date(Date.now() + 10 * 365 * 86_400_000)],
      leaf: [new Date(Date.now() - 86_400_000), new Date(Date.now() + 365 * 86_400_000)],
      leafName: 'Phạm Văn Ngắn Hạn',
    });
    const signed = await signPdf(input, Pkcs12Signer.open(short.p12, short.password), {
      certificateCheck: false,
      level: 'B-T',
      timestamper: tsaTimestamper(tsa.url),
    });
    const anchors = { trustAnchors: [ROOT_PEM, short.rootPem] };
    const [now] = (await validate(signed, anchors)).signatures;
    const after = new Date(Date.parse(now.signer!.validTo) + 30 * 24 * 3600_000);
    expect(after.getTime()).toBeLessThan(Date.parse(s.timestamps[0].tsaValidUntil!));
    const [late] = (await validate(signed, { ...anchors, at: after })).signatures;
    expect(verdictOf(late), explain(late)).toBe('TOTAL-PASSED/-');
    expect(late.signingTimeSource).toBe('timestamp');
    expect(late.certificateValidAtSigningTime).toBe(true);
    expect(late.timestamps[0]).toMatchObject({ trusted: true, provesExistence: true });
    // without the timestamp the same expiry is OUT_OF_BOUNDS_NO_POE
    const bare = await signPdf(input, Pkcs12Signer.open(short.p12, short.password), { certificateCheck: false });
    const [b] = (await validate(bare, { ...anchors, at: after })).signatures;
    expect(verdictOf(b), explain(b)).toBe('INDETERMINATE/OUT_OF_BOUNDS_NO_POE');
  });

  it('a TSA whose certificate was revoked before the token: online, the timestamp is no proof (TIMESTAMP_UNTRUSTED); offline, with no status for the TSA, it still counts', async () => {
    const day = 86_400_000;
    const crlUrl = 'http://127.0.0.1:39609/revoked-tsa-root.crl'; // nothing listens there: bad.fetchWithCrl serves it
    const bad = datedPki({
      root: [new Date(Date.now() - day), new Date(Date.now() + 3650 * day)],
      leaf: [new Date(Date.now() - day), new Date(Date.now() + 3650 * day)],
      leafName: 'Kyso Revoked TSA',
      purpose: 'timestamping',
      crlUrl,
      revokeLeaf: true,
    });
    await new Promise((r) => setTimeout(r, 1100)); // the token's time after the revocation's second
    const revokedTsa = await startTsa({
      signer: { certPem: bad.leafCertPem, keyPem: bad.leafKeyPem, chainPem: bad.rootPem },
    });
    try {
      const signed = await kysoSign(input, { level: 'B-T', timestamper: tsaTimestamper(revokedTsa.url) });
      const trustAnchors = [ROOT_PEM, bad.rootPem];
      const [offline] = (await validate(signed, { trustAnchors })).signatures;
      expect(offline.timestamps[0]).toMatchObject({ trusted: true, provesExistence: true, tsa: 'Kyso Revoked TSA' });
      const [online] = (await validate(signed, { trustAnchors, online: true, fetch: bad.fetchWithCrl })).signatures;
      expect(online.timestamps[0]).toMatchObject({ trusted: false, provesExistence: false });
      expect(codes(online.warnings)).toContain('TIMESTAMP_UNTRUSTED');
      expect(online.signingTimeSource).toBe('claimed');
      expect(verdictOf(online), explain(online)).toBe('TOTAL-PASSED/-'); // the signer's own certificate is fine now
    } finally {
      await revokedTsa.stop();
    }
  });

  it('validated after the TSA certificate expired too, with no archive timestamp made before: the timestamp proves nothing any more → INDETERMINATE / OUT_OF_BOUNDS_NO_POE (EN 319 102-1)', async () => {
    const after = new Date(Date.parse(s.timestamps[0].tsaValidUntil!) + 24 * 3600_000);
    const [late] = (await validate(bt, { at: after })).signatures;
    expect(verdictOf(late), explain(late)).toBe('INDETERMINATE/OUT_OF_BOUNDS_NO_POE');
    expect(late.signingTimeSource).toBe('claimed'); // the timestamp no longer counts; /M is only a claim
    expect(late.timestamps[0]).toMatchObject({ intact: true, trusted: true, provesExistence: false });
    expect(codes(late.warnings)).toContain('TIMESTAMP_EXPIRED_NO_POE');
  });
});

describe('the human report (DOMAIN.md §10.2 V11)', () => {
  let bt: Uint8Array;
  beforeAll(async () => {
    bt = await kysoSign(input, { level: 'B-T', timestamper: tsaTimestamper(tsa.url) });
  });

  it('in Vietnamese: result, signer, issuer, trust anchor, signing time from the timestamp, integrity, validity, period', async () => {
    const report = await validate(bt);
    const s = report.signatures[0];
    const text = humanReport(report, 'vi');
    expect(text).toContain('KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ');
    expect(text).toContain(`Thời điểm kiểm tra: ${vietnamTime(report.validationTime)}`);
    expect(text).toContain('Chữ ký 1 — Trường chữ ký: Signature1');
    expect(text).toContain('Kết quả: Chữ ký hợp lệ (TOTAL-PASSED)');
    expect(text).toContain('Người ký: Nguyễn Thị Lấp Lánh Ánh, Ủy ban nhân dân phường Kinh Bắc');
    expect(text).toContain('Tổ chức cấp chứng thư số: Kyso Test Intermediate CA, Kyso Thử Nghiệm');
    expect(text).toContain('Đơn vị quản lý chứng thư số (gốc tin cậy): Kyso Test Root CA');
    expect(text).toContain(`Thời điểm ký: ${vietnamTime(s.signingTime)} — theo dấu thời gian`);
    expect(text).toContain('Tính toàn vẹn: Toàn vẹn, không bị thay đổi sau khi ký');
    expect(text).toContain('Hiệu lực chứng thư tại thời điểm ký: trong thời hạn hiệu lực');
    // offline, no OCSP/CRL in the file: said so, and never "còn hiệu lực" (still valid)
    expect(text).toContain(
      'Tình trạng thu hồi: chưa kiểm tra (không có dữ liệu OCSP/CRL trong tài liệu, không kiểm tra trực tuyến)',
    );
    expect(text).not.toMatch(/còn hiệu lực/i);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Kết luận: tài liệu có 1 chữ ký, hợp lệ.');
    expect(text).toContain(
      `Thời hạn chứng thư số: từ ${vietnamTime(s.signer!.validFrom)} đến ${vietnamTime(s.signer!.validTo)}`,
    );
    expect(text).toContain('Định dạng: PAdES B-T');
    expect(vietnamTime(s.signer!.validFrom)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(UTC\+07:00\)$/);
  });

  it('in English: the same fields', async () => {
    const report = await validate(bt);
    const s = report.signatures[0];
    const text = humanReport(report, 'en');
    expect(text).toContain('DIGITAL SIGNATURE VALIDATION REPORT');
    expect(text).toContain('Signature 1 — Field: Signature1');
    expect(text).toContain('Result: The signature is valid (TOTAL-PASSED)');
    expect(text).toContain('Signer: Nguyễn Thị Lấp Lánh Ánh, Ủy ban nhân dân phường Kinh Bắc');
    expect(text).toContain('Issuing CA: Kyso Test Intermediate CA, Kyso Thử Nghiệm');
    expect(text).toContain(`Signing time: ${vietnamTime(s.signingTime)} — from a timestamp`);
    expect(text).toContain('Integrity: Intact, not altered after signing');
    expect(text).toContain('Certificate at signing time: within its validity period');
    expect(text).toContain('Revocation status: not checked (no OCSP/CRL data in the document, not checked online)');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Conclusion: the document has 1 signature, valid.');
    expect(text).toContain(
      `Certificate validity period: from ${vietnamTime(s.signer!.validFrom)} to ${vietnamTime(s.signer!.validTo)}`,
    );
    expect(text).not.toMatch(/Kết quả|Người ký/);
  });

  it('a failed signature shows why, in the language asked; a claimed time says it is not proven', async () => {
    const tampered = bb.slice();
    const at = Buffer.from(bb).indexOf('/MediaBox') + 1;
    tampered[at] ^= 0x03;
    const report = await validate(tampered);
    const vi = humanReport(report, 'vi');
    const en = humanReport(report, 'en');
    expect(vi).toContain('Kết quả: Chữ ký không hợp lệ (TOTAL-FAILED / HASH_FAILURE)');
    expect(vi).toContain('Tính toàn vẹn: Không toàn vẹn');
    expect(vi).toContain('do phần mềm ký khai báo, chưa được chứng minh');
    expect(vi).toMatch(/Lý do:\n {4}- \S/);
    expect(en).toContain('Result: The signature is invalid (TOTAL-FAILED / HASH_FAILURE)');
    expect(en).toContain('claimed by the signing software, not proven');
    expect(en).toMatch(/Reasons:\n {4}- \S/);
  });

  it('a document without signatures says so', async () => {
    const report = await validatePdf(input, { trustAnchors: [ROOT_PEM] });
    expect(report.signatures).toEqual([]);
    expect(humanReport(report, 'vi')).toContain('Tài liệu không có chữ ký số.');
    expect(humanReport(report, 'en')).toContain('The document has no digital signature.');
  });
});

describe('input read in windows (a ByteSource)', () => {
  it('gives the same report as the bytes, for two signatures and a document timestamp over a 3 MB file, and never reads more than 1 MiB at once', async () => {
    const doc = await PDFDocument.load(await plainPdf());
    await doc.attach(randomBytes(3 * 1024 * 1024), 'scan.bin', { mimeType: 'application/octet-stream' });
    const big = await doc.save({ useObjectStreams: false });
    const once = await kysoSign(big, { signingTime: claimed });
    const twice = await kysoSign(once, { p12: 'seal.p12', level: 'B-T', timestamper: tsaTimestamper(tsa.url) });
    const stamped = await timestampPdf(twice, { timestamper: tsaTimestamper(tsa.url) });
    let largest = 0;
    let total = 0;
    const inner = new BytesSource(stamped);
    // copies, as a file-backed source would hand out: nothing may rely on views of one whole buffer
    const windowed: ByteSource = {
      length: stamped.length,
      read(start, end) {
        const piece = inner.read(start, end);
        largest = Math.max(largest, piece.length);
        total += piece.length;
        return piece.slice();
      },
    };
    const at = new Date();
    const fromBytes = await validate(stamped, { at });
    const fromSource = await validatePdf(windowed, { trustAnchors: [ROOT_PEM], at });
    expect(fromSource).toEqual(fromBytes);
    expect(fromSource.signatures.map((x) => [x.kind, x.indication])).toEqual([
      ['approval', 'TOTAL-PASSED'],
      ['approval', 'TOTAL-PASSED'],
      ['doc-timestamp', 'TOTAL-PASSED'],
    ]);
    expect(largest).toBeLessThanOrEqual(1 << 20);
    expect(total).toBeGreaterThan(3 * stamped.length - 3 * 1024 * 1024); // three digests over (nearly) the whole file
  });
});
