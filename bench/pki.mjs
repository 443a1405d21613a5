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

/** dev-pki as a child, serving the pieces not already served here on their own ports (the rest on spare ports). */
async function spawnDevPki(root) {
  const env = { ...process.env, KYSO_DEV_TSA_PORT: String(await freePort()) };
  const reused = [];
  for (const [name, port] of Object.entries(PKI_PORTS)) {
    if (await listening(port)) {
      reused.push(`${name} ${port}`);
      env[`KYSO_DEV_${name.toUpperCase()}_PORT`] = String(await freePort());
    }
  }
  const child = spawn(process.execPath, [join(root, 'test-certs/dev-pki.mjs')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { reused, stop };
}

/**
 * Starts the services; returns { note, ensure(), stop() }. A service found running belongs to someone else and may
 * stop mid-run (a test run's shared responder leaves with its last user): ensure() starts the bench's own on that
 * port when it is free again.
 */
export async function startTestPki(root) {
  let current = await spawnDevPki(root);
  const notes = [
    current.reused.length
      ? `already served on this machine, used as found: ${current.reused.join(', ')}`
      : 'started by the bench',
  ];
  return {
    get note() {
      return notes.join('; ');
    },
    async ensure() {
      if (!current.reused.length) return false;
      const gone = [];
      for (const [name, port] of Object.entries(PKI_PORTS)) if (!(await listening(port))) gone.push(`${name} ${port}`);
      if (!gone.length) return false;
      await current.stop();
      current = await spawnDevPki(root);
      notes.push(`the services found were gone (${gone.join(', ')}), the bench's own started`);
      return true;
    },
    stop: () => current.stop(),
  };
}
