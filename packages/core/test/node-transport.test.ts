/**
 * The Node transport's bodies against a real listener on 127.0.0.1: read chunk by chunk from Node's own stream (no
 * web streams loaded), capped mid-body, cut by the server, held past the timeout. (What it refuses to connect to is
 * tests/security/ssrf.test.ts.)
 */
import { execFile } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpExchange } from '@kyso/verify';
import { nodeGuardedFetch } from '@kyso/core';

let server: Server;
let base: string;
let closedEarly = 0;
const routes: Record<string, (res: ServerResponse) => void> = {
  // 3 chunks, no length: chunked transfer
  '/chunks': (res) => {
    res.writeHead(200, { 'content-type': 'application/ocsp-response' });
    res.write(Buffer.alloc(1000, 1));
    setTimeout(() => {
      res.write(Buffer.alloc(1000, 2));
      res.end(Buffer.alloc(500, 3));
    }, 10);
  },
  // 4 MB sent in 64 KB writes unless the client goes away first
  '/big': (res) => {
    res.writeHead(200);
    let sent = 0;
    const more = () => {
      while (sent < 4 << 20) {
        sent += 65536;
        if (!res.write(Buffer.alloc(65536))) return void res.once('drain', more);
      }
      res.end();
    };
    res.on('close', () => {
      if (sent < 4 << 20) closedEarly++;
    });
    more();
  },
  // a declared length never delivered: the socket is cut mid-body
  '/cut': (res) => {
    res.writeHead(200, { 'content-length': '10000' });
    res.write(Buffer.alloc(100));
    setTimeout(() => res.socket?.destroy(), 20);
  },
  // headers at once, the body never
  '/stall': (res) => {
    res.writeHead(200, { 'content-length': '10' });
    res.flushHeaders();
  },
};

beforeAll(async () => {
  server = createServer((req, res) => (routes[req.url ?? ''] ?? ((r) => r.writeHead(404).end()))(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fetchFor = () => nodeGuardedFetch({ allowHosts: [new URL(base).host] });

describe('the Node transport reads bodies from Node streams', () => {
  it('reads a chunked body whole, its bytes in order', async () => {
    const r = await httpExchange(`${base}/chunks`, {}, { timeoutMs: 5000, maxBytes: 10_000, fetch: fetchFor() });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.body.length).toBe(2500);
    expect([r.body[0], r.body[999], r.body[1000], r.body[1999], r.body[2000], r.body[2499]]).toEqual([
      1, 1, 2, 2, 3, 3,
    ]);
    expect(r.contentType).toBe('application/ocsp-response');
  });

  it('stops past the cap and lets the connection go (the server sees its client leave before the end)', async () => {
    const before = closedEarly;
    const r = await httpExchange(`${base}/big`, {}, { timeoutMs: 5000, maxBytes: 200_000, fetch: fetchFor() });
    expect(r).toMatchObject({ ok: false, failure: 'too-large' });
    await expect.poll(() => closedEarly).toBe(before + 1);
  });

  it("the guarded fetch's byte budget refuses a body mid-stream", async () => {
    const f = nodeGuardedFetch({ allowHosts: [new URL(base).host], budget: { maxBytes: 100_000 } });
    const r = await httpExchange(`${base}/big`, {}, { timeoutMs: 5000, maxBytes: 10 << 20, fetch: f });
    expect(r).toMatchObject({ ok: false, failure: 'refused', code: 'FETCH_BUDGET_EXCEEDED' });
  });

  it('a body cut by the server is a failed exchange, not a short answer', async () => {
    const r = await httpExchange(`${base}/cut`, {}, { timeoutMs: 5000, maxBytes: 100_000, fetch: fetchFor() });
    expect(r).toMatchObject({ ok: false, failure: 'unreachable' });
  });

  it('a body that never comes ends at the timeout', async () => {
    const r = await httpExchange(`${base}/stall`, {}, { timeoutMs: 200, maxBytes: 100, fetch: fetchFor() });
    expect(r).toMatchObject({ ok: false, failure: 'timeout' });
  });

  it("loads none of Node's web-stream modules for an exchange (a process of its own)", async () => {
    const core = fileURLToPath(import.meta.resolve('@kyso/core'));
    const verify = fileURLToPath(import.meta.resolve('@kyso/verify'));
    // (Node's bootstrap loads two of them itself: only what the import and the exchange add counts)
    const script = `
      const before = new Set(process.moduleLoadList);
      const { nodeGuardedFetch } = await import(${JSON.stringify(core)});
      const { httpExchange } = await import(${JSON.stringify(verify)});
      const r = await httpExchange(${JSON.stringify(`${base}/chunks`)}, {}, { timeoutMs: 5000, maxBytes: 10000,
        fetch: nodeGuardedFetch({ allowHosts: [${JSON.stringify(new URL(base).host)}] }) });
      console.log(JSON.stringify({ ok: r.ok, length: r.body?.length,
        webStreams: process.moduleLoadList.filter((m) => m.includes('webstreams') && !before.has(m)) }));`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], (e, stdout) =>
        e ? reject(e) : resolve(stdout),
      ),
    );
    expect(JSON.parse(out)).toEqual({ ok: true, length: 2500, webStreams: [] });
  });
});
