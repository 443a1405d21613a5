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
const env = { ...process.env, PW: 'kyso-test' };

describe('kyso sign warnings', () => {
  it('the CA not reachable (its 127.0.0.1 responder not allowed): signed, exit 0, the warning in both languages', async () => {
    const out = join(tmp, 'warned.pdf');
    const r = await runKyso(['sign', join(fixturesDir, 'cairo.pdf'), '-o', out, '--p12', signer, '--password-env', 'PW'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const lines = r.stderr.trimEnd().split('\n');
    const vi = lines.findIndex((l) => l.startsWith('kyso: cảnh báo: '));
    expect(lines[vi]).toBe(`kyso: cảnh báo: ${SIGNING_WARNINGS.SIGN_REVOCATION_UNCHECKED[0]}`);
    expect(lines[vi + 1]).toBe(`  warning (SIGN_REVOCATION_UNCHECKED): ${SIGNING_WARNINGS.SIGN_REVOCATION_UNCHECKED[1]}`);
    expect(lines[vi + 2]).toContain('Nguyễn Thị Lấp Lánh Ánh'); // the facts: which certificate, why
    expect(r.stdout).toContain('Ký thành công / Signed');
  });

  it('the CA reachable (--allow-host for the test PKI): no warning', async () => {
    const r = await runKyso(['sign', join(fixturesDir, 'cairo.pdf'), '-o', join(tmp, 'quiet.pdf'), '--p12', signer, '--password-env', 'PW',
      '--allow-host', '127.0.0.1:39601', '--allow-host', '127.0.0.1:39602'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});
