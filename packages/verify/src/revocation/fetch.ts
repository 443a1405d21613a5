/**
 * HTTP transport for OCSP (RFC 6960 Appendix A, POST) and CRLs (RFC 5280 §4.2.1.13), with a timeout and a size
 * cap. Uses the global `fetch` (Node 18+, browsers) unless one is given — a browser app usually passes a fetch
 * that goes through its own proxy, since OCSP responders and CRL servers rarely send CORS headers.
 */
import { isHttpUrl } from './certificates.js';
import { RevocationError } from './messages.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface RevocationFetchOptions {
  /** Whole exchange, body included (default 10 s). */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Largest body accepted (default: 1 MiB for OCSP, 32 MiB for CRLs). */
  maxBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_OCSP_BYTES = 1 << 20;
export const DEFAULT_MAX_CRL_BYTES = 32 << 20;

/** POSTs a DER OCSP request and returns the DER response body. Throws RevocationError on any transport failure. */
export function fetchOcsp(url: string, requestDer: Uint8Array, options: RevocationFetchOptions = {}): Promise<Uint8Array> {
  return exchange(url, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
    body: requestDer.slice(),
  }, options, DEFAULT_MAX_OCSP_BYTES);
}

/** GETs a CRL and returns the body as is (DER, or PEM from some servers). Throws RevocationError on failure. */
export function fetchCrl(url: string, options: RevocationFetchOptions = {}): Promise<Uint8Array> {
  return exchange(url, { method: 'GET', headers: { accept: 'application/pkix-crl' } }, options, DEFAULT_MAX_CRL_BYTES);
}

async function exchange(url: string, init: RequestInit, options: RevocationFetchOptions, defaultMax: number): Promise<Uint8Array> {
  if (!isHttpUrl(url)) throw new RevocationError('REVOCATION_UNSUPPORTED_URL', { url });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? defaultMax;
  const doFetch = options.fetch ?? ((input: string, i?: RequestInit) => globalThis.fetch(input, i));
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    let response: Response;
    try {
      response = await doFetch(url, { ...init, signal: controller.signal, redirect: 'follow', cache: 'no-store' });
    } catch (e) {
      if (timedOut) throw new RevocationError('REVOCATION_TIMEOUT', { url, timeoutMs });
      throw new RevocationError('REVOCATION_UNREACHABLE', { url }, causeText(e));
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new RevocationError('REVOCATION_BAD_RESPONSE', { url, status: response.status }, `HTTP ${response.status}`);
    }
    const body = await readCapped(response, maxBytes, url).catch((e: unknown) => {
      if (e instanceof RevocationError) throw e;
      if (timedOut) throw new RevocationError('REVOCATION_TIMEOUT', { url, timeoutMs });
      throw new RevocationError('REVOCATION_UNREACHABLE', { url }, causeText(e));
    });
    if (body.length === 0) throw new RevocationError('REVOCATION_BAD_RESPONSE', { url }, 'empty body');
    return body;
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const tooLarge = () => new RevocationError('REVOCATION_TOO_LARGE', { url, maxBytes });
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) {
    const all = new Uint8Array(await response.arrayBuffer());
    if (all.length > maxBytes) throw tooLarge();
    return all;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A short reason for logs (Node puts the socket error in `cause`); never the request or response bytes. */
function causeText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${e.message}: ${String(detail)}` : e.message;
}
