import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { KysoError } from '@kyso/pdf';
import {
  checkTsaCertificate,
  parseTimestampToken,
  requestTimestamp,
  verifyTimestampToken,
  type TimestampHash,
} from '@kyso/core';
import {
  CA_HTTP_PORT,
  OCSP_PORT,
  TEST_CERTS,
  TSA_DEFAULT_POLICY,
  TSA_OTHER_POLICY,
  alive,
  httpGet,
  leafPem,
  pemToDer,
  startOcspResponder,
  startTsa,
  type TsaServer,
} from '../../../tests/helpers/pki-servers.js';
import { makeNssDb } from '../../../tests/helpers/nss.js';
import { corpusDir } from '../../../tests/helpers/producers.js';
import { run, scratch } from '../../../tests/helpers/tools.js';

const tmp = scratch('kyso-tsa-');
// `pnpm test` must pass on a machine with only Node; these parts need the real tools.
afterAll(() => tmp.cleanup());

const NODE_HASH: Record<TimestampHash, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const digest = (hash: TimestampHash, data: Uint8Array) =>
  new Uint8Array(createHash(NODE_HASH[hash]).update(data).digest());
const certDer = (name: string) => pemToDer(readFileSync(leafPem(name).cert, 'utf8'));
const DATA = new TextEncoder().encode('Giấy xác nhận — kyso timestamp test');

/** Awaits a rejection and returns it as a KysoError (fails the test otherwise). */
async function kysoError(p: Promise<unknown>): Promise<KysoError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KysoError);
  const k = e as KysoError;
  expect(k.messageVi.length).toBeGreaterThan(0);
  expect(k.messageEn.length).toBeGreaterThan(0);
  return k;
}

function opensslVerify(token: Uint8Array, how: ['-data', string] | ['-digest', string]) {
  const tokenFile = tmp.file(`token-${Math.random().toString(36).slice(2)}.der`, token);
  return run('openssl', [
    'ts',
    '-verify',
    ...how,
    '-in',
    tokenFile,
    '-token_in',
    '-CAfile',
    join(TEST_CERTS, 'root-ca.pem'),
    '-untrusted',
    join(TEST_CERTS, 'ca-chain.pem'),
  ]);
}

describe('requestTimestamp against openssl ts -reply', () => {
  let tsa: TsaServer;
  beforeAll(async () => {
    tsa = await startTsa();
  });
  afterAll(() => tsa.stop());

  it('gets a granted token whose imprint, nonce, time and TSA certificate are right', async () => {
    const imprint = digest('SHA-256', DATA);
    const before = tsa.requests;
    const t = await requestTimestamp(imprint, 'SHA-256', { url: tsa.url });
    expect(tsa.requests).toBe(before + 1);
    expect(t.status).toBe('granted');
    expect(Math.abs(t.genTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(t.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(t.policy).toBe(TSA_DEFAULT_POLICY);
    expect(Buffer.from(t.tsaCertificate).equals(Buffer.from(certDer('tsa')))).toBe(true);
    expect(t.certificates.length).toBe(3); // TSA + intermediate + root (certs = ca-chain.pem)

    const parsed = parseTimestampToken(t.token);
    expect(parsed.hash).toBe('SHA-256');
    expect(Buffer.from(parsed.imprint).equals(Buffer.from(imprint))).toBe(true);
    expect(parsed.genTime.getTime()).toBe(t.genTime.getTime());
    expect(parsed.serialNumber).toBe(t.serialNumber);
    expect(parsed.accuracy).toEqual({ seconds: 1, millis: 500, micros: 0 });
    // The nonce in the token is the one in the query the TSA received.
    const query = tsa.lastQuery!;
    expect(Buffer.from(query).toString('hex')).toContain(parsed.nonce);

    const dataFile = tmp.file('data.txt', DATA);
    const v = opensslVerify(t.token, ['-data', dataFile]);
    expect(v.stdout + v.stderr).toContain('Verification: OK');
    // And the same token fails for other data.
    const other = opensslVerify(t.token, [
      '-digest',
      Buffer.from(digest('SHA-256', new Uint8Array([1]))).toString('hex'),
    ]);
    expect(other.stdout + other.stderr).not.toContain('Verification: OK');
  });

  it.each(['SHA-384', 'SHA-512'] as const)('works with %s imprints', async (hash) => {
    const imprint = digest(hash, DATA);
    const t = await requestTimestamp(imprint, hash, { url: tsa.url });
    const parsed = parseTimestampToken(t.token);
    expect(parsed.hash).toBe(hash);
    expect(Buffer.from(parsed.imprint).equals(Buffer.from(imprint))).toBe(true);
    const v = opensslVerify(t.token, ['-digest', Buffer.from(imprint).toString('hex')]);
    expect(v.stdout + v.stderr).toContain('Verification: OK');
  });

  it('asks for a policy and gets it; a policy the TSA does not offer is a rejection', async () => {
    const imprint = digest('SHA-256', DATA);
    const t = await requestTimestamp(imprint, 'SHA-256', { url: tsa.url, policy: TSA_OTHER_POLICY });
    expect(t.policy).toBe(TSA_OTHER_POLICY);
    const e = await kysoError(requestTimestamp(imprint, 'SHA-256', { url: tsa.url, policy: '1.2.3.4.99' }));
    expect(e.code).toBe('TSA_REJECTED');
    expect(e.details.failInfo).toEqual(['unacceptedPolicy']);
  });

  it('verifies the token offline (verifyTimestampToken, checkTsaCertificate)', async () => {
    const t = await requestTimestamp(digest('SHA-256', DATA), 'SHA-256', { url: tsa.url });
    const { certificate } = await verifyTimestampToken(t.token);
    expect(Buffer.from(certificate).equals(Buffer.from(t.tsaCertificate))).toBe(true);
    expect(() => checkTsaCertificate(certificate, t.genTime)).not.toThrow();
    expect(() => checkTsaCertificate(certificate, new Date('2000-01-01T00:00:00Z'))).toThrow(/TSA_CERTIFICATE_INVALID/);
    expect(() => checkTsaCertificate(certDer('signer'), t.genTime)).toThrow(/TSA_CERTIFICATE_INVALID/);
    expect(() => checkTsaCertificate(certDer('ocsp'), t.genTime)).toThrow(/TSA_CERTIFICATE_INVALID/);
  });

  it('accepts the ESS signing-certificate (v1, SHA-1) attribute too', async () => {
    const v1 = await startTsa({ essCertIdAlg: 'sha1' });
    try {
      const t = await requestTimestamp(digest('SHA-256', DATA), 'SHA-256', { url: v1.url });
      expect(t.status).toBe('granted');
    } finally {
      await v1.stop();
    }
  });

  it.each([
    ['garbage', 'TSA_BAD_RESPONSE'],
    ['http-500', 'TSA_HTTP_STATUS'],
    ['wrong-nonce', 'TSA_NONCE_MISMATCH'],
    ['wrong-imprint', 'TSA_IMPRINT_MISMATCH'],
    ['no-cert', 'TSA_NO_CERTIFICATE'],
    ['bad-signature', 'TSA_SIGNATURE_INVALID'],
    ['rejection', 'TSA_REJECTED'],
  ] as const)('mode %s fails with %s', async (mode, code) => {
    const faulty = await startTsa({ mode });
    try {
      const e = await kysoError(requestTimestamp(digest('SHA-256', DATA), 'SHA-256', { url: faulty.url }));
      expect(e.code).toBe(code);
      expect(faulty.requests).toBe(1);
      if (mode === 'http-500') expect(e.details.status).toBe(500);
      if (mode === 'rejection') expect(e.details.failInfo).toEqual(['badAlg']);
      if (mode === 'garbage') expect(e.details.contentType).toBe('application/timestamp-reply');
      expect(JSON.stringify(e.toJSON()).length).toBeLessThan(2000); // no response bodies in errors
    } finally {
      await faulty.stop();
    }
  });

  it('times out on a slow TSA', async () => {
    const slow = await startTsa({ mode: 'slow', delayMs: 5000 });
    try {
      const started = Date.now();
      const e = await kysoError(
        requestTimestamp(digest('SHA-256', DATA), 'SHA-256', { url: slow.url, timeoutMs: 300 }),
      );
      expect(e.code).toBe('TSA_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await slow.stop();
    }
  });

  it('reports a closed port as unreachable', async () => {
    const port = await freePort();
    const e = await kysoError(
      requestTimestamp(digest('SHA-256', DATA), 'SHA-256', { url: `http://127.0.0.1:${port}/` }),
    );
    expect(e.code).toBe('TSA_UNREACHABLE');
  });
});

describe('requestTimestamp input and transport limits', () => {
  it('refuses an imprint of the wrong length and a non-HTTP URL', async () => {
    expect(
      (await kysoError(requestTimestamp(new Uint8Array(20), 'SHA-256', { url: 'http://127.0.0.1:1/' }))).code,
    ).toBe('TSA_BAD_REQUEST');
    expect((await kysoError(requestTimestamp(new Uint8Array(32), 'SHA-256', { url: 'file:///etc/passwd' }))).code).toBe(
      'TSA_BAD_REQUEST',
    );
  });

  it('caps the response size and sends the right content type and headers', async () => {
    let seen: Headers | undefined;
    const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      seen = new Headers(init?.headers);
      return new Response(new Uint8Array(2 << 20), { status: 200 });
    }) as typeof globalThis.fetch;
    const e = await kysoError(
      requestTimestamp(new Uint8Array(32), 'SHA-256', {
        url: 'http://tsa.invalid/',
        fetch,
        headers: { Authorization: 'Bearer x' },
      }),
    );
    expect(e.code).toBe('TSA_BAD_RESPONSE');
    expect(e.details.reason).toBe('too large');
    expect(seen?.get('content-type')).toBe('application/timestamp-query');
    expect(seen?.get('authorization')).toBe('Bearer x');
  });

  it('parseTimestampToken refuses garbage with TSA_BAD_TOKEN', () => {
    expect(() => parseTimestampToken(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(/TSA_BAD_TOKEN/);
    expect(() => parseTimestampToken(new TextEncoder().encode('hello'))).toThrow(/TSA_BAD_TOKEN/);
  });
});

/**
 * Tokens openssl will not make: signed by a certificate without the timeStamping EKU, stamped outside the TSA
 * certificate's validity, or with a wrong or missing ESS binding. Built with pkijs and served by a fetch stub.
 */
describe('requestTimestamp against forged replies', () => {
  const crypto = new pkijs.CryptoEngine({ name: 'test', crypto: webcrypto as never });

  interface Forge {
    signer?: string;
    genTime?: Date;
    ess?: 'v2' | 'wrong-hash' | 'none';
  }

  async function forgeReply(query: Uint8Array, forge: Forge): Promise<Uint8Array> {
    const req = pkijs.TimeStampReq.fromBER(query.slice().buffer);
    const name = forge.signer ?? 'tsa';
    const der = certDer(name);
    const cert = pkijs.Certificate.fromBER(der.slice().buffer);
    const tst = new pkijs.TSTInfo({
      version: 1,
      policy: TSA_DEFAULT_POLICY,
      messageImprint: req.messageImprint,
      serialNumber: new asn1js.Integer({ value: 4242 }),
      genTime: forge.genTime ?? new Date(),
      ...(req.nonce ? { nonce: req.nonce } : {}),
    });
    const tstDer = new Uint8Array(tst.toSchema().toBER(false));
    const attrs = [
      new pkijs.Attribute({
        type: '1.2.840.113549.1.9.3',
        values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.9.16.1.4' })],
      }),
      new pkijs.Attribute({
        type: '1.2.840.113549.1.9.4',
        values: [new asn1js.OctetString({ valueHex: createHash('sha256').update(tstDer).digest() })],
      }),
    ];
    if (forge.ess !== 'none') {
      const certHash = createHash('sha256')
        .update(forge.ess === 'wrong-hash' ? certDer('signer') : der)
        .digest();
      // SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { certHash } } (hash algorithm: the SHA-256 default)
      const v2 = new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: certHash })] })],
          }),
        ],
      });
      attrs.push(new pkijs.Attribute({ type: '1.2.840.113549.1.9.16.2.47', values: [v2] }));
    }
    const signedData = new pkijs.SignedData({
      version: 3,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({
        eContentType: '1.2.840.113549.1.9.16.1.4',
        eContent: new asn1js.OctetString({ valueHex: tstDer }),
      }),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
          signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs }),
        }),
      ],
      certificates: [cert],
    });
    const keyDer = pemToDer(readFileSync(leafPem(name).key, 'utf8'));
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      keyDer,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    await signedData.sign(key as never, 0, 'SHA-256', undefined, crypto);
    const token = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signedData.toSchema(true) });
    const resp = new asn1js.Sequence({
      value: [new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 })] }), token.toSchema()],
    });
    return new Uint8Array(resp.toBER(false));
  }

  const forgingFetch = (forge: Forge) =>
    (async (_url: string | URL | Request, init?: RequestInit) =>
      new Response(await forgeReply(new Uint8Array(init!.body as Uint8Array), forge), {
        status: 200,
        headers: { 'content-type': 'application/timestamp-reply' },
      })) as typeof globalThis.fetch;

  const ask = (forge: Forge) =>
    requestTimestamp(digest('SHA-256', DATA), 'SHA-256', { url: 'http://tsa.invalid/', fetch: forgingFetch(forge) });

  it('accepts a well-formed forged token (the harness itself is sound)', async () => {
    const t = await ask({});
    expect(t.serialNumber).toBe((4242).toString(16));
  });

  it('refuses a token signed by a certificate without the timeStamping EKU', async () => {
    const e = await kysoError(ask({ signer: 'signer' }));
    expect(e.code).toBe('TSA_CERTIFICATE_INVALID');
    expect(e.details.reason).toBe('no-eku');
  });

  it('refuses a token stamped outside the TSA certificate validity', async () => {
    const e = await kysoError(ask({ genTime: new Date('2001-01-01T00:00:00Z') }));
    expect(e.code).toBe('TSA_CERTIFICATE_INVALID');
    expect(e.details.reason).toBe('outside-validity');
  });

  it('refuses a token whose ESS signing-certificate-v2 names another certificate, or is missing', async () => {
    const wrong = await kysoError(ask({ ess: 'wrong-hash' }));
    expect(wrong.code).toBe('TSA_SIGNATURE_INVALID');
    expect(wrong.details.reason).toBe('signing-certificate-hash');
    const none = await kysoError(ask({ ess: 'none' }));
    expect(none.code).toBe('TSA_SIGNATURE_INVALID');
    expect(none.details.reason).toBe('no-signing-certificate');
  });
});

// These live here because they share the test PKI helpers; they check tests/global-setup.ts and tests/helpers/*.
describe('test PKI services (global setup)', () => {
  const ocspStatus = (port: number, leaf: string) =>
    run('openssl', [
      'ocsp',
      '-issuer',
      join(TEST_CERTS, 'intermediate-ca.pem'),
      '-cert',
      leafPem(leaf).cert,
      '-url',
      `http://127.0.0.1:${port}`,
      '-CAfile',
      join(TEST_CERTS, 'ca-chain.pem'),
      '-timeout',
      '10',
    ]);

  it('the OCSP responder on 39601 says signer is good and revoked is revoked', () => {
    const good = ocspStatus(OCSP_PORT, 'signer');
    expect(good.stdout + good.stderr).toContain('Response verify OK');
    expect(good.stdout).toMatch(/: good$/m);
    const revoked = ocspStatus(OCSP_PORT, 'revoked');
    expect(revoked.stdout + revoked.stderr).toContain('Response verify OK');
    expect(revoked.stdout).toMatch(/: revoked$/m);
    expect(revoked.stdout).toContain('keyCompromise');
  });

  it('startOcspResponder runs on another port and stop() ends it', async () => {
    const port = await freePort();
    const responder = await startOcspResponder(port);
    try {
      expect(ocspStatus(port, 'seal').stdout).toMatch(/: good$/m);
    } finally {
      await responder.stop();
    }
    expect(alive(responder.pid)).toBe(false);
  });
});

describe('CA HTTP server (global setup)', () => {
  it('serves the CRLs and CA certificates on 39602', async () => {
    for (const [name, type] of [
      ['root.crl', 'application/pkix-crl'],
      ['intermediate.crl', 'application/pkix-crl'],
      ['root-ca.cer', 'application/pkix-cert'],
      ['intermediate-ca.cer', 'application/pkix-cert'],
    ]) {
      const r = await httpGet(CA_HTTP_PORT, `/${name}`);
      expect(r.status).toBe(200);
      expect(r.type).toBe(type);
      expect(Buffer.from(r.body).equals(readFileSync(join(TEST_CERTS, 'http', name)))).toBe(true);
    }
    expect((await httpGet(CA_HTTP_PORT, '/../README.md')).status).toBe(404);
    expect((await httpGet(CA_HTTP_PORT, '/nothing.crl')).status).toBe(404);
  });
});

describe('NSS database + pdfsig helper', () => {
  it('reads a pyHanko corpus file: both signatures valid, not trusted by the kyso root', () => {
    const nss = makeNssDb();
    try {
      const report = nss.pdfsig(join(corpusDir, 'pyhanko', 'minimal-signed-twice-both-created.pdf'));
      expect(report.status).toBe(0);
      expect(report.signatures.map((s) => s.field)).toEqual(['Signature2', 'Signature3']);
      for (const s of report.signatures) {
        expect(s.signerCN).toBe('Lord Testerino');
        expect(s.valid).toBe(true);
        expect(s.trusted).toBe(false);
      }
      expect(report.signatures.map((s) => s.totalDocumentSigned)).toEqual([false, true]);
      const listed = run('certutil', ['-L', '-d', `sql:${nss.dir}`]);
      expect(listed.stdout).toMatch(/kyso-root-0-root-ca\.pem\s+CT,C,C/);
    } finally {
      nss.cleanup();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
