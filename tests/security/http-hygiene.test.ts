/**
 * Issue 14 item 6 against a real listening server: unknown query parameters are 400 on every route, health and
 * readiness ignore credentials, failed authentication is limited per address, malformed base64 is 400, the
 * answers carry nosniff / no-store / Content-Disposition, and CORS is off unless origins are configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largePdf } from '../helpers/large-pdf.js';
import { pdfLibDoc } from '../helpers/producers.js';
import { configSchema } from '@kyso/server';
import {
  bearer,
  postPdf,
  startTestService,
  type TestService,
} from '../../packages/server/test/helpers/test-service.js';

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Cong van' });
});

const json = (body: unknown, key?: string): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...(key ? bearer(key) : {}) },
  body: JSON.stringify(body),
});

describe('HTTP hygiene (issue 14, item 6)', () => {
  let svc: TestService;
  let sessionComplete: string;
  beforeAll(async () => {
    svc = await startTestService();
    const open = await postPdf(`${svc.url}/v1/signing-sessions?key=officer`, pdf, bearer(svc.keys.full));
    sessionComplete = ((await open.json()) as { complete: string }).complete;
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('an unknown query parameter is 400 on every route (?levle=B-LT is not a silent B-B signature)', async () => {
    const routes: [string, string, RequestInit][] = [
      ['GET', '/healthz', {}],
      ['GET', '/readyz', {}],
      ['GET', '/metrics', {}],
      ['GET', '/openapi.json', {}],
      ['POST', '/v1/verify', { body: Buffer.from(pdf), headers: { 'Content-Type': 'application/pdf' } }],
      [
        'POST',
        '/v1/sign?key=signer',
        { body: Buffer.from(pdf), headers: { 'Content-Type': 'application/pdf', ...bearer(svc.keys.full) } },
      ],
      [
        'POST',
        '/v1/signing-sessions?key=officer',
        { body: Buffer.from(pdf), headers: { 'Content-Type': 'application/pdf', ...bearer(svc.keys.full) } },
      ],
      ['POST', sessionComplete, json({ signatureValue: 'AAAA' }, svc.keys.full)],
      ['POST', '/v1/fees/quote', json({ originals: [{ pages: 1 }] })],
      ['POST', '/v1/certifications', json({}, svc.keys.full)],
      ['GET', '/v1/certifications/x', { headers: bearer(svc.keys.full) }],
      ['GET', '/v1/certifications/x/ecopy.pdf', { headers: bearer(svc.keys.full) }],
      ['GET', '/v1/register/lookup?authority=a&book=SCT%2FBS&year=2026&number=1', {}],
      ['GET', '/v1/register/entries', { headers: bearer(svc.keys.full) }],
      ['GET', '/v1/register/book.pdf?year=2026', { headers: bearer(svc.keys.full) }],
      ['GET', '/v1/journal', { headers: bearer(svc.keys.full) }],
    ];
    for (const [method, path, init] of routes) {
      const res = await fetch(`${svc.url}${path}${path.includes('?') ? '&' : '?'}levle=B-LT`, { method, ...init });
      expect(res.status, `${method} ${path}`).toBe(400);
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.code).toBe('SERVICE_BAD_REQUEST');
      expect(problem.detail).toContain('"levle"');
    }
    // A name that may be data is not echoed.
    const hidden = await fetch(`${svc.url}/healthz?${encodeURIComponent('Nguyễn Văn A')}=1`);
    expect(hidden.status).toBe(400);
    const detail = ((await hidden.json()) as { detail: string }).detail;
    expect(detail).toContain('(a parameter not shown)');
    expect(detail).not.toContain('Nguy');
    // A repeated known parameter is no way around it either.
    expect(
      (await postPdf(`${svc.url}/v1/sign?key=signer&level=B-B&level=B-LT`, pdf, bearer(svc.keys.full))).status,
    ).toBe(400);
  });

  it('/healthz, /readyz, /metrics and /openapi.json ignore the Authorization header', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      for (const headers of [bearer('kyso_wrong'), { Authorization: 'Basic Zm9vOmJhcg==' }, { 'X-API-Key': 'nope' }]) {
        expect((await fetch(`${svc.url}${path}`, { headers })).status, path).toBe(200);
      }
    }
  });

  it('malformed base64 is 400 naming the field: signature values, CMS, scans, the certificate header', async () => {
    for (const bad of ['AAA', 'A=AA', 'QUJD RA==', 'QUJDRA=\n', '@@@@']) {
      const res = await fetch(`${svc.url}${sessionComplete}`, json({ signatureValue: bad }, svc.keys.full));
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({
        code: 'SERVICE_BAD_REQUEST',
        detail: expect.stringContaining('body.signatureValue'),
      });
    }
    const cms = await fetch(`${svc.url}${sessionComplete}`, json({ cms: 'MIIB' + 'x' }, svc.keys.full));
    expect(cms.status).toBe(400);
    const scan = await fetch(
      `${svc.url}/v1/certifications`,
      json(
        {
          idempotencyKey: 'HS-b64',
          certifierKey: 'signer',
          certifier: { basis: 'assigned' },
          requester: { name: 'Trần Thị Bình' },
          documentName: 'Giấy khai sinh',
          paperCopies: 0,
          scan: { pdf: 'JVBERi0xLjcK=' },
        },
        svc.keys.full,
      ),
    );
    expect(scan.status).toBe(400);
    expect(await scan.json()).toMatchObject({
      code: 'SERVICE_BAD_REQUEST',
      detail: expect.stringContaining('body.scan'),
    });
    const header = await postPdf(`${svc.url}/v1/signing-sessions`, pdf, {
      ...bearer(svc.keys.full),
      'Kyso-Signer-Certificates': 'MIIC' + 'A',
    });
    expect(header.status).toBe(400);
  });

  it('nosniff on every answer; no-store on signed PDFs and certification data; Content-Disposition with the file name', async () => {
    const health = await fetch(`${svc.url}/healthz`);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    const missing = await fetch(`${svc.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');

    const signed = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, bearer(svc.keys.full));
    expect(signed.status).toBe(200);
    expect(signed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(signed.headers.get('cache-control')).toBe('no-store');
    expect(signed.headers.get('content-disposition')).toBe(
      `attachment; filename="signed.pdf"; filename*=UTF-8''signed.pdf`,
    );
    const named = await postPdf(
      `${svc.url}/v1/sign?key=signer&filename=${encodeURIComponent('Quyết định "12".pdf')}`,
      largePdf(64 * 1024),
      bearer(svc.keys.full),
    );
    expect(named.status).toBe(200);
    expect(named.headers.get('content-disposition')).toBe(
      `attachment; filename="Quyet dinh _12_.pdf"; filename*=UTF-8''${encodeURIComponent('Quyết định "12".pdf')}`,
    );
    expect(
      (
        await postPdf(
          `${svc.url}/v1/sign?key=signer&filename=${encodeURIComponent('../etc/passwd')}`,
          pdf,
          bearer(svc.keys.full),
        )
      ).status,
    ).toBe(400);

    const certified = await fetch(
      `${svc.url}/v1/certifications`,
      json(
        {
          idempotencyKey: 'HS-headers',
          certifierKey: 'signer',
          certifier: { basis: 'assigned' },
          requester: { name: 'Trần Thị Bình' },
          documentName: 'Giấy khai sinh',
          paperCopies: 0,
          scan: { pdf: Buffer.from(pdf).toString('base64') },
        },
        svc.keys.full,
      ),
    );
    expect(certified.status, await certified.clone().text()).toBe(201);
    expect(certified.headers.get('cache-control')).toBe('no-store');
    const cert = (await certified.json()) as { id: string; ecopy: string; entries: { year: number; seqNo: number }[] };
    const got = await fetch(`${svc.url}/v1/certifications/${encodeURIComponent(cert.id)}`, {
      headers: bearer(svc.keys.full),
    });
    expect(got.headers.get('cache-control')).toBe('no-store');
    const ecopy = await fetch(`${svc.url}${cert.ecopy}`, { headers: bearer(svc.keys.full) });
    expect(ecopy.status).toBe(200);
    expect(ecopy.headers.get('cache-control')).toBe('no-store');
    expect(ecopy.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ecopy.headers.get('content-disposition')).toBe(
      `attachment; filename="ecopy-${cert.entries[0].year}-${cert.entries[0].seqNo}.pdf"`,
    );
  });

  it('CORS is off by default: preflights are refused, no CORS headers on answers', async () => {
    const preflight = await fetch(`${svc.url}/v1/verify`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://portal.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(await preflight.json()).toMatchObject({ code: 'SERVICE_ORIGIN_NOT_ALLOWED' });
    const res = await fetch(`${svc.url}/healthz`, { headers: { Origin: 'https://portal.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS with configured origins (issue 14, item 6)', () => {
  it('answers the preflight of a listed origin (204) and refuses others; answers carry the CORS headers for it only', async () => {
    const svc = await startTestService({
      config: { http: { cors: { origins: ['https://portal.example'], maxAgeSeconds: 300 } } },
    });
    try {
      const ok = await fetch(`${svc.url}/v1/sign?key=signer`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://portal.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://portal.example');
      expect(ok.headers.get('access-control-allow-methods')).toBe('GET, POST');
      expect(ok.headers.get('access-control-allow-headers')).toContain('Authorization');
      expect(ok.headers.get('access-control-max-age')).toBe('300');
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
      const other = await fetch(`${svc.url}/v1/sign?key=signer`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
      });
      expect(other.status).toBe(403);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();

      const signed = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, {
        ...bearer(svc.keys.full),
        Origin: 'https://portal.example',
      });
      expect(signed.status).toBe(200);
      expect(signed.headers.get('access-control-allow-origin')).toBe('https://portal.example');
      expect(signed.headers.get('access-control-expose-headers')).toContain('Content-Disposition');
      expect(signed.headers.get('vary')).toContain('Origin');
      const foreign = await fetch(`${svc.url}/healthz`, { headers: { Origin: 'https://evil.example' } });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await svc.stop();
    }
  });

  it('takes only origins (scheme://host[:port]) or "*" in the configuration', () => {
    const origins = (o: string[]) => configSchema.safeParse({ http: { cors: { origins: o } } }).success;
    expect(origins(['https://portal.example', 'http://127.0.0.1:3000', '*'])).toBe(true);
    expect(origins(['https://portal.example/app'])).toBe(false);
    expect(origins(['portal.example'])).toBe(false);
  });
});

describe('failed authentication per client address (issue 14, item 6)', () => {
  it('after max failures in the window: 429 SERVICE_AUTH_RATE_LIMITED with Retry-After, a right key included; open routes without a key still answer', async () => {
    const svc = await startTestService({ config: { http: { authFailures: { max: 3, windowSeconds: 60 } } } });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, bearer(`kyso_guess${i}`));
        expect(res.status).toBe(401);
      }
      const limited = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, bearer('kyso_guess4'));
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await limited.json()).toMatchObject({ code: 'SERVICE_AUTH_RATE_LIMITED', status: 429 });
      expect((await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, bearer(svc.keys.full))).status).toBe(429);
      expect(
        (await fetch(`${svc.url}/v1/fees/quote`, json({ originals: [{ pages: 2, paperCopies: 1 }] }))).status,
      ).toBe(200);
      expect((await fetch(`${svc.url}/healthz`, { headers: bearer('kyso_guess5') })).status).toBe(200);
    } finally {
      await svc.stop();
    }
  });
});
