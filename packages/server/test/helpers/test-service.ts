/**
 * A real kyso service on 127.0.0.1 and a random port for tests: a configuration file in a scratch directory, the
 * test certificates under aliases, a set of API keys with different rights, and the log lines captured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leafPem } from '../../../../tests/helpers/pki-servers.js';
import { createApiKey, loadConfig, startService, type RunningService, type ServiceConfigInput } from '@kyso/server';

export const TEST_CERTS = fileURLToPath(new URL('../../../../test-certs/', import.meta.url));
export const PASSWORD_ENV = 'KYSO_TEST_P12_PASSWORD';
/** Where test-certs' certificates send OCSP and CRL/caIssuers requests (tests/helpers/pki-servers.ts serves them). */
export const TEST_PKI_HOSTS = ['127.0.0.1:39601', '127.0.0.1:39602'];

/**
 * Keys for the tests: `full` may sign with everything, supply certificates and read the register and the journal;
 * `signerOnly` only signs with "signer" (no read scope); `otherUnit` is another unit's, with both read scopes.
 */
export interface TestKeys {
  full: string;
  signerOnly: string;
  otherUnit: string;
}

export interface TestService extends RunningService {
  keys: TestKeys;
  dataDir: string;
  configFile: string;
  /** The JSON log lines written so far. */
  logs: string[];
  /** A new service on the same configuration and database (a restart, or a second instance). */
  restart(options?: { now?: () => number }): Promise<TestService>;
  /** Stops the service and removes its data directory. */
  stop(): Promise<void>;
}

export interface TestServiceOptions {
  config?: Partial<ServiceConfigInput>;
  now?: () => number;
  env?: Record<string, string>;
}

export function makeKeys(): { keys: TestKeys; entries: NonNullable<ServiceConfigInput['apiKeys']> } {
  const full = createApiKey({
    id: 'full',
    unit: 'UBND phường Kinh Bắc',
    aliases: ['signer', 'seal', 'signer-ec', 'officer'],
    externalCertificates: true,
    scopes: ['register:read', 'register:close', 'journal:read'],
  });
  const signerOnly = createApiKey({
    id: 'signer-only',
    unit: 'UBND phường Kinh Bắc',
    aliases: ['signer'],
    externalCertificates: false,
  });
  const otherUnit = createApiKey({
    id: 'other-unit',
    unit: 'UBND phường Đông Ngàn',
    aliases: ['signer'],
    externalCertificates: true,
    scopes: ['register:read', 'journal:read'],
  });
  return {
    keys: { full: full.key, signerOnly: signerOnly.key, otherUnit: otherUnit.key },
    entries: [full.entry, signerOnly.entry, otherUnit.entry],
  };
}

/**
 * The configuration every test service starts from (in process or as a child): the test PKI's keys, the API keys of
 * makeKeys, one authority; `dataDir` is the test's own.
 */
export function baseTestConfig(
  dataDir: string,
  entries: NonNullable<ServiceConfigInput['apiKeys']>,
): ServiceConfigInput {
  const p12 = (name: string) => ({
    type: 'pkcs12' as const,
    file: join(TEST_CERTS, name),
    password: { env: PASSWORD_ENV },
  });
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'info',
    keys: {
      signer: p12('signer.p12'),
      seal: p12('seal.p12'),
      'signer-ec': p12('signer-ec.p12'),
      // The officer's key is on a token elsewhere: the service knows only the certificate (two-step signing).
      officer: {
        type: 'external',
        certificateFile: leafPem('signer').cert,
        chainFiles: [join(TEST_CERTS, 'intermediate-ca.pem')],
      },
    },
    apiKeys: entries,
    signing: { revocation: 'require' },
    verification: { trustRoots: [join(TEST_CERTS, 'root-ca.pem')] },
    certification: {
      authorities: {
        'UBND phường Kinh Bắc': { name: 'Ủy ban nhân dân phường Kinh Bắc', sealKey: 'seal', location: 'Bắc Ninh' },
      },
    },
  };
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kyso-service-'));
  const { keys, entries } = makeKeys();
  const config: ServiceConfigInput = {
    ...baseTestConfig(dataDir, entries),
    ...options.config,
    // The test PKI's OCSP responder and CA server (test-certs name them) are the operator's own services here.
    fetch: { ...options.config?.fetch, allowHosts: [...TEST_PKI_HOSTS, ...(options.config?.fetch?.allowHosts ?? [])] },
  };
  const configFile = join(dataDir, 'kyso.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const env = { [PASSWORD_ENV]: 'kyso-test', ...options.env };
  return launch({ configFile, env, keys, dataDir, now: options.now });
}

async function launch(args: {
  configFile: string;
  env: Record<string, string>;
  keys: TestKeys;
  dataDir: string;
  now?: () => number;
}): Promise<TestService> {
  const logs: string[] = [];
  const loaded = loadConfig({ file: args.configFile, env: args.env });
  const running = await startService(loaded, {
    logDestination: { write: (line: string) => void logs.push(line) },
    now: args.now,
  });
  return Object.assign(running, {
    keys: args.keys,
    dataDir: args.dataDir,
    configFile: args.configFile,
    logs,
    restart: (o: { now?: () => number } = {}) => launch({ ...args, now: o.now ?? args.now }),
    stop: async () => {
      await running.close();
      rmSync(args.dataDir, { recursive: true, force: true });
    },
  });
}

/** Authorization header for `key`. */
export const bearer = (key: string): Record<string, string> => ({ Authorization: `Bearer ${key}` });

/** POSTs a PDF. */
export function postPdf(url: string, pdf: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/pdf', ...headers }, body: pdf });
}
