/**
 * Several instances on one PostgreSQL database (issue 17): three `kyso serve` processes, 200 certifications with
 * idempotency keys spread over them, one instance killed with SIGKILL mid-way and its requests retried on the
 * others. The book holds 1..200 with no gap or duplicate, every retried request gets its first number, the count
 * is right; a two-step session prepared on one instance is completed on another; SIGTERM answers the certification
 * in flight, then exits 0, and the numbering goes on without a gap.
 */
import { createHash, createPrivateKey, randomBytes, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfLibDoc } from './helpers/producers.js';
import { leafPem, pemToDer, TEST_CERTS } from './helpers/pki-servers.js';
import { startPostgres, type PostgresCluster } from './helpers/postgres.js';
import { startServe, type ServeChild } from './helpers/serve.js';

// The instances are child processes (the built CLI): this file imports no kyso source, so vitest transforms none
// of the packages' sources (that alone cost more CPU than a third of the certifications). The configuration is
// written out here instead of taken from the service's test helpers for the same reason.
const PASSWORD_ENV = 'KYSO_TEST_P12_PASSWORD';
const UNIT = 'UBND phường Kinh Bắc';
/** An API key as `kyso serve create-key` makes one: 256 random bits, the configuration holding its SHA-256. */
const apiKey = `kyso_${randomBytes(32).toString('base64url')}`;
const bearer = { Authorization: `Bearer ${apiKey}` };

function instanceConfig(dataDir: string, url: string): object {
  const p12 = (name: string) => ({ type: 'pkcs12', file: join(TEST_CERTS, name), password: { env: PASSWORD_ENV } });
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'info',
    // Only the two keys a certification uses: each .p12 costs a PBKDF2 at every start.
    keys: { signer: p12('signer.p12'), seal: p12('seal.p12') },
    apiKeys: [
      {
        id: 'full',
        unit: UNIT,
        aliases: ['signer', 'seal'],
        externalCertificates: true,
        scopes: ['register:read'],
        sha256: createHash('sha256').update(apiKey, 'utf8').digest('hex'),
      },
    ],
    database: { url, poolSize: 4 },
    // B-B and no revocation check: the test is about the numbering across instances, not the PKI.
    signing: { revocation: 'off' },
    verification: { trustRoots: [join(TEST_CERTS, 'root-ca.pem')], workers: 1 },
    certification: {
      level: 'B-B',
      authorities: { [UNIT]: { name: 'Ủy ban nhân dân phường Kinh Bắc', sealKey: 'seal', location: 'Bắc Ninh' } },
    },
    limits: { signingConcurrency: 1, rateLimit: { burst: 100_000, perSecond: 100_000 } },
  };
}

const N = 200;

interface Instance {
  name: string;
  child: ServeChild;
  url: string;
  alive: boolean;
}

let pg: PostgresCluster;
let instances: Instance[] = [];
let scan: Uint8Array;
const dirs: string[] = [];

beforeAll(async () => {
  const [cluster, made] = await Promise.all([
    startPostgres(),
    pdfLibDoc({ pages: 1, objectStreams: false, text: 'Giay khai sinh' }),
  ]);
  pg = cluster;
  scan = made;
  const url = await pg.createDatabase();
  const children = ['A', 'B', 'C'].map((name) => {
    const dir = mkdtempSync(join(tmpdir(), `kyso-multi-${name}-`));
    dirs.push(dir);
    writeFileSync(join(dir, 'kyso.json'), JSON.stringify(instanceConfig(join(dir, 'data'), url)));
    return { name, child: startServe(['--config', join(dir, 'kyso.json')], { [PASSWORD_ENV]: 'kyso-test' }, dir) };
  });
  // Started together: the migrations run once under their advisory locks, whoever comes first.
  instances = await Promise.all(children.map(async (c) => ({ ...c, url: await c.child.url, alive: true })));
}, 120_000);

afterAll(async () => {
  for (const i of instances) i.child.proc.kill('SIGKILL');
  await pg?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function body(idempotencyKey: string) {
  return {
    idempotencyKey,
    certifierKey: 'signer',
    certifier: { title: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH', basis: 'assigned', basisReference: 'Quyết định số 12/QĐ-UBND' },
    requester: { name: 'Trần Thị Bình' },
    documentName: 'Giấy khai sinh',
    paperCopies: 1,
    scan: { pdf: Buffer.from(scan).toString('base64') },
  };
}

interface Answer {
  status: number;
  id: string;
  resumed: boolean;
  number: string;
  seqNo: number;
}

async function certify(inst: Instance, key: string): Promise<Answer> {
  const res = await fetch(`${inst.url}/v1/certifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer },
    body: JSON.stringify(body(key)),
  });
  const json = (await res.json()) as {
    id: string;
    resumed: boolean;
    entries: { certificationNumber: string; seqNo: number }[];
  };
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`${inst.name} ${key}: ${res.status} ${JSON.stringify(json)}`);
  return {
    status: res.status,
    id: json.id,
    resumed: json.resumed,
    number: json.entries[0]!.certificationNumber,
    seqNo: json.entries[0]!.seqNo,
  };
}

describe('three instances on one PostgreSQL database', () => {
  it('200 certifications over three instances, one killed mid-way: 1..200 without gap or duplicate, retries keep their first number', async () => {
    const first = new Map<string, { answer: Answer; by: string }>();
    const lostOnC: string[] = [];
    const keysToDo = Array.from({ length: N }, (_, i) => `MI-${String(i + 1).padStart(4, '0')}`);
    let next = 0;
    let killed = false;
    const c = instances[2]!;
    const kill = () => {
      killed = true;
      c.alive = false;
      c.child.proc.kill('SIGKILL');
    };
    const worker = async (w: number): Promise<void> => {
      while (next < keysToDo.length) {
        const key = keysToDo[next++]!;
        // Spread by position; after the kill only the living take work.
        let target = instances[(w + next) % 3]!;
        for (;;) {
          if (!target.alive) target = instances[(instances.indexOf(target) + 1) % 3]!;
          if (!target.alive) continue;
          const onTarget = target;
          try {
            const answer = certify(onTarget, key);
            // Killed as it is handed this request, which is then certainly lost (a SIGKILLed process runs nothing
            // more): killing it after an answer instead could find every request in flight on it answered already.
            if (!killed && onTarget === c && first.size >= 70) kill();
            first.set(key, { answer: await answer, by: onTarget.name });
            break;
          } catch (e) {
            // The killed instance drops its connections: the client retries on another, with the same key.
            if (onTarget !== c || !killed) throw e;
            lostOnC.push(key);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 9 }, (_, w) => worker(w)));
    expect(killed).toBe(true);
    expect(lostOnC.length).toBeGreaterThan(0);
    expect(first.size).toBe(N);
    expect(await c.child.exit).toBe(null); // killed, not exited

    const numbers = [...first.values()].map((f) => f.answer.seqNo).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const by = (name: string) => [...first.values()].filter((f) => f.by === name).length;
    expect(by('A')).toBeGreaterThan(0);
    expect(by('B')).toBeGreaterThan(0);
    expect(by('C')).toBeGreaterThan(0);

    // Every request C answered before it died, and a sample of the rest, sent again to A or B: its first number.
    const again = [...first.entries()].filter(([k, f], i) => f.by === 'C' || i % 10 === 0 || lostOnC.includes(k));
    for (const [i, [key, f]] of again.entries()) {
      const r = await certify(instances[i % 2]!, key);
      expect({ key, id: r.id, number: r.number, status: r.status, resumed: r.resumed }).toEqual({
        key,
        id: f.answer.id,
        number: f.answer.number,
        status: 200,
        resumed: true,
      });
    }

    // The book as the register reads it: 200 entries, numbers 1..200, the count in the first page's walk.
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
      const res = await fetch(`${instances[0]!.url}/v1/register/entries?${q}`, { headers: bearer });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { entries: { seqNo: number; state: string }[]; nextCursor: string | null };
      for (const e of page.entries) {
        expect(e.state).toBe('issued');
        seen.push(e.seqNo);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  }, 240_000);

  it('a two-step session prepared on A is completed on B, and the same completion sent to A gets the same PDF', async () => {
    const [a, b] = instances as [Instance, Instance];
    const pem = leafPem('signer');
    const certificate = pemToDer(readFileSync(pem.cert, 'utf8'));
    const intermediate = pemToDer(readFileSync(join(TEST_CERTS, 'intermediate-ca.pem'), 'utf8'));
    const header = [certificate, intermediate].map((d) => Buffer.from(d).toString('base64')).join(',');
    const opened = await fetch(`${a.url}/v1/signing-sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/pdf', ...bearer, 'Kyso-Signer-Certificates': header },
      body: scan,
    });
    expect(opened.status, await opened.clone().text()).toBe(201);
    const session = (await opened.json()) as { complete: string; dataToSign: string };
    const signatureValue = nodeSign(
      'sha256',
      Buffer.from(session.dataToSign, 'base64'),
      createPrivateKey(readFileSync(pem.key)),
    ).toString('base64');
    const complete = (inst: Instance) =>
      fetch(`${inst.url}${session.complete}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...bearer },
        body: JSON.stringify({ signatureValue }),
      });
    const onB = await complete(b);
    expect(onB.status, await onB.clone().text()).toBe(200);
    const signed = Buffer.from(await onB.arrayBuffer());
    expect(signed.subarray(0, scan.length).equals(Buffer.from(scan))).toBe(true);
    expect(signed.length).toBeGreaterThan(scan.length);
    const onA = await complete(a);
    expect(onA.status).toBe(200);
    expect(Buffer.from(await onA.arrayBuffer()).equals(signed)).toBe(true);
  });

  it('SIGTERM mid-certification: the instance answers it, closes its pools and exits 0; the book goes on at 201 on the other', async () => {
    const [a, b] = instances as [Instance, Instance];
    // The body in two halves: the request is in flight on B when SIGTERM arrives.
    const json = Buffer.from(JSON.stringify(body('MI-DRAIN')));
    const req = httpRequest(`${b.url}/v1/certifications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(json.length), ...bearer },
    });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
    });
    req.write(json.subarray(0, 100));
    await new Promise((r) => setTimeout(r, 500));
    b.child.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    req.end(json.subarray(100));
    const drained = await answer;
    expect(drained.status, drained.text).toBe(201);
    expect((JSON.parse(drained.text) as { entries: { seqNo: number }[] }).entries[0]!.seqNo).toBe(N + 1);
    expect(await b.child.exit).toBe(0);
    b.alive = false;
    expect(b.child.stdout()).toContain('"msg":"stopped"');
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
    expect((await certify(a, 'MI-AFTER')).seqNo).toBe(N + 2);
  });
});
