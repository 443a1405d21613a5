/**
 * RSASSA-PSS per request (DOMAIN.md §10.4): a PKCS#12 signer switches scheme without reopening its file; the PSS
 * signature verifies TOTAL-PASSED; an EC key has no RSA scheme (a typed error).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePdf } from '@kyso/verify';
import { KysoError, signPdf } from '@kyso/core';
import { openSigner } from '../../../tests/helpers/keys.js';
import { TEST_CERTS } from '../../../tests/helpers/pki-servers.js';
import { pdfLibDoc } from '../../../tests/helpers/producers.js';

describe('Pkcs12Signer.withRsaScheme', () => {
  it('gives the same key signing with RSASSA-PSS (salt = hash length); the signature is TOTAL-PASSED; the same scheme is the same signer', async () => {
    const v15 = openSigner('signer.p12');
    expect(v15.algorithm.scheme).toEqual({ kind: 'rsa-pkcs1' });
    const pss = v15.withRsaScheme('rsa-pss');
    expect(pss.algorithm).toEqual({ hash: 'SHA-256', scheme: { kind: 'rsa-pss', saltLength: 32 } });
    expect(Buffer.from(pss.certificate).equals(Buffer.from(v15.certificate))).toBe(true);
    expect(pss.withRsaScheme('rsa-pss')).toBe(pss);
    expect(pss.withRsaScheme('rsa-pkcs1').algorithm.scheme).toEqual({ kind: 'rsa-pkcs1' });
    const pdf = await signPdf(await pdfLibDoc({ objectStreams: false }), pss, { certificateCheck: false });
    const report = await validatePdf(pdf, {
      trustAnchors: [readFileSync(join(TEST_CERTS, 'root-ca.pem'), 'utf8')],
      online: false,
    });
    expect(report.signatures[0].indication).toBe('TOTAL-PASSED');
  });

  it('an EC key refuses an RSA scheme with SIGN_BAD_OPTIONS', () => {
    const e = (() => {
      try {
        openSigner('signer-ec.p12').withRsaScheme('rsa-pss');
        return null;
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(KysoError);
    expect((e as KysoError).code).toBe('SIGN_BAD_OPTIONS');
  });
});
