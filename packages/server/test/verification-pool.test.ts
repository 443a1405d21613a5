/**
 * The verification worker pool: validatePdf in worker threads gives exactly what it gives in process, refuses
 * what it refuses with the same kyso error, queues within the service's limits, survives a crashing or stuck
 * worker, and drains at shutdown; over HTTP a crash is a 500 problem+json and the next request is answered.
 *
 * The workers run the built packages/server/dist/verification/worker.js (Node 20 cannot start a TypeScript worker),
 * like the CLI tests run the built CLI: `pnpm test` builds first; alone, run `pnpm build` before this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KysoError, signPdf } from '@kyso/core';
import { fetchPolicy, validatePdf } from '@kyso/verify';
import { ServiceError, loadConfig, startService, statusFor } from '@kyso/server';
import { openSigner, pem } from '../../../tests/helpers/keys.js';
import { pdfLibDoc } from '../../../tests/helpers/producers.js';
import { scratch } from '../../../tests/helpers/tools.js';
import { VerificationPool, verificationWorkerUrl, type WorkerLost } from '../src/verification/verification-pool.js';

/** One validation time for the pooled and the in-process run, so their reports can be compared whole. */
const AT = new Date();
const CRASH = new TextEncoder().encode('%CRASH-the-worker');
const HANG = new TextEncoder().encode('%HANG-the-worker');
const tmp = scratch('kyso-verification-pool-');
let anchors: string[];
let signed: Uint8Array;
let unsigned: Uint8Array;
/** The real worker behind a listener that, for the marker inputs, throws (an uncaught error) or never returns. */
let faultyWorker: URL;

beforeAll(async () => {
  anchors = [pem('root-ca.pem')];
  unsigned = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Giay xac nhan' });
  signed = await signPdf(unsigned, openSigner(), { certificateCheck: false });
  const file = tmp.file('faulty-worker.mjs');
  writeFileSync(
    file,
    [
      "import { parentPort } from 'node:worker_threads';",
      // Registered first, so the real worker never sees a marker message.
      'parentPort.on("message", (m) => {',
      "  if (m.type !== 'job' || !m.job.bytes) return;",
      '  const head = new TextDecoder().decode(m.job.bytes.subarray(0, 6));',
      "  if (head === '%CRASH') throw new Error('the worker fell over');",
      "  if (head === '%HANG-') for (;;);",
      '});',
      `await import(${JSON.stringify(verificationWorkerUrl().href)});`,
    ].join('\n'),
  );
  faultyWorker = pathToFileURL(file);
});
afterAll(() => tmp.cleanup());

async function rejection(p: Promise<unknown>): Promise<KysoError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KysoError);
  return e as KysoError;
}

describe('VerificationPool', () => {
  it('answers exactly what validatePdf answers in process, for a signed and an unsigned PDF', async () => {
    const pool = await VerificationPool.start({ workers: 2, maxQueued: 8, trustAnchors: anchors });
    try {
      const [a, b] = await Promise.all([pool.verify(signed, { at: AT }), pool.verify(unsigned, { at: AT })]);
      expect(a).toStrictEqual(await validatePdf(signed, { trustAnchors: anchors, at: AT }));
      expect(a.signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED', trustedChain: true });
      expect(b).toStrictEqual(await validatePdf(unsigned, { trustAnchors: anchors, at: AT }));
      expect(b.signatures).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('refuses what validatePdf refuses, with the same kyso error (code, both messages, HTTP status)', async () => {
    const pool = await VerificationPool.start({ workers: 1, maxQueued: 8, trustAnchors: anchors });
    try {
      const junk = new TextEncoder().encode('not a PDF at all');
      const direct = await rejection(validatePdf(junk, { trustAnchors: anchors }));
      const pooled = await rejection(pool.verify(junk));
      expect(pooled.code).toBe('PDF_NOT_PDF');
      expect({ code: pooled.code, vi: pooled.messageVi, en: pooled.messageEn, details: pooled.details }).toEqual({
        code: direct.code,
        vi: direct.messageVi,
        en: direct.messageEn,
        details: direct.details,
      });
      expect(statusFor(pooled)).toBe(422);
    } finally {
      await pool.close();
    }
  });

  it('moves the bytes to the worker when the caller gives them up, and copies a slice of a larger buffer', async () => {
    const pool = await VerificationPool.start({ workers: 1, maxQueued: 8, trustAnchors: anchors });
    try {
      const kept = signed.slice();
      await pool.verify(kept);
      expect(kept).toEqual(signed);

      const given = signed.slice();
      const report = await pool.verify(given, { at: AT, transfer: true });
      expect(given.byteLength).toBe(0); // detached: it went to the worker
      expect(report.signatures[0].indication).toBe('TOTAL-PASSED');

      const big = new Uint8Array(signed.length + 16);
      big.set(signed, 8);
      const slice = big.subarray(8, 8 + signed.length);
      expect((await pool.verify(slice, { at: AT, transfer: true })).signatures[0].indication).toBe('TOTAL-PASSED');
      expect(big.byteLength).toBe(signed.length + 16);
      expect(slice).toEqual(signed);
    } finally {
      await pool.close();
    }
  });

  it('runs at most `workers` at once, queues up to `maxQueued`, and refuses beyond with SERVICE_BUSY and Retry-After', async () => {
    const pool = await VerificationPool.start({ workers: 1, maxQueued: 1, trustAnchors: anchors });
    try {
      const first = pool.verify(signed, { at: AT });
      const second = pool.verify(signed, { at: AT });
      expect(pool.inFlight).toBe(1);
      expect(pool.queued).toBe(1);
      const third = await rejection(pool.verify(signed, { at: AT }));
      expect(third).toBeInstanceOf(ServiceError);
      expect(third.code).toBe('SERVICE_BUSY');
      expect(statusFor(third)).toBe(503);
      expect((third as ServiceError).retryAfter).toBe(1);
      for (const r of await Promise.all([first, second])) expect(r.signatures[0].indication).toBe('TOTAL-PASSED');
      expect(pool.inFlight).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('fails only the request of a worker that crashes (SERVICE_INTERNAL, 500), replaces the worker and goes on', async () => {
    const lost: WorkerLost[] = [];
    const pool = await VerificationPool.start({
      workers: 1,
      maxQueued: 8,
      trustAnchors: anchors,
      workerUrl: faultyWorker,
      onWorkerLost: (e) => lost.push(e),
    });
    try {
      const queuedBehind = pool.verify(signed, { at: AT });
      const crashed = await rejection(pool.verify(CRASH));
      expect(crashed.code).toBe('SERVICE_INTERNAL');
      expect(statusFor(crashed)).toBe(500);
      expect((await queuedBehind).signatures[0].indication).toBe('TOTAL-PASSED');
      expect(lost).toEqual([
        { pool: 'verification', reason: 'crashed', exitCode: 1, error: 'the worker fell over', hadRequest: true },
      ]);
      expect(pool.workersReplaced).toBe(1);
      expect(await pool.verify(signed, { at: AT })).toStrictEqual(
        await validatePdf(signed, { trustAnchors: anchors, at: AT }),
      );
    } finally {
      await pool.close();
    }
  });

  it('terminates a worker stuck past jobTimeoutMs (SERVICE_TIMEOUT, 503) and replaces it', async () => {
    const lost: WorkerLost[] = [];
    const pool = await VerificationPool.start({
      workers: 1,
      maxQueued: 8,
      trustAnchors: anchors,
      workerUrl: faultyWorker,
      jobTimeoutMs: 3_000,
      onWorkerLost: (e) => lost.push(e),
    });
    try {
      const stuck = await rejection(pool.verify(HANG));
      expect(stuck.code).toBe('SERVICE_TIMEOUT');
      expect(statusFor(stuck)).toBe(503);
      expect(lost).toEqual([{ pool: 'verification', reason: 'timed-out', exitCode: -1, hadRequest: true }]);
      expect((await pool.verify(signed, { at: AT })).signatures[0].indication).toBe('TOTAL-PASSED');
      expect(pool.workersReplaced).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('at close lets validations running and waiting finish, then refuses new ones with SERVICE_SHUTTING_DOWN', async () => {
    const pool = await VerificationPool.start({ workers: 1, maxQueued: 8, trustAnchors: anchors });
    const pending = [
      pool.verify(signed, { at: AT }),
      pool.verify(signed, { at: AT }),
      pool.verify(unsigned, { at: AT }),
    ];
    const closed = pool.close();
    expect((await rejection(pool.verify(signed))).code).toBe('SERVICE_SHUTTING_DOWN');
    const [a, b, c] = await Promise.all(pending);
    expect([a.signatures[0].indication, b.signatures[0].indication, c.signatures]).toEqual([
      'TOTAL-PASSED',
      'TOTAL-PASSED',
      [],
    ]);
    await closed;
    expect(pool.inFlight).toBe(0);
  });

  it('at close after the grace period terminates a busy worker and fails its request with SERVICE_SHUTTING_DOWN', async () => {
    const pool = await VerificationPool.start({
      workers: 1,
      maxQueued: 8,
      trustAnchors: anchors,
      workerUrl: faultyWorker,
    });
    const stuck = rejection(pool.verify(HANG));
    await pool.close(100);
    expect((await stuck).code).toBe('SERVICE_SHUTTING_DOWN');
  });

  it('refuses to start on a trust root that is not a certificate (SERVICE_CONFIG_INVALID) or without the built worker', async () => {
    const bad = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    const e = await rejection(VerificationPool.start({ workers: 2, maxQueued: 8, trustAnchors: [...anchors, bad] }));
    expect(e.code).toBe('SERVICE_CONFIG_INVALID');
    expect(e.messageEn).toContain('verification.trustRoots');
    await expect(
      VerificationPool.start({
        workers: 1,
        maxQueued: 8,
        trustAnchors: anchors,
        workerUrl: pathToFileURL(join(tmp.dir, 'missing.js')),
      }),
    ).rejects.toThrow(/pnpm build/);
  });

  it('checks revocation online from a worker (the test OCSP responder, allow-listed)', async () => {
    const pool = await VerificationPool.start({
      workers: 1,
      maxQueued: 8,
      trustAnchors: anchors,
      fetchPolicy: fetchPolicy({ allowHosts: ['127.0.0.1:39601', '127.0.0.1:39602'] }),
    });
    try {
      const offline = await pool.verify(signed);
      const online = await pool.verify(signed, { online: true });
      const direct = await validatePdf(signed, { trustAnchors: anchors, online: true });
      expect(offline.signatures[0].revocation.map((r) => r.status)).not.toContain('GOOD');
      expect(online.signatures[0].revocation.map((r) => [r.status, r.source])).toEqual(
        direct.signatures[0].revocation.map((r) => [r.status, r.source]),
      );
      expect(online.signatures[0].revocation.some((r) => r.status === 'GOOD')).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe('POST /v1/verify with the pool', () => {
  let running: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    const file = tmp.file('kyso.json');
    writeFileSync(
      file,
      JSON.stringify({
        host: '127.0.0.1',
        port: 0,
        dataDir: join(tmp.dir, 'data'),
        logLevel: 'silent',
        keys: {},
        apiKeys: [],
        verification: { trustRoots: [join(tmp.dir, 'root.pem')], workers: 2 },
      }),
    );
    writeFileSync(join(tmp.dir, 'root.pem'), anchors[0]);
    running = await startService(loadConfig({ file, env: {} }), { verificationWorkerUrl: faultyWorker });
  });
  afterAll(async () => {
    await running?.close();
  });

  const post = (body: Uint8Array, query = ''): Promise<Response> =>
    fetch(`${running.url}/v1/verify${query}`, { method: 'POST', headers: { 'Content-Type': 'application/pdf' }, body });

  it('answers a crashed worker with 500 problem+json, replaces it and answers the next request in full', async () => {
    const crashed = await post(CRASH);
    expect(crashed.status).toBe(500);
    expect(crashed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await crashed.json()).toMatchObject({ status: 500, code: 'SERVICE_INTERNAL' });

    const answers = await Promise.all([1, 2, 3, 4].map(() => post(signed, `?at=${AT.toISOString()}`)));
    const expected = JSON.parse(
      JSON.stringify(await validatePdf(signed, { trustAnchors: anchors, at: AT })),
    ) as unknown;
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(expected);
    }
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/^kyso_verification_workers_replaced 1$/m);
    expect(metrics).toMatch(/^kyso_verifications_in_flight 0$/m);
  });
});
