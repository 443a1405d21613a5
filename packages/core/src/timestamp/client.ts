/**
 * RFC 3161 over HTTP (§3.4): POST a TimeStampReq, check the answer fully before anyone embeds it — status, nonce,
 * imprint, policy, the TSA certificate's EKU and validity, and the token's signature with its ESS binding.
 * Uses fetch, so it also runs in browsers (where the TSA must allow CORS, or `fetch` goes through a proxy).
 */
import { checkTimestampToken, httpExchange, type FetchLike } from '@kyso/verify';
import { TsaError } from './errors.js';
import type { TimestampHash } from './oids.js';
import { badTokenError, certificateError, signatureError } from './problems.js';
import { buildTimestampRequest } from './request.js';
import { parseTimestampResponse } from './response.js';
import { KysoError } from '@kyso/pdf';

export interface RequestTimestampOptions {
  url: string;
  /** Whole exchange, body included (default 10 000 ms). */
  timeoutMs?: number;
  /** TSA policy OID to request; the token must then carry it. */
  policy?: string;
  /** Default: the global fetch; the service passes its guarded fetch (the TSA's host in its allow-list). */
  fetch?: FetchLike;
  /** Extra HTTP headers (e.g. Authorization for a commercial TSA). */
  headers?: Record<string, string>;
  /** Largest response accepted (default 1 MiB). */
  maxResponseBytes?: number;
}

export interface TimestampResult {
  /** The TimeStampToken ContentInfo DER, ready for the signature-time-stamp unsigned attribute or a DocTimeStamp. */
  token: Uint8Array;
  genTime: Date;
  /** Lowercase hex. */
  serialNumber: string;
  /** DER of the TSA certificate that signed the token. */
  tsaCertificate: Uint8Array;
  /** DER of every certificate the token carries (the TSA's chain, for LTV). */
  certificates: Uint8Array[];
  policy: string;
  status: 'granted' | 'grantedWithMods';
}

export const DEFAULT_TSA_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_TSA_RESPONSE_BYTES = 1 << 20;

export async function requestTimestamp(
  imprint: Uint8Array,
  hash: TimestampHash,
  options: RequestTimestampOptions,
): Promise<TimestampResult> {
  const url = safeUrl(options.url);
  const request = buildTimestampRequest(imprint, hash, { policy: options.policy });
  const { body, contentType } = await post(options, url, request.der);

  let response;
  try {
    response = parseTimestampResponse(body);
  } catch (e) {
    if (e instanceof KysoError) (e.details as Record<string, unknown>).contentType = contentType;
    throw e instanceof KysoError ? withUrl(e, url) : e;
  }
  if (response.status !== 0 && response.status !== 1) {
    throw new TsaError(
      'TSA_REJECTED',
      { url, status: response.statusName, failInfo: response.failInfo, statusText: response.statusText },
      [response.statusName, ...response.failInfo, ...response.statusText].join('; '),
    );
  }
  if (!response.token)
    throw new TsaError('TSA_BAD_RESPONSE', { url, reason: 'granted without a token' }, 'granted without a token');

  // One pass of @kyso/verify's checks; the first problem, in the order a caller can act on, becomes the error.
  const check = await checkTimestampToken(response.token, {
    digest: { hash, value: imprint },
    nonce: request.nonce,
    policy: options.policy,
  });
  const p = check.problems;
  const bad = badTokenError(check.trailingBytes > 0 ? [...p, 'TST_TRAILING_DATA'] : p);
  if (bad || !check.parsed)
    throw new TsaError(
      'TSA_BAD_RESPONSE',
      { url, ...(bad?.details ?? {}) },
      bad?.messageEn ?? 'the token does not parse',
    );
  if (p.includes('TST_NONCE_MISMATCH'))
    throw new TsaError('TSA_NONCE_MISMATCH', { url, sent: request.nonce, received: check.nonce ?? null });
  if (p.includes('TST_IMPRINT_MISMATCH'))
    throw new TsaError('TSA_IMPRINT_MISMATCH', { url, hash, receivedHash: check.hash });
  if (p.includes('TST_POLICY_MISMATCH'))
    throw new TsaError('TSA_POLICY_MISMATCH', { url, requested: options.policy, received: check.policy });
  if (p.includes('TST_CERTIFICATE_NOT_FOUND'))
    throw new TsaError('TSA_NO_CERTIFICATE', { url, certificates: check.certificates.length });
  const certificateProblem = certificateError(p, { url, subject: check.tsaCertificateFacts?.subject });
  if (certificateProblem) throw certificateProblem;
  const signatureProblem = signatureError(p, { url });
  if (signatureProblem) throw signatureProblem;

  return {
    token: response.token,
    genTime: check.genTime!,
    serialNumber: check.serialNumber!,
    tsaCertificate: check.tsaCertificate!,
    certificates: check.certificates,
    policy: check.policy!,
    status: response.status === 0 ? 'granted' : 'grantedWithMods',
  };
}

/** The URL for messages and details, without user:password. Throws TSA_BAD_REQUEST unless http(s). */
function safeUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new TsaError('TSA_BAD_REQUEST', {}, 'the TSA URL is not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new TsaError('TSA_BAD_REQUEST', { protocol: u.protocol }, 'the TSA URL must be http(s)');
  u.username = '';
  u.password = '';
  return u.toString();
}

function withUrl(e: KysoError, url: string): KysoError {
  (e.details as Record<string, unknown>).url ??= url;
  return e;
}

async function post(
  options: RequestTimestampOptions,
  url: string,
  der: Uint8Array,
): Promise<{ body: Uint8Array; contentType?: string }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TSA_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_TSA_RESPONSE_BYTES;
  const headers = new Headers(options.headers);
  headers.set('content-type', 'application/timestamp-query');
  if (!headers.has('accept')) headers.set('accept', 'application/timestamp-reply');
  // options.url, not the redacted one: credentials in the URL are the caller's choice to send.
  const r = await httpExchange(
    options.url,
    { method: 'POST', headers, body: der.slice() },
    { timeoutMs, maxBytes, fetch: options.fetch },
  );
  if (r.ok) return { body: r.body, contentType: r.contentType };
  switch (r.failure) {
    case 'timeout':
      throw new TsaError('TSA_TIMEOUT', { url, timeoutMs }, `no answer within ${timeoutMs} ms`);
    case 'status':
      throw new TsaError('TSA_HTTP_STATUS', { url, status: r.status, contentType: r.contentType }, r.detail);
    case 'too-large':
      throw new TsaError('TSA_BAD_RESPONSE', { url, reason: 'too large', maxBytes }, `larger than ${maxBytes} bytes`);
    case 'empty':
      throw new TsaError('TSA_BAD_RESPONSE', { url, reason: 'empty body', contentType: r.contentType }, 'empty body');
    default:
      throw new TsaError('TSA_UNREACHABLE', { url, ...(r.code ? { refused: r.code } : {}) }, r.detail);
  }
}
