/**
 * Issue 14 item 4: per-request time limits that fire (resources.jobTimeoutMs), against real listening servers.
 *
 * 1. A `kyso serve` child process with a 250 ms limit: a crafted 1 MB PDF whose streams take seconds to decode
 *    is answered 503 SERVICE_TIMEOUT (with Retry-After) by /v1/sign and /v1/verify, and the workers are replaced.
 * 2. A service whose workers never finish a marked job (a listener in front of the real worker spins forever on
 *    it, so the outcome does not depend on this machine's speed): signing, verification and certification are
 *    503 SERVICE_TIMEOUT, the workers are replaced, the next requests are answered in full, and the timed-out
 *    certification took no number (the next one is number 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { signPdf } from '@kyso/core';
import { loadConfig, startService, type RunningService } from '@kyso/server';
import { objectStreamBomb } from '../../packages/pdf/test/helpers/object-stream-bomb.js';
import {
  bearer,
  makeKeys,
  PASSWORD_ENV,
  postPdf,
  TEST_CERTS,
} from '../../packages/server/test/helpers/test-service.js';
import { signingWorkerUrl } from '../../packages/server/src/signing/signing-service.js';
import { verificationWorkerUrl } from '../../packages/server/src/verification/verification-pool.js';
import { openSigner } from '../helpers/keys.js';
import { pdfLibDoc } from '../helpers/producers.js';
import { scratch } from '../helpers/tools.js';
import { certificationBody, flatPng, startChildService, type ChildService } from './helpers/child-service.js';

let plain: Uint8Array;
let signed: Uint8Array;

beforeAll(async () => {
  plain = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Giay xac nhan' });
  signed = await signPdf(plain, openSigner(), { certificateCheck: false });
});

async function expectTimeout(res: Response, limitMs: number): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(await res.json()).toMatchObject({
    status: 503,
    code: 'SERVICE_TIMEOUT',
    detail: expect.stringContaining(`took longer than ${limitMs} ms`),
  });
}

const metric = async (url: string, name: string): Promise<number> => {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${url}/metrics`)).text());
  return Number(m?.[1]);
};

describe('a crafted PDF over the time limit (kyso serve in a child process)', () => {
  const LIMIT_MS = 250;
  let server: ChildService;
  let heavyPdf: Uint8Array;
  beforeAll(async () => {
    server = await startChildService({
      limits: { signingConcurrency: 1 },
      verification: { trustRoots: [], workers: 1 },
      resources: { jobTimeoutMs: LIMIT_MS },
    });
    heavyPdf = objectStreamBomb({ bytesPerStream: 100 * 1000 * 1000 }); // 500 MB to decode: seconds of work
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('is 503 SERVICE_TIMEOUT for /v1/sign and /v1/verify; the workers are replaced and the service answers', async () => {
    await expectTimeout(
      await postPdf(`${server.url}/v1/sign?key=signer`, heavyPdf, bearer(server.keys.full)),
      LIMIT_MS,
    );
    await expectTimeout(await postPdf(`${server.url}/v1/verify`, heavyPdf), LIMIT_MS);
    expect(await metric(server.url, 'kyso_signing_workers_replaced')).toBe(1);
    expect(await metric(server.url, 'kyso_verification_workers_replaced')).toBe(1);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.output()).toMatch(/"reason":"timed-out"/);
  });
});

describe('jobs that never end (a service whose workers spin forever on marked jobs)', () => {
  // Far above what a normal request takes on a loaded machine: the marked jobs never end, whatever the limit.
  const LIMIT_MS = 6_000;
  const UNIT = 'UBND phường Kinh Bắc';
  const tmp = scratch('kyso-time-limit-');
  let running: RunningService;
  let key: string;

  beforeAll(async () => {
    // Registered before the real worker's listener, so a marked job never reaches it and the thread never returns.
    const spin = (test: string, real: URL) =>
      [
        "import { parentPort } from 'node:worker_threads';",
        `parentPort.on('message', (m) => { if (m.type === 'job' && (${test})) for (;;); });`,
        `await import(${JSON.stringify(real.href)});`,
      ].join('\n');
    const marked =
      "new TextDecoder().decode((m.job.bytes ?? m.job.input?.bytes ?? new Uint8Array()).subarray(0, 5)) === '%SPIN'";
    writeFileSync(tmp.file('verification.mjs'), spin(marked, verificationWorkerUrl()));
    writeFileSync(
      tmp.file('signing.mjs'),
      spin(`${marked} || m.job.data?.idempotencyKey?.startsWith('spin')`, signingWorkerUrl()),
    );
    const { keys, entries } = makeKeys();
    key = keys.full;
    const p12 = (name: string) => ({
      type: 'pkcs12' as const,
      file: join(TEST_CERTS, name),
      password: { env: PASSWORD_ENV },
    });
    const file = tmp.file('kyso.json');
    writeFileSync(
      file,
      JSON.stringify({
        host: '127.0.0.1',
        port: 0,
        dataDir: join(tmp.dir, 'data'),
        logLevel: 'silent',
        keys: {
          signer: p12('signer.p12'),
          seal: p12('seal.p12'),
          'signer-ec': p12('signer-ec.p12'),
          officer: p12('signer.p12'),
        },
        apiKeys: entries,
        signing: { revocation: 'off' },
        limits: { signingConcurrency: 1 },
        verification: { workers: 1, trustRoots: [join(TEST_CERTS, 'root-ca.pem')] },
        resources: { jobTimeoutMs: LIMIT_MS },
        certification: {
          authorities: { [UNIT]: { name: 'Ủy ban nhân dân phường Kinh Bắc', sealKey: 'seal', location: 'Bắc Ninh' } },
        },
      }),
    );
    running = await startService(loadConfig({ file, env: { [PASSWORD_ENV]: 'kyso-test' } }), {
      signingWorkerUrl: pathToFileURL(tmp.file('signing.mjs')),
      verificationWorkerUrl: pathToFileURL(tmp.file('verification.mjs')),
    });
  }, 120_000);
  afterAll(async () => {
    await running?.close();
    tmp.cleanup();
  });

  const spinning = new TextEncoder().encode('%SPIN the worker forever');

  it('a signing is 503 SERVICE_TIMEOUT; its worker is replaced and the next signing succeeds', async () => {
    await expectTimeout(await postPdf(`${running.url}/v1/sign?key=signer`, spinning, bearer(key)), LIMIT_MS);
    expect(running.services.signing.workersReplaced).toBe(1);
    const next = await postPdf(`${running.url}/v1/sign?key=signer`, plain, bearer(key));
    expect(next.status).toBe(200);
    expect(
      Buffer.from(new Uint8Array(await next.arrayBuffer()).subarray(0, plain.length)).equals(Buffer.from(plain)),
    ).toBe(true);
  });

  it('a verification is 503 SERVICE_TIMEOUT; the next verification is answered in full', async () => {
    await expectTimeout(await postPdf(`${running.url}/v1/verify`, spinning), LIMIT_MS);
    expect(running.services.verification.workersReplaced).toBe(1);
    const next = await postPdf(`${running.url}/v1/verify`, signed);
    expect(next.status).toBe(200);
    expect(await next.json()).toMatchObject({ signatures: [{ indication: 'TOTAL-PASSED' }] });
  });

  it('a certification is 503 SERVICE_TIMEOUT and takes no number; the next one is number 1', async () => {
    const post = (idempotencyKey: string) =>
      fetch(`${running.url}/v1/certifications`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...bearer(key) },
        body: certificationBody(idempotencyKey, [flatPng(600, 800)]),
      });
    await expectTimeout(await post('spin-certification'), LIMIT_MS);
    expect(await running.services.register!.findRequestByKey(UNIT, 'spin-certification')).toBeNull();
    expect(running.services.signing.workersReplaced).toBe(2);

    const next = await post('after-the-timeout');
    expect(next.status).toBe(201);
    expect(((await next.json()) as { entries: { seqNo: number; state: string }[] }).entries).toMatchObject([
      { seqNo: 1, state: 'issued' },
    ]);
  });
});
