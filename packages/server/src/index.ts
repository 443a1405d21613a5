/**
 * @kyso/server — the HTTP service. Today it holds the RFC 9457 error shape every route will answer with; the
 * routes arrive with the service issue (see the README's status table).
 */
export { problemDetails, type ProblemDetails } from './problem.js';
