/**
 * The packages used outside the monorepo, as a user gets them: each packed with `pnpm pack`, installed from the
 * tarballs with npm into a fresh project outside the workspace (their declared dependencies come from the registry),
 * type-checked with `skipLibCheck: false`, then used — sign and verify from TypeScript (ESM), `require()` from
 * CommonJS, and the installed `kyso` command. Install scripts are skipped: the native modules (better-sqlite3 for
 * the register and the service's sessions, pkcs11js) are optional for code that signs and verifies.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot } from './helpers/producers.js';

const PACKAGES = ['pdf', 'verify', 'core', 'server', 'cli'];
const certs = (name: string) => join(repoRoot, 'test-certs', name);

function sh(
  cmd: string,
  args: string[],
  cwd: string,
  timeout = 240_000,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const APP = `import { readFileSync, writeFileSync } from 'node:fs';
import { Pkcs12Signer, signPdf, type CertificationRegister, type RevocationChecker, type SigningWarning } from '@kyso/core';
import { validatePdf, type ValidationReport } from '@kyso/verify';
import { PdfDocument } from '@kyso/pdf';
import type { runService } from '@kyso/server'; // the service's published types must check too
import type { openSqliteRegister } from '@kyso/core/register-sqlite';
import type { openPostgresRegister } from '@kyso/core/register-postgres'; // checks without pg's own types installed

const [pdfPath, p12Path, rootPath, outPath] = process.argv.slice(2) as [string, string, string, string];
const signer = Pkcs12Signer.open(readFileSync(p12Path), 'kyso-test');
// A CA that does not answer: signed all the same, with the typed warning on the result.
const silentCa: RevocationChecker = async () => ({ status: 'unknown', source: null, warnings: ['REVOCATION_TIMEOUT'] });
const signed = await signPdf(new Uint8Array(readFileSync(pdfPath)), signer, { reason: 'Phê duyệt', location: 'Bắc Ninh', certificateCheck: { revocation: 'if-available', checker: silentCa } });
const warnings: readonly SigningWarning[] = signed.warnings;
writeFileSync(outPath, signed);
const report: ValidationReport = await validatePdf(signed, { trustAnchors: [readFileSync(rootPath, 'utf8')] });
const register: CertificationRegister | null = null;
export type Api = [typeof runService, typeof openSqliteRegister, typeof openPostgresRegister];
console.log(JSON.stringify({
  revisions: PdfDocument.load(signed).revisions.length,
  indications: report.signatures.map((s) => s.indication),
  warnings: warnings.map((w) => w.code),
  register,
}));
`;

describe('the packages installed from their tarballs, outside the workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-packaging-'));
  const tarballs = join(dir, 'tarballs');
  const app = join(dir, 'app');

  beforeAll(() => {
    mkdirSync(tarballs);
    for (const p of PACKAGES) {
      const r = sh('pnpm', ['pack', '--pack-destination', tarballs], join(repoRoot, 'packages', p));
      expect(r.status, r.stderr).toBe(0);
    }
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'kyso-consumer', private: true, type: 'module' }));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          outDir: 'dist',
          rootDir: 'src',
          types: ['node'],
        },
        include: ['src'],
      }),
    );
    writeFileSync(join(app, 'src', 'app.ts'), APP);
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    const install = sh(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', 'typescript@5.9.3', '@types/node@20', ...files],
      app,
    );
    expect(install.status, install.stderr).toBe(0);
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the tarballs ship no build info, and their source maps point at sources they ship', () => {
    for (const f of readdirSync(tarballs)) {
      const list = sh('tar', ['tzf', join(tarballs, f)], dir).stdout.split('\n');
      expect(
        list.filter((l) => l.includes('tsbuildinfo')),
        f,
      ).toEqual([]);
      for (const map of list.filter((l) => l.endsWith('.js.map'))) {
        const source = map.replace('package/dist/', 'package/src/').replace(/\.js\.map$/, '.ts');
        expect(list, `${f}: ${map}`).toContain(source);
      }
    }
  });

  it('type-checks against the published types with skipLibCheck false', () => {
    const r = sh(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('signs and verifies (ESM)', () => {
    const r = sh(
      process.execPath,
      [
        join(app, 'dist/app.js'),
        join(fixturesDir, 'cairo.pdf'),
        certs('signer.p12'),
        certs('root-ca.pem'),
        join(dir, 'signed.pdf'),
      ],
      app,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      revisions: 2,
      indications: ['TOTAL-PASSED'],
      warnings: ['SIGN_REVOCATION_UNCHECKED'],
      register: null,
    });
  });

  it('require() works from CommonJS', () => {
    const script =
      "const v = require('@kyso/verify'), c = require('@kyso/core'), p = require('@kyso/pdf'); console.log([typeof v.validatePdf, typeof c.signPdf, typeof p.PdfDocument].join())";
    const r = sh(process.execPath, ['-e', script], app);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('function,function,function');
  });

  it('the installed kyso command verifies the signed file', () => {
    const kyso = join(app, 'node_modules/.bin/kyso');
    expect(sh(kyso, ['--help'], app).status).toBe(0);
    const r = sh(kyso, ['verify', join(dir, 'signed.pdf'), '--trust', certs('root-ca.pem'), '--json'], app);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).signatures[0].indication).toBe('TOTAL-PASSED');
  });
});
