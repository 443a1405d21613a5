/**
 * Issue 14 item 1: two-step signing of large PDFs against a real listening server. Completing a session whose PDF
 * spans many stored chunks (1 MiB, 8 MiB, 50 MB) answers the signed PDF; the same signature again answers the
 * same bytes, also after an answer the client dropped half-way; another signature after completion is 409.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { request } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { largePdf } from '../helpers/large-pdf.js';
import { makeNssDb, type NssDb } from '../helpers/nss.js';
import { leafPem, pemToDer, TEST_CERTS } from '../helpers/pki-servers.js';
import { scratch } from '../helpers/tools.js';
import {
  bearer,
  postPdf,
  startTestService,
  type TestService,
} from '../../packages/server/test/helpers/test-service.js';

const b64 = (b: Uint8Array | Buffer): string => Buffer.from(b).toString('base64');
const MiB = 1 << 20;

let svc: TestService;
let nss: NssDb;
let person: { key: KeyObject; header: string };
const tmp = scratch('kyso-sec-two-step-');

beforeAll(async () => {
  svc = await startTestService();
  nss = makeNssDb();
  const pem = leafPem('signer');
  const intermediate = pemToDer(readFileSync(join(TEST_CERTS, 'intermediate-ca.pem'), 'utf8'));
  person = {
    key: createPrivateKey(readFileSync(pem.key)),
    header: [b64(pemToDer(readFileSync(pem.cert, 'utf8'))), b64(intermediate)].join(','),
  };
});
afterAll(async () => {
  await svc?.stop();
  nss?.cleanup();
  tmp.cleanup();
});

interface Session {
  id: string;
  dataToSign: string;
  complete: string;
}

async function open(pdf: Uint8Array, query = ''): Promise<Session> {
  const res = await postPdf(`${svc.url}/v1/signing-sessions${query}`, pdf, {
    ...bearer(svc.keys.full),
    'Kyso-Signer-Certificates': person.header,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Session;
}

const signatureOf = (s: Session): string => b64(nodeSign('sha256', Buffer.from(s.dataToSign, 'base64'), person.key));

function complete(s: Session, signatureValue: string): Promise<Response> {
  return fetch(`${svc.url}${s.complete}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(svc.keys.full) },
    body: JSON.stringify({ signatureValue }),
  });
}

/** Starts the completion and hangs up after the first piece of the answer (a client whose connection dropped). */
function completeAndDrop(s: Session, signatureValue: string): Promise<{ status: number; received: number }> {
  const body = JSON.stringify({ signatureValue });
  return new Promise((resolve, reject) => {
    const req = request(
      `${svc.url}${s.complete}`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          ...bearer(svc.keys.full),
        },
      },
      (res) => {
        res.once('data', (chunk: Buffer) => {
          req.destroy();
          resolve({ status: res.statusCode!, received: chunk.length });
        });
        res.once('error', () => {});
      },
    );
    req.on('error', (e) =>
      e.message.includes('aborted') || e.message.includes('socket hang up') ? undefined : reject(e),
    );
    req.end(body);
  });
}

function expectSigned(out: Uint8Array, pdf: Uint8Array, name: string): void {
  expect(out.length).toBeGreaterThan(pdf.length);
  expect(Buffer.from(out.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
  const sigs = nss.pdfsig(tmp.file(name, out)).signatures;
  expect(sigs).toHaveLength(1);
  expect(sigs[0]).toMatchObject({
    valid: true,
    trusted: true,
    totalDocumentSigned: true,
    signerCN: 'Nguyễn Thị Lấp Lánh Ánh',
  });
}

describe('two-step signing of large PDFs (issue 14, item 1)', () => {
  for (const [label, size] of [
    ['1 MiB', MiB + 64 * 1024],
    ['8 MiB', 8 * MiB],
    ['50 MB', 50_000_000],
  ] as const) {
    it(`${label}: completes, answers the same PDF to a retry with the same signature, 409 to another signature`, async () => {
      const pdf = largePdf(size);
      expect(pdf.length).toBeGreaterThan(MiB);
      const session = await open(pdf, `?filename=${encodeURIComponent(`quyết định ${label}.pdf`)}`);
      const signature = signatureOf(session);
      const res = await complete(session, signature);
      expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-disposition')).toContain(
        `filename*=UTF-8''${encodeURIComponent(`quyết định ${label}.pdf`)}`,
      );
      const first = new Uint8Array(await res.arrayBuffer());
      expectSigned(first, pdf, `large-${size}.pdf`);

      const retry = await complete(session, signature);
      expect(retry.status).toBe(200);
      expect(Buffer.from(await retry.arrayBuffer()).equals(Buffer.from(first))).toBe(true);

      const other = await complete(session, b64(nodeSign('sha256', Buffer.from('another document'), person.key)));
      expect(other.status).toBe(409);
      expect(await other.json()).toMatchObject({ code: 'SERVICE_SESSION_COMPLETED', status: 409 });
    }, 180_000);
  }

  it('8 MiB: the client drops the first answer half-way; the same signature again gets the whole signed PDF', async () => {
    const pdf = largePdf(8 * MiB);
    const session = await open(pdf);
    const signature = signatureOf(session);
    const dropped = await completeAndDrop(session, signature);
    expect(dropped.status).toBe(200);
    expect(dropped.received).toBeLessThan(pdf.length);
    const res = await complete(session, signature);
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    expectSigned(new Uint8Array(await res.arrayBuffer()), pdf, 'large-dropped.pdf');
  }, 120_000);

  it('keeps the sessions in their own database file and directory, apart from the register', () => {
    expect(existsSync(join(svc.dataDir, 'sessions', 'sessions.sqlite'))).toBe(true);
    expect(existsSync(join(svc.dataDir, 'register.sqlite'))).toBe(true);
    expect(existsSync(join(svc.dataDir, 'kyso.sqlite'))).toBe(false);
  });
});
