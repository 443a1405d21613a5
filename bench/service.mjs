// The service under load: POST /v1/sign and POST /v1/verify with 1-page PDFs from autocannon on loopback, against
// `kyso serve` in its own process (so the load generator does not share its event loop). The baseline is kyso's
// own in-process rate on one core, measured in the same run; the targets are absolute (requests/s, p99 ms).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { batch, median } from './rates.mjs';

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
 * `signInProcess`: one in-process signature of `onePage` (kyso's signPdf), the signing rows' baseline. It is measured
 * between the service's load rounds, so each round's baseline is taken next to it (this machine's speed moves by a
 * quarter within minutes, and a baseline taken at the start of the run made the ratio swing with it).
 * `inProcessVerifyRate`: kyso's validation rate in this process, the verify rows' baseline. Returns bench records.
 */
export async function serviceBench({
  root,
  onePage,
  signed,
  signInProcess,
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
      // Rounds of [in-process rate, service load], alternating: the medians of each side are compared. CPU time is
      // counted on both sides (the service's threads from /proc, the bench's own), the figure a busy machine moves least.
      const rounds = [];
      for (let i = 0; i < SIGN_ROUNDS; i++) {
        const inProcess = await inProcessRate(signInProcess);
        const cpu0 = processCpuMs(child.pid);
        const sign = await load(url, { path: '/v1/sign?key=signer', body: onePage, headers: auth, seconds: 4 });
        const cpu1 = processCpuMs(child.pid);
        if (sign.non2xx > 0 || sign.errors > 0) throw new Error(`sign: ${sign.non2xx} non-2xx, ${sign.errors} errors`);
        rounds.push({
          inProcess: inProcess.rate,
          inProcessCpuUs: inProcess.cpuUs,
          service: sign.requests.average,
          serviceCpuUs: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1000) / sign.requests.total,
          p50: sign.latency.p50,
          p99: sign.latency.p99,
        });
      }
      const ratios = rounds.map((r) => r2(r.service / r.inProcess)).join(', ');
      rec(
        'service POST /v1/sign, 1-page PDF (autocannon, 16 connections)',
        median(rounds.map((r) => r.service)),
        median(rounds.map((r) => r.inProcess)),
        'requests/s',
        { text: '≥ 0.8×', met: (r) => r.ratio >= 0.8 },
        `medians of ${SIGN_ROUNDS} rounds (4 s of load each), each after its own in-process measurement (ratios per round: ${ratios}); baseline: in-process signPdf in the bench process; the service signs a small plain PDF on its request thread (RSA in libuv's pool), larger or visible ones in worker threads`,
      );
      if (rounds.every((r) => r.serviceCpuUs !== null))
        rec(
          'service POST /v1/sign: CPU per request (all its threads) vs in-process CPU per signature',
          median(rounds.map((r) => r.serviceCpuUs)),
          median(rounds.map((r) => r.inProcessCpuUs)),
          'µs',
          null,
          `medians of the same rounds; the service's user + system time from /proc/PID/stat over each round's requests, the bench process's over its in-process signatures. The requests/s ratio is about 2 cores ÷ (this figure + the load generator's CPU per request) × the cores' utilisation, over 1 ÷ the baseline`,
        );
      rec(
        'service POST /v1/sign: p99 latency',
        Math.max(...rounds.map((r) => r.p99)),
        median(rounds.map((r) => r.p50)),
        'ms',
        { text: '< 50 ms', met: (r) => r.kyso < 50 },
        'the highest p99 of the rounds; baseline: the median p50',
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
/** Alternating rounds of the signing row (an odd count: the median is one of them). */
const SIGN_ROUNDS = 3;

/** Rate (ops/s) and CPU time per op (µs) of `op` run back to back in this process: medians of 3 batches of 0.5 s. */
async function inProcessRate(op) {
  for (let i = 0; i < 3; i++) await op(); // warm-up
  const batches = [];
  for (let b = 0; b < 3; b++) batches.push(await batch(op, 500));
  return { rate: median(batches.map((b) => b.rate)), cpuUs: median(batches.map((b) => b.cpuUs)) };
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time (ms) of a process and all its threads, or null where there is no /proc. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
