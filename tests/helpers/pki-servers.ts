/**
 * The test PKI's network services, run for real: an RFC 3161 TSA (`openssl ts -reply` behind a Node HTTP server,
 * with fault modes), the `openssl ocsp` responder and the CA HTTP server (CRLs and CA certificates) on the fixed
 * ports baked into test-certs (39601, 39602). Only the openssl CLI and Node built-ins are used, so the servers do
 * not depend on kyso's own ASN.1 code they are there to test.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEST_CERTS = fileURLToPath(new URL('../../test-certs/', import.meta.url));
export const P12_PASSWORD = 'kyso-test';
export const OCSP_PORT = 39601;
export const CA_HTTP_PORT = 39602;

// ------------------------------------------------------------------ key material

/**
 * Extracted PEMs are cached in one shared directory, named by the hash of their .p12, so parallel workers and runs
 * reuse them and a regenerated PKI gets new files; nothing per process is left behind when a worker is killed.
 */
const MATERIAL = join(tmpdir(), 'kyso-test-pki');

/** Whether a command-line tool is installed (the global setup refuses to run without openssl). */
export function hasTool(cmd: string): boolean {
  const r = spawnSync(cmd, ['-help'], { stdio: 'ignore', timeout: 10_000 });
  return (r.error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT';
}

function openssl(args: string[], input?: string): string {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.slice(0, 2000)}`);
  return r.stdout;
}

export interface LeafPem {
  cert: string;
  key: string;
}

/** test-certs/NAME.p12's certificate and private key as PEM files (paths). */
export function leafPem(name: string): LeafPem {
  const p12 = join(TEST_CERTS, `${name}.p12`);
  const id = createHash('sha256').update(readFileSync(p12)).digest('hex').slice(0, 16);
  const leaf = { cert: join(MATERIAL, `${name}-${id}.pem`), key: join(MATERIAL, `${name}-${id}.key`) };
  if (existsSync(leaf.cert) && existsSync(leaf.key)) return leaf;
  mkdirSync(MATERIAL, { recursive: true, mode: 0o700 });
  const pass = `pass:${P12_PASSWORD}`;
  const certPem = openssl(['x509'], openssl(['pkcs12', '-in', p12, '-passin', pass, '-nokeys', '-clcerts']));
  const keyPem = openssl(['pkey'], openssl(['pkcs12', '-in', p12, '-passin', pass, '-nocerts', '-nodes']));
  // write-then-rename: a parallel worker never reads half a file
  const tmp = `.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(leaf.key + tmp, keyPem, { mode: 0o600 });
  renameSync(leaf.key + tmp, leaf.key);
  writeFileSync(leaf.cert + tmp, certPem);
  renameSync(leaf.cert + tmp, leaf.cert);
  return leaf;
}

export function pemToDer(pem: string): Uint8Array {
  const body = /-----BEGIN [^-]+-----([\s\S]*?)-----END/.exec(pem)?.[1];
  if (!body) throw new Error('no PEM block');
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
}

// ------------------------------------------------------------------ a few DER moves for the fault modes

interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function readTlv(buf: Uint8Array, pos: number): Tlv {
  const tag = buf[pos];
  let p = pos + 1;
  let len = buf[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
  }
  if (p + len > buf.length) throw new Error('DER length past the end');
  return { tag, start: pos, contentStart: p, end: p + len };
}

function kids(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end; ) {
    const t = readTlv(buf, p);
    out.push(t);
    p = t.end;
  }
  return out;
}

function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const len = content.length;
  const head = len < 0x80 ? [tag, len] : len < 0x100 ? [tag, 0x81, len] : [tag, 0x82, len >> 8, len & 0xff];
  return new Uint8Array([...head, ...content]);
}

/** TimeStampReq ::= SEQUENCE { version, messageImprint, reqPolicy?, nonce INTEGER?, certReq BOOLEAN?, extensions? } */
function queryFields(query: Uint8Array): Tlv[] {
  return kids(query, readTlv(query, 0));
}

/** The same query with the nonce's last bit flipped: the reply is then "for a different query". */
export function queryWithOtherNonce(query: Uint8Array): Uint8Array {
  const nonce = queryFields(query)
    .slice(2)
    .find((f) => f.tag === 0x02);
  if (!nonce) throw new Error('the query has no nonce');
  const out = query.slice();
  out[nonce.end - 1] ^= 0x01;
  return out;
}

/** The same query stamping a different hash (last imprint byte flipped). */
export function queryWithOtherImprint(query: Uint8Array): Uint8Array {
  const [, imprint] = queryFields(query);
  const hashed = kids(query, imprint)[1];
  const out = query.slice();
  out[hashed.end - 1] ^= 0x01;
  return out;
}

/** The same query without certReq, so the token carries no certificate. */
export function queryWithoutCertReq(query: Uint8Array): Uint8Array {
  const kept = queryFields(query).filter((f) => f.tag !== 0x01);
  const content = Buffer.concat(kept.map((f) => query.subarray(f.start, f.end)));
  return encodeTlv(0x30, content);
}

/** TimeStampResp → token ContentInfo → [0] → SignedData → signerInfos → SignerInfo → signature: flip its last byte. */
export function replyWithBadSignature(reply: Uint8Array): Uint8Array {
  const token = kids(reply, readTlv(reply, 0))[1];
  const explicit = kids(reply, token)[1];
  const signedData = kids(reply, explicit)[0];
  const signerInfos = kids(reply, signedData).at(-1)!;
  const signerInfo = kids(reply, signerInfos)[0];
  const signature = kids(reply, signerInfo)
    .filter((f) => f.tag === 0x04)
    .at(-1)!;
  const out = reply.slice();
  out[signature.end - 1] ^= 0x01;
  return out;
}

// ------------------------------------------------------------------ TSA

export type TsaMode =
  | 'ok'
  | 'garbage'
  | 'slow'
  | 'http-500'
  | 'wrong-nonce'
  | 'wrong-imprint'
  | 'no-cert'
  | 'bad-signature'
  | 'rejection';

export interface TsaOptions {
  mode?: TsaMode;
  /** How long 'slow' waits before answering (default 3000 ms). */
  delayMs?: number;
  /** The policy the TSA stamps by default (default 1.2.3.4.1); 1.2.3.4.2 is also accepted on request. */
  policy?: string;
  /** Hash of the ESS certificate identifier: 'sha256' gives signing-certificate-v2, 'sha1' the v1 attribute. */
  essCertIdAlg?: 'sha1' | 'sha256';
  /** Another TSA identity (PEM texts): its certificate, key and the CA certificates its tokens carry. Default: test-certs/tsa.p12. */
  signer?: { certPem: string; keyPem: string; chainPem: string };
}

export interface TsaServer {
  url: string;
  port: number;
  /** Timestamp queries received so far. */
  readonly requests: number;
  /** Changeable between requests. */
  mode: TsaMode;
  /** The DER of the last query received. */
  readonly lastQuery?: Uint8Array;
  stop(): Promise<void>;
}

export const TSA_DEFAULT_POLICY = '1.2.3.4.1';
export const TSA_OTHER_POLICY = '1.2.3.4.2';

function tsaConfig(
  dir: string,
  policy: string,
  essCertIdAlg: string,
  chainFile = join(TEST_CERTS, 'ca-chain.pem'),
): string {
  const common = `serial = ${join(dir, 'serial')}
signer_digest = sha256
default_policy = ${policy}
other_policies = ${TSA_OTHER_POLICY}
accuracy = secs:1, millisecs:500
ordering = no
tsa_name = no
ess_cert_id_alg = ${essCertIdAlg}
ess_cert_id_chain = no
certs = ${chainFile}
crypto_device = builtin
`;
  // tsa_reject accepts only MD5 imprints, so openssl itself answers every real query with rejection/badAlg.
  return `[ tsa ]
default_tsa = tsa_ok
[ tsa_ok ]
${common}digests = sha256, sha384, sha512
[ tsa_reject ]
${common}digests = md5
`;
}

export async function startTsa(options: TsaOptions = {}): Promise<TsaServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-tsa-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const tsa = options.signer ? { cert: join(dir, 'signer.pem'), key: join(dir, 'signer.key') } : leafPem('tsa');
  let chainFile: string | undefined;
  if (options.signer) {
    writeFileSync(tsa.cert, options.signer.certPem);
    writeFileSync(tsa.key, options.signer.keyPem, { mode: 0o600 });
    chainFile = join(dir, 'chain.pem');
    writeFileSync(chainFile, options.signer.chainPem);
  }
  const config = join(dir, 'tsa.cnf');
  writeFileSync(
    config,
    tsaConfig(dir, options.policy ?? TSA_DEFAULT_POLICY, options.essCertIdAlg ?? 'sha256', chainFile),
  );
  const delayMs = options.delayMs ?? 3000;
  let seq = 0;
  // openssl ts -reply reads and rewrites the serial file: one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const timers = new Set<NodeJS.Timeout>();

  const reply = (query: Uint8Array, section: 'tsa_ok' | 'tsa_reject'): Promise<Uint8Array> => {
    const run = queue.then(async () => {
      const n = ++seq;
      const queryFile = join(dir, `q${n}.tsq`);
      const replyFile = join(dir, `r${n}.tsr`);
      writeFileSync(queryFile, query);
      const args = [
        'ts',
        '-reply',
        '-config',
        config,
        '-section',
        section,
        '-queryfile',
        queryFile,
        '-inkey',
        tsa.key,
        '-signer',
        tsa.cert,
        '-out',
        replyFile,
      ];
      await new Promise<void>((resolve, reject) => {
        execFile('openssl', args, { timeout: 30_000 }, (err, _stdout, stderr) => {
          if (err || !existsSync(replyFile))
            reject(new Error(`openssl ts -reply failed: ${String(stderr).slice(0, 2000)}`));
          else resolve();
        });
      });
      const der = new Uint8Array(readFileSync(replyFile));
      rmSync(queryFile, { force: true });
      rmSync(replyFile, { force: true });
      return der;
    });
    queue = run.catch(() => {});
    return run;
  };

  const state = { requests: 0, mode: options.mode ?? 'ok', lastQuery: undefined as Uint8Array | undefined };

  const answer = async (query: Uint8Array, res: ServerResponse): Promise<void> => {
    const send = (body: Uint8Array) =>
      res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': body.length }).end(body);
    switch (state.mode) {
      case 'http-500':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('TSA internal error (test mode http-500)');
        return;
      case 'garbage':
        send(new TextEncoder().encode('<html>this is not a TimeStampResp</html>'));
        return;
      case 'slow':
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, delayMs);
          timers.add(t);
        });
        if (res.destroyed) return;
        send(await reply(query, 'tsa_ok'));
        return;
      case 'wrong-nonce':
        send(await reply(queryWithOtherNonce(query), 'tsa_ok'));
        return;
      case 'wrong-imprint':
        send(await reply(queryWithOtherImprint(query), 'tsa_ok'));
        return;
      case 'no-cert':
        send(await reply(queryWithoutCertReq(query), 'tsa_ok'));
        return;
      case 'bad-signature':
        send(replyWithBadSignature(await reply(query, 'tsa_ok')));
        return;
      case 'rejection':
        send(await reply(query, 'tsa_reject'));
        return;
      default:
        send(await reply(query, 'tsa_ok'));
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 65_536) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const query = new Uint8Array(Buffer.concat(chunks));
      state.requests++;
      state.lastQuery = query;
      answer(query, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e).slice(0, 500));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    get requests() {
      return state.requests;
    },
    get mode() {
      return state.mode;
    },
    set mode(m: TsaMode) {
      state.mode = m;
    },
    get lastQuery() {
      return state.lastQuery;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => {
          removeDir();
          process.removeListener('exit', removeDir);
          resolve();
        });
      }),
  };
}

// ------------------------------------------------------------------ fixed-port services (own processes)

export interface ServiceProcess {
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, then SIGKILL after 2 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

/** Whether a process with this pid runs (a zombie awaiting its parent's wait() does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux'; // no /proc to ask; on Linux it just exited
  }
}

/** Stops a process started here (or recorded by an earlier run of this harness). */
export async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 2000;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    while (alive(pid)) await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Services this process started; killed when it exits unless handed over (see releaseService). */
const owned = new Set<number>();
process.once('exit', () => {
  for (const pid of owned) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/** Lets a service outlive this process (the global setup hands it to another test run still using it). */
export function releaseService(pid: number): void {
  owned.delete(pid);
}

/**
 * Spawns a service detached, its output going to a log file (not a pipe, so it outlives this process safely when
 * the global setup hands it to another test run), and waits for `ready` in the log.
 */
async function spawnService(
  cmd: string,
  args: string[],
  ready: string,
  name: string,
  port: number,
): Promise<ServiceProcess> {
  mkdirSync(MATERIAL, { recursive: true, mode: 0o700 });
  const log = join(MATERIAL, `${name}-${port}-${process.pid}-${Date.now()}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    rmSync(log, { force: true });
    throw new Error(`${name}: could not start ${cmd}`);
  }
  owned.add(pid);
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 10_000;
  try {
    for (;;) {
      const text = readFileSync(log, 'utf8');
      if (text.includes(ready)) break;
      if (exited || Date.now() > deadline) {
        await stopPid(pid);
        owned.delete(pid);
        throw new Error(`${name} did not start on port ${port}: ${text.slice(-2000) || '(no output)'}`);
      }
      await sleep(50);
    }
  } finally {
    rmSync(log, { force: true }); // the process keeps writing to the unlinked file; nothing is left behind
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    stop: async () => {
      await stopPid(pid);
      owned.delete(pid);
    },
  };
}

/**
 * The OCSP responder for the intermediate CA over test-certs/ocsp-index.txt, signed by ocsp.p12, responses valid
 * for 60 minutes: a small Node HTTP server (its own process) that answers each request by running
 * `openssl ocsp -reqin … -respout …` once. Not `openssl ocsp -port`: OpenSSL 3.0's responder spins at full CPU and
 * answers nothing more after a connection that closes without a request, which a client that gives up (a timeout,
 * a budget) can cause; one wedged responder then failed every later test that asks it.
 */
export function startOcspResponder(port = OCSP_PORT): Promise<ServiceProcess> {
  const ocsp = leafPem('ocsp');
  const args = ['-e', OCSP_SCRIPT, TEST_CERTS, ocsp.cert, ocsp.key, String(port)];
  return spawnService(process.execPath, args, 'waiting for OCSP client connections', 'ocsp', port);
}

const OCSP_SCRIPT = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path'), os = require('node:os');
const { execFile } = require('node:child_process');
const [certs, cert, key, port] = process.argv.slice(1);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyso-ocsp-'));
let n = 0;
const answer = (der, res) => {
  const q = path.join(dir, 'q' + (++n) + '.der'), r = path.join(dir, 'r' + n + '.der');
  fs.writeFileSync(q, der);
  execFile('openssl', ['ocsp', '-index', path.join(certs, 'ocsp-index.txt'), '-CA', path.join(certs, 'intermediate-ca.pem'),
    '-rsigner', cert, '-rkey', key, '-reqin', q, '-respout', r, '-nmin', '60'], { timeout: 15000 }, (err) => {
    let body;
    try { body = err ? undefined : fs.readFileSync(r); } catch { body = undefined; }
    fs.rmSync(q, { force: true }); fs.rmSync(r, { force: true });
    if (!body) { res.writeHead(500).end(); return; }
    res.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': body.length }).end(body);
  });
};
const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    // RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER request}
    const b64 = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1));
    const der = Buffer.from(b64, 'base64');
    if (der.length === 0) { res.writeHead(400).end(); return; }
    answer(der, res);
    return;
  }
  if (req.method !== 'POST') { res.writeHead(405).end(); return; }
  const chunks = []; let size = 0;
  req.on('data', (c) => { size += c.length; if (size > 65536) req.destroy(); else chunks.push(c); });
  req.on('end', () => answer(Buffer.concat(chunks), res));
});
server.requestTimeout = 5000;
server.on('error', (e) => { console.log('error: ' + e.message); process.exit(1); });
server.listen(Number(port), '127.0.0.1', () => console.log('waiting for OCSP client connections on ' + port));
const stop = () => server.close(() => { fs.rmSync(dir, { recursive: true, force: true }); process.exit(0); });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
`;

const CA_HTTP_SCRIPT = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path');
const [dir, port] = process.argv.slice(1);
const types = { '.crl': 'application/pkix-crl', '.cer': 'application/pkix-cert', '.crt': 'application/pkix-cert', '.pem': 'application/x-pem-file' };
const server = http.createServer((req, res) => {
  const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1));
  const type = types[path.extname(name)];
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !/^[\\w.-]+$/.test(name) || !type) { res.writeHead(404).end(); return; }
  fs.readFile(path.join(dir, name), (err, body) => {
    if (err) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
});
server.on('error', (e) => { console.log('error: ' + e.message); process.exit(1); });
server.listen(Number(port), '127.0.0.1', () => console.log('kyso-ca-http listening on ' + port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** A Node HTTP server (its own process) serving test-certs/http: the DER CRLs and CA certificates. */
export function startCaHttp(port = CA_HTTP_PORT): Promise<ServiceProcess> {
  const args = ['-e', CA_HTTP_SCRIPT, join(TEST_CERTS, 'http'), String(port)];
  return spawnService(process.execPath, args, `kyso-ca-http listening on ${port}`, 'ca-http', port);
}

// ------------------------------------------------------------------ health checks

export interface ProbeResult {
  ok: boolean;
  detail: string;
}

/** `openssl ocsp` as a client: the response must verify against the test root and say signer is good. */
export function probeOcsp(port = OCSP_PORT, cert = 'signer'): ProbeResult {
  const r = spawnSync(
    'openssl',
    [
      'ocsp',
      '-issuer',
      join(TEST_CERTS, 'intermediate-ca.pem'),
      '-cert',
      leafPem(cert).cert,
      '-url',
      `http://127.0.0.1:${port}`,
      '-CAfile',
      join(TEST_CERTS, 'ca-chain.pem'),
      '-timeout',
      '5',
    ],
    { encoding: 'utf8', timeout: 15_000 },
  );
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: /Response verify OK/.test(out) && /: good$/m.test(out), detail: out.slice(0, 1000) };
}

/** GET `path` on 127.0.0.1:port; status and body (at most 1 MiB). */
export function httpGet(
  port: number,
  path: string,
  timeoutMs = 5000,
): Promise<{ status: number; type?: string; body: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 1 << 20) req.destroy(new Error('response too large'));
        else chunks.push(c);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'],
          body: new Uint8Array(Buffer.concat(chunks)),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The CA HTTP server must serve today's test-certs/http files byte for byte. */
export async function probeCaHttp(port = CA_HTTP_PORT): Promise<ProbeResult> {
  for (const name of ['root-ca.cer', 'intermediate.crl']) {
    try {
      const r = await httpGet(port, `/${name}`);
      const expected = readFileSync(join(TEST_CERTS, 'http', name));
      if (r.status !== 200 || !Buffer.from(r.body).equals(expected)) {
        return { ok: false, detail: `/${name}: HTTP ${r.status}, ${r.body.length} bytes, not test-certs/http/${name}` };
      }
    } catch (e) {
      return { ok: false, detail: `/${name}: ${(e as Error).message}` };
    }
  }
  return { ok: true, detail: 'serves test-certs/http' };
}
