/**
 * OCSP responses read straight from their DER (revocation/ocsp-reader.ts) are what pkijs's reading makes: real
 * answers of `openssl ocsp` as the test PKI's delegated responder (good, revoked, unknown, several certificates,
 * a nonce, the responder named by key hash, without certificates), the statuses without a body, and mutations of
 * them: the same objects, or a decline that leaves the bytes to pkijs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readBasicOcspResponse, readOcspEnvelope } from '../src/revocation/ocsp-reader.js';
import { readCertificate } from '../src/revocation/certificate-reader.js';
import { decodeOcspResponse } from '../src/revocation/ocsp-response.js';
import { leafPem } from '../../../tests/helpers/pki-servers.js';
import { scratch } from '../../../tests/helpers/tools.js';
import { asn1Of, hex, json, primeExtensions } from './helpers/pkijs-compare.js';

const certsDir = fileURLToPath(new URL('../../../test-certs/', import.meta.url));
const tmp = scratch('kyso-ocsp-reader-');
afterAll(() => tmp.cleanup());

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
}

/** An answer of `openssl ocsp` for these test certificates (names of test-certs/*.p12), with these options. */
function answer(name: string, leaves: string[], requestOptions: string[], responseOptions: string[]): Uint8Array {
  const req = tmp.file(`${name}.req`);
  const resp = tmp.file(`${name}.resp`);
  const issuer = join(certsDir, 'intermediate-ca.pem');
  const certs = leaves.flatMap((l) => ['-cert', leafPem(l).cert]);
  openssl(['ocsp', '-issuer', issuer, ...certs, ...requestOptions, '-reqout', req]);
  const responder = leafPem('ocsp');
  openssl([
    'ocsp',
    '-index',
    join(certsDir, 'ocsp-index.txt'),
    '-CA',
    issuer,
    '-rsigner',
    responder.cert,
    '-rkey',
    responder.key,
    '-reqin',
    req,
    '-respout',
    resp,
    '-ndays',
    '30',
    ...responseOptions,
  ]);
  return new Uint8Array(readFileSync(resp));
}

let RESPONSES: Array<[string, Uint8Array]> = [];
beforeAll(() => {
  RESPONSES = [
    ['good', answer('good', ['signer'], ['-no_nonce'], [])],
    ['revoked', answer('revoked', ['revoked'], ['-no_nonce'], [])],
    ['several certificates', answer('several', ['signer', 'revoked', 'seal'], ['-no_nonce'], [])],
    ['a nonce', answer('nonce', ['signer'], ['-nonce'], [])],
    ['by key hash, no certificates', answer('keyid', ['signer'], ['-no_nonce'], ['-resp_key_id', '-resp_no_certs'])],
    [
      'the CA certificate too',
      answer('other', ['signer'], ['-no_nonce'], ['-rother', join(certsDir, 'intermediate-ca.pem')]),
    ],
  ];
});

/** pkijs's reading of a BasicOCSPResponse (extension values kyso reads itself set), or null when it cannot. */
function byPkijs(inner: Uint8Array): pkijs.BasicOCSPResponse | null {
  const tree = asn1Of(inner);
  if (!tree) return null;
  try {
    const basic = new pkijs.BasicOCSPResponse({ schema: tree });
    primeExtensions(basic.tbsResponseData.responseExtensions);
    for (const r of basic.tbsResponseData.responses) primeExtensions(r.singleExtensions);
    return basic;
  } catch {
    return null;
  }
}

function expectSame(mine: pkijs.BasicOCSPResponse, theirs: pkijs.BasicOCSPResponse, inner: Uint8Array): void {
  expect(json(mine.tbsResponseData)).toBe(json(theirs.tbsResponseData));
  expect(json(mine.signatureAlgorithm)).toBe(json(theirs.signatureAlgorithm));
  expect(hex(mine.signature.valueBlock.valueHexView)).toBe(hex(theirs.signature.valueBlock.valueHexView));
  expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
  expect(Object.keys(mine.tbsResponseData).sort()).toEqual(Object.keys(theirs.tbsResponseData).sort());
  expect(hex(mine.tbsResponseData.tbsView)).toBe(hex(theirs.tbsResponseData.tbsView));
  expect(mine.tbsResponseData.producedAt.getTime()).toBe(theirs.tbsResponseData.producedAt.getTime());
  expect(mine.tbsResponseData.responderID.constructor).toBe(theirs.tbsResponseData.responderID.constructor);
  const [a, b] = [mine.tbsResponseData.responses, theirs.tbsResponseData.responses];
  expect(a.length).toBe(b.length);
  for (const [i, r] of a.entries()) {
    const o = b[i]!;
    expect(Object.keys(r).sort()).toEqual(Object.keys(o).sort());
    expect(json(r.certID)).toBe(json(o.certID));
    expect([r.certStatus.idBlock.tagClass, r.certStatus.idBlock.tagNumber]).toEqual([
      o.certStatus.idBlock.tagClass,
      o.certStatus.idBlock.tagNumber,
    ]);
    expect(hex(r.certStatus.toBER(false))).toBe(hex(o.certStatus.toBER(false)));
    expect([r.thisUpdate.getTime(), r.nextUpdate?.getTime()]).toEqual([
      o.thisUpdate.getTime(),
      o.nextUpdate?.getTime(),
    ]);
  }
  expect((mine.certs ?? []).map((c) => hex(c.toSchema().toBER(false)))).toEqual(
    (theirs.certs ?? []).map((c) => hex(c.toSchema().toBER(false))),
  );
  expect(hex(mine.toSchema().toBER(false))).toBe(hex(inner));
}

describe('an OCSP response read straight from its DER', () => {
  it("is what pkijs reads, for openssl's answers", () => {
    for (const [what, der] of RESPONSES) {
      const envelope = readOcspEnvelope(der);
      expect(envelope, what).toMatchObject({ status: 0, responseType: '1.3.6.1.5.5.7.48.1.1' });
      const inner = envelope!.response!;
      const mine = readBasicOcspResponse(inner, readCertificate);
      expect(mine, what).not.toBeNull();
      expectSame(mine!, byPkijs(inner)!, inner);
    }
    const facts = decodeOcspResponse(RESPONSES[1]![1]).facts;
    expect([facts.certStatus, facts.revocationReason]).toEqual(['revoked', expect.any(String)]);
    expect(decodeOcspResponse(RESPONSES[2]![1]).facts.responses.map((r) => r.certStatus)).toEqual([
      'good',
      'revoked',
      'good',
    ]);
    expect(decodeOcspResponse(RESPONSES[3]![1]).facts.nonce?.length).toBeGreaterThan(0);
    expect(decodeOcspResponse(RESPONSES[4]![1]).facts.responderId).toHaveProperty('byKeyHash');
  });

  it('reads the statuses without a body, as pkijs does', () => {
    for (const status of [1, 2, 3, 5, 6]) {
      const der = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, status);
      expect(readOcspEnvelope(der)).toEqual({ status });
      const theirs = new pkijs.OCSPResponse({ schema: asn1js.fromBER(der.slice().buffer).result });
      expect(theirs.responseStatus.valueBlock.valueDec).toBe(status);
      expect(theirs.responseBytes).toBeUndefined();
    }
  });

  it('on mutated responses: reads what pkijs reads, or declines', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        (which, flips) => {
          const inner = readOcspEnvelope(RESPONSES[which]![1])!.response!;
          const m = inner.slice();
          for (const [at, v] of flips) m[at % m.length] = v;
          const mine = readBasicOcspResponse(m, readCertificate);
          if (!mine) return;
          const theirs = byPkijs(m);
          expect(theirs).not.toBeNull();
          expectSame(mine, theirs!, m);
        },
      ),
      { numRuns: 800, seed: 19 },
    );
  });
});
