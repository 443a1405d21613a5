/**
 * Trust through the built CLI: `kyso trust list` (text, --json, --all, --profile vn-all, the operator's files) and
 * `kyso verify`'s default profile vn — a file of the kyso test PKI is NO_CERTIFICATE_CHAIN_FOUND without --trust and
 * TOTAL-PASSED with --trust test-certs/root-ca.pem or --trust-dir; --no-default-trust trusts nothing bundled; the
 * report says where the trust came from. Run `pnpm build` first.
 */
import { runKyso, type CliRun } from './helpers/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers/producers.js';
import { scratch } from './helpers/tools.js';
import { signPdf, type Signer } from '@kyso/core';
import { kysoSign, p12Signer, plainPdf } from '../packages/verify/test/helpers/signed-pdfs.js';

const ROOT = join(repoRoot, 'test-certs/root-ca.pem');
const VN = join(repoRoot, 'packages/verify/trust-data/vn');
const tmp = scratch('kyso-trust-cli-');
afterAll(() => tmp.cleanup());

type Run = CliRun;

const kyso = (...args: string[]): Promise<Run> => runKyso([...args]);

interface ListedCertificate {
  subject: string;
  sha256: string;
  notBefore: string;
  notAfter: string;
  origin: { kind: string; file?: string; role?: string; corroborated?: boolean; source?: string };
}

const manifest = readFileSync(join(VN, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .map(([file, role, , , sha256, , , corroborated]) => ({ file, role, sha256, corroborated: corroborated === 'yes' }));
const shipped = manifest.filter((r) => r.file.startsWith('certs/'));

let signed: string;
let leafOnly: string;
let rootDir: string;

beforeAll(async () => {
  signed = tmp.file('signed.pdf', await kysoSign(await plainPdf(), { reason: 'Phê duyệt' }));
  // As Vietnamese products sign: the CMS carries the signer's certificate only.
  const full = p12Signer();
  const bare: Signer = {
    certificate: full.certificate,
    chain: [],
    algorithm: full.algorithm,
    sign: (d) => full.sign(d),
  };
  leafOnly = tmp.file('leaf-only.pdf', await signPdf(await plainPdf(), bare, { certificateCheck: false }));
  rootDir = join(tmp.dir, 'roots');
  mkdirSync(rootDir);
  copyFileSync(ROOT, join(rootDir, 'kyso-root.pem'));
  writeFileSync(join(rootDir, 'notes.txt'), 'not a certificate, not read\n');
});

describe('kyso trust list', () => {
  it('prints each anchor of the default profile vn with its fingerprint, validity and origin', async () => {
    const r = await kyso('trust', 'list');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Nguồn tin cậy: hồ sơ tích hợp "vn" (4 chứng thư số gốc');
    for (const row of shipped.filter((x) => x.role === 'root' && x.corroborated)) {
      expect(r.stdout).toContain(`SHA-256: ${row.sha256}`);
      expect(r.stdout).toContain(`trust-data/vn/${row.file}`);
    }
    expect(r.stdout).toContain('Hiệu lực: 2014-04-15 → 2039-04-15');
    expect(r.stdout).toContain('đã đối chiếu trùng khớp ở 3 bản sao công khai độc lập');
    // Not corroborated roots and intermediates are not listed as trusted.
    for (const row of shipped.filter((x) => !(x.role === 'root' && x.corroborated)))
      expect(r.stdout).not.toContain(row.sha256);
  });

  it('--json --profile vn-all --all: every bundled root as anchor, intermediates and TSAs apart, nothing from look-alike/', async () => {
    const r = await kyso('trust', 'list', '--json', '--profile', 'vn-all', '--all');
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as {
      profile: string;
      description: { en: string };
      anchors: ListedCertificate[];
      extraCertificates: ListedCertificate[];
    };
    expect(list.profile).toBe('vn-all');
    expect(list.description.en).toContain('rootca.gov.vn');
    expect(list.anchors.map((a) => a.sha256).sort()).toEqual(
      shipped
        .filter((x) => x.role === 'root')
        .map((x) => x.sha256)
        .sort(),
    );
    expect(list.extraCertificates.map((a) => a.sha256).sort()).toEqual(
      shipped
        .filter((x) => x.role !== 'root')
        .map((x) => x.sha256)
        .sort(),
    );
    expect(
      list.anchors.find((a) => a.origin.file === 'certs/vn-national-root-ca-g3-2024.pem')?.origin.corroborated,
    ).toBe(false);
    for (const row of manifest.filter((x) => x.file.startsWith('look-alike/')))
      expect(r.stdout).not.toContain(row.sha256);
    expect(list.anchors.every((a) => !Number.isNaN(Date.parse(a.notBefore)) && a.notAfter > a.notBefore)).toBe(true);
  });

  it('the operator’s files: --trust-dir adds, --no-default-trust replaces', async () => {
    const added = JSON.parse((await kyso('trust', 'list', '--json', '--trust-dir', rootDir)).stdout) as {
      profile: string;
      anchors: ListedCertificate[];
    };
    expect(added.profile).toBe('vn');
    expect(added.anchors).toHaveLength(5);
    expect(added.anchors[4]).toMatchObject({
      subject: 'CN=Kyso Test Root CA, O=Kyso Thử Nghiệm, C=VN',
      origin: { kind: 'given', source: join(rootDir, 'kyso-root.pem') },
    });
    const replaced = JSON.parse(
      (await kyso('trust', 'list', '--json', '--no-default-trust', '--trust', ROOT)).stdout,
    ) as { profile: string | null; anchors: ListedCertificate[] };
    expect(replaced.profile).toBeNull();
    expect(replaced.anchors.map((a) => a.subject)).toEqual(['CN=Kyso Test Root CA, O=Kyso Thử Nghiệm, C=VN']);
    const text = await kyso('trust', 'list', '--lang', 'en', '--trust', ROOT);
    expect(text.stdout).toContain(`Origin: file ${ROOT}`);
  });

  it('--help, and usage errors', async () => {
    const help = await kyso('trust', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--trust-dir DIR');
    expect((await kyso('trust', 'list', '--help')).stdout).toContain('--no-default-trust');
    expect((await kyso('help')).stdout).toContain('trust list');
    for (const args of [
      ['trust', 'lst'],
      ['trust', 'list', '--profile', 'vn-test'],
      ['trust', 'list', '--no-default-trust', '--profile', 'vn'],
      ['trust', 'list', '--trust-dir', join(tmp.dir, 'missing')],
      ['trust', 'list', '--trust-dir', join(repoRoot, 'packages/verify/src')],
      ['trust', 'list', '--trust', join(rootDir, 'notes.txt')],
    ]) {
      const r = await kyso(...args);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stderr).toMatch(/^kyso: /);
    }
  });
});

describe('kyso verify and its default trust', () => {
  it('a test-PKI file: NO_CERTIFICATE_CHAIN_FOUND with the default profile vn, and the report says so', async () => {
    const r = await kyso('verify', signed);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND');
    expect(r.stdout.split('\n')[0]).toBe(
      'Nguồn tin cậy: hồ sơ tích hợp "vn" (4 chứng thư số gốc; 36 chứng thư trung gian/TSA chỉ dùng để dựng đường dẫn)',
    );
  });

  it('TOTAL-PASSED with --trust test-certs/root-ca.pem (added to vn), naming the root and its file', async () => {
    const r = await kyso('verify', signed, '--trust', ROOT);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('Chữ ký hợp lệ (TOTAL-PASSED)');
    expect(r.stdout).toContain(`tệp ${ROOT} (1 chứng thư số gốc, --trust)`);
    expect(r.stdout).toContain(
      `Signature1: chứng thư số gốc "CN=Kyso Test Root CA, O=Kyso Thử Nghiệm, C=VN" — tệp ${ROOT}`,
    );
    const j = JSON.parse((await kyso('verify', signed, '--trust-dir', rootDir, '--json')).stdout) as {
      signatures: { indication: string }[];
      trust: {
        profile: string;
        anchors: number;
        signatures: { fieldName: string; anchor: { origin: { kind: string; source: string } } | null }[];
      };
    };
    expect(j.signatures[0].indication).toBe('TOTAL-PASSED');
    expect(j.trust.profile).toBe('vn');
    expect(j.trust.anchors).toBe(5);
    expect(j.trust.signatures[0].anchor?.origin).toEqual({ kind: 'given', source: join(rootDir, 'kyso-root.pem') });
  });

  it('--no-default-trust: nothing bundled; with --trust the given root alone', async () => {
    const none = await kyso('verify', signed, '--no-default-trust', '--lang', 'en');
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Trust: none (--no-default-trust)');
    const only = JSON.parse((await kyso('verify', signed, '--no-default-trust', '--trust', ROOT, '--json')).stdout) as {
      signatures: { indication: string }[];
      trust: { profile: null; anchors: number };
    };
    expect(only.signatures[0].indication).toBe('TOTAL-PASSED');
    expect(only.trust).toMatchObject({ profile: null, anchors: 1 });
    const all = await kyso('verify', signed, '--trust-profile', 'vn-all', '--lang', 'en');
    expect(all.stdout).toContain('Trust: bundled profile "vn-all" (10 roots;');
  });

  it('the look-alike MIC root given as a file is taken as the operator asked, but the bundled vn never holds it', async () => {
    const fake = join(VN, 'look-alike/FAKE-mic-national-root-ca-2019-fpt-test.pem');
    const j = JSON.parse((await kyso('trust', 'list', '--json', '--all')).stdout) as {
      anchors: ListedCertificate[];
      extraCertificates: ListedCertificate[];
    };
    expect([...j.anchors, ...j.extraCertificates].some((c) => c.origin.file?.includes('look-alike'))).toBe(false);
    const withFake = JSON.parse((await kyso('trust', 'list', '--json', '--trust', fake)).stdout) as {
      anchors: ListedCertificate[];
    };
    expect(withFake.anchors.at(-1)?.origin).toEqual({ kind: 'given', source: fake });
  });

  it('a leaf-only signature: no path with the root alone, TOTAL-PASSED when --intermediate offers its CA (never trusted by itself)', async () => {
    const INTERMEDIATE = join(repoRoot, 'test-certs/intermediate-ca.pem');
    expect((await kyso('verify', leafOnly, '--trust', ROOT)).stdout).toContain(
      'INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND',
    );
    const r = await kyso('verify', leafOnly, '--trust', ROOT, '--intermediate', INTERMEDIATE);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(`tệp ${INTERMEDIATE} (1 chứng thư trung gian, --intermediate)`);
    expect((await kyso('verify', leafOnly, '--intermediate', INTERMEDIATE)).code).toBe(2);
  });

  it('usage errors for trust options', async () => {
    for (const args of [
      ['--trust-profile', 'vn-test'],
      ['--no-default-trust', '--trust-profile', 'vn-all'],
      ['--trust', join(tmp.dir, 'none.pem')],
    ]) {
      const r = await kyso('verify', signed, ...args);
      expect(r.code, args.join(' ')).toBe(64);
    }
  });
});
