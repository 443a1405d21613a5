/**
 * A route is data: method, path, access, the zod schemas of its inputs and outputs, and its handler. The app
 * registers routes from this table and the OpenAPI document is generated from the same table, so the two cannot
 * drift apart.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Principal } from '../auth/api-keys.js';
import type { ApiKeyScope, ServiceConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Services } from './services.js';

/** Who may call a route: anyone, an API key holder, or as the configuration says (`access` section). */
export type Access = 'public' | 'api-key' | keyof ServiceConfig['access'];

export interface ResponseSpec {
  description: string;
  /** JSON body schema (application/json). */
  json?: z.ZodType;
  /** application/pdf body. */
  pdf?: boolean;
  /** Other media type with a string body (text/plain for metrics). */
  text?: string;
  headers?: Record<string, string>;
}

export interface HeaderSpec {
  name: string;
  description: string;
  required?: boolean;
}

export interface RouteContext<Q, P, B, Req extends IncomingMessage = Request, Res extends ServerResponse = Response> {
  req: Req;
  res: Res;
  log: Logger;
  principal: Principal | null;
  query: Q;
  params: P;
  /** The parsed JSON body (routes with a JSON body). */
  body: B;
  services: Services;
  /** True once the request timed out and was answered; the handler must not write any more. */
  readonly timedOut: boolean;
}

export interface RouteDef<Q = unknown, P = unknown, B = unknown> {
  method: 'get' | 'post';
  /** OpenAPI form: /v1/signing-sessions/{id}/complete */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  /** An API-key scope the caller must hold besides a key (checked before query, path and body). */
  scope?: ApiKeyScope;
  /** Whether the rate limit applies (all /v1 routes; not health, readiness, metrics, the document). */
  rateLimited: boolean;
  /** The route never looks at credentials (health, readiness, metrics, the document): a bad key does not fail it. */
  anonymous?: boolean;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  headers?: HeaderSpec[];
  /** The request body: a PDF (streamed, application/pdf) or JSON validated by `schema`. */
  body?:
    | { kind: 'pdf'; description: string }
    | {
        kind: 'json';
        schema: z.ZodType<B> /** Default limits.maxJsonBytes. */;
        maxBytes?: (config: ServiceConfig) => number;
      };
  responses: Record<number, ResponseSpec>;
  /**
   * Authorisation that needs the query, path or principal but not the body: runs before any body is read, so a
   * caller without the right is refused without the service reading (or parsing) what it sent.
   */
  authorize?: (ctx: RouteContext<Q, P, undefined>) => Promise<void> | void;
  handler: (ctx: RouteContext<Q, P, B>) => Promise<void> | void;
  /**
   * The route reads and writes only Node's own request and response (definePlainRoute): the app serves it without
   * giving them Express's prototypes, whose swap per request makes Node's HTTP code slower.
   */
  plain?: boolean;
}

/** A route's context with Node's own request and response (no Express helpers on them). */
export type PlainRouteContext<Q, P, B> = RouteContext<Q, P, B, IncomingMessage, ServerResponse>;

/** A route whose handler gets Node's own request and response (definePlainRoute). */
export type PlainRouteDef<Q, P, B> = Omit<RouteDef<Q, P, B>, 'authorize' | 'handler' | 'plain'> & {
  authorize?: (ctx: PlainRouteContext<Q, P, undefined>) => Promise<void> | void;
  handler: (ctx: PlainRouteContext<Q, P, B>) => Promise<void> | void;
};

/** Keeps the handler's context typed by the route's own schemas. */
export function defineRoute<Q = Record<string, never>, P = Record<string, never>, B = undefined>(
  def: RouteDef<Q, P, B>,
): RouteDef {
  return def as unknown as RouteDef;
}

/**
 * A route served on Node's own request and response: its handler is typed so it cannot reach for an Express
 * helper (res.json, req.get, ...), which the objects it gets do not have.
 */
export function definePlainRoute<Q = Record<string, never>, P = Record<string, never>, B = undefined>(
  def: PlainRouteDef<Q, P, B>,
): RouteDef {
  return { ...def, plain: true } as unknown as RouteDef;
}

/** The access a route has under `config`. */
export function accessOf(route: RouteDef, config: ServiceConfig): 'public' | 'api-key' {
  if (route.access === 'public' || route.access === 'api-key') return route.access;
  return config.access[route.access];
}
