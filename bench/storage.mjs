// Storage rows (issue 17): certifications per second through `kyso serve` on SQLite against PostgreSQL (one
// instance), two instances on one PostgreSQL database against one, and signing requests per second through two
// instances against one. Each instance is `kyso serve` in its own process; the load is a fetch loop per instance
// (certifications: each request its own idempotency key) or autocannon (signing), on loopback. On a small machine the
// instances share its cores, so two instances measure the cost of sharing the database more than added capacity.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startPostgres } from './postgres.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const UNIT = 'UBND phường Kinh Bắc';

async function startInstance(root, api, database) {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-store-'));
  const port = await freePort();
  const p12 = (name) => ({ type: 'pkcs12', file: join(root, 'test-certs', name), password: { env: 'KYSO_BENCH_P12' } });
  const config = {
    host: '127.0.0.1',
    port,
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
    ...(database ? { database: { url: database } } : {}),
    keys: { signer: p12('signer.p12'), seal: p12('seal.p12') },
    apiKeys: [api.entry],
    signing: { revocation: 'off' },
    verification: { trustRoots: [join(root, 'test-certs/root-ca.pem')] },
    // The rate limit is on (shared through PostgreSQL when it is there) but high: its cost is measured, not its refusals.
    limits: { rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } },
    certification: {
      level: 'B-B',
      authorities: { [UNIT]: { name: 'Ủy ban nhân dân phường Kinh Bắc', sealKey: 'seal', location: 'Bắc Ninh' } },
    },
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
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i > 300) throw new Error(`kyso serve did not become ready: ${stderr.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
/** Certifications per second over `seconds`, `perInstance` requests in flight on each instance; every answer checked. */
async function certifyRate(urls, api, scanB64, { seconds = 8, perInstance = 4 } = {}) {
  const stopAt = performance.now() + seconds * 1000;
  let done = 0;
  const loop = async (url) => {
    while (performance.now() < stopAt) {
      const res = await fetch(`${url}/v1/certifications`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${api.key}` },
        body: JSON.stringify({
          idempotencyKey: `bench-${process.pid}-${++seq}`,
          certifierKey: 'signer',
          certifier: { title: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH', basis: 'assigned' },
          requester: { name: 'Trần Thị Bình' },
          documentName: 'Giấy khai sinh',
          paperCopies: 1,
          scan: { pdf: scanB64 },
        }),
      });
      if (res.status !== 201) throw new Error(`certification: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(urls.flatMap((u) => Array.from({ length: perInstance }, () => loop(u))));
  return (done * 1000) / (performance.now() - t0);
}

function signLoad(url, api, body, seconds, connections) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/sign?key=signer`,
        method: 'POST',
        body,
        headers: { 'content-type': 'application/pdf', authorization: `Bearer ${api.key}` },
        connections,
        duration: seconds,
      },
      (err, r) =>
        err
          ? reject(err)
          : r.non2xx || r.errors
            ? reject(new Error(`sign: ${r.non2xx} non-2xx, ${r.errors} errors`))
            : resolve(r.requests.total / seconds),
    );
  });
}

/** Signing requests per second through `urls` together (one autocannon per instance, the same connections in all). */
async function signRate(urls, api, body, seconds = 8, connections = 16) {
  const per = Math.max(1, Math.round(connections / urls.length));
  const rates = await Promise.all(urls.map((u) => signLoad(u, api, body, seconds, per)));
  return rates.reduce((a, b) => a + b, 0);
}

export async function storageBench({ root, onePage }) {
  const { createApiKey } = await import('../packages/server/dist/index.js');
  const api = createApiKey({ id: 'bench', unit: UNIT, aliases: ['signer', 'seal'], externalCertificates: false });
  const scanB64 = Buffer.from(onePage).toString('base64');
  const body = Buffer.from(onePage);
  const out = [];
  const rec = (name, kyso, baseline, unit, note) => {
    const row = { name, kyso: r2(kyso), baseline: r2(baseline), unit, ratio: r2(kyso / baseline), note };
    out.push(row);
    console.error(`measured: ${name}: ${row.kyso} vs ${row.baseline} ${unit} (ratio ${row.ratio})`);
  };
  const pg = await startPostgres();
  const running = [];
  const start = async (...a) => {
    const i = await startInstance(root, api, ...a);
    running.push(i);
    return i;
  };
  const stopAll = async () => {
    await Promise.all(running.splice(0).map((i) => i.stop()));
  };
  try {
    // One instance on SQLite, then one on PostgreSQL; a short warm-up each (workers, pools, the first book).
    const sqlite = await start(undefined);
    await certifyRate([sqlite.url], api, scanB64, { seconds: 2 });
    const onSqlite = await certifyRate([sqlite.url], api, scanB64);
    const signOne = await signRate([sqlite.url], api, body, 2).then(() => signRate([sqlite.url], api, body));
    await stopAll();

    const db1 = await pg.createDatabase();
    const one = await start(db1);
    await certifyRate([one.url], api, scanB64, { seconds: 2 });
    const onPg = await certifyRate([one.url], api, scanB64);
    const signOnePg = await signRate([one.url], api, body, 2).then(() => signRate([one.url], api, body));
    const two = await start(db1);
    await certifyRate([one.url, two.url], api, scanB64, { seconds: 2, perInstance: 2 });
    const onPg2 = await certifyRate([one.url, two.url], api, scanB64, { perInstance: 2 });
    const signTwo = await signRate([one.url, two.url], api, body, 2).then(() =>
      signRate([one.url, two.url], api, body),
    );
    await stopAll();

    rec(
      'certifications/s, one instance: PostgreSQL vs SQLite',
      onPg,
      onSqlite,
      'certifications/s',
      'kyso serve, B-B, 1-page scan, 4 in flight; baseline: the same on the embedded SQLite files',
    );
    rec(
      'certifications/s on PostgreSQL: two instances vs one',
      onPg2,
      onPg,
      'certifications/s',
      '2 in flight on each of two instances against 4 on one; both share this machine\u2019s cores',
    );
    rec(
      'signing requests/s (POST /v1/sign): two instances on PostgreSQL vs one',
      signTwo,
      signOnePg,
      'requests/s',
      'autocannon, 16 connections split over the instances; the per-key rate limit shared through PostgreSQL on every request',
    );
    rec(
      'signing requests/s, one instance: PostgreSQL (shared rate limit) vs SQLite (in-memory)',
      signOnePg,
      signOne,
      'requests/s',
      'the cost of the rate limit\u2019s upsert per request',
    );
  } finally {
    await stopAll();
    await pg.stop();
  }
  return { rows: out, note: pg.note };
}

const r2 = (x) => Math.round(x * 100) / 100;
