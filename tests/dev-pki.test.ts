/**
 * `pnpm pki` (test-certs/dev-pki.mjs) as a person runs it: its TSA stamps a real B-T signature that validates as
 * B-T, its OCSP responder says the signer is good and revoked.p12 revoked, its CRL server
 * serves the CRLs byte for byte, and Ctrl-C (SIGINT) stops it. It runs on other ports here, because the suite's own
 * OCSP and CRL services hold the ones the certificates name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet, leafPem, TEST_CERTS } from './helpers/pki-servers.js';
import { run, scratch } from './helpers/tools.js';

const repoRoot = join(TEST_CERTS, '..');
const cli = join(repoRoot, 'packages/cli/dist/main.cjs');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('pnpm pki', () => {
  let child: ChildProcess;
  let out = '';
  const ports = { ocsp: 0, ca: 0, tsa: 0 };
  const tmp = scratch('kyso-dev-pki-test-');

  beforeAll(async () => {
    process.env.KYSO_PW = 'kyso-test'; // the CLI reads it through --password-env; run() passes this environment on
    ports.ocsp = await freePort();
    ports.ca = await freePort();
    ports.tsa = await freePort();
    child = spawn(process.execPath, [join(TEST_CERTS, 'dev-pki.mjs')], {
      env: {
        ...process.env,
        KYSO_DEV_OCSP_PORT: String(ports.ocsp),
        KYSO_DEV_CA_PORT: String(ports.ca),
        KYSO_DEV_TSA_PORT: String(ports.tsa),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 20_000;
    while (!out.includes('Ctrl-C stops them')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`pnpm pki did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    tmp.cleanup();
  });

  it('prints the URLs of its three services, on 127.0.0.1 only', () => {
    expect(out).toContain(`http://127.0.0.1:${ports.ocsp}`);
    expect(out).toContain(`http://127.0.0.1:${ports.ca}/intermediate.crl`);
    expect(out).toContain(`http://127.0.0.1:${ports.tsa}/`);
  });

  it('its TSA stamps a B-T signature that validates at level B-T', () => {
    const input = tmp.file('in.pdf', readFileSync(join(repoRoot, 'tests/fixtures/cairo.pdf')));
    const output = join(tmp.dir, 'out.pdf');
    const signed = run(process.execPath, [
      cli,
      'sign',
      input,
      '-o',
      output,
      '--p12',
      join(TEST_CERTS, 'signer.p12'),
      '--password-env',
      'KYSO_PW',
      '--level',
      'B-T',
      '--tsa',
      `http://127.0.0.1:${ports.tsa}/`,
    ]);
    expect(signed.status, signed.stderr).toBe(0);
    const report = JSON.parse(
      run(process.execPath, [cli, 'verify', output, '--trust', join(TEST_CERTS, 'root-ca.pem'), '--json']).stdout,
    ) as {
      signatures: { level: string; indication: string }[];
    };
    expect(report.signatures[0]).toMatchObject({ level: 'B-T', indication: 'TOTAL-PASSED' });
  });

  it('its OCSP responder answers good for signer.p12 and revoked for revoked.p12, signed and verified by openssl', () => {
    const ask = (name: string) =>
      run('openssl', [
        'ocsp',
        '-issuer',
        join(TEST_CERTS, 'intermediate-ca.pem'),
        '-cert',
        leafPem(name).cert,
        '-url',
        `http://127.0.0.1:${ports.ocsp}`,
        '-CAfile',
        join(TEST_CERTS, 'ca-chain.pem'),
        '-timeout',
        '5',
      ]);
    const good = ask('signer');
    expect(`${good.stdout}${good.stderr}`).toMatch(/Response verify OK/);
    expect(good.stdout).toMatch(/: good$/m);
    expect(ask('revoked').stdout).toMatch(/: revoked$/m);
  });

  it('its CA server serves the CRLs and CA certificates byte for byte, and nothing else', async () => {
    for (const name of ['intermediate.crl', 'root.crl', 'root-ca.cer', 'intermediate-ca.cer']) {
      const r = await httpGet(ports.ca, `/${name}`);
      expect(r.status).toBe(200);
      expect(Buffer.from(r.body).equals(readFileSync(join(TEST_CERTS, 'http', name)))).toBe(true);
    }
    expect((await httpGet(ports.ca, '/../signer.p12')).status).toBe(404);
    expect((await httpGet(ports.ca, '/ocsp-index.txt')).status).toBe(404);
  });

  it('stops on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
