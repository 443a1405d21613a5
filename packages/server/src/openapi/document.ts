/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (z.toJSONSchema, JSON Schema
 * 2020-12, which OpenAPI 3.1 uses as is). Schemas with an id become components.
 */
import { z } from 'zod';
import { accessOf, type RouteDef } from '../http/route.js';
import type { ServiceConfig } from '../config/schema.js';
import { ProblemSchema } from './common-schemas.js';

type Json = Record<string, unknown>;

export function openApiDocument(routes: readonly RouteDef[], config: ServiceConfig, version: string): Json {
  const components: Record<string, Json> = {};
  const schema = (s: z.ZodType, io: 'input' | 'output'): Json => toSchema(s, io, components);
  const problem = schema(ProblemSchema, 'output');
  const paths: Record<string, Record<string, Json>> = {};

  for (const r of routes) {
    const parameters: Json[] = [];
    for (const [where, s] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!s) continue;
      const js = schema(s, 'input');
      const required = new Set((js.required as string[] | undefined) ?? []);
      for (const [name, p] of Object.entries((js.properties as Record<string, Json>) ?? {})) {
        const { description, ...rest } = p;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || required.has(name),
          schema: rest,
          ...(description ? { description } : {}),
        });
      }
    }
    for (const h of r.headers ?? [])
      parameters.push({
        name: h.name,
        in: 'header',
        required: !!h.required,
        description: h.description,
        schema: { type: 'string' },
      });

    const responses: Record<string, Json> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      const content: Json = spec.json
        ? { 'application/json': { schema: schema(spec.json, 'output') } }
        : spec.pdf
          ? { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } }
          : spec.text
            ? { [spec.text]: { schema: { type: 'string' } } }
            : { 'application/problem+json': { schema: problem } };
      responses[status] = {
        description: spec.description,
        content,
        ...(spec.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(spec.headers).map(([k, d]) => [k, { description: d, schema: { type: 'string' } }]),
              ),
            }
          : {}),
      };
    }
    const problemResponse = (description: string, retry = false): Json => ({
      description,
      content: { 'application/problem+json': { schema: problem } },
      ...(retry
        ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } }
        : {}),
    });
    const access = accessOf(r, config);
    const add = (status: number, description: string, retry = false): void => {
      if (!responses[status]) responses[status] = problemResponse(description, retry);
    };
    // Every route refuses unknown query parameters.
    add(
      400,
      r.query || r.params || r.body
        ? 'The request is not valid.'
        : 'The request is not valid (this route takes no query parameters).',
    );
    if (access === 'api-key') add(401, 'The API key is missing or wrong.');
    if (access === 'api-key')
      add(
        403,
        r.scope ? `The API key may not do this, or lacks the scope ${r.scope}.` : 'The API key may not do this.',
      );
    if (r.body) {
      add(408, 'The body was not received within the request timeout.');
      add(413, 'The body is too large.');
      add(415, 'Wrong Content-Type.');
    }
    if (r.body?.kind === 'pdf') add(422, 'The PDF cannot be processed (the error code says why).');
    if (r.rateLimited) add(429, 'Rate limit reached.', true);
    if (!r.anonymous) add(429, 'Too many failed authentications from this address.', true);
    if (r.rateLimited) add(503, 'Busy, not ready or timed out.', true);
    add(500, 'Internal error.');

    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      ...(r.scope ? { 'x-kyso-scope': r.scope } : {}),
      parameters,
      responses,
      // Anonymous routes (health, readiness, metrics, this document) never look at credentials.
      security: r.anonymous
        ? [{}]
        : access === 'api-key'
          ? [{ bearer: [] }, { apiKeyHeader: [] }]
          : [{}, { bearer: [] }, { apiKeyHeader: [] }],
    };
    if (r.body?.kind === 'pdf') {
      op.requestBody = {
        required: true,
        description: r.body.description,
        content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } },
      };
    } else if (r.body?.kind === 'json') {
      op.requestBody = { required: true, content: { 'application/json': { schema: schema(r.body.schema, 'input') } } };
    }
    (paths[r.path] ??= {})[r.method] = op;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'kyso',
      version,
      description:
        'Ký số: PAdES signing, two-step signing, verification, e-copy certification and fees for Vietnamese ' +
        'one-stop-shop software. Errors are RFC 9457 problem details carrying the kyso error code and the ' +
        'message in English (detail) and Vietnamese (detailVi). API keys sign with the aliases they are given; ' +
        'reading needs its own scopes (x-kyso-scope on an operation): register:read for the register entries and ' +
        "the printed book, register:close to close a year's book, journal:read for the signing journal, each for " +
        "the key's own unit only; reports and reports:all for the monthly figures. Signing " +
        'operations accept Kyso-Procedure-Code and Kyso-Dossier-Id headers, recorded in the signing journal.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}

/** One zod schema as JSON Schema, its identified parts moved to components and referenced from there. */
function toSchema(s: z.ZodType, io: 'input' | 'output', components: Record<string, Json>): Json {
  const js = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete js.$schema;
  const defs = (js.$defs as Record<string, Json> | undefined) ?? {};
  delete js.$defs;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          k === '$ref' && typeof x === 'string' ? x.replace('#/$defs/', '#/components/schemas/') : rewrite(x),
        ]),
      );
    }
    return v;
  };
  for (const [name, def] of Object.entries(defs)) components[name] = rewrite(def) as Json;
  const id = typeof js.id === 'string' ? js.id : (z.globalRegistry.get(s)?.id as string | undefined);
  const body = rewrite(js) as Json;
  delete body.id;
  if (id) {
    const ref = `#/components/schemas/${id}`;
    // zod may already have put the identified root into $defs and answered with a bare reference to it.
    if (body.$ref !== ref) components[id] = body;
    return { $ref: ref };
  }
  return body;
}
