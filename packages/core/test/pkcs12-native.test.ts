/**
 * The .p12 read with Node's crypto (pkcs12-native.ts) against node-forge's reading, on files OpenSSL writes with
 * each scheme a signer may meet: PBES2 with AES-128/256 or 3DES and SHA-1/256/512 MACs, PKCS#12's SHA-1 3DES,
 * unencrypted bags, passwords with Vietnamese letters, and the shapes left to node-forge (RC2 of `-legacy`, no MAC). Where it
 * reads a file it gives node-forge's keys and certificates; a wrong password is refused by both; what it does not
 * read, node-forge still does, so Pkcs12Signer.open accepts and refuses the same files as before.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Pkcs12Signer, SignError } from '@kyso/core';
import { readPkcs12Natively } from '../src/signing/signers/pkcs12-native.js';
import { readWithForge } from '../src/signing/signers/pkcs12.js';
import { repoRoot } from '../../../tests/helpers/producers.js';
import { scratch } from '../../../tests/helpers/tools.js';

const tmp = scratch('kyso-p12-native-');
afterAll(() => tmp.cleanup());

const PASSWORD = 'kyso-test';
const testP12 = (name: string) => readFileSync(join(repoRoot, `test-certs/${name}.p12`));

/** The signer's key and certificates as PEM, from the test .p12. */
const pem = (() => {
  const file = join(tmp.dir, 'signer.pem');
  execFileSync('openssl', [
    'pkcs12',
    '-in',
    join(repoRoot, 'test-certs/signer.p12'),
    '-nodes',
    '-passin',
    `pass:${PASSWORD}`,
    '-out',
    file,
  ]);
  return file;
})();

/** A .p12 OpenSSL writes from the signer's key and chain with `args`. */
function opensslP12(name: string, args: string[], password = PASSWORD): Uint8Array {
  const out = join(tmp.dir, `${name}.p12`);
  execFileSync('openssl', ['pkcs12', '-export', '-in', pem, '-out', out, '-passout', `pass:${password}`, ...args]);
  return readFileSync(out);
}

const spki = (pkcs8: Uint8Array) =>
  createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({
    format: 'der',
    type: 'spki',
  });

/** Native and node-forge readings agree: the same key (by its public half) and the same certificates in order. */
function expectSameAsForge(p12: Uint8Array, password = PASSWORD) {
  const native = readPkcs12Natively(p12, password);
  if (native === null || native === 'bad-password') throw new Error(`not read natively: ${native}`);
  const forge = readWithForge(p12, password);
  expect(native.keys.map(spki)).toEqual(forge.keys.map(spki));
  expect(native.certificates.map((c) => Buffer.from(c).toString('hex'))).toEqual(
    forge.certificates.map((c) => Buffer.from(c).toString('hex')),
  );
  expect(native.certificates.length).toBe(3);
}

describe('the native .p12 reading', () => {
  it("reads the test PKI's files (PBES2 AES-256, HMAC-SHA-256) as node-forge does, RSA and EC", () => {
    for (const name of ['signer', 'signer-ec', 'seal', 'tsa', 'ocsp']) expectSameAsForge(testP12(name));
  });

  it('reads the schemes OpenSSL writes on request as node-forge does', () => {
    const variants: Array<[string, string[]]> = [
      ['aes128-sha512', ['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-128-CBC', '-macalg', 'sha512']],
      ['pbes2-3des-sha1', ['-keypbe', 'DES-EDE3-CBC', '-certpbe', 'DES-EDE3-CBC', '-macalg', 'sha1']],
      ['pkcs12-3des', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']],
      ['plain-certs', ['-certpbe', 'NONE']],
      ['plain-key', ['-keypbe', 'NONE', '-certpbe', 'NONE']],
      ['one-iteration-mac', ['-macalg', 'sha256', '-maciter', '-iter', '1']],
    ];
    for (const [name, args] of variants) expectSameAsForge(opensslP12(name, args));
  });

  it('leaves to node-forge what it does not read: RC2 (-legacy), no MAC; open() still reads them', () => {
    const signerCertificate = Pkcs12Signer.open(testP12('signer'), PASSWORD).certificate;
    for (const [name, args] of [
      ['legacy', ['-legacy']],
      ['no-mac', ['-nomac']],
    ] as const) {
      const p12 = opensslP12(name, [...args]);
      expect(readPkcs12Natively(p12, PASSWORD), name).toBeNull();
      expect(
        Buffer.from(Pkcs12Signer.open(p12, PASSWORD).certificate).equals(Buffer.from(signerCertificate)),
        name,
      ).toBe(true);
    }
  });

  it('a password with Vietnamese letters opens what OpenSSL wrote with it (node-forge refused its PBES2)', () => {
    const password = 'Mật khẩu ký số Đà Nẵng';
    // PBES2 (OpenSSL's default): PBKDF2 over the UTF-8 bytes, which node-forge does not derive
    const pbes2 = opensslP12('vi-default', [], password);
    expect(readPkcs12Natively(pbes2, password)).toMatchObject({ keys: [expect.any(Uint8Array)] });
    expect(Pkcs12Signer.open(pbes2, password).chain.length).toBe(2);
    expect(readPkcs12Natively(pbes2, 'Mat khau ky so Da Nang')).toBe('bad-password');
    expect(() => readWithForge(pbes2, password)).toThrow(expect.objectContaining({ code: 'SIGN_BAD_KEYSTORE' }));
    // PKCS#12's SHA-1 3DES derives from UTF-16BE, as node-forge does: both read it
    expectSameAsForge(
      opensslP12('vi-3des', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES'], password),
      password,
    );
  });

  it('a wrong password: the MAC does not verify (SIGN_BAD_PASSWORD from open, as with node-forge)', () => {
    for (const p12 of [
      testP12('signer'),
      opensslP12('wrong-3des', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES']),
    ]) {
      expect(readPkcs12Natively(p12, 'not-the-password')).toBe('bad-password');
      expect(() => Pkcs12Signer.open(p12, 'not-the-password')).toThrow(
        expect.objectContaining({ code: 'SIGN_BAD_PASSWORD' }),
      );
      expect(() => readWithForge(p12, 'not-the-password')).toThrow(
        expect.objectContaining({ code: 'SIGN_BAD_PASSWORD' }),
      );
    }
  });

  it('truncated, garbage, a flipped byte in the bags: not read natively, and open() refuses with a typed error', () => {
    const good = testP12('signer');
    const flipped = Uint8Array.from(good);
    flipped[Math.floor(good.length / 2)]! ^= 0x40;
    const files = [good.subarray(0, good.length - 10), new Uint8Array(500).fill(0x30), new Uint8Array(0), flipped];
    for (const p12 of files) {
      expect(readPkcs12Natively(p12, PASSWORD)).not.toMatchObject({ keys: expect.anything() });
      expect(() => Pkcs12Signer.open(p12, PASSWORD)).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^SIGN_(BAD_KEYSTORE|BAD_PASSWORD)$/) }),
      );
    }
  });

  it('any damage to a file (bytes changed, cut, inserted): a reading or null, never a throw; open() a signer or a typed error', () => {
    const good = testP12('signer');
    const damaged = fc.oneof(
      fc
        .array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })
        .map((edits) => {
          const b = Uint8Array.from(good);
          for (const [at, x] of edits) b[at]! ^= x;
          return b;
        }),
      fc.nat(good.length - 1).map((n) => good.subarray(0, n)),
      fc
        .tuple(fc.nat(good.length), fc.uint8Array({ minLength: 1, maxLength: 8 }))
        .map(([at, extra]) => Uint8Array.from([...good.subarray(0, at), ...extra, ...good.subarray(at)])),
    );
    fc.assert(
      fc.property(damaged, (p12) => {
        const native = readPkcs12Natively(p12, PASSWORD);
        expect(native === null || native === 'bad-password' || Array.isArray(native.keys)).toBe(true);
        try {
          const signer = Pkcs12Signer.open(p12, PASSWORD);
          // whatever was read, the signer's key is its certificate's
          const data = new TextEncoder().encode('kyso');
          const publicKey = new X509Certificate(Buffer.from(signer.certificate)).publicKey;
          expect(verify('sha256', data, publicKey, signer.signSync(data))).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(SignError);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a signature made with the natively read key verifies with its certificate', () => {
    const signer = Pkcs12Signer.open(opensslP12('sig', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'NONE']), PASSWORD);
    const data = new TextEncoder().encode('kyso');
    const publicKey = new X509Certificate(Buffer.from(signer.certificate)).publicKey;
    expect(verify('sha256', data, publicKey, signer.signSync(data))).toBe(true);
  });
});
