/**
 * Revocation checking against real servers: `openssl ocsp` responders over the test PKI's index and a Node HTTP
 * server for the CRLs, all on 127.0.0.1 and random ports (the certificates name 39601/39602, which other tests
 * serve, so requests go to overrides or through a rewriting fetch).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KysoError } from '@kyso/pdf';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildOcspRequest,
  checkCrl,
  checkOcspResponse,
  checkRevocation,
  crlUrls,
  fetchCrl,
  fetchOcsp,
  isIssuerOf,
  ocspUrls,
  parseCrl,
  parseOcspResponse,
  RevocationError,
  describeRevocationCode,
  REVOCATION_MESSAGES,
} from '../src/revocation/index.js';
import {
  TestPki,
  freePort,
  serveTestCertsHttp,
  startHttpServer,
  startOpensslOcsp,
  stopAll,
  type Leaf,
  type RunningServer,
} from '../../../tests/helpers/revocation-servers.js';
import { wrapBasicResponse } from '../src/evidence/cms-evidence.js';

const pki = new TestPki();
let signer: Leaf;
let revoked: Leaf;
let responderLeaf: Leaf;
let intermediate: Uint8Array;
let root: Uint8Array;
let revokedAt: Date;

let ocsp: RunningServer; // the real delegated responder (ocsp.p12)
let ocspByKey: RunningServer; // same, ResponderID byKey
let ocspWrongKey: RunningServer; // signed by seal.p12: issued by the CA, but no OCSPSigning EKU
let http: RunningServer; // CRLs and misbehaving routes
let closedPort: number;
let crlUrl: string;

const intermediateCrlDer = readFileSync(
  fileURLToPath(new URL('../../../test-certs/http/intermediate.crl', import.meta.url)),
);

/** A copy of the intermediate CRL with one byte of the revoked entry's serial changed (signature no longer matches). */
function tamperedCrl(serial: Uint8Array): Uint8Array {
  const der = new Uint8Array(intermediateCrlDer);
  const at = Buffer.from(der).indexOf(Buffer.from(serial));
  if (at < 0) throw new Error('serial not found in CRL');
  der[at + serial.length - 1] ^= 0x01;
  return der;
}

function serialOf(certDer: Uint8Array): Uint8Array {
  const r = spawnSync('openssl', ['x509', '-inform', 'DER', '-noout', '-serial'], { input: certDer, encoding: 'utf8' });
  const hex = /serial=([0-9A-F]+)/i.exec(r.stdout)?.[1];
  if (!hex) throw new Error(r.stderr);
  return new Uint8Array(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
}

beforeAll(async () => {
  signer = pki.leaf('signer');
  revoked = pki.leaf('revoked');
  responderLeaf = pki.leaf('ocsp');
  intermediate = pki.der('intermediate-ca.pem');
  root = pki.der('root-ca.pem');
  const row = pki.revocations().get(Buffer.from(serialOf(revoked.certDer)).toString('hex').toUpperCase());
  if (!row) throw new Error('revoked.p12 is not in ocsp-index.txt');
  revokedAt = row.time;

  [ocsp, ocspByKey, ocspWrongKey] = await Promise.all([
    startOpensslOcsp({ signer: responderLeaf }),
    startOpensslOcsp({ signer: responderLeaf, extraArgs: ['-resp_key_id'] }),
    startOpensslOcsp({ signer: pki.leaf('seal') }),
  ]);
  const tampered = tamperedCrl(serialOf(revoked.certDer));
  http = await startHttpServer((req, res) => {
    if (serveTestCertsHttp(req, res)) return;
    switch (req.url) {
      case '/garbage':
        res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(randomBytes(300));
        return;
      case '/try-later':
        res.writeHead(200).end(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03]));
        return;
      case '/forged/intermediate.crl':
        res.writeHead(200).end(tampered);
        return;
      case '/big':
        res.writeHead(200); // no content-length: the cap must hold while streaming
        for (let i = 0; i < 64; i++) res.write(Buffer.alloc(64 * 1024));
        res.end();
        return;
      case '/hang':
        return; // never answers
      default:
        res.writeHead(404).end();
    }
  });
  crlUrl = `${http.url}/intermediate.crl`;
  closedPort = await freePort();
});

afterAll(async () => {
  await stopAll();
  pki.cleanup();
});

describe('certificate addresses', () => {
  it('reads the AIA OCSP URL and the CRL distribution point', () => {
    expect(ocspUrls(signer.certDer)).toEqual(['http://127.0.0.1:39601']);
    expect(crlUrls(signer.certDer)).toEqual(['http://127.0.0.1:39602/intermediate.crl']);
    expect(ocspUrls(intermediate)).toEqual([]);
    expect(crlUrls(intermediate)).toEqual(['http://127.0.0.1:39602/root.crl']);
  });

  it('matches issuer and subject', () => {
    expect(isIssuerOf(intermediate, signer.certDer)).toBe(true);
    expect(isIssuerOf(root, intermediate)).toBe(true);
    expect(isIssuerOf(root, signer.certDer)).toBe(false);
  });
});

describe('OCSP requests', () => {
  it('builds a request openssl reads: SHA-1 CertID for the serial, with the nonce', async () => {
    const { der, nonce } = await buildOcspRequest(signer.certDer, intermediate, { nonce: true });
    expect(nonce).toHaveLength(16);
    const file = join(pki.dir, 'req.der');
    writeFileSync(file, der);
    const text = spawnSync('openssl', ['ocsp', '-reqin', file, '-req_text'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Hash Algorithm: sha1');
    expect(text.replace(/\s/g, '')).toContain(
      `SerialNumber:${Buffer.from(serialOf(signer.certDer)).toString('hex').toUpperCase()}`,
    );
    expect(text).toContain('OCSP Nonce');
    expect(text.replace(/[\s:]/g, '').toUpperCase()).toContain(Buffer.from(nonce!).toString('hex').toUpperCase());
  });

  it('builds a SHA-256 CertID the responder answers', async () => {
    const req = await buildOcspRequest(signer.certDer, intermediate, { hash: 'SHA-256', nonce: true });
    const res = await checkOcspResponse(await fetchOcsp(ocsp.url, req.der), signer.certDer, intermediate, {
      nonce: req.nonce,
    });
    expect(res.problems).toEqual([]);
    expect(res.status).toBe('good');
  });
});

describe('checkRevocation against the real responder and CRL server', () => {
  it("signer.p12 is good by OCSP, with the response and the responder's certificate as evidence", async () => {
    const r = await checkRevocation(signer.certDer, intermediate, {
      ocspUrlOverride: ocsp.url,
      crlUrlOverride: crlUrl,
      timeoutMs: 5000,
    });
    expect(r.status).toBe('good');
    expect(r.source).toBe('ocsp');
    expect(r.warnings).toEqual([]);
    expect(r.evidence.ocspResponses).toHaveLength(1);
    expect(r.evidence.crls).toHaveLength(0);
    expect(r.evidence.certificates).toEqual([responderLeaf.certDer]);
    expect(r.nextUpdate!.getTime() - r.thisUpdate!.getTime()).toBe(60 * 60_000);
    expect(parseOcspResponse(r.evidence.ocspResponses[0]).certStatus).toBe('good');
  });

  it('revoked.p12 is revoked by OCSP, with the time and reason from the CA database', async () => {
    const r = await checkRevocation(revoked.certDer, intermediate, {
      ocspUrlOverride: ocsp.url,
      crlUrlOverride: crlUrl,
    });
    expect(r).toMatchObject({ status: 'revoked', source: 'ocsp', reason: 'keyCompromise' });
    expect(r.revocationTime).toEqual(revokedAt);
  });

  it('revoked.p12 is revoked by CRL', async () => {
    const r = await checkRevocation(revoked.certDer, intermediate, {
      prefer: 'crl-then-ocsp',
      ocspUrlOverride: ocsp.url,
      crlUrlOverride: crlUrl,
    });
    expect(r).toMatchObject({ status: 'revoked', source: 'crl', reason: 'keyCompromise', url: crlUrl });
    expect(r.revocationTime).toEqual(revokedAt);
    expect(r.evidence.crls).toEqual([new Uint8Array(intermediateCrlDer)]);
  });

  it('falls back to the CRL when the OCSP port is closed, and says so', async () => {
    const r = await checkRevocation(signer.certDer, intermediate, {
      ocspUrlOverride: `http://127.0.0.1:${closedPort}`,
      crlUrlOverride: crlUrl,
    });
    expect(r).toMatchObject({ status: 'good', source: 'crl' });
    expect(r.warnings).toEqual(['OCSP_UNAVAILABLE']);
    expect(r.attempts[0]).toMatchObject({
      source: 'ocsp',
      outcome: 'error',
      error: { code: 'REVOCATION_UNREACHABLE' },
    });
    expect(r.attempts[1]).toMatchObject({ source: 'crl', outcome: 'good' });
  });

  it("reports 'unknown' with a warning when neither OCSP nor the CRL answers", async () => {
    const down = `http://127.0.0.1:${closedPort}`;
    const r = await checkRevocation(revoked.certDer, intermediate, {
      ocspUrlOverride: down,
      crlUrlOverride: `${down}/intermediate.crl`,
    });
    expect(r.status).toBe('unknown');
    expect(r.source).toBeNull();
    expect(r.warnings).toEqual(['OCSP_UNAVAILABLE', 'CRL_UNAVAILABLE', 'REVOCATION_STATUS_UNKNOWN']);
    expect(r.evidence).toEqual({ ocspResponses: [], crls: [], certificates: [] });
    expect(describeRevocationCode('REVOCATION_STATUS_UNKNOWN').vi).toMatch(/Không kiểm tra được/);
  });

  it("uses the certificate's own AIA and CRL addresses when there is no override", async () => {
    const seen: string[] = [];
    const rewrite = (url: string, init?: RequestInit) => {
      seen.push(url);
      return fetch(
        url.replace('127.0.0.1:39601', `127.0.0.1:${ocsp.port}`).replace('127.0.0.1:39602', `127.0.0.1:${http.port}`),
        init,
      );
    };
    const viaOcsp = await checkRevocation(signer.certDer, intermediate, { fetch: rewrite });
    const viaCrl = await checkRevocation(signer.certDer, intermediate, { fetch: rewrite, prefer: 'crl-then-ocsp' });
    expect([viaOcsp.source, viaCrl.source]).toEqual(['ocsp', 'crl']);
    expect(seen).toEqual(['http://127.0.0.1:39601', 'http://127.0.0.1:39602/intermediate.crl']);
  });

  it("'ocsp-and-crl' collects both kinds of evidence for LTV", async () => {
    const r = await checkRevocation(signer.certDer, intermediate, {
      prefer: 'ocsp-and-crl',
      ocspUrlOverride: ocsp.url,
      crlUrlOverride: crlUrl,
    });
    expect(r).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(r.evidence.ocspResponses).toHaveLength(1);
    expect(r.evidence.crls).toHaveLength(1);
  });

  it('does not trust a response signed by a key the CA did not authorise, and falls back', async () => {
    const r = await checkRevocation(revoked.certDer, intermediate, {
      ocspUrlOverride: ocspWrongKey.url,
      crlUrlOverride: crlUrl,
    });
    expect(r).toMatchObject({ status: 'revoked', source: 'crl' });
    expect(r.attempts[0]).toMatchObject({
      source: 'ocsp',
      outcome: 'unusable',
      problems: ['OCSP_RESPONDER_NOT_AUTHORISED'],
    });
    expect(r.evidence.ocspResponses).toEqual([]);
  });

  it('falls back past a garbage OCSP answer and a tampered CRL ends in unknown', async () => {
    const r = await checkRevocation(revoked.certDer, intermediate, {
      ocspUrlOverride: `${http.url}/garbage`,
      crlUrlOverride: `${http.url}/forged/intermediate.crl`,
    });
    expect(r.status).toBe('unknown');
    expect(r.attempts.map((a) => [a.outcome, a.problems])).toEqual([
      ['unusable', ['OCSP_MALFORMED']],
      ['unusable', ['CRL_SIGNATURE_INVALID']],
    ]);
  });

  it('refuses to check against a certificate that is not the issuer', async () => {
    const r = await checkRevocation(signer.certDer, root, { ocspUrlOverride: ocsp.url, crlUrlOverride: crlUrl });
    expect(r.status).toBe('unknown');
    expect(r.warnings).toEqual(['REVOCATION_ISSUER_MISMATCH', 'REVOCATION_STATUS_UNKNOWN']);
    expect(r.attempts).toEqual([]);
  });
});

describe('checkOcspResponse', () => {
  async function ask(url: string, cert: Uint8Array, nonce = true) {
    const req = await buildOcspRequest(cert, intermediate, { nonce });
    return { req, der: await fetchOcsp(url, req.der, { timeoutMs: 5000 }) };
  }

  it("accepts the delegated responder's answer and reports its facts", async () => {
    const { req, der } = await ask(ocsp.url, signer.certDer);
    const r = await checkOcspResponse(der, signer.certDer, intermediate, { nonce: req.nonce });
    expect(r).toMatchObject({
      status: 'good',
      certStatus: 'good',
      responseStatus: 'successful',
      responder: 'delegated',
      problems: [],
      warnings: [],
    });
    expect(r.responderCertificate).toEqual(responderLeaf.certDer);
    expect(r.nonce).toEqual(req.nonce);
    const facts = parseOcspResponse(der);
    expect(facts.responderId).toHaveProperty('byName');
    expect(facts.certificates).toEqual([responderLeaf.certDer]);
  });

  it('accepts a ResponderID given by key hash', async () => {
    const { req, der } = await ask(ocspByKey.url, revoked.certDer);
    expect(parseOcspResponse(der).responderId).toHaveProperty('byKeyHash');
    const r = await checkOcspResponse(der, revoked.certDer, intermediate, { nonce: req.nonce });
    expect(r).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise', problems: [] });
    expect(r.revocationTime).toEqual(revokedAt);
  });

  it('rejects a response signed with another leaf key (seal.p12: no OCSPSigning EKU)', async () => {
    const { req, der } = await ask(ocspWrongKey.url, signer.certDer);
    const r = await checkOcspResponse(der, signer.certDer, intermediate, { nonce: req.nonce });
    expect(r.status).toBe('unusable');
    expect(r.problems).toEqual(['OCSP_RESPONDER_NOT_AUTHORISED']);
    expect(r.certStatus).toBe('good'); // the claim is reported, but not relied on
  });

  it('rejects a response whose signature does not match its content', async () => {
    const { der } = await ask(ocsp.url, revoked.certDer, false);
    // Flip a bit inside thisUpdate's digits so the structure still parses.
    const facts = parseOcspResponse(der);
    const stamp = Buffer.from(facts.thisUpdate!.toISOString().replace(/[-:T]/g, '').slice(0, 14));
    const at = Buffer.from(der).indexOf(stamp);
    expect(at).toBeGreaterThan(0);
    const forged = new Uint8Array(der);
    forged[at + 3] ^= 0x01; // the year's last digit: still a valid time, no longer the signed one
    const r = await checkOcspResponse(forged, revoked.certDer, intermediate);
    expect(r.problems).toContain('OCSP_SIGNATURE_INVALID');
    expect(r.status).toBe('unusable');
  });

  it('refuses a response whose certs field holds something that is not a certificate', async () => {
    const { der } = await ask(ocsp.url, signer.certDer, false);
    // the BasicOCSPResponse with its responder certificate replaced by SEQUENCE { INTEGER 1 }, wrapped again
    const outer = asn1js.fromBER(der.slice().buffer as ArrayBuffer).result as asn1js.Sequence;
    const bytes = (outer.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
    const octets = bytes.valueBlock.value[1] as asn1js.OctetString;
    const basic = asn1js.fromBER(octets.valueBlock.valueHexView.slice().buffer as ArrayBuffer)
      .result as asn1js.Sequence;
    const certs = basic.valueBlock.value[3] as asn1js.Constructed;
    (certs.valueBlock.value[0] as asn1js.Sequence).valueBlock.value = [
      new asn1js.Sequence({ value: [new asn1js.Integer({ value: 1 })] }),
    ];
    const forged = wrapBasicResponse(new Uint8Array(basic.toBER(false)));
    expect(parseOcspResponse(der).certificates).toHaveLength(1); // the original has one, read fine
    const r = await checkOcspResponse(forged, signer.certDer, intermediate);
    expect(r).toMatchObject({ status: 'unusable', problems: ['OCSP_MALFORMED'] });
    expect(() => parseOcspResponse(forged)).toThrow(RevocationError);
  });

  it('turns garbage into a typed failure, never an exception', async () => {
    const junk = new Uint8Array(randomBytes(200));
    const r = await checkOcspResponse(junk, signer.certDer, intermediate);
    expect(r).toMatchObject({ status: 'unusable', problems: ['OCSP_MALFORMED'] });
    expect(() => parseOcspResponse(junk)).toThrow(RevocationError);
    try {
      parseOcspResponse(junk);
    } catch (e) {
      expect(e).toBeInstanceOf(KysoError);
      expect((e as KysoError).code).toBe('REVOCATION_BAD_RESPONSE');
      expect((e as KysoError).messageVi).toMatch(/không hợp lệ/);
    }
    const garbage = await fetchOcsp(`${http.url}/garbage`, new Uint8Array([0x30, 0x00]));
    expect((await checkOcspResponse(garbage, signer.certDer, intermediate)).problems).toEqual(['OCSP_MALFORMED']);
  });

  it("reports a responder's refusal (tryLater) as such", async () => {
    const der = await fetchOcsp(`${http.url}/try-later`, new Uint8Array([0x30, 0x00]));
    expect(parseOcspResponse(der).responseStatus).toBe('tryLater');
    const r = await checkOcspResponse(der, signer.certDer, intermediate);
    expect(r).toMatchObject({ status: 'unusable', responseStatus: 'tryLater', problems: ['OCSP_NOT_SUCCESSFUL'] });
  });

  it('detects a nonce mismatch, and warns when the responder echoes none', async () => {
    const { der } = await ask(ocsp.url, signer.certDer);
    const other = new Uint8Array(16).fill(7);
    const mismatch = await checkOcspResponse(der, signer.certDer, intermediate, { nonce: other });
    expect(mismatch).toMatchObject({ status: 'unusable', problems: ['OCSP_NONCE_MISMATCH'] });

    const { der: noNonce } = await ask(ocsp.url, signer.certDer, false);
    const missing = await checkOcspResponse(noNonce, signer.certDer, intermediate, { nonce: other });
    expect(missing).toMatchObject({ status: 'good', problems: [], warnings: ['OCSP_NONCE_MISSING'] });
  });

  it('rejects an answer about another certificate', async () => {
    const { der } = await ask(ocsp.url, signer.certDer, false);
    const r = await checkOcspResponse(der, revoked.certDer, intermediate);
    expect(r).toMatchObject({ status: 'unusable', problems: ['OCSP_CERT_NOT_IN_RESPONSE'] });
  });

  it('checks freshness against the validation time', async () => {
    const { der } = await ask(ocsp.url, signer.certDer, false);
    const hour = 60 * 60_000;
    const later = await checkOcspResponse(der, signer.certDer, intermediate, { at: new Date(Date.now() + 2 * hour) });
    expect(later.problems).toEqual(['OCSP_EXPIRED']);
    const earlier = await checkOcspResponse(der, signer.certDer, intermediate, { at: new Date(Date.now() - hour) });
    expect(earlier.problems).toEqual(['OCSP_NOT_YET_VALID']);
    const inWindow = await checkOcspResponse(der, signer.certDer, intermediate, {
      at: new Date(Date.now() + hour / 2),
    });
    expect(inWindow.status).toBe('good');
  });
});

describe('CRLs', () => {
  it('parses the intermediate CRL, PEM or DER', () => {
    const facts = parseCrl(new Uint8Array(intermediateCrlDer));
    expect(facts.revokedCount).toBe(1);
    expect(facts.isDelta).toBe(false);
    expect(facts.nextUpdate!.getTime()).toBeGreaterThan(Date.now());
    const fromPem = parseCrl(new Uint8Array(readFileSync(pki.file('crl.pem'))));
    expect(fromPem.der).toEqual(new Uint8Array(intermediateCrlDer));
  });

  it('finds revoked.p12 revoked and signer.p12 good', async () => {
    const bad = await checkCrl(new Uint8Array(intermediateCrlDer), revoked.certDer, intermediate);
    expect(bad).toMatchObject({ status: 'revoked', reason: 'keyCompromise', problems: [] });
    expect(bad.revocationTime).toEqual(revokedAt);
    const good = await checkCrl(new Uint8Array(intermediateCrlDer), signer.certDer, intermediate);
    expect(good).toMatchObject({ status: 'good', problems: [], warnings: [] });
  });

  it('fails a tampered CRL on its signature', async () => {
    const r = await checkCrl(tamperedCrl(serialOf(revoked.certDer)), revoked.certDer, intermediate);
    expect(r).toMatchObject({ status: 'unusable', problems: ['CRL_SIGNATURE_INVALID'] });
    expect(r.revocationTime).toBeUndefined();
  });

  it('rejects a CRL from another issuer, a stale or future CRL, and garbage', async () => {
    const rootCrl = new Uint8Array(readFileSync(pki.file('http/root.crl')));
    expect((await checkCrl(rootCrl, signer.certDer, intermediate)).problems).toContain('CRL_ISSUER_MISMATCH');
    expect((await checkCrl(rootCrl, intermediate, root)).status).toBe('good');
    const crl = new Uint8Array(intermediateCrlDer);
    expect(
      (await checkCrl(crl, signer.certDer, intermediate, { at: new Date('2060-01-01T00:00:00Z') })).problems,
    ).toEqual(['CRL_EXPIRED']);
    expect(
      (await checkCrl(crl, signer.certDer, intermediate, { at: new Date('2020-01-01T00:00:00Z') })).problems,
    ).toEqual(['CRL_NOT_YET_VALID']);
    expect((await checkCrl(new Uint8Array(randomBytes(100)), signer.certDer, intermediate)).problems).toEqual([
      'CRL_MALFORMED',
    ]);
    expect(() => parseCrl(new Uint8Array(randomBytes(100)))).toThrow(RevocationError);
  });
});

describe('fetching', () => {
  async function failure(p: Promise<unknown>): Promise<RevocationError> {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(RevocationError);
    return e as RevocationError;
  }

  it('fetches a CRL', async () => {
    expect(await fetchCrl(crlUrl)).toEqual(new Uint8Array(intermediateCrlDer));
  });

  it('times out on a server that never answers', async () => {
    const started = Date.now();
    const e = await failure(fetchOcsp(`${http.url}/hang`, new Uint8Array([0x30, 0x00]), { timeoutMs: 300 }));
    expect(e.code).toBe('REVOCATION_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('caps the body size while streaming', async () => {
    const e = await failure(fetchCrl(`${http.url}/big`, { maxBytes: 1 << 20 }));
    expect(e.code).toBe('REVOCATION_TOO_LARGE');
    expect((await fetchCrl(`${http.url}/big`, { maxBytes: 4 << 20 })).length).toBe(4 << 20);
  });

  it('types HTTP errors, refused connections and unsupported addresses', async () => {
    expect((await failure(fetchCrl(`${http.url}/missing.bin`))).code).toBe('REVOCATION_BAD_RESPONSE');
    expect((await failure(fetchCrl(`http://127.0.0.1:${closedPort}/x.crl`))).code).toBe('REVOCATION_UNREACHABLE');
    expect((await failure(fetchCrl('ldap://ldap.example/cn=CRL'))).code).toBe('REVOCATION_UNSUPPORTED_URL');
    const e = await failure(fetchCrl(`http://127.0.0.1:${closedPort}/x.crl`));
    expect(e).toBeInstanceOf(KysoError);
    expect(e.messageVi).toContain(REVOCATION_MESSAGES.REVOCATION_UNREACHABLE[0]);
  });
});

describe('browser safety', () => {
  it('uses no Node built-ins in src/revocation', () => {
    const dir = fileURLToPath(new URL('../src/revocation/', import.meta.url));
    for (const name of readdirSync(dir)) {
      const src = readFileSync(join(dir, name), 'utf8');
      expect(src, name).not.toMatch(/from ['"](node:|fs|path|crypto|http|https|net|child_process|buffer)['"]/);
      expect(src, name).not.toMatch(/\b(Buffer|process)\s*[.(]|\brequire\(/);
    }
  });
});
