/** A PKCS#12 signer that signs in libuv's thread pool (the service's) makes the signatures the calling thread makes. */
import { readFileSync } from 'node:fs';
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Pkcs12Signer, parseCertificate } from '@kyso/core';

const p12 = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test-certs/${name}`, import.meta.url)));
const data = new TextEncoder().encode('the signed attributes of a document');

describe('Pkcs12Signer offThread', () => {
  it('RSA PKCS#1 v1.5: the same signature as on the calling thread (the scheme is deterministic)', async () => {
    const here = Pkcs12Signer.open(p12('signer.p12'), 'kyso-test');
    const pool = Pkcs12Signer.open(p12('signer.p12'), 'kyso-test', { offThread: true });
    expect(Buffer.from(await pool.sign(data))).toEqual(Buffer.from(here.signSync(data)));
    // concurrent signatures each come back to their own caller
    const many = await Promise.all(
      Array.from({ length: 8 }, (_, i) => pool.sign(new TextEncoder().encode(`document ${i}`))),
    );
    many.forEach((s, i) =>
      expect(Buffer.from(s)).toEqual(Buffer.from(here.signSync(new TextEncoder().encode(`document ${i}`)))),
    );
  });

  it('RSASSA-PSS and ECDSA: signatures that verify with the certificate, the scheme kept by withRsaScheme', async () => {
    const pss = Pkcs12Signer.open(p12('signer.p12'), 'kyso-test', { offThread: true }).withRsaScheme('rsa-pss');
    const key = createPublicKey({
      key: Buffer.from(parseCertificate(pss.certificate).spki),
      format: 'der',
      type: 'spki',
    });
    expect(verify('sha256', data, { key, padding: 6, saltLength: 32 }, await pss.sign(data))).toBe(true);
    const ec = Pkcs12Signer.open(p12('signer-ec.p12'), 'kyso-test', { offThread: true });
    const ecKey = createPublicKey({
      key: Buffer.from(parseCertificate(ec.certificate).spki),
      format: 'der',
      type: 'spki',
    });
    expect(verify('sha256', data, { key: ecKey, dsaEncoding: 'der' }, await ec.sign(data))).toBe(true);
  });
});
