/**
 * RFC 3161 timestamps in @kyso/verify: tokens from the real TSA (openssl ts -reply behind HTTP), tokens openssl
 * cms signs with certificates made here (no EKU, a non-critical EKU, RSASSA-PSS, ECDSA), kyso's own B-T
 * signatures, and the corpus's signature and document timestamps.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfDocument } from '@kyso/pdf';
import { buildTimestampRequest, parseTimestampResponse, signPdf, tsaTimestamper, type TimestampHash } from '@kyso/core';
import {
  TIMESTAMP_MESSAGES,
  checkDocumentTimestamp,
  checkSignatureTimestamps,
  checkTimestampToken,
  describeTimestampProblem,
  findSignatures,
  inspectTsaCertificate,
  parseCms,
  readTimestampToken,
  signatureTimestampTokens,
} from '@kyso/verify';
import {
  TEST_CERTS,
  TSA_DEFAULT_POLICY,
  leafPem,
  pemToDer,
  startTsa,
  type TsaServer,
} from '../../../tests/helpers/pki-servers.js';
import { openSigner } from '../../../tests/helpers/keys.js';
import { pdfLibDoc } from '../../../tests/helpers/producers.js';
import { run, scratch } from '../../../tests/helpers/tools.js';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus', import.meta.url));
const DATA = new TextEncoder().encode('Kết quả giải quyết thủ tục hành chính — dấu thời gian');
const OTHER = new TextEncoder().encode('Kết quả khác');
const tmp = scratch('kyso-verify-tsp-');
const certDer = (name: string) => pemToDer(readFileSync(leafPem(name).cert, 'utf8'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

let tsa: TsaServer;
beforeAll(async () => {
  tsa = await startTsa();
});
afterAll(async () => {
  await tsa?.stop();
  tmp.cleanup();
});

/** Asks a TSA for a token over `data` without checking the answer (that is what is under test). */
async function stamp(
  server: TsaServer,
  data: Uint8Array,
  hash: TimestampHash = 'SHA-256',
): Promise<{ token: Uint8Array; nonce: string }> {
  const imprint = new Uint8Array(await crypto.subtle.digest(hash, data));
  const request = buildTimestampRequest(imprint, hash);
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query' },
    body: request.der,
  });
  const response = parseTimestampResponse(new Uint8Array(await res.arrayBuffer()));
  expect(response.status).toBe(0);
  return { token: response.token!, nonce: request.nonce };
}

function tstInfoOf(token: Uint8Array): Uint8Array {
  const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(token.slice().buffer as ArrayBuffer).content });
  return new Uint8Array(sd.encapContentInfo.eContent!.getValue());
}

interface Made {
  key: 'rsa' | 'ec';
  eku: 'none' | 'critical' | 'non-critical';
  pss?: boolean;
  files?: { key: string; cert: string; id: string };
}

/** A certificate made with openssl here (before the token it will sign, so it is valid at its genTime). */
function opensslCertificate(made: Made): { key: string; cert: string; id: string } {
  const id = `${made.key}-${made.eku}-${made.pss ? 'pss' : 'v15'}`;
  const key = join(tmp.dir, `${id}.key`);
  const cert = join(tmp.dir, `${id}.pem`);
  const newkey =
    made.key === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  const ext =
    made.eku === 'none'
      ? []
      : ['-addext', `extendedKeyUsage=${made.eku === 'critical' ? 'critical,' : ''}timeStamping`];
  const req = run('openssl', [
    'req',
    '-x509',
    ...newkey,
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '30',
    '-subj',
    `/CN=Kyso Test Forged TSA ${id}`,
    ...ext,
  ]);
  expect(req.status, req.stderr).toBe(0);
  return { key, cert, id };
}

/** openssl cms signing `tstInfo` as a TimeStampToken (CAdES: ESS signing-certificate-v2) with a certificate made here. */
function opensslToken(tstInfo: Uint8Array, made: Made): { token: Uint8Array; cert: Uint8Array } {
  const { key, cert, id } = made.files ?? opensslCertificate(made);
  const out = join(tmp.dir, `${id}.tst`);
  const sign = run('openssl', [
    'cms',
    '-sign',
    '-binary',
    '-nodetach',
    '-in',
    tmp.file(`${id}.tstinfo`, tstInfo),
    '-econtent_type',
    '1.2.840.113549.1.9.16.1.4',
    '-signer',
    cert,
    '-inkey',
    key,
    '-md',
    'sha256',
    '-cades',
    '-nosmimecap',
    '-outform',
    'DER',
    '-out',
    out,
    ...(made.pss ? ['-keyopt', 'rsa_padding_mode:pss'] : []),
  ]);
  expect(sign.status, sign.stderr).toBe(0);
  return { token: new Uint8Array(readFileSync(out)), cert: pemToDer(readFileSync(cert, 'utf8')) };
}

describe('tokens from the real TSA', () => {
  it('a good token: imprint, CMS signature, ESS binding and EKU all check; the facts are the TSA’s', async () => {
    const { token, nonce } = await stamp(tsa, DATA);
    const c = await checkTimestampToken(token, { data: DATA, nonce, policy: TSA_DEFAULT_POLICY });
    expect(c.problems).toEqual([]);
    expect(c.valid).toBe(true);
    expect(c).toMatchObject({
      parsed: true,
      imprintMatches: true,
      messageDigestMatches: true,
      signatureValid: true,
      signingCertificateBound: true,
    });
    expect(Math.abs(c.genTime!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(c.accuracy).toEqual({ seconds: 1, millis: 500, micros: 0 });
    expect(c.policy).toBe(TSA_DEFAULT_POLICY);
    expect(c.hash).toBe('SHA-256');
    expect(c.nonce).toBe(nonce);
    expect(c.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(hex(c.tsaCertificate!)).toBe(hex(certDer('tsa')));
    // TSA + intermediate + root (the TSA is configured with certs = ca-chain.pem): the chain for the trust module.
    expect(c.certificates.map(hex)).toEqual(
      expect.arrayContaining(
        [certDer('tsa'), pemToDer(readFileSync(join(TEST_CERTS, 'root-ca.pem'), 'utf8'))].map(hex),
      ),
    );
    expect(c.certificates).toHaveLength(3);
    expect(c.tsaCertificateFacts).toMatchObject({
      purposes: ['1.3.6.1.5.5.7.3.8'],
      ekuCritical: true,
      validAt: true,
      problems: [],
    });
    expect(c.signedAttributeTypes).toContain('1.2.840.113549.1.9.16.2.47');
    // Reading alone gives the same facts without cryptography.
    const r = readTimestampToken(token);
    expect(r.genTime).toEqual(c.genTime);
    expect(r.problems).toEqual([]);
  });

  it.each(['SHA-384', 'SHA-512'] as const)('checks a %s imprint with the token’s own algorithm', async (hash) => {
    const { token } = await stamp(tsa, DATA, hash);
    const c = await checkTimestampToken(token, { data: DATA });
    expect(c.hash).toBe(hash);
    expect(c.valid).toBe(true);
    const d = await checkTimestampToken(token, {
      digest: { hash: 'SHA-256', value: new Uint8Array(await crypto.subtle.digest('SHA-256', DATA)) },
    });
    expect(d.problems).toEqual(['TST_IMPRINT_MISMATCH']); // right data, other algorithm: not what was stamped
  });

  it('imprint mismatch: the token is sound but stamps other data', async () => {
    const { token } = await stamp(tsa, DATA);
    const c = await checkTimestampToken(token, { data: OTHER });
    expect(c.problems).toEqual(['TST_IMPRINT_MISMATCH']);
    expect(c.imprintMatches).toBe(false);
    expect(c.signatureValid).toBe(true);
    expect(c.valid).toBe(false);
  });

  it('a tampered TSTInfo (genTime moved by ten minutes) breaks the message digest', async () => {
    const { token } = await stamp(tsa, DATA);
    const genTime = readTimestampToken(token).genTime!;
    const digits = genTime.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const at = Buffer.from(token).indexOf(Buffer.from(digits, 'latin1'));
    expect(at).toBeGreaterThan(0);
    const tampered = token.slice();
    const tens = at + 10; // YYYYMMDDhh|m|m ss
    tampered[tens] = 0x30 + ((tampered[tens] - 0x30 + 1) % 6);
    const c = await checkTimestampToken(tampered, { data: DATA });
    expect(c.parsed).toBe(true);
    expect(Math.abs(c.genTime!.getTime() - genTime.getTime())).toBeGreaterThanOrEqual(9 * 60_000);
    expect(c.imprintMatches).toBe(true);
    expect(c.messageDigestMatches).toBe(false);
    expect(c.problems).toContain('TST_MESSAGE_DIGEST_MISMATCH');
    expect(c.valid).toBe(false);
  });

  it('a flipped signature byte: TST_SIGNATURE_INVALID', async () => {
    const bad = await startTsa({ mode: 'bad-signature' });
    try {
      const { token } = await stamp(bad, DATA);
      const c = await checkTimestampToken(token, { data: DATA });
      expect(c.problems).toEqual(['TST_SIGNATURE_INVALID']);
      expect(c.signatureValid).toBe(false);
    } finally {
      await bad.stop();
    }
  });

  it('wrong nonce: the TSA answered another query', async () => {
    const wrong = await startTsa({ mode: 'wrong-nonce' });
    try {
      const { token, nonce } = await stamp(wrong, DATA);
      const c = await checkTimestampToken(token, { data: DATA, nonce });
      expect(c.problems).toEqual(['TST_NONCE_MISMATCH']);
      expect(c.nonce).not.toBe(nonce);
      // Without a nonce to compare (a verifier reading an embedded token), the token itself is sound.
      expect((await checkTimestampToken(token, { data: DATA })).valid).toBe(true);
    } finally {
      await wrong.stop();
    }
  });

  it('a token without certificates: not found unless the caller has it (e.g. from the DSS)', async () => {
    const noCert = await startTsa({ mode: 'no-cert' });
    try {
      const { token } = await stamp(noCert, DATA);
      const c = await checkTimestampToken(token, { data: DATA });
      expect(c.problems).toEqual(['TST_CERTIFICATE_NOT_FOUND']);
      expect(c.certificates).toEqual([]);
      const withCert = await checkTimestampToken(token, {
        data: DATA,
        certificates: [certDer('signer'), certDer('tsa')],
      });
      expect(withCert.valid).toBe(true);
      expect(withCert.tsaCertificateFromOutside).toBe(true);
      expect(hex(withCert.tsaCertificate!)).toBe(hex(certDer('tsa')));
    } finally {
      await noCert.stop();
    }
  });

  it('accepts the ESS signing-certificate (v1, SHA-1) binding', async () => {
    const v1 = await startTsa({ essCertIdAlg: 'sha1' });
    try {
      const { token } = await stamp(v1, DATA);
      const c = await checkTimestampToken(token, { data: DATA });
      expect(c.signedAttributeTypes).toContain('1.2.840.113549.1.9.16.2.12');
      expect(c.valid).toBe(true);
    } finally {
      await v1.stop();
    }
  });
});

describe('tokens openssl cms signs with certificates made in the test', () => {
  const kinds: Made[] = [
    { key: 'rsa', eku: 'none' },
    { key: 'rsa', eku: 'non-critical' },
    { key: 'rsa', eku: 'critical', pss: true },
    { key: 'ec', eku: 'critical' },
  ];
  let tstInfo: Uint8Array;
  beforeAll(async () => {
    for (const made of kinds) made.files = opensslCertificate(made); // first: notBefore (whole seconds) is then not after genTime
    tstInfo = tstInfoOf((await stamp(tsa, DATA)).token);
  });

  it('a certificate without the timeStamping EKU: everything verifies but the TSA certificate', async () => {
    const { token } = opensslToken(tstInfo, kinds[0]);
    const c = await checkTimestampToken(token, { data: DATA });
    expect(c.problems).toEqual(['TSA_CERT_NO_EKU']);
    expect(c).toMatchObject({
      imprintMatches: true,
      messageDigestMatches: true,
      signatureValid: true,
      signingCertificateBound: true,
      valid: false,
    });
  });

  it('a non-critical timeStamping EKU is not enough (RFC 3161 §2.3)', async () => {
    const { token, cert } = opensslToken(tstInfo, kinds[1]);
    const c = await checkTimestampToken(token, { data: DATA });
    expect(c.problems).toEqual(['TSA_CERT_EKU_NOT_CRITICAL']);
    expect(inspectTsaCertificate(cert).problems).toEqual(['TSA_CERT_EKU_NOT_CRITICAL']);
    // and a signer's certificate (other purposes) is refused too
    expect(inspectTsaCertificate(certDer('ocsp')).problems).toContain('TSA_CERT_EKU_NOT_TIMESTAMPING');
  });

  it('RSASSA-PSS and ECDSA P-256 token signatures verify', async () => {
    const pss = await checkTimestampToken(opensslToken(tstInfo, kinds[2]).token, { data: DATA });
    expect(pss.signatureAlgorithmOid).toBe('1.2.840.113549.1.1.10');
    expect(pss.problems).toEqual([]);
    expect(pss.valid).toBe(true);
    const ec = await checkTimestampToken(opensslToken(tstInfo, kinds[3]).token, { data: DATA });
    expect(ec.signatureAlgorithmOid).toMatch(/^1\.2\.840\.10045\./);
    expect(ec.problems).toEqual([]);
    expect(ec.valid).toBe(true);
  });

  it('a certificate that was not valid at genTime', async () => {
    const c = inspectTsaCertificate(certDer('tsa'), new Date('2001-01-01T00:00:00Z'));
    expect(c.validAt).toBe(false);
    expect(c.problems).toEqual(['TSA_CERT_NOT_VALID_AT_GENTIME']);
  });
});

describe('what is not a token', () => {
  it('garbage, a signature CMS and trailing data give typed problems, never an exception', async () => {
    expect(readTimestampToken(new TextEncoder().encode('hello')).problems).toEqual(['TST_NOT_DER']);
    expect(readTimestampToken(new Uint8Array(0)).problems).toEqual(['TST_NOT_DER']);
    expect((await checkTimestampToken(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).problems).toEqual([
      'TST_NOT_SIGNED_DATA',
    ]);
    const doc = PdfDocument.load(
      new Uint8Array(readFileSync(join(CORPUS, 'pyhanko/pades-with-old-style-signing-cert-attr.pdf'))),
    );
    const signatureCms = findSignatures(doc)[0].contents!;
    expect(readTimestampToken(signatureCms).problems).toEqual(['TST_NOT_TSTINFO']);
    const { token } = await stamp(tsa, DATA);
    const padded = new Uint8Array(token.length + 100);
    padded.set(token);
    expect((await checkTimestampToken(padded, { data: DATA })).valid).toBe(true); // zero padding, as in /Contents
    padded[token.length + 5] = 1;
    expect((await checkTimestampToken(padded, { data: DATA })).problems).toEqual(['TST_TRAILING_DATA']);
  });

  it('mutated tokens give facts, never an exception; a mutation in the signed part is never valid', async () => {
    const { token } = await stamp(tsa, DATA);
    const eContent = tstInfoOf(token);
    const signedStart = Buffer.from(token).indexOf(Buffer.from(eContent));
    let seed = 3161;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 150; i++) {
      const bad = token.slice();
      const at = i % 2 === 0 ? Math.floor(random() * bad.length) : signedStart + Math.floor(random() * eContent.length);
      bad[at] ^= 1 + Math.floor(random() * 255);
      const c = await checkTimestampToken(bad, { data: DATA });
      expect(Array.isArray(c.problems)).toBe(true);
      if (at >= signedStart && at < signedStart + eContent.length) expect(c.valid).toBe(false);
    }
  });

  it('every problem code has a Vietnamese and an English message', () => {
    for (const code of Object.keys(TIMESTAMP_MESSAGES) as (keyof typeof TIMESTAMP_MESSAGES)[]) {
      const { vi, en } = describeTimestampProblem(code);
      expect(vi.length).toBeGreaterThan(10);
      expect(en.length).toBeGreaterThan(10);
    }
  });
});

describe('signature timestamps', () => {
  it('a kyso B-T signature: the timestamp verifies over the signature value and genTime is now', async () => {
    const signed = await signPdf(await pdfLibDoc({ objectStreams: true }), openSigner(), {
      level: 'B-T',
      timestamper: tsaTimestamper(tsa.url),
    });
    const doc = PdfDocument.load(signed);
    const [sig] = findSignatures(doc);
    const cms = parseCms(sig.contents);
    const [ts, ...more] = await checkSignatureTimestamps(cms);
    expect(more).toEqual([]);
    expect(ts.check.problems).toEqual([]);
    expect(ts.check.valid).toBe(true);
    expect(Math.abs(ts.check.genTime!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(hex(ts.check.tsaCertificate!)).toBe(hex(certDer('tsa')));

    // The same token against a different signature value: the imprint no longer matches.
    const si = cms.signerInfo!;
    const value = new Uint8Array(si.signature.valueBlock.valueHexView).slice();
    value[0] ^= 0x01;
    si.signature = new asn1js.OctetString({ valueHex: value.buffer as ArrayBuffer });
    const [moved] = await checkSignatureTimestamps(si);
    expect(moved.check.problems).toEqual(['TST_IMPRINT_MISMATCH']);
  });

  it('a signature without timestamps has none', async () => {
    const signed = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner());
    const [sig] = findSignatures(PdfDocument.load(signed));
    const cms = parseCms(sig.contents);
    expect(signatureTimestampTokens(cms.signerInfo!)).toEqual([]);
    expect(await checkSignatureTimestamps(cms)).toEqual([]);
  });

  it.each([
    ['pyhanko/pades-lta-dss-indirect-arrs-test-2.pdf', ['Sig1', 'Sig2'], 'Time Stamping Authority'],
    [
      'dss/dss-2236/annotation-and-visible-change.pdf',
      ['Digital Signature 1', 'ES_CERTIFYING_SIGNATURE', 'ES_LOCKING_SIGNATURE'],
      'Adobe Qualified Timestamp TSU3',
    ],
    ['dss/pdf-removed-pages.pdf', ['Signature1'], 'ICEDTS01201804'],
  ])('corpus %s: every signature timestamp verifies', async (path, fields, tsaName) => {
    const doc = PdfDocument.load(new Uint8Array(readFileSync(join(CORPUS, path))));
    const approval = findSignatures(doc).filter((s) => s.kind !== 'doc-timestamp');
    expect(approval.map((s) => s.fieldName)).toEqual(fields);
    for (const s of approval) {
      const [ts] = await checkSignatureTimestamps(parseCms(s.contents));
      expect(ts.check.problems).toEqual([]);
      expect(ts.check.valid).toBe(true);
      expect(ts.check.tsaCertificateFacts?.subject).toBe(tsaName);
    }
  });
});

describe('document timestamps', () => {
  it.each(['pyhanko/pades-lta-dss-indirect-arrs-test.pdf', 'pyhanko/pades-lta-dss-indirect-arrs-test-2.pdf'])(
    '%s: the doc timestamp is intact and its imprint covers its ByteRange',
    async (path) => {
      const bytes = new Uint8Array(readFileSync(join(CORPUS, path)));
      const doc = PdfDocument.load(bytes);
      const docTs = findSignatures(doc).filter((s) => s.kind === 'doc-timestamp');
      expect(docTs).toHaveLength(1);
      const f = await checkDocumentTimestamp(bytes, docTs[0], { doc });
      expect(f.problems).toEqual([]);
      expect(f.integrity.intact).toBe(true);
      expect(f.integrity.byteRange.coverage).toBe('ENTIRE_REVISION'); // later revisions add the DSS and more
      expect(f.timestamp.problems).toEqual([]);
      expect(f.timestamp.valid).toBe(true);
      expect(f.timestamp.genTime?.toISOString()).toBe('2020-11-01T00:00:00.000Z');
    },
  );

  it('one byte changed inside the covered range: the imprint no longer matches', async () => {
    const bytes = new Uint8Array(readFileSync(join(CORPUS, 'pyhanko/pades-lta-dss-indirect-arrs-test.pdf')));
    const doc = PdfDocument.load(bytes);
    const sig = findSignatures(doc).find((s) => s.kind === 'doc-timestamp')!;
    const changed = bytes.slice();
    changed[20] ^= 0x01; // inside the header comment, covered by the first range
    const f = await checkDocumentTimestamp(changed, sig);
    expect(f.timestamp.imprintMatches).toBe(false);
    expect(f.timestamp.problems).toEqual(['TST_IMPRINT_MISMATCH']);
    expect(f.integrity.intact).toBe(false);
  });

  it('an approval signature is not a document timestamp', async () => {
    const bytes = new Uint8Array(readFileSync(join(CORPUS, 'pyhanko/pades-with-old-style-signing-cert-attr.pdf')));
    const sig = findSignatures(PdfDocument.load(bytes))[0];
    const f = await checkDocumentTimestamp(bytes, sig);
    expect(f.problems).toEqual(['DOCTS_SUBFILTER', 'DOCTS_TYPE']);
    expect(f.timestamp.problems).toEqual(['TST_NOT_TSTINFO']);
  });
});
