/**
 * The service as a process and across its life: graceful shutdown lets a request in flight finish while new
 * connections are refused and then closes the database; `kyso serve` (the built CLI) starts from a configuration
 * file, stops on SIGTERM with a request in flight, and its logs carry request ids but no password and no API
 * key; a bad configuration stops it with the bad value named; with no configuration it runs the development
 * setup and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfLibDoc, repoRoot } from './helpers/producers.js';
import { makeNssDb, type NssDb } from './helpers/nss.js';
import { scratch } from './helpers/tools.js';
import { TEST_CERTS } from './helpers/pki-servers.js';
import { bearer, makeKeys, postPdf, startTestService } from '../packages/server/test/helpers/test-service.js';
import type { SqliteSessionStore } from '@kyso/server';

const CLI = join(repoRoot, 'packages/cli/dist/main.cjs');
let nss: NssDb;
let pdf: Uint8Array;
const tmp = scratch('kyso-service-life-');

beforeAll(async () => {
  nss = makeNssDb();
  pdf = await pdfLibDoc({ pages: 3, objectStreams: true });
});
afterAll(() => {
  nss?.cleanup();
  tmp.cleanup();
});

/** A POST whose body is sent in two halves; `rest()` sends the second half and resolves with the answer. */
function halfSent(
  url: string,
  body: Uint8Array,
  headers: Record<string, string>,
): { rest: () => Promise<{ status: number; body: Buffer }> } {
  let answer!: Promise<{ status: number; body: Buffer }>;
  const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } });
  answer = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
  const half = Math.floor(body.length / 2);
  req.write(body.subarray(0, half));
  return {
    rest: () => {
      req.end(body.subarray(half));
      return answer;
    },
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error(`gave up waiting for ${what}`);
}

describe('graceful shutdown', () => {
  it('finishes a request in flight, refuses new connections meanwhile, then closes the database', async () => {
    const svc = await startTestService();
    try {
      const inFlight = halfSent(`${svc.url}/v1/sign?key=seal`, pdf, {
        'Content-Type': 'application/pdf',
        ...bearer(svc.keys.full),
      });
      await until(() => svc.services.lifecycle.inFlight === 1, 'the request to arrive');
      const closing = svc.close();
      await expect(fetch(`${svc.url}/healthz`)).rejects.toThrow();
      const answer = await inFlight.rest();
      expect(answer.status).toBe(200);
      const sigs = nss.pdfsig(tmp.file('drained.pdf', new Uint8Array(answer.body))).signatures;
      expect(sigs[0]).toMatchObject({ valid: true, trusted: true });
      await closing;
      expect((svc.services.sessions as SqliteSessionStore).db.open).toBe(false);
      expect(svc.logs.some((l) => JSON.parse(l).msg === 'stopped')).toBe(true);
    } finally {
      await svc.stop();
    }
  });
});

describe('request timeout', () => {
  it('answers a body that does not arrive in time with 408 problem+json and keeps serving', async () => {
    const svc = await startTestService({ config: { limits: { requestTimeoutMs: 400 } } });
    try {
      const stalled = halfSentOnly(`${svc.url}/v1/sign?key=seal`, pdf, {
        'Content-Type': 'application/pdf',
        ...bearer(svc.keys.full),
      });
      const res = await stalled;
      expect(res.status).toBe(408);
      expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ code: 'SERVICE_REQUEST_TIMEOUT', status: 408 });
      expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    } finally {
      await svc.stop();
    }
  });
});

/** Sends half the body and never the rest; resolves with the answer the server gives anyway. */
function halfSentOnly(
  url: string,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode!, body: Buffer.concat(chunks) });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(body.subarray(0, Math.floor(body.length / 2)));
  });
}

interface Child {
  proc: ChildProcess;
  url: Promise<string>;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function startCli(args: string[], env: Record<string, string>, cwd: string): Child {
  const proc = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const url = new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    proc.once('exit', () => reject(new Error(`kyso serve exited: ${err}`)));
  });
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, url, stdout: () => out, stderr: () => err, exit };
}

describe('kyso serve', () => {
  it('runs from a configuration file, drains a request in flight on SIGTERM and exits 0; logs hold no secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyso-serve-'));
    // A key file with a password of its own, so the test can look for it in the logs.
    const password = 'Pw-for-log-check-7f3a9c';
    const p12 = join(dir, 'seal.p12');
    const pem = spawnSync(
      'openssl',
      ['pkcs12', '-in', join(TEST_CERTS, 'seal.p12'), '-passin', 'pass:kyso-test', '-nodes'],
      { encoding: 'utf8' },
    );
    expect(pem.status).toBe(0);
    writeFileSync(join(dir, 'seal.pem'), pem.stdout, { mode: 0o600 });
    const exp = spawnSync(
      'openssl',
      ['pkcs12', '-export', '-in', join(dir, 'seal.pem'), '-out', p12, '-passout', `pass:${password}`],
      { encoding: 'utf8' },
    );
    rmSync(join(dir, 'seal.pem'));
    expect(exp.status, exp.stderr).toBe(0);
    const { keys, entries } = makeKeys();
    const config = join(dir, 'kyso.json');
    const sealOnly = entries.map((e) => ({ ...e, aliases: ['seal'] }));
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: 'data',
        keys: { seal: { type: 'pkcs12', file: 'seal.p12', password: { env: 'SEAL_PASSWORD' } } },
        apiKeys: sealOnly,
      }),
    );
    const child = startCli(['--port', '0', '--config', config], { SEAL_PASSWORD: password }, dir);
    try {
      const url = await child.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await postPdf(`${url}/v1/sign?key=seal`, pdf, bearer('kyso_wrong-key-for-the-log-check'))).status).toBe(
        401,
      );
      const inFlight = halfSent(`${url}/v1/sign?key=seal`, pdf, {
        'Content-Type': 'application/pdf',
        'X-Request-Id': 'drain-me',
        ...bearer(keys.full),
      });
      await until(() => child.stdout().includes('"route":"/readyz"'), 'the readiness request to be logged');
      await new Promise((r) => setTimeout(r, 200)); // let the half body reach the server
      child.proc.kill('SIGTERM');
      await until(() => child.stderr().includes('SIGTERM'), 'the service to hear SIGTERM');
      const answer = await inFlight.rest();
      expect(answer.status).toBe(200);
      expect(nss.pdfsig(tmp.file('cli-drained.pdf', new Uint8Array(answer.body))).signatures[0]).toMatchObject({
        valid: true,
        trusted: true,
      });
      expect(await child.exit).toBe(0);
      const logs = child.stdout();
      const lines = logs
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.reqId === 'drain-me' && l.msg === 'request')).toMatchObject({
        status: 200,
        apiKey: 'full',
        route: '/v1/sign',
      });
      expect(lines.find((l) => l.reqId === 'drain-me' && l.msg === 'signed')).toMatchObject({
        key: 'seal',
        apiKey: 'full',
      });
      expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
      for (const secret of [password, keys.full, 'kyso_wrong-key-for-the-log-check', 'Bearer'])
        expect(logs).not.toContain(secret);
      expect(child.stderr()).not.toContain(password);
    } finally {
      child.proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad configuration with the bad value named and exit code 78', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyso-serve-bad-'));
    try {
      const badValue = join(dir, 'bad-value.json');
      writeFileSync(badValue, JSON.stringify({ limits: { maxBodyBytes: 'lots' }, apiKeys: [] }));
      const missingSecret = join(dir, 'missing-secret.json');
      writeFileSync(
        missingSecret,
        JSON.stringify({
          keys: { seal: { type: 'pkcs12', file: join(TEST_CERTS, 'seal.p12'), password: { env: 'NOT_SET_ANYWHERE' } } },
        }),
      );
      // Three processes at once: each only loads and refuses.
      const [bad, port, secret] = [
        startCli(['--config', badValue], {}, dir),
        startCli([], { PORT: 'eighty' }, dir),
        startCli(['--config', missingSecret], {}, dir),
      ];
      expect(await Promise.all([bad.exit, port.exit, secret.exit])).toEqual([78, 78, 78]);
      expect(bad.stderr()).toContain('SERVICE_CONFIG_INVALID');
      expect(bad.stderr()).toContain('limits.maxBodyBytes');
      expect(port.stderr()).toContain('PORT must be a whole number (got "eighty")');
      expect(secret.stderr()).toContain('key "seal": the environment variable NOT_SET_ANYWHERE is not set');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with no configuration runs the development setup on the test certificates, prints a dev key once and signs with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyso-serve-dev-'));
    const child = startCli(['--port', '0'], {}, dir);
    try {
      const url = await child.url;
      await until(() => /development API key \(shown once\): kyso_\S+/.test(child.stderr()), 'the dev key');
      const devKey = /development API key \(shown once\): (kyso_\S+)/.exec(child.stderr())![1];
      expect(child.stderr()).toContain('DEVELOPMENT SETUP');
      const res = await postPdf(`${url}/v1/sign?key=seal`, pdf, bearer(devKey));
      expect(res.status).toBe(200);
      expect(nss.pdfsig(tmp.file('dev.pdf', new Uint8Array(await res.arrayBuffer()))).signatures[0]).toMatchObject({
        valid: true,
        trusted: true,
      });
      child.proc.kill('SIGINT');
      expect(await child.exit).toBe(0);
      const logs = child.stdout();
      expect(logs).toContain('DEVELOPMENT SETUP');
      expect(logs).toContain(join(dir, 'data', 'sessions', 'sessions.sqlite'));
      expect(logs).not.toContain(devKey);
      expect(logs).not.toContain('kyso-test');
    } finally {
      child.proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
