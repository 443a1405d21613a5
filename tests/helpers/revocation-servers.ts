/**
 * Real revocation servers for tests, on 127.0.0.1 and random free ports: `openssl ocsp` responders over the test
 * PKI's index, and a small HTTP server (CRLs from test-certs/http plus misbehaving routes). Every process and
 * server started here is tracked and stopped by stopAll(), and killed on process exit as a last resort.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEST_CERTS = fileURLToPath(new URL('../../test-certs/', import.meta.url));
export const P12_PASSWORD = 'kyso-test';

export interface RunningServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export interface Leaf {
  name: string;
  certPath: string;
  keyPath: string;
  certDer: Uint8Array;
}

const running = new Set<RunningServer>();
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export function pemToDer(pem: string): Uint8Array {
  const body = /-----BEGIN [^-]+-----([\s\S]*?)-----END/.exec(pem)?.[1];
  if (!body) throw new Error('no PEM block');
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
}

function openssl(args: string[], input?: string): string {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The test PKI, with leaf certificates and keys extracted from the .p12 files into a scratch directory. */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'kyso-revocation-'));
  private readonly leaves = new Map<string, Leaf>();

  file(name: string): string {
    return join(TEST_CERTS, name);
  }

  der(pemFile: string): Uint8Array {
    return pemToDer(readFileSync(this.file(pemFile), 'utf8'));
  }

  leaf(name: string): Leaf {
    let leaf = this.leaves.get(name);
    if (!leaf) {
      const p12 = this.file(`${name}.p12`);
      const pass = `pass:${P12_PASSWORD}`;
      const certPem = openssl(['x509'], openssl(['pkcs12', '-in', p12, '-passin', pass, '-nokeys', '-clcerts']));
      const keyPem = openssl(['pkey'], openssl(['pkcs12', '-in', p12, '-passin', pass, '-nocerts', '-nodes']));
      const certPath = join(this.dir, `${name}.pem`);
      const keyPath = join(this.dir, `${name}.key`);
      writeFileSync(certPath, certPem);
      writeFileSync(keyPath, keyPem, { mode: 0o600 });
      leaf = { name, certPath, keyPath, certDer: pemToDer(certPem) };
      this.leaves.set(name, leaf);
    }
    return leaf;
  }

  /** The 'R' rows of ocsp-index.txt: serial (uppercase hex) → revocation time and reason. */
  revocations(): Map<string, { time: Date; reason: string }> {
    const rows = readFileSync(this.file('ocsp-index.txt'), 'utf8').split('\n');
    const out = new Map<string, { time: Date; reason: string }>();
    for (const row of rows) {
      const [status, , revocation, serial] = row.split('\t');
      if (status !== 'R') continue;
      const [when, reason] = revocation.split(',');
      const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(when);
      if (!m) throw new Error(`bad index time ${when}`);
      const time = new Date(
        Date.UTC(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
      );
      out.set(serial.toUpperCase(), { time, reason });
    }
    return out;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A port nothing listens on right now (the OS picks it; there is a small race until it is used). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface OcspResponderOptions {
  /** Signs the responses (certificate + key PEM paths). */
  signer: Leaf;
  /** Extra `openssl ocsp` arguments, e.g. ['-resp_key_id']. */
  extraArgs?: string[];
}

/** `openssl ocsp` serving test-certs/ocsp-index.txt for the intermediate CA, responses valid for 60 minutes. */
export async function startOpensslOcsp(options: OcspResponderOptions): Promise<RunningServer> {
  const port = await freePort();
  const args = [
    'ocsp',
    '-index',
    join(TEST_CERTS, 'ocsp-index.txt'),
    '-CA',
    join(TEST_CERTS, 'intermediate-ca.pem'),
    '-rsigner',
    options.signer.certPath,
    '-rkey',
    options.signer.keyPath,
    '-port',
    String(port),
    '-nmin',
    '60',
    ...(options.extraArgs ?? []),
  ];
  const child = spawn('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => children.delete(child));

  // Wait for its "waiting for OCSP client connections" line rather than probing the port: OpenSSL 3.0's
  // responder spins forever after a connection that closes without sending a request.
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`openssl ocsp did not start on ${port}: ${stderr}`));
    }, 10_000);
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 8192) stderr += d.toString();
      if (stderr.includes('waiting for OCSP client connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`openssl ocsp exited: ${stderr}`));
    });
  });

  const server: RunningServer = {
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      running.delete(server);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  running.add(server);
  return server;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A Node HTTP server on 127.0.0.1; stop() also drops open (e.g. deliberately hanging) connections. */
export async function startHttpServer(handler: Handler): Promise<RunningServer> {
  const srv: Server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = srv.address() as { port: number };
  const server: RunningServer = {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        running.delete(server);
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
  running.add(server);
  return server;
}

/** Serves the files of test-certs/http (the CRLs and CA certificates named in the certificates). */
export function serveTestCertsHttp(req: IncomingMessage, res: ServerResponse): boolean {
  const name = (req.url ?? '').replace(/^\//, '');
  if (!/^[\w.-]+\.(crl|cer)$/.test(name)) return false;
  try {
    const body = readFileSync(join(TEST_CERTS, 'http', name));
    res.writeHead(200, { 'content-type': name.endsWith('.crl') ? 'application/pkix-crl' : 'application/pkix-cert' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
  return true;
}

/** Stops every server and responder still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
  for (const child of children) child.kill('SIGKILL');
}
