/**
 * The one fetch every network client of kyso goes through when it acts on untrusted input: a FetchLike that
 * checks each URL against the FetchPolicy, follows redirects itself (each hop re-checked, few hops), counts a
 * budget (requests, bytes, wall time) for its whole life, and caps requests per host through a shared FetchGate.
 * The connection itself is the transport's: in Node, @kyso/core's `nodeTransport` resolves the name once, asks
 * the AddressGuard about every resolved address and connects to that address (no DNS-rebinding gap); in a
 * browser, `fetchTransport` can only refuse IP literals (the browser resolves names itself).
 */
import {
  anyAddress,
  checkUrl,
  fetchPolicy,
  publicAddressesOnly,
  safeUrlText,
  type AddressGuard,
  type FetchPolicy,
  type FetchPolicyInput,
} from './fetch-policy.js';
import type { FetchLike } from './http.js';
import { FetchError } from './messages.js';
import { dropBody, headerPairs, LightResponse, readerOf, type BodyReader, type HttpResponse } from './response.js';

/**
 * One HTTP exchange, no redirects followed (a 3xx comes back as it is, with its Location), connecting only to
 * addresses `guard` accepts.
 */
export type FetchTransport = (url: string, init: RequestInit, guard: AddressGuard) => Promise<HttpResponse>;

/** A transport over a WHATWG fetch (browsers): redirects are returned, not followed; only URL literals are guarded. */
export function fetchTransport(doFetch: FetchLike = (u, i) => globalThis.fetch(u, i)): FetchTransport {
  return (url, init) => doFetch(url, { ...init, redirect: 'manual' });
}

/** Requests per host at once, shared by every guarded fetch of a process (or worker). */
export class FetchGate {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(readonly perHost: number) {}

  /** Waits for a slot for `hostKey` (or until `signal` aborts); returns the release. */
  async acquire(hostKey: string, signal?: AbortSignal): Promise<() => void> {
    while ((this.running.get(hostKey) ?? 0) >= this.perHost) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const queue = this.waiting.get(hostKey) ?? [];
        const onAbort = () => {
          const i = queue.indexOf(wake);
          if (i >= 0) queue.splice(i, 1);
          reject(signal?.reason);
        };
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        queue.push(wake);
        this.waiting.set(hostKey, queue);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.running.set(hostKey, (this.running.get(hostKey) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.running.get(hostKey) ?? 1) - 1;
      if (n === 0) this.running.delete(hostKey);
      else this.running.set(hostKey, n);
      const queue = this.waiting.get(hostKey);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.waiting.delete(hostKey);
      next?.();
    };
  }
}

/** What a guarded fetch did, for logs and tests. */
export interface FetchStats {
  requests: number;
  bytes: number;
  /** Refused URLs (as safe text) and why. */
  refused: Array<{ url: string; code: string }>;
}

export interface GuardedFetch extends FetchLike {
  readonly policy: FetchPolicy;
  stats(): FetchStats;
}

export interface GuardedFetchOptions {
  policy?: FetchPolicy | FetchPolicyInput;
  transport: FetchTransport;
  /** Share one gate between guarded fetches for a per-host cap across requests (default: a gate of its own). */
  gate?: FetchGate;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function isPolicy(p: FetchPolicy | FetchPolicyInput): p is FetchPolicy {
  return (
    Array.isArray(p.allowPorts) &&
    typeof p.maxRedirects === 'number' &&
    typeof p.perHostConcurrency === 'number' &&
    !!p.budget &&
    typeof p.budget.totalMs === 'number' &&
    typeof p.budget.maxBytes === 'number' &&
    typeof p.budget.maxRequests === 'number'
  );
}

/** A FetchLike with one budget for its whole life: make one per verification or signing request. */
export function guardedFetch(options: GuardedFetchOptions): GuardedFetch {
  const policy = options.policy && isPolicy(options.policy) ? options.policy : fetchPolicy(options.policy);
  const gate = options.gate ?? new FetchGate(policy.perHostConcurrency);
  const stats: FetchStats = { requests: 0, bytes: 0, refused: [] };
  let started: number | undefined;
  // One deadline for the whole budget: aborts whatever runs when the time is up.
  const deadline = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const budgetError = (what: string) => new FetchError('FETCH_BUDGET_EXCEEDED', { limit: what }, `${what} limit`);

  const refuse = (url: string, e: unknown): never => {
    if (e instanceof FetchError) stats.refused.push({ url, code: e.code });
    throw e;
  };

  // Every exchange still running, aborted together when the budget's time is up.
  const active = new Set<AbortController>();
  deadline.signal.addEventListener(
    'abort',
    () => {
      for (const c of active) c.abort(deadline.signal.reason);
    },
    { once: true },
  );

  async function one(
    rawUrl: string,
    init: RequestInit,
    signal: AbortSignal,
    onRelease: () => void,
  ): Promise<HttpResponse> {
    let checked;
    try {
      checked = checkUrl(rawUrl, policy);
    } catch (e) {
      return refuse(rawUrl.slice(0, 200), e);
    }
    const shown = safeUrlText(checked.url);
    if (started === undefined) {
      started = Date.now();
      timer = setTimeout(() => deadline.abort(budgetError('time')), policy.budget.totalMs);
      // A timer must not keep a process alive for a budget nobody uses any more.
      (timer as { unref?: () => void }).unref?.();
    }
    if (deadline.signal.aborted) refuse(shown, budgetError('time'));
    if (stats.requests >= policy.budget.maxRequests) refuse(shown, budgetError('request count'));
    stats.requests++;
    const held = await gate.acquire(checked.hostKey, signal);
    // Held until the body is read or dropped; an abort (the caller's timeout, the budget's deadline) frees it too.
    const release = () => {
      signal.removeEventListener('abort', held);
      held();
      onRelease();
    };
    signal.addEventListener('abort', held, { once: true });
    let response: HttpResponse;
    try {
      signal.throwIfAborted();
      response = await options.transport(
        checked.url.href,
        { ...init, redirect: 'manual', signal },
        checked.allowListed ? anyAddress : publicAddressesOnly,
      );
    } catch (e) {
      release();
      if (e instanceof FetchError) refuse(shown, e);
      throw e;
    }
    if (response.type === 'opaqueredirect') {
      // A browser's manual redirect hides its target: it cannot be checked, so it is not followed.
      release();
      refuse(shown, new FetchError('FETCH_TOO_MANY_REDIRECTS', {}, 'a redirect whose target cannot be checked'));
    }
    if (NULL_BODY.has(response.status)) {
      release();
      return response;
    }
    // Count the body against the byte budget as it is read; the host slot is held until it is read or dropped.
    // (a reader, not a stream: no web stream is made for kyso's own clients, see response.ts)
    const reader = readerOf(response);
    if (!reader) {
      release();
      return response;
    }
    const counted: BodyReader = {
      async read() {
        let chunk: Awaited<ReturnType<BodyReader['read']>>;
        try {
          chunk = await reader.read();
        } catch (e) {
          release();
          throw e;
        }
        if (chunk.done) {
          release();
          return chunk;
        }
        stats.bytes += chunk.value.length;
        if (stats.bytes > policy.budget.maxBytes) {
          release();
          await reader.cancel().catch(() => {});
          throw budgetError('bytes');
        }
        return chunk;
      },
      async cancel(reason) {
        release();
        await reader.cancel(reason).catch(() => {});
      },
    };
    return new LightResponse(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  const fetchFn = async (input: string, init: RequestInit = {}): Promise<HttpResponse> => {
    // The caller's signal and the budget's deadline, together; listeners removed once the answer is read.
    const combined = new AbortController();
    const callerSignal = init.signal ?? undefined;
    const onCaller = () => combined.abort(callerSignal?.reason);
    if (callerSignal?.aborted) onCaller();
    else callerSignal?.addEventListener('abort', onCaller, { once: true });
    if (deadline.signal.aborted) combined.abort(deadline.signal.reason);
    active.add(combined);
    const settle = () => {
      active.delete(combined);
      callerSignal?.removeEventListener('abort', onCaller);
    };
    let final = false;
    let hopReleased = false;
    const onRelease = () => {
      hopReleased = true;
      if (final) settle();
    };
    let url = input;
    let current: RequestInit = { ...init };
    try {
      for (let hop = 0; ; hop++) {
        hopReleased = false;
        const response = await one(url, current, combined.signal, onRelease);
        const location = response.headers.get('location');
        if (!REDIRECTS.has(response.status) || !location) {
          final = true;
          if (hopReleased) settle();
          return response;
        }
        await dropBody(response);
        let next: string;
        try {
          next = new URL(location, url).href;
        } catch {
          throw new FetchError('FETCH_URL_INVALID', {}, 'redirect to a non-URL');
        }
        if (hop + 1 > policy.maxRedirects)
          refuse(next.slice(0, 200), new FetchError('FETCH_TOO_MANY_REDIRECTS', { maxRedirects: policy.maxRedirects }));
        // 303, and 301/302 after a POST, continue as a GET without a body (Fetch standard §4.4).
        const method = (current.method ?? 'GET').toUpperCase();
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          current = { ...current, method: 'GET', body: undefined };
        }
        // Credentials meant for one origin do not follow a redirect to another (as the Fetch standard does).
        if (new URL(next).origin !== new URL(url).origin && current.headers) {
          const headers = headerPairs(current.headers).filter(
            ([name]) => name !== 'authorization' && name !== 'cookie',
          );
          current = { ...current, headers };
        }
        url = next;
      }
    } catch (e) {
      settle();
      throw e;
    }
  };
  return Object.assign(fetchFn, {
    policy,
    stats: (): FetchStats => ({ ...stats, refused: [...stats.refused] }),
  });
}
