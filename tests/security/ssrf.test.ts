/**
 * Issue 14 item 2, server-side request forgery, against a real listening service with online verification on.
 * Listeners on 127.0.0.1 (and ::1) that are not allow-listed — their ports are allowed, so only the address rule
 * stands between them and the service — must see no connection when an uploaded PDF's certificates name them
 * (directly, through "localhost", through an IPv4-mapped IPv6 literal, or by a redirect from an allow-listed
 * host), nor when a client supplies such a certificate to a signing session. The test PKI's own OCSP and CA
 * servers on 127.0.0.1 still answer through the allow-list, and a certificate with 50 addresses is held to the
 * per-request budget.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs12Signer, signPdf } from '@kyso/core';
import { nodeGuardedFetch } from '@kyso/core/guarded-fetch';
import {
  bearer,
  postPdf,
  startTestService,
  TEST_CERTS,
  type TestService,
} from '../../packages/server/test/helpers/test-service.js';
import { buildTrustPath } from '@kyso/verify';
import { impostorCa, urlPki, type UrlPki } from './helpers/url-pki.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.cjs', import.meta.url));

/** A TCP listener that only counts who connects (and hangs up on them). */
interface Trap {
  port: number;
  connections: number;
  close(): Promise<void>;
}

async function trap(host: string): Promise<Trap | null> {
  const server: NetServer = createNetServer((socket) => {
    t.connections++;
    socket.destroy();
  });
  const t: Trap = { port: 0, connections: 0, close: () => new Promise((r) => server.close(() => r())) };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
  } catch {
    return null; // no IPv6 loopback in this environment
  }
  t.port = (server.address() as { port: number }).port;
  return t;
}

/** An HTTP server that answers every request by `handler` and counts them. */
async function httpServer(
  handler: Parameters<typeof createHttpServer>[1],
): Promise<{ port: number; requests: number; server: HttpServer; close(): Promise<void> }> {
  const s = {
    port: 0,
    requests: 0,
    server: undefined as unknown as HttpServer,
    close: () => new Promise<void>((r) => s.server.close(() => r())),
  };
  s.server = createHttpServer((req, res) => {
    s.requests++;
    handler!(req, res);
  });
  await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
  s.port = (s.server.address() as { port: number }).port;
  return s;
}

async function pdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  return doc.save({ useObjectStreams: false });
}

const sign = async (pki: UrlPki) =>
  signPdf(await pdf(), Pkcs12Signer.open(pki.p12, pki.password), { certificateCheck: false });

interface Report {
  signatures: Array<{
    trustedChain: boolean;
    intact: boolean;
    revocation: Array<{ certificate: string; status: string; source: string | null }>;
  }>;
}

async function verifyOnline(svc: TestService, bytes: Uint8Array): Promise<Report> {
  const res = await postPdf(`${svc.url}/v1/verify?online=true`, bytes);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Report;
}

let trap4: Trap;
let trap6: Trap | null;
let redirector: Awaited<ReturnType<typeof httpServer>>;
let counter: Awaited<ReturnType<typeof httpServer>>;
let svc: TestService;
let budgetSvc: TestService;
let scratch: string;
let hostileUrls: { caIssuers: string[]; ocsp: string[]; crl: string[] };
let untrusted: UrlPki;
let trusted: UrlPki;
let redirected: UrlPki;
let fifty: UrlPki;
let unanchored: UrlPki;
let anchored: UrlPki;
let namesake: UrlPki;
let hanging: Awaited<ReturnType<typeof httpServer>>;
let slowSvc: TestService;
let slow: UrlPki;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kyso-ssrf-'));
  trap4 = (await trap('127.0.0.1'))!;
  trap6 = await trap('::1');
  const p4 = trap4.port;
  const v6 = trap6 ? [`http://[::1]:${trap6.port}/x`] : [];
  // Every spelling of "the inside" a certificate can carry.
  hostileUrls = {
    caIssuers: [
      `http://127.0.0.1:${p4}/ca.cer`,
      `http://localhost:${p4}/ca.cer`,
      ...v6,
      `http://0.0.0.0:${p4}/ca.cer`,
      `http://169.254.169.254/latest/meta-data/`,
    ],
    ocsp: [`http://localhost:${p4}/ocsp`, ...v6, `http://[::ffff:127.0.0.1]:${p4}/ocsp`, `http://127.0.0.1:${p4}/ocsp`],
    crl: [`http://169.254.169.254/latest/meta-data/`, `http://127.0.0.1:${p4}/r.crl`, `http://2130706433:${p4}/r.crl`],
  };
  // An allow-listed host that redirects to the trap.
  redirector = await httpServer((_req, res) => {
    res.writeHead(302, { location: `http://127.0.0.1:${p4}/stolen` }).end();
  });
  // An allow-listed host that answers anything with nothing useful, and counts.
  counter = await httpServer((_req, res) => {
    res.writeHead(404).end();
  });

  untrusted = urlPki({ ...hostileUrls, leafName: 'Không Tin Cậy' });
  trusted = urlPki({ ...hostileUrls, leafName: 'Tin Cậy Nhưng Độc', rootInP12: true });
  redirected = urlPki({
    ocsp: [`http://127.0.0.1:${redirector.port}/ocsp`],
    crl: [`http://127.0.0.1:${redirector.port}/r.crl`],
    leafName: 'Chuyển Hướng',
    rootInP12: true,
  });
  // Never answers: the budget's time must end what it holds.
  hanging = await httpServer(() => {});
  // Same allow-listed addresses; one chains to a configured root, the other to a root nobody configured.
  const counted = (tag: string) => ({
    ocsp: [`http://127.0.0.1:${counter.port}/${tag}/ocsp`],
    crl: [`http://127.0.0.1:${counter.port}/${tag}/r.crl`],
  });
  unanchored = urlPki({ ...counted('unanchored'), leafName: 'Không Có Gốc', rootInP12: true });
  anchored = urlPki({
    ...counted('anchored'),
    leafName: 'Có Gốc',
    rootName: 'Kyso SSRF Anchored Root',
    rootInP12: true,
  });
  // A root of the configured root's name (no key identifiers to tell them apart): a path "to the anchor" whose
  // top signature does not verify.
  namesake = urlPki({
    ...counted('namesake'),
    leafName: 'Trùng Tên',
    rootName: 'Kyso SSRF Anchored Root',
    rootInP12: true,
  });
  const hang = Array.from({ length: 3 }, (_, i) => `http://127.0.0.1:${hanging.port}/${i}`);
  slow = urlPki({ ocsp: hang, crl: hang, leafName: 'Chậm', rootInP12: true });
  const many = Array.from({ length: 50 }, (_, i) => `http://127.0.0.1:${counter.port}/${i}`);
  fifty = urlPki({ caIssuers: many, ocsp: many, crl: many, leafName: 'Năm Mươi Địa Chỉ', rootInP12: true });

  const rootFile = (name: string, pem: string) => {
    const p = join(scratch, name);
    writeFileSync(p, pem);
    return p;
  };
  const roots = [
    join(TEST_CERTS, 'root-ca.pem'),
    rootFile('trusted.pem', trusted.rootPem),
    rootFile('redirected.pem', redirected.rootPem),
    rootFile('fifty.pem', fifty.rootPem),
    rootFile('anchored.pem', anchored.rootPem),
    rootFile('slow.pem', slow.rootPem),
  ];
  const allowPorts = [80, 443, p4, ...(trap6 ? [trap6.port] : [])];
  svc = await startTestService({
    config: {
      verification: { trustRoots: roots, online: true, workers: 1 },
      fetch: { allowHosts: [`127.0.0.1:${redirector.port}`, `127.0.0.1:${counter.port}`], allowPorts },
    },
  });
  budgetSvc = await startTestService({
    config: {
      verification: { trustRoots: roots, online: true, workers: 1 },
      fetch: { allowHosts: [`127.0.0.1:${counter.port}`], budget: { maxRequests: 2 } },
    },
  });
  slowSvc = await startTestService({
    config: {
      verification: { trustRoots: roots, online: true, workers: 1 },
      fetch: { allowHosts: [`127.0.0.1:${hanging.port}`], budget: { totalMs: 3000 } },
    },
  });
});

afterAll(async () => {
  await svc?.stop();
  await budgetSvc?.stop();
  await slowSvc?.stop();
  hanging?.server.closeAllConnections();
  await hanging?.close();
  await trap4?.close();
  await trap6?.close();
  await redirector?.close();
  await counter?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const trapped = () => trap4.connections + (trap6?.connections ?? 0);

describe('/v1/verify?online=true with certificates that name the inside', () => {
  it('an untrusted leaf: its caIssuers are refused (loopback, localhost, ::1, 0.0.0.0, 169.254.169.254) — no connection', async () => {
    const report = await verifyOnline(svc, await sign(untrusted));
    expect(report.signatures[0].trustedChain).toBe(false);
    expect(report.signatures[0].intact).toBe(true);
    expect(trapped()).toBe(0);
  });

  it('a leaf under a configured root: its OCSP and CRL addresses are refused — no connection, status unknown', async () => {
    const report = await verifyOnline(svc, await sign(trusted));
    expect(report.signatures[0].trustedChain).toBe(true);
    expect(report.signatures[0].revocation[0]).toMatchObject({ status: 'UNKNOWN' });
    expect(trapped()).toBe(0);
  });

  it('a redirect from an allow-listed host to a forbidden one is not followed', async () => {
    const before = redirector.requests;
    const report = await verifyOnline(svc, await sign(redirected));
    expect(redirector.requests).toBeGreaterThan(before);
    expect(report.signatures[0].revocation[0]).toMatchObject({ status: 'UNKNOWN' });
    expect(trapped()).toBe(0);
  });

  it('the test PKI on 127.0.0.1:39601/39602 still answers through the allow-list', async () => {
    const bytes = await signPdf(
      await pdf(),
      Pkcs12Signer.open(new Uint8Array(readFileSync(join(TEST_CERTS, 'signer.p12'))), 'kyso-test'),
      { certificateCheck: false },
    );
    const report = await verifyOnline(svc, bytes);
    expect(report.signatures[0].trustedChain).toBe(true);
    expect(report.signatures[0].revocation.map((r) => r.status)).toEqual(['GOOD', 'GOOD']);
    expect(report.signatures[0].revocation[0].source).toMatch(/^ONLINE/);
  });

  it('a certificate with 50 addresses: the per-request budget (2 requests here) stops it', async () => {
    const before = counter.requests;
    const report = await verifyOnline(budgetSvc, await sign(fifty));
    expect(report.signatures[0].trustedChain).toBe(true);
    expect(report.signatures[0].revocation[0]).toMatchObject({ status: 'UNKNOWN' });
    expect(counter.requests - before).toBe(2);
    // The next verification has a budget of its own.
    await verifyOnline(budgetSvc, await sign(fifty));
    expect(counter.requests - before).toBe(4);
  });
});

describe('what is fetched at all', () => {
  it('OCSP and CRL only for a certificate authenticated from a configured root (not one of its name) — the same allow-listed addresses', async () => {
    let before = counter.requests;
    const none = await verifyOnline(svc, await sign(unanchored));
    expect(none.signatures[0].trustedChain).toBe(false);
    expect(counter.requests - before).toBe(0);
    before = counter.requests;
    await verifyOnline(svc, await sign(namesake));
    expect(counter.requests - before).toBe(0);
    before = counter.requests;
    const some = await verifyOnline(svc, await sign(anchored));
    expect(some.signatures[0].trustedChain).toBe(true);
    expect(counter.requests - before).toBeGreaterThan(0);
  });

  it("AIA: the leaf's caIssuers are followed, an answer whose key does not verify the leaf is not followed further", async () => {
    const pki = urlPki({ caIssuers: ['http://aia.example/issuer.cer'], leafName: 'Lá' });
    const impostor = impostorCa(pki.rootPem, ['http://aia.example/next.cer']);
    const asked: string[] = [];
    const fetch = async (url: string) => {
      asked.push(url);
      return url.endsWith('/issuer.cer') ? new Response(impostor.slice()) : new Response('no', { status: 404 });
    };
    const path = await buildTrustPath(pki.leafDer, { anchors: [], aia: { enabled: true, fetch } });
    expect(path.found).toBe(false);
    expect(path.aia.map((a) => a.url)).toEqual(['http://aia.example/issuer.cer']);
    expect(asked).toEqual(['http://aia.example/issuer.cer']);
  });

  it("the budget's time ends a verification held by a responder that never answers (one request, the rest refused)", async () => {
    const before = hanging.requests;
    const report = await verifyOnline(slowSvc, await sign(slow));
    expect(report.signatures[0].trustedChain).toBe(true);
    expect(report.signatures[0].revocation[0]).toMatchObject({ status: 'UNKNOWN' });
    expect(hanging.requests - before).toBe(1);
  });
});

describe('two-step signing with a certificate the client supplies', () => {
  it('a chain to no configured root: nothing is fetched for it, and with revocation "require" the session is refused', async () => {
    const b64 = (d: Uint8Array) => Buffer.from(d).toString('base64');
    const res = await postPdf(`${svc.url}/v1/signing-sessions`, await pdf(), {
      ...bearer(svc.keys.full),
      'Kyso-Signer-Certificates': [b64(untrusted.leafDer), b64(untrusted.rootDer)].join(','),
    });
    // The service's mapping for "the status could not be had" (503: the CA did not answer, as far as it may know).
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('SIGN_CERT_STATUS_UNKNOWN');
    expect(trapped()).toBe(0);
  });
});

describe('the Node transport refuses before connecting', () => {
  const allowPorts = () => [80, 443, trap4.port, ...(trap6 ? [trap6.port] : [])];

  it('a name that resolves to 127.0.0.1 (localhost), [::1], 169.254.169.254, and a mapped ::ffff:127.0.0.1', async () => {
    const urls = [
      `http://localhost:${trap4.port}/`,
      `http://[::1]:${trap6?.port ?? 80}/`,
      'http://169.254.169.254/latest/meta-data/',
      `http://[::ffff:127.0.0.1]:${trap4.port}/`,
    ];
    for (const url of urls) {
      const f = nodeGuardedFetch({ allowPorts: allowPorts() });
      await expect(f(url), url).rejects.toMatchObject({ code: 'FETCH_ADDRESS_REFUSED' });
      expect(f.stats().refused).toEqual([expect.objectContaining({ code: 'FETCH_ADDRESS_REFUSED' })]);
    }
    expect(trapped()).toBe(0);
  });

  it('an allow-listed host:port is reached, the same address on another port is not', async () => {
    const f = nodeGuardedFetch({ allowHosts: [`127.0.0.1:${counter.port}`] });
    expect((await f(`http://127.0.0.1:${counter.port}/x`)).status).toBe(404);
    await expect(f(`http://127.0.0.1:${trap4.port}/x`)).rejects.toMatchObject({ code: 'FETCH_PORT_REFUSED' });
    expect(trapped()).toBe(0);
  });
});

describe('kyso verify --online (the built CLI)', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'verify', ...args],
        { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } },
        (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });

  it('fetches nothing from the addresses an uploaded file names; the allow-list still reaches the test PKI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyso-ssrf-cli-'));
    try {
      const file = join(dir, 'hostile.pdf');
      writeFileSync(file, await sign(trusted));
      const root = join(dir, 'root.pem');
      writeFileSync(root, trusted.rootPem);
      const r = await run([file, '--trust', root, '--online', '--json']);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.signatures[0].revocation[0].status).toBe('UNKNOWN');
      expect(trapped()).toBe(0);

      const good = join(dir, 'good.pdf');
      writeFileSync(
        good,
        await signPdf(
          await pdf(),
          Pkcs12Signer.open(new Uint8Array(readFileSync(join(TEST_CERTS, 'signer.p12'))), 'kyso-test'),
          { certificateCheck: false },
        ),
      );
      const ok = await run([good, '--trust', join(TEST_CERTS, 'root-ca.pem'), '--online', '--json'], {
        KYSO_FETCH_ALLOW_HOSTS: '127.0.0.1:39601,127.0.0.1:39602',
      });
      expect(ok.code).toBe(0);
      expect((JSON.parse(ok.stdout) as Report).signatures[0].revocation.map((x) => x.status)).toEqual(['GOOD', 'GOOD']);
      // An allow-list entry is a host, not a URL.
      expect((await run([good, '--online', '--allow-host', 'http://127.0.0.1:39601/'])).code).toBe(64);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
