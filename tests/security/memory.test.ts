/**
 * Issue 14 item 3: bounded memory against a real `kyso serve` in a child process. A 1 MB PDF whose object
 * streams decode to a gigabyte is refused with 422 PDF_LIMIT by /v1/verify and /v1/sign, and the server's peak
 * resident memory (VmHWM in /proc/PID/status) stays under a bound; a PDF that parses into more objects than a
 * worker's heap may hold (resourceLimits) gets 422 PDF_LIMIT, the worker is replaced, and the next request is
 * answered in full.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPdf } from '@kyso/core';
import { objectStreamBomb } from '../../packages/pdf/test/helpers/object-stream-bomb.js';
import { bearer, postPdf } from '../../packages/server/test/helpers/test-service.js';
import { openSigner } from '../helpers/keys.js';
import { pdfLibDoc } from '../helpers/producers.js';
import { heapBomb, startChildService, type ChildService } from './helpers/child-service.js';

const MiB = 1 << 20;
/** The service's decoded-bytes budget here (the default is 512 MiB; a smaller one keeps the bound tight). */
const BUDGET = 128 * MiB;

let server: ChildService;
let bomb: Uint8Array;
let plain: Uint8Array;
let signed: Uint8Array;

beforeAll(async () => {
  server = await startChildService({
    limits: { signingConcurrency: 1 },
    verification: { trustRoots: [], workers: 1 },
    resources: { maxDecodedBytes: BUDGET, workerResourceLimits: { maxOldGenerationSizeMb: 160 } },
  });
  bomb = objectStreamBomb({ bytesPerStream: 200 * 1000 * 1000 }); // five streams: 1 GB decoded
  plain = await pdfLibDoc({ pages: 1, objectStreams: true, text: 'Giay xac nhan' });
  signed = await signPdf(plain, openSigner(), { certificateCheck: false });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('memory under attack (real server in a child process)', () => {
  it('an object-stream bomb (1 MB decoding to 1 GB) is 422 PDF_LIMIT for /v1/verify and /v1/sign, and the server stays under its bound', async () => {
    expect(bomb.length).toBeLessThan(MiB);
    const before = server.memory('VmRSS');
    for (let round = 0; round < 2; round++) {
      const verified = await postPdf(`${server.url}/v1/verify`, bomb);
      expect(verified.status).toBe(422);
      expect(await verified.json()).toMatchObject({
        status: 422,
        code: 'PDF_LIMIT',
        detail: expect.stringContaining(`decodes to more than ${BUDGET} bytes in all`),
      });

      const signedBomb = await postPdf(`${server.url}/v1/sign?key=signer`, bomb, bearer(server.keys.full));
      expect(signedBomb.status).toBe(422);
      expect(await signedBomb.json()).toMatchObject({
        status: 422,
        code: 'PDF_LIMIT',
        detail: expect.stringContaining(`decodes to more than ${BUDGET} bytes in all`),
      });
    }
    const peak = server.memory('VmHWM');
    // The issue measured 2.4 GB (verification) and 4.0 GB (signing) for such a file. Now each of the two workers
    // (one verification, one signing) holds at most its budget of decoded data and the inflater's working copy of
    // it until it collects its garbage: at most 4 budgets over the server's own baseline, both rounds together.
    console.log(`server RSS before ${(before / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB`);
    expect(peak).toBeLessThan(before + 4 * BUDGET);

    // The memory "stayed high afterwards": a worker whose job was refused for a limit is restarted, which
    // gives its decoded data back at once rather than at some later garbage collection.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^kyso_verification_workers_recycled 2$/m);
    expect(metrics).toMatch(/^kyso_signing_workers_recycled 2$/m);
    let now = server.memory('VmRSS');
    for (let i = 0; i < 100 && now > before + BUDGET; i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = server.memory('VmRSS');
    }
    console.log(`server RSS after the recycled workers: ${(now / MiB).toFixed(0)} MiB`);
    expect(now).toBeLessThan(before + BUDGET);
  });

  it('a worker that runs out of heap (resourceLimits) answers 422 PDF_LIMIT, is replaced, and the next request succeeds', async () => {
    const heavy = heapBomb(8_000_000); // 16 MB decoded, 8 M objects parsed
    expect(heavy.length).toBeLessThan(MiB);

    const verified = await postPdf(`${server.url}/v1/verify`, heavy);
    expect(verified.status).toBe(422);
    expect(await verified.json()).toMatchObject({
      status: 422,
      code: 'PDF_LIMIT',
      detail: expect.stringContaining('the verification needed more memory than a worker may use'),
    });
    const after = await postPdf(`${server.url}/v1/verify`, signed);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { signatures: unknown[] }).signatures).toHaveLength(1);

    const signedHeavy = await postPdf(`${server.url}/v1/sign?key=signer`, heavy, bearer(server.keys.full));
    expect(signedHeavy.status).toBe(422);
    expect(await signedHeavy.json()).toMatchObject({
      status: 422,
      code: 'PDF_LIMIT',
      detail: expect.stringContaining('the signing needed more memory than a worker may use'),
    });
    const next = await postPdf(`${server.url}/v1/sign?key=signer`, plain, bearer(server.keys.full));
    expect(next.status).toBe(200);
    const out = new Uint8Array(await next.arrayBuffer());
    expect(Buffer.from(out.subarray(0, plain.length)).equals(Buffer.from(plain))).toBe(true);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^kyso_verification_workers_replaced 1$/m);
    expect(metrics).toMatch(/^kyso_signing_workers_replaced 1$/m);
    expect(server.output()).toMatch(/"reason":"out-of-memory"/);
  });
});
