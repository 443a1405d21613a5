import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { corpusDir, fixturesDir, repoRoot } from '../../../tests/helpers/producers.js';

/** Runs the built CLI the way `pnpm kyso` does. */
function kyso(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'packages/cli/dist/main.cjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kyso command', () => {
  it('prints help', () => {
    const r = kyso('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage:');
    expect(r.stdout).toContain('inspect');
  });

  it('pnpm kyso --help works from the repository root', () => {
    const r = spawnSync('pnpm', ['--silent', 'kyso', '--help'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('kyso — ký số');
  });

  it('inspect lists the revisions of a signed corpus file', () => {
    const r = kyso('inspect', join(corpusDir, 'pyhanko/minimal-signed-twice-no-sig-type.pdf'), '--json');
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.revisions).toHaveLength(3);
    expect(rep.revisions[0].start).toBe(0);
    expect(rep.revisions[1].start).toBe(rep.revisions[0].end);
    expect(rep.encrypted).toBe(false);
  });

  it('inspect reports recovery in human form', () => {
    const r = kyso('inspect', join(fixturesDir, 'broken-xref-offsets.pdf'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Recovered by scanning \/ Khôi phục: yes/);
  });

  it('exits 65 with a bilingual message for input that is not a PDF', () => {
    const r = kyso('inspect', join(repoRoot, 'package.json'));
    expect(r.status).toBe(65);
    expect(r.stderr).toContain('PDF_NOT_PDF');
    expect(r.stderr).toContain('không phải là PDF');
  });

  it('exits 64 for usage errors and 66 for a missing file', () => {
    expect(kyso('frobnicate').status).toBe(64);
    expect(kyso('inspect').status).toBe(64);
    expect(kyso('inspect', 'x.pdf', '--bogus').status).toBe(64);
    expect(kyso('inspect', '/nonexistent/file.pdf').status).toBe(66);
  });
});
