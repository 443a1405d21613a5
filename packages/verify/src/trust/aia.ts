/**
 * Fetching a missing issuer from a certificate's AIA caIssuers URL (RFC 5280 §4.2.2.1): a DER or PEM certificate,
 * or a certs-only CMS (application/pkcs7-mime). Off unless the caller turns it on; every fetch has a timeout and a
 * size cap, and a failure is a recorded fact, never an exception. What is fetched is only a chain-building
 * candidate: it is trusted only if the path through it validates to an anchor.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { httpExchange } from '../net/http.js';
import { pemOrDer, toArrayBuffer } from '../revocation/bytes.js';
import type { FetchLike } from '../net/http.js';
import type { TrustCode } from './messages.js';

export interface AiaOptions {
  /** Fetch issuers that are not among the given certificates (default false). */
  enabled?: boolean;
  /** Per request, body included (default 5 s). */
  timeoutMs?: number;
  /** Largest body accepted (default 256 KiB). */
  maxBytes?: number;
  /** Most requests for one path search (default 4). */
  maxFetches?: number;
  fetch?: FetchLike;
}

export type AiaOutcome = 'OK' | Extract<TrustCode, `AIA_${string}`>;

/** One AIA request and what came of it. */
export interface AiaFetch {
  url: string;
  outcome: AiaOutcome;
  /** Certificates read from the answer. */
  certificates: number;
  /** A short English detail (HTTP status, socket error), never response bytes. */
  detail?: string;
}

export const DEFAULT_AIA_TIMEOUT_MS = 5_000;
export const DEFAULT_AIA_MAX_BYTES = 256 << 10;
export const DEFAULT_AIA_MAX_FETCHES = 4;

/** Every certificate in an AIA answer: DER, PEM (one or more blocks) or a certs-only CMS. */
export function parseCaIssuersBody(body: Uint8Array): pkijs.Certificate[] {
  const text = new TextDecoder('latin1').decode(body.subarray(0, Math.min(body.length, 64)));
  const ders: Uint8Array[] = [];
  if (text.includes('-----BEGIN')) {
    const all = new TextDecoder('latin1').decode(body);
    for (const m of all.matchAll(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g))
      ders.push(pemOrDer(new TextEncoder().encode(m[0])));
  } else ders.push(body);
  const out: pkijs.Certificate[] = [];
  for (const der of ders) {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1) continue;
    try {
      out.push(new pkijs.Certificate({ schema: asn.result }));
      continue;
    } catch {
      /* not a certificate: try CMS */
    }
    try {
      const ci = new pkijs.ContentInfo({ schema: asn.result });
      const sd = new pkijs.SignedData({ schema: ci.content });
      for (const c of sd.certificates ?? []) if (c instanceof pkijs.Certificate) out.push(c);
    } catch {
      /* neither */
    }
  }
  return out;
}

/** Fetches one caIssuers URL. Never throws: the record says what happened. */
export async function fetchCaIssuers(
  url: string,
  options: AiaOptions = {},
): Promise<{ certificates: pkijs.Certificate[]; record: AiaFetch }> {
  const fail = (outcome: Exclude<AiaOutcome, 'OK'>, detail?: string) => ({
    certificates: [],
    record: { url, outcome, certificates: 0, ...(detail ? { detail } : {}) },
  });
  if (!/^https?:\/\//i.test(url)) return fail('AIA_UNSUPPORTED_URL');
  const timeoutMs = options.timeoutMs ?? DEFAULT_AIA_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_AIA_MAX_BYTES;
  const r = await httpExchange(url, { method: 'GET' }, { timeoutMs, maxBytes, fetch: options.fetch });
  if (!r.ok) {
    const outcome =
      r.failure === 'timeout'
        ? 'AIA_TIMEOUT'
        : r.failure === 'too-large'
          ? 'AIA_TOO_LARGE'
          : r.failure === 'status' || r.failure === 'empty'
            ? 'AIA_BAD_RESPONSE'
            : 'AIA_UNREACHABLE';
    return fail(outcome, r.detail);
  }
  const certificates = parseCaIssuersBody(r.body);
  if (certificates.length === 0) return fail('AIA_BAD_RESPONSE', 'no certificate in the answer');
  return { certificates, record: { url, outcome: 'OK', certificates: certificates.length } };
}
