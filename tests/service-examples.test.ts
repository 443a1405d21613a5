/**
 * examples/curl and examples/node-client run against a real service, as a user would run them: their outputs
 * are checked with pdfsig and by the service's own verify endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pdfLibDoc, repoRoot } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { leafPem, TEST_CERTS } from './helpers/pki-servers.js';
import { scratch } from './helpers/tools.js';
import { startTestService, type TestService } from '../packages/server/test/helpers/test-service.js';

let svc: TestService;
let nss: NssDb;
const tmp = scratch('kyso-service-examples-');
let input: string;

beforeAll(async () => {
  svc = await startTestService();
  nss = makeNssDb();
  input = tmp.file('in.pdf', await pdfLibDoc({ pages: 2, objectStreams: true }));
});
afterAll(async () => {
  await svc?.stop();
  nss?.cleanup();
  tmp.cleanup();
});

/** Asynchronous: the service runs in this process, so a blocking spawn would starve it. */
function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const env = () => ({ PATH: process.env.PATH ?? '', KYSO_URL: svc.url, KYSO_API_KEY: svc.keys.full });

describe('examples', () => {
  it('examples/curl/kyso-demo.sh quotes, signs and verifies', async () => {
    const out = join(tmp.dir, 'curl');
    const r = await run('sh', [join(repoRoot, 'examples/curl/kyso-demo.sh'), input, out], env());
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'fee.json'), 'utf8'))).toMatchObject({ total: 24_000, currency: 'VND' });
    expect(nss.pdfsig(join(out, 'signed.pdf')).signatures[0]).toMatchObject({
      valid: true,
      trusted: true,
      signerCN: 'Ủy ban nhân dân phường Kinh Bắc',
    });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      signatures: { indication: string }[];
    };
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED']);
  });

  it('the curl script stops with the problem shown when the API key is wrong', async () => {
    const r = await run('sh', [join(repoRoot, 'examples/curl/kyso-demo.sh'), input, join(tmp.dir, 'curl-bad')], {
      ...env(),
      KYSO_API_KEY: 'kyso_not-a-key',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('SERVICE_UNAUTHENTICATED');
    expect(r.stderr).toContain('Thiếu khóa API hoặc khóa API không hợp lệ.');
  });

  it('examples/node-client signs with the service key and in two steps with a key kept by the client', async () => {
    const out = join(tmp.dir, 'node');
    const signer = leafPem('signer');
    const r = await run(
      process.execPath,
      [
        join(repoRoot, 'examples/node-client/demo.mjs'),
        input,
        out,
        signer.cert,
        signer.key,
        join(TEST_CERTS, 'intermediate-ca.pem'),
      ],
      env(),
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('fee: 24000 VND');
    expect(r.stdout).toContain('signed.pdf: Ủy ban nhân dân phường Kinh Bắc: TOTAL-PASSED');
    expect(r.stdout).toContain('two-step.pdf: Nguyễn Thị Lấp Lánh Ánh: TOTAL-PASSED');
    for (const f of ['signed.pdf', 'two-step.pdf'])
      expect(nss.pdfsig(join(out, f)).signatures[0], f).toMatchObject({ valid: true, trusted: true });
  });
});
