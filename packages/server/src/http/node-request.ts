/**
 * What the service reads from Node's own request and writes to its own response, giving the values Express's
 * helpers give (req.get, req.ip, req.query, res.status().type().send() of a problem). A route served on Node's
 * request and response (`plain` routes, app.ts) uses these instead of Express's prototypes; the rest of app.ts
 * uses them too, so both ways answer alike.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import proxyaddr from 'proxy-addr';

/** A request header by its lower-case name (as Express's req.get, for the single-valued headers the service reads). */
export function header(req: IncomingMessage, lowerCaseName: string): string | undefined {
  const v = req.headers[lowerCaseName];
  return typeof v === 'string' ? v : undefined;
}

/** Whether a proxy hop is trusted: Express's compiled `trust proxy` setting (app.get('trust proxy fn')). */
export type TrustProxy = (address: string, hop: number) => boolean;

/** The client's address as Express's req.ip works it out: the socket, or X-Forwarded-For through trusted hops. */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  return proxyaddr(req, trust);
}

/**
 * A URL's query as Express's 'simple' query parser gives it (node:querystring), for a URL whose query Express would
 * take from the first `?` (`plainUrl`).
 */
export function urlQuery(url: string): Record<string, unknown> {
  const q = url.indexOf('?');
  return parseQueryString(q < 0 ? '' : url.slice(q + 1));
}

/**
 * Whether Express's URL parsing (parseurl) takes this URL's path and query as they stand: it starts with `/` and
 * holds none of the characters that make parseurl use url.parse instead (a `#`, white space, NBSP, BOM).
 */
export function plainUrl(url: string): boolean {
  return url.charCodeAt(0) === 0x2f && !/[\t\n\f\r #\u00a0\ufeff]/.test(url);
}

/**
 * A problem+json answer, written as Express's res.status(s).type('application/problem+json').send(json) writes
 * it: the media type with its charset, the length, and no body for HEAD.
 */
export function sendProblem(req: IncomingMessage, res: ServerResponse, status: number, json: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(json)));
  if (req.method === 'HEAD') res.end();
  else res.end(json);
}
