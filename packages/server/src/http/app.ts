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
import { clientAddress, header, plainUrl, sendProblem, type TrustProxy, urlQuery } from './node-request.js';
import { requireScope } from '../routes/authorize.js';
import { accessOf, type RouteContext, type RouteDef } from './route.js';
import type { Services } from './services.js';

/** A request's own state: in res.locals for a request Express handles, in the dispatcher's hands otherwise. */
interface Locals {
  /** The request's logger, made when first written to (request-log.ts); begin makes it. */
  requestLog: RequestLog | undefined;
  route: string | undefined;
}

/** begin answered the request itself (a CORS preflight). */
const ANSWERED = Symbol('answered');

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
  // Returns an error to answer instead of the route, or ANSWERED (a preflight).
  const begin = (
    req: IncomingMessage,
    res: ServerResponse,
    locals: Locals,
  ): ServiceError | typeof ANSWERED | undefined => {
    const given = header(req, 'x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    const requestLog = new RequestLog(services.logger, requestId);
    locals.requestLog = requestLog;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    services.lifecycle.inFlight++;
    let counted = false;
    const done = (): void => {
      if (counted) return;
      counted = true;
      services.lifecycle.inFlight--;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = locals.route ?? 'unmatched';
      services.metrics.observe(req.method!, route, res.statusCode, seconds);
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
    const origin = header(req, 'origin');
    const allowedOrigin = origin !== undefined && corsAllows(cors, origin);
    if (cors.origins.length) res.setHeader('Vary', 'Origin');
    if (allowedOrigin) for (const [k, v] of Object.entries(corsHeaders(cors, origin))) res.setHeader(k, v);
    // A CORS preflight (an OPTIONS from a browser page); any other OPTIONS falls through to 404.
    if (req.method === 'OPTIONS' && origin !== undefined) {
      locals.route = 'preflight';
      if (!allowedOrigin || !header(req, 'access-control-request-method'))
        return new ServiceError('SERVICE_ORIGIN_NOT_ALLOWED');
      for (const [k, v] of Object.entries(preflightHeaders(cors))) res.setHeader(k, v);
      res.statusCode = 204;
      res.end();
      return ANSWERED;
    }
    if (!services.lifecycle.accepting) {
      res.setHeader('Connection', 'close');
      return new ServiceError('SERVICE_SHUTTING_DOWN', {}, undefined, 5);
    }
    return undefined;
  };
  app.use((req: Request, res: Response, next: NextFunction) => {
    const stop = begin(req, res, res.locals as Locals);
    if (stop !== ANSWERED) next(stop);
  });

  // Express's compiled `trust proxy` setting: req.ip's, for the requests that do not get Express's prototypes too.
  const trust = app.get('trust proxy fn') as TrustProxy;

  for (const route of routes) {
    const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    app[route.method](expressPath, (req: Request, res: Response, next: NextFunction) => {
      const locals = res.locals as Locals;
      locals.route = route.path;
      // Express 5 parses the query string at every read of req.query: once here.
      const raw: RawInput = { query: req.query as Record<string, unknown>, params: req.params, path: req.path };
      handle(route, req, res, locals, raw, services, trust).catch(next);
    });
  }

  app.use((_req: Request, _res: Response, next: NextFunction) => next(new ServiceError('SERVICE_NOT_FOUND')));

  /** Answers a failure as problem+json, or cuts an answer that had begun. `path` is the URL's path (the problem's instance). */
  const answerError = (
    err: unknown,
    req: IncomingMessage,
    res: ServerResponse,
    locals: Partial<Locals>,
    path: string,
  ): void => {
    const log = (): Logger => locals.requestLog?.log ?? services.logger;
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
    sendProblem(req, res, status, JSON.stringify(problemDetails(error, status, path)));
  };
  // Four parameters: Express knows an error handler by its arity.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) =>
    answerError(err, req, res, res.locals as Partial<Locals>, req.path),
  );

  // A request for a route of a fixed path (POST /v1/sign, /v1/verify, ...) skips Express's router: its walk over
  // every layer (URL parsing, a regular expression per route, parameter processing, a final handler made per
  // request) was about a twentieth of the request thread's time under a signing load. The same steps run in the
  // same order: begin, then the route's handle, errors answered by answerError. Anything else — another method
  // (HEAD), a path Express would also match in another spelling (case, a trailing slash), a route with path
  // parameters — goes through Express as before.
  //
  // A `plain` route (POST /v1/sign) also keeps Node's own request and response: Express's app.handle swaps their
  // prototypes for its own, which costs Node's HTTP code (its property loads see objects of another shape on every
  // request: megamorphic). Its handler is typed for Node's objects (definePlainRoute), and everything app.ts reads
  // or writes goes through node-request.ts, which gives what Express's helpers give (req.ip through the same
  // proxy-addr and trust setting, the query through the same parser, the same problem+json bytes). A URL whose
  // path or query Express would parse otherwise (parseurl's url.parse cases) gets Express's objects as before.
  const direct = directRoutes(routes);
  return (incoming, outgoing) => {
    const url = incoming.url ?? '';
    const q = url.indexOf('?');
    const route = direct.get(`${incoming.method} ${q < 0 ? url : url.slice(0, q)}`);
    if (!route) return void app(incoming, outgoing);
    let raw: RawInput;
    let locals: Locals;
    if (route.plain && plainUrl(url)) {
      locals = { requestLog: undefined, route: undefined };
      raw = { query: urlQuery(url), params: undefined, path: route.path };
    } else {
      const req = incoming as Request;
      const res = outgoing as Response;
      req.res = res;
      res.req = req;
      Object.setPrototypeOf(req, app.request);
      Object.setPrototypeOf(res, app.response);
      res.locals = Object.create(null) as Response['locals'];
      locals = res.locals as Locals;
      raw = { query: req.query as Record<string, unknown>, params: req.params, path: req.path };
    }
    const fail = (err: unknown): void => {
      try {
        answerError(err, incoming, outgoing, locals, raw.path);
      } catch {
        outgoing.destroy(); // nothing more can be said on this connection
      }
    };
    const stop = begin(incoming, outgoing, locals);
    if (stop === ANSWERED) return;
    if (stop !== undefined) return fail(stop);
    locals.route = route.path;
    handle(route, incoming, outgoing, locals, raw, services, trust).catch(fail);
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

/** What a request's URL gives its route, as Express parses it (or as node-request.ts gives the same). */
interface RawInput {
  query: Record<string, unknown>;
  params: unknown;
  /** The URL's path: the instance of a problem. */
  path: string;
}

/** Whether a request's timer has answered it. */
interface Deadline {
  timedOut: boolean;
}

/**
 * What a route's handler gets. A class rather than an object literal with getters: V8 keeps a literal's accessors
 * in an accessor pair it makes in the old generation, and those getters close over the request, so its whole graph
 * (request, response, body, parsed PDF) survived every young-generation collection and was promoted, ~0.7 MB per
 * scavenge under a signing load, for the full collections to clear. Getters on a class's prototype are shared.
 */
class RequestContext implements RouteContext<unknown, unknown, unknown> {
  body: unknown = undefined;

  constructor(
    readonly req: Request,
    readonly res: Response,
    private readonly requestLog: RequestLog,
    readonly principal: Principal | null,
    readonly query: unknown,
    readonly params: unknown,
    readonly services: Services,
    private readonly deadline: Deadline,
  ) {}

  get log(): Logger {
    return this.requestLog.log;
  }

  get timedOut(): boolean {
    return this.deadline.timedOut;
  }
}

async function handle(
  route: RouteDef,
  req: IncomingMessage,
  res: ServerResponse,
  locals: Locals,
  raw: RawInput,
  services: Services,
  trust: TrustProxy,
): Promise<void> {
  const requestLog = locals.requestLog!; // begin made it
  // The timer runs from the start, so it covers receiving every body (JSON too), not only the handler.
  const deadline: Deadline = { timedOut: false };
  const timer = setTimeout(() => {
    if (res.headersSent) return;
    deadline.timedOut = true;
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
    sendProblem(req, res, status, JSON.stringify(problemDetails(e, status, raw.path)));
  }, services.config.limits.requestTimeoutMs);
  try {
    // Health, readiness and the like never look at credentials: a stale key must not make them fail.
    // Express works the address out from the socket and the proxy headers at every read of req.ip: once here.
    const client = `ip:${clientAddress(req, trust)}`;
    const principal = route.anonymous ? null : authenticate(req, client, services);
    if (principal) requestLog.setCaller({ apiKey: principal.keyId, unit: principal.unit });
    if (accessOf(route, services.config) === 'api-key' && !principal) throw new ServiceError('SERVICE_UNAUTHENTICATED');
    if (route.scope) requireScope(principal, route.scope);
    if (route.rateLimited) {
      const decision = await services.rateLimiter.take(principal ? `key:${principal.keyId}` : client);
      if (!decision.allowed) throw new ServiceError('SERVICE_RATE_LIMITED', {}, undefined, decision.retryAfterSeconds);
    }
    refuseUnknownQuery(route, raw.query);
    const query = route.query ? parse(route.query, raw.query, 'query') : {};
    const params = route.params ? parse(route.params, raw.params, 'path') : {};
    // A plain route's handler is typed for Node's own request and response (definePlainRoute); the others get
    // Express's, which these are.
    const ctx = new RequestContext(
      req as Request,
      res as Response,
      requestLog,
      principal,
      query,
      params,
      services,
      deadline,
    );
    // What the caller may do is settled before any body is read: a key without the right never makes us read one.
    await route.authorize?.(ctx as RouteContext<unknown, unknown, undefined>);
    if (route.body?.kind === 'json') {
      const max = route.body.maxBytes?.(services.config) ?? services.config.limits.maxJsonBytes;
      ctx.body = parse(route.body.schema, await readJsonBody(req, max), 'body');
    }
    await route.handler(ctx);
  } catch (e) {
    if (deadline.timedOut) return; // already answered; the late failure only matters to the log
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
function authenticate(req: IncomingMessage, client: string, services: Services): Principal | null {
  const auth = header(req, 'authorization');
  const presented = auth?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? header(req, 'x-api-key');
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
