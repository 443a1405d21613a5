/**
 * Issue 13 class 4: unfit signer certificates and unfit paths, on PDFs kyso signs with certificates openssl makes
 * here. A signer certificate whose keyUsage or extendedKeyUsage does not allow document signing is
 * INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE; a CA without basicConstraints CA:TRUE, a pathLen or nameConstraints
 * violation, or a root that only shares the trusted root's name is INDETERMINATE. A TSA certificate that sets
 * keyCertSign with CA:FALSE (as real Vietnamese TSA certificates do) still gives a valid timestamp.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Pkcs12Signer, signPdf } from '@kyso/core';
import { validatePdf, type SignatureReport } from '@kyso/verify';
import { explain, plainPdf, verdictOf } from './helpers/signed-pdfs.js';
import { CA_EXT, LEAF_EXT, opensslPki, type OpensslPki } from './helpers/openssl-pki.js';
import { run } from '../../../tests/helpers/tools.js';

const ROOT = '/C=VN/O=Kyso Unfit Test/CN=Kyso Unfit Test Root';
let pki: OpensslPki;
let input: Uint8Array;

beforeAll(async () => {
  input = await plainPdf();
  const leaf = (name: string, issuer: string, ext: string, subject = `/C=VN/O=Kyso Unfit Test/CN=${name}`) => ({
    name,
    subject,
    issuer,
    ext,
  });
  pki = opensslPki([
    { name: 'root', subject: ROOT, ext: CA_EXT },
    { name: 'ca', subject: '/C=VN/O=Kyso Unfit Test/CN=Kyso Unfit Test CA', issuer: 'root', ext: CA_EXT },
    // Signer certificates for the keyUsage / extendedKeyUsage rule.
    leaf('good', 'ca', LEAF_EXT),
    leaf('ku-certsign', 'ca', 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, keyCertSign'),
    leaf(
      'ku-encipherment',
      'ca',
      'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, keyEncipherment, dataEncipherment',
    ),
    leaf('ku-nonrepudiation', 'ca', 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, nonRepudiation'),
    leaf('eku-server', 'ca', `${LEAF_EXT}\nextendedKeyUsage = serverAuth`),
    leaf('eku-code-ts', 'ca', `${LEAF_EXT}\nextendedKeyUsage = codeSigning, timeStamping`),
    leaf('eku-client', 'ca', `${LEAF_EXT}\nextendedKeyUsage = clientAuth`),
    leaf('eku-client-email', 'ca', `${LEAF_EXT}\nextendedKeyUsage = clientAuth, emailProtection`),
    leaf('eku-docsigning', 'ca', `${LEAF_EXT}\nextendedKeyUsage = critical, 1.3.6.1.5.5.7.3.36`),
    leaf('eku-adobe', 'ca', `${LEAF_EXT}\nextendedKeyUsage = 1.2.840.113583.1.1.5`),
    leaf('eku-any', 'ca', `${LEAF_EXT}\nextendedKeyUsage = anyExtendedKeyUsage`),
    // Unfit paths.
    {
      name: 'ca-no-bc',
      subject: '/C=VN/O=Kyso Unfit Test/CN=CA without basicConstraints',
      issuer: 'root',
      ext: 'keyUsage = critical, keyCertSign, cRLSign',
    },
    leaf('under-no-bc', 'ca-no-bc', LEAF_EXT),
    {
      name: 'ca-pathlen0',
      subject: '/C=VN/O=Kyso Unfit Test/CN=CA pathlen 0',
      issuer: 'root',
      ext: 'basicConstraints = critical, CA:TRUE, pathlen:0\nkeyUsage = critical, keyCertSign, cRLSign',
    },
    {
      name: 'ca-below-pathlen0',
      subject: '/C=VN/O=Kyso Unfit Test/CN=CA below pathlen 0',
      issuer: 'ca-pathlen0',
      ext: CA_EXT,
    },
    leaf('under-pathlen', 'ca-below-pathlen0', LEAF_EXT),
    {
      name: 'ca-nc',
      subject: '/C=VN/O=Kyso Unfit Test/CN=CA excluding an organisation',
      issuer: 'root',
      ext: `${CA_EXT}\nnameConstraints = critical, excluded;dirName:excluded_dn\n\n[ excluded_dn ]\nC = VN\nO = Kyso Excluded`,
    },
    leaf('under-nc', 'ca-nc', LEAF_EXT, '/C=VN/O=Kyso Excluded/CN=Excluded signer'),
    leaf('under-nc-allowed', 'ca-nc', LEAF_EXT, '/C=VN/O=Kyso Unfit Test/CN=Allowed signer'),
    // A root with the trusted root's name and another key, and what it issues.
    { name: 'look-alike', subject: ROOT, ext: CA_EXT },
    {
      name: 'ca-look-alike',
      subject: '/C=VN/O=Kyso Unfit Test/CN=Kyso Unfit Test CA',
      issuer: 'look-alike',
      ext: CA_EXT,
    },
    leaf('under-look-alike', 'ca-look-alike', LEAF_EXT),
    // A TSA certificate as Vietnamese TSAs make them: keyCertSign with CA:FALSE, critical timeStamping EKU.
    {
      name: 'tsa-quirk',
      subject: '/C=VN/O=Kyso Unfit Test/CN=TSA with keyCertSign',
      issuer: 'ca',
      ext: 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, nonRepudiation, keyCertSign\nextendedKeyUsage = critical, timeStamping',
    },
  ]);
}, 120_000);
afterAll(() => pki?.cleanup());

async function signAndValidate(
  leaf: string,
  chain: string[],
  options: { anchors?: string[] } = {},
): Promise<SignatureReport> {
  const signer = Pkcs12Signer.open(pki.p12(leaf, chain), pki.password);
  const signed = await signPdf(input, signer, { certificateCheck: false });
  const report = await validatePdf(signed, { trustAnchors: (options.anchors ?? ['root']).map((n) => pki.pem(n)) });
  expect(report.signatures).toHaveLength(1);
  return report.signatures[0];
}

describe('the signer certificate must be one for signing documents', () => {
  it('control: keyUsage digitalSignature + nonRepudiation, no EKU → TOTAL-PASSED', async () => {
    const s = await signAndValidate('good', ['ca', 'root']);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
  });

  it.each([
    ['ku-certsign', 'SIGNER_KEY_USAGE (keyCertSign)'],
    ['ku-encipherment', 'SIGNER_KEY_USAGE (keyEncipherment, dataEncipherment)'],
    ['eku-server', 'SIGNER_EXTENDED_KEY_USAGE (1.3.6.1.5.5.7.3.1)'],
    ['eku-code-ts', 'SIGNER_EXTENDED_KEY_USAGE (1.3.6.1.5.5.7.3.3, 1.3.6.1.5.5.7.3.8)'],
  ])('%s → INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE naming %s', async (leaf, detail) => {
    const s = await signAndValidate(leaf, ['ca', 'root']);
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE');
    expect(s.reasons[0].code).toBe('SIGNER_CERTIFICATE_UNFIT');
    expect(s.reasons[0].detail).toBe(detail);
    expect(s.reasons[0].vi).toMatch(/không dành cho việc ký/);
  });

  it('without a trusted path the verdict is the path’s, and the unfit certificate is still said (a warning)', async () => {
    const s = await signAndValidate('eku-server', ['ca', 'root'], { anchors: [] });
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
    expect(s.warnings.find((w) => w.code === 'SIGNER_CERTIFICATE_UNFIT')?.detail).toBe(
      'SIGNER_EXTENDED_KEY_USAGE (1.3.6.1.5.5.7.3.1)',
    );
  });

  it.each(['ku-nonrepudiation', 'eku-client', 'eku-client-email', 'eku-docsigning', 'eku-adobe', 'eku-any'])(
    '%s is fit → TOTAL-PASSED',
    async (leaf) => {
      const s = await signAndValidate(leaf, ['ca', 'root']);
      expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    },
  );
});

describe('unfit certification paths are INDETERMINATE (kept from the path validator, here end to end)', () => {
  it('a CA without basicConstraints: CERTIFICATE_CHAIN_GENERAL_FAILURE naming NOT_CA', async () => {
    const s = await signAndValidate('under-no-bc', ['ca-no-bc', 'root']);
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/CERTIFICATE_CHAIN_GENERAL_FAILURE');
    expect(s.reasons[0].detail).toMatch(/NOT_CA \(.*CA without basicConstraints/);
  });

  it('a CA under a pathlen:0 CA: CERTIFICATE_CHAIN_GENERAL_FAILURE naming PATH_LENGTH', async () => {
    const s = await signAndValidate('under-pathlen', ['ca-below-pathlen0', 'ca-pathlen0', 'root']);
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/CERTIFICATE_CHAIN_GENERAL_FAILURE');
    expect(s.reasons[0].detail).toContain('PATH_LENGTH');
  });

  it('a signer whose name the CA’s nameConstraints exclude: NAME_CONSTRAINTS; a name inside them passes', async () => {
    const s = await signAndValidate('under-nc', ['ca-nc', 'root']);
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/CERTIFICATE_CHAIN_GENERAL_FAILURE');
    expect(s.reasons[0].detail).toContain('NAME_CONSTRAINTS');
    const ok = await signAndValidate('under-nc-allowed', ['ca-nc', 'root']);
    expect(verdictOf(ok), explain(ok)).toBe('TOTAL-PASSED/-');
  });

  it('a root that only shares the trusted root’s name (another key), carried in the CMS: the CA’s signature fails under the trusted key, INDETERMINATE', async () => {
    const s = await signAndValidate('under-look-alike', ['ca-look-alike', 'look-alike']);
    expect(verdictOf(s), explain(s)).toBe('INDETERMINATE/CERTIFICATE_CHAIN_GENERAL_FAILURE');
    expect(s.reasons[0].detail).toMatch(/^BAD_SIGNATURE \(CN=Kyso Unfit Test Root/);
    // Trusting the look-alike itself is the only way to pass: the name alone never makes it the anchor.
    const trusted = await signAndValidate('under-look-alike', ['ca-look-alike', 'look-alike'], {
      anchors: ['look-alike'],
    });
    expect(verdictOf(trusted), explain(trusted)).toBe('TOTAL-PASSED/-');
  });
});

describe('timestamps are not judged as document signers', () => {
  /**
   * A TSA whose certificate sets keyCertSign with CA:FALSE. `openssl ts` refuses such a certificate (its purpose
   * check wants digitalSignature/nonRepudiation only), so the token is a TSTInfo made here and signed by `openssl cms`.
   */
  const quirkTsa = async (imprint: Uint8Array): Promise<Uint8Array> => {
    const tstInfo = new pkijs.TSTInfo({
      version: 1,
      policy: '1.2.3.4.1',
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({
          algorithmId: '2.16.840.1.101.3.4.2.1',
          algorithmParams: new asn1js.Null(),
        }),
        hashedMessage: new asn1js.OctetString({ valueHex: imprint.slice().buffer as ArrayBuffer }),
      }),
      serialNumber: new asn1js.Integer({ value: Date.now() % 1_000_000 }),
      genTime: new Date(),
    });
    const dir = pki.dir;
    writeFileSync(join(dir, 'tstinfo.der'), new Uint8Array(tstInfo.toSchema().toBER(false)));
    writeFileSync(join(dir, 'tsa-chain.pem'), pki.pem('ca') + pki.pem('root'));
    const r = run('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-in',
      join(dir, 'tstinfo.der'),
      '-econtent_type',
      '1.2.840.113549.1.9.16.1.4',
      '-signer',
      join(dir, 'tsa-quirk.pem'),
      '-inkey',
      join(dir, 'tsa-quirk.key'),
      '-certfile',
      join(dir, 'tsa-chain.pem'),
      '-md',
      'sha256',
      '-cades',
      '-nosmimecap',
      '-outform',
      'DER',
      '-out',
      join(dir, 'token.der'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    return new Uint8Array(readFileSync(join(dir, 'token.der')));
  };

  it('a TSA certificate with keyCertSign and CA:FALSE still proves the signing time (B-T passes)', async () => {
    const signer = Pkcs12Signer.open(pki.p12('good', ['ca', 'root']), pki.password);
    const signed = await signPdf(input, signer, { certificateCheck: false, level: 'B-T', timestamper: quirkTsa });
    const s = (await validatePdf(signed, { trustAnchors: [pki.pem('root')] })).signatures[0];
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s.level).toBe('B-T');
    expect(s.signingTimeSource).toBe('timestamp');
    expect(s.timestamps[0]).toMatchObject({
      intact: true,
      trusted: true,
      provesExistence: true,
      tsa: 'TSA with keyCertSign',
    });
  });
});
