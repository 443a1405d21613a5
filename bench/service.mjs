// The service under load: POST /v1/sign and POST /v1/verify with 1-page PDFs from autocannon on loopback, against
// `kyso serve` in its own process (so the load generator does not share its event loop). The baseline is kyso's
// own in-process rate on one core, measured in the same run; the targets are absolute (requests/s, p99 ms).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url, child) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`kyso serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('kyso serve did not become ready');
}

function load(url, { path, body, headers, seconds = 10, connections = 16 }) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: url + path,
        method: 'POST',
        body: Buffer.from(body),
        headers: { 'content-type': 'application/pdf', ...headers },
        connections,
        duration: seconds,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/**
 * `inProcessSignRate`/`inProcessVerifyRate`: kyso's rates in this process (one core), the baselines.
 * Returns bench records.
 */
export async function serviceBench({
  root,
  onePage,
  signed,
  inProcessSignRate,
  inProcessVerifyRate,
  sign: doSign = true,
  verify: doVerify = true,
}) {
  const { createApiKey } = await import('../packages/server/dist/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-service-'));
  const api = createApiKey({ id: 'bench', unit: 'bench', aliases: ['signer'], externalCertificates: false });
  const port = await freePort();
  const config = {
    host: '127.0.0.1',
    port,
    dataDir: dir,
    logLevel: 'warn',
    keys: {
      signer: { type: 'pkcs12', file: join(root, 'test-certs/signer.p12'), password: { env: 'KYSO_BENCH_P12' } },
    },
    apiKeys: [api.entry],
    // The bench measures the service, not the test CA's OCSP responder; the rate limit would cap the load generator.
    signing: { revocation: 'off' },
    verification: { trustRoots: [join(root, 'test-certs/root-ca.pem')] },
    limits: { rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } },
  };
  writeFileSync(join(dir, 'kyso.json'), JSON.stringify(config));
  const child = spawn(
    process.execPath,
    [join(root, 'packages/cli/dist/main.cjs'), 'serve', '--config', join(dir, 'kyso.json')],
    {
      env: { ...process.env, KYSO_BENCH_P12: 'kyso-test' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const out = [];
  /** `target`: { text, met(row) } or null; rows without one carry neither `target` nor `met` (as run.mjs). */
  const rec = (name, kyso, baseline, unit, target, note) => {
    const row = { name, kyso: r2(kyso), baseline: r2(baseline), unit, ratio: r2(kyso / baseline) };
    if (target) Object.assign(row, { target: target.text, met: target.met({ kyso, ratio: kyso / baseline }) });
    out.push({ ...row, note });
    console.error(
      `measured: ${name}: ${r2(kyso)} vs ${r2(baseline)} ${unit}${target ? ` (target ${target.text}: ${row.met ? 'met' : 'not met'})` : ''}`,
    );
  };
  try {
    await waitReady(url, child);
    const auth = { authorization: `Bearer ${api.key}` };
    if (doSign) {
      await load(url, { path: '/v1/sign?key=signer', body: onePage, headers: auth, seconds: 2 }); // warm-up
      const sign = await load(url, { path: '/v1/sign?key=signer', body: onePage, headers: auth });
      if (sign.non2xx > 0 || sign.errors > 0) throw new Error(`sign: ${sign.non2xx} non-2xx, ${sign.errors} errors`);
      rec(
        'service POST /v1/sign, 1-page PDF (autocannon, 16 connections)',
        sign.requests.average,
        inProcessSignRate,
        'requests/s',
        { text: '≥ 0.8×', met: (r) => r.ratio >= 0.8 },
        "baseline: in-process signPdf in the bench process, same run; the service signs a small plain PDF on its request thread (RSA in libuv's pool), larger or visible ones in worker threads",
      );
      rec(
        'service POST /v1/sign: p99 latency',
        sign.latency.p99,
        sign.latency.p50,
        'ms',
        { text: '< 50 ms', met: (r) => r.kyso < 50 },
        'baseline: p50 of the same run',
      );
    }
    if (doVerify) {
      await load(url, { path: '/v1/verify', body: signed, headers: {}, seconds: 2 });
      const verify = await load(url, { path: '/v1/verify', body: signed, headers: {} });
      if (verify.non2xx > 0 || verify.errors > 0)
        throw new Error(`verify: ${verify.non2xx} non-2xx, ${verify.errors} errors`);
      rec(
        'service POST /v1/verify, 1-page signed PDF',
        verify.requests.average,
        inProcessVerifyRate,
        'requests/s',
        { text: '≥ 200 requests/s', met: (r) => r.kyso >= 200 },
        'baseline: in-process validatePdf on one core',
      );
      rec(
        'service POST /v1/verify: p99 latency',
        verify.latency.p99,
        verify.latency.p50,
        'ms',
        null,
        'baseline: p50 of the same run',
      );
    }
  } catch (e) {
    throw new Error(`${e.message}\n${stderr.slice(-2000)}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const r2 = (x) => Math.round(x * 100) / 100;
