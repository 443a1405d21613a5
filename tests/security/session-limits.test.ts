/**
 * Issue 14 item 5 (sessions): two-step sessions are bounded per API key (count and bytes) and in total, live in
 * their own database, and expired ones lose their document at once — on access, periodically and at start —
 * keeping only a small notice that answers 410 for a while. Against a real listening server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { largePdf } from '../helpers/large-pdf.js';
import { leafPem, pemToDer, TEST_CERTS } from '../helpers/pki-servers.js';
import { pdfLibDoc } from '../helpers/producers.js';
import { loadConfig, type SqliteSessionStore } from '@kyso/server';
import {
  bearer,
  postPdf,
  startTestService,
  type TestService,
} from '../../packages/server/test/helpers/test-service.js';

const MiB = 1 << 20;
const b64 = (b: Uint8Array | Buffer): string => Buffer.from(b).toString('base64');
let small: Uint8Array;
let header: string;

beforeAll(async () => {
  small = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'To trinh' });
  const intermediate = pemToDer(readFileSync(join(TEST_CERTS, 'intermediate-ca.pem'), 'utf8'));
  header = [b64(pemToDer(readFileSync(leafPem('signer').cert, 'utf8'))), b64(intermediate)].join(',');
});

const openSession = (svc: TestService, pdf: Uint8Array, key: string): Promise<Response> =>
  postPdf(`${svc.url}/v1/signing-sessions?key=signer`, pdf, bearer(key));

/** A body sent without Content-Length (chunked): the size is only known once it has arrived. */
function openChunked(svc: TestService, pdf: Uint8Array, key: string): Promise<Response> {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let at = 0; at < pdf.length; at += MiB) c.enqueue(pdf.subarray(at, at + MiB));
      c.close();
    },
  });
  return fetch(`${svc.url}/v1/signing-sessions?key=signer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/pdf', ...bearer(key) },
    body,
    duplex: 'half',
  } as RequestInit);
}

const sqlite = (svc: TestService): SqliteSessionStore => svc.services.sessions as SqliteSessionStore;
const chunks = (svc: TestService): number =>
  sqlite(svc).db.prepare('SELECT COUNT(*) FROM signing_session_chunks').pluck().get() as number;

function complete(svc: TestService, id: string, key: string): Promise<Response> {
  return fetch(`${svc.url}/v1/signing-sessions/${id}/complete`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(key) },
    body: JSON.stringify({ signatureValue: 'AAAA' }),
  });
}

describe('session caps (issue 14, item 5)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({
      config: { sessions: { maxPerKey: 3, maxBytesPerKey: 6 * MiB, maxTotalBytes: 9 * MiB } },
    });
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('a key holds at most maxPerKey sessions: the next is 429 SERVICE_SESSION_LIMIT with Retry-After; other keys are not affected', async () => {
    for (let i = 0; i < 3; i++) expect((await openSession(svc, small, svc.keys.full)).status).toBe(201);
    const refused = await openSession(svc, small, svc.keys.full);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 'SERVICE_SESSION_LIMIT', status: 429 });
    expect((await svc.services.sessions.usage('full')).sessions).toBe(3);
  });

  it('a key holds at most maxBytesPerKey: 413 SERVICE_SESSION_QUOTA, refused from Content-Length and, chunked, once received', async () => {
    const five = largePdf(5 * MiB);
    const first = await postPdf(`${svc.url}/v1/signing-sessions`, five, {
      ...bearer(svc.keys.otherUnit),
      'Kyso-Signer-Certificates': header,
    });
    expect(first.status, await first.clone().text()).toBe(201);
    const declared = await postPdf(`${svc.url}/v1/signing-sessions`, five, {
      ...bearer(svc.keys.otherUnit),
      'Kyso-Signer-Certificates': header,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'SERVICE_SESSION_QUOTA' });
    const chunked = await openChunked(svc, largePdf(2 * MiB), svc.keys.signerOnly);
    expect(chunked.status, await chunked.clone().text()).toBe(201);
    // signer-only now holds 2 MiB; 5 more would pass its own quota (6 MiB) but not the total (9 MiB).
    const full = await openChunked(svc, largePdf(4 * MiB), svc.keys.signerOnly);
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).not.toBeNull();
    expect(await full.json()).toMatchObject({ code: 'SERVICE_SESSION_STORAGE_FULL' });
    expect(await svc.services.sessions.usage('other-unit')).toMatchObject({ sessions: 1 });
    expect((await svc.services.sessions.usage('other-unit')).bytes).toBe(five.length);
  });
});

describe('the attack of the issue on the default configuration (issue 14, item 5)', () => {
  it('25 sessions of 8 MiB from one key: 20 are stored, the other 5 are 429, other keys can still open sessions', async () => {
    const svc = await startTestService();
    try {
      const eight = largePdf(8 * MiB);
      const statuses: number[] = [];
      for (let i = 0; i < 25; i += 5) {
        const batch = await Promise.all(Array.from({ length: 5 }, () => openSession(svc, eight, svc.keys.full)));
        statuses.push(...batch.map((r) => r.status));
        await Promise.all(batch.map((r) => r.arrayBuffer()));
      }
      expect(statuses.filter((s) => s === 201)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
      expect(await svc.services.sessions.usage('full')).toEqual({ sessions: 20, bytes: 20 * eight.length });
      expect((await openSession(svc, small, svc.keys.signerOnly)).status).toBe(201);
    } finally {
      await svc.stop();
    }
  }, 120_000);
});

describe('expired sessions are purged (issue 14, item 5)', () => {
  it('on access: the document goes at once, 410 while the notice is kept, 404 after it', async () => {
    let offset = 0;
    const svc = await startTestService({
      config: {
        signing: { sessionTtlSeconds: 60 },
        sessions: { expiredNoticeSeconds: 120, purgeIntervalSeconds: 3600 },
      },
      now: () => Date.now() + offset,
    });
    try {
      const res = await openSession(svc, largePdf(2 * MiB), svc.keys.full);
      const { id } = (await res.json()) as { id: string };
      expect(chunks(svc)).toBeGreaterThanOrEqual(2);
      offset = 61_000;
      const late = await complete(svc, id, svc.keys.full);
      expect(late.status).toBe(410);
      expect(await late.json()).toMatchObject({ code: 'SERVICE_SESSION_EXPIRED' });
      expect(chunks(svc)).toBe(0);
      expect(await svc.services.sessions.usage('full')).toEqual({ sessions: 0, bytes: 0 });
      expect((await complete(svc, id, svc.keys.full)).status).toBe(410);
      offset = 61_000 + 121_000;
      await svc.services.sessions.purgeExpired();
      expect((await complete(svc, id, svc.keys.full)).status).toBe(404);
    } finally {
      await svc.stop();
    }
  });

  it('periodically, without anyone touching the session', async () => {
    let offset = 0;
    const svc = await startTestService({
      config: { signing: { sessionTtlSeconds: 60 }, sessions: { purgeIntervalSeconds: 1 } },
      now: () => Date.now() + offset,
    });
    try {
      expect((await openSession(svc, largePdf(2 * MiB), svc.keys.full)).status).toBe(201);
      expect(chunks(svc)).toBeGreaterThan(0);
      offset = 61_000;
      for (let i = 0; i < 100 && chunks(svc) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(chunks(svc)).toBe(0);
    } finally {
      await svc.stop();
    }
  });

  it('at start: a restart after the expiry finds the documents already gone', async () => {
    let offset = 0;
    const first = await startTestService({
      config: { signing: { sessionTtlSeconds: 60 }, sessions: { purgeIntervalSeconds: 3600 } },
      now: () => Date.now() + offset,
    });
    let second: TestService | undefined;
    try {
      expect((await openSession(first, largePdf(3 * MiB), first.keys.full)).status).toBe(201);
      expect(chunks(first)).toBeGreaterThanOrEqual(3);
      expect(sqlite(first).fileBytes()).toBeGreaterThan(3 * MiB);
      await first.close();
      offset = 61_000;
      second = await first.restart();
      expect(chunks(second)).toBe(0);
      // The pages are given back, not only freed inside the file.
      expect(sqlite(second).fileBytes()).toBeLessThan(MiB);
    } finally {
      if (second) await second.stop();
      else await first.stop();
    }
  });
});

describe('session storage configuration', () => {
  it('refuses a sessions database next to the register', () => {
    let error: { code?: string; messageEn?: string } | undefined;
    try {
      loadConfig({
        env: { KYSO_DATA_DIR: '/tmp/kyso-x', KYSO_DATABASE: '/tmp/kyso-x/kyso.sqlite', KYSO_DEV_API_KEY: 'kyso_dev' },
      });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error?.code).toBe('SERVICE_CONFIG_INVALID');
    expect(error?.messageEn).toMatch(/directory of its own/);
  });
});
