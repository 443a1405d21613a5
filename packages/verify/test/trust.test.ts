/**
 * Chain building and RFC 5280 path validation against real certificates: the test PKI (test-certs/), hierarchies
 * openssl makes in a temp directory (cross certificates, re-keyed CAs, constraint violations, PSS/ECDSA/EdDSA),
 * the public corpus' roots with the certificates inside its CMS, and AIA fetching from HTTP servers on 127.0.0.1.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KysoError, PdfDocument } from '@kyso/pdf';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCms } from '../src/signature/cms.js';
import { findSignatures } from '../src/signature/find-signatures.js';
import {
  buildTrustPath,
  describeTrustCode,
  extendedKeyUsageAllows,
  KEY_PURPOSES,
  TRUST_MESSAGES,
  TrustError,
  validAt,
  validityWindow,
  type PathFacts,
} from '../src/trust/index.js';
import { customTrustProfile } from '../src/trust-profiles/profiles.js';
import { resolveTrust } from '../src/validate/trust-sources.js';
import { TestPki } from '../../../tests/helpers/revocation-servers.js';
import { CA_EXT, LEAF_EXT, MiniPki, pemToDer, type Issued } from './fixtures/trust/mini-pki.js';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus', import.meta.url));
const testPki = new TestPki();
const pki = new MiniPki();

let root: Uint8Array;
let intermediate: Uint8Array;
let signer: Uint8Array;

const codes = (f: PathFacts) => f.problems.map((p) => `${p.code}@${p.index}`);
const der = (c: pkijs.Certificate) => new Uint8Array(c.toSchema().toBER(false));
const same = (a: pkijs.Certificate | undefined, b: Uint8Array) =>
  a !== undefined && Buffer.from(der(a)).equals(Buffer.from(b));

/** A root, an intermediate and a leaf with the given extensions (defaults: a clean hierarchy). */
function hierarchy(
  tag: string,
  ext: { root?: string[]; int?: string[]; leaf?: string[] } = {},
): { root: Issued; int: Issued; leaf: Issued } {
  const r = pki.issue({
    name: `${tag}-root`,
    subject: `/C=VN/O=Kyso Trust Test/CN=${tag} Root`,
    ext: ext.root ?? CA_EXT,
  });
  const i = pki.issue({
    name: `${tag}-int`,
    subject: `/C=VN/O=Kyso Trust Test/CN=${tag} Intermediate`,
    issuer: r,
    ext: ext.int ?? CA_EXT,
  });
  const l = pki.issue({
    name: `${tag}-leaf`,
    subject: `/C=VN/O=Kyso Trust Test/CN=${tag} Leaf`,
    issuer: i,
    ext: ext.leaf ?? LEAF_EXT,
  });
  return { root: r, int: i, leaf: l };
}

beforeAll(() => {
  root = testPki.der('root-ca.pem');
  intermediate = testPki.der('intermediate-ca.pem');
  signer = testPki.leaf('signer').certDer;
});

afterAll(() => pki.cleanup());

describe('chain building to the caller’s anchors', () => {
  it('builds the test PKI chain signer → intermediate → root-ca.pem with no problems', async () => {
    const f = await buildTrustPath(signer, { anchors: [root], certificates: [intermediate] });
    expect(f.found).toBe(true);
    expect(f.problems).toEqual([]);
    expect(f.chain).toHaveLength(3);
    expect(same(f.anchor, root)).toBe(true);
    expect(f.certificates.map((c) => c.source)).toEqual(['leaf', 'given', 'anchor']);
    expect(f.certificates.map((c) => c.signature)).toEqual(['valid', 'valid', 'not-checked']);
    expect(f.certificates[0].subject).toContain('CN=Nguyễn Thị Lấp Lánh Ánh');
    expect(f.certificates[1].extensions.basicConstraints).toEqual({ cA: true, pathLen: 0 });
    expect(f.validity).toHaveLength(3);
    expect(f.leafKeyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(f.leafExtendedKeyUsage).toBeNull();
    // No certificate of the test PKI carries certificatePolicies: no valid policy (RFC 5280 §6.1.3 (e)).
    expect(f.policies).toBeNull();
  });

  it('uses the one anchor that issued the path when several are trusted', async () => {
    const other = hierarchy('other');
    const pyhanko = pemToDer(readFileSync(`${CORPUS}/pyhanko/roots/testing-ca-root.pem`, 'utf8'));
    const f = await buildTrustPath(signer, {
      anchors: [pyhanko, other.root.der, root],
      certificates: [other.int.der, intermediate],
    });
    expect(f.found).toBe(true);
    expect(f.problems).toEqual([]);
    expect(same(f.anchor, root)).toBe(true);
  });

  it('trusts nothing by default: no anchor, no chain', async () => {
    const f = await buildTrustPath(signer, { anchors: [], certificates: [intermediate, root] });
    expect(f.found).toBe(false);
    expect(codes(f)).toEqual(['NO_CHAIN@2']);
    expect(f.problems[0].detail).toBe('no trust anchor was given');
    // The chain shows how far the given certificates go, for the report's issuer fields.
    expect(f.chain).toHaveLength(3);
    expect(f.anchor).toBeUndefined();
  });

  it('reports NO_CHAIN at the intermediate when only an unrelated root is trusted', async () => {
    const other = hierarchy('unrelated');
    const f = await buildTrustPath(signer, { anchors: [other.root.der], certificates: [intermediate] });
    expect(f.found).toBe(false);
    expect(codes(f)).toEqual(['NO_CHAIN@1']);
    expect(f.problems[0].detail).toContain('Kyso Test Root CA');
  });

  it('passes over a wrong intermediate (same name and key identifier, other key) to the right one', async () => {
    const r2 = pki.issue({ name: 'wrong-root', subject: '/C=VN/O=Kyso Trust Test/CN=Wrong Root', ext: CA_EXT });
    const realSki = skiOf(intermediate);
    const wrong = pki.issue({
      name: 'wrong-int',
      subject: '/C=VN/O=Kyso Thử Nghiệm/CN=Kyso Test Intermediate CA',
      issuer: r2,
      ext: [
        'basicConstraints=critical,CA:TRUE',
        'keyUsage=critical,keyCertSign,cRLSign',
        `subjectKeyIdentifier=${realSki}`,
      ],
      days: 3650,
    });
    const both = await buildTrustPath(signer, { anchors: [r2.der, root], certificates: [wrong.der, intermediate] });
    expect(both.found).toBe(true);
    expect(both.problems).toEqual([]);
    expect(same(both.anchor, root)).toBe(true);
    expect(both.pathsTried).toBe(2);

    const onlyWrong = await buildTrustPath(signer, { anchors: [r2.der, root], certificates: [wrong.der] });
    expect(onlyWrong.found).toBe(true);
    expect(codes(onlyWrong)).toEqual(['BAD_SIGNATURE@0']);
    expect(onlyWrong.certificates[0].signature).toBe('invalid');
  });

  it('follows a cross certificate to the old root, or stops at the new root when that is the anchor', async () => {
    const oldKey = pki.key('rsa2048', 'old-root');
    const newKey = pki.key('ec384', 'new-root');
    const oldRoot = pki.issue({
      name: 'old-root',
      subject: '/C=VN/O=Kyso Trust Test/CN=Root G1',
      keyPath: oldKey,
      ext: CA_EXT,
    });
    const newRoot = pki.issue({
      name: 'new-root',
      subject: '/C=VN/O=Kyso Trust Test/CN=Root G2',
      keyPath: newKey,
      ext: CA_EXT,
      md: 'sha384',
    });
    const cross = pki.issue({
      name: 'cross',
      subject: '/C=VN/O=Kyso Trust Test/CN=Root G2',
      keyPath: newKey,
      issuer: oldRoot,
      ext: CA_EXT,
    });
    const int = pki.issue({
      name: 'x-int',
      subject: '/C=VN/O=Kyso Trust Test/CN=G2 Intermediate',
      issuer: newRoot,
      ext: CA_EXT,
      md: 'sha384',
    });
    const leaf = pki.issue({
      name: 'x-leaf',
      subject: '/C=VN/O=Kyso Trust Test/CN=G2 Leaf',
      issuer: int,
      ext: LEAF_EXT,
    });
    const pool = [int.der, newRoot.der, cross.der];

    const viaOld = await buildTrustPath(leaf.der, { anchors: [oldRoot.der], certificates: pool });
    expect(viaOld.found).toBe(true);
    expect(viaOld.problems).toEqual([]);
    expect(viaOld.chain).toHaveLength(4);
    expect(same(viaOld.chain[2], cross.der)).toBe(true);
    expect(same(viaOld.anchor, oldRoot.der)).toBe(true);

    const viaNew = await buildTrustPath(leaf.der, { anchors: [newRoot.der], certificates: pool });
    expect(viaNew.found).toBe(true);
    expect(viaNew.problems).toEqual([]);
    expect(viaNew.chain).toHaveLength(3);
    expect(same(viaNew.anchor, newRoot.der)).toBe(true);
  });

  it('tries both keys of a re-keyed CA when the leaf names no authority key', async () => {
    const r = pki.issue({ name: 'rk-root', subject: '/C=VN/O=Kyso Trust Test/CN=Rekey Root', ext: CA_EXT });
    const caExt = [
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier=none',
      'authorityKeyIdentifier=none',
    ];
    const key1 = pki.key('ec256', 'rk-1');
    const key2 = pki.key('ec256', 'rk-2');
    const ca2 = pki.issue({
      name: 'rk-ca2',
      subject: '/C=VN/O=Kyso Trust Test/CN=Rekeyed CA',
      keyPath: key2,
      issuer: r,
      ext: caExt,
    });
    const ca1 = pki.issue({
      name: 'rk-ca1',
      subject: '/C=VN/O=Kyso Trust Test/CN=Rekeyed CA',
      keyPath: key1,
      issuer: r,
      ext: caExt,
    });
    const leaf = pki.issue({
      name: 'rk-leaf',
      subject: '/C=VN/O=Kyso Trust Test/CN=Rekey Leaf',
      issuer: ca2,
      ext: ['basicConstraints=critical,CA:FALSE', 'subjectKeyIdentifier=none', 'authorityKeyIdentifier=none'],
    });
    const f = await buildTrustPath(leaf.der, { anchors: [r.der], certificates: [ca1.der, ca2.der] });
    expect(f.found).toBe(true);
    expect(f.problems).toEqual([]);
    expect(same(f.chain[1], ca2.der)).toBe(true);
    expect(f.pathsTried).toBe(2);
  });

  it('does not loop between two CAs that certify each other, and bounds the depth', async () => {
    const ka = pki.key('ec256', 'loop-a');
    const kb = pki.key('ec256', 'loop-b');
    const selfA = pki.issue({ name: 'loop-a-self', subject: '/CN=Loop A', keyPath: ka, ext: CA_EXT });
    const selfB = pki.issue({ name: 'loop-b-self', subject: '/CN=Loop B', keyPath: kb, ext: CA_EXT });
    const aByB = pki.issue({
      name: 'a-by-b',
      subject: '/CN=Loop A',
      keyPath: ka,
      issuer: selfB,
      ext: ['basicConstraints=critical,CA:TRUE'],
    });
    const bByA = pki.issue({
      name: 'b-by-a',
      subject: '/CN=Loop B',
      keyPath: kb,
      issuer: selfA,
      ext: ['basicConstraints=critical,CA:TRUE'],
    });
    const leaf = pki.issue({
      name: 'loop-leaf',
      subject: '/CN=Loop Leaf',
      issuer: selfA,
      ext: ['basicConstraints=critical,CA:FALSE'],
    });
    const unrelated = hierarchy('loop-unrelated');
    const f = await buildTrustPath(leaf.der, {
      anchors: [unrelated.root.der],
      certificates: [aByB.der, bByA.der, selfA.der, selfB.der],
    });
    expect(f.found).toBe(false);
    expect(f.problems[0].code).toBe('NO_CHAIN');

    const h = hierarchy('depth');
    const short = await buildTrustPath(h.leaf.der, { anchors: [h.root.der], certificates: [h.int.der], maxDepth: 2 });
    expect(short.found).toBe(false);
    expect(codes(short)).toEqual(['CHAIN_TOO_LONG@1']);
  });

  it('accepts a self-signed certificate that is itself the anchor', async () => {
    const demo = pemToDer(readFileSync(`${CORPUS}/dss/roots/demo-self-signed.pem`, 'utf8'));
    const f = await buildTrustPath(demo, { anchors: [demo] });
    expect(f.found).toBe(true);
    expect(f.chain).toHaveLength(1);
    expect(f.problems).toEqual([]);
    const untrusted = await buildTrustPath(demo, { anchors: [root] });
    expect(untrusted.found).toBe(false);
  });

  it('throws a typed error for an unreadable anchor, and skips unreadable pool certificates', async () => {
    const junk = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    const err = await buildTrustPath(signer, { anchors: [junk] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrustError);
    expect(err).toBeInstanceOf(KysoError);
    expect((err as TrustError).code).toBe('TRUST_BAD_CERTIFICATE');
    expect((err as TrustError).messageVi).toBe(TRUST_MESSAGES.TRUST_BAD_CERTIFICATE[0]);
    const f = await buildTrustPath(signer, { anchors: [root], certificates: [junk, intermediate] });
    expect(f.found).toBe(true);
    expect(f.ignoredCertificates).toBe(1);
  });
});

describe('RFC 5280 path validation', () => {
  it('reports PATH_LENGTH when an intermediate under a pathlen:0 CA issues a CA', async () => {
    const r = pki.issue({ name: 'pl-root', subject: '/CN=PL Root', ext: CA_EXT });
    const i1 = pki.issue({
      name: 'pl-i1',
      subject: '/CN=PL I1',
      issuer: r,
      ext: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign'],
    });
    const i2 = pki.issue({ name: 'pl-i2', subject: '/CN=PL I2', issuer: i1, ext: CA_EXT });
    const leaf = pki.issue({ name: 'pl-leaf', subject: '/CN=PL Leaf', issuer: i2, ext: LEAF_EXT });
    const f = await buildTrustPath(leaf.der, { anchors: [r.der], certificates: [i1.der, i2.der] });
    expect(f.found).toBe(true);
    expect(codes(f)).toEqual(['PATH_LENGTH@1']);
    expect(describeTrustCode('PATH_LENGTH').vi).toContain('pathLenConstraint');
  });

  it('applies the anchor’s own pathLen unless told not to', async () => {
    const h = hierarchy('anchor-pl', {
      root: [
        'basicConstraints=critical,CA:TRUE,pathlen:0',
        'keyUsage=critical,keyCertSign',
        'subjectKeyIdentifier=hash',
      ],
    });
    const f = await buildTrustPath(h.leaf.der, { anchors: [h.root.der], certificates: [h.int.der] });
    expect(codes(f)).toEqual(['PATH_LENGTH@1']);
    const g = await buildTrustPath(h.leaf.der, {
      anchors: [h.root.der],
      certificates: [h.int.der],
      anchorConstraints: false,
    });
    expect(g.problems).toEqual([]);
  });

  it('reports KEY_USAGE for a CA whose key may not sign certificates', async () => {
    const h = hierarchy('ku', {
      int: [
        'basicConstraints=critical,CA:TRUE',
        'keyUsage=critical,digitalSignature,cRLSign',
        'subjectKeyIdentifier=hash',
      ],
    });
    const f = await buildTrustPath(h.leaf.der, { anchors: [h.root.der], certificates: [h.int.der] });
    expect(f.found).toBe(true);
    expect(codes(f)).toEqual(['KEY_USAGE@1']);
  });

  it('reports NOT_CA for an end-entity certificate used as an intermediate', async () => {
    const h = hierarchy('notca', { int: ['basicConstraints=critical,CA:FALSE', 'subjectKeyIdentifier=hash'] });
    const f = await buildTrustPath(h.leaf.der, { anchors: [h.root.der], certificates: [h.int.der] });
    expect(f.found).toBe(true);
    expect(codes(f)).toEqual(['NOT_CA@1']);
  });

  it('reports an unrecognised critical extension with its OID', async () => {
    const h = hierarchy('crit', {
      leaf: [...LEAF_EXT, '1.3.6.1.4.1.99999.1=critical,ASN1:UTF8String:must understand'],
    });
    const f = await buildTrustPath(h.leaf.der, { anchors: [h.root.der], certificates: [h.int.der] });
    expect(codes(f)).toEqual(['CRITICAL_EXTENSION@0']);
    expect(f.problems[0].oid).toBe('1.3.6.1.4.1.99999.1');
    // A known extension marked critical (EKU on a TSA certificate) is not a problem.
    const tsa = await buildTrustPath(testPki.leaf('tsa').certDer, { anchors: [root], certificates: [intermediate] });
    expect(tsa.problems).toEqual([]);
    expect(tsa.leafExtendedKeyUsage).toEqual([KEY_PURPOSES.timeStamping]);
    expect(extendedKeyUsageAllows(tsa.leafExtendedKeyUsage, KEY_PURPOSES.timeStamping, { strict: true })).toBe(true);
    expect(extendedKeyUsageAllows(tsa.leafExtendedKeyUsage, KEY_PURPOSES.ocspSigning)).toBe(false);
  });

  it('reports BAD_SIGNATURE for an intermediate with one tampered byte', async () => {
    const tampered = new Uint8Array(intermediate);
    // The serial number sits right after the version in the TBS; changing it keeps every name intact.
    const serialAt = Buffer.from(tampered).indexOf(Buffer.from([0xa0, 0x03, 0x02, 0x01, 0x02, 0x02])) + 7;
    tampered[serialAt] ^= 0x01;
    const f = await buildTrustPath(signer, { anchors: [root], certificates: [tampered] });
    expect(f.found).toBe(true);
    expect(codes(f)).toEqual(['BAD_SIGNATURE@1']);
    expect(f.certificates[1].signature).toBe('invalid');
    expect(f.certificates[0].signature).toBe('valid');
  });

  it('checks name constraints of the CAs above (DNS and e-mail subtrees, directory names)', async () => {
    const intExt = [
      ...CA_EXT,
      'nameConstraints=critical,permitted;DNS:example.vn,permitted;dirName:dir_sect,excluded;email:.bad.example.vn',
    ];
    const r = pki.issue({ name: 'nc-root', subject: '/CN=NC Root', ext: CA_EXT });
    const int = pki.issue({
      name: 'nc-int',
      subject: '/C=VN/O=Allowed Org/CN=NC Intermediate',
      issuer: r,
      ext: [...intExt, '[dir_sect]', 'C=VN', 'O=Allowed Org'],
    });
    const ok = pki.issue({
      name: 'nc-ok',
      subject: '/C=VN/O=Allowed Org/CN=Inside',
      issuer: int,
      ext: [...LEAF_EXT, 'subjectAltName=DNS:www.example.vn,email:a@ok.example.vn'],
    });
    const badDns = pki.issue({
      name: 'nc-dns',
      subject: '/C=VN/O=Allowed Org/CN=Outside DNS',
      issuer: int,
      ext: [...LEAF_EXT, 'subjectAltName=DNS:evil.com'],
    });
    const badDn = pki.issue({ name: 'nc-dn', subject: '/C=VN/O=Other Org/CN=Outside DN', issuer: int, ext: LEAF_EXT });
    const badMail = pki.issue({
      name: 'nc-mail',
      subject: '/C=VN/O=Allowed Org/CN=Excluded mail',
      issuer: int,
      ext: [...LEAF_EXT, 'subjectAltName=email:x@mail.bad.example.vn'],
    });
    const run = (leaf: Issued) => buildTrustPath(leaf.der, { anchors: [r.der], certificates: [int.der] });
    expect((await run(ok)).problems).toEqual([]);
    const dns = await run(badDns);
    expect(codes(dns)).toEqual(['NAME_CONSTRAINTS@0']);
    expect(dns.problems[0].detail).toContain('evil.com');
    expect(codes(await run(badDn))).toEqual(['NAME_CONSTRAINTS@0']);
    expect(codes(await run(badMail))).toEqual(['NAME_CONSTRAINTS@0']);
  });

  it('requires a valid policy where a CA demands an explicit one', async () => {
    const policy = '1.3.6.1.4.1.99999.2.1';
    const intExt = [...CA_EXT, 'policyConstraints=critical,requireExplicitPolicy:0', `certificatePolicies=${policy}`];
    const r = pki.issue({ name: 'pol-root', subject: '/CN=Policy Root', ext: CA_EXT });
    const int = pki.issue({ name: 'pol-int', subject: '/CN=Policy CA', issuer: r, ext: intExt });
    const without = pki.issue({ name: 'pol-none', subject: '/CN=No Policy', issuer: int, ext: LEAF_EXT });
    const withPolicy = pki.issue({
      name: 'pol-ok',
      subject: '/CN=With Policy',
      issuer: int,
      ext: [...LEAF_EXT, `certificatePolicies=${policy}`],
    });
    const bad = await buildTrustPath(without.der, { anchors: [r.der], certificates: [int.der] });
    expect(codes(bad)).toEqual(['POLICY_CONSTRAINTS@0']);
    const good = await buildTrustPath(withPolicy.der, { anchors: [r.der], certificates: [int.der] });
    expect(good.problems).toEqual([]);
    expect(good.policies).toEqual([policy]);
  });

  it('verifies RSASSA-PSS, ECDSA P-256/384/521, Ed25519 and Ed448 certificate signatures', async () => {
    const cases: Array<{ tag: string; rootKey: string; md?: 'sha256' | 'sha384' | 'sha512'; pss?: boolean }> = [
      { tag: 'pss', rootKey: pki.key('rsa2048', 'pss-root'), pss: true },
      { tag: 'pss-key', rootKey: pki.key('rsa-pss2048', 'pss-key-root'), pss: true },
      { tag: 'p256', rootKey: pki.key('ec256', 'p256-root') },
      { tag: 'p384', rootKey: pki.key('ec384', 'p384-root'), md: 'sha384' },
      { tag: 'p521', rootKey: pki.key('ec521', 'p521-root'), md: 'sha512' },
      { tag: 'ed25519', rootKey: pki.key('ed25519', 'ed25519-root') },
      { tag: 'ed448', rootKey: pki.key('ed448', 'ed448-root') },
    ];
    for (const c of cases) {
      const r = pki.issue({
        name: `${c.tag}-alg-root`,
        subject: `/CN=${c.tag} Root`,
        keyPath: c.rootKey,
        ext: CA_EXT,
        md: c.md,
        pss: c.pss,
      });
      const leaf = pki.issue({
        name: `${c.tag}-alg-leaf`,
        subject: `/CN=${c.tag} Leaf`,
        issuer: r,
        ext: LEAF_EXT,
        md: c.md,
        pss: c.pss,
      });
      const f = await buildTrustPath(leaf.der, { anchors: [r.der] });
      expect({ tag: c.tag, problems: codes(f), sig: f.certificates[0].signature }).toEqual({
        tag: c.tag,
        problems: [],
        sig: 'valid',
      });

      // The same certificate with its signature damaged fails.
      const broken = new Uint8Array(leaf.der);
      broken[broken.length - 3] ^= 0x40;
      const g = await buildTrustPath(broken, { anchors: [r.der] });
      expect({ tag: c.tag, problems: codes(g) }).toEqual({ tag: c.tag, problems: ['BAD_SIGNATURE@0'] });
    }
  });
});

describe('validity at the times the validator asks', () => {
  it('tells a certificate expired now but valid at an earlier time from one not valid then', async () => {
    const f = await buildTrustPath(testPki.leaf('expired').certDer, { anchors: [root], certificates: [intermediate] });
    expect(f.found).toBe(true);
    expect(f.problems).toEqual([]);
    expect(f.validity[0]).toEqual({
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });

    const leafOnly = { scope: 'leaf' } as const;
    const atTimestamp = validAt(f, new Date('2020-06-01T00:00:00Z'), leafOnly);
    const now = validAt(f, new Date(), leafOnly);
    const before = validAt(f, new Date('2019-06-01T00:00:00Z'), leafOnly);
    expect(atTimestamp.status).toBe('VALID');
    expect(now.status).toBe('EXPIRED');
    expect(now.status !== 'VALID' && now.index).toBe(0);
    expect(before.status).toBe('NOT_YET_VALID');

    // The test PKI's CAs were made after that leaf (it is backdated): over the whole path, or with the chain
    // model, the CAs were not valid yet in 2020, and the path as a whole was never valid at one time.
    const shell = validAt(f, new Date('2020-06-01T00:00:00Z'));
    expect(shell.status !== 'VALID' && shell.failures.map((x) => `${x.status}@${x.index}`)).toEqual([
      'NOT_YET_VALID@1',
      'NOT_YET_VALID@2',
    ]);
    const chainModel = validAt(f, new Date('2020-06-01T00:00:00Z'), { model: 'chain' });
    expect(chainModel.status !== 'VALID' && chainModel.index).toBe(1);
    expect(validityWindow(f).empty).toBe(true);
    const nowPath = validAt(f, new Date());
    expect(nowPath.status !== 'VALID' && nowPath.failures.map((x) => `${x.status}@${x.index}`)).toEqual(['EXPIRED@0']);
  });

  it('accepts, in the chain model only, a CA that expired after it issued a still valid certificate', async () => {
    const r = pki.issue({ name: 'cm-root', subject: '/CN=Chain Model Root', ext: CA_EXT, days: 36500 });
    const int = pki.issue({
      name: 'cm-int',
      subject: '/CN=Chain Model CA',
      issuer: r,
      ext: CA_EXT,
      dates: { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2022-01-01T00:00:00Z') },
    });
    const leaf = pki.issue({
      name: 'cm-leaf',
      subject: '/CN=Chain Model Leaf',
      issuer: int,
      ext: LEAF_EXT,
      dates: { notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') },
    });
    const f = await buildTrustPath(leaf.der, { anchors: [r.der], certificates: [int.der] });
    expect(f.problems).toEqual([]);
    // The root is made today (openssl cannot backdate a self-signed certificate): leave the anchor out here.
    const noAnchor = { includeAnchor: false } as const;
    const t = new Date('2025-06-01T00:00:00Z');
    const shell = validAt(f, t, noAnchor);
    expect(shell.status !== 'VALID' && `${shell.status}@${shell.index}`).toBe('EXPIRED@1');
    expect(validAt(f, t, { ...noAnchor, model: 'chain' }).status).toBe('VALID');
    expect(validAt(f, new Date('2021-06-01T00:00:00Z'), noAnchor).status).toBe('VALID');
    expect(validityWindow(f, noAnchor)).toEqual({
      notBefore: new Date('2021-01-01T00:00:00Z'),
      notAfter: new Date('2022-01-01T00:00:00Z'),
      empty: false,
    });
  });

  it('evaluates the anchor too unless told otherwise', async () => {
    const f = await buildTrustPath(signer, { anchors: [root], certificates: [intermediate] });
    const afterRoot = new Date(f.validity[2].notAfter.getTime() + 1000);
    const v = validAt(f, afterRoot);
    expect(v.status).toBe('EXPIRED');
    expect(v.status !== 'VALID' && v.failures.some((x) => x.index === 2)).toBe(true);
    const w = validAt(f, afterRoot, { includeAnchor: false });
    expect(w.status !== 'VALID' && w.failures.some((x) => x.index === 2)).toBe(false);
  });
});

describe('the public corpus', () => {
  function firstCms(file: string) {
    const bytes = new Uint8Array(readFileSync(`${CORPUS}/${file}`));
    const doc = PdfDocument.load(bytes);
    const sigs = findSignatures(doc);
    return sigs.map((s) => parseCms(s.contents));
  }

  it('builds pyHanko’s signer chains to testing-ca-root.pem from the certificates in the CMS', async () => {
    const anchor = pemToDer(readFileSync(`${CORPUS}/pyhanko/roots/testing-ca-root.pem`, 'utf8'));
    for (const file of [
      'pyhanko/pades-with-old-style-signing-cert-attr.pdf',
      'pyhanko/certified-with-indirect-refs-in-dir.pdf',
    ]) {
      const [cms] = firstCms(file);
      expect(cms.signerCertificate).not.toBeNull();
      const f = await buildTrustPath(cms.signerCertificate as pkijs.Certificate, {
        anchors: [anchor],
        certificates: cms.certificates,
      });
      expect({ file, found: f.found, problems: codes(f) }).toEqual({ file, found: true, problems: [] });
      expect(f.chain.length).toBeGreaterThanOrEqual(2);
      if (cms.signingTimeAttribute) expect(validAt(f, cms.signingTimeAttribute).status).toBe('VALID');
    }
  });

  it('finds no chain for a corpus signer when only the kyso test root is trusted', async () => {
    const [cms] = firstCms('pyhanko/pades-with-old-style-signing-cert-attr.pdf');
    const f = await buildTrustPath(cms.signerCertificate as pkijs.Certificate, {
      anchors: [root],
      certificates: cms.certificates,
    });
    expect(f.found).toBe(false);
    expect(f.problems[0].code).toBe('NO_CHAIN');
  });
});

describe('AIA caIssuers fetching (opt-in)', () => {
  let server: Server;
  let base: string;
  let aiaRoot: Issued;
  let aiaInt: Issued;
  const leaves: Record<string, Issued> = {};
  const hanging: Array<() => void> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/int.cer') {
        res.writeHead(200, { 'content-type': 'application/pkix-cert' });
        res.end(Buffer.from(aiaInt.der));
      } else if (req.url === '/int.p7c') {
        res.writeHead(200, { 'content-type': 'application/pkcs7-mime' });
        res.end(Buffer.from(pki.certsOnly(aiaInt)));
      } else if (req.url === '/big.cer') {
        res.writeHead(200, { 'content-type': 'application/pkix-cert' });
        res.end(Buffer.alloc(300_000, 0x30));
      } else if (req.url === '/hang.cer') {
        hanging.push(() => res.destroy()); // never answers until the test ends
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    aiaRoot = pki.issue({ name: 'aia-root', subject: '/CN=AIA Root', ext: CA_EXT });
    aiaInt = pki.issue({ name: 'aia-int', subject: '/CN=AIA Intermediate', issuer: aiaRoot, ext: CA_EXT });
    for (const path of ['int.cer', 'int.p7c', 'big.cer', 'hang.cer']) {
      leaves[path] = pki.issue({
        name: `aia-leaf-${path.replace('.', '-')}`,
        subject: `/CN=AIA Leaf ${path}`,
        issuer: aiaInt,
        ext: [...LEAF_EXT, `authorityInfoAccess=caIssuers;URI:${base}/${path}`],
      });
    }
  });

  afterAll(async () => {
    for (const h of hanging) h();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('does not fetch unless enabled', async () => {
    const f = await buildTrustPath(leaves['int.cer'].der, { anchors: [aiaRoot.der] });
    expect(f.found).toBe(false);
    expect(f.aia).toEqual([]);
  });

  it('fetches the missing intermediate (DER or certs-only CMS) and validates the path through it', async () => {
    for (const path of ['int.cer', 'int.p7c']) {
      const f = await buildTrustPath(leaves[path].der, { anchors: [aiaRoot.der], aia: { enabled: true } });
      expect({ path, found: f.found, problems: codes(f) }).toEqual({ path, found: true, problems: [] });
      expect(f.certificates[1].source).toBe('aia');
      expect(f.aia).toEqual([{ url: `${base}/${path}`, outcome: 'OK', certificates: 1 }]);
    }
  });

  it('a trust profile narrowed to the document still reaches its root through an issuer AIA brought (widen)', async () => {
    const other = pki.issue({ name: 'aia-other-root', subject: '/CN=AIA Other Root', ext: CA_EXT });
    const profile = customTrustProfile({
      name: 'aia',
      anchors: [
        { source: 'aia-root.der', certificates: aiaRoot.der },
        { source: 'other-root.der', certificates: other.der },
      ],
    });
    const leaf = leaves['int.cer']!;
    const trust = resolveTrust({ trustProfile: profile }, [pkijs.Certificate.fromBER(leaf.der.slice().buffer)]);
    // the leaf names only its intermediate's key: no root of the profile is taken for it
    expect(trust.anchors).toEqual([]);
    const narrowed = { anchors: trust.anchors, certificates: trust.intermediates, aia: { enabled: true } };
    expect((await buildTrustPath(leaf.der, narrowed)).found).toBe(false);
    const f = await buildTrustPath(leaf.der, { ...narrowed, widen: trust.widen });
    expect({ found: f.found, problems: codes(f) }).toEqual({ found: true, problems: [] });
    expect(f.certificates.map((c) => [c.subject, c.source])).toEqual([
      ['CN=AIA Leaf int.cer', 'leaf'],
      ['CN=AIA Intermediate', 'aia'],
      ['CN=AIA Root', 'anchor'],
    ]);
  });

  it('gives up on a server that hangs (timeout) or sends too much (size cap), as facts', async () => {
    const hang = await buildTrustPath(leaves['hang.cer'].der, {
      anchors: [aiaRoot.der],
      aia: { enabled: true, timeoutMs: 300 },
    });
    expect(hang.found).toBe(false);
    expect(hang.aia.map((a) => a.outcome)).toEqual(['AIA_TIMEOUT']);
    const big = await buildTrustPath(leaves['big.cer'].der, {
      anchors: [aiaRoot.der],
      aia: { enabled: true, maxBytes: 100_000 },
    });
    expect(big.found).toBe(false);
    expect(big.aia.map((a) => a.outcome)).toEqual(['AIA_TOO_LARGE']);
    expect(describeTrustCode('AIA_TIMEOUT').en).toMatch(/in time/);
  });
});

/** The subjectKeyIdentifier of a DER certificate as openssl prints it (colon-separated hex). */
function skiOf(certDer: Uint8Array): string {
  const parsed = pkijs.Certificate.fromBER(certDer.slice().buffer as ArrayBuffer);
  const ext = parsed.extensions?.find((e) => e.extnID === '2.5.29.14');
  if (!ext) throw new Error('the certificate has no subjectKeyIdentifier');
  const value = (ext.parsedValue as { valueBlock: { valueHexView: Uint8Array } }).valueBlock.valueHexView;
  return Buffer.from(value).toString('hex').toUpperCase().match(/../g)!.join(':');
}
