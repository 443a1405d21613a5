/**
 * The one HTTP exchange of kyso's network clients (OCSP, CRL, AIA caIssuers, TSA): a timeout over the whole
 * exchange, a body cap, and a typed outcome instead of an exception, which each client maps to its own codes.
 * What may be contacted at all is the injected fetch's business (guardedFetch); redirects are left to it too.
 */
import { FetchError } from './messages.js';
import { dropBody, readAll, readerOf, type HttpResponse } from './response.js';

/** A fetch: the global one, or kyso's guarded fetch (whose answers are LightResponses, see response.ts). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<HttpResponse>;

export interface ExchangeOptions {
  /** Whole exchange, body included. */
  timeoutMs: number;
  /** Largest body accepted. */
  maxBytes: number;
  /** Default: the global fetch. */
  fetch?: FetchLike;
}

export type ExchangeFailure = 'timeout' | 'unreachable' | 'refused' | 'status' | 'too-large' | 'empty';

export type ExchangeResult =
  | { ok: true; body: Uint8Array; contentType?: string }
  | {
      ok: false;
      failure: ExchangeFailure;
      /** Short English text (socket error, HTTP status, refusal code), never response bytes. */
      detail: string;
      status?: number;
      contentType?: string;
      /** Set when the guarded fetch refused (failure 'refused', or a budget that ran out mid-body). */
      code?: string;
    };

class TooLarge extends Error {}

/** Sends `init` to `url` and reads the answer within the limits. Never throws. */
export async function httpExchange(url: string, init: RequestInit, options: ExchangeOptions): Promise<ExchangeResult> {
  const doFetch = options.fetch ?? ((input: string, i?: RequestInit) => globalThis.fetch(input, i));
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const failed = (e: unknown): ExchangeResult => {
    const refusal =
      e instanceof FetchError
        ? e
        : (e as { cause?: unknown })?.cause instanceof FetchError
          ? (e as { cause: FetchError }).cause
          : undefined;
    if (refusal) return { ok: false, failure: 'refused', detail: refusal.code, code: refusal.code };
    if (e instanceof TooLarge) return { ok: false, failure: 'too-large', detail: `over ${options.maxBytes} bytes` };
    if (timedOut) return { ok: false, failure: 'timeout', detail: `${options.timeoutMs} ms` };
    return { ok: false, failure: 'unreachable', detail: causeText(e) };
  };
  try {
    let response: HttpResponse;
    try {
      response = await doFetch(url, { ...init, signal: controller.signal, redirect: 'follow', cache: 'no-store' });
    } catch (e) {
      return failed(e);
    }
    const contentType = response.headers.get('content-type')?.slice(0, 100) ?? undefined;
    if (!response.ok) {
      await dropBody(response);
      return {
        ok: false,
        failure: 'status',
        detail: `HTTP ${response.status}`,
        status: response.status,
        ...(contentType ? { contentType } : {}),
      };
    }
    let body: Uint8Array;
    try {
      body = await readCapped(response, options.maxBytes, () => new TooLarge());
    } catch (e) {
      return failed(e);
    }
    if (body.length === 0)
      return { ok: false, failure: 'empty', detail: 'empty body', ...(contentType ? { contentType } : {}) };
    return { ok: true, body, ...(contentType ? { contentType } : {}) };
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a response body, refusing (with `tooLarge()`) anything past `maxBytes`, declared or streamed. */
export async function readCapped(response: HttpResponse, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await dropBody(response);
    throw tooLarge();
  }
  const reader = readerOf(response);
  if (reader) return readAll(reader, maxBytes, tooLarge);
  // no stream (a minimal fetch): the bytes as one piece
  const all = new Uint8Array(await response.arrayBuffer());
  if (all.length > maxBytes) throw tooLarge();
  return all;
}

/** A short reason for a failed request (Node puts the socket error in `cause`); never request or response bytes. */
export function causeText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${e.message}: ${String(detail)}` : e.message;
}
