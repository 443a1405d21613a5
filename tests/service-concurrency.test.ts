/**
 * 50 signing requests at once against a real server with a small CPU bound (2 at a time, the rest queued): every
 * answer is a signed PDF that pdfsig finds valid and trusted, and the metrics count them all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfLibDoc } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { scratch } from './helpers/tools.js';
import { bearer, postPdf, startTestService, type TestService } from '../packages/server/test/helpers/test-service.js';

let svc: TestService;
let nss: NssDb;
const tmp = scratch('kyso-service-50-');

beforeAll(async () => {
  svc = await startTestService({ config: { limits: { signingConcurrency: 2, signingQueue: 64 } } });
  nss = makeNssDb();
});
afterAll(async () => {
  await svc?.stop();
  nss?.cleanup();
  tmp.cleanup();
});

describe('50 concurrent signing requests', () => {
  it('all succeed and every output validates in pdfsig', async () => {
    const inputs = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        pdfLibDoc({ pages: 1 + i, objectStreams: i % 2 === 0, text: `Van ban so ${i}` }),
      ),
    );
    const keys = ['seal', 'signer', 'signer-ec'];
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postPdf(
          `${svc.url}/v1/sign?key=${keys[i % 3]}&reason=${encodeURIComponent(`Yêu cầu ${i}`)}`,
          inputs[i % 5],
          bearer(svc.keys.full),
        ).then(async (res) => ({
          i,
          status: res.status,
          body: new Uint8Array(await res.arrayBuffer()),
        })),
      ),
    );
    expect(
      responses
        .filter((r) => r.status !== 200)
        .map((r) => [r.i, r.status, Buffer.from(r.body).toString('utf8').slice(0, 200)]),
    ).toEqual([]);
    // Read now, while the pooled connections are fresh: 50 pdfsig runs below can outlast the server's keep-alive.
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/^kyso_http_requests_total\{method="POST",route="\/v1\/sign",status="200"\} 50$/m);
    expect(metrics).toMatch(/^kyso_signing_in_flight 0$/m);
    expect(metrics).toMatch(/^kyso_signing_queued 0$/m);
    for (const r of responses) {
      const input = inputs[r.i % 5];
      expect(
        Buffer.from(r.body.subarray(0, input.length)).equals(Buffer.from(input)),
        `output ${r.i} starts with its input`,
      ).toBe(true);
      const sigs = nss.pdfsig(tmp.file(`out-${r.i}.pdf`, r.body)).signatures;
      expect(sigs, `output ${r.i}`).toHaveLength(1);
      expect(sigs[0], `output ${r.i}`).toMatchObject({ valid: true, trusted: true, totalDocumentSigned: true });
    }
  });
});
