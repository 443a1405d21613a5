/** What the routes are given: the service's parts, made once at start. */
import type { CertificationRegister, SigningJournal } from '@kyso/core';
import type { ApiKeyRegistry } from '../auth/api-keys.js';
import type { ServiceConfig } from '../config/schema.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { AuthFailureLimiter } from '../limits/auth-failures.js';
import type { RateLimits } from '../limits/rate-limit.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { SigningService } from '../signing/signing-service.js';
import type { VerificationPool } from '../verification/verification-pool.js';

export interface Lifecycle {
  /** False once shutdown began: new requests are refused, requests in flight finish. */
  accepting: boolean;
  /** Requests being answered now. */
  inFlight: number;
}

export interface Services {
  config: ServiceConfig;
  development: boolean;
  logger: Logger;
  keyRing: KeyRing;
  /** PEM texts of the roots /v1/verify trusts (the verification workers hold them parsed). */
  trustAnchors: string[];
  apiKeys: ApiKeyRegistry;
  sessions: SessionStore;
  /** The certification register (SQLite, or PostgreSQL with database.url). */
  register?: CertificationRegister;
  /** The signing journal: in the register's file (a permanent record, unlike the sessions database). */
  journal?: SigningJournal;
  signing: SigningService;
  /** The worker threads that run verifications, with their own queue (off the request thread). */
  verification: VerificationPool;
  metrics: Metrics;
  /** Per key shared through PostgreSQL when database.url is set; otherwise this instance's buckets. */
  rateLimiter: RateLimits;
  /** Failed authentications per client address. */
  authFailures: AuthFailureLimiter;
  lifecycle: Lifecycle;
  now: () => number;
}
