/**
 * Issue 14 item 5 (bodies): a caller without the right is refused before its body is read (the answer comes while
 * the body is still unsent), a slow JSON body is answered 408 problem+json by the service's own timer and logged
 * as 408, and request bodies spooled by a process that died are removed at start. Against a real listening server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type IncomingHttpHeaders } from 'node:http';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer, startTestService, type TestService } from '../../packages/server/test/helpers/test-service.js';

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Sends the headers (declaring `declared` bytes) and only `sent` bytes of the body, then waits for the answer
 * without sending the rest: an answer can only come from a service that did not wait for the body.
 */
function partialPost(
  url: string,
  headers: Record<string, string>,
  declared: number,
  sent: Uint8Array,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(declared) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString('utf8') });
        req.destroy();
      });
    });
    req.on('error', (e) => {
      if (!/socket hang up|ECONNRESET|EPIPE/.test(e.message)) reject(e);
    });
    req.write(sent);
  });
}

const JSON_HEAD = Buffer.from('{"idempotencyKey":"HS-1","certifierKey":"signer","scan":{"pdf":"JVBERi0xLjcK');

function logLines(svc: TestService): Record<string, unknown>[] {
  return svc.logs.flatMap((l) => l.split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('authorisation before the body (issue 14, item 5)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ config: { limits: { requestTimeoutMs: 60_000 } } });
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('a key whose unit is not an authority, or without the seal, gets 403 for a 63 MB certification body it has not finished sending', async () => {
    for (const key of [svc.keys.otherUnit, svc.keys.signerOnly]) {
      const res = await partialPost(
        `${svc.url}/v1/certifications`,
        { 'Content-Type': 'application/json', ...bearer(key) },
        63 * 1024 * 1024,
        JSON_HEAD,
      );
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'SERVICE_FORBIDDEN' });
    }
  });

  it('no key: 401 on every route that needs one, before the body', async () => {
    for (const [path, type] of [
      ['/v1/certifications', 'application/json'],
      ['/v1/sign?key=signer', 'application/pdf'],
      ['/v1/signing-sessions?key=officer', 'application/pdf'],
      ['/v1/signing-sessions/abc/complete', 'application/json'],
    ]) {
      const res = await partialPost(
        `${svc.url}${path}`,
        { 'Content-Type': type },
        40 * 1024 * 1024,
        Buffer.from('%PDF-1.7\n'),
      );
      expect(res.status, path).toBe(401);
    }
  });

  it('another unit completing a session, or a key not allowed the alias: refused before the body', async () => {
    const open = await fetch(`${svc.url}/v1/signing-sessions?key=officer`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/pdf', ...bearer(svc.keys.full) },
      body: Buffer.from((await import('../helpers/large-pdf.js')).largePdf(64 * 1024)),
    });
    expect(open.status).toBe(201);
    const { complete } = (await open.json()) as { complete: string };
    const foreign = await partialPost(
      `${svc.url}${complete}`,
      { 'Content-Type': 'application/json', ...bearer(svc.keys.otherUnit) },
      1000,
      Buffer.from('{"signatureValue":"'),
    );
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.body)).toMatchObject({ code: 'SERVICE_SESSION_NOT_FOUND' });
    const unknown = await partialPost(
      `${svc.url}/v1/signing-sessions/nope/complete`,
      { 'Content-Type': 'application/json', ...bearer(svc.keys.full) },
      1000,
      Buffer.from('{"sig'),
    );
    expect(unknown.status).toBe(404);
    const alias = await partialPost(
      `${svc.url}/v1/sign?key=seal`,
      { 'Content-Type': 'application/pdf', ...bearer(svc.keys.signerOnly) },
      40 * 1024 * 1024,
      Buffer.from('%PDF-1.7\n'),
    );
    expect(alias.status).toBe(403);
  });
});

describe('the request timeout covers JSON bodies (issue 14, item 5)', () => {
  it('a JSON body that stops arriving gets 408 problem+json from the service, logged as 408', async () => {
    const svc = await startTestService({ config: { limits: { requestTimeoutMs: 1500 } } });
    try {
      for (const [path, key] of [
        ['/v1/fees/quote', undefined],
        ['/v1/certifications', svc.keys.full],
        ['/v1/signing-sessions/abc/complete', svc.keys.full],
      ] as const) {
        const res = await partialPost(
          `${svc.url}${path}`,
          { 'Content-Type': 'application/json', ...(key ? bearer(key) : {}) },
          100_000,
          Buffer.from('{"originals":['),
        );
        if (path.endsWith('/complete')) {
          expect(res.status, path).toBe(404); // no such session: refused before waiting for the body
          continue;
        }
        expect(res.status, path).toBe(408);
        expect(res.headers['content-type'], path).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(res.body), path).toMatchObject({ code: 'SERVICE_REQUEST_TIMEOUT', status: 408 });
      }
      const logged = logLines(svc).filter(
        (l) => l.msg === 'request' && (l.route === '/v1/fees/quote' || l.route === '/v1/certifications'),
      );
      expect(logged.map((l) => l.status)).toEqual([408, 408]);
    } finally {
      await svc.stop();
    }
  });
});

describe('spooled bodies left by a crash (issue 14, item 5)', () => {
  it('are removed at start; other files in the directory are left alone', async () => {
    const first = await startTestService();
    let second: TestService | undefined;
    try {
      await first.close();
      const tmp = join(first.dataDir, 'tmp');
      mkdirSync(tmp, { recursive: true });
      const left = [join(tmp, 'body-AbCdEf123456.pdf'), join(tmp, 'body-zz_yy-xx.pdf')];
      for (const f of left) writeFileSync(f, '%PDF-1.7\n' + 'x'.repeat(100_000));
      writeFileSync(join(tmp, 'operator-notes.txt'), 'keep me');
      second = await first.restart();
      for (const f of left) expect(existsSync(f), f).toBe(false);
      expect(existsSync(join(tmp, 'operator-notes.txt'))).toBe(true);
      expect(
        logLines(second).some((l) => l.msg === 'removed request bodies left by an earlier process' && l.removed === 2),
      ).toBe(true);
    } finally {
      if (second) await second.stop();
      else await first.stop();
    }
  });
});
