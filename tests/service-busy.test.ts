/**
 * The bound on CPU-heavy work, against a live server: with one verification worker and no queue, a second
 * verification while the first is still running is refused at once with 503 SERVICE_BUSY and Retry-After, and the
 * first still gets its report. The first is held in its worker deterministically: its signer names an OCSP
 * responder (made here) that accepts the request and answers only when the test lets it go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Pkcs12Signer, signPdf } from '@kyso/core';
import { datedPki } from '../packages/verify/test/helpers/dated-pki.js';
import { pdfLibDoc } from './helpers/producers.js';
import { scratch } from './helpers/tools.js';
import {
  postPdf,
  startTestService,
  TEST_CERTS,
  type TestService,
} from '../packages/server/test/helpers/test-service.js';

const tmp = scratch('kyso-service-busy-');
const held: { req: IncomingMessage; res: ServerResponse }[] = [];
let released = false;
let arrived: () => void = () => {};
let responder: Server;
let svc: TestService;
let signed: Uint8Array;

beforeAll(async () => {
  responder = createServer((req, res) => {
    if (released) return void res.destroy(); // once let go, it fails every request at once
    held.push({ req, res });
    arrived();
  });
  await new Promise<void>((r) => responder.listen(0, '127.0.0.1', r));
  const ocspUrl = `http://127.0.0.1:${(responder.address() as AddressInfo).port}/ocsp`;
  const day = 86_400_000;
  const pki = datedPki({
    root: [new Date(Date.now() - day), new Date(Date.now() + 3650 * day)],
    leaf: [new Date(Date.now() - day), new Date(Date.now() + 365 * day)],
    leafName: 'Hoàng Văn Chờ',
    ocspUrl,
  });
  signed = await signPdf(await pdfLibDoc({ objectStreams: false }), Pkcs12Signer.open(pki.p12, pki.password), {
    certificateCheck: false,
  });
  const rootFile = tmp.file('dated-root.pem', new TextEncoder().encode(pki.rootPem));
  svc = await startTestService({
    config: {
      verification: { trustRoots: [join(TEST_CERTS, 'root-ca.pem'), rootFile], online: true, workers: 1 },
      limits: { signingQueue: 0 },
      fetch: { allowHosts: [new URL(ocspUrl).host] },
    },
  });
});
afterAll(async () => {
  for (const h of held) h.res.destroy();
  await svc?.stop();
  await new Promise<void>((r) => responder.close(() => r()));
  tmp.cleanup();
});

describe('one verification worker, no queue', () => {
  it('a second verification while the first waits on its OCSP responder is 503 SERVICE_BUSY with Retry-After; the first then gets its report', async () => {
    const reached = new Promise<void>((r) => (arrived = r));
    const first = postPdf(`${svc.url}/v1/verify?online=true`, signed);
    await reached; // the first verification is in the worker, waiting on the responder

    const second = await postPdf(`${svc.url}/v1/verify`, signed);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await second.json()).toMatchObject({ code: 'SERVICE_BUSY', status: 503 });

    released = true;
    for (const h of held.splice(0)) h.res.destroy(); // the responder fails: the status stays unknown
    const res = await first;
    expect(res.status).toBe(200);
    const report = (await res.json()) as { signatures: { indication: string; warnings: { code: string }[] }[] };
    expect(report.signatures[0].indication).toBe('TOTAL-PASSED');
    expect(report.signatures[0].warnings.map((w) => w.code)).toContain('REVOCATION_UNKNOWN');

    // And with the worker free again, the next one is served.
    expect((await postPdf(`${svc.url}/v1/verify`, signed)).status).toBe(200);
  });
});
