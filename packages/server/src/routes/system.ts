/** Liveness, readiness, metrics and the OpenAPI document. */
import { defineRoute } from '../http/route.js';
import { HealthSchema, ReadySchema } from '../openapi/common-schemas.js';

export const healthRoute = defineRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'health',
  summary: 'Liveness: the process answers',
  tag: 'system',
  access: 'public',
  rateLimited: false,
  anonymous: true,
  responses: { 200: { description: 'Alive.', json: HealthSchema } },
  handler({ res }) {
    res.json({ status: 'ok' });
  },
});

export const readyRoute = defineRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'ready',
  summary: 'Readiness: the database answers, the keys are loaded and the service accepts requests',
  tag: 'system',
  access: 'public',
  rateLimited: false,
  anonymous: true,
  responses: {
    200: { description: 'Ready.', json: ReadySchema },
    503: { description: 'Not ready.', json: ReadySchema },
  },
  async handler({ res, services }) {
    const checks = {
      database: await services.sessions.reachable(),
      keys: services.keyRing.size === Object.keys(services.config.keys).length,
      accepting: services.lifecycle.accepting,
    };
    const ready = checks.database && checks.keys && checks.accepting;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks });
  },
});

export const metricsRoute = defineRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'metrics',
  summary: 'Prometheus metrics (text format 0.0.4)',
  tag: 'system',
  access: 'public',
  rateLimited: false,
  anonymous: true,
  responses: { 200: { description: 'The metrics.', text: 'text/plain; version=0.0.4' } },
  handler({ res, services }) {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(services.metrics.render());
  },
});
