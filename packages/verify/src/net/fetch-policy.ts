/**
 * The fetch policy as data — which URLs kyso may fetch on behalf of a document (OCSP, CRL, AIA caIssuers) or of
 * its operator (the TSA) — and the checks on a URL before any connection: scheme, port, allow-list, and the
 * address range of an IP literal. Host names are checked after resolution by the transport (see AddressGuard).
 */
import { classifyAddress, type AddressRange } from './address.js';
import { FetchError } from './messages.js';

export interface FetchBudget {
  /** Most HTTP requests (every redirect hop counts). */
  maxRequests: number;
  /** Most response-body bytes, all requests together. */
  maxBytes: number;
  /** Wall time from the first request; later requests are refused and running ones aborted. */
  totalMs: number;
}

export interface FetchPolicy {
  /**
   * The operator's own services, `host:port` (or `host` for the allowed ports; IPv6 as `[::1]:8080`): fetched on
   * any port named there and whatever address they resolve to — e.g. an OCSP responder on 127.0.0.1.
   */
  allowHosts: readonly string[];
  /** Ports allowed for every other host (default 80 and 443). */
  allowPorts: readonly number[];
  /** Redirect hops followed per request, each re-checked (default 3). */
  maxRedirects: number;
  /** Requests to one host (host:port) at once, across all users of one FetchGate (default 2). */
  perHostConcurrency: number;
  /** Per guarded fetch (one verification, one signing request). */
  budget: FetchBudget;
}

export interface FetchPolicyInput extends Partial<Omit<FetchPolicy, 'budget'>> {
  budget?: Partial<FetchBudget>;
}

export const DEFAULT_FETCH_BUDGET: FetchBudget = { maxRequests: 32, maxBytes: 48 << 20, totalMs: 30_000 };

export const DEFAULT_FETCH_POLICY: FetchPolicy = {
  allowHosts: [],
  allowPorts: [80, 443],
  maxRedirects: 3,
  perHostConcurrency: 2,
  budget: DEFAULT_FETCH_BUDGET,
};

/** The policy with defaults filled in. */
export function fetchPolicy(input: FetchPolicyInput = {}): FetchPolicy {
  return {
    ...DEFAULT_FETCH_POLICY,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    allowHosts: (input.allowHosts ?? []).map((h) => h.trim().toLowerCase()),
    budget: {
      ...DEFAULT_FETCH_BUDGET,
      ...Object.fromEntries(Object.entries(input.budget ?? {}).filter(([, v]) => v !== undefined)),
    },
  };
}

/** A URL the policy lets through, with the facts the transport needs. */
export interface CheckedUrl {
  url: URL;
  /** `host:port` as compared with allowHosts (lower case, IPv6 in brackets, port always written). */
  hostKey: string;
  /** Named in allowHosts: any resolved address is accepted. */
  allowListed: boolean;
}

function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}

/** Checks a URL against the policy; throws FetchError (nothing was contacted) when it may not be fetched. */
export function checkUrl(input: string | URL, policy: FetchPolicy): CheckedUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new FetchError('FETCH_URL_INVALID', {}, 'not a URL');
  }
  const shown = safeUrlText(url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FetchError('FETCH_SCHEME_REFUSED', { url: shown, scheme: url.protocol });
  const host = url.hostname.toLowerCase();
  const port = url.port ? Number(url.port) : defaultPort(url.protocol);
  const hostKey = `${host}:${port}`;
  const allowListed =
    policy.allowHosts.includes(hostKey) || (policy.allowHosts.includes(host) && policy.allowPorts.includes(port));
  if (!allowListed) {
    if (!policy.allowPorts.includes(port)) throw new FetchError('FETCH_PORT_REFUSED', { url: shown, port });
    const literal = classifyAddress(host);
    if (literal && literal.range !== 'public')
      throw new FetchError('FETCH_ADDRESS_REFUSED', { url: shown, range: literal.range });
  }
  return { url, hostKey, allowListed };
}

/**
 * What a transport asks of every address it is about to connect to (after DNS, before connecting): null when the
 * address may be used, else the range that refuses it.
 */
export type AddressGuard = (address: string) => Exclude<AddressRange, 'public'> | 'not-an-address' | null;

/** The guard for hosts that are not allow-listed: global unicast only. */
export const publicAddressesOnly: AddressGuard = (address) => {
  const c = classifyAddress(address);
  if (!c) return 'not-an-address';
  return c.range === 'public' ? null : c.range;
};

/** The guard for allow-listed hosts. */
export const anyAddress: AddressGuard = () => null;

/** A URL for messages and logs: no user:password, no query (it may carry tokens). */
export function safeUrlText(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
