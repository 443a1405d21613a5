/**
 * CORS, off by default: only origins listed in `http.cors.origins` get CORS headers, and only their preflights are
 * answered (204); any other preflight is refused (403 problem). API keys travel in headers, never cookies, so
 * credentials are not allowed. Non-browser clients are unaffected: CORS only tells browsers what they may read.
 */
export interface CorsPolicy {
  origins: readonly string[];
  maxAgeSeconds: number;
}

export const CORS_ALLOWED_METHODS = 'GET, POST';
export const CORS_ALLOWED_HEADERS = 'Authorization, X-API-Key, Content-Type, Kyso-Signer-Certificates, X-Request-Id';
/** Response headers a browser page may read besides the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS =
  'Content-Disposition, Kyso-Field-Name, Kyso-Certification-Number, Kyso-Warnings, Kyso-Warnings-Detail, Retry-After, X-Request-Id, WWW-Authenticate';

/** Whether `origin` may call the service from a browser. */
export function corsAllows(policy: CorsPolicy, origin: string): boolean {
  return policy.origins.includes('*') || policy.origins.includes(origin);
}

/** The headers an allowed origin's answers carry. */
export function corsHeaders(policy: CorsPolicy, origin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': policy.origins.includes('*') ? '*' : origin,
    'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS,
  };
}

/** The extra headers of an answered preflight. */
export function preflightHeaders(policy: CorsPolicy): Record<string, string> {
  return {
    'Access-Control-Allow-Methods': CORS_ALLOWED_METHODS,
    'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS,
    'Access-Control-Max-Age': String(policy.maxAgeSeconds),
  };
}
