/**
 * The Express application: request ids and logs, metrics, the headers every answer carries, CORS, authentication
 * (with a limit on failures per address), the rate limit, input validation, timeouts and one error handler that
 * answers every failure as RFC 9457 problem+json. Order per request: the timer starts, then the caller is
 * authenticated and authorised, query and path are checked, and only then is a body read.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { KysoError } from '@kyso/core';
import type { Principal } from '../auth/api-keys.js';
import { ServiceError, statusFor } from '../errors.js';
import { readJsonBody } from '../io/json-body.js';
import { discardBody } from '../io/request-body.js';
import type { Logger } from '../observability/logger.js';
import { RequestLog } from '../observability/request-log.js';
import { problemDetails } from '../problem.js';
import { corsAllows, corsHeaders, preflightHeaders } from './cors.js';
import { requireScope } from '../routes/authorize.js';
import { accessOf, type RouteContext, type RouteDef } from './route.js';
import type { Services } from './services.js';

interface Locals {
  /** The request's logger, made when first written to (request-log.ts). */
  requestLog: RequestLog;
  route?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The service's request listener: routes of a fixed path straight to their handler, the rest through Express. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export function createApp(services: Services, routes: readonly RouteDef[]): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', services.config.trustProxy);
  app.set('query parser', 'simple');

  // Every request, whichever way it is dispatched: request id, log, metrics, the common headers, CORS, shutdown.
  const begin = (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get('X-Request-Id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    const requestLog = new RequestLog(services.logger, requestId);
    (res.locals as Locals).requestLog = requestLog;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    services.lifecycle.inFlight++;
    let counted = false;
    const done = (): void => {
      if (counted) return;
      counted = true;
      services.lifecycle.inFlight--;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (res.locals as Locals).route ?? 'unmatched';
      services.metrics.observe(req.method, route, res.statusCode, seconds);
      // The route template, never the URL: query strings carry reasons and names, ids are not for logs.
      if (requestLog.enabled('info'))
        requestLog.log.info(
          {
            method: req.method,
            route,
            status: res.statusCode,
            ms: Math.round(seconds * 1000),
            aborted: !res.writableFinished,
          },
          'request',
        );
    };
    res.on('finish', done);
    res.on('close', done);
    // Every answer: no MIME sniffing, and nothing kept by caches (signed PDFs, certification data, reports).
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    const cors = services.config.http.cors;
    const origin = req.get('Origin');
    const allowedOrigin = origin !== undefined && corsAllows(cors, origin);
    if (cors.origins.length) res.setHeader('Vary', 'Origin');
    if (allowedOrigin) for (const [k, v] of Object.entries(corsHeaders(cors, origin))) res.setHeader(k, v);
    // A CORS preflight (an OPTIONS from a browser page); any other OPTIONS falls through to 404.
    if (req.method === 'OPTIONS' && origin !== undefined) {
      (res.locals as Locals).route = 'preflight';
      if (!allowedOrigin || !req.get('Access-Control-Request-Method'))
        return next(new ServiceError('SERVICE_ORIGIN_NOT_ALLOWED'));
      for (const [k, v] of Object.entries(preflightHeaders(cors))) res.setHeader(k, v);
      res.status(204).end();
      return;
    }
    if (!services.lifecycle.accepting) {
      res.setHeader('Connection', 'close');
      return next(new ServiceError('SERVICE_SHUTTING_DOWN', {}, undefined, 5));
    }
    next();
  };
  app.use(begin);

  for (const route of routes) {
    const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    app[route.method](expressPath, (req: Request, res: Response, next: NextFunction) => {
      (res.locals as Locals).route = route.path;
      handle(route, req, res, services).catch(next);
    });
  }

  app.use((_req: Request, _res: Response, next: NextFunction) => next(new ServiceError('SERVICE_NOT_FOUND')));

  const answerError = (err: unknown, req: Request, res: Response, _next?: NextFunction): void => {
    const log = (): Logger => (res.locals as Locals).requestLog?.log ?? services.logger;
    const error = asKysoError(err, log);
    const status = statusFor(error);
    if (!req.complete) discardBody(req);
    if (res.headersSent) {
      // The answer had begun (a streamed PDF): all that can be done is to cut it, so the client sees it incomplete.
      log().warn({ code: error.code }, 'failed while answering');
      res.destroy();
      return;
    }
    if (status >= 500) log().warn({ code: error.code, status }, 'request failed');
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="kyso"');
    if (error instanceof ServiceError && error.retryAfter !== undefined)
      res.setHeader('Retry-After', String(error.retryAfter));
    res
      .status(status)
      .type('application/problem+json')
      .send(JSON.stringify(problemDetails(error, status, req.path)));
  };
  app.use(answerError);

  // A request for a route of a fixed path (POST /v1/sign, /v1/verify, ...) skips Express's router: its walk over
  // every layer (URL parsing, a regular expression per route, parameter processing, a final handler made per
  // request) was about a twentieth of the request thread's time under a signing load. The request still gets
  // Express's request and response (the prototypes app.handle gives, so every helper the routes use works) and the
  // same steps in the same order: begin, then the route's handle, errors answered by answerError. Anything else —
  // another method (HEAD), a path Express would also match in another spelling (case, a trailing slash), a route
  // with path parameters — goes through Express as before.
  const direct = directRoutes(routes);
  return (incoming, outgoing) => {
    const q = incoming.url?.indexOf('?') ?? -1;
    const route = direct.get(`${incoming.method} ${q < 0 ? incoming.url : incoming.url!.slice(0, q)}`);
    if (!route) return void app(incoming, outgoing);
    const req = incoming as Request;
    const res = outgoing as Response;
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    res.locals = Object.create(null) as Response['locals'];
    const fail = (err: unknown): void => {
      try {
        answerError(err, req, res);
      } catch {
        res.destroy(); // nothing more can be said on this connection
      }
    };
    begin(req, res, (err?: unknown) => {
      if (err !== undefined) return fail(err);
      (res.locals as Locals).route = route.path;
      handle(route, req, res, services).catch(fail);
    });
  };
}

/**
 * The routes of a fixed path, by `METHOD /path`: each only when Express would pick that same route for that exact
 * method and path (no route before it, of that method, whose template matches the path too).
 */
function directRoutes(routes: readonly RouteDef[]): Map<string, RouteDef> {
  const direct = new Map<string, RouteDef>();
  routes.forEach((route, i) => {
    if (route.params || route.path.includes('{')) return;
    const shadowed = routes
      .slice(0, i)
      .some(
        (earlier) =>
          earlier.method === route.method &&
          new RegExp(`^${earlier.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`, 'i').test(
            route.path,
          ),
      );
    const key = `${route.method.toUpperCase()} ${route.path}`;
    if (!shadowed && !direct.has(key)) direct.set(key, route);
  });
  return direct;
}

async function handle(route: RouteDef, req: Request, res: Response, services: Services): Promise<void> {
  const { requestLog } = res.locals as Locals;
  // The timer runs from the start, so it covers receiving every body (JSON too), not only the handler.
  let timedOut = false;
  const timer = setTimeout(() => {
    if (res.headersSent) return;
    timedOut = true;
    // Still receiving: the client was too slow (408). Received: we were (503, try later).
    const receiving = !req.complete;
    requestLog.log.warn({ route: route.path, receiving }, 'request timed out');
    const e = receiving
      ? new ServiceError('SERVICE_REQUEST_TIMEOUT')
      : new ServiceError('SERVICE_TIMEOUT', {}, undefined, 5);
    const status = statusFor(e);
    if (receiving) discardBody(req);
    else res.setHeader('Retry-After', '5');
    res.setHeader('Connection', 'close');
    res
      .status(status)
      .type('application/problem+json')
      .send(JSON.stringify(problemDetails(e, status, req.path)));
  }, services.config.limits.requestTimeoutMs);
  try {
    // Health, readiness and the like never look at credentials: a stale key must not make them fail.
    // Express works the address out from the socket and the proxy headers at every read of req.ip: once here.
    const client = `ip:${req.ip}`;
    const principal = route.anonymous ? null : authenticate(req, client, services);
    if (principal) requestLog.setCaller({ apiKey: principal.keyId, unit: principal.unit });
    if (accessOf(route, services.config) === 'api-key' && !principal) throw new ServiceError('SERVICE_UNAUTHENTICATED');
    if (route.scope) requireScope(principal, route.scope);
    if (route.rateLimited) {
      const decision = await services.rateLimiter.take(principal ? `key:${principal.keyId}` : client);
      if (!decision.allowed) throw new ServiceError('SERVICE_RATE_LIMITED', {}, undefined, decision.retryAfterSeconds);
    }
    // Express 5 parses the query string at every read of req.query: once here.
    const rawQuery = req.query as Record<string, unknown>;
    refuseUnknownQuery(route, rawQuery);
    const query = route.query ? parse(route.query, rawQuery, 'query') : {};
    const params = route.params ? parse(route.params, req.params, 'path') : {};
    const ctx: RouteContext<unknown, unknown, unknown> = {
      req,
      res,
      get log() {
        return requestLog.log;
      },
      principal,
      query,
      params,
      body: undefined,
      services,
      get timedOut() {
        return timedOut;
      },
    };
    // What the caller may do is settled before any body is read: a key without the right never makes us read one.
    await route.authorize?.(ctx as RouteContext<unknown, unknown, undefined>);
    if (route.body?.kind === 'json') {
      const max = route.body.maxBytes?.(services.config) ?? services.config.limits.maxJsonBytes;
      ctx.body = parse(route.body.schema, await readJsonBody(req, max), 'body');
    }
    await route.handler(ctx);
  } catch (e) {
    if (timedOut) return; // already answered; the late failure only matters to the log
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

const knownQueries = new WeakMap<RouteDef, ReadonlySet<string>>();

/** The query parameters `route` defines, listed once per route. */
function knownQuery(route: RouteDef): ReadonlySet<string> {
  let known = knownQueries.get(route);
  if (!known) {
    known = new Set(route.query instanceof z.ZodObject ? Object.keys(route.query.shape) : []);
    knownQueries.set(route, known);
  }
  return known;
}

/** Query parameters a route does not define are refused (400), as unknown JSON fields are: a typo is not ignored. */
function refuseUnknownQuery(route: RouteDef, query: Record<string, unknown>): void {
  const known = knownQuery(route);
  const unknown = Object.keys(query).filter((k) => !known.has(k));
  if (unknown.length === 0) return;
  // Names that look like parameter names are echoed (a typo is then easy to see); anything else might be data.
  const names = unknown.map((k) => (/^[A-Za-z0-9_.-]{1,40}$/.test(k) ? JSON.stringify(k) : '(a parameter not shown)'));
  const shown = [...new Set(names)].slice(0, 5).join(', ');
  throw new ServiceError(
    'SERVICE_BAD_REQUEST',
    {},
    `query: unknown parameter${unknown.length > 1 ? 's' : ''} ${shown}`,
  );
}

/** The API key's principal; null when none was given. A key given but not known is refused (401). */
function authenticate(req: Request, client: string, services: Services): Principal | null {
  const auth = req.get('Authorization');
  const presented = auth?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? req.get('X-API-Key');
  if (presented === undefined && auth === undefined) return null;
  // An address that failed too often is refused whatever it presents now, a right key included.
  const wait = services.authFailures.blockedFor(client);
  if (wait > 0) throw new ServiceError('SERVICE_AUTH_RATE_LIMITED', {}, undefined, wait);
  const principal = presented === undefined ? null : services.apiKeys.find(presented);
  if (!principal) {
    services.authFailures.fail(client);
    throw new ServiceError(
      'SERVICE_UNAUTHENTICATED',
      {},
      presented === undefined ? 'use Authorization: Bearer <key>' : undefined,
    );
  }
  return principal;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  // Paths and reasons only: never echo values, which may be document metadata.
  const detail = r.error.issues
    .map((i) => `${where}${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`)
    .join('; ');
  throw new ServiceError('SERVICE_BAD_REQUEST', {}, detail);
}

function asKysoError(err: unknown, log: () => Logger): KysoError {
  if (err instanceof KysoError) return err;
  log().error(
    { err: { name: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack } },
    'internal error',
  );
  return new ServiceError('SERVICE_INTERNAL');
}
