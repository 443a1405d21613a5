/**
 * Configuration from a JSON file and the environment (the environment wins), validated once at start. With
 * neither a file nor keys it falls back to the development setup (test certificates, a dev API key).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ServiceError } from '../errors.js';
import { configSchema, type ServiceConfig } from './schema.js';
import { developmentSetup, DEV_PASSWORD_ENV, DEV_PASSWORD } from './development.js';

export interface LoadedConfig {
  config: ServiceConfig;
  /** The environment secrets are read from (process.env, plus the dev password in the development setup). */
  env: Record<string, string | undefined>;
  /** True for the development setup (test certificates); the service says so loudly. */
  development: boolean;
  /** Where the configuration came from, for the start-up log. */
  source: string;
  /** The development setup's API key, to print once at start; absent when KYSO_DEV_API_KEY chose it. */
  devApiKey?: string;
}

export interface LoadConfigOptions {
  /** A JSON file; default: $KYSO_CONFIG. */
  file?: string;
  env?: Record<string, string | undefined>;
  /** Values that win over file and environment (command-line flags such as --port). */
  overrides?: { port?: number; host?: string };
  /** Where relative paths of the development setup resolve from (default: the process's working directory). */
  cwd?: string;
}

/** Environment variables the loader reads, and where each one goes. */
const ENV_MAP: { name: string; path: string[]; kind: 'int' | 'string' | 'bool' }[] = [
  { name: 'PORT', path: ['port'], kind: 'int' },
  { name: 'HOST', path: ['host'], kind: 'string' },
  { name: 'KYSO_DATA_DIR', path: ['dataDir'], kind: 'string' },
  { name: 'KYSO_DATABASE', path: ['database', 'path'], kind: 'string' },
  { name: 'KYSO_DATABASE_URL', path: ['database', 'url'], kind: 'string' },
  { name: 'KYSO_LOG_LEVEL', path: ['logLevel'], kind: 'string' },
  { name: 'KYSO_TSA_URL', path: ['signing', 'tsaUrl'], kind: 'string' },
  { name: 'KYSO_MAX_BODY_BYTES', path: ['limits', 'maxBodyBytes'], kind: 'int' },
  { name: 'KYSO_VERIFY_ONLINE', path: ['verification', 'online'], kind: 'bool' },
  { name: 'KYSO_TRUST_PROFILE', path: ['verification', 'trustProfile'], kind: 'string' },
];

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.KYSO_CONFIG;
  let raw: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw configError(`cannot read the configuration file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw configError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw configError(`${file} must hold a JSON object`);
  }
  // The older form (a string, the sessions' SQLite path) as an object, so KYSO_DATABASE_URL can join it.
  if (typeof raw.database === 'string') raw.database = { path: raw.database };
  for (const v of ENV_MAP) {
    const value = env[v.name];
    if (value === undefined || value === '') continue;
    let parsed: unknown = value;
    if (v.kind === 'int') {
      if (!/^\d+$/.test(value)) throw configError(`${v.name} must be a whole number (got "${value}")`);
      parsed = Number(value);
    } else if (v.kind === 'bool') {
      if (!['true', 'false', '1', '0'].includes(value))
        throw configError(`${v.name} must be true or false (got "${value}")`);
      parsed = value === 'true' || value === '1';
    }
    setPath(raw, v.path, parsed);
  }
  if (options.overrides?.port !== undefined) raw.port = options.overrides.port;
  if (options.overrides?.host !== undefined) raw.host = options.overrides.host;

  const hasKeys = raw.keys !== undefined || raw.apiKeys !== undefined;
  const development = !file && !hasKeys;
  let devApiKey: string | undefined;
  if (development) {
    const dev = developmentSetup(env);
    raw = { ...dev.config, ...raw };
    if (!dev.apiKeyFromEnv) devApiKey = dev.apiKey;
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw configError(describeIssues(parsed.error, file ?? 'the environment'));
  const config = parsed.data;
  checkReferences(config);
  // Relative paths in a file are relative to the file, so a deployment can move as one folder.
  const base = file ? dirname(resolve(file)) : resolve(options.cwd ?? process.cwd());
  resolvePaths(config, base);
  return {
    config,
    env: development ? { [DEV_PASSWORD_ENV]: DEV_PASSWORD, ...env } : env,
    development,
    source: development
      ? 'development setup (no configuration given)'
      : file
        ? `file ${file} and the environment`
        : 'the environment',
    devApiKey,
  };
}

/** Reads a secret named by the configuration; never returns it in an error. */
export function readSecret(
  ref: { env?: string; file?: string },
  env: Record<string, string | undefined>,
  what: string,
): string {
  if (ref.env) {
    const v = env[ref.env];
    if (v === undefined) throw configError(`${what}: the environment variable ${ref.env} is not set`);
    return v;
  }
  try {
    return readFileSync(ref.file!, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw configError(`${what}: cannot read ${ref.file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function configError(detail: string): ServiceError {
  return new ServiceError('SERVICE_CONFIG_INVALID', {}, detail);
}

function describeIssues(error: z.ZodError, where: string): string {
  const lines = error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
  return `in ${where}: ${lines.join('; ')}`;
}

/** Aliases named elsewhere in the configuration must exist, and B-T needs a TSA. */
function checkReferences(config: ServiceConfig): void {
  for (const [unit, a] of Object.entries(config.certification.authorities)) {
    if (!config.keys[a.sealKey])
      throw configError(`certification.authorities["${unit}"].sealKey: no key has the alias "${a.sealKey}"`);
  }
  for (const k of config.apiKeys) {
    for (const alias of k.aliases)
      if (!config.keys[alias]) throw configError(`apiKeys "${k.id}": no key has the alias "${alias}"`);
  }
  const level = config.certification.level;
  if (level !== 'auto' && level !== 'B-B' && !config.signing.tsaUrl)
    throw configError(`certification.level ${level} needs signing.tsaUrl`);
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  const parents = path.slice(0, -1);
  const last = path.at(-1);
  if (last === undefined) return;
  let o = obj;
  for (const p of parents) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[last] = value;
}

function resolvePaths(config: ServiceConfig, base: string): void {
  const abs = (p: string): string => (isAbsolute(p) ? p : join(base, p));
  config.dataDir = abs(config.dataDir);
  // With PostgreSQL there is no sessions file; the SQLite path is kept only for the embedded store.
  if (!config.database.url)
    config.database.path = config.database.path
      ? abs(config.database.path)
      : join(config.dataDir, 'sessions', 'sessions.sqlite');
  config.verification.trustRoots = config.verification.trustRoots.map(abs);
  config.certification.register = config.certification.register
    ? abs(config.certification.register)
    : join(config.dataDir, 'register.sqlite');
  for (const [unit, a] of Object.entries(config.certification.authorities)) {
    if (!a.sealImage) continue;
    a.sealImage = abs(a.sealImage);
    if (!existsSync(a.sealImage))
      throw configError(`certification.authorities["${unit}"].sealImage: no file at ${a.sealImage}`);
  }
  // Session data (large, short-lived, anyone with a key can fill it) must not share a directory with the register.
  if (config.database.path && dirname(config.database.path) === dirname(config.certification.register)) {
    throw configError(
      `database.path (${config.database.path}) must be in a directory of its own, not next to the register (certification.register)`,
    );
  }
  for (const key of Object.values(config.keys)) {
    if (key.type === 'pkcs12') {
      key.file = abs(key.file);
      if (key.password.file) key.password.file = abs(key.password.file);
    } else if (key.type === 'pkcs11') {
      if (key.pin.file) key.pin.file = abs(key.pin.file);
      if (key.certificateFile) key.certificateFile = abs(key.certificateFile);
      if (key.chainFiles) key.chainFiles = key.chainFiles.map(abs);
    } else {
      key.certificateFile = abs(key.certificateFile);
      key.chainFiles = key.chainFiles.map(abs);
    }
  }
}
