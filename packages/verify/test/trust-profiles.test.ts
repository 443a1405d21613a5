/**
 * The bundled Vietnamese trust profiles (`vn`, `vn-all`) built from trust-data/vn: the generated module matches the
 * folder, every fingerprint matches its certificate, roots are anchors only as the manifest allows, intermediates
 * and TSA certificates are offered for path building and never trusted, every bundled CA certificate builds its
 * path to its root offline, a look-alike root (same name, another key) is never trusted, and a CMS carrying only
 * the signer's certificate validates when a profile offers the intermediates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pkcs12Signer, signPdf, type Signer } from '@kyso/core';
import { KysoError } from '@kyso/pdf';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  buildTrustPath,
  customTrustProfile,
  extendedKeyUsageAllows,
  KEY_PURPOSES,
  toCertificate,
  trustProfile,
  validatePdf,
  validatePdfEtsiXml,
  TrustProfileError,
  type TrustProfile,
} from '@kyso/verify';
import { authorityKeyId, namesEqual, subjectKeyId } from '../src/revocation/certificates.js';
import { toHex } from '../src/revocation/bytes.js';
import { nameText } from '../src/trust/names.js';
import { nameKey, resolveTrust } from '../src/validate/trust-sources.js';
import { buildTrustData, OUTPUT, readManifest, VN_DIR } from '../scripts/build-trust-data.mjs';
import {
  CERTS,
  INTERMEDIATE_PEM,
  REPO,
  ROOT_PEM,
  explain,
  kysoSign,
  p12Signer,
  plainPdf,
  verdictOf,
} from './helpers/signed-pdfs.js';

const manifest = readManifest();
const pemOf = (file: string): Uint8Array => new Uint8Array(readFileSync(join(VN_DIR, file)));
const fingerprints = (list: TrustProfile['anchors']): string[] => list.map((c) => c.sha256).sort();
const LOOK_ALIKE = manifest.filter((r) => r.file.startsWith('look-alike/'));

describe('the bundled data', () => {
  it('the generated module is what scripts/build-trust-data.mjs makes from trust-data/vn today', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(buildTrustData());
  });

  it('every manifest row (look-alike ones too) has the SHA-256 of its certificate’s DER, one certificate per file', () => {
    const files = [
      ...readdirSync(join(VN_DIR, 'certs')).map((f) => `certs/${f}`),
      ...readdirSync(join(VN_DIR, 'look-alike')).map((f) => `look-alike/${f}`),
    ];
    expect(manifest.map((r) => r.file).sort()).toEqual(files.filter((f) => f.endsWith('.pem')).sort());
    for (const r of manifest) {
      // Independent of the generator: openssl reads the PEM.
      const der = execFileSync('openssl', ['x509', '-in', join(VN_DIR, r.file), '-outform', 'DER']);
      expect(createHash('sha256').update(der).digest('hex').toUpperCase(), r.file).toBe(r.sha256);
    }
    expect(manifest.length).toBe(48);
  });

  it('each profile certificate’s fingerprint is computed from the bytes it trusts, and the look-alike files are not shipped', () => {
    const shipped = readFileSync(OUTPUT, 'utf8');
    for (const r of LOOK_ALIKE) {
      expect(shipped).not.toContain(r.sha256);
      expect(shipped).not.toContain(r.file);
    }
    for (const name of ['vn', 'vn-all'] as const) {
      const p = trustProfile(name);
      for (const c of [...p.anchors, ...p.extraCertificates]) {
        // The profile hashes the DER it parsed; the manifest's value was checked against openssl's reading above.
        const row = manifest.find((r) => c.origin.kind === 'bundled' && r.file === c.origin.file);
        expect(c.sha256).toBe(row?.sha256);
        // The facts shown before parsing are the parsed certificate's.
        const cert = c.certificate;
        expect(c.subject).toBe(nameText(cert.subject));
        expect(c.issuer).toBe(nameText(cert.issuer));
        expect([c.notBefore, c.notAfter]).toEqual([cert.notBefore.value, cert.notAfter.value]);
        expect(c.subjectKeyId).toBe(toHex(subjectKeyId(cert)!));
        expect(c.authorityKeyId).toBe(authorityKeyId(cert) ? toHex(authorityKeyId(cert)!) : null);
      }
    }
  });

  it('the package ships the generated module (dist) and the trust-data folder without look-alike/', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('dist');
    expect(pkg.files).toEqual(
      expect.arrayContaining(['trust-data/vn/certs', 'trust-data/vn/MANIFEST.tsv', 'trust-data/vn/README.md']),
    );
    expect(pkg.files.some((f) => f.includes('look-alike') || f === 'trust-data' || f === 'trust-data/vn')).toBe(false);
  });
});

describe('trustProfile', () => {
  const roots = manifest.filter((r) => r.role === 'root' && r.file.startsWith('certs/'));

  it("'vn' trusts exactly the roots marked corroborated; 'vn-all' every bundled root", () => {
    const vn = trustProfile('vn');
    expect(fingerprints(vn.anchors)).toEqual(
      roots
        .filter((r) => r.corroborated)
        .map((r) => r.sha256)
        .sort(),
    );
    expect(vn.anchors.map((a) => a.subject)).toEqual(
      expect.arrayContaining([
        'CN=Vietnam National Root CA, OU=National Centre of Digital Signature Authentication, O=Ministry of Information and Communications, C=VN',
      ]),
    );
    expect(vn.anchors).toHaveLength(4);
    const all = trustProfile('vn-all');
    expect(fingerprints(all.anchors)).toEqual(roots.map((r) => r.sha256).sort());
    expect(all.anchors).toHaveLength(10);
    expect(all.description.en).toContain('rootca.gov.vn');
  });

  it('intermediates and TSA certificates are offered in both profiles and are never anchors', () => {
    const others = manifest
      .filter((r) => r.role !== 'root' && r.file.startsWith('certs/'))
      .map((r) => r.sha256)
      .sort();
    for (const name of ['vn', 'vn-all'] as const) {
      const p = trustProfile(name);
      expect(fingerprints(p.extraCertificates)).toEqual(others);
      for (const a of p.anchors) expect(a.origin).toMatchObject({ kind: 'bundled', dataSet: 'vn', role: 'root' });
      for (const a of p.anchors) expect(others).not.toContain(a.sha256);
    }
  });

  it('a bundled profile cannot be changed by a caller (it is shared by every validation)', () => {
    const vn = trustProfile('vn');
    expect(() => (vn.anchors as TrustProfile['anchors'][number][]).push(trustProfile('vn-all').anchors[0])).toThrow(
      TypeError,
    );
    expect(() => Object.assign(vn.anchors[0], { sha256: 'X' })).toThrow(TypeError);
    expect(trustProfile('vn').anchors).toHaveLength(4);
  });

  it('an unknown profile name is a typed error (vi/en)', async () => {
    const e = (() => {
      try {
        trustProfile('vn-test');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(TrustProfileError);
    expect(e).toBeInstanceOf(KysoError);
    expect((e as KysoError).code).toBe('TRUST_PROFILE_UNKNOWN');
    expect((e as KysoError).messageVi).toContain('hồ sơ tin cậy');
    await expect(validatePdf(await plainPdf(), { trustProfile: 'nope' as 'vn' })).rejects.toThrow(
      /^TRUST_PROFILE_UNKNOWN/,
    );
  });

  it('a custom profile with an unreadable certificate names its source', () => {
    expect(() =>
      customTrustProfile({
        name: 'x',
        anchors: [
          { source: 'roots/bad.pem', certificates: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
        ],
      }),
    ).toThrow(/TRUST_PROFILE_BAD_CERTIFICATE.*roots\/bad\.pem/);
  });
});

describe('paths to the bundled roots, offline', () => {
  const all = trustProfile('vn-all');
  const anchorOf = (subject: string) =>
    manifest.find((r) => r.role === 'root' && r.file.startsWith('certs/') && r.subject === subject);

  it.each(manifest.filter((r) => r.role !== 'root' && r.file.startsWith('certs/')).map((r) => [r.file, r] as const))(
    '%s builds its path to the root the manifest names as its issuer, and validates',
    async (_file, r) => {
      const at = new Date((Date.parse(r.notBefore) + Date.parse(r.notAfter)) / 2);
      const path = await buildTrustPath(pemOf(r.file), {
        anchors: all.anchors.map((a) => a.certificate),
        certificates: all.extraCertificates.map((c) => c.certificate),
        at,
      });
      expect(path.found).toBe(true);
      expect(path.problems).toEqual([]);
      const anchor = all.anchors.find((a) => a.certificate === path.anchor);
      expect(anchor?.sha256).toBe(anchorOf(r.issuer)?.sha256);
      // The profile 'vn' reaches it only when that root is corroborated.
      const vn = trustProfile('vn');
      const viaVn = await buildTrustPath(pemOf(r.file), {
        anchors: vn.anchors.map((a) => a.certificate),
        certificates: vn.extraCertificates.map((c) => c.certificate),
        at,
      });
      expect(viaVn.found).toBe(anchorOf(r.issuer)?.corroborated === true);
    },
  );

  it('the VNPT SmartCA RS and Viettel-CA RS certificates reach the 2014 national root with the bundled data alone', async () => {
    const vn = trustProfile('vn');
    for (const file of ['certs/vnpt-smartca-rs-2021.pem', 'certs/viettel-ca-rs-2022.pem']) {
      const path = await buildTrustPath(pemOf(file), {
        anchors: vn.anchors.map((a) => a.certificate),
        certificates: vn.extraCertificates.map((c) => c.certificate),
        at: new Date('2024-01-01T00:00:00Z'),
      });
      expect(path.found).toBe(true);
      expect(path.chain.map((c) => c.subject)).toHaveLength(2);
      expect(vn.anchors.find((a) => a.certificate === path.anchor)?.origin).toMatchObject({
        file: 'certs/vn-national-root-ca-sha256-2014.pem',
        corroborated: true,
      });
    }
  });
});

describe('which profile certificates a validation uses (resolveTrust)', () => {
  const cert = (file: string) => toCertificate(pemOf(file));
  const names = (list: readonly pkijs.Certificate[]) => list.map((c) => nameText(c.subject));

  it('a VNPT SmartCA RS certificate in the document brings its own CA certificate and the 2014 national root, not the rest', () => {
    const { anchors, intermediates } = resolveTrust({ trustProfile: 'vn' }, [cert('certs/vnpt-smartca-rs-2021.pem')]);
    expect(names(anchors)).toEqual([
      trustProfile('vn').anchors.find(
        (a) => a.origin.kind === 'bundled' && a.origin.file === 'certs/vn-national-root-ca-sha256-2014.pem',
      )!.subject,
    ]);
    expect(names(intermediates)).toEqual([nameText(cert('certs/vnpt-smartca-rs-2021.pem').subject)]);
  });

  it('everything without the document', () => {
    const all = trustProfile('vn');
    const r = resolveTrust({ trustProfile: 'vn' });
    expect(r.anchors).toHaveLength(all.anchors.length);
    expect(r.intermediates).toHaveLength(all.extraCertificates.length);
    expect(r.widen([cert('certs/vnpt-smartca-rs-2021.pem')])).toEqual({ anchors: [], intermediates: [] });
  });

  it('widen: an issuer found later (AIA, online) brings the profile certificates it links to, once', () => {
    const mic = cert('certs/mic-national-root-ca-sha1-2008.pem');
    const r = resolveTrust({ trustProfile: 'vn' }, [mic]);
    expect(names(r.anchors)).toEqual([nameText(mic.subject)]);
    const smartca = cert('certs/vnpt-smartca-rs-2021.pem');
    const more = r.widen([smartca]);
    expect(names(more.anchors)).toEqual([
      trustProfile('vn').anchors.find(
        (a) => a.origin.kind === 'bundled' && a.origin.file === 'certs/vn-national-root-ca-sha256-2014.pem',
      )!.subject,
    ]);
    expect(names(more.intermediates)).toEqual([nameText(smartca.subject)]);
    // what was chosen is not given again
    expect(r.widen([smartca])).toEqual({ anchors: [], intermediates: [] });
    expect(r.widen([mic])).toEqual({ anchors: [], intermediates: [] });
  });

  it('a document certificate without an authority key identifier (a root the file carries) brings the profile certificates of its name, not the rest', () => {
    const mic = cert('certs/mic-national-root-ca-sha1-2008.pem');
    expect(authorityKeyId(mic)).toBeUndefined();
    const r = resolveTrust({ trustProfile: 'vn' }, [mic]);
    expect(names(r.anchors)).toEqual([nameText(mic.subject)]);
    expect(r.intermediates).toEqual([]);
    // with a leaf that has one, the leaf's issuers come as before
    const both = resolveTrust({ trustProfile: 'vn' }, [mic, cert('certs/vnpt-smartca-rs-2021.pem')]);
    expect(names(both.anchors).sort()).toEqual(
      [
        nameText(mic.subject),
        trustProfile('vn').anchors.find(
          (a) => a.origin.kind === 'bundled' && a.origin.file === 'certs/vn-national-root-ca-sha256-2014.pem',
        )!.subject,
      ].sort(),
    );
    expect(names(both.intermediates)).toEqual([nameText(cert('certs/vnpt-smartca-rs-2021.pem').subject)]);
  });

  it('names that namesEqual finds equal (case, spaces, composed or decomposed letters) have one nameKey', () => {
    const rdn = (values: [string, string][]) =>
      new pkijs.RelativeDistinguishedNames({
        typesAndValues: values.map(
          ([type, v]) => new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value: v }) }),
        ),
      });
    const roundTrip = (n: pkijs.RelativeDistinguishedNames) =>
      new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(n.toSchema().toBER()).result });
    const pairs: [string, string][] = [
      ['Ủy ban nhân dân Xã Đông Hòa', '  ủy BAN   nhân dân xã đông hòa '],
      ['Ủy ban nhân dân'.normalize('NFC'), 'Ủy ban nhân dân'.normalize('NFD')],
      ['Kyso Test Root CA', 'kyso test root ca'],
    ];
    for (const [a, b] of pairs) {
      const x = roundTrip(
        rdn([
          ['2.5.4.6', 'VN'],
          ['2.5.4.3', a],
        ]),
      );
      const y = roundTrip(
        rdn([
          ['2.5.4.6', 'VN'],
          ['2.5.4.3', b],
        ]),
      );
      expect(namesEqual(x, y)).toBe(true);
      expect(nameKey(nameText(x))).toBe(nameKey(nameText(y)));
    }
  });

  it('a test-PKI document needs none of the bundled certificates; the caller’s own always come through', () => {
    const r = resolveTrust({ trustProfile: 'vn', trustAnchors: [ROOT_PEM], intermediates: [INTERMEDIATE_PEM] }, [
      toCertificate(new TextEncoder().encode(INTERMEDIATE_PEM)),
    ]);
    expect(names(r.anchors)).toEqual(['CN=Kyso Test Root CA, O=Kyso Thử Nghiệm, C=VN']);
    expect(names(r.intermediates)).toEqual(['CN=Kyso Test Intermediate CA, O=Kyso Thử Nghiệm, C=VN']);
  });
});

describe('the bundled TSA certificates as timestamp signers', () => {
  // Their published quirk: keyCertSign with CA:FALSE (and the FPT one a critical AIA). As the signer of a token they
  // must still give a clean path and the critical timeStamping purpose RFC 3161 asks for.
  it.each(manifest.filter((r) => r.role === 'tsa').map((r) => [r.file] as const))('%s', async (file) => {
    const vn = trustProfile('vn');
    const path = await buildTrustPath(pemOf(file), {
      anchors: vn.anchors.map((a) => a.certificate),
      certificates: vn.extraCertificates.map((c) => c.certificate),
      at: new Date('2025-01-01T00:00:00Z'),
    });
    expect(path.found).toBe(true);
    expect(path.problems).toEqual([]);
    expect(extendedKeyUsageAllows(path.leafExtendedKeyUsage, KEY_PURPOSES.timeStamping, { strict: true })).toBe(true);
  });
});

describe('look-alike roots are never trusted', () => {
  const fakeRoot = LOOK_ALIKE.find((r) => r.role === 'root')!;
  const fakeCa = LOOK_ALIKE.find((r) => r.role === 'intermediate')!;

  it.each(['vn', 'vn-all'] as const)(
    "the FAKE 'MIC National Root CA' of look-alike/ is in no profile (%s), as anchor or extra",
    (name) => {
      const p = trustProfile(name);
      expect([...fingerprints(p.anchors), ...fingerprints(p.extraCertificates)]).not.toContain(fakeRoot.sha256);
      expect([...fingerprints(p.anchors), ...fingerprints(p.extraCertificates)]).not.toContain(fakeCa.sha256);
    },
  );

  it.each(['vn', 'vn-all'] as const)(
    'the FPT CA under the fake root never ends at a %s anchor, even with the fake root offered as a certificate of the document',
    async (name) => {
      const p = trustProfile(name);
      for (const extra of [[], [pemOf(fakeRoot.file)]]) {
        const path = await buildTrustPath(pemOf(fakeCa.file), {
          anchors: p.anchors.map((a) => a.certificate),
          certificates: [...p.extraCertificates.map((c) => c.certificate), ...extra],
          at: new Date('2021-06-01T00:00:00Z'),
        });
        expect(path.found).toBe(false);
        expect(path.problems.map((x) => x.code)).toEqual(['NO_CHAIN']);
      }
      // The fake root itself, as a leaf: its name reads like the real MIC root's, its key is another.
      const asLeaf = await buildTrustPath(pemOf(fakeRoot.file), {
        anchors: p.anchors.map((a) => a.certificate),
        certificates: p.extraCertificates.map((c) => c.certificate),
        at: new Date('2021-06-01T00:00:00Z'),
      });
      expect(asLeaf.found).toBe(false);
    },
  );

  describe('a PKI made here whose root carries the exact name of the Vietnam National Root CA (2014) under another key', () => {
    let dir: string;
    const files: Record<string, Uint8Array> = {};
    const realRoot = () => toCertificate(pemOf('certs/vn-national-root-ca-sha256-2014.pem'));

    /** Root (the real root's name), "VNPT-CA SHA2" (the real CA's name) and a leaf, all under keys made here. */
    function fakePki(tag: string, keyIds: boolean): { p12: Uint8Array; rootPem: string } {
      const f = (n: string) => join(dir, `${tag}-${n}`);
      const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe', timeout: 30_000 });
      const ids = keyIds
        ? 'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid'
        : 'subjectKeyIdentifier=none\nauthorityKeyIdentifier=none';
      writeFileSync(
        f('ext.cnf'),
        `[req]\ndistinguished_name=dn\n[dn]\n[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n${ids}\n[leaf]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\n${ids}\n`,
      );
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        f('root.key'),
        '-out',
        f('root.pem'),
        '-days',
        '3650',
        '-utf8',
        '-config',
        f('ext.cnf'),
        '-subj',
        '/C=VN/O=Ministry of Information and Communications/OU=National Centre of Digital Signature Authentication/CN=Vietnam National Root CA',
        '-extensions',
        'ca',
      );
      openssl(
        'req',
        '-new',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        f('ca.key'),
        '-out',
        f('ca.csr'),
        '-utf8',
        '-config',
        f('ext.cnf'),
        '-subj',
        '/CN=VNPT-CA SHA2/O=VIETNAM POSTS AND TELECOMMUNICATIONS GROUP/C=VN',
      );
      openssl(
        'x509',
        '-req',
        '-in',
        f('ca.csr'),
        '-CA',
        f('root.pem'),
        '-CAkey',
        f('root.key'),
        '-set_serial',
        '2',
        '-days',
        '3000',
        '-extfile',
        f('ext.cnf'),
        '-extensions',
        'ca',
        '-out',
        f('ca.pem'),
      );
      openssl(
        'req',
        '-new',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        f('leaf.key'),
        '-out',
        f('leaf.csr'),
        '-utf8',
        '-config',
        f('ext.cnf'),
        '-subj',
        '/C=VN/CN=Nguyễn Văn Giả Mạo',
      );
      openssl(
        'x509',
        '-req',
        '-in',
        f('leaf.csr'),
        '-CA',
        f('ca.pem'),
        '-CAkey',
        f('ca.key'),
        '-set_serial',
        '3',
        '-days',
        '2000',
        '-extfile',
        f('ext.cnf'),
        '-extensions',
        'leaf',
        '-out',
        f('leaf.pem'),
      );
      writeFileSync(f('chain.pem'), Buffer.concat([readFileSync(f('ca.pem')), readFileSync(f('root.pem'))]));
      openssl(
        'pkcs12',
        '-export',
        '-inkey',
        f('leaf.key'),
        '-in',
        f('leaf.pem'),
        '-certfile',
        f('chain.pem'),
        '-out',
        f('leaf.p12'),
        '-passout',
        'pass:fake',
      );
      return { p12: new Uint8Array(readFileSync(f('leaf.p12'))), rootPem: readFileSync(f('root.pem'), 'utf8') };
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kyso-vn-lookalike-'));
      const input = await plainPdf();
      for (const [tag, keyIds] of [
        ['with-key-ids', true],
        ['names-only', false],
      ] as const) {
        const pki = fakePki(tag, keyIds);
        // The real root's name, byte for byte: a name-only match would take it for the bundled anchor.
        expect(namesEqual(toCertificate(new TextEncoder().encode(pki.rootPem)).subject, realRoot().subject)).toBe(true);
        // The CMS carries the whole fake chain, root included.
        files[tag] = await signPdf(input, Pkcs12Signer.open(pki.p12, 'fake'), { certificateCheck: false });
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(['with-key-ids', 'names-only'])(
      'a signature under it (%s) is never TOTAL-PASSED with the profile vn or vn-all',
      async (tag) => {
        for (const trustProfile of ['vn', 'vn-all'] as const) {
          const [s] = (await validatePdf(files[tag], { trustProfile })).signatures;
          expect(s.intact).toBe(true);
          expect(s.indication, explain(s)).toBe('INDETERMINATE');
          expect(['NO_CERTIFICATE_CHAIN_FOUND', 'CERTIFICATE_CHAIN_GENERAL_FAILURE']).toContain(s.subIndication);
          // Where a name-only match reached the real anchor, the fake certificate's signature does not verify with its key.
          if (s.subIndication === 'CERTIFICATE_CHAIN_GENERAL_FAILURE')
            expect(s.reasons.map((r) => r.detail ?? '').join(' ')).toContain('BAD_SIGNATURE');
        }
      },
    );
  });
});

describe('validatePdf with a trust profile', () => {
  let signed: Uint8Array;
  let leafOnly: Uint8Array;

  beforeAll(async () => {
    const input = await plainPdf();
    signed = await kysoSign(input);
    // What Vietnamese products usually make: the CMS carries the signer's certificate only, no intermediate.
    const full = p12Signer();
    const bare: Signer = {
      certificate: full.certificate,
      chain: [],
      algorithm: full.algorithm,
      sign: (d) => full.sign(d),
    };
    leafOnly = await signPdf(input, bare, { certificateCheck: false });
  });

  it('the signed file carries no intermediate: the test root alone finds no path', async () => {
    const [s] = (await validatePdf(leafOnly, { trustAnchors: [ROOT_PEM] })).signatures;
    expect(verdictOf(s)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('a test-only profile (the test root as anchor, the test intermediate as extra certificate) validates the leaf-only signature offline', async () => {
    const testPki = customTrustProfile({
      name: 'kyso-test-pki',
      anchors: [{ source: `${CERTS}root-ca.pem`, certificates: ROOT_PEM }],
      extraCertificates: [{ source: `${CERTS}intermediate-ca.pem`, certificates: INTERMEDIATE_PEM }],
    });
    const [s] = (await validatePdf(leafOnly, { trustProfile: testPki })).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s.chain).toEqual(['Nguyễn Thị Lấp Lánh Ánh', 'Kyso Test Intermediate CA', 'Kyso Test Root CA']);
    // The intermediate alone is offered, never trusted: as an extra certificate without the root, no path.
    const noRoot = customTrustProfile({
      name: 'no-root',
      extraCertificates: [{ source: 'intermediate', certificates: INTERMEDIATE_PEM }],
    });
    expect(verdictOf((await validatePdf(leafOnly, { trustProfile: noRoot })).signatures[0])).toBe(
      'INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND',
    );
  });

  it('the caller’s intermediates link to a profile’s root (the profile’s certificates are chosen by key identifiers from the document’s and the caller’s)', async () => {
    const rootOnly = customTrustProfile({ name: 'root-only', anchors: [{ source: 'root', certificates: ROOT_PEM }] });
    expect(
      verdictOf(
        (await validatePdf(leafOnly, { trustProfile: rootOnly, intermediates: [INTERMEDIATE_PEM] })).signatures[0],
      ),
    ).toBe('TOTAL-PASSED/-');
    // The same with the bundled profile around it: its certificates are not needed, and do not change the result.
    const withVn = customTrustProfile({
      name: 'vn+root',
      base: trustProfile('vn'),
      anchors: [{ source: 'root', certificates: ROOT_PEM }],
    });
    expect(
      verdictOf(
        (await validatePdf(leafOnly, { trustProfile: withVn, intermediates: [INTERMEDIATE_PEM] })).signatures[0],
      ),
    ).toBe('TOTAL-PASSED/-');
  });

  it('extending vn with the caller’s roots: vn alone does not trust the test PKI, vn plus its root does', async () => {
    expect(verdictOf((await validatePdf(signed, { trustProfile: 'vn' })).signatures[0])).toBe(
      'INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND',
    );
    expect(verdictOf((await validatePdf(signed, { trustProfile: 'vn', trustAnchors: [ROOT_PEM] })).signatures[0])).toBe(
      'TOTAL-PASSED/-',
    );
    const extended = customTrustProfile({
      name: 'vn+test',
      base: trustProfile('vn'),
      anchors: [{ source: 'root-ca.pem', certificates: ROOT_PEM }],
    });
    expect(extended.anchors).toHaveLength(5);
    expect(trustProfile('vn').anchors).toHaveLength(4); // the bundled profile is not modified
    expect(verdictOf((await validatePdf(signed, { trustProfile: extended })).signatures[0])).toBe('TOTAL-PASSED/-');
  });

  it('the ETSI XML report refers to an anchor that came from a profile', async () => {
    const testPki = customTrustProfile({
      name: 't',
      anchors: [{ source: 'root', certificates: ROOT_PEM }],
      extraCertificates: [{ source: 'int', certificates: INTERMEDIATE_PEM }],
    });
    const { xml } = await validatePdfEtsiXml(leafOnly, { trustProfile: testPki });
    expect(xml).toContain('<vr:TrustAnchor');
    expect(xml).toContain('urn:etsi:019102:mainindication:total-passed');
  });
});

describe('the corpus with the profile vn added', () => {
  const CORPUS = join(REPO, 'tests/fixtures/corpus');
  const rows = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .map(([path, , , root, time]) => ({ path, root, at: time === 'now' ? undefined : new Date(time) }));

  // kyso verify now trusts vn by default: no file of other producers may change verdict because of it.
  it('every one of the 46 rows gets the same verdicts with its root as with its root and vn', async () => {
    expect(rows).toHaveLength(46);
    const at = new Date();
    for (const r of rows) {
      const bytes = new Uint8Array(readFileSync(join(CORPUS, r.path)));
      const trustAnchors = r.root === 'none' ? [] : [readFileSync(join(CORPUS, r.root), 'utf8')];
      const options = { trustAnchors, at: r.at ?? at };
      const verdicts = async (o: Parameters<typeof validatePdf>[1]) => {
        try {
          return (await validatePdf(bytes, o)).signatures.map((s) => [
            verdictOf(s),
            s.chain.join(' > '),
            s.reasons.map((x) => x.code).join(','),
          ]);
        } catch (e) {
          return String(e);
        }
      };
      expect(await verdicts({ ...options, trustProfile: 'vn' }), r.path).toEqual(await verdicts(options));
    }
  });
});
