import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constants, randomBytes, verify, X509Certificate } from 'node:crypto';
import { KysoError } from '@kyso/pdf';
import { ecdsaRawToDer, loadPkcs11js, Pkcs11Signer } from '@kyso/core';
import type { Signer } from '@kyso/core';
import {
  initSoftHsmToken,
  softHsmUnavailableReason,
  strayEcCertificate,
  type SoftHsmToken,
} from '../../../tests/helpers/softhsm.js';

const unavailable = softHsmUnavailableReason();
// SoftHSM2 is installed by .ci/run; its absence is a failure, not a reason to skip.
if (unavailable) throw new Error(`PKCS#11 tests need SoftHSM2: ${unavailable}`);

/** Verifies a Signer's output with Node crypto against the public key of the signer's certificate. */
function verifies(signer: Signer, data: Uint8Array, signature: Uint8Array): boolean {
  const key = new X509Certificate(Buffer.from(signer.certificate)).publicKey;
  const hash = signer.algorithm.hash.replace('-', '').toLowerCase();
  const scheme = signer.algorithm.scheme;
  if (scheme.kind === 'rsa-pss') {
    return verify(
      hash,
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength },
      signature,
    );
  }
  // ECDSA: Node's default dsaEncoding is 'der', which is what Signer promises.
  return verify(hash, data, key, signature);
}

async function expectKysoError(p: Promise<unknown>, code: string): Promise<KysoError> {
  const e = await p.then(
    () => {
      throw new Error(`expected ${code}, but it resolved`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KysoError);
  expect((e as KysoError).code).toBe(code);
  return e as KysoError;
}

describe('ecdsaRawToDer', () => {
  it('encodes r‖s as a DER SEQUENCE of two positive INTEGERs', () => {
    const r = Buffer.alloc(32, 0);
    r[31] = 1;
    const s = Buffer.alloc(32, 0xff);
    const der = Buffer.from(ecdsaRawToDer(Buffer.concat([r, s])));
    expect(der.toString('hex')).toBe('3026' + '020101' + '022100' + 'ff'.repeat(32));
  });
});

describe('loadPkcs11js', () => {
  it('reports a missing module as PKCS11_UNAVAILABLE, in Vietnamese and English', async () => {
    const e = await expectKysoError(loadPkcs11js('kyso-no-such-pkcs11-module'), 'PKCS11_UNAVAILABLE');
    expect(e.messageVi).toMatch(/PKCS#11/);
    expect(e.messageEn).toMatch(/pkcs11js/);
    await expectKysoError(
      Pkcs11Signer.open({
        library: '/nowhere/libnone.so',
        pin: 'x',
        key: {},
        moduleSpecifier: 'kyso-no-such-pkcs11-module',
      }),
      'PKCS11_UNAVAILABLE',
    );
  });

  it('reports a library that does not load as PKCS11_LIBRARY_LOAD_FAILED', async () => {
    const e = await expectKysoError(
      Pkcs11Signer.open({ library: '/nowhere/libnone.so', pin: '1234', key: {} }),
      'PKCS11_LIBRARY_LOAD_FAILED',
    );
    expect(e.details).toMatchObject({ library: '/nowhere/libnone.so' });
  });
});

describe('Pkcs11Signer against SoftHSM2', () => {
  let token: SoftHsmToken;
  const data = new Uint8Array(randomBytes(300));

  beforeAll(() => {
    token = initSoftHsmToken();
  });
  afterAll(() => token?.cleanup());

  const open = (
    key: Parameters<typeof Pkcs11Signer.open>[0]['key'],
    extra: Partial<Parameters<typeof Pkcs11Signer.open>[0]> = {},
  ) => Pkcs11Signer.open({ library: token.library, tokenLabel: token.tokenLabel, pin: token.pin, key, ...extra });

  it('signs with the RSA key selected by label (PKCS#1 v1.5, SHA-256) and reads its certificate', async () => {
    const signer = await open({ label: token.keys.rsa.label }, { chain: token.keys.rsa.chain });
    try {
      expect(Buffer.from(signer.certificate).equals(Buffer.from(token.keys.rsa.certificate))).toBe(true);
      expect(signer.chain.length).toBe(token.keys.rsa.chain.length);
      expect(signer.algorithm).toEqual({ hash: 'SHA-256', scheme: { kind: 'rsa-pkcs1' } });
      expect(signer.info).toMatchObject({
        tokenLabel: 'kyso',
        keyLabel: 'kyso-rsa',
        keyId: token.keys.rsa.idHex,
        keyType: 'RSA',
      });
      const sig = await signer.sign(data);
      expect(sig.length).toBe(256);
      expect(verifies(signer, data, sig)).toBe(true);
      expect(verifies(signer, data.slice(1), sig)).toBe(false);
    } finally {
      await signer.close();
    }
  });

  it('signs with the RSA key selected by id (hex and bytes), with SHA-384 and SHA-512', async () => {
    for (const [id, hash] of [
      [token.keys.rsa.idHex, 'SHA-384'],
      [Buffer.from(token.keys.rsa.idHex, 'hex'), 'SHA-512'],
    ] as const) {
      const signer = await open({ id: typeof id === 'string' ? id : new Uint8Array(id) }, { hash });
      try {
        expect(signer.algorithm.hash).toBe(hash);
        expect(Buffer.from(signer.certificate).equals(Buffer.from(token.keys.rsa.certificate))).toBe(true);
        expect(verifies(signer, data, await signer.sign(data))).toBe(true);
      } finally {
        await signer.close();
      }
    }
  });

  it('signs with the RSA key selected by certificate', async () => {
    const signer = await open({ certificate: token.keys.rsa.certificate });
    try {
      expect(signer.info.keyLabel).toBe('kyso-rsa');
      expect(verifies(signer, data, await signer.sign(data))).toBe(true);
    } finally {
      await signer.close();
    }
  });

  it('signs RSASSA-PSS (MGF1 with the same hash, salt = hash length)', async () => {
    for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const signer = await open({ label: token.keys.rsa.label }, { scheme: 'rsa-pss', hash });
      try {
        const saltLength = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[hash];
        expect(signer.algorithm).toEqual({ hash, scheme: { kind: 'rsa-pss', saltLength } });
        const a = await signer.sign(data);
        const b = await signer.sign(data);
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false); // randomised salt
        expect(verifies(signer, data, a)).toBe(true);
        expect(verifies(signer, data, b)).toBe(true);
        // The salt really is the announced length: a verifier expecting another length rejects it.
        const key = new X509Certificate(Buffer.from(signer.certificate)).publicKey;
        const nodeHash = hash.replace('-', '').toLowerCase();
        expect(verify(nodeHash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 }, a)).toBe(
          false,
        );
      } finally {
        await signer.close();
      }
    }
  });

  it('signs with the digest computed in Node (raw CKM_RSA_PKCS with DigestInfo, raw CKM_RSA_PKCS_PSS)', async () => {
    for (const scheme of ['rsa-pkcs1', 'rsa-pss'] as const) {
      for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
        const signer = await open({ label: token.keys.rsa.label }, { scheme, hash, prehash: true });
        try {
          expect(signer.algorithm.hash).toBe(hash);
          expect(verifies(signer, data, await signer.sign(data))).toBe(true);
        } finally {
          await signer.close();
        }
      }
    }
  });

  it('signs ECDSA P-256 with the EC key (DER Ecdsa-Sig-Value), by label and by certificate', async () => {
    for (const key of [{ label: token.keys.ec.label }, { certificate: token.keys.ec.certificate }]) {
      const signer = await open(key);
      try {
        expect(signer.algorithm).toEqual({ hash: 'SHA-256', scheme: { kind: 'ecdsa', namedCurve: 'P-256' } });
        expect(Buffer.from(signer.certificate).equals(Buffer.from(token.keys.ec.certificate))).toBe(true);
        const sig = await signer.sign(data);
        expect(sig[0]).toBe(0x30);
        expect(verifies(signer, data, sig)).toBe(true);
        expect(verifies(signer, new Uint8Array(10), sig)).toBe(false);
      } finally {
        await signer.close();
      }
    }
  });

  it('matches a key that has no certificate object to the given certificate by its public key', async () => {
    for (const [bare, cert] of [
      [token.bare.rsa, token.keys.rsa.certificate],
      [token.bare.ec, token.keys.ec.certificate],
    ] as const) {
      await expectKysoError(open({ label: bare.label }), 'PKCS11_CERTIFICATE_NOT_FOUND');
      const signer = await open({ label: bare.label, certificate: cert });
      try {
        expect(signer.info).toMatchObject({ keyLabel: bare.label, keyId: bare.idHex });
        expect(verifies(signer, data, await signer.sign(data))).toBe(true);
      } finally {
        await signer.close();
      }
    }
    // A certificate whose key is not on the token selects nothing.
    await expectKysoError(
      open({ label: token.keys.ec.label, certificate: strayEcCertificate() }),
      'PKCS11_KEY_NOT_FOUND',
    );
    await expectKysoError(open({ certificate: strayEcCertificate() }), 'PKCS11_KEY_NOT_FOUND');
  });

  it('refuses a wrong PIN with PKCS11_LOGIN_FAILED, never echoing the PIN', async () => {
    const wrongPin = '97531864';
    const e = await expectKysoError(
      Pkcs11Signer.open({
        library: token.library,
        tokenLabel: token.tokenLabel,
        pin: wrongPin,
        key: { label: token.keys.rsa.label },
      }),
      'PKCS11_LOGIN_FAILED',
    );
    const everything = [e.message, e.messageVi, e.messageEn, JSON.stringify(e), String(e.stack)].join('\n');
    expect(everything).not.toContain(wrongPin);
    expect(everything).not.toContain(token.pin);
    expect(e.messageVi).toMatch(/PIN/);
    expect(e.details).toMatchObject({ ckr: 'CKR_PIN_INCORRECT' });
  });

  it('refuses a wrong PIN even while another signer keeps the token logged in', async () => {
    const signer = await open({ label: token.keys.rsa.label });
    try {
      const e = await expectKysoError(
        Pkcs11Signer.open({
          library: token.library,
          tokenLabel: token.tokenLabel,
          pin: '00000000',
          key: { label: token.keys.ec.label },
        }),
        'PKCS11_LOGIN_FAILED',
      );
      expect(JSON.stringify(e)).not.toContain('00000000');
      // The open signer is unaffected.
      expect(verifies(signer, data, await signer.sign(data))).toBe(true);
    } finally {
      await signer.close();
    }
  });

  it('reports an unknown key label as PKCS11_KEY_NOT_FOUND and an unknown token as PKCS11_TOKEN_NOT_FOUND', async () => {
    const e = await expectKysoError(open({ label: 'no-such-key' }), 'PKCS11_KEY_NOT_FOUND');
    expect(e.details).toMatchObject({ label: 'no-such-key' });
    expect(JSON.stringify(e)).not.toContain(token.pin);
    await expectKysoError(open({ id: 'ffee' }), 'PKCS11_KEY_NOT_FOUND');
    await expectKysoError(
      open({ label: token.keys.rsa.label }, { tokenLabel: 'no-such-token' }),
      'PKCS11_TOKEN_NOT_FOUND',
    );
    await expectKysoError(
      open({ label: token.keys.rsa.label }, { tokenLabel: undefined, slot: 987654321 }),
      'PKCS11_TOKEN_NOT_FOUND',
    );
  });

  it('reports an ambiguous selection and a certificate that does not fit the key', async () => {
    await expectKysoError(open({}), 'PKCS11_KEY_AMBIGUOUS');
    await expectKysoError(
      open({ label: token.keys.rsa.label, certificate: token.keys.ec.certificate }),
      'PKCS11_KEY_NOT_FOUND',
    );
    await expectKysoError(open({ label: token.keys.ec.label }, { scheme: 'rsa-pss' }), 'PKCS11_UNSUPPORTED');
  });

  it('finds the token without a label when it is the only initialised one', async () => {
    const signer = await Pkcs11Signer.open({
      library: token.library,
      pin: token.pin,
      key: { label: token.keys.ec.label },
    });
    try {
      expect(signer.info.tokenLabel).toBe('kyso');
      expect(verifies(signer, data, await signer.sign(data))).toBe(true);
      const again = await Pkcs11Signer.open({
        library: token.library,
        slot: signer.info.slot,
        pin: token.pin,
        key: { label: token.keys.ec.label },
      });
      await again.close();
    } finally {
      await signer.close();
    }
  });

  it('serialises concurrent sign() calls, across two signers on one token, and closes cleanly', async () => {
    const [rsa, ec] = await Promise.all([open({ label: token.keys.rsa.label }), open({ label: token.keys.ec.label })]);
    try {
      const inputs = Array.from({ length: 12 }, (_, i) => new Uint8Array(randomBytes(50 + i)));
      const [rsaSigs, ecSigs] = await Promise.all([
        Promise.all(inputs.map((d) => rsa.sign(d))),
        Promise.all(inputs.map((d) => ec.sign(d))),
      ]);
      inputs.forEach((d, i) => {
        expect(verifies(rsa, d, rsaSigs[i])).toBe(true);
        expect(verifies(ec, d, ecSigs[i])).toBe(true);
      });
      // Closing one signer leaves the other logged in and working.
      await rsa.close();
      await rsa.close(); // idempotent
      await expectKysoError(rsa.sign(data), 'PKCS11_CLOSED');
      expect(verifies(ec, data, await ec.sign(data))).toBe(true);
    } finally {
      await rsa.close();
      await ec.close();
    }
    // Everything was finalised: a new signer initialises the module again.
    const again = await open({ label: token.keys.rsa.label });
    try {
      expect(verifies(again, data, await again.sign(data))).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('never shows the PIN in the signer’s JSON', async () => {
    const signer = await open({ label: token.keys.rsa.label });
    try {
      const json = JSON.stringify(signer);
      expect(json).not.toContain(token.pin);
      expect(JSON.parse(json)).toMatchObject({ type: 'pkcs11', keyLabel: 'kyso-rsa' });
    } finally {
      await signer.close();
    }
  });
});
