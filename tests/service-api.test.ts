/**
 * The HTTP service against a real listening server on 127.0.0.1: every route answers, signed PDFs validate in
 * pdfsig, and every refusal (401, 403, 404, 400, 413, 415, 422, 429) is RFC 9457 problem+json with the typed
 * error's code and its Vietnamese and English messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, pdfLibDoc, repoRoot } from './helpers/producers.js';
import { spawnSync } from 'node:child_process';
import { computeFee } from '@kyso/core';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { startTsa, type TsaServer } from './helpers/pki-servers.js';
import { qpdfCheck, scratch } from './helpers/tools.js';
import { expectAllValid, expectChainCovered, readDss } from './helpers/ltv.js';
import { PdfDocument } from '@kyso/pdf';
import { findSignatures, validatePdf } from '@kyso/verify';
import { readFileSync } from 'node:fs';
import { TEST_CERTS } from './helpers/pki-servers.js';
import { bearer, postPdf, startTestService, type TestService } from '../packages/server/test/helpers/test-service.js';

let svc: TestService;
let nss: NssDb;
let tsa: TsaServer;
let pdf: Uint8Array;
const tmp = scratch('kyso-service-api-');

beforeAll(async () => {
  tsa = await startTsa();
  svc = await startTestService({
    config: {
      signing: { revocation: 'require', tsaUrl: tsa.url },
      limits: { maxBodyBytes: 2 * 1024 * 1024, memoryBodyBytes: 64 * 1024 },
    },
  });
  nss = makeNssDb();
  pdf = await pdfLibDoc({ pages: 2, objectStreams: true, text: 'Giay xac nhan' });
});
afterAll(async () => {
  await svc?.stop();
  await tsa?.stop();
  nss?.cleanup();
  tmp.cleanup();
});

async function expectProblem(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: `urn:kyso:error:${code}` });
  expect(typeof body.detail).toBe('string');
  expect(typeof body.detailVi).toBe('string');
  expect(body.detailVi).not.toBe(body.detail);
  return body;
}

function pdfsigOf(bytes: Uint8Array, name: string) {
  return nss.pdfsig(tmp.file(name, bytes)).signatures;
}

describe('system routes', () => {
  it('GET /healthz and /readyz say the service is alive and ready (database reachable, keys loaded)', async () => {
    const h = await fetch(`${svc.url}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok' });
    const r = await fetch(`${svc.url}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ready', checks: { database: true, keys: true, accepting: true } });
  });

  it('GET /openapi.json is an OpenAPI 3.1 document listing every route with its schemas', async () => {
    const res = await fetch(`${svc.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, any>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/healthz', 'get'],
      ['/readyz', 'get'],
      ['/metrics', 'get'],
      ['/openapi.json', 'get'],
      ['/v1/sign', 'post'],
      ['/v1/signing-sessions', 'post'],
      ['/v1/signing-sessions/{id}/complete', 'post'],
      ['/v1/fees/quote', 'post'],
      ['/v1/verify', 'post'],
      ['/v1/certifications', 'post'],
      ['/v1/certifications/{id}', 'get'],
      ['/v1/certifications/{id}/ecopy.pdf', 'get'],
      ['/v1/register/lookup', 'get'],
      ['/v1/register/entries', 'get'],
      ['/v1/register/book.pdf', 'get'],
      ['/v1/journal', 'get'],
    ]) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    const sign = doc.paths['/v1/sign'].post;
    expect(sign.requestBody.content['application/pdf']).toBeDefined();
    expect(sign.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['key', 'level', 'reason', 'certify', 'page', 'rect']),
    );
    expect(sign.parameters.find((p: { name: string }) => p.name === 'certify').schema.enum).toEqual(['1', '2', '3']);
    expect(Object.keys(sign.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '413', '415', '422', '429']),
    );
    expect(doc.components.schemas.Problem).toMatchObject({ type: 'object' });
    expect(doc.components.schemas.FeeQuoteRequest).toBeDefined();
    expect(doc.paths['/v1/fees/quote'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/FeeQuoteRequest',
    });
  });

  it('GET /metrics counts requests by route and status in the Prometheus text format', async () => {
    await fetch(`${svc.url}/healthz`);
    const res = await fetch(`${svc.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^kyso_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(
      /^kyso_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",status="200",le="\+Inf"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^# TYPE kyso_signing_in_flight gauge$/m);
    expect(text).toMatch(/^kyso_signing_in_flight 0$/m);
  });

  it("echoes X-Request-Id and puts it on the request's log line; an unknown path is a 404 problem", async () => {
    const res = await fetch(`${svc.url}/no/such/route`, { headers: { 'X-Request-Id': 'req-abc.123' } });
    expect(res.headers.get('x-request-id')).toBe('req-abc.123');
    await expectProblem(res, 404, 'SERVICE_NOT_FOUND');
    const line = svc.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === 'req-abc.123');
    expect(line).toMatchObject({ msg: 'request', status: 404, route: 'unmatched' });
    const generated = (await fetch(`${svc.url}/healthz`)).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('POST /v1/sign', () => {
  it('signs with a key the API key may use; the output starts with the input and pdfsig finds it valid and trusted', async () => {
    const res = await postPdf(
      `${svc.url}/v1/sign?key=seal&reason=${encodeURIComponent('Phê duyệt')}`,
      pdf,
      bearer(svc.keys.full),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('kyso-field-name')).toBe('Signature1');
    const out = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(out.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    const sigs = pdfsigOf(out, 'sign-seal.pdf');
    expect(sigs).toHaveLength(1);
    expect(sigs[0]).toMatchObject({
      valid: true,
      trusted: true,
      totalDocumentSigned: true,
      signerCN: 'Ủy ban nhân dân phường Kinh Bắc',
    });
  });

  it('signs visibly, as a certification signature, at level B-T with the configured TSA', async () => {
    const before = tsa.requests;
    const res = await postPdf(
      `${svc.url}/v1/sign?key=signer&level=B-T&certify=2&page=2&rect=320,40,240,90&location=${encodeURIComponent('Bắc Ninh')}`,
      pdf,
      bearer(svc.keys.full),
    );
    expect(res.status).toBe(200);
    expect(tsa.requests).toBe(before + 1);
    const sigs = pdfsigOf(new Uint8Array(await res.arrayBuffer()), 'sign-bt.pdf');
    expect(sigs[0]).toMatchObject({ valid: true, trusted: true, signerCN: 'Nguyễn Thị Lấp Lánh Ánh' });
  });

  it.each(['B-LT', 'B-LTA'] as const)(
    'signs at %s: the DSS covers both chains, pdfsig and openssl accept it, it validates offline',
    async (level) => {
      const res = await postPdf(`${svc.url}/v1/sign?key=signer&level=${level}`, pdf, bearer(svc.keys.full));
      expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
      const out = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(out.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
      const path = tmp.file(`sign-${level}.pdf`, out);
      expect(qpdfCheck(path).status).toBe(0);
      const found = findSignatures(PdfDocument.load(out));
      expect(found.map((s) => s.kind)).toEqual(level === 'B-LTA' ? ['approval', 'doc-timestamp'] : ['approval']);
      expectAllValid(nss, path, out, found, { caFile: join(TEST_CERTS, 'ca-chain.pem') });
      expectChainCovered(readDss(PdfDocument.load(out)), found[0]);
      const noNetwork = async (url: string): Promise<never> => {
        throw new Error(`offline: ${url}`);
      };
      const report = await validatePdf(out, {
        trustAnchors: [readFileSync(join(TEST_CERTS, 'root-ca.pem'), 'utf8')],
        online: false,
        fetch: noNetwork,
      });
      expect(report.signatures.map((s) => [s.indication, s.level])).toEqual(
        level === 'B-LTA'
          ? [
              ['TOTAL-PASSED', 'B-LTA'],
              ['TOTAL-PASSED', null],
            ]
          : [['TOTAL-PASSED', 'B-LT']],
      );
    },
  );

  it('signs a signed PDF again and keeps the first signature valid', async () => {
    const once = new Uint8Array(
      await (await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, bearer(svc.keys.full))).arrayBuffer(),
    );
    const res = await postPdf(`${svc.url}/v1/sign?key=seal`, once, bearer(svc.keys.full));
    expect(res.status).toBe(200);
    const sigs = pdfsigOf(new Uint8Array(await res.arrayBuffer()), 'sign-twice.pdf');
    expect(sigs.map((s) => [s.valid, s.trusted])).toEqual([
      [true, true],
      [true, true],
    ]);
  });

  it('streams a body above the memory threshold through a temporary file, signs it and removes the file', async () => {
    const big = await pdfLibDoc({ pages: 400, objectStreams: false, text: 'Trang dai '.repeat(8) });
    expect(big.length).toBeGreaterThan(64 * 1024);
    const res = await postPdf(`${svc.url}/v1/sign?key=signer`, big, bearer(svc.keys.full));
    expect(res.status).toBe(200);
    const out = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(out.subarray(0, big.length)).equals(Buffer.from(big))).toBe(true);
    expect(pdfsigOf(out, 'sign-big.pdf')[0]).toMatchObject({ valid: true, trusted: true });
    expect(readdirSync(join(svc.dataDir, 'tmp'))).toEqual([]);
  });

  it('401 without an API key and with a wrong one; 403 for an alias the key may not use', async () => {
    await expectProblem(await postPdf(`${svc.url}/v1/sign?key=signer`, pdf), 401, 'SERVICE_UNAUTHENTICATED');
    const wrong = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, bearer('kyso_' + 'x'.repeat(43)));
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectProblem(wrong, 401, 'SERVICE_UNAUTHENTICATED');
    await expectProblem(
      await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, { Authorization: 'Basic dXNlcjpwdw==' }),
      401,
      'SERVICE_UNAUTHENTICATED',
    );
    const forbidden = await expectProblem(
      await postPdf(`${svc.url}/v1/sign?key=seal`, pdf, bearer(svc.keys.signerOnly)),
      403,
      'SERVICE_FORBIDDEN',
    );
    expect(forbidden.detail).toContain('"seal"');
    // The X-API-Key header works as well as Bearer.
    expect((await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, { 'X-API-Key': svc.keys.signerOnly })).status).toBe(
      200,
    );
  });

  it('404 for an alias that does not exist, 400 for an external key and for bad parameters', async () => {
    const svc2Keys = svc.keys.full;
    await expectProblem(
      await postPdf(`${svc.url}/v1/sign?key=officer`, pdf, bearer(svc2Keys)),
      400,
      'SERVICE_BAD_REQUEST',
    );
    const bad = await expectProblem(
      await postPdf(`${svc.url}/v1/sign?key=signer&certify=7&rect=1,2`, pdf, bearer(svc2Keys)),
      400,
      'SERVICE_BAD_REQUEST',
    );
    expect(bad.detail).toMatch(/query\.certify/);
    expect(bad.detail).toMatch(/query\.rect/);
    await expectProblem(await postPdf(`${svc.url}/v1/sign`, pdf, bearer(svc2Keys)), 400, 'SERVICE_BAD_REQUEST');
    await expectProblem(
      await postPdf(`${svc.url}/v1/sign?key=signer&page=9`, pdf, bearer(svc2Keys)),
      400,
      'SIGN_PAGE_OUT_OF_RANGE',
    );
  });

  it('415 for a body that is not application/pdf', async () => {
    const res = await fetch(`${svc.url}/v1/sign?key=signer`, {
      method: 'POST',
      headers: { ...bearer(svc.keys.full), 'Content-Type': 'application/json' },
      body: '{"pdf":"x"}',
    });
    await expectProblem(res, 415, 'SERVICE_UNSUPPORTED_MEDIA_TYPE');
    const none = await fetch(`${svc.url}/v1/sign?key=signer`, {
      method: 'POST',
      headers: bearer(svc.keys.full),
      body: new Uint8Array(pdf),
    });
    await expectProblem(none, 415, 'SERVICE_UNSUPPORTED_MEDIA_TYPE');
  });

  it('422 with the typed error for a malformed, an encrypted and a damaged PDF', async () => {
    const notPdf = await expectProblem(
      await postPdf(
        `${svc.url}/v1/sign?key=signer`,
        new TextEncoder().encode('hello, not a PDF'),
        bearer(svc.keys.full),
      ),
      422,
      'PDF_NOT_PDF',
    );
    expect(notPdf).toMatchObject({
      detail: 'The input is not a PDF (no %PDF- header).',
      detailVi: 'Tệp không phải là PDF (không có tiêu đề %PDF-).',
    });
    await expectProblem(
      await postPdf(`${svc.url}/v1/sign?key=signer`, fixture('encrypted-aes256.pdf'), bearer(svc.keys.full)),
      422,
      'PDF_ENCRYPTED',
    );
    const truncated = pdf.subarray(0, Math.floor(pdf.length / 3));
    const res = await postPdf(`${svc.url}/v1/sign?key=signer`, truncated, bearer(svc.keys.full));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toMatch(/^(PDF_|SIGN_RECOVERED_INPUT)/);
  });

  it('413 for a body over the limit, whether its length is declared or it is streamed', async () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(0x20);
    big.set(new TextEncoder().encode('%PDF-1.7\n'));
    const declared = await rawPost('/v1/sign?key=signer', big, {
      'Content-Type': 'application/pdf',
      'Content-Length': String(big.length),
      ...bearer(svc.keys.full),
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ code: 'SERVICE_BODY_TOO_LARGE', status: 413 });
    const chunked = await rawPost('/v1/sign?key=signer', big, {
      'Content-Type': 'application/pdf',
      ...bearer(svc.keys.full),
    });
    expect(chunked.status).toBe(413);
    expect(chunked.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(chunked.body).code).toBe('SERVICE_BODY_TOO_LARGE');
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  });
});

describe('POST /v1/verify', () => {
  const verify = (body: Uint8Array, query = '', headers: Record<string, string> = {}) =>
    postPdf(`${svc.url}/v1/verify${query}`, body, headers);

  it('verifies a body spooled to a temporary file (read by the worker in windows): the same report as in memory, a flipped byte caught, the file removed', async () => {
    const big = await pdfLibDoc({ pages: 400, objectStreams: false, text: 'Trang dai '.repeat(8) });
    expect(big.length).toBeGreaterThan(64 * 1024); // above this service's memoryBodyBytes
    const signed = new Uint8Array(
      await (await postPdf(`${svc.url}/v1/sign?key=signer`, big, bearer(svc.keys.full))).arrayBuffer(),
    );
    const res = await verify(signed);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { signatures: Record<string, any>[] };
    expect(report.signatures.map((x) => [x.indication, x.coverage])).toEqual([['TOTAL-PASSED', 'ENTIRE_FILE']]);
    const flipped = signed.slice();
    flipped[Math.floor(big.length / 2)] ^= 0x01;
    const bad = (await (await verify(flipped)).json()) as { signatures: Record<string, any>[] };
    expect([bad.signatures[0].indication, bad.signatures[0].subIndication]).toEqual(['TOTAL-FAILED', 'HASH_FAILURE']);
    expect(readdirSync(join(svc.dataDir, 'tmp'))).toEqual([]);
  });

  it('reports a PDF signed by the service as TOTAL-PASSED without an API key (open by default)', async () => {
    const signed = new Uint8Array(
      await (
        await postPdf(`${svc.url}/v1/sign?key=seal&reason=${encodeURIComponent('Sao y')}`, pdf, bearer(svc.keys.full))
      ).arrayBuffer(),
    );
    const res = await verify(signed);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { signatures: Record<string, any>[] };
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]).toMatchObject({
      kind: 'approval',
      indication: 'TOTAL-PASSED',
      intact: true,
      coverage: 'ENTIRE_FILE',
      modifications: 'NONE',
      level: 'B-B',
      reason: 'Sao y',
      trustedChain: true,
    });
    expect(report.signatures[0].signer.commonName).toBe('Ủy ban nhân dân phường Kinh Bắc');
  });

  it('reports a changed signed PDF as TOTAL-FAILED, an unsigned one with no signatures, a non-PDF as 422', async () => {
    const signed = new Uint8Array(
      await (await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, bearer(svc.keys.full))).arrayBuffer(),
    );
    const tampered = signed.slice();
    // A byte inside the first stream's data: the file still parses, the signed bytes differ.
    const at = Buffer.from(tampered).indexOf('stream\n') + 'stream\n'.length + 4;
    expect(at).toBeGreaterThan(20);
    tampered[at] ^= 0xff;
    const failed = (await (await verify(tampered)).json()) as { signatures: { indication: string; intact: boolean }[] };
    expect(failed.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', intact: false });
    const unsigned = (await (await verify(pdf)).json()) as { signatures: unknown[] };
    expect(unsigned.signatures).toEqual([]);
    await expectProblem(await verify(new TextEncoder().encode('%PDF-1.7 nothing else')), 422, 'PDF_NO_CATALOG');
    await expectProblem(await verify(new TextEncoder().encode('not a PDF at all')), 422, 'PDF_NOT_PDF');
  });

  it('refuses online revocation checks the configuration does not allow, and a bad time', async () => {
    await expectProblem(await verify(pdf, '?online=true'), 400, 'SERVICE_BAD_REQUEST');
    await expectProblem(await verify(pdf, '?at=yesterday'), 400, 'SERVICE_BAD_REQUEST');
  });

  it('needs an API key when the configuration closes it', async () => {
    const closed = await startTestService({ config: { access: { verify: 'api-key' } } });
    try {
      await expectProblem(await postPdf(`${closed.url}/v1/verify`, pdf), 401, 'SERVICE_UNAUTHENTICATED');
      expect((await postPdf(`${closed.url}/v1/verify`, pdf, bearer(closed.keys.signerOnly))).status).toBe(200);
    } finally {
      await closed.stop();
    }
  });
});

describe('POST /v1/fees/quote', () => {
  it('quotes the fee without an API key (open by default): 2 paper copies and 1 e-copy of a 10-page original cost 24,000 VND', async () => {
    const res = await fetch(`${svc.url}/v1/fees/quote`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        originals: [{ pages: 10, paperCopies: 2, electronicCopy: true }],
        at: '2026-03-01T09:00:00+07:00',
      }),
    });
    expect(res.status).toBe(200);
    const quote = (await res.json()) as {
      total: number;
      currency: string;
      lines: { amount: number; waiver?: unknown }[];
    };
    expect(quote).toMatchObject({ currency: 'VND', total: 24_000 });
    expect(quote.lines.map((l) => l.amount)).toEqual([24_000, 0]);
    expect(quote.lines[1].waiver).toBeDefined();
  });

  it('agrees with the library and `kyso fee` on mixed card and paper requests (cards count one page whatever their sides)', async () => {
    const cases: {
      body: {
        originals: { pages?: number; doubleSidedCard?: boolean; paperCopies?: number; electronicCopy?: boolean }[];
      };
      cli: string[];
      total: number;
    }[] = [
      {
        body: {
          originals: [
            { doubleSidedCard: true, paperCopies: 2 },
            { pages: 3, paperCopies: 1 },
          ],
        },
        cli: ['--card', '--copies', '2', '--pages', '3', '--copies', '1'],
        total: 9_000,
      },
      {
        body: {
          originals: [
            { pages: 1, doubleSidedCard: true, paperCopies: 2 },
            { pages: 3, paperCopies: 1 },
          ],
        },
        cli: ['--pages', '1', '--copies', '2', '--card', '--pages', '3', '--copies', '1'],
        total: 9_000,
      },
      {
        body: { originals: [{ pages: 2, doubleSidedCard: true, paperCopies: 2, electronicCopy: true }] },
        cli: ['--pages', '2', '--card', '--copies', '2', '--electronic'],
        total: 4_000,
      },
      {
        body: {
          originals: [
            { pages: 10, paperCopies: 2, electronicCopy: true },
            { pages: 250, paperCopies: 1 },
          ],
        },
        cli: ['--pages', '10', '--copies', '2', '--pages', '250', '--copies', '1', '--electronic'],
        total: 224_000,
      },
    ];
    for (const c of cases) {
      const res = await fetch(`${svc.url}/v1/fees/quote`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(c.body),
      });
      const http = (await res.json()) as { total: number };
      const lib = computeFee(c.body);
      const cli = spawnSync(
        process.execPath,
        [join(repoRoot, 'packages/cli/dist/main.cjs'), 'fee', ...c.cli, '--json'],
        { encoding: 'utf8' },
      );
      expect([http.total, lib.total, (JSON.parse(cli.stdout) as { total: number }).total], c.cli.join(' ')).toEqual([
        c.total,
        c.total,
        c.total,
      ]);
    }
  });

  it('caps a copy at 200,000 VND and answers bad input with 400 or the fee error as 422', async () => {
    const q = async (body: unknown, type = 'application/json') =>
      fetch(`${svc.url}/v1/fees/quote`, {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    expect(((await (await q({ originals: [{ pages: 250, paperCopies: 5 }] })).json()) as { total: number }).total).toBe(
      1_000_000,
    );
    await expectProblem(await q({ originals: [{ pages: 0, paperCopies: 1 }] }), 400, 'SERVICE_BAD_REQUEST');
    await expectProblem(await q({ originals: [{ pages: 3 }] }), 422, 'FEE_NO_COPIES');
    await expectProblem(await q('{"originals": ['), 400, 'SERVICE_BAD_REQUEST');
    await expectProblem(await q('pages=3', 'application/x-www-form-urlencoded'), 415, 'SERVICE_UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a key has spent its burst, and keeps other keys going', async () => {
    const small = await startTestService({ config: { limits: { rateLimit: { burst: 3, perSecond: 0.01 } } } });
    try {
      const quote = (key: string) =>
        fetch(`${small.url}/v1/fees/quote`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...bearer(key) },
          body: '{"originals":[{"pages":1,"paperCopies":1}]}',
        });
      for (let i = 0; i < 3; i++) expect((await quote(small.keys.full)).status).toBe(200);
      const limited = await quote(small.keys.full);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await expectProblem(limited, 429, 'SERVICE_RATE_LIMITED');
      expect((await quote(small.keys.signerOnly)).status).toBe(200);
      // Health and metrics are not rate-limited.
      expect((await fetch(`${small.url}/healthz`)).status).toBe(200);
    } finally {
      await small.stop();
    }
  });
});

/** node:http, because fetch gives up on a response that arrives while it is still sending the body. */
function rawPost(
  path: string,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${svc.url}${path}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          type: res.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    // Sent in pieces, so the server can answer before the whole body is there.
    let at = 0;
    const pump = (): void => {
      while (at < body.length) {
        const piece = body.subarray(at, at + 65536);
        at += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
