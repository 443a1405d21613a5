/**
 * `kyso serve [--port N] [--host H] [--config FILE]`: the HTTP service (@kyso/server) until SIGTERM/SIGINT.
 * `kyso serve create-key --id ID --unit UNIT [--aliases a,b] [--external-certificates]`: a new API key, printed
 * once, with the configuration entry (its SHA-256) to add to the service's `apiKeys`.
 */
import { API_KEY_SCOPES, createApiKey, runService, ServiceError, type ApiKeyScope } from '@kyso/server';
import { parseCommandArgs, UsageError } from '../usage.js';

/** sysexits: a configuration error, and a service that cannot start (port taken). */
const EX_CONFIG = 78;
const EX_UNAVAILABLE = 69;

export async function serve(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (argv[0] === 'create-key') return createKey(argv.slice(1), out);
  const { values, positionals } = parseCommandArgs('serve', {
    args: argv,
    allowPositionals: true,
    options: { port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' } },
  });
  if (positionals.length) throw new UsageError(`serve takes no arguments (got ${positionals.join(' ')})`);
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be 0-65535 (got ${values.port})`);
  }
  try {
    await runService({ configFile: values.config, port, host: values.host, say: err });
    return 0;
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'SERVICE_CONFIG_INVALID') {
      err(`kyso serve: ${e.code}\n  ${e.messageVi}\n  ${e.messageEn}`);
      return EX_CONFIG;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      err(`kyso serve: cannot listen (${code}): ${(e as Error).message}`);
      return EX_UNAVAILABLE;
    }
    throw e;
  }
}

function createKey(argv: string[], out: (s: string) => void): number {
  const { values } = parseCommandArgs('serve create-key', {
    args: argv,
    options: {
      id: { type: 'string' },
      unit: { type: 'string' },
      aliases: { type: 'string' },
      'external-certificates': { type: 'boolean' },
      scopes: { type: 'string' },
    },
  });
  if (!values.id || !values.unit) throw new UsageError('create-key needs --id ID and --unit UNIT');
  const aliases = (values.aliases ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const scopes = (values.scopes ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (unknown.length)
    throw new UsageError(
      `--scopes takes ${API_KEY_SCOPES.join(', ')} (got ${unknown.join(', ')})`,
      `Tùy chọn --scopes chỉ nhận ${API_KEY_SCOPES.join(', ')}.`,
    );
  const { key, entry } = createApiKey({
    id: values.id,
    unit: values.unit,
    aliases,
    externalCertificates: !!values['external-certificates'],
    scopes: scopes as ApiKeyScope[],
  });
  out(`API key (shown only now; give it to the caller, keep no copy): ${key}`);
  out('Add this entry to "apiKeys" in the service configuration (it holds only the key\'s SHA-256):');
  out(JSON.stringify(entry, null, 2));
  return 0;
}
