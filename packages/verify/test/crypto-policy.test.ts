/**
 * The crypto policy (DOMAIN.md §10.4) over real signatures and certificates: the corpus' CMS (RSA, Ed448 with
 * SHAKE256 and with a disallowed digest), and chains openssl makes (RSA-1024 with SHA-1, PSS, ECDSA curves).
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { PdfDocument } from '@kyso/pdf';
import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CRYPTO_POLICY_MESSAGES,
  DEFAULT_CRYPTO_POLICY,
  LEGACY_CUTOFF,
  describeCryptoCode,
  evaluateCryptoPolicy,
  type AlgorithmUse,
  type CryptoPolicy,
} from '../src/crypto-policy/index.js';
import { parseCms } from '../src/signature/cms.js';
import { findSignatures } from '../src/signature/find-signatures.js';
import { buildTrustPath } from '../src/trust/index.js';
import { CA_EXT, LEAF_EXT, MiniPki, pemToDer } from './fixtures/trust/mini-pki.js';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus', import.meta.url));
const pki = new MiniPki();
afterAll(() => pki.cleanup());

const BEFORE_CUTOFF = new Date('2010-06-01T00:00:00Z');
const AFTER_CUTOFF = new Date('2024-06-01T00:00:00Z');
const OID = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  md5: '1.2.840.113549.2.5',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
};

const cert = (der: Uint8Array) => pkijs.Certificate.fromBER(der.slice().buffer as ArrayBuffer);
const brief = (u: AlgorithmUse) =>
  `${u.subject}${u.index !== undefined ? `#${u.index}` : ''} ${u.kind} ${u.algorithm}: ${u.outcome}`;

function cmsOf(file: string) {
  const doc = PdfDocument.load(new Uint8Array(readFileSync(`${CORPUS}/${file}`)));
  return parseCms(findSignatures(doc)[0].contents);
}

describe('signatures in the corpus', () => {
  it('accepts pyHanko’s RSA SHA-256 signature and chain, flagging PKCS#1 v1.5', async () => {
    const cms = cmsOf('pyhanko/pades-with-old-style-signing-cert-attr.pdf');
    const anchor = pemToDer(readFileSync(`${CORPUS}/pyhanko/roots/testing-ca-root.pem`, 'utf8'));
    const path = await buildTrustPath(cms.signerCertificate as pkijs.Certificate, {
      anchors: [anchor],
      certificates: cms.certificates,
    });
    const facts = evaluateCryptoPolicy({
      signature: cms,
      chain: path.chain,
      anchor: path.anchor,
      at: new Date('2021-08-18T00:00:00Z'),
    });
    expect(facts.policyId).toBe(DEFAULT_CRYPTO_POLICY.id);
    expect(facts.rejected).toEqual([]);
    expect(facts.flags).toEqual(['RSA_PKCS1_V1_5']);
    const digest = facts.uses.find((u) => u.subject === 'signature' && u.kind === 'digest');
    expect(digest).toMatchObject({ algorithm: 'SHA-256', accepted: true, rule: 'digests.SHA-256' });
    const key = facts.uses.find((u) => u.subject === 'signature' && u.kind === 'public-key');
    expect(key?.algorithm).toMatch(/^(RSA-\d+|EC .+)$/);
    // Every certificate's key is a use; the anchor's self-signature is not.
    expect(facts.uses.filter((u) => u.subject === 'certificate' && u.kind === 'public-key')).toHaveLength(
      path.chain.length,
    );
    expect(
      facts.uses.some(
        (u) => u.subject === 'certificate' && u.index === path.chain.length - 1 && u.kind === 'signature-scheme',
      ),
    ).toBe(false);
  });

  it('accepts Ed448 with SHAKE256, and rejects Ed448 with another digest (RFC 8419)', () => {
    const ok = evaluateCryptoPolicy({
      signature: cmsOf('pyhanko/ed448-shake256-nolen.pdf'),
      at: new Date('2020-11-01T00:00:00Z'),
    });
    expect(ok.rejected).toEqual([]);
    expect(ok.uses.map(brief)).toEqual(
      expect.arrayContaining([
        'signature digest SHAKE256: ACCEPTED',
        'signature signature-scheme Ed448: ACCEPTED',
        'signature public-key Ed448: ACCEPTED',
      ]),
    );
    const bad = evaluateCryptoPolicy({
      signature: cmsOf('pyhanko/ed448-disallowed-hash.pdf'),
      at: new Date('2020-11-01T00:00:00Z'),
    });
    expect(bad.rejected.map(brief)).toEqual(['signature signature-scheme Ed448: DIGEST_NOT_ALLOWED_FOR_SCHEME']);
    expect(bad.rejected[0].rule).toBe('schemes.Ed448.digests: SHAKE256');
  });
});

describe('SHA-1 and RSA below 2048 bits', () => {
  const key = pki.key('rsa1024', 'legacy');
  const root = pki.issue({ name: 'legacy-root', subject: '/CN=Legacy Root', keyPath: key, ext: CA_EXT, md: 'sha1' });
  const leaf = pki.issue({
    name: 'legacy-leaf',
    subject: '/CN=Legacy Leaf',
    keyPath: pki.key('rsa1024', 'legacy-leaf'),
    issuer: root,
    ext: LEAF_EXT,
    md: 'sha1',
  });
  const chain = [cert(leaf.der), cert(root.der)];
  const signature = {
    digestAlgorithmOid: OID.sha1,
    signatureAlgorithmOid: OID.sha1WithRsa,
    signerCertificate: chain[0],
  };

  it('rejects them for a signature made after the cut-off, naming the rule', () => {
    const facts = evaluateCryptoPolicy({ signature, chain, anchor: chain[1], at: AFTER_CUTOFF });
    expect(facts.rejected.map(brief)).toEqual([
      'signature digest SHA-1: EXPIRED',
      'signature public-key RSA-1024: EXPIRED',
      'certificate#0 digest SHA-1: EXPIRED',
      'certificate#0 public-key RSA-1024: EXPIRED',
      'certificate#1 public-key RSA-1024: EXPIRED',
    ]);
    expect(facts.rejected[0].rule).toBe(`digests.SHA-1 (until ${LEGACY_CUTOFF})`);
    expect(facts.rejected[1].rule).toBe(`keys.RSA ≥ 1024 (until ${LEGACY_CUTOFF})`);
    expect(facts.rejected[1].keyBits).toBe(1024);
    // SHA-1 keeps its flag when rejected, so a report can name it whatever the outcome
    expect(facts.rejected.filter((u) => u.algorithm === 'SHA-1').every((u) => u.flag === 'SHA_1')).toBe(true);
    expect(facts.flags).toEqual(expect.arrayContaining(['SHA_1', 'RSA_PKCS1_V1_5']));
  });

  it('accepts them for a signature whose best time is before the cut-off', () => {
    const facts = evaluateCryptoPolicy({ signature, chain, anchor: chain[1], at: BEFORE_CUTOFF });
    expect(facts.rejected).toEqual([]);
    expect(facts.uses.every((u) => u.at === BEFORE_CUTOFF)).toBe(true);
    expect(facts.uses.filter((u) => u.flag === 'SHA_1').map(brief)).toEqual([
      'signature digest SHA-1: ACCEPTED',
      'certificate#0 digest SHA-1: ACCEPTED',
    ]);
  });

  it('evaluates the chain at its own time when asked', () => {
    const facts = evaluateCryptoPolicy({
      signature,
      chain,
      anchor: chain[1],
      at: BEFORE_CUTOFF,
      chainAt: AFTER_CUTOFF,
    });
    expect(facts.rejected.every((u) => u.subject === 'certificate')).toBe(true);
    expect(facts.rejected).toHaveLength(3);
  });

  it('adbe.pkcs7.sha1 with a SHA-256 SignerInfo: the document digest is still SHA-1, a use of its own (flagged, rejected after the cut-off)', () => {
    const sha256Signer = {
      digestAlgorithmOid: OID.sha256,
      signatureAlgorithmOid: OID.sha256WithRsa,
      signerCertificate: null,
      documentDigest: 'SHA-1' as const,
    };
    const facts = evaluateCryptoPolicy({ signature: sha256Signer, at: AFTER_CUTOFF });
    expect(facts.rejected.map(brief)).toEqual(['signature document-digest SHA-1: EXPIRED']);
    expect(facts.rejected[0]).toMatchObject({ flag: 'SHA_1', oid: OID.sha1 });
    // the same digest as the SignerInfo's is not counted twice
    const same = evaluateCryptoPolicy({ signature: { ...signature, documentDigest: 'SHA-1' }, at: BEFORE_CUTOFF });
    expect(same.uses.filter((u) => u.algorithm === 'SHA-1' && u.subject === 'signature')).toHaveLength(1);
  });

  it('rejects a key below every size rule as too small, whatever the time', () => {
    const tiny = cert(
      pki.issue({ name: 'tiny', subject: '/CN=Tiny', keyPath: pki.key('rsa1024', 'tiny-1024'), ext: LEAF_EXT }).der,
    );
    // A caller's policy with a 3072-bit floor and no dated exception: RSA-1024 is simply too small.
    const strict: CryptoPolicy = {
      ...DEFAULT_CRYPTO_POLICY,
      id: 'strict-3072',
      keys: { ...DEFAULT_CRYPTO_POLICY.keys, RSA: [{ minBits: 3072 }] },
    };
    const facts = evaluateCryptoPolicy({ chain: [tiny], at: BEFORE_CUTOFF }, strict);
    expect(facts.policyId).toBe('strict-3072');
    expect(facts.rejected.map((u) => `${brief(u)} (${u.rule})`)).toEqual([
      'certificate#0 public-key RSA-1024: KEY_TOO_SMALL (keys.RSA ≥ 3072)',
    ]);
  });

  it('follows a caller’s policy with its own dates', () => {
    const lenient: CryptoPolicy = {
      ...DEFAULT_CRYPTO_POLICY,
      id: 'lenient',
      digests: { ...DEFAULT_CRYPTO_POLICY.digests, 'SHA-1': { until: '2030-01-01T00:00:00Z' } },
      keys: { ...DEFAULT_CRYPTO_POLICY.keys, RSA: [{ minBits: 1024, until: '2030-01-01T00:00:00Z' }] },
    };
    expect(evaluateCryptoPolicy({ signature, chain, anchor: chain[1], at: AFTER_CUTOFF }, lenient).rejected).toEqual(
      [],
    );
  });
});

describe('schemes, curves and unknown algorithms', () => {
  it('accepts RSASSA-PSS without the PKCS#1 v1.5 flag', async () => {
    const rootKey = pki.key('rsa2048', 'pss-policy-root');
    const r = pki.issue({ name: 'pss-policy-root', subject: '/CN=PSS Root', keyPath: rootKey, ext: CA_EXT, pss: true });
    const leaf = pki.issue({
      name: 'pss-policy-leaf',
      subject: '/CN=PSS Leaf',
      keyPath: pki.key('rsa2048', 'pss-policy-leaf'),
      issuer: r,
      ext: LEAF_EXT,
      pss: true,
    });
    const path = await buildTrustPath(leaf.der, { anchors: [r.der] });
    const facts = evaluateCryptoPolicy({ chain: path.chain, anchor: path.anchor, at: AFTER_CUTOFF });
    expect(facts.rejected).toEqual([]);
    expect(facts.flags).toEqual([]);
    expect(facts.uses.map(brief)).toContain('certificate#0 signature-scheme RSASSA-PSS: ACCEPTED');
    expect(facts.uses.map(brief)).toContain('certificate#0 digest SHA-256: ACCEPTED');
  });

  it('accepts ECDSA on P-256/P-384, rejects secp256k1 (not a listed curve)', () => {
    const p384 = pki.issue({
      name: 'pol-p384',
      subject: '/CN=P384',
      keyPath: pki.key('ec384', 'pol-p384'),
      ext: CA_EXT,
      md: 'sha384',
    });
    const p256 = pki.issue({ name: 'pol-p256', subject: '/CN=P256', issuer: p384, ext: LEAF_EXT, md: 'sha384' });
    const ok = evaluateCryptoPolicy({ chain: [cert(p256.der), cert(p384.der)], at: AFTER_CUTOFF });
    expect(ok.rejected).toEqual([]);
    expect(ok.uses.map(brief)).toEqual(
      expect.arrayContaining([
        'certificate#0 public-key EC P-256: ACCEPTED',
        'certificate#1 public-key EC P-384: ACCEPTED',
        'certificate#0 digest SHA-384: ACCEPTED',
      ]),
    );

    const k = pki.issue({ name: 'pol-k1', subject: '/CN=K1', keyPath: pki.key('secp256k1', 'pol-k1'), ext: LEAF_EXT });
    const bad = evaluateCryptoPolicy({ chain: [cert(k.der)], at: AFTER_CUTOFF });
    expect(bad.rejected.map((u) => `${brief(u)} (${u.rule})`)).toEqual([
      'certificate#0 public-key EC secp256k1: CURVE_NOT_ALLOWED (curves: secp256k1 not listed)',
    ]);
  });

  it('rejects MD5 as not listed, an unknown OID as unknown, and a scheme the policy leaves out', () => {
    const md5 = evaluateCryptoPolicy({
      signature: { digestAlgorithmOid: OID.md5, signatureAlgorithmOid: OID.sha256WithRsa },
      at: BEFORE_CUTOFF,
    });
    expect(md5.rejected.map((u) => `${brief(u)} (${u.rule})`)).toEqual([
      'signature digest MD5: NOT_ALLOWED (digests: MD5 not listed)',
    ]);
    const unknown = evaluateCryptoPolicy({
      signature: { digestAlgorithmOid: OID.sha256, signatureAlgorithmOid: '1.2.3.4' },
      at: BEFORE_CUTOFF,
    });
    expect(unknown.rejected.map(brief)).toEqual(['signature signature-scheme 1.2.3.4: UNKNOWN_ALGORITHM']);
    const pssOnly: CryptoPolicy = { ...DEFAULT_CRYPTO_POLICY, id: 'pss-only', schemes: { 'RSASSA-PSS': {} } };
    const v15 = evaluateCryptoPolicy(
      { signature: { digestAlgorithmOid: OID.sha256, signatureAlgorithmOid: OID.sha256WithRsa }, at: AFTER_CUTOFF },
      pssOnly,
    );
    expect(v15.rejected.map((u) => `${brief(u)} (${u.rule})`)).toEqual([
      'signature signature-scheme RSASSA-PKCS1-v1_5: NOT_ALLOWED (schemes: RSASSA-PKCS1-v1_5 not listed)',
    ]);
  });

  it('words every outcome and flag in Vietnamese and English', () => {
    for (const code of Object.keys(CRYPTO_POLICY_MESSAGES) as Array<keyof typeof CRYPTO_POLICY_MESSAGES>) {
      const { vi, en } = describeCryptoCode(code);
      expect(vi.length).toBeGreaterThan(10);
      expect(en.length).toBeGreaterThan(10);
    }
  });
});
