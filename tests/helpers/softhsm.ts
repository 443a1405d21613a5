/**
 * A throw-away SoftHSM2 token for the PKCS#11 tests: a temp token directory and config, a token labelled `kyso`,
 * and the test signers' keys (test-certs/signer.p12, RSA; test-certs/signer-ec.p12, P-256) with their
 * certificates stored as CKO_CERTIFICATE objects under the same CKA_ID.
 *
 * Uses the Debian `softhsm2` package (`softhsm2-util` and libsofthsm2.so) and `openssl`. The certificates are
 * written through pkcs11js in a child process, so the test process's own copy of the library is untouched until
 * the code under test initialises it. SoftHSM reads SOFTHSM2_CONF when C_Initialize runs, and pkcs11js loads the
 * library in-process, so `initSoftHsmToken()` sets `process.env.SOFTHSM2_CONF` (and `cleanup()` restores it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const certsDir = join(repoRoot, 'test-certs');
const P12_PASSWORD = 'kyso-test';

export interface SoftHsmKey {
  /** CKA_LABEL of the private key and of its certificate. */
  label: string;
  /** CKA_ID (hex) of the private key and of its certificate. */
  idHex: string;
  /** The certificate, DER. */
  certificate: Uint8Array;
  /** The CA certificates from the same .p12, DER. */
  chain: Uint8Array[];
}

export interface SoftHsmToken {
  /** Path to libsofthsm2.so. */
  library: string;
  tokenLabel: string;
  /** User PIN. */
  pin: string;
  soPin: string;
  /** The SOFTHSM2_CONF file this token lives under. */
  config: string;
  keys: { rsa: SoftHsmKey; ec: SoftHsmKey };
  /** The same two private keys imported a second time, under other labels and ids, with no certificate object. */
  bare: { rsa: { label: string; idHex: string }; ec: { label: string; idHex: string } };
  /** Removes the token directory and restores SOFTHSM2_CONF. */
  cleanup(): void;
}

const LIBRARY_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/arm-linux-gnueabihf/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/lib/pkcs11/libsofthsm2.so',
  '/usr/lib64/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
  '/usr/local/opt/softhsm/lib/softhsm/libsofthsm2.so',
];

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

/** Where libsofthsm2.so is: $SOFTHSM2_LIB, the usual paths, next to softhsm2-util, or what dpkg says. */
export function findSoftHsmLibrary(): string | null {
  const fromEnv = process.env.SOFTHSM2_LIB ?? process.env.KYSO_SOFTHSM2_LIB;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const candidates = [...LIBRARY_CANDIDATES];
  const util = which('softhsm2-util');
  if (util) {
    const prefix = dirname(dirname(util));
    candidates.push(
      join(prefix, 'lib', 'softhsm', 'libsofthsm2.so'),
      join(prefix, 'lib64', 'softhsm', 'libsofthsm2.so'),
    );
  }
  for (const c of candidates) if (existsSync(c)) return c;
  for (const pkg of ['softhsm2-common', 'libsofthsm2']) {
    const r = spawnSync('dpkg', ['-L', pkg], { encoding: 'utf8' });
    if (r.status === 0) {
      const hit = r.stdout.split('\n').find((l) => l.endsWith('/libsofthsm2.so') && existsSync(l));
      if (hit) return hit;
    }
  }
  return null;
}

/** Whether the pkcs11js native module loads (it is an optional dependency of @kyso/core). */
export function pkcs11jsPath(): string | null {
  try {
    const req = createRequire(join(repoRoot, 'packages/core/package.json'));
    const path = req.resolve('pkcs11js');
    req(path);
    return path;
  } catch {
    return null;
  }
}

/** Why SoftHSM tests cannot run here, or null when they can. */
export function softHsmUnavailableReason(): string | null {
  if (!which('softhsm2-util')) return 'softhsm2-util not found (apt-get install softhsm2)';
  if (!findSoftHsmLibrary()) return 'libsofthsm2.so not found (apt-get install softhsm2)';
  if (!which('openssl')) return 'openssl not found';
  if (!pkcs11jsPath()) return 'pkcs11js (optional dependency of @kyso/core) is not installed';
  return null;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string | Uint8Array): Buffer {
  try {
    return execFileSync(cmd, args, { env, input, maxBuffer: 16 << 20, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(
      `${cmd} ${args[0] ?? ''} failed: ${err.stderr?.toString() || err.stdout?.toString() || err.message}`,
    );
  }
}

function pemBlocks(pem: string, type: string): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${type}-----([\\s\\S]*?)-----END ${type}-----`, 'g');
  return [...pem.matchAll(re)].map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
}

/** Minimal DER walking: the subject, issuer and serial-number encodings of a certificate. */
function certificateNames(der: Uint8Array): { subject: Uint8Array; issuer: Uint8Array; serial: Uint8Array } {
  const tlv = (pos: number): { tag: number; start: number; end: number; hdr: number } => {
    const tag = der[pos];
    let len = der[pos + 1];
    let hdr = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[pos + 2 + i];
      hdr += n;
    }
    return { tag, start: pos, end: pos + hdr + len, hdr };
  };
  const cert = tlv(0);
  const tbs = tlv(cert.start + cert.hdr);
  const kids: { tag: number; start: number; end: number }[] = [];
  for (let p = tbs.start + tbs.hdr; p < tbs.end; ) {
    const k = tlv(p);
    kids.push(k);
    p = k.end;
  }
  const i = kids[0].tag === 0xa0 ? 1 : 0; // optional [0] version
  const slice = (k: { start: number; end: number }) => der.slice(k.start, k.end);
  return { serial: slice(kids[i]), issuer: slice(kids[i + 2]), subject: slice(kids[i + 4]) };
}

/** Runs in a child process: stores the certificates as CKO_CERTIFICATE objects on the token. */
const CREATE_CERTS = `
const { PKCS11, ...C } = require(process.argv[1]);
const job = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const p = new PKCS11();
p.load(job.library);
p.C_Initialize();
try {
  const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === job.tokenLabel);
  if (!slot) throw new Error('token not found: ' + job.tokenLabel);
  const session = p.C_OpenSession(slot, C.CKF_SERIAL_SESSION | C.CKF_RW_SESSION);
  p.C_Login(session, C.CKU_USER, job.pin);
  for (const c of job.certs) {
    p.C_CreateObject(session, [
      { type: C.CKA_CLASS, value: C.CKO_CERTIFICATE },
      { type: C.CKA_CERTIFICATE_TYPE, value: C.CKC_X_509 },
      { type: C.CKA_TOKEN, value: true },
      { type: C.CKA_PRIVATE, value: false },
      { type: C.CKA_LABEL, value: c.label },
      { type: C.CKA_ID, value: Buffer.from(c.id, 'hex') },
      { type: C.CKA_SUBJECT, value: Buffer.from(c.subject, 'hex') },
      { type: C.CKA_ISSUER, value: Buffer.from(c.issuer, 'hex') },
      { type: C.CKA_SERIAL_NUMBER, value: Buffer.from(c.serial, 'hex') },
      { type: C.CKA_VALUE, value: Buffer.from(c.value, 'hex') },
    ]);
  }
  p.C_Logout(session);
  p.C_CloseSession(session);
} finally {
  p.C_Finalize();
}
`;

/**
 * Creates a fresh SoftHSM2 token `kyso` holding the RSA and P-256 test signers (private keys and certificates),
 * and points this process's SOFTHSM2_CONF at it. Throws when SoftHSM, openssl or pkcs11js is missing (check
 * `softHsmUnavailableReason()` first to skip instead).
 */
export function initSoftHsmToken(options: { tokenLabel?: string; pin?: string; soPin?: string } = {}): SoftHsmToken {
  const reason = softHsmUnavailableReason();
  if (reason) throw new Error(`SoftHSM2 unavailable: ${reason}`);
  const library = findSoftHsmLibrary()!;
  const tokenLabel = options.tokenLabel ?? 'kyso';
  const pin = options.pin ?? '246810';
  const soPin = options.soPin ?? '13579135';

  const dir = mkdtempSync(join(tmpdir(), 'kyso-softhsm-'));
  const tokenDir = join(dir, 'tokens');
  mkdirSync(tokenDir);
  const config = join(dir, 'softhsm2.conf');
  writeFileSync(
    config,
    [
      `directories.tokendir = ${tokenDir}`,
      'objectstore.backend = file',
      'log.level = ERROR',
      'slots.removable = false',
      '',
    ].join('\n'),
  );
  const previousConf = process.env.SOFTHSM2_CONF;
  const env: NodeJS.ProcessEnv = { ...process.env, SOFTHSM2_CONF: config };
  const cleanup = () => {
    if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previousConf;
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    run('softhsm2-util', ['--init-token', '--free', '--label', tokenLabel, '--pin', pin, '--so-pin', soPin], env);

    const importKey = (pkcs8: Buffer, label: string, idHex: string) => {
      const keyFile = join(dir, `${label}.key.pem`);
      writeFileSync(keyFile, pkcs8, { mode: 0o600 });
      try {
        run(
          'softhsm2-util',
          ['--import', keyFile, '--token', tokenLabel, '--label', label, '--id', idHex, '--pin', pin],
          env,
        );
      } finally {
        rmSync(keyFile, { force: true });
      }
    };
    const load = (file: string, label: string, idHex: string, bare: { label: string; idHex: string }): SoftHsmKey => {
      const p12 = join(certsDir, file);
      const pass = `pass:${P12_PASSWORD}`;
      const keyPem = run('openssl', ['pkcs12', '-in', p12, '-passin', pass, '-nocerts', '-nodes'], env);
      const pkcs8 = run('openssl', ['pkcs8', '-topk8', '-nocrypt'], env, keyPem);
      importKey(pkcs8, label, idHex);
      importKey(pkcs8, bare.label, bare.idHex);
      const leaf = pemBlocks(
        run('openssl', ['pkcs12', '-in', p12, '-passin', pass, '-nokeys', '-clcerts'], env).toString(),
        'CERTIFICATE',
      );
      const cas = pemBlocks(
        run('openssl', ['pkcs12', '-in', p12, '-passin', pass, '-nokeys', '-cacerts'], env).toString(),
        'CERTIFICATE',
      );
      if (leaf.length !== 1) throw new Error(`${file}: expected one end-entity certificate, found ${leaf.length}`);
      return { label, idHex, certificate: leaf[0], chain: cas };
    };
    const bare = {
      rsa: { label: 'kyso-rsa-bare', idHex: 'b0b0b0b001' },
      ec: { label: 'kyso-ec-bare', idHex: 'b0b0b0b002' },
    };
    const rsa = load('signer.p12', 'kyso-rsa', 'a1b2c3d401', bare.rsa);
    const ec = load('signer-ec.p12', 'kyso-ec', 'a1b2c3d402', bare.ec);

    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const job = {
      library,
      tokenLabel,
      pin,
      certs: [rsa, ec].map((k) => {
        const n = certificateNames(k.certificate);
        return {
          label: k.label,
          id: k.idHex,
          value: hex(k.certificate),
          subject: hex(n.subject),
          issuer: hex(n.issuer),
          serial: hex(n.serial),
        };
      }),
    };
    run(process.execPath, ['-e', CREATE_CERTS, pkcs11jsPath()!], env, JSON.stringify(job));

    process.env.SOFTHSM2_CONF = config;
    return { library, tokenLabel, pin, soPin, config, keys: { rsa, ec }, bare, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** A throw-away self-signed P-256 certificate (DER) whose key is on no token. */
export function strayEcCertificate(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-stray-'));
  try {
    const key = join(dir, 'k.pem');
    run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], process.env);
    return new Uint8Array(
      run(
        'openssl',
        ['req', '-new', '-x509', '-key', key, '-subj', '/CN=stray', '-days', '1', '-outform', 'DER'],
        process.env,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a file of the test-certs directory (e.g. `root-ca.pem`) as DER certificates. */
export function testCertificates(name: string): Uint8Array[] {
  return pemBlocks(readFileSync(join(certsDir, name), 'utf8'), 'CERTIFICATE');
}
