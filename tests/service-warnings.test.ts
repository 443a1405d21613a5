/**
 * The service returns what signing warned of (issue 18): a signed PDF carries Kyso-Warnings (the codes) and
 * Kyso-Warnings-Detail (the warnings as percent-encoded JSON, Vietnamese included), a JSON answer a `warnings`
 * field; both documented in the OpenAPI document. A key whose CA cannot be reached (its OCSP responder is not an
 * allowed host) signs under revocation: if-available, with SIGN_REVOCATION_UNCHECKED; the test PKI's keys, whose
 * CA answers, sign without any.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIGNING_WARNINGS } from '@kyso/core';
import { pdfLibDoc } from './helpers/producers.js';
import { scratch } from './helpers/tools.js';
import { datedPki } from '../packages/verify/test/helpers/dated-pki.js';
import {
  baseTestConfig,
  bearer,
  postPdf,
  startTestService,
  type TestService,
} from '../packages/server/test/helpers/test-service.js';

const tmp = scratch('kyso-service-warnings-');
let svc: TestService;
let pdf: Uint8Array;

beforeAll(async () => {
  const day = 86_400_000;
  const now = Date.now();
  // Its OCSP responder is on a port the service may not fetch from: the status cannot be had.
  const pki = datedPki({
    root: [new Date(now - day), new Date(now + 3650 * day)],
    leaf: [new Date(now - day), new Date(now + 365 * day)],
    leafName: 'Trần Văn Không Kiểm Tra',
    ocspUrl: 'http://127.0.0.1:9/ocsp',
  });
  const p12File = tmp.file('unchecked.p12', pki.p12);
  const base = baseTestConfig(tmp.dir, []);
  svc = await startTestService({
    // 'signer-ec' is an alias the test API key "full" may use; here it names the key whose CA does not answer.
    config: {
      signing: { revocation: 'if-available' },
      keys: {
        ...base.keys,
        'signer-ec': { type: 'pkcs12', file: p12File, password: { env: 'UNCHECKED_P12_PASSWORD' } },
      },
    },
    env: { UNCHECKED_P12_PASSWORD: pki.password },
  });
  pdf = await pdfLibDoc({ pages: 1, objectStreams: true, text: 'Giay xac nhan' });
  writeFileSync(join(tmp.dir, 'in.pdf'), pdf);
});
afterAll(async () => {
  await svc?.stop();
  tmp.cleanup();
});

function detailOf(res: Response): { code: string; vi: string; en: string; detail?: string }[] {
  return JSON.parse(decodeURIComponent(res.headers.get('Kyso-Warnings-Detail') ?? '[]')) as never;
}

describe('signing warnings in the service’s answers', () => {
  it('POST /v1/sign: the signed PDF with Kyso-Warnings and its detail (vi, en, which certificate)', async () => {
    const res = await postPdf(`${svc.url}/v1/sign?key=signer-ec`, pdf, bearer(svc.keys.full));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('Kyso-Warnings')).toBe('SIGN_REVOCATION_UNCHECKED');
    const [w, ...rest] = detailOf(res);
    expect(rest).toEqual([]);
    expect(w).toMatchObject({
      code: 'SIGN_REVOCATION_UNCHECKED',
      vi: SIGNING_WARNINGS.SIGN_REVOCATION_UNCHECKED[0],
      en: SIGNING_WARNINGS.SIGN_REVOCATION_UNCHECKED[1],
    });
    expect(w!.detail).toContain('Trần Văn Không Kiểm Tra');
    const signed = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(signed.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    // and the service's log has it too
    expect(svc.logs.some((l) => l.includes('SIGN_REVOCATION_UNCHECKED'))).toBe(true);
  });

  it('examples/node-client gives the signed bytes their warnings, as the library does', async () => {
    const { KysoClient } = (await import('../examples/node-client/kyso-client.mjs')) as {
      KysoClient: new (o: {
        url: string;
        apiKey: string;
      }) => { sign(pdf: Uint8Array, o: { key: string }): Promise<Uint8Array & { warnings: { code: string }[] }> };
    };
    const client = new KysoClient({ url: svc.url, apiKey: svc.keys.full });
    expect((await client.sign(pdf, { key: 'signer-ec' })).warnings.map((w) => w.code)).toEqual([
      'SIGN_REVOCATION_UNCHECKED',
    ]);
    expect((await client.sign(pdf, { key: 'signer' })).warnings).toEqual([]);
  });

  it('POST /v1/sign with a key whose CA answers: no warning headers', async () => {
    const res = await postPdf(`${svc.url}/v1/sign?key=signer`, pdf, bearer(svc.keys.full));
    expect(res.status).toBe(200);
    expect(res.headers.get('Kyso-Warnings')).toBeNull();
    expect(res.headers.get('Kyso-Warnings-Detail')).toBeNull();
  });

  it('POST /v1/sign with a visible box too small for its text: APPEARANCE_TEXT_UNREADABLE', async () => {
    const res = await postPdf(`${svc.url}/v1/sign?key=signer&page=1&rect=36,36,60,14`, pdf, bearer(svc.keys.full));
    expect(res.status).toBe(200);
    expect(res.headers.get('Kyso-Warnings')).toBe('APPEARANCE_TEXT_UNREADABLE');
    expect(detailOf(res)[0]!.detail).toContain('60×14 pt box');
  });

  it('POST /v1/signing-sessions: the certificate check’s warnings in the JSON (empty when none)', async () => {
    const warned = await postPdf(`${svc.url}/v1/signing-sessions?key=signer-ec`, pdf, bearer(svc.keys.full));
    expect(warned.status).toBe(201);
    const body = (await warned.json()) as { warnings: { code: string; vi: string; en: string }[] };
    expect(body.warnings.map((w) => w.code)).toEqual(['SIGN_REVOCATION_UNCHECKED']);
    const quiet = await postPdf(`${svc.url}/v1/signing-sessions?key=signer`, pdf, bearer(svc.keys.full));
    expect(quiet.status).toBe(201);
    expect(((await quiet.json()) as { warnings: unknown[] }).warnings).toEqual([]);
    // the appearance is drawn at step 1: its warning comes with it
    const small = await postPdf(
      `${svc.url}/v1/signing-sessions?key=signer&page=1&rect=36,36,60,14`,
      pdf,
      bearer(svc.keys.full),
    );
    expect(small.status).toBe(201);
    expect(((await small.json()) as { warnings: { code: string }[] }).warnings.map((w) => w.code)).toEqual([
      'APPEARANCE_TEXT_UNREADABLE',
    ]);
  });

  it('POST /v1/certifications: the warnings in the JSON — a certifier whose CA does not answer, each warning once', async () => {
    const body = {
      idempotencyKey: 'HS-WARN-1',
      certifierKey: 'signer-ec',
      certifier: { basis: 'own-competence' },
      requester: { name: 'Trần Thị Bình' },
      documentName: 'Bằng tốt nghiệp',
      paperCopies: 1,
      scan: { pdf: Buffer.from(pdf).toString('base64') },
    };
    const res = await fetch(`${svc.url}/v1/certifications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...bearer(svc.keys.full) },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const cert = (await res.json()) as { state: string; warnings: { code: string; detail?: string }[] };
    expect(cert.state).toBe('issued');
    const unchecked = cert.warnings.filter((w) => w.code === 'SIGN_REVOCATION_UNCHECKED');
    expect(unchecked.map((w) => w.detail?.split(':')[0])).toEqual(['Trần Văn Không Kiểm Tra']); // the seal's CA answered
    expect(cert.warnings.map((w) => w.code)).toContain('ECOPY_LEVEL_LOWERED'); // no DSS for the unchecked chain
  });

  it('the OpenAPI document names the headers, the JSON fields and the SigningWarning schema with its codes', async () => {
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
      components: {
        schemas: Record<string, { properties?: Record<string, { enum?: string[] }>; required?: string[] }>;
      };
    };
    for (const [path, status] of [
      ['/v1/sign', '200'],
      ['/v1/signing-sessions/{id}/complete', '200'],
    ] as const) {
      expect(Object.keys(doc.paths[path]!.post!.responses[status]!.headers ?? {})).toEqual(
        expect.arrayContaining(['Kyso-Warnings', 'Kyso-Warnings-Detail']),
      );
    }
    const schema = doc.components.schemas.SigningWarning!;
    expect(schema.properties!.code!.enum).toEqual(Object.keys(SIGNING_WARNINGS));
    expect(doc.components.schemas.SigningSession!.required).toContain('warnings');
    expect(Object.keys(doc.components.schemas.Certification!.properties!)).toContain('warnings');
  });
});
