/**
 * POST /v1/sign is served on Node's own request and response (a `plain` route, src/http/app.ts), the other routes on
 * Express's. What the plain way works out itself must come out as Express's helpers give it: the client address
 * (auth failures and rate limits are per address), the query, the problem+json answers; and a URL Express would
 * parse otherwise goes Express's way.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfLibDoc } from '../../../tests/helpers/producers.js';
import { bearer, postPdf, startTestService, type TestService } from './helpers/test-service.js';

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await pdfLibDoc({ pages: 1, objectStreams: false, text: 'Cong van' });
});

/** A POST with the path sent as it stands (fetch would drop a fragment). */
function rawPost(
  url: string,
  path: string,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: 'POST', headers: { 'Content-Type': 'application/pdf', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /v1/sign on Node request and response', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ config: { signing: { revocation: 'off' } } });
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('signs, with the request id, the common headers and the download as the Express-served routes answer', async () => {
    const res = await postPdf(`${svc.url}/v1/sign?key=signer&filename=Quyết định.pdf`, pdf, {
      ...bearer(svc.keys.full),
      'X-Request-Id': 'plain-route-1',
      'Kyso-Procedure-Code': '1.001234',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-request-id')).toBe('plain-route-1');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf");
    const out = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(out.length);
    expect(Buffer.from(out.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    expect(Buffer.from(out.subarray(pdf.length)).toString('latin1')).toContain('/ByteRange');
    // The request's log lines carry its id and the caller; the metrics count it under the route's template.
    const lines = svc.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.reqId === 'plain-route-1');
    expect(lines.find((l) => l.msg === 'signed')).toMatchObject({ apiKey: 'full', key: 'signer' });
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({ method: 'POST', route: '/v1/sign', status: 200 });
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/kyso_http_requests_total\{method="POST",route="\/v1\/sign",status="200"\} [1-9]/);
  });

  it('answers a failure with the same problem+json as the same route through Express (a trailing slash)', async () => {
    for (const [query, headers] of [
      ['?key=signer', {}], // 401, no key
      ['?key=signer', bearer('kyso_not-a-key')], // 401, a wrong key
      ['?key=seal', bearer(svc.keys.signerOnly)], // 403, an alias the key may not use
      ['?key=signer&levle=B-LT', bearer(svc.keys.full)], // 400, an unknown parameter
      ['?key=signer&key=seal', bearer(svc.keys.full)], // 400, a parameter twice
      ['?key=signer&level=B-X', bearer(svc.keys.full)], // 400, a bad value
    ] as const) {
      const plain = await postPdf(`${svc.url}/v1/sign${query}`, pdf, headers);
      const viaExpress = await postPdf(`${svc.url}/v1/sign/${query}`, pdf, headers);
      expect(plain.status).toBeGreaterThanOrEqual(400);
      expect(plain.status).toBe(viaExpress.status);
      for (const h of ['content-type', 'www-authenticate', 'retry-after', 'x-content-type-options', 'cache-control'])
        expect(plain.headers.get(h), h).toBe(viaExpress.headers.get(h));
      expect(plain.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      const [a, b] = [await plain.text(), await viaExpress.text()];
      expect(Number(plain.headers.get('content-length'))).toBe(Buffer.byteLength(a));
      const { instance: ia, ...pa } = JSON.parse(a) as Record<string, unknown>;
      const { instance: ib, ...pb } = JSON.parse(b) as Record<string, unknown>;
      expect(pa).toEqual(pb);
      expect([ia, ib]).toEqual(['/v1/sign', '/v1/sign/']);
    }
  });

  it('a URL Express would parse otherwise (a fragment) is taken as Express takes it', async () => {
    // Express (parseurl → url.parse) drops the fragment: the key is "signer", not "signer#x".
    const res = await rawPost(svc.url, '/v1/sign?key=signer#x', pdf, bearer(svc.keys.full));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
  });
});

describe('the client address on POST /v1/sign', () => {
  it('behind one trusted proxy: auth failures counted per forwarded address, the same address on both ways', async () => {
    const svc = await startTestService({
      config: { trustProxy: 1, signing: { revocation: 'off' }, http: { authFailures: { max: 3, windowSeconds: 60 } } },
    });
    try {
      const from = (ip: string) => ({ 'X-Forwarded-For': `198.51.100.1, ${ip}` });
      // Two failures on the plain route and one through Express (the trailing slash) from one forwarded address.
      for (const path of ['/v1/sign?key=signer', '/v1/sign?key=signer', '/v1/sign/?key=signer'])
        expect(
          (await postPdf(`${svc.url}${path}`, pdf, { ...bearer('kyso_guess'), ...from('203.0.113.7') })).status,
        ).toBe(401);
      const limited = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, {
        ...bearer(svc.keys.full),
        ...from('203.0.113.7'),
      });
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ code: 'SERVICE_AUTH_RATE_LIMITED' });
      // Another client behind the same proxy is not held back; only the last hop counts, not what it was told.
      const other = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, {
        ...bearer(svc.keys.full),
        ...from('203.0.113.8'),
      });
      expect(other.status).toBe(200);
    } finally {
      await svc.stop();
    }
  });

  it('with no trusted proxy: X-Forwarded-For is ignored, the socket address is the client', async () => {
    const svc = await startTestService({
      config: { signing: { revocation: 'off' }, http: { authFailures: { max: 3, windowSeconds: 60 } } },
    });
    try {
      for (let i = 0; i < 3; i++)
        expect(
          (
            await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, {
              ...bearer('kyso_guess'),
              'X-Forwarded-For': `203.0.113.${i}`,
            })
          ).status,
        ).toBe(401);
      const limited = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, {
        ...bearer(svc.keys.full),
        'X-Forwarded-For': '203.0.113.99',
      });
      expect(limited.status).toBe(429);
    } finally {
      await svc.stop();
    }
  });
});
