/**
 * The DER read and written directly instead of through asn1js/pkijs (revocation/der-tlv.ts and its users) gives the
 * bytes asn1js and pkijs give: a key's SubjectPublicKeyInfo, a certificate's algorithm identifiers, object
 * identifiers, an OCSP request.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateLayout, encodeTlv, isPlainDer, oidDer, oidText, tlv, whole } from '../src/revocation/der-tlv.js';
import { pemOrDer, toArrayBuffer } from '../src/revocation/bytes.js';
import { subjectPublicKeyInfoDer, toCertificate } from '../src/revocation/certificates.js';
import { buildOcspRequest } from '../src/revocation/ocsp-request.js';
import { HASH_OIDS, IssuerHashes, type OcspHash } from '../src/revocation/cert-id.js';
import { ID_PKIX_OCSP_NONCE } from '../src/revocation/ocsp-response.js';
import { signatureAlgorithmsAgree } from '../src/trust/certificate-signature.js';
import { VN_TRUST_DATA } from '../src/trust-profiles/vn-data.generated.js';

const pem = (f: string) => pemOrDer(readFileSync(fileURLToPath(new URL(`../../../test-certs/${f}`, import.meta.url))));
const DERS: Uint8Array[] = [
  ...VN_TRUST_DATA.map((r) => Uint8Array.from(Buffer.from(r.der, 'base64'))),
  pem('root-ca.pem'),
  pem('intermediate-ca.pem'),
];
const hex = (b: Uint8Array | ArrayBuffer) =>
  Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');
const parsed = (der: Uint8Array) =>
  new pkijs.Certificate({ schema: asn1js.fromBER(der.slice().buffer as ArrayBuffer).result });

/** asn1js's encoding of what it reads from these bytes (null when it cannot read them all). */
function asn1jsEncoding(der: Uint8Array): string | null {
  const asn = asn1js.fromBER(toArrayBuffer(der));
  return asn.offset === der.length && !asn.result.error ? hex(asn.result.toBER(false)) : null;
}

describe('der-tlv', () => {
  it('finds the algorithm identifiers and the key of every certificate where pkijs does', () => {
    for (const der of DERS) {
      const layout = certificateLayout(der);
      expect(layout).not.toBeNull();
      const cert = parsed(der);
      const part = (t: { at: number; end: number }) => hex(der.subarray(t.at, t.end));
      expect(part(layout!.tbsSignature)).toBe(hex(cert.signature.toSchema().toBER(false)));
      expect(part(layout!.signatureAlgorithm)).toBe(hex(cert.signatureAlgorithm.toSchema().toBER(false)));
      expect(part(layout!.subjectPublicKeyInfo)).toBe(hex(cert.subjectPublicKeyInfo.toSchema().toBER(false)));
      expect(isPlainDer(der, layout!.subjectPublicKeyInfo)).toBe(true);
      expect(hex(subjectPublicKeyInfoDer(toCertificate(der)))).toBe(
        hex(cert.subjectPublicKeyInfo.toSchema().toBER(false)),
      );
      expect(signatureAlgorithmsAgree(toCertificate(der))).toBe(true);
    }
  });

  it('calls bytes plain only when asn1js encodes what it reads back to the same bytes', () => {
    const seeds = DERS.flatMap((der) => {
      const l = certificateLayout(der)!;
      return [l.subjectPublicKeyInfo, l.tbsSignature].map((t) => der.slice(t.at, t.end));
    });
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })), {
          maxLength: 3,
        }),
        (i, edits) => {
          const b = [...seeds[i]!];
          for (const [at, x, kind] of edits) {
            const p = at % (b.length + 1);
            if (kind === 0 && p < b.length) b[p] = x;
            else if (kind === 1) b.splice(p, 0, x);
            else b.splice(p, 1);
          }
          const bytes = Uint8Array.from(b);
          const t = tlv(bytes, 0, bytes.length);
          if (!t || t.end !== bytes.length || !isPlainDer(bytes, t)) return;
          expect(asn1jsEncoding(bytes)).toBe(hex(bytes));
        },
      ),
      { numRuns: 4000, seed: 4122026 },
    );
    // what asn1js would write differently is not plain: NULL with content, BIT STRING without bits, long forms
    const plain = (h: string) => {
      const b = Uint8Array.from(Buffer.from(h, 'hex'));
      const t = tlv(b, 0, b.length);
      return t !== null && t.end === b.length && isPlainDer(b, t);
    };
    expect(plain('300d06092a864886f70d01010b0500')).toBe(true);
    for (const h of ['050100', '030100', '3081020500', '3003050101', '3003060180']) expect(plain(h), h).toBe(false);
  });

  it('writes and reads object identifiers as asn1js does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 39 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 8 }),
        (a, b, rest) => {
          const text = [a, b, ...rest].join('.');
          const der = oidDer(text);
          expect(hex(der)).toBe(hex(new asn1js.ObjectIdentifier({ value: text }).toBER(false)));
          expect(oidText(der, whole(der, 0x06)!)).toBe(text);
        },
      ),
      { numRuns: 2000, seed: 4122026 },
    );
  });

  it('writes minimal lengths', () => {
    for (const n of [0, 1, 127, 128, 255, 256, 65535, 65536]) {
      const der = encodeTlv(0x04, new Uint8Array(n));
      expect(hex(der)).toBe(hex(new asn1js.OctetString({ valueHex: new ArrayBuffer(n) }).toBER(false)));
      expect(whole(der, 0x04)?.start).toBe(der.length - n);
    }
  });
});

/** The request as pkijs built it before (OCSPRequest/Request/CertID/Extension), for comparison. */
async function pkijsRequest(cert: pkijs.Certificate, issuer: pkijs.Certificate, hash: OcspHash, nonce?: Uint8Array) {
  const [nameHash, keyHash] = await new IssuerHashes(issuer).get(hash);
  const request = new pkijs.OCSPRequest();
  const reqCert = new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OIDS[hash], algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: toArrayBuffer(nameHash) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: toArrayBuffer(keyHash) }),
    serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(cert.serialNumber.valueBlock.valueHexView) }),
  });
  request.tbsRequest.requestList = [new pkijs.Request({ reqCert })];
  if (nonce) {
    request.tbsRequest.requestExtensions = [
      new pkijs.Extension({
        extnID: ID_PKIX_OCSP_NONCE,
        critical: false,
        extnValue: new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false),
      }),
    ];
  }
  return new Uint8Array(request.toSchema(true).toBER(false));
}

describe('OCSP requests written directly', () => {
  it('are the bytes pkijs wrote, for every hash and nonce length', async () => {
    const [cert, issuer] = [toCertificate(pem('intermediate-ca.pem')), toCertificate(pem('root-ca.pem'))];
    for (const hash of Object.keys(HASH_OIDS) as OcspHash[]) {
      for (const n of [0, 1, 16, 32]) {
        const nonce = n === 0 ? undefined : Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
        const ours = await buildOcspRequest(cert, issuer, { hash, nonce: nonce ?? false });
        expect(hex(ours.der)).toBe(hex(await pkijsRequest(cert, issuer, hash, nonce)));
      }
    }
    // VN certificates (long serials) and their issuers
    for (const r of VN_TRUST_DATA.filter((x) => x.role === 'intermediate')) {
      const parent = VN_TRUST_DATA.find((x) => x.subject === r.issuer);
      if (!parent) continue;
      const [c, p] = [r, parent].map((x) => toCertificate(Uint8Array.from(Buffer.from(x.der, 'base64')))) as [
        pkijs.Certificate,
        pkijs.Certificate,
      ];
      expect(hex((await buildOcspRequest(c, p, { nonce: Uint8Array.of(7) })).der)).toBe(
        hex(await pkijsRequest(c, p, 'SHA-1', Uint8Array.of(7))),
      );
    }
    await expect(buildOcspRequest(cert, issuer, { nonce: new Uint8Array(33) })).rejects.toThrow(RangeError);
  });
});

describe('signatureAlgorithmsAgree', () => {
  it('still tells identifiers apart when their bytes differ', () => {
    const der = pem('intermediate-ca.pem');
    const cert = parsed(der);
    // the outer identifier without its NULL parameters: the same algorithm (absent and NULL are both seen)
    const noParams = new pkijs.Certificate({ schema: cert.toSchema() });
    noParams.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: cert.signatureAlgorithm.algorithmId });
    expect(signatureAlgorithmsAgree(toCertificate(new Uint8Array(noParams.toSchema().toBER(false))))).toBe(true);
    // another algorithm outside the signed part
    const other = new pkijs.Certificate({ schema: cert.toSchema() });
    other.signatureAlgorithm = new pkijs.AlgorithmIdentifier({
      algorithmId: '1.2.840.113549.1.1.13',
      algorithmParams: new asn1js.Null(),
    });
    expect(signatureAlgorithmsAgree(toCertificate(new Uint8Array(other.toSchema().toBER(false))))).toBe(false);
    // other parameters
    const params = new pkijs.Certificate({ schema: cert.toSchema() });
    params.signatureAlgorithm = new pkijs.AlgorithmIdentifier({
      algorithmId: cert.signatureAlgorithm.algorithmId,
      algorithmParams: new asn1js.Integer({ value: 1 }),
    });
    expect(signatureAlgorithmsAgree(toCertificate(new Uint8Array(params.toSchema().toBER(false))))).toBe(false);
  });
});
