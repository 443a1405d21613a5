/**
 * Two-step signing through HTTP with the private key outside the service: Node crypto signs the data the
 * service hands out (as a token or a remote signing CA would), the service completes the PDF, pdfsig checks it.
 * Sessions live in the database, so a restart between the steps loses nothing; they expire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constants, createHash, createPrivateKey, privateEncrypt, sign as nodeSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pdfLibDoc } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { leafPem, pemToDer, TEST_CERTS } from './helpers/pki-servers.js';
import { scratch } from './helpers/tools.js';
import { startTsa } from './helpers/pki-servers.js';
import { expectAllValid, expectChainCovered, readDss } from './helpers/ltv.js';
import { PdfDocument } from '@kyso/pdf';
import { findSignatures } from '@kyso/verify';
import { bearer, postPdf, startTestService, type TestService } from '../packages/server/test/helpers/test-service.js';

interface Session {
  id: string;
  expiresAt: string;
  fieldName: string;
  hashAlgorithm: string;
  signatureAlgorithm: string;
  dataToSign: string;
  digestToSign: string;
  documentDigest: string;
  complete: string;
}

let nss: NssDb;
let pdf: Uint8Array;
const tmp = scratch('kyso-service-2step-');
const intermediate = pemToDer(readFileSync(join(TEST_CERTS, 'intermediate-ca.pem'), 'utf8'));
const b64 = (b: Uint8Array | Buffer): string => Buffer.from(b).toString('base64');

/** A person's certificate and key as their token would hold them (extracted from test-certs/NAME.p12). */
function holder(name: string): { key: KeyObject; certificate: Uint8Array; header: string } {
  const pem = leafPem(name);
  const certificate = pemToDer(readFileSync(pem.cert, 'utf8'));
  return {
    key: createPrivateKey(readFileSync(pem.key)),
    certificate,
    header: [b64(certificate), b64(intermediate)].join(','),
  };
}

beforeAll(async () => {
  nss = makeNssDb();
  pdf = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Quyet dinh so 12/QD-UBND' });
});
afterAll(() => {
  nss?.cleanup();
  tmp.cleanup();
});

async function openSession(svc: TestService, query: string, headers: Record<string, string>): Promise<Session> {
  const res = await postPdf(`${svc.url}/v1/signing-sessions${query}`, pdf, headers);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Session;
}

function complete(svc: TestService, session: Session, body: unknown, key = svc.keys.full): Promise<Response> {
  return fetch(`${svc.url}${session.complete}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(key) },
    body: JSON.stringify(body),
  });
}

async function expectValid(res: Response, name: string, signerCN: string): Promise<Uint8Array> {
  expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const out = new Uint8Array(await res.arrayBuffer());
  expect(Buffer.from(out.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
  const sigs = nss.pdfsig(tmp.file(name, out)).signatures;
  expect(sigs).toHaveLength(1);
  expect(sigs[0]).toMatchObject({ valid: true, trusted: true, totalDocumentSigned: true, signerCN });
  return out;
}

describe('two-step signing', () => {
  it('prepare, restart the service, complete with a signature made by Node crypto: pdfsig says valid and trusted', async () => {
    const person = holder('signer');
    const first = await startTestService();
    let second: TestService | undefined;
    try {
      const session = await openSession(first, `?reason=${encodeURIComponent('Phê duyệt')}`, {
        ...bearer(first.keys.full),
        'Kyso-Signer-Certificates': person.header,
      });
      expect(session).toMatchObject({
        hashAlgorithm: 'SHA-256',
        signatureAlgorithm: 'rsa-pkcs1',
        fieldName: 'Signature1',
      });
      const dataToSign = Buffer.from(session.dataToSign, 'base64');
      expect(Buffer.from(session.digestToSign, 'base64').equals(createHash('sha256').update(dataToSign).digest())).toBe(
        true,
      );
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());

      await first.close(); // the database stays; a new instance picks the session up
      second = await first.restart();
      const signatureValue = nodeSign('sha256', dataToSign, person.key);
      const signed = await expectValid(
        await complete(second, session, { signatureValue: b64(signatureValue) }),
        'two-step-restart.pdf',
        'Nguyễn Thị Lấp Lánh Ánh',
      );
      // Completion is idempotent: the same signature again gets the same PDF; another one is a conflict.
      const again = await complete(second, session, { signatureValue: b64(signatureValue) });
      expect(again.status).toBe(200);
      expect(Buffer.from(await again.arrayBuffer()).equals(Buffer.from(signed))).toBe(true);
      const other = await complete(second, session, {
        signatureValue: b64(nodeSign('sha256', Buffer.from('other'), person.key)),
      });
      expect(other.status).toBe(409);
      expect(((await other.json()) as { code: string }).code).toBe('SERVICE_SESSION_COMPLETED');
    } finally {
      if (second) await second.stop();
      else await first.stop();
    }
  });

  it('at B-LTA: completing adds the signature timestamp, the DSS for both chains and the document timestamp', async () => {
    const person = holder('signer');
    const tsa = await startTsa();
    const svc = await startTestService({ config: { signing: { revocation: 'require', tsaUrl: tsa.url } } });
    try {
      const session = await openSession(svc, '?level=B-LTA', {
        ...bearer(svc.keys.full),
        'Kyso-Signer-Certificates': person.header,
      });
      const res = await complete(svc, session, {
        signatureValue: b64(nodeSign('sha256', Buffer.from(session.dataToSign, 'base64'), person.key)),
      });
      expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
      const out = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(out.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
      const found = findSignatures(PdfDocument.load(out));
      expect(found.map((s) => s.kind)).toEqual(['approval', 'doc-timestamp']);
      expectAllValid(nss, tmp.file('two-step-lta.pdf', out), out, found, { caFile: join(TEST_CERTS, 'ca-chain.pem') });
      expectChainCovered(readDss(PdfDocument.load(out)), found[0]);
      expect(tsa.requests).toBeGreaterThanOrEqual(2); // the signature's timestamp and the document timestamp
    } finally {
      await svc.stop();
      await tsa.stop();
    }
  });

  it('without a configured TSA, B-T, B-LT and B-LTA are refused up front (400) in both signing routes', async () => {
    const svc = await startTestService();
    try {
      for (const level of ['B-T', 'B-LT', 'B-LTA']) {
        for (const route of ['/v1/sign?key=signer&', '/v1/signing-sessions?key=officer&']) {
          const res = await postPdf(`${svc.url}${route}level=${level}`, pdf, bearer(svc.keys.full));
          expect(res.status, `${route}${level}`).toBe(400);
          expect(await res.json()).toMatchObject({ code: 'SERVICE_TSA_NOT_CONFIGURED' });
        }
      }
    } finally {
      await svc.stop();
    }
  });

  it('a device that signs only a digest (PKCS#1 v1.5 over DigestInfo) completes the PDF from digestToSign', async () => {
    const person = holder('signer');
    const svc = await startTestService();
    try {
      const session = await openSession(svc, '?key=officer', bearer(svc.keys.full));
      const digestInfoSha256 = Buffer.from('3031300d060960864801650304020105000420', 'hex');
      const signatureValue = privateEncrypt(
        { key: person.key, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([digestInfoSha256, Buffer.from(session.digestToSign, 'base64')]),
      );
      await expectValid(
        await complete(svc, session, { signatureValue: b64(signatureValue) }),
        'two-step-digest.pdf',
        'Nguyễn Thị Lấp Lánh Ánh',
      );
    } finally {
      await svc.stop();
    }
  });

  it('ECDSA P-256 with SHA-384 chosen by the caller', async () => {
    const person = holder('signer-ec');
    const svc = await startTestService();
    try {
      const session = await openSession(svc, '?hash=SHA-384', {
        ...bearer(svc.keys.full),
        'Kyso-Signer-Certificates': person.header,
      });
      expect(session).toMatchObject({ hashAlgorithm: 'SHA-384', signatureAlgorithm: 'ecdsa-P-256' });
      const signatureValue = nodeSign('sha384', Buffer.from(session.dataToSign, 'base64'), {
        key: person.key,
        dsaEncoding: 'der',
      });
      await expectValid(
        await complete(svc, session, { signatureValue: b64(signatureValue) }),
        'two-step-ec.pdf',
        'Trần Văn Đức',
      );
    } finally {
      await svc.stop();
    }
  });

  it('takes a complete CMS built elsewhere around the signed attributes it handed out', async () => {
    const person = holder('signer');
    const svc = await startTestService();
    try {
      const session = await openSession(svc, '', {
        ...bearer(svc.keys.full),
        'Kyso-Signer-Certificates': person.header,
      });
      const dataToSign = Buffer.from(session.dataToSign, 'base64');
      const cms = buildCms(dataToSign, nodeSign('sha256', dataToSign, person.key), person.certificate, intermediate);
      await expectValid(await complete(svc, session, { cms: b64(cms) }), 'two-step-cms.pdf', 'Nguyễn Thị Lấp Lánh Ánh');
    } finally {
      await svc.stop();
    }
  });

  it('refuses a wrong signature value (422) and keeps the session for a right one; other units see no session', async () => {
    const person = holder('signer');
    const svc = await startTestService();
    try {
      const session = await openSession(svc, '', {
        ...bearer(svc.keys.full),
        'Kyso-Signer-Certificates': person.header,
      });
      const dataToSign = Buffer.from(session.dataToSign, 'base64');
      const wrong = await complete(svc, session, {
        signatureValue: b64(nodeSign('sha256', Buffer.from('something else'), person.key)),
      });
      expect(wrong.status).toBe(422);
      expect(await wrong.json()).toMatchObject({
        code: 'SIGN_BAD_SIGNATURE_VALUE',
        detailVi: 'Giá trị chữ ký không đúng.',
      });
      const foreign = await complete(
        svc,
        session,
        { signatureValue: b64(nodeSign('sha256', dataToSign, person.key)) },
        svc.keys.otherUnit,
      );
      expect(foreign.status).toBe(404);
      const bad = await complete(svc, session, { signatureValue: 'AAAA', cms: 'AAAA' });
      expect(bad.status).toBe(400);
      await expectValid(
        await complete(svc, session, { signatureValue: b64(nodeSign('sha256', dataToSign, person.key)) }),
        'two-step-retry.pdf',
        'Nguyễn Thị Lấp Lánh Ánh',
      );
    } finally {
      await svc.stop();
    }
  });

  it('answers 410 for an expired session (the clock moved past its lifetime)', async () => {
    const person = holder('signer');
    let offset = 0;
    const svc = await startTestService({
      config: { signing: { revocation: 'require', sessionTtlSeconds: 60 } },
      now: () => Date.now() + offset,
    });
    try {
      const session = await openSession(svc, '', {
        ...bearer(svc.keys.full),
        'Kyso-Signer-Certificates': person.header,
      });
      offset = 61_000;
      const res = await complete(svc, session, {
        signatureValue: b64(nodeSign('sha256', Buffer.from(session.dataToSign, 'base64'), person.key)),
      });
      expect(res.status).toBe(410);
      expect(await res.json()).toMatchObject({ code: 'SERVICE_SESSION_EXPIRED', detailVi: 'Phiên ký đã hết hạn.' });
    } finally {
      await svc.stop();
    }
  });

  it('403 for a key without the right to supply certificates or to use the alias; 401 without a key; revoked certificates refused', async () => {
    const svc = await startTestService();
    try {
      const person = holder('signer');
      const header = { 'Kyso-Signer-Certificates': person.header };
      expect(
        (await postPdf(`${svc.url}/v1/signing-sessions`, pdf, { ...bearer(svc.keys.signerOnly), ...header })).status,
      ).toBe(403);
      expect(
        (await postPdf(`${svc.url}/v1/signing-sessions?key=officer`, pdf, bearer(svc.keys.signerOnly))).status,
      ).toBe(403);
      expect((await postPdf(`${svc.url}/v1/signing-sessions`, pdf, header)).status).toBe(401);
      const revoked = holder('revoked');
      const res = await postPdf(`${svc.url}/v1/signing-sessions`, pdf, {
        ...bearer(svc.keys.full),
        'Kyso-Signer-Certificates': revoked.header,
      });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { code: string }).code).toBe('SIGN_CERT_REVOKED');
      const garbage = await postPdf(`${svc.url}/v1/signing-sessions`, pdf, {
        ...bearer(svc.keys.full),
        'Kyso-Signer-Certificates': 'bm90IGEgY2VydA==',
      });
      expect(garbage.status).toBe(400);
    } finally {
      await svc.stop();
    }
  });
});

/** A CMS SignedData assembled with pkijs (not kyso) around the signed attributes and the signature value. */
function buildCms(
  signedAttributes: Uint8Array,
  signatureValue: Uint8Array,
  certificate: Uint8Array,
  issuer: Uint8Array,
): Uint8Array {
  // Copies: a Buffer's .buffer is a shared pool, not just its bytes.
  const own = (b: Uint8Array): ArrayBuffer => Uint8Array.from(b).buffer;
  const cert = pkijs.Certificate.fromBER(own(certificate));
  const ca = pkijs.Certificate.fromBER(own(issuer));
  const set = asn1js.fromBER(own(signedAttributes)).result as asn1js.Set;
  const sha256 = new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.1' });
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: sha256,
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({
      type: 0,
      attributes: set.valueBlock.value.map((v) => new pkijs.Attribute({ schema: v })),
    }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: '1.2.840.113549.1.1.1',
      algorithmParams: new asn1js.Null(),
    }),
    signature: new asn1js.OctetString({ valueHex: own(signatureValue) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
    certificates: [cert, ca],
    signerInfos: [signerInfo],
  });
  const ci = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signedData.toSchema(true) });
  return new Uint8Array(ci.toSchema().toBER(false));
}
