/**
 * The signature check runs on Node's crypto.verify under Node and on WebCrypto in the browser
 * (platform/node-crypto.ts): both must give the same answer for every scheme, for good and bad values, for a key
 * of the wrong type or curve, and for values of the wrong length. The byte comparisons and memo keys (revocation/bytes.ts)
 * run in C under Node and as loops in the browser: both compare alike and key equal bytes alike.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it, vi } from 'vitest';

const platform = vi.hoisted(() => ({ node: true }));
vi.mock('../src/platform/node-crypto.js', async (original) => {
  const real = await original<typeof import('../src/platform/node-crypto.js')>();
  return { ...real, nodeCrypto: () => (platform.node ? real.nodeCrypto() : null) };
});
const { verifySignatureValue } = await import('../src/crypto-policy/verify-signature.js');
const { bytesEqual, bytesKey } = await import('../src/revocation/bytes.js');

const SHA256 = '2.16.840.1.101.3.4.2.1';
const spkiOf = (k: KeyObject) => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
const keyInfo = (k: KeyObject) => pkijs.PublicKeyInfo.fromBER(spkiOf(k).slice().buffer);

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed = generateKeyPairSync('ed25519');
const data = new TextEncoder().encode('the signed attributes');

const pssParams = new pkijs.RSASSAPSSParams({
  hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
  maskGenAlgorithm: new pkijs.AlgorithmIdentifier({
    algorithmId: '1.2.840.113549.1.1.8',
    algorithmParams: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }).toSchema(),
  }),
  saltLength: 32,
}).toSchema();

interface Case {
  what: string;
  oid: string;
  params?: asn1js.Sequence;
  key: KeyObject;
  signature: Uint8Array;
}

const rsaSig = new Uint8Array(sign('sha256', data, rsa.privateKey));
const pssSig = new Uint8Array(sign('sha256', data, { key: rsa.privateKey, padding: 6, saltLength: 32 }));
const pss20 = new Uint8Array(sign('sha256', data, { key: rsa.privateKey, padding: 6, saltLength: 20 }));
const ecSig = new Uint8Array(sign('sha256', data, ec.privateKey));
const edSig = new Uint8Array(sign(null, data, ed.privateKey));
const flipped = (s: Uint8Array) => {
  const c = s.slice();
  c[c.length - 5]! ^= 1;
  return c;
};

const CASES: Case[] = [
  { what: 'RSA PKCS#1 v1.5', oid: '1.2.840.113549.1.1.11', key: rsa.publicKey, signature: rsaSig },
  {
    what: 'RSA PKCS#1 v1.5, a bit flipped',
    oid: '1.2.840.113549.1.1.11',
    key: rsa.publicKey,
    signature: flipped(rsaSig),
  },
  {
    what: 'RSA PKCS#1 v1.5, cut short',
    oid: '1.2.840.113549.1.1.11',
    key: rsa.publicKey,
    signature: rsaSig.subarray(1),
  },
  {
    what: 'RSASSA-PSS salt 32',
    oid: '1.2.840.113549.1.1.10',
    params: pssParams,
    key: rsa.publicKey,
    signature: pssSig,
  },
  {
    what: 'RSASSA-PSS made with salt 20, said 32',
    oid: '1.2.840.113549.1.1.10',
    params: pssParams,
    key: rsa.publicKey,
    signature: pss20,
  },
  { what: 'ECDSA P-256', oid: '1.2.840.10045.4.3.2', key: ec.publicKey, signature: ecSig },
  { what: 'ECDSA P-256, a bit flipped', oid: '1.2.840.10045.4.3.2', key: ec.publicKey, signature: flipped(ecSig) },
  { what: 'ECDSA, P-256 value with a P-384 key', oid: '1.2.840.10045.4.3.2', key: ec384.publicKey, signature: ecSig },
  { what: 'Ed25519', oid: '1.3.101.112', key: ed.publicKey, signature: edSig },
  { what: 'Ed25519, a bit flipped', oid: '1.3.101.112', key: ed.publicKey, signature: flipped(edSig) },
  { what: 'an ECDSA identifier with an RSA key', oid: '1.2.840.10045.4.3.2', key: rsa.publicKey, signature: rsaSig },
  {
    what: 'RSA PKCS#1 v1.5 identifier with an EC key',
    oid: '1.2.840.113549.1.1.11',
    key: ec.publicKey,
    signature: ecSig,
  },
];

async function outcome(c: Case, node: boolean) {
  platform.node = node;
  try {
    const r = await verifySignatureValue({
      data,
      signature: c.signature,
      algorithm: { oid: c.oid, params: c.params },
      key: keyInfo(c.key),
    });
    return { result: r.result, mismatch: r.mismatch };
  } finally {
    platform.node = true;
  }
}

describe('the signature check on Node and on WebCrypto', () => {
  it('gives the same answer on both, and the right one', async () => {
    const seen: Record<string, string> = {};
    for (const c of CASES) {
      const onNode = await outcome(c, true);
      const onWebCrypto = await outcome(c, false);
      expect({ what: c.what, ...onNode }).toEqual({ what: c.what, ...onWebCrypto });
      seen[c.what] = onNode.mismatch ? `${onNode.result} ${onNode.mismatch}` : onNode.result;
    }
    expect(seen).toEqual({
      'RSA PKCS#1 v1.5': 'valid',
      'RSA PKCS#1 v1.5, a bit flipped': 'invalid',
      'RSA PKCS#1 v1.5, cut short': 'invalid',
      'RSASSA-PSS salt 32': 'valid',
      'RSASSA-PSS made with salt 20, said 32': 'invalid',
      'ECDSA P-256': 'valid',
      'ECDSA P-256, a bit flipped': 'invalid',
      'ECDSA, P-256 value with a P-384 key': 'invalid',
      Ed25519: 'valid',
      'Ed25519, a bit flipped': 'invalid',
      'an ECDSA identifier with an RSA key': 'invalid KEY_TYPE',
      'RSA PKCS#1 v1.5 identifier with an EC key': 'invalid KEY_TYPE',
    });
  });
});

describe('comparing and keying bytes on Node and in the browser', () => {
  const on = <T>(node: boolean, f: () => T): T => {
    platform.node = node;
    try {
      return f();
    } finally {
      platform.node = true;
    }
  };
  const a = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff);
  const same = a.slice();
  const last = a.slice();
  last[last.length - 1]! ^= 1;
  const first = a.slice();
  first[0]! ^= 0x80;
  const view = new Uint8Array(a.length + 3);
  view.set(a, 3);

  it('bytesEqual gives the same answers on both: equal, a byte apart at either end, another length, a view', () => {
    for (const node of [true, false])
      expect(
        on(node, () => [
          bytesEqual(a, same),
          bytesEqual(a, last),
          bytesEqual(a, first),
          bytesEqual(a, a.subarray(1)),
          bytesEqual(a, view.subarray(3)),
          bytesEqual(new Uint8Array(0), new Uint8Array(0)),
        ]),
      ).toEqual([true, false, false, false, true, true]);
  });

  it('bytesKey: equal bytes (a view too) get one key, different bytes or parts another, on each platform', () => {
    for (const node of [true, false]) {
      const k = (...p: Uint8Array[]) => on(node, () => bytesKey(...p));
      expect(k(a)).toBe(k(same));
      expect(k(a)).toBe(k(view.subarray(3)));
      expect(new Set([k(a), k(last), k(first), k(a, last), k(last, a)]).size).toBe(5);
    }
    // The platforms key differently (in-process buckets only: nothing is stored or compared across them).
    expect(on(true, () => bytesKey(a))).not.toBe(on(false, () => bytesKey(a)));
  });
});
