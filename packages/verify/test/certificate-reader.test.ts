/**
 * The certificate read straight from its DER (revocation/certificate-reader.ts) is what pkijs's own reading makes:
 * the same fields, the same JSON, the same encoding, the same extension values, the same key; and the encoding facts
 * taken from the DER without asn1js (signature/ber.ts derIsClean) never miss what asn1js's walk finds, on the
 * bundled and test certificates and on mutations of them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readCertificate } from '../src/revocation/certificate-reader.js';
import { encodeTlv, whole } from '../src/revocation/der-tlv.js';
import { derIsClean, encodingFacts } from '../src/signature/ber.js';
import { VN_TRUST_DATA } from '../src/trust-profiles/vn-data.generated.js';
import { asn1Of, expectSameSigned, hex, json, parsedJson, primeExtensions } from './helpers/pkijs-compare.js';

const testCerts = (f: string): Uint8Array[] =>
  [
    ...readFileSync(fileURLToPath(new URL(`../../../test-certs/${f}`, import.meta.url)), 'utf8').matchAll(
      /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g,
    ),
  ].map((m) => Uint8Array.from(Buffer.from(m[1]!.replace(/\s/g, ''), 'base64')));

const DERS: Uint8Array[] = [
  ...VN_TRUST_DATA.map((r) => Uint8Array.from(Buffer.from(r.der, 'base64'))),
  ...testCerts('root-ca.pem'),
  ...testCerts('intermediate-ca.pem'),
  ...testCerts('ca-chain.pem'),
];
/**
 * pkijs's own reading with the extension values kyso reads itself set (as toCertificate made it before), or null
 * when asn1js or pkijs cannot read the bytes as one certificate.
 */
function byPkijs(der: Uint8Array): pkijs.Certificate | null {
  const tree = asn1Of(der);
  if (!tree) return null;
  try {
    const cert = new pkijs.Certificate({ schema: tree });
    primeExtensions(cert.extensions);
    return cert;
  } catch {
    return null;
  }
}

/** Everything a reader of the certificate sees, compared with pkijs's reading. */
function expectSame(mine: pkijs.Certificate, theirs: pkijs.Certificate, der: Uint8Array): void {
  expectSameSigned(mine, theirs, der);
  expect(mine.version).toBe(theirs.version);
  expect(mine.notBefore.value.getTime()).toBe(theirs.notBefore.value.getTime());
  expect(mine.notAfter.value.getTime()).toBe(theirs.notAfter.value.getTime());
  expect(mine.issuer.isEqual(theirs.issuer)).toBe(true);
  expect(mine.subject.isEqual(theirs.subject)).toBe(true);
  expect(hex(mine.subject.valueBeforeDecode)).toBe(hex(theirs.subject.valueBeforeDecode));
  expect(json(mine.subjectPublicKeyInfo.parsedKey)).toBe(json(theirs.subjectPublicKeyInfo.parsedKey));
  expect(mine.extensions?.length).toBe(theirs.extensions?.length);
  for (const [i, ext] of (mine.extensions ?? []).entries()) {
    const other = theirs.extensions![i]!;
    expect([ext.extnID, ext.critical]).toEqual([other.extnID, other.critical]);
    expect(parsedJson(ext)).toBe(parsedJson(other));
  }
}

describe('a certificate read straight from its DER', () => {
  it('is what pkijs reads, for every bundled Vietnamese and test certificate', () => {
    expect(DERS.length).toBeGreaterThan(30);
    for (const der of DERS) {
      const mine = readCertificate(der);
      expect(mine, hex(der).slice(0, 64)).not.toBeNull();
      expectSame(mine!, byPkijs(der)!, der);
    }
  });

  it('keeps nothing of the caller buffer: changing it afterwards changes nothing', () => {
    const der = DERS[0]!.slice();
    const mine = readCertificate(der)!;
    const before = json(mine);
    der.fill(0);
    expect(json(mine)).toBe(before);
  });

  it('on mutated certificates: reads what pkijs reads, or declines; the DER check never misses what asn1js finds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DERS),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        (der, flips) => {
          const m = der.slice();
          for (const [at, v] of flips) m[at % m.length] = v;
          const theirs = byPkijs(m);
          const mine = readCertificate(m);
          if (mine) {
            expect(theirs).not.toBeNull();
            expectSame(mine, theirs!, m);
          }
          const root = whole(m, 0x30);
          if (root && derIsClean(m, root, 4)) {
            let asn: ReturnType<typeof asn1js.fromBER> | undefined;
            try {
              asn = asn1js.fromBER(m.slice().buffer as ArrayBuffer);
            } catch {
              // asn1js throws on a value it cannot convert (a time): the certificate is then unreadable both ways
              expect(mine).toBeNull();
            }
            // asn1js cannot read it all (a value it rejects): unreadable both ways; else it finds nothing either
            if (asn && (asn.offset !== m.length || asn.result.error)) expect(mine).toBeNull();
            else if (asn) expect(encodingFacts(asn.result, 4)).toEqual({ ber: false, badInteger: false });
          }
        },
      ),
      { numRuns: 1000, seed: 19 },
    );
  });

  it('declines the layouts it does not read (pkijs reads them)', () => {
    const der = testCerts('root-ca.pem')[0]!;
    // trailing bytes after the certificate
    expect(readCertificate(Uint8Array.from([...der, 0]))).toBeNull();
    // not a certificate at all
    expect(readCertificate(encodeTlv(0x30, encodeTlv(0x02, Uint8Array.of(1))))).toBeNull();
    expect(readCertificate(new Uint8Array(0))).toBeNull();
  });
});

describe('derIsClean: what asn1js finds inside the DER, read without asn1js', () => {
  const facts = (b: Uint8Array) => encodingFacts(asn1js.fromBER(b.slice().buffer as ArrayBuffer).result);
  const seq = (...parts: Uint8Array[]) => encodeTlv(0x30, ...parts);
  const cases: Array<[string, Uint8Array]> = [
    ['a non-minimal INTEGER', seq(encodeTlv(0x02, Uint8Array.of(0, 5)))],
    ['a non-minimal negative INTEGER', seq(encodeTlv(0x02, Uint8Array.of(0xff, 0x85)))],
    ['a non-minimal INTEGER inside an OCTET STRING', seq(encodeTlv(0x04, seq(encodeTlv(0x02, Uint8Array.of(0, 5)))))],
    [
      'a non-minimal INTEGER inside a BIT STRING',
      seq(encodeTlv(0x03, Uint8Array.of(0), seq(encodeTlv(0x02, Uint8Array.of(0, 1))))),
    ],
    ['a long-form short length inside an OCTET STRING', seq(encodeTlv(0x04, Uint8Array.of(0x04, 0x81, 0x01, 0x07)))],
    ['an indefinite length inside an OCTET STRING', seq(encodeTlv(0x04, Uint8Array.of(0x30, 0x80, 0x05, 0x00, 0, 0)))],
  ];
  for (const [what, b] of cases)
    it(`is not sure of ${what} (asn1js flags it)`, () => {
      expect(derIsClean(b, whole(b, 0x30)!)).toBe(false);
      const f = facts(b);
      expect(f.ber || f.badInteger).toBe(true);
    });

  it('is sure of plain DER and of contents asn1js cannot read as one value', () => {
    for (const b of [
      seq(encodeTlv(0x02, Uint8Array.of(0, 0x80)), encodeTlv(0x02, Uint8Array.of(0xff, 0x7f))),
      seq(encodeTlv(0x04, Uint8Array.of(1, 2, 3, 4, 5))),
      seq(encodeTlv(0x03, Uint8Array.of(0, 0x30, 0x05, 1))),
      seq(encodeTlv(0x03, Uint8Array.of(3, 0x02, 0x02, 0, 5))), // unused bits: asn1js does not look inside
      seq(encodeTlv(0x04, seq(encodeTlv(0x02, Uint8Array.of(5))))),
    ]) {
      expect(derIsClean(b, whole(b, 0x30)!)).toBe(true);
      expect(facts(b)).toEqual({ ber: false, badInteger: false });
    }
  });
});
