/**
 * The service's trust for /v1/verify: `verification.trustProfile` (default 'vn', the bundled Vietnamese roots of
 * @kyso/verify; 'none' for the configured roots alone) and `verification.trustRoots` as files or folders of PEM/DER
 * certificates. The workers run the built worker: `pnpm build` before this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signPdf } from '@kyso/core';
import { KysoError } from '@kyso/pdf';
import { readCertificates, summariseCertificate, validatePdf } from '@kyso/verify';
import { configSchema, loadConfig } from '@kyso/server';
import { certsDir, openSigner, pem } from '../../../tests/helpers/keys.js';
import { pdfLibDoc } from '../../../tests/helpers/producers.js';
import { scratch } from '../../../tests/helpers/tools.js';
import { readTrustAnchors } from '../src/routes/verify.js';
import { VerificationPool } from '../src/verification/verification-pool.js';

const AT = new Date();
const tmp = scratch('kyso-verification-trust-');
let signed: Uint8Array;
let rootsDir: string;

beforeAll(async () => {
  signed = await signPdf(await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Giay xac nhan' }), openSigner(), {
    certificateCheck: false,
  });
  rootsDir = join(tmp.dir, 'roots');
  mkdirSync(rootsDir);
  // The root as DER (a .cer), a PEM bundle, and a file that is not a certificate file by name.
  writeFileSync(
    join(rootsDir, 'root.cer'),
    execFileSync('openssl', ['x509', '-in', join(certsDir, 'root-ca.pem'), '-outform', 'DER']),
  );
  writeFileSync(join(rootsDir, 'chain.pem'), pem('ca-chain.pem'));
  writeFileSync(join(rootsDir, 'README.txt'), 'the roots this office trusts\n');
  mkdirSync(join(tmp.dir, 'empty'));
});
afterAll(() => tmp.cleanup());

describe('configuration', () => {
  it("verification.trustProfile is 'vn' unless set; 'vn-all' and 'none' are accepted, anything else refused", () => {
    expect(configSchema.parse({}).verification.trustProfile).toBe('vn');
    expect(configSchema.parse({ verification: { trustProfile: 'none' } }).verification.trustProfile).toBe('none');
    expect(configSchema.parse({ verification: { trustProfile: 'vn-all' } }).verification.trustProfile).toBe('vn-all');
    expect(configSchema.safeParse({ verification: { trustProfile: 'vn-test' } }).success).toBe(false);
    expect(loadConfig({ env: { KYSO_TRUST_PROFILE: 'none' } }).config.verification.trustProfile).toBe('none');
  });

  it('trustRoots takes folders: every .pem/.crt/.cer/.der file in it, DER armoured as PEM, other files ignored', () => {
    const texts = readTrustAnchors([rootsDir]);
    expect(texts).toHaveLength(2);
    const names = readCertificates(texts).map((c) => summariseCertificate(c).commonName);
    expect(names.sort()).toEqual(['Kyso Test Intermediate CA', 'Kyso Test Root CA', 'Kyso Test Root CA']);
  });

  it.each([
    ['an empty folder', () => join(tmp.dir, 'empty'), 'no .pem'],
    ['a missing path', () => join(tmp.dir, 'missing'), 'ENOENT'],
  ])('%s is SERVICE_CONFIG_INVALID naming the path', (_what, path, why) => {
    const e = (() => {
      try {
        readTrustAnchors([path()]);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(KysoError);
    expect((e as KysoError).code).toBe('SERVICE_CONFIG_INVALID');
    expect((e as KysoError).messageEn).toContain(path());
    expect((e as KysoError).messageEn).toContain(why);
  });
});

describe('the workers', () => {
  it.each([
    ['vn', false, 'INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND'],
    ['vn', true, 'TOTAL-PASSED', null],
    [null, true, 'TOTAL-PASSED', null],
    [null, false, 'INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND'],
  ] as const)('profile %s, the folder of roots given: %s → %s', async (profile, withRoots, indication, sub) => {
    const trustAnchors = withRoots ? readTrustAnchors([rootsDir]) : [];
    const pool = await VerificationPool.start({ workers: 1, maxQueued: 4, trustAnchors, trustProfile: profile });
    try {
      const report = await pool.verify(signed, { at: AT });
      expect([report.signatures[0].indication, report.signatures[0].subIndication]).toEqual([indication, sub]);
      // Exactly what validatePdf gives in process with the same trust.
      expect(report).toEqual(await validatePdf(signed, { trustProfile: profile ?? undefined, trustAnchors, at: AT }));
    } finally {
      await pool.close();
    }
  });
});
