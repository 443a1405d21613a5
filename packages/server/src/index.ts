/**
 * @kyso/server — the kyso HTTP service (Express 5 + zod), thin over @kyso/core and @kyso/verify: it parses,
 * authorises and calls them. `startService(loadConfig())` runs it; `runService` adds signal handling.
 */
export { problemDetails, type ProblemDetails } from './problem.js';
export { ServiceError, SERVICE_MESSAGES, statusFor, type ServiceErrorCode } from './errors.js';
export { loadConfig, type LoadedConfig, type LoadConfigOptions } from './config/load.js';
export {
  configSchema,
  API_KEY_SCOPES,
  type ServiceConfig,
  type ServiceConfigInput,
  type ApiKeyConfig,
  type ApiKeyScope,
  type KeyConfig,
} from './config/schema.js';
export { createApiKey, generateApiKey, apiKeyHash, type Principal } from './auth/api-keys.js';
export { startService, type RunningService, type StartOptions } from './server.js';
export { runService, type RunOptions } from './run.js';
export type { SessionStore, SessionRecord, SessionLookup, SessionLimits } from './sessions/session-store.js';
export { SqliteSessionStore } from './sessions/sqlite-session-store.js';
