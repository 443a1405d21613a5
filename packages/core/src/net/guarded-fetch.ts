/**
 * The Node transport of @kyso/verify's guarded fetch: node:http/https with a `lookup` that resolves the name once,
 * asks the AddressGuard about every address it got, and hands the connection exactly the address it checked — so
 * a name cannot resolve to a public address for the check and to 127.0.0.1 for the connection (DNS rebinding).
 * IP literals (which Node connects to without a lookup) are checked before the request. Redirects are returned,
 * not followed: the guarded fetch follows them, checking each hop.
 */
import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import {
  classifyAddress,
  FetchError,
  FetchGate,
  guardedFetch,
  headerPairs,
  LightHeaders,
  LightResponse,
  type AddressGuard,
  type BodyReader,
  type FetchPolicy,
  type FetchPolicyInput,
  type FetchTransport,
  type GuardedFetch,
} from '@kyso/verify';

const NULL_BODY = new Set([204, 205, 304]);

/** A lookup that only ever yields addresses `guard` accepts; any refused address refuses the whole name. */
function guardedLookup(guard: AddressGuard, host: string, resolve: typeof dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return (callback as (e: Error) => void)(err);
      const list = addresses ?? [];
      // A name with one internal address among public ones is refused too: the connection could pick any.
      const refused = list.map((a) => ({ a, why: guard(a.address) })).find((x) => x.why !== null);
      const [first] = list;
      if (!first || refused) {
        const e = new FetchError(
          'FETCH_ADDRESS_REFUSED',
          { host, range: refused?.why ?? 'none' },
          `${host} resolves to a ${refused?.why ?? 'missing'} address`,
        );
        return (callback as (e: Error) => void)(e);
      }
      if ((options as { all?: boolean }).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
      (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
    });
  };
}

function toHeaders(res: IncomingMessage): LightHeaders {
  const h = new LightHeaders();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
  }
  return h;
}

/**
 * Node's message read chunk by chunk: its own async iterator, not Readable.toWeb (whose web streams cost ~2 ms to
 * load in a one-file `kyso verify --online`). A failed or aborted message rejects the pending read.
 */
function messageReader(res: IncomingMessage): BodyReader {
  const chunks = res[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return {
    async read() {
      const next = await chunks.next();
      return next.done ? { done: true } : { done: false, value: next.value };
    },
    async cancel() {
      res.destroy();
      await chunks.return?.();
    },
  };
}

function bodyBytes(body: RequestInit['body']): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  throw new TypeError('the guarded Node transport sends bytes or strings only');
}

/**
 * One HTTP(S) exchange over Node, connecting only to addresses `guard` accepts; redirects come back unfollowed. The
 * answer is a LightResponse: no WHATWG Headers or Response is made, so undici is never loaded (@kyso/verify's
 * net/response.ts).
 */
export const nodeTransport: FetchTransport = async (url, init, guard) => {
  const u = new URL(url);
  // Node's HTTP client and resolver are loaded at the first request, not with @kyso/core: a command that signs
  // without asking a server (`kyso sign --revocation off`) never loads them (~2 ms). node:https (and node:tls under
  // it) only for https URLs: revocation data is mostly fetched over http (~1 MB of RSS).
  const send = u.protocol === 'https:' ? (await import('node:https')).request : (await import('node:http')).request;
  const { lookup } = await import('node:dns');
  return new Promise<LightResponse>((resolve, reject) => {
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    // Node connects to an IP literal without calling lookup: check it here.
    if (classifyAddress(host)) {
      const why = guard(host);
      if (why !== null) return reject(new FetchError('FETCH_ADDRESS_REFUSED', { host, range: why }));
    }
    const body = bodyBytes(init.body);
    const headers: Record<string, string> = {};
    new LightHeaders(headerPairs(init.headers)).forEach((v, k) => {
      headers[k] = v; // repeated names joined as the Fetch standard does
    });
    if (body) headers['content-length'] = String(body.length);
    const req = send(
      u,
      {
        method: init.method ?? 'GET',
        headers,
        lookup: guardedLookup(guard, host, lookup),
        // A fresh connection per request: no pooled socket outlives the check that opened it.
        agent: false,
        signal: init.signal ?? undefined,
      },
      (res) => {
        const status = res.statusCode ?? 502;
        const responseHeaders = toHeaders(res);
        if (NULL_BODY.has(status) || status < 200) {
          res.resume();
          resolve(new LightResponse(null, { status: status < 200 ? 502 : status, headers: responseHeaders }));
          return;
        }
        resolve(
          new LightResponse(messageReader(res), { status, statusText: res.statusMessage, headers: responseHeaders }),
        );
      },
    );
    // An abort rejects with its reason (the caller's timeout, or the budget's FetchError), not Node's AbortError.
    req.on('error', (e) =>
      reject(
        init.signal?.aborted
          ? init.signal.reason
          : e instanceof FetchError
            ? e
            : Object.assign(new Error(e.message), { cause: e }),
      ),
    );
    req.end(body);
  });
};

/** The guarded fetch over Node: `policy`'s checks, the resolved-address check, one budget. One per request. */
export function nodeGuardedFetch(policy: FetchPolicy | FetchPolicyInput = {}, gate?: FetchGate): GuardedFetch {
  return guardedFetch({ policy, transport: nodeTransport, gate });
}

export { FetchGate };
