#!/usr/bin/env node
/**
 * `pnpm pki`: the test PKI's network services on this machine, so every README example works as written — the OCSP
 * responder and the CRL/CA-certificate server the test certificates name (127.0.0.1:39601 and :39602), and an
 * RFC 3161 TSA signing with tsa.p12 (127.0.0.1:39603). Loopback only; Ctrl-C stops everything.
 *
 * Only openssl and Node built-ins: the same real tools the tests use (tests/helpers/pki-servers.ts adds fault modes
 * for the tests; this is the plain, well-behaved set).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CERTS = fileURLToPath(new URL('.', import.meta.url));
const PASSWORD = 'kyso-test';
const HOST = '127.0.0.1';
// The certificates name 39601 and 39602; other ports only serve a test that runs this beside the suite's own services.
const port = (name, dflt) => Number(process.env[`KYSO_DEV_${name}_PORT`] ?? dflt);
const PORTS = { ocsp: port('OCSP', 39601), ca: port('CA', 39602), tsa: port('TSA', 39603) };

const work = mkdtempSync(join(tmpdir(), 'kyso-dev-pki-'));
const servers = [];

function openssl(args) {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`openssl is needed (apt-get install openssl): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

/** test-certs/NAME.p12 as a certificate and key file in the work directory (removed at exit). */
function pem(name) {
  const p12 = join(CERTS, `${name}.p12`);
  const pass = `pass:${PASSWORD}`;
  const cert = join(work, `${name}.pem`);
  const key = join(work, `${name}.key`);
  writeFileSync(cert, openssl(['pkcs12', '-in', p12, '-passin', pass, '-nokeys', '-clcerts']));
  writeFileSync(key, openssl(['pkcs12', '-in', p12, '-passin', pass, '-nocerts', '-nodes']), { mode: 0o600 });
  return { cert, key };
}

/** A request body of at most 64 KiB (an OCSP or timestamp query); a larger one drops the connection. */
function readSmallBody(req, done) {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 65_536) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => done(Buffer.concat(chunks)));
}

function listen(server, port, name) {
  return new Promise((resolve, reject) => {
    server.once('error', (e) =>
      reject(new Error(`${name}: port ${port} is taken (${e.message}); is another pnpm pki or test run using it?`)),
    );
    server.listen(port, HOST, () => {
      servers.push(server);
      resolve();
    });
  });
}

/**
 * The OCSP responder for the intermediate CA over ocsp-index.txt: each request answered by one run of
 * `openssl ocsp -reqin … -respout …` (not `openssl ocsp -port`, which in OpenSSL 3.0 spins and stops answering after
 * a client that connects and leaves without a request). POST, and GET with the request in the path (RFC 6960 A.1).
 */
function startOcsp() {
  const signer = pem('ocsp');
  let n = 0;
  const answer = (der, res) => {
    const q = join(work, `o${++n}.req`);
    const r = join(work, `o${n}.resp`);
    writeFileSync(q, der);
    execFile(
      'openssl',
      [
        'ocsp',
        '-index',
        join(CERTS, 'ocsp-index.txt'),
        '-CA',
        join(CERTS, 'intermediate-ca.pem'),
        '-rsigner',
        signer.cert,
        '-rkey',
        signer.key,
        '-reqin',
        q,
        '-respout',
        r,
        '-nmin',
        '60',
      ],
      { timeout: 15_000 },
      (err) => {
        let body;
        try {
          body = err ? undefined : readFileSync(r);
        } catch {
          body = undefined;
        }
        rmSync(q, { force: true });
        rmSync(r, { force: true });
        if (!body) return void res.writeHead(500).end();
        res.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': body.length }).end(body);
      },
    );
  };
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      const der = Buffer.from(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1)), 'base64');
      return der.length ? answer(der, res) : void res.writeHead(400).end();
    }
    if (req.method !== 'POST') return void res.writeHead(405).end();
    readSmallBody(req, (der) => answer(der, res));
  });
  server.requestTimeout = 5000;
  return listen(server, PORTS.ocsp, 'the OCSP responder');
}

const TYPES = { '.crl': 'application/pkix-crl', '.cer': 'application/pkix-cert' };

/** The DER CRLs and CA certificates of test-certs/http, by name. */
function startCaHttp() {
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    const type = TYPES[extname(name)];
    if (req.method !== 'GET' || !/^[\w.-]+$/.test(name) || !type) return void res.writeHead(404).end();
    try {
      const body = readFileSync(join(CERTS, 'http', name));
      res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return listen(server, PORTS.ca, 'the CA/CRL server');
}

/** An RFC 3161 TSA: each POSTed query answered by `openssl ts -reply`, one at a time (it rewrites its serial file). */
function startTsa() {
  const signer = pem('tsa');
  const config = join(work, 'tsa.cnf');
  writeFileSync(
    config,
    `[ tsa ]
default_tsa = tsa
[ tsa ]
serial = ${join(work, 'serial')}
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_alg = sha256
certs = ${join(CERTS, 'ca-chain.pem')}
crypto_device = builtin
`,
  );
  let queue = Promise.resolve();
  let n = 0;
  const reply = (query) => {
    const run = queue.then(
      () =>
        new Promise((resolve, reject) => {
          const q = join(work, `q${++n}.tsq`);
          const r = join(work, `r${n}.tsr`);
          writeFileSync(q, query);
          execFile(
            'openssl',
            [
              'ts',
              '-reply',
              '-config',
              config,
              '-queryfile',
              q,
              '-inkey',
              signer.key,
              '-signer',
              signer.cert,
              '-out',
              r,
            ],
            (err, _out, stderr) => {
              try {
                if (err) reject(new Error(String(stderr)));
                else resolve(readFileSync(r));
              } finally {
                rmSync(q, { force: true });
                rmSync(r, { force: true });
              }
            },
          );
        }),
    );
    queue = run.catch(() => {});
    return run;
  };
  const server = createServer((req, res) => {
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
    readSmallBody(req, (query) => {
      reply(query).then(
        (der) =>
          res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': der.length }).end(der),
        (e) =>
          res.writeHead(400, { 'content-type': 'text/plain' }).end(`not a timestamp query: ${e.message.slice(0, 300)}`),
      );
    });
  });
  return listen(server, PORTS.tsa, 'the TSA');
}

function stop() {
  for (const s of servers) s.close();
  rmSync(work, { recursive: true, force: true });
}

process.on('SIGINT', () => {
  stop();
  process.exit(0);
});
process.on('SIGTERM', () => {
  stop();
  process.exit(0);
});

try {
  await Promise.all([startOcsp(), startCaHttp(), startTsa()]);
} catch (e) {
  console.error(`pnpm pki: ${e.message}`);
  stop();
  process.exit(69);
}
console.log(`The test PKI's services (test-certs/), on this machine only:
  OCSP responder        http://${HOST}:${PORTS.ocsp}
  CRLs and CA certs     http://${HOST}:${PORTS.ca}/intermediate.crl, /root.crl, /root-ca.cer, /intermediate-ca.cer
  RFC 3161 TSA          http://${HOST}:${PORTS.tsa}/
Ctrl-C stops them.`);
