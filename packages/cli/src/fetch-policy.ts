/**
 * The command line's fetch policy, in a module that imports no library: `kyso verify` builds its fetch from
 * @kyso/core/guarded-fetch (bundled with the verifier, commands/verify.ts), the signing commands from @kyso/core
 * (signing-support.ts), so neither loads the other's copy of the code.
 */
import { UsageError } from './usage.js';

/**
 * What a command fetches for a document (OCSP, CRL, AIA of its certificates): through the guarded fetch — http(s),
 * ports 80/443, public addresses only (checked after resolution), few redirects, one budget for the run. Hosts the
 * user names are allowed whatever their address: `--allow-host HOST:PORT`, KYSO_FETCH_ALLOW_HOSTS (comma-separated)
 * and the --tsa URL's host.
 */
export function cliFetchOptions(
  allowHosts: readonly string[] | undefined,
  namedUrls: ReadonlyArray<string | undefined> = [],
): { allowHosts: string[]; budget: { maxRequests: number; totalMs: number } } {
  const env = (process.env.KYSO_FETCH_ALLOW_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const named: string[] = [];
  for (const u of namedUrls) {
    if (!u) continue;
    try {
      const url = new URL(u);
      named.push(`${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`);
    } catch {
      /* reported by the option's own check */
    }
  }
  for (const h of allowHosts ?? [])
    if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s/]+)(:\d{1,5})?$/.test(h))
      throw new UsageError(`--allow-host wants HOST or HOST:PORT, got '${h}'`);
  // A command line run may cover many signatures: a larger budget than the service's per request.
  return { allowHosts: [...(allowHosts ?? []), ...env, ...named], budget: { maxRequests: 256, totalMs: 600_000 } };
}
