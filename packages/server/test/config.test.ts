import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKeyHash, loadConfig, ServiceError } from '@kyso/server';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function configFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-config-'));
  dirs.push(dir);
  const file = join(dir, 'kyso.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function refusal(f: () => unknown): ServiceError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceError);
    expect((e as ServiceError).code).toBe('SERVICE_CONFIG_INVALID');
    return e as ServiceError;
  }
  throw new Error('expected a configuration error');
}

const seal = { type: 'pkcs12', file: 'seal.p12', password: { env: 'SEAL_PW' } };

describe('loadConfig', () => {
  it('reads the file, lets the environment win, and resolves paths relative to the file', () => {
    const file = configFile({
      port: 9000,
      dataDir: 'state',
      keys: { seal },
      apiKeys: [{ id: 'a', unit: 'U', sha256: apiKeyHash('k'), aliases: ['seal'] }],
    });
    const { config, development } = loadConfig({ file, env: { PORT: '9100', KYSO_LOG_LEVEL: 'warn' } });
    expect(development).toBe(false);
    expect(config.port).toBe(9100);
    expect(config.host).toBe('127.0.0.1');
    expect(config.logLevel).toBe('warn');
    const dir = join(file, '..');
    expect(config.dataDir).toBe(join(dir, 'state'));
    expect(config.database.path).toBe(join(dir, 'state', 'sessions', 'sessions.sqlite'));
    expect(config.certification.register).toBe(join(dir, 'state', 'register.sqlite'));
    expect(config.keys.seal).toMatchObject({ type: 'pkcs12', file: join(dir, 'seal.p12') });
    expect(config.access).toEqual({ verify: 'public', feeQuote: 'public', registerLookup: 'public' });
    expect(config.apiKeys[0].externalCertificates).toBe(false);
  });

  it('names the bad value: a wrong type, an unknown field, a bad hash, an alias that does not exist, a bad PORT', () => {
    expect(
      refusal(() => loadConfig({ file: configFile({ limits: { maxBodyBytes: 'lots' }, apiKeys: [] }), env: {} }))
        .messageEn,
    ).toMatch(/limits\.maxBodyBytes/);
    expect(refusal(() => loadConfig({ file: configFile({ prot: 80 }), env: {} })).messageEn).toMatch(/prot/);
    expect(
      refusal(() => loadConfig({ file: configFile({ apiKeys: [{ id: 'a', unit: 'U', sha256: 'abc' }] }), env: {} }))
        .messageEn,
    ).toMatch(/apiKeys\.0\.sha256/);
    expect(
      refusal(() =>
        loadConfig({
          file: configFile({ apiKeys: [{ id: 'a', unit: 'U', sha256: apiKeyHash('k'), aliases: ['nope'] }] }),
          env: {},
        }),
      ).messageEn,
    ).toMatch(/apiKeys "a": no key has the alias "nope"/);
    expect(
      refusal(() => loadConfig({ file: configFile({ keys: { seal: { ...seal, password: {} } } }), env: {} })).messageEn,
    ).toMatch(/keys\.seal\.password/);
    expect(refusal(() => loadConfig({ file: configFile({}), env: { PORT: 'http' } })).messageEn).toContain(
      'PORT must be a whole number (got "http")',
    );
    expect(refusal(() => loadConfig({ file: configFile('{ not json'), env: {} })).messageEn).toMatch(/not valid JSON/);
    expect(refusal(() => loadConfig({ file: join(tmpdir(), 'no-such-kyso.json'), env: {} })).messageEn).toMatch(
      /cannot read the configuration file .*ENOENT/,
    );
    expect(
      refusal(() => loadConfig({ file: configFile({ certification: { level: 'B-T' } }), env: {} })).messageEn,
    ).toMatch(/needs signing\.tsaUrl/);
    expect(
      refusal(() => loadConfig({ file: configFile({ certification: { level: 'B-LTA' } }), env: {} })).messageEn,
    ).toMatch(/B-LTA needs signing\.tsaUrl/);
    expect(
      refusal(() => loadConfig({ file: configFile({ certification: { rsaScheme: 'rsa-oaep' } }), env: {} })).messageEn,
    ).toMatch(/certification\.rsaScheme/);
    const noSeal = {
      keys: { seal },
      certification: { authorities: { U: { name: 'UBND', sealKey: 'seal', sealImage: 'no-such-seal.png' } } },
    };
    expect(refusal(() => loadConfig({ file: configFile(noSeal), env: {} })).messageEn).toMatch(
      /sealImage: no file at .*no-such-seal\.png/,
    );
    expect(
      refusal(() =>
        loadConfig({
          file: configFile({
            certification: { authorities: { U: { name: 'UBND', sealKey: 'seal', sealSizeMm: 200 } } },
          }),
          env: {},
        }),
      ).messageEn,
    ).toMatch(/sealSizeMm/);
    const vi = refusal(() => loadConfig({ file: configFile({ port: -1 }), env: {} })).messageVi;
    expect(vi).toContain('Cấu hình dịch vụ không hợp lệ.');
  });

  it('the fetch policy: defaults, and an allow-list entry must be host or host:port', () => {
    const { config } = loadConfig({
      file: configFile({ apiKeys: [], fetch: { allowHosts: ['ocsp.internal:8080', '[::1]:39601', '10.0.0.5'] } }),
      env: {},
    });
    expect(config.fetch).toEqual({
      allowHosts: ['ocsp.internal:8080', '[::1]:39601', '10.0.0.5'],
      allowPorts: [80, 443],
      maxRedirects: 3,
      perHostConcurrency: 2,
      budget: { maxRequests: 32, maxBytes: 48 * 1024 * 1024, totalMs: 30_000 },
    });
    expect(
      refusal(() => loadConfig({ file: configFile({ fetch: { allowHosts: ['http://ocsp.internal/'] } }), env: {} }))
        .messageEn,
    ).toMatch(/fetch\.allowHosts\.0/);
    expect(refusal(() => loadConfig({ file: configFile({ fetch: { maxRedirects: 50 } }), env: {} })).messageEn).toMatch(
      /fetch\.maxRedirects/,
    );
    expect(
      refusal(() => loadConfig({ file: configFile({ fetch: { budget: { maxRequests: 0 } } }), env: {} })).messageEn,
    ).toMatch(/fetch\.budget\.maxRequests/);
  });

  it('resources: the per-request limits default to 512 MiB decoded, 100 M pixels, nice 10, a 1024 MB worker heap; bad values are named', () => {
    const { config } = loadConfig({ file: configFile({ keys: { seal } }), env: { SEAL_PW: 'x' } });
    expect(config.resources).toEqual({
      maxDecodedBytes: 512 * 1024 * 1024,
      maxDecodedPixels: 100_000_000,
      workerNice: 10,
      workerResourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    const set = loadConfig({
      file: configFile({
        keys: { seal },
        resources: {
          maxDecodedBytes: 1 << 20,
          jobTimeoutMs: 5000,
          workerNice: 0,
          workerResourceLimits: { maxOldGenerationSizeMb: 256, stackSizeMb: 8 },
        },
      }),
      env: { SEAL_PW: 'x' },
    }).config.resources;
    expect(set).toEqual({
      maxDecodedBytes: 1 << 20,
      maxDecodedPixels: 100_000_000,
      jobTimeoutMs: 5000,
      workerNice: 0,
      workerResourceLimits: { maxOldGenerationSizeMb: 256, stackSizeMb: 8 },
    });
    expect(
      refusal(() => loadConfig({ file: configFile({ keys: { seal }, resources: { workerNice: 20 } }), env: {} }))
        .messageEn,
    ).toMatch(/resources\.workerNice/);
    expect(
      refusal(() => loadConfig({ file: configFile({ keys: { seal }, resources: { maxDecodedBytes: 0 } }), env: {} }))
        .messageEn,
    ).toMatch(/resources\.maxDecodedBytes/);
    expect(
      refusal(() =>
        loadConfig({
          file: configFile({ keys: { seal }, resources: { workerResourceLimits: { heapMb: 1 } } }),
          env: {},
        }),
      ).messageEn,
    ).toMatch(/resources\.workerResourceLimits/);
  });

  it('API-key scopes (default none; reports, reports:all) and the deadline calendar (defaults, HH:MM, dates)', () => {
    const key = { id: 'a', unit: 'U', sha256: apiKeyHash('k'), aliases: ['seal'] };
    const { config } = loadConfig({
      file: configFile({ keys: { seal }, apiKeys: [key, { ...key, id: 'b', scopes: ['reports:all'] }] }),
      env: {},
    });
    expect(config.apiKeys.map((k) => k.scopes)).toEqual([[], ['reports:all']]);
    expect(config.certification.deadlines).toEqual({
      weekend: [0, 6],
      extraDaysOff: [],
      extraWorkdays: [],
      cutoff: '15:00',
      closeOfBusiness: '17:00',
    });
    const withDeadlines = loadConfig({
      file: configFile({
        keys: { seal },
        apiKeys: [key],
        certification: { deadlines: { weekend: [0], extraDaysOff: ['2026-09-03'], cutoff: '16:30' } },
      }),
      env: {},
    });
    expect(withDeadlines.config.certification.deadlines).toMatchObject({
      weekend: [0],
      extraDaysOff: ['2026-09-03'],
      cutoff: '16:30',
      closeOfBusiness: '17:00',
    });
    refusal(() =>
      loadConfig({ file: configFile({ keys: { seal }, apiKeys: [{ ...key, scopes: ['admin'] }] }), env: {} }),
    );
    refusal(() =>
      loadConfig({
        file: configFile({ keys: { seal }, apiKeys: [key], certification: { deadlines: { cutoff: '25:00' } } }),
        env: {},
      }),
    );
    refusal(() =>
      loadConfig({
        file: configFile({
          keys: { seal },
          apiKeys: [key],
          certification: { deadlines: { extraDaysOff: ['03/09/2026'] } },
        }),
        env: {},
      }),
    );
  });

  it('database: url (PostgreSQL; no sessions file), the older string form, the environment, pool defaults, bad values named', () => {
    const base = { keys: { seal }, apiKeys: [{ id: 'a', unit: 'U', sha256: apiKeyHash('k'), aliases: ['seal'] }] };
    const pg = loadConfig({
      file: configFile({ ...base, database: { url: 'postgres://kyso@db.internal:5432/kyso', poolSize: 4 } }),
      env: {},
    }).config;
    expect(pg.database).toEqual({
      url: 'postgres://kyso@db.internal:5432/kyso',
      poolSize: 4,
      statementTimeoutMs: 30_000,
    });
    const older = configFile({ ...base, database: 'state/s.sqlite' });
    expect(loadConfig({ file: older, env: {} }).config.database).toEqual({
      path: join(older, '..', 'state', 's.sqlite'),
      poolSize: 10,
      statementTimeoutMs: 30_000,
    });
    // The environment's URL joins the file's older form: PostgreSQL needs no path, and both together are refused.
    expect(
      refusal(() => loadConfig({ file: older, env: { KYSO_DATABASE_URL: 'postgresql://kyso@h/k' } })).message,
    ).toContain('give url (PostgreSQL) or path (SQLite), not both');
    const fromEnv = loadConfig({ file: configFile(base), env: { KYSO_DATABASE_URL: 'postgresql://kyso@h/k' } }).config
      .database;
    expect(fromEnv.url).toBe('postgresql://kyso@h/k');
    expect(fromEnv.path).toBeUndefined();
    expect(
      refusal(() => loadConfig({ file: configFile({ ...base, database: { url: 'mysql://x/y' } }), env: {} })).message,
    ).toContain('database.url');
    expect(
      refusal(() =>
        loadConfig({ file: configFile({ ...base, database: { url: 'postgres://h/k', poolSize: 0 } }), env: {} }),
      ).message,
    ).toContain('database.poolSize');
  });

  it('with neither a file nor keys gives the development setup: test certificates, a dev API key, ./data', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'kyso-dev-'));
    dirs.push(cwd);
    const loaded = loadConfig({ env: {}, cwd });
    expect(loaded.development).toBe(true);
    expect(Object.keys(loaded.config.keys)).toEqual(['signer', 'seal']);
    expect(loaded.config.dataDir).toBe(join(cwd, 'data'));
    expect(loaded.devApiKey).toMatch(/^kyso_[A-Za-z0-9_-]{43}$/);
    expect(loaded.config.apiKeys[0].sha256).toBe(apiKeyHash(loaded.devApiKey!));
    // A chosen dev key is not printed again.
    const chosen = loadConfig({ env: { KYSO_DEV_API_KEY: 'kyso_chosen' }, cwd });
    expect(chosen.devApiKey).toBeUndefined();
    expect(chosen.config.apiKeys[0].sha256).toBe(apiKeyHash('kyso_chosen'));
  });
});
