/**
 * HTTP transport for OCSP (RFC 6960 Appendix A, POST) and CRLs (RFC 5280 §4.2.1.13), with a timeout and a size
 * cap. Uses the global `fetch` (Node 18+, browsers) unless one is given — a browser app usually passes a fetch
 * that goes through its own proxy, since OCSP responders and CRL servers rarely send CORS headers.
 */
import { httpExchange, type FetchLike } from '../net/http.js';
import { isHttpUrl } from './certificates.js';
import { RevocationError } from './messages.js';

export type { FetchLike };

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
export function fetchOcsp(
  url: string,
  requestDer: Uint8Array,
  options: RevocationFetchOptions = {},
): Promise<Uint8Array> {
  return exchange(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: requestDer.slice(),
    },
    options,
    DEFAULT_MAX_OCSP_BYTES,
  );
}

/** GETs a CRL and returns the body as is (DER, or PEM from some servers). Throws RevocationError on failure. */
export function fetchCrl(url: string, options: RevocationFetchOptions = {}): Promise<Uint8Array> {
  return exchange(url, { method: 'GET', headers: { accept: 'application/pkix-crl' } }, options, DEFAULT_MAX_CRL_BYTES);
}

async function exchange(
  url: string,
  init: RequestInit,
  options: RevocationFetchOptions,
  defaultMax: number,
): Promise<Uint8Array> {
  if (!isHttpUrl(url)) throw new RevocationError('REVOCATION_UNSUPPORTED_URL', { url });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? defaultMax;
  const r = await httpExchange(url, init, { timeoutMs, maxBytes, fetch: options.fetch });
  if (r.ok) return r.body;
  switch (r.failure) {
    case 'timeout':
      throw new RevocationError('REVOCATION_TIMEOUT', { url, timeoutMs });
    case 'too-large':
      throw new RevocationError('REVOCATION_TOO_LARGE', { url, maxBytes });
    case 'status':
      throw new RevocationError('REVOCATION_BAD_RESPONSE', { url, status: r.status }, r.detail);
    case 'empty':
      throw new RevocationError('REVOCATION_BAD_RESPONSE', { url }, r.detail);
    default:
      // Unreachable, or refused by the fetch policy (the refusal code is the detail): nothing was learnt.
      throw new RevocationError('REVOCATION_UNREACHABLE', { url, ...(r.code ? { refused: r.code } : {}) }, r.detail);
  }
}
