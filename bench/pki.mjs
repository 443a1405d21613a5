// The test PKI's OCSP responder (127.0.0.1:39601) and CA/CRL server (39602) for the verification rows, so pdfsig
// (NSS asks the OCSP responder the certificates name) and `kyso verify --online` do the same work. They are
// test-certs/dev-pki.mjs (`pnpm pki`) run as a child. The certificates name those two ports, so when one is already
// served on this machine (another run of `pnpm pki` or a test's responder), that server is used and dev-pki's copy
// of the piece goes to a spare port; the bench's sanity checks (every verify row checks both tools' verdicts) stop
// the run if what answers there is wrong.
import { spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

const HOST = '127.0.0.1';
export const PKI_PORTS = { ocsp: 39601, ca: 39602 };

const listening = (port) =>
  new Promise((resolve) => {
    const s = createConnection({ host: HOST, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Starts the services; returns { stop(), note } where note says which pieces were already served. */
export async function startTestPki(root) {
  const env = { ...process.env, KYSO_DEV_TSA_PORT: String(await freePort()) };
  const reused = [];
  for (const [name, port] of Object.entries(PKI_PORTS)) {
    if (await listening(port)) {
      reused.push(`${name} ${port}`);
      env[`KYSO_DEV_${name.toUpperCase()}_PORT`] = String(await freePort());
    }
  }
  const child = spawn(process.execPath, [join(root, 'test-certs/dev-pki.mjs')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Ctrl-C stops them')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the test PKI (test-certs/dev-pki.mjs) stopped with ${code}: ${output.slice(0, 500)}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    note: reused.length ? `already served on this machine, used as found: ${reused.join(', ')}` : 'started by the bench',
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
