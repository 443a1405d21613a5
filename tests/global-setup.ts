/**
 * Vitest global setup: the OCSP responder (39601) and the CA HTTP server (39602) that the test certificates name,
 * up once for the whole run — pdfsig and the signer's revocation check call them.
 *
 * Several runs may overlap (several engineers, watch mode), so the services are shared: a small state file in the
 * temp directory lists the runs using them and the pids this harness started. A run reuses a service that answers
 * correctly for today's test-certs, and the last run to leave stops what the harness started. A port held by
 * anything else that does not answer correctly is an error with the holder named; nothing foreign is killed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CA_HTTP_PORT,
  OCSP_PORT,
  TEST_CERTS,
  alive,
  hasTool,
  probeCaHttp,
  probeOcsp,
  releaseService,
  startCaHttp,
  startOcspResponder,
  type ProbeResult,
  type ServiceProcess,
} from './helpers/pki-servers.js';

interface State {
  /** pids of the vitest processes using the services. */
  users: number[];
  /** Services this harness started, by port. */
  services: Record<string, { pid: number; kind: Kind }>;
}
type Kind = 'ocsp' | 'ca-http';

const STATE_DIR = join(tmpdir(), 'kyso-test-services');
const STATE_FILE = join(STATE_DIR, 'state.json');
const LOCK = join(STATE_DIR, 'lock');

const SERVICES: {
  kind: Kind;
  port: number;
  start: (port: number) => Promise<ServiceProcess>;
  probe: (port: number) => ProbeResult | Promise<ProbeResult>;
}[] = [
  { kind: 'ocsp', port: OCSP_PORT, start: startOcspResponder, probe: (p) => probeOcsp(p) },
  { kind: 'ca-http', port: CA_HTTP_PORT, start: startCaHttp, probe: probeCaHttp },
];

export default async function setup(): Promise<() => void> {
  // .ci/run installs openssl and the other real tools; without them the suite fails loudly rather than skipping.
  if (!hasTool('openssl'))
    throw new Error('kyso tests need openssl (the OCSP responder on port 39601); run .ci/run or install it');
  const services = SERVICES;
  await withLock(async () => {
    const state = readState();
    for (const svc of services) {
      const rec = state.services[svc.port];
      if (rec && !(alive(rec.pid) && isOurs(rec.pid, rec.kind))) delete state.services[svc.port];
      if (await portFree(svc.port)) {
        if (state.services[svc.port]) killSync(state.services[svc.port].pid); // ours but not listening: wedged
        const started = await svc.start(svc.port);
        state.services[svc.port] = { pid: started.pid, kind: svc.kind };
        continue;
      }
      const probe = await svc.probe(svc.port);
      if (probe.ok) continue; // a live service from this harness (another run, or a crashed one): share it
      const stale = state.services[svc.port];
      if (stale && state.users.length === 0) {
        // Ours and unused, but answering for an older test PKI (make.sh was re-run): replace it.
        killSync(stale.pid);
        delete state.services[svc.port];
        const started = await svc.start(svc.port);
        state.services[svc.port] = { pid: started.pid, kind: svc.kind };
        continue;
      }
      throw new Error(
        `kyso tests need port ${svc.port} for the test ${svc.kind === 'ocsp' ? 'OCSP responder' : 'CA HTTP server'}, ` +
          `but it is held by ${holder(svc.port)}, which does not answer correctly for test-certs/ (${probe.detail.trim()}). ` +
          'Stop that process (or re-run after the other test run ends) and try again.',
      );
    }
    state.users.push(process.pid);
    writeState(state);
  });

  let done = false;
  const teardown = (): void => {
    if (done) return;
    done = true;
    withLockSync(() => {
      const state = readState();
      state.users = state.users.filter((pid) => pid !== process.pid);
      if (state.users.length === 0) {
        for (const [port, rec] of Object.entries(state.services)) {
          if (alive(rec.pid) && isOurs(rec.pid, rec.kind)) killSync(rec.pid);
          delete state.services[port];
        }
      } else {
        // Another run still uses them: let our children outlive us; the last run stops them.
        for (const rec of Object.values(state.services)) releaseService(rec.pid);
      }
      writeState(state);
    });
  };
  process.once('exit', teardown);
  return teardown;
}

// ------------------------------------------------------------------ state and lock

function readState(): State {
  let state: State = { users: [], services: {} };
  try {
    state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as State;
  } catch {
    /* first run, or a torn file: start afresh */
  }
  state.users = (state.users ?? []).filter((pid) => pid !== process.pid && alive(pid));
  state.services ??= {};
  return state;
}

function writeState(state: State): void {
  writeFileSync(`${STATE_FILE}.tmp`, JSON.stringify(state));
  renameSync(`${STATE_FILE}.tmp`, STATE_FILE); // atomic: readers never see half a file
}

function tryLock(): boolean {
  mkdirSync(STATE_DIR, { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    // A lock older than a minute belongs to a run that died while holding it.
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > 60_000) rmSync(LOCK, { recursive: true, force: true });
    } catch {
      /* gone meanwhile */
    }
    return false;
  }
}

async function withLock(fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`kyso tests: could not take the lock ${LOCK}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Synchronous, so it also works from an 'exit' handler. */
function withLockSync(fn: () => void): void {
  const deadline = Date.now() + 10_000;
  while (!tryLock()) {
    if (Date.now() > deadline) return; // give up quietly: the next run cleans up
    sleepSync(100);
  }
  try {
    fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ processes and ports

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A recorded pid is killed only if it still runs what the harness started (pids get reused). */
function isOurs(pid: number, kind: Kind): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the record
  }
  return kind === 'ocsp' ? cmdline.includes('ocsp') && cmdline.includes(TEST_CERTS) : cmdline.includes('kyso-ca-http');
}

function killSync(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 40 && alive(pid); i++) sleepSync(50);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Binding, not connecting: a bare connect would wedge OpenSSL 3.0's responder. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Who listens on the port, for the error message (best effort, Linux `ss`). */
function holder(port: number): string {
  const r = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const users = /users:\(\((.*?)\)\)/.exec(r.stdout ?? '')?.[1];
  return users ? `another process (${users})` : 'another process';
}
