/**
 * `kyso sign` prints what signing warned of (issue 18) on standard error: the Vietnamese line with no English
 * inside, then the English line with the code and the facts; the signature is still made (exit 0).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNING_WARNINGS } from '@kyso/core';
import { runKyso } from '../../../tests/helpers/cli.js';
import { fixturesDir, repoRoot } from '../../../tests/helpers/producers.js';

const tmp = mkdtempSync(join(tmpdir(), 'kyso-cli-warnings-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const signer = join(repoRoot, 'test-certs', 'signer.p12');
// Without KYSO_FETCH_ALLOW_HOSTS: the test PKI's 127.0.0.1 services are not reachable through the guarded fetch.
const env = { ...process.env, PW: 'kyso-test' };
delete env.KYSO_FETCH_ALLOW_HOSTS;

describe('kyso sign and certify warnings', () => {
  it('the CA not reachable (its 127.0.0.1 responder not allowed): signed, exit 0, the warning in both languages', async () => {
    const out = join(tmp, 'warned.pdf');
    const r = await runKyso(
      ['sign', join(fixturesDir, 'cairo.pdf'), '-o', out, '--p12', signer, '--password-env', 'PW'],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const lines = r.stderr.trimEnd().split('\n');
    const vi = lines.findIndex((l) => l.startsWith('kyso: cảnh báo: '));
    expect(lines[vi]).toBe(`kyso: cảnh báo: ${SIGNING_WARNINGS.SIGN_REVOCATION_UNCHECKED[0]}`);
    expect(lines[vi + 1]).toBe(
      `  warning (SIGN_REVOCATION_UNCHECKED): ${SIGNING_WARNINGS.SIGN_REVOCATION_UNCHECKED[1]}`,
    );
    expect(lines[vi + 2]).toContain('Nguyễn Thị Lấp Lánh Ánh'); // the facts: which certificate, why
    expect(r.stdout).toContain('Ký thành công / Signed');
  });

  it('the CA reachable (--allow-host for the test PKI): no warning', async () => {
    const r = await runKyso(
      [
        'sign',
        join(fixturesDir, 'cairo.pdf'),
        '-o',
        join(tmp, 'quiet.pdf'),
        '--p12',
        signer,
        '--password-env',
        'PW',
        '--allow-host',
        '127.0.0.1:39601',
        '--allow-host',
        '127.0.0.1:39602',
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('kyso certify --json: the same warnings printed once each and listed in the JSON (both signers unchecked, the e-copy a level lower)', async () => {
    const out = join(tmp, 'ecopy.pdf');
    const r = await runKyso(
      [
        'certify',
        '--scan',
        join(fixturesDir, 'cairo.pdf'),
        '--paper-copies',
        '1',
        '-o',
        out,
        '--db',
        join(tmp, 'register.db'),
        '--certifier-p12',
        signer,
        '--authority-p12',
        join(repoRoot, 'test-certs', 'seal.p12'),
        '--authority-id',
        'UBND-KB',
        '--password-env',
        'PW',
        '--json',
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { warnings: { code: string; vi: string; en: string; detail?: string }[] };
    expect(report.warnings.map((w) => [w.code, w.detail?.split(':')[0]])).toEqual([
      ['SIGN_REVOCATION_UNCHECKED', 'Nguyễn Thị Lấp Lánh Ánh'],
      ['SIGN_REVOCATION_UNCHECKED', 'Ủy ban nhân dân phường Kinh Bắc'],
      ['ECOPY_LEVEL_LOWERED', 'issued at B-B'],
    ]);
    expect(report.warnings[0]!.detail).toMatch(/^Nguyễn Thị Lấp Lánh Ánh: [A-Z_]+(, [A-Z_]+)*$/); // the reasons as codes
    // the same three on standard error, each once
    expect(r.stderr.match(/^kyso: cảnh báo: /gm)).toHaveLength(3);
    expect(existsSync(out)).toBe(true);
  });
});
