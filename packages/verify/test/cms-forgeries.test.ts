/**
 * Issue 13 class 3: CMS forgeries. Each case takes a file kyso signed with the test PKI, changes one thing in its CMS
 * (a signed attribute, an algorithm identifier, a timestamp token inside it), signs the signed attributes again with
 * the real key where needed so that only the rule under test fails, and writes the CMS back into /Contents (same
 * length: the ByteRange digest is unchanged). Controls re-encode and re-sign without a change and must still pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PdfDocument } from '@kyso/pdf';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { buildDssUpdate, timestampPdf, tsaTimestamper } from '@kyso/core';
import { checkCrl, checkTimestampToken } from '@kyso/verify';
import { concat, explain, kysoSign, plainPdf, validate, verdictOf } from './helpers/signed-pdfs.js';
import { verifySignatureValue } from '../src/crypto-policy/verify-signature.js';
import { run, scratch } from '../../../tests/helpers/tools.js';
import {
  OIDS,
  coveredBytes,
  forgeCms,
  getAttribute,
  parseSignedData,
  encodeSignedData,
  pssAlgorithm,
  readContents,
  resign,
  setAttribute,
  sha,
  signBytes,
  signedAttributesDer,
} from './helpers/cms-forge.js';
import { leafPem, pemToDer, startTsa, type TsaServer } from '../../../tests/helpers/pki-servers.js';

const RSA_KEY = readFileSync(leafPem('signer').key, 'utf8');
const EC_KEY = readFileSync(leafPem('signer-ec').key, 'utf8');
const TSA_KEY = readFileSync(leafPem('tsa').key, 'utf8');
const oid = (s: string) => new asn1js.ObjectIdentifier({ value: s });
const octets = (b: Uint8Array) => new asn1js.OctetString({ valueHex: b.slice().buffer as ArrayBuffer });
const alg = (id: string, params: asn1js.AsnType | undefined = new asn1js.Null()) =>
  new pkijs.AlgorithmIdentifier({ algorithmId: id, ...(params ? { algorithmParams: params } : {}) });

let rsaSigned: Uint8Array;
let ecSigned: Uint8Array;
beforeAll(async () => {
  const input = await plainPdf();
  rsaSigned = await kysoSign(input);
  ecSigned = await kysoSign(input, { p12: 'signer-ec.p12' });
});

async function verdict(pdf: Uint8Array) {
  const report = await validate(pdf);
  expect(report.signatures).toHaveLength(1);
  return report.signatures[0];
}

describe('controls: re-encoding and re-signing alone changes nothing', () => {
  it('RSA: the CMS re-encoded and its attributes re-signed is still TOTAL-PASSED', async () => {
    const s = await verdict(
      await forgeCms(rsaSigned, (_sd, si) => resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' })),
    );
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
  });

  it('ECDSA: the same with the P-256 signer', async () => {
    const s = await verdict(
      await forgeCms(ecSigned, (_sd, si) => resign(si, EC_KEY, { kind: 'ecdsa', hash: 'sha256' })),
    );
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
  });

  it('RSASSA-PSS declared as made (SHA-256, MGF1 SHA-256, salt 32) passes', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      si.signatureAlgorithm = pssAlgorithm(OIDS.sha256, OIDS.sha256, 32);
      resign(si, RSA_KEY, { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
  });
});

describe('the content-type signed attribute (RFC 5652 §11.1)', () => {
  it('naming id-signedData while eContentType is id-data: TOTAL-FAILED/FORMAT_FAILURE, CONTENT_TYPE_MISMATCH', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      setAttribute(si, OIDS.contentType, oid(OIDS.signedData));
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.reasons[0].code).toBe('CONTENT_TYPE_MISMATCH');
    expect(s.reasons[0].detail).toContain(OIDS.signedData);
  });

  it('naming id-ct-TSTInfo (a signature passed off as a timestamp’s): FORMAT_FAILURE', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      setAttribute(si, OIDS.contentType, oid(OIDS.tstInfo));
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.reasons[0].code).toBe('CONTENT_TYPE_MISMATCH');
  });

  it('absent while other signed attributes are present: FORMAT_FAILURE naming CONTENT_TYPE_ATTRIBUTE_MISSING', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      setAttribute(si, OIDS.contentType, null);
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.reasons[0].detail).toContain('CONTENT_TYPE_ATTRIBUTE_MISSING');
  });

  it('present twice (id-data, then id-signedData): FORMAT_FAILURE (the second one disagrees)', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      si.signedAttrs = new pkijs.SignedAndUnsignedAttributes({
        type: 0,
        attributes: [
          ...si.signedAttrs!.attributes,
          new pkijs.Attribute({ type: OIDS.contentType, values: [oid(OIDS.signedData)] }),
        ],
      });
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.reasons[0].code).toBe('CONTENT_TYPE_MISMATCH');
  });

  it('a message-digest attribute repeated, even with the same value: FORMAT_FAILURE naming SIGNED_ATTRIBUTE_REPEATED', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      const md = si.signedAttrs!.attributes.find((a) => a.type === OIDS.messageDigest)!;
      si.signedAttrs = new pkijs.SignedAndUnsignedAttributes({
        type: 0,
        attributes: [...si.signedAttrs!.attributes, new pkijs.Attribute({ type: md.type, values: md.values })],
      });
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.reasons[0]).toMatchObject({ code: 'CMS_UNREADABLE', detail: 'SIGNED_ATTRIBUTE_REPEATED' });
  });
});

describe('the signature algorithm must agree with the key and the digest', () => {
  it('ecdsa-with-SHA256 over a valid RSA SHA-256 signature (an RSA key): SIG_CRYPTO_FAILURE, not a pass', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      si.signatureAlgorithm = alg(OIDS.ecdsaWithSha256, undefined);
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/SIG_CRYPTO_FAILURE');
    expect(s.reasons[0].code).toBe('SIGNATURE_ALGORITHM_MISMATCH');
    expect(s.reasons[0].detail).toMatch(/ECDSA.*RSA key/);
    expect(s.intact).toBe(false);
  });

  it('sha256WithRSAEncryption with an EC key (a valid ECDSA signature): SIG_CRYPTO_FAILURE', async () => {
    const forged = await forgeCms(ecSigned, (_sd, si) => {
      si.signatureAlgorithm = alg(OIDS.sha256WithRsa);
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/SIG_CRYPTO_FAILURE');
    expect(s.reasons[0].code).toBe('SIGNATURE_ALGORITHM_MISMATCH');
    expect(s.reasons[0].detail).toMatch(/RSASSA-PKCS1-v1_5.*EC key/);
  });

  it('digestAlgorithm SHA-384 (message digest SHA-384, so the document digest matches) under sha256WithRSAEncryption: SIG_CRYPTO_FAILURE', async () => {
    const docDigest384 = await sha('SHA-384', coveredBytes(rsaSigned));
    const forged = await forgeCms(rsaSigned, (sd, si) => {
      si.digestAlgorithm = alg(OIDS.sha384);
      sd.digestAlgorithms = [alg(OIDS.sha384)];
      setAttribute(si, OIDS.messageDigest, octets(docDigest384));
      si.signatureAlgorithm = alg(OIDS.sha256WithRsa);
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/SIG_CRYPTO_FAILURE');
    expect(s.reasons[0].code).toBe('SIGNATURE_ALGORITHM_MISMATCH');
    expect(s.reasons[0].detail).toContain('SHA-384');
  });

  it('the same SHA-384 digest with sha384WithRSAEncryption, consistently: passes (the control for the case above)', async () => {
    const docDigest384 = await sha('SHA-384', coveredBytes(rsaSigned));
    const forged = await forgeCms(rsaSigned, (sd, si) => {
      si.digestAlgorithm = alg(OIDS.sha384);
      sd.digestAlgorithms = [alg(OIDS.sha384)];
      setAttribute(si, OIDS.messageDigest, octets(docDigest384));
      si.signatureAlgorithm = alg(OIDS.sha384WithRsa);
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha384' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
  });

  it('RSASSA-PSS parameters that do not describe the signature: salt 20 declared, 32 used → SIG_CRYPTO_FAILURE', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      si.signatureAlgorithm = pssAlgorithm(OIDS.sha256, OIDS.sha256, 20);
      resign(si, RSA_KEY, { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/SIG_CRYPTO_FAILURE');
  });

  it('RSASSA-PSS declaring MGF1 with SHA-1 over a signature made with MGF1 SHA-256 → SIG_CRYPTO_FAILURE (checked, not "unsupported")', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      si.signatureAlgorithm = pssAlgorithm(OIDS.sha256, OIDS.sha1, 32);
      resign(si, RSA_KEY, { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/SIG_CRYPTO_FAILURE');
    expect(s.reasons[0].code).toBe('SIGNATURE_INVALID');
  });

  it('RSASSA-PSS with MGF1 SHA-1 (WebCrypto cannot express it), signed so by openssl: verified intact by kyso’s own EMSA-PSS check', async () => {
    const tmp = scratch('kyso-pss-mgf1-');
    try {
      let attrs = new Uint8Array();
      const forged = await forgeCms(rsaSigned, (_sd, si) => {
        si.signatureAlgorithm = pssAlgorithm(OIDS.sha256, OIDS.sha1, 32);
        attrs = signedAttributesDer(si);
        const r = run('openssl', [
          'dgst',
          '-sha256',
          '-sign',
          leafPem('signer').key,
          '-sigopt',
          'rsa_padding_mode:pss',
          '-sigopt',
          'rsa_mgf1_md:sha1',
          '-sigopt',
          'rsa_pss_saltlen:32',
          '-out',
          tmp.file('sig.bin'),
          tmp.file('attrs.der', attrs),
        ]);
        expect(r.status, r.stderr).toBe(0);
        si.signature = new asn1js.OctetString({ valueHex: new Uint8Array(readFileSync(tmp.file('sig.bin'))).buffer });
      });
      const s = await verdict(forged);
      // The signature verifies; whether MGF1 SHA-1 is acceptable is the crypto policy's question, not integrity's.
      expect(s.intact, explain(s)).toBe(true);
      expect(s.subIndication).not.toBe('SIG_CRYPTO_FAILURE');
      // One flipped bit of the same signature value is invalid.
      const broken = await forgeCms(forged, (_sd, si) => {
        const v = new Uint8Array(si.signature.valueBlock.valueHexView).slice();
        v[v.length - 5] ^= 0x01;
        si.signature = new asn1js.OctetString({ valueHex: v.buffer });
      });
      const b = await verdict(broken);
      expect(verdictOf(b), explain(b)).toBe('TOTAL-FAILED/SIG_CRYPTO_FAILURE');
      expect(attrs.length).toBeGreaterThan(0);
    } finally {
      tmp.cleanup();
    }
  });

  it('RSASSA-PSS hash SHA-384 declared with digestAlgorithm SHA-256: SIGNATURE_ALGORITHM_MISMATCH', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      si.signatureAlgorithm = pssAlgorithm(OIDS.sha384, OIDS.sha384, 32);
      resign(si, RSA_KEY, { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/SIG_CRYPTO_FAILURE');
    expect(s.reasons[0].code).toBe('SIGNATURE_ALGORITHM_MISMATCH');
  });
});

describe('the ESS signing-certificate(-v2) attribute must name the signer certificate', () => {
  /** kyso's SigningCertificateV2 with the first ESSCertIDv2 edited. */
  const editV2 = (si: pkijs.SignerInfo, edit: (certId: asn1js.Sequence) => void) => {
    const v = getAttribute(si, OIDS.signingCertificateV2) as asn1js.Sequence;
    const first = (v.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    edit(first);
    setAttribute(si, OIDS.signingCertificateV2, new asn1js.Sequence({ value: v.valueBlock.value }));
  };
  const hashOf = (certId: asn1js.Sequence) =>
    certId.valueBlock.value.find((x) => x instanceof asn1js.OctetString) as asn1js.OctetString;

  it('kyso writes signing-certificate-v2 (what the cases below change)', () => {
    const si = parseSignedData(readContents(rsaSigned).der).signerInfos[0];
    expect(getAttribute(si, OIDS.signingCertificateV2)).toBeInstanceOf(asn1js.Sequence);
  });

  it('a wrong certificate hash: INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND, SIGNER_CERTIFICATE_NOT_BOUND', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      editV2(si, (id) => {
        const h = hashOf(id);
        const bytes = new Uint8Array(h.valueBlock.valueHexView).slice();
        bytes[0] ^= 0xff;
        id.valueBlock.value[id.valueBlock.value.indexOf(h)] = octets(bytes);
      });
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND');
    expect(s.reasons[0].code).toBe('SIGNER_CERTIFICATE_NOT_BOUND');
  });

  it('the right hash but a wrong issuerSerial serial number: NO_SIGNING_CERTIFICATE_FOUND', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      editV2(si, (id) => {
        let issuerSerial = id.valueBlock.value.find(
          (x, k) => k > 0 && x instanceof asn1js.Sequence && x !== id.valueBlock.value[0],
        ) as asn1js.Sequence | undefined;
        if (!issuerSerial) {
          // kyso may omit IssuerSerial: add one with the right issuer and a wrong serial.
          const cert = parseSignedData(readContents(rsaSigned).der).certificates!.find(
            (c) => c instanceof pkijs.Certificate,
          ) as pkijs.Certificate;
          issuerSerial = new asn1js.Sequence({
            value: [
              new asn1js.Sequence({
                value: [
                  new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] }),
                ],
              }),
              new asn1js.Integer({ value: 424242 }),
            ],
          });
          id.valueBlock.value.push(issuerSerial);
        } else {
          issuerSerial.valueBlock.value[1] = new asn1js.Integer({ value: 424242 });
        }
      });
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND');
    expect(s.reasons[0].code).toBe('SIGNER_CERTIFICATE_NOT_BOUND');
  });

  it('v2 right and an added v1 naming another certificate (both present, disagreeing): NO_SIGNING_CERTIFICATE_FOUND', async () => {
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      const other = new Uint8Array(20).fill(0x42);
      const v1 = new asn1js.Sequence({
        value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [octets(other)] })] })],
      });
      setAttribute(si, OIDS.signingCertificate, v1);
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND');
    expect(s.reasons[0].code).toBe('SIGNER_CERTIFICATE_NOT_BOUND');
  });

  it('v2 right and an added v1 that is right too (SHA-1 of the certificate): passes (the control)', async () => {
    const sd0 = parseSignedData(readContents(rsaSigned).der);
    const cert = sd0.certificates!.find((c) => c instanceof pkijs.Certificate) as pkijs.Certificate;
    const certHash = await sha('SHA-1', new Uint8Array(cert.toSchema().toBER(false)));
    const forged = await forgeCms(rsaSigned, (_sd, si) => {
      const v1 = new asn1js.Sequence({
        value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [octets(certHash)] })] })],
      });
      setAttribute(si, OIDS.signingCertificate, v1);
      resign(si, RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const s = await verdict(forged);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
  });
});

describe('timestamp tokens go through the same rules', () => {
  let tsa: TsaServer;
  let bt: Uint8Array;
  beforeAll(async () => {
    tsa = await startTsa();
    bt = await kysoSign(await plainPdf(), { level: 'B-T', timestamper: tsaTimestamper(tsa.url) });
  });
  afterAll(async () => {
    await tsa?.stop();
  });

  /** Edits the signature timestamp token inside the B-T signature's unsigned attributes (not covered by the signature). */
  async function forgeToken(
    edit: (sd: pkijs.SignedData, si: pkijs.SignerInfo) => void | Promise<void>,
  ): Promise<{ pdf: Uint8Array; token: Uint8Array }> {
    let token: Uint8Array = new Uint8Array();
    const pdf = await forgeCms(bt, async (_sd, si) => {
      const attr = si.unsignedAttrs!.attributes.find((a) => a.type === OIDS.timestampToken)!;
      const tsd = parseSignedData(new Uint8Array((attr.values[0] as asn1js.Sequence).toBER(false)));
      await edit(tsd, tsd.signerInfos[0]);
      token = encodeSignedData(tsd);
      attr.values = [asn1js.fromBER(token.slice().buffer as ArrayBuffer).result];
    });
    return { pdf, token };
  }

  it('control: the token re-encoded and re-signed is still proof of the signing time', async () => {
    const { pdf } = await forgeToken((_sd, si) => resign(si, TSA_KEY, { kind: 'rsa-v15', hash: 'sha256' }));
    const s = await verdict(pdf);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s.level).toBe('B-T');
    expect(s.timestamps[0]).toMatchObject({ intact: true, provesExistence: true });
  });

  it('content-type attribute id-data instead of id-ct-TSTInfo (re-signed by the TSA key): the token is refused, no proof of time', async () => {
    const { pdf, token } = await forgeToken((_sd, si) => {
      setAttribute(si, OIDS.contentType, oid(OIDS.data));
      resign(si, TSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    expect((await checkTimestampToken(token)).problems).toContain('TST_CONTENT_TYPE_ATTRIBUTE');
    const s = await verdict(pdf);
    expect(s.timestamps[0]).toMatchObject({ intact: false, provesExistence: false });
    expect(s.signingTimeSource).not.toBe('timestamp');
    const w = s.warnings.find((x) => x.code === 'TIMESTAMP_INVALID');
    expect(w?.detail).toContain('TST_CONTENT_TYPE_ATTRIBUTE');
  });

  it('ecdsa-with-SHA256 declared over the TSA’s valid RSA signature: refused as TST_SIGNATURE_ALGORITHM_MISMATCH', async () => {
    const { pdf, token } = await forgeToken((_sd, si) => {
      si.signatureAlgorithm = alg(OIDS.ecdsaWithSha256, undefined);
    });
    const c = await checkTimestampToken(token);
    expect(c.problems).toContain('TST_SIGNATURE_ALGORITHM_MISMATCH');
    expect(c.valid).toBe(false);
    const s = await verdict(pdf);
    expect(s.timestamps[0]).toMatchObject({ intact: false, provesExistence: false });
    expect(s.warnings.find((x) => x.code === 'TIMESTAMP_INVALID')?.detail).toContain(
      'TST_SIGNATURE_ALGORITHM_MISMATCH',
    );
  });

  describe('a document timestamp is a signature like the others: its CMS gets the same rules', () => {
    let lta: Uint8Array;
    beforeAll(async () => {
      lta = await timestampPdf(rsaSigned, { timestamper: tsaTimestamper(tsa.url) });
    });
    const docTs = async (pdf: Uint8Array) => {
      const report = await validate(pdf);
      const found = report.signatures.find((x) => x.kind === 'doc-timestamp');
      expect(found).toBeDefined();
      return found!;
    };

    it('control: re-signed unchanged, the document timestamp passes', async () => {
      const s = await docTs(await forgeCms(lta, (_sd, si) => resign(si, TSA_KEY, { kind: 'rsa-v15', hash: 'sha256' })));
      expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    });

    it('content-type attribute id-data over a TSTInfo: TOTAL-FAILED/FORMAT_FAILURE, CONTENT_TYPE_MISMATCH', async () => {
      const forged = await forgeCms(lta, (_sd, si) => {
        setAttribute(si, OIDS.contentType, oid(OIDS.data));
        resign(si, TSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
      });
      const s = await docTs(forged);
      expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
      expect(s.reasons[0].code).toBe('CONTENT_TYPE_MISMATCH');
    });

    it('ecdsa-with-SHA256 declared over the TSA’s RSA signature: TOTAL-FAILED/SIG_CRYPTO_FAILURE', async () => {
      const s = await docTs(
        await forgeCms(lta, (_sd, si) => void (si.signatureAlgorithm = alg(OIDS.ecdsaWithSha256, undefined))),
      );
      expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/SIG_CRYPTO_FAILURE');
      expect(s.reasons[0].code).toBe('SIGNATURE_ALGORITHM_MISMATCH');
    });
  });

  it('a digestAlgorithm that disagrees with the signature algorithm’s hash (SHA-384 vs sha256WithRSA): refused', async () => {
    const { pdf, token } = await forgeToken(async (sd, si) => {
      const tstInfo = new Uint8Array(sd.encapContentInfo.eContent!.getValue());
      si.digestAlgorithm = alg(OIDS.sha384);
      sd.digestAlgorithms = [alg(OIDS.sha384)];
      // The message digest recomputed with SHA-384 so that only the algorithm agreement fails.
      setAttribute(si, OIDS.messageDigest, octets(await sha('SHA-384', tstInfo)));
      si.signatureAlgorithm = alg(OIDS.sha256WithRsa);
      resign(si, TSA_KEY, { kind: 'rsa-v15', hash: 'sha256' });
    });
    const c = await checkTimestampToken(token);
    expect(c.messageDigestMatches).toBe(true);
    expect(c.problems).toContain('TST_SIGNATURE_ALGORITHM_MISMATCH');
    const s = await verdict(pdf);
    expect(s.timestamps[0]).toMatchObject({ intact: false, provesExistence: false });
  });
});

describe('OCSP responses and CRLs embedded as evidence are checked by the same module', () => {
  const tmp = scratch('kyso-cms-forgeries-');
  const certsDir = fileURLToPath(new URL('../../../test-certs/', import.meta.url));
  let ocspDer: Uint8Array;
  let intermediateCrl: Uint8Array;
  let rootCrl: Uint8Array;
  let signed: Uint8Array;
  beforeAll(async () => {
    // A real answer from `openssl ocsp` as the test PKI's delegated responder, made offline (no server).
    const signer = leafPem('signer');
    const responder = leafPem('ocsp');
    const req = tmp.file('req.der');
    const resp = tmp.file('resp.der');
    const ask = run('openssl', [
      'ocsp',
      '-issuer',
      join(certsDir, 'intermediate-ca.pem'),
      '-cert',
      signer.cert,
      '-no_nonce',
      '-reqout',
      req,
    ]);
    expect(ask.status, ask.stderr).toBe(0);
    const answer = run('openssl', [
      'ocsp',
      '-index',
      join(certsDir, 'ocsp-index.txt'),
      '-CA',
      join(certsDir, 'intermediate-ca.pem'),
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
    ]);
    expect(answer.status, answer.stderr).toBe(0);
    ocspDer = new Uint8Array(readFileSync(resp));
    intermediateCrl = new Uint8Array(readFileSync(join(certsDir, 'http/intermediate.crl')));
    rootCrl = new Uint8Array(readFileSync(join(certsDir, 'http/root.crl')));
    signed = rsaSigned;
  });
  afterAll(() => tmp.cleanup());

  /** The signed file with a DSS holding the given OCSP responses and CRLs (the root's CRL covers the intermediate). */
  const withDss = (ocsps: Uint8Array[], crls: Uint8Array[]): Uint8Array => {
    const update = buildDssUpdate(PdfDocument.load(signed), {
      certificates: [],
      ocsps,
      crls: [...crls, rootCrl],
      vri: new Map(),
    });
    return concat(signed, update!.bytes);
  };

  /** The OCSP response with its BasicOCSPResponse's signatureAlgorithm replaced (the signature value untouched). */
  const ocspWithAlgorithm = (algorithm: pkijs.AlgorithmIdentifier | null): Uint8Array => {
    const response = pkijs.OCSPResponse.fromBER(ocspDer.slice().buffer as ArrayBuffer);
    const basic = pkijs.BasicOCSPResponse.fromBER(
      response.responseBytes!.response.valueBlock.valueHexView.slice().buffer as ArrayBuffer,
    );
    if (algorithm) basic.signatureAlgorithm = algorithm;
    response.responseBytes!.response = new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) });
    return new Uint8Array(response.toSchema().toBER(false));
  };
  const crlWithAlgorithm = (der: Uint8Array, algorithm: pkijs.AlgorithmIdentifier | null): Uint8Array => {
    const crl = pkijs.CertificateRevocationList.fromBER(der.slice().buffer as ArrayBuffer);
    if (algorithm) crl.signatureAlgorithm = algorithm;
    return new Uint8Array(crl.toSchema().toBER(false));
  };
  const signerStatus = (s: Awaited<ReturnType<typeof verdict>>) => s.revocation[0];

  it('controls: the OCSP response and the CRL, re-encoded unchanged, each decide the signer’s status', async () => {
    const byOcsp = await verdict(withDss([ocspWithAlgorithm(null)], []));
    expect(verdictOf(byOcsp), explain(byOcsp)).toBe('TOTAL-PASSED/-');
    expect(signerStatus(byOcsp)).toMatchObject({ status: 'GOOD', source: 'DSS OCSP' });
    const byCrl = await verdict(withDss([], [crlWithAlgorithm(intermediateCrl, null)]));
    expect(verdictOf(byCrl), explain(byCrl)).toBe('TOTAL-PASSED/-');
    expect(signerStatus(byCrl)).toMatchObject({ status: 'GOOD', source: expect.stringMatching(/CRL/) });
  });

  it('an OCSP response declaring ecdsa-with-SHA256 under the RSA responder key is rejected: OCSP_SIGNATURE_ALGORITHM_MISMATCH', async () => {
    const forged = ocspWithAlgorithm(alg(OIDS.ecdsaWithSha256, undefined));
    const s = await verdict(withDss([forged], []));
    expect(signerStatus(s).status).not.toBe('GOOD');
    const w = s.warnings.find((x) => x.code === 'REVOCATION_UNKNOWN');
    expect(w?.detail, explain(s)).toContain('OCSP_SIGNATURE_ALGORITHM_MISMATCH');
    // With revocation required, the same file cannot pass.
    const strict = (await validate(withDss([forged], []), { verdictPolicy: { revocation: 'require' } })).signatures[0];
    expect(verdictOf(strict)).toBe('INDETERMINATE/TRY_LATER');
  });

  it('a CRL declaring ecdsa-with-SHA256 under the RSA CA key is rejected: CRL_SIGNATURE_ALGORITHM_MISMATCH', async () => {
    const forged = crlWithAlgorithm(intermediateCrl, alg(OIDS.ecdsaWithSha256, undefined));
    const s = await verdict(withDss([], [forged]));
    expect(signerStatus(s).status).not.toBe('GOOD');
    expect(s.warnings.find((x) => x.code === 'REVOCATION_UNKNOWN')?.detail, explain(s)).toContain(
      'CRL_SIGNATURE_ALGORITHM_MISMATCH',
    );
  });

  it('a CRL whose signed algorithm (tbsCertList.signature) differs from the outer one is refused (RFC 5280 §5.1.1.2)', async () => {
    const signerCert = pemToDer(readFileSync(leafPem('signer').cert, 'utf8'));
    const intermediate = pemToDer(readFileSync(join(certsDir, 'intermediate-ca.pem'), 'utf8'));
    const control = await checkCrl(crlWithAlgorithm(intermediateCrl, null), signerCert, intermediate, {
      at: new Date(),
    });
    expect(control.problems).toEqual([]);
    const crl = pkijs.CertificateRevocationList.fromBER(intermediateCrl.slice().buffer as ArrayBuffer);
    crl.signature = alg(OIDS.sha384WithRsa);
    const inner = await checkCrl(new Uint8Array(crl.toSchema(true).toBER(false)), signerCert, intermediate, {
      at: new Date(),
    });
    expect(inner.problems).toContain('CRL_SIGNATURE_ALGORITHM_MISMATCH');
    expect(inner.status).not.toBe('good');
  });

  it('the shared check on bytes signed here: an RSA signature passes only under an RSA identifier', async () => {
    const cert = parseSignedData(readContents(rsaSigned).der).certificates!.find(
      (c) => c instanceof pkijs.Certificate,
    ) as pkijs.Certificate;
    const data = new TextEncoder().encode('kyso');
    const signature = signBytes(RSA_KEY, { kind: 'rsa-v15', hash: 'sha256' }, data);
    expect(
      (
        await verifySignatureValue({
          data,
          signature,
          algorithm: { oid: OIDS.sha256WithRsa },
          key: cert.subjectPublicKeyInfo,
        })
      ).result,
    ).toBe('valid');
    expect(
      await verifySignatureValue({
        data,
        signature,
        algorithm: { oid: OIDS.ecdsaWithSha256 },
        key: cert.subjectPublicKeyInfo,
      }),
    ).toMatchObject({ result: 'invalid', mismatch: 'KEY_TYPE' });
    expect(
      await verifySignatureValue({
        data,
        signature,
        algorithm: { oid: OIDS.sha256WithRsa },
        key: cert.subjectPublicKeyInfo,
        digest: 'SHA-384',
      }),
    ).toMatchObject({ result: 'invalid', mismatch: 'DIGEST' });
  });
});
