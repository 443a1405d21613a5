/**
 * The service on PostgreSQL (database.url), two instances in this process on one database: a key's rate limit is
 * shared (its burst spent across both), an address's is not; readiness says the database answers; and when the
 * database goes away, requests that need it get a typed 503 and readiness says so, while the process keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfLibDoc } from './helpers/producers.js';
import { leafPem, pemToDer } from './helpers/pki-servers.js';
import { startPostgres, type PostgresCluster } from './helpers/postgres.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bearer,
  postPdf,
  startTestService,
  TEST_CERTS,
  type TestService,
} from '../packages/server/test/helpers/test-service.js';

let pg: PostgresCluster;
let a: TestService;
let b: TestService;
let pdf: Uint8Array;

beforeAll(async () => {
  pg = await startPostgres();
  const url = await pg.createDatabase();
  pdf = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Quyet dinh' });
  // burst 4 at 0.01/s: a window of 400 s, so the test never crosses into the next one.
  a = await startTestService({
    config: {
      database: { url, poolSize: 3, statementTimeoutMs: 5_000 },
      signing: { revocation: 'off' },
      limits: { rateLimit: { burst: 4, perSecond: 0.01 } },
    },
  });
  b = await a.restart(); // a second instance on the same configuration, hence the same database
}, 120_000);

afterAll(async () => {
  await b?.close();
  await a?.stop();
  await pg?.stop();
});

describe('the service on PostgreSQL, two instances', () => {
  it("a key's burst is spent across both instances; the next request is 429 on either, with Retry-After", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await postPdf(`${(i % 2 ? a : b).url}/v1/sign?key=signer`, pdf, bearer(a.keys.signerOnly));
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
    for (const inst of [a, b]) {
      const refused = await postPdf(`${inst.url}/v1/sign?key=signer`, pdf, bearer(a.keys.signerOnly));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ code: 'SERVICE_RATE_LIMITED' });
    }
    // Another key has its own window.
    expect((await postPdf(`${a.url}/v1/sign?key=signer`, pdf, bearer(a.keys.full))).status).toBe(200);
  });

  it('readiness checks the database; the start-up log names the store without a password', async () => {
    expect(await (await fetch(`${b.url}/readyz`)).json()).toEqual({
      status: 'ready',
      checks: { database: true, keys: true, accepting: true },
    });
    const opened = a.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'state opened');
    expect(opened).toMatchObject({ store: 'postgres' });
    expect(String(opened!.where)).toMatch(/^postgres:\/\/kyso@127\.0\.0\.1:\d+\//);
  });

  it('the database gone: a two-step session is 503 SERVICE_DATABASE_UNAVAILABLE, readiness 503, the process still answers', async () => {
    const pem = leafPem('signer');
    const header = [
      pemToDer(readFileSync(pem.cert, 'utf8')),
      pemToDer(readFileSync(join(TEST_CERTS, 'intermediate-ca.pem'), 'utf8')),
    ]
      .map((d) => Buffer.from(d).toString('base64'))
      .join(',');
    await pg.stop();
    const res = await postPdf(`${a.url}/v1/signing-sessions`, pdf, {
      ...bearer(a.keys.full),
      'Kyso-Signer-Certificates': header,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).not.toBeNull();
    expect(await res.json()).toMatchObject({ code: 'SERVICE_DATABASE_UNAVAILABLE' });
    const ready = await fetch(`${a.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { database: false } });
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    // The rate limit falls back to this instance's bucket (and says so); the signing itself is refused, typed,
    // because its journal record cannot be written, and no signed PDF leaves without one.
    const signed = await postPdf(`${a.url}/v1/sign?key=signer`, pdf, bearer(a.keys.full));
    expect(signed.status).toBe(503);
    expect(await signed.json()).toMatchObject({ code: 'JOURNAL_STORAGE' });
    expect(a.logs.some((l) => l.includes('shared rate limit unavailable'))).toBe(true);
  });
});
