/**
 * Starting and stopping the service: database, keys, the HTTP server with its timeouts, and a graceful shutdown
 * that stops accepting, lets requests in flight finish (up to a grace period), then closes keys and database.
 */
import { createServer, type Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { removeSpooledBodies } from './io/request-body.js';
import { AuthFailureLimiter } from './limits/auth-failures.js';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { ApiKeyRegistry } from './auth/api-keys.js';
import type { LoadedConfig } from './config/load.js';
import { openStores, type Stores } from './db/stores.js';
import { createApp } from './http/app.js';
import { defineRoute, type RouteDef } from './http/route.js';
import type { Services } from './http/services.js';
import { KeyRing } from './keys/key-ring.js';
import { createLogger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { openApiDocument } from './openapi/document.js';
import { ROUTES } from './routes/index.js';
import { readTrustAnchors } from './routes/verify.js';
import { ServiceFetch } from './net/service-fetch.js';
import { CertificateChecks } from './signing/certificate-checks.js';
import { SigningService } from './signing/signing-service.js';
import { VerificationPool } from './verification/verification-pool.js';
import type { WorkerLost } from './workers/worker-pool.js';

export interface StartOptions {
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** The clock (tests move it to expire sessions). */
  now?: () => number;
  /** The verification worker's entry file (default: the built one next to the pool; tests start their own). */
  verificationWorkerUrl?: URL;
  /** The signing worker's entry file (default: the built one next to the service; tests start their own). */
  signingWorkerUrl?: URL;
}

export interface RunningService {
  /** http://host:port */
  url: string;
  port: number;
  server: Server;
  services: Services;
  /** Graceful shutdown; resolves when requests in flight are done and the database is closed. */
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export async function startService(loaded: LoadedConfig, options: StartOptions = {}): Promise<RunningService> {
  const { config } = loaded;
  const now = options.now ?? Date.now;
  const logger = createLogger(config.logLevel, options.logDestination);
  if (loaded.development) {
    logger.warn(
      { keys: Object.keys(config.keys), database: config.database.path ?? 'postgres' },
      'DEVELOPMENT SETUP: signing with the public TEST certificates of test-certs/ and a throwaway API key. Not for production: give a configuration file (KYSO_CONFIG or --config).',
    );
  }
  const trustAnchors = readTrustAnchors(config.verification.trustRoots);
  let stores: Stores | undefined;
  let keyRing: KeyRing | undefined;
  let verification: VerificationPool | undefined;
  let signing: SigningService | undefined;
  const { resources } = config;
  // The request has been answered 503 by then; a worker still busy with it is stuck, not slow.
  const jobTimeoutMs = resources.jobTimeoutMs ?? config.limits.requestTimeoutMs + 5_000;
  const onWorkerLost = (e: WorkerLost): void => logger.error(e, `${e.pool} worker lost; replacing it`);
  // The key ring's certificates are known once it opens (below); the network asks for them when it first needs them.
  const network = new ServiceFetch(
    config,
    () => (keyRing ? keyRing.aliases().map((a) => keyRing!.get(a)!.identity.certificate) : []),
    trustAnchors,
  );
  // The workers load their packages while the keys and databases open.
  const verificationStarting = VerificationPool.start({
    workers: config.verification.workers ?? availableParallelism(),
    maxQueued: config.limits.signingQueue,
    trustAnchors,
    trustProfile: config.verification.trustProfile === 'none' ? null : config.verification.trustProfile,
    fetchPolicy: network.policy,
    jobTimeoutMs,
    resourceLimits: resources.workerResourceLimits,
    maxDecodedBytes: resources.maxDecodedBytes,
    nice: resources.workerNice,
    workerUrl: options.verificationWorkerUrl,
    onWorkerLost,
  });
  const signingStarting = SigningService.start(
    {
      workers: config.limits.signingConcurrency ?? availableParallelism(),
      maxQueued: config.limits.signingQueue,
      jobTimeoutMs,
      resourceLimits: resources.workerResourceLimits,
      maxDecodedBytes: resources.maxDecodedBytes,
      maxDecodedPixels: resources.maxDecodedPixels,
      nice: resources.workerNice,
      tsaUrl: config.signing.tsaUrl,
      fetchPolicy: network.policy,
      inlineMaxBytes: config.signing.inlineMaxBytes,
      workerUrl: options.signingWorkerUrl,
      onWorkerLost,
    },
    new CertificateChecks(
      { revocation: config.signing.revocation },
      config.signing.certificateCheckCacheSeconds * 1000,
      now,
      network,
    ),
    (w) => logger.warn({ warning: w }, 'signing warning'),
    network,
  );
  // Awaited below; a failure elsewhere first must not leave them unhandled.
  verificationStarting.catch(() => {});
  signingStarting.catch(() => {});
  try {
    // Bodies spooled by a process that crashed: nothing will ever remove them otherwise (dataDir is this instance's).
    const removed = removeSpooledBodies(`${config.dataDir}/tmp`);
    if (removed > 0) logger.warn({ removed }, 'removed request bodies left by an earlier process');
    stores = await openStores(config, now, {
      onIdleError: (e) => logger.warn({ err: e.message }, 'an idle database connection failed; replaced'),
      onRateFallback: (ev) =>
        ev.state === 'unavailable'
          ? logger.warn(
              { err: ev.error.message, counted: ev.counted },
              'shared rate limit unavailable; this instance counts the requests',
            )
          : logger.info({ counted: ev.counted }, 'shared rate limit available again'),
    });
    keyRing = await KeyRing.open(config.keys, loaded.env);
    logger.info({ store: stores.kind, where: stores.where }, 'state opened');
    for (const [unit, a] of Object.entries(config.certification.authorities)) {
      await stores.register.upsertAuthority({
        id: unit,
        name: a.name,
        bookTypes: a.bookTypes,
        electronicBookType: a.electronicBookType ?? null,
      });
    }
    verification = await verificationStarting;
    signing = await signingStarting;
  } catch (e) {
    await stores?.close();
    await keyRing?.close();
    await (await verificationStarting.catch(() => undefined))?.close(0);
    await (await signingStarting.catch(() => undefined))?.close(0);
    throw e;
  }
  const lifecycle = { accepting: true, inFlight: 0 };
  const metrics = new Metrics([
    {
      name: 'kyso_signing_in_flight',
      help: 'Signings and certifications running now (in worker threads).',
      value: () => signing.inFlight,
    },
    {
      name: 'kyso_signing_queued',
      help: 'Signings and certifications waiting for a worker.',
      value: () => signing.queued,
    },
    {
      name: 'kyso_signing_workers_replaced',
      help: 'Signing workers replaced since start (crashed, out of memory or stuck).',
      value: () => signing.workersReplaced,
    },
    {
      name: 'kyso_signing_workers_recycled',
      help: 'Signing workers restarted after a job refused for a limit (PDF_LIMIT), to give memory back.',
      value: () => signing.workersRecycled,
    },
    {
      name: 'kyso_verifications_in_flight',
      help: 'Verifications running now (in worker threads).',
      value: () => verification.inFlight,
    },
    {
      name: 'kyso_verifications_queued',
      help: 'Verifications waiting for a worker.',
      value: () => verification.queued,
    },
    {
      name: 'kyso_verification_workers_replaced',
      help: 'Verification workers replaced since start (crashed, out of memory or stuck).',
      value: () => verification.workersReplaced,
    },
    {
      name: 'kyso_verification_workers_recycled',
      help: 'Verification workers restarted after a validation refused for a limit (PDF_LIMIT), to give memory back.',
      value: () => verification.workersRecycled,
    },
    {
      name: 'kyso_http_requests_in_flight',
      help: 'HTTP requests being answered now.',
      value: () => lifecycle.inFlight,
    },
  ]);
  const { sessions, register, journal, tidy } = stores;
  const purgeSessions = async (): Promise<void> => {
    try {
      const purged = await sessions.purgeExpired();
      if (purged > 0) logger.info({ purged }, 'expired signing sessions purged');
      await tidy();
    } catch (e) {
      logger.warn({ err: (e as Error).message }, 'purging expired sessions failed');
    }
  };
  await purgeSessions();
  const services: Services = {
    config,
    development: loaded.development,
    logger,
    keyRing,
    trustAnchors,
    apiKeys: new ApiKeyRegistry(config.apiKeys),
    sessions,
    register,
    journal,
    signing,
    verification,
    metrics,
    rateLimiter: stores.rateLimiter,
    authFailures: new AuthFailureLimiter(config.http.authFailures, now),
    lifecycle,
    now,
  };

  const routes: RouteDef[] = [...ROUTES];
  let document: unknown;
  routes.push(
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tag: 'system',
      access: 'public',
      rateLimited: false,
      anonymous: true,
      responses: { 200: { description: 'The OpenAPI document.', text: 'application/json' } },
      handler({ res }) {
        res.json(document);
      },
    }),
  );
  document = openApiDocument(routes, config, VERSION);
  const app = createApp(services, routes);

  // Node's own request timeout is the backstop (a bare 408); the app's timer answers first, as problem+json.
  const server = createServer(
    {
      requestTimeout: config.limits.requestTimeoutMs + 5_000,
      headersTimeout: Math.min(60_000, config.limits.requestTimeoutMs),
    },
    app,
  );
  server.keepAliveTimeout = 5_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await stores.close();
    await keyRing.close();
    await verification.close(0);
    await signing.close(0);
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info(
    { url, keys: keyRing.aliases(), apiKeys: services.apiKeys.size, source: loaded.source },
    'kyso service listening',
  );

  const purge = setInterval(() => void purgeSessions(), config.sessions.purgeIntervalSeconds * 1000);
  purge.unref();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      lifecycle.accepting = false;
      clearInterval(purge);
      logger.info({ inFlight: lifecycle.inFlight }, 'shutting down: no new connections, draining requests in flight');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + config.limits.shutdownGraceMs;
      while (lifecycle.inFlight > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        server.closeIdleConnections();
      }
      if (lifecycle.inFlight > 0)
        logger.warn({ inFlight: lifecycle.inFlight }, 'grace period over: closing connections');
      server.closeAllConnections();
      await closed;
      // Jobs still running belong to requests already answered (timed out); they get what grace is left, before
      // the register they may still write to is closed.
      const grace = Math.max(0, deadline - Date.now());
      await Promise.all([verification.close(grace), signing.close(grace)]);
      // Last: the journal, the register and the sessions (and their PostgreSQL pools), once nothing writes to them.
      await stores.close();
      await keyRing.close();
      logger.info('stopped');
    })());

  return { url, port, server, services, close };
}
