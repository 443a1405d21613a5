/**
 * Issue 14 item 4: per-request time limits that fire. Real `kyso serve`s (child processes) with a job limit
 * (resources.jobTimeoutMs): a signing, a verification and a certification that would run longer have their
 * worker terminated and are answered 503 SERVICE_TIMEOUT with Retry-After; the workers are replaced and the next
 * requests are answered in full; the timed-out certification took no number (the next one is number 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPdf } from '@kyso/core';
import { objectStreamBomb } from '../../packages/pdf/test/helpers/object-stream-bomb.js';
import { bearer, postPdf } from '../../packages/server/test/helpers/test-service.js';
import { openSigner } from '../helpers/keys.js';
import { pdfLibDoc } from '../helpers/producers.js';
import { certificationBody, flatPng, startChildService, type ChildService } from './helpers/child-service.js';

const LIMIT_MS = 2_500;
let server: ChildService;
let heavyPdf: Uint8Array;
let plain: Uint8Array;
let signed: Uint8Array;
/** Five 16 MP PNGs of ~50 kB each; made before any request (making them takes seconds, longer than keep-alive). */
let heavyScans: Uint8Array[];
let smallScan: Uint8Array;

beforeAll(async () => {
  server = await startChildService({
    limits: { signingConcurrency: 1 },
    verification: { trustRoots: [], workers: 1 },
    resources: { jobTimeoutMs: LIMIT_MS },
  });
  heavyPdf = objectStreamBomb({ bytesPerStream: 100 * 1000 * 1000 }); // 500 MB to decode: well over 2.5 s
  plain = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Giay xac nhan' });
  signed = await signPdf(plain, openSigner(), { certificateCheck: false });
  heavyScans = [0, 1, 2, 3, 4].map((seed) => flatPng(4000, 4000, seed));
  smallScan = flatPng(1240, 1754);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function expectTimeout(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(await res.json()).toMatchObject({ status: 503, code: 'SERVICE_TIMEOUT', detail: expect.stringContaining(`took longer than ${LIMIT_MS} ms`) });
}

const metric = async (name: string): Promise<number> => {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${server.url}/metrics`)).text());
  return Number(m?.[1]);
};

describe('per-request time limits (real server in a child process)', () => {
  it('a signing over the limit is 503 SERVICE_TIMEOUT; its worker is replaced and the next signing succeeds', async () => {
    await expectTimeout(await postPdf(`${server.url}/v1/sign?key=signer`, heavyPdf, bearer(server.keys.full)));
    expect(await metric('kyso_signing_workers_replaced')).toBe(1);
    const next = await postPdf(`${server.url}/v1/sign?key=signer`, plain, bearer(server.keys.full));
    expect(next.status).toBe(200);
    expect(Buffer.from(new Uint8Array(await next.arrayBuffer()).subarray(0, plain.length)).equals(Buffer.from(plain))).toBe(true);
  });

  it('a verification over the limit is 503 SERVICE_TIMEOUT; the next verification is answered in full', async () => {
    await expectTimeout(await postPdf(`${server.url}/v1/verify`, heavyPdf));
    expect(await metric('kyso_verification_workers_replaced')).toBe(1);
    const next = await postPdf(`${server.url}/v1/verify`, signed);
    expect(next.status).toBe(200);
    expect(((await next.json()) as { signatures: unknown[] }).signatures).toHaveLength(1);
  });
});

describe('a certification over its time limit (real server in a child process)', () => {
  // A one-page certification takes 1-3 s here; five 16 MP PNGs take well over 10 s.
  const CERT_LIMIT_MS = 10_000;
  let certServer: ChildService;
  beforeAll(async () => {
    certServer = await startChildService({ limits: { signingConcurrency: 1 }, verification: { trustRoots: [], workers: 1 }, resources: { jobTimeoutMs: CERT_LIMIT_MS } });
  }, 120_000);
  afterAll(async () => {
    await certServer?.stop();
  });

  it('is 503 SERVICE_TIMEOUT and takes no number; the worker is replaced and the next certification is number 1', async () => {
    const post = (key: string, images: Uint8Array[]) =>
      fetch(`${certServer.url}/v1/certifications`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...bearer(certServer.keys.full) }, body: certificationBody(key, images) });
    const heavy = await post('time-limit-heavy', heavyScans);
    expect(heavy.status).toBe(503);
    expect(await heavy.json()).toMatchObject({ code: 'SERVICE_TIMEOUT', detail: expect.stringContaining(`took longer than ${CERT_LIMIT_MS} ms`) });

    const small = await post('time-limit-small', [smallScan]);
    expect(small.status).toBe(201);
    const body = (await small.json()) as { entries: { seqNo: number; state: string }[] };
    expect(body.entries).toMatchObject([{ seqNo: 1, state: 'issued' }]);
    const m = /^kyso_signing_workers_replaced (\d+)$/m.exec(await (await fetch(`${certServer.url}/metrics`)).text());
    expect(Number(m?.[1])).toBe(1);
  });
});
