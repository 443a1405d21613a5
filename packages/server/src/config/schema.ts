/**
 * The service configuration, validated with zod at start. Secrets never appear here as values: key passwords and
 * PINs are named by an environment variable or a file, and API keys are stored as SHA-256 hashes.
 */
import { z } from 'zod';

const secretRef = z
  .object({
    /** Name of the environment variable holding the secret. */
    env: z.string().min(1).optional(),
    /** Path of a file holding the secret (a trailing newline is ignored). */
    file: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => (s.env === undefined) !== (s.file === undefined), { message: 'give exactly one of env or file' });

const hash = z.enum(['SHA-256', 'SHA-384', 'SHA-512']);

const pkcs12Key = z
  .object({
    type: z.literal('pkcs12'),
    file: z.string().min(1),
    password: secretRef,
    hash: hash.optional(),
    rsaScheme: z.enum(['rsa-pkcs1', 'rsa-pss']).optional(),
  })
  .strict();

const pkcs11Key = z
  .object({
    type: z.literal('pkcs11'),
    library: z.string().min(1),
    slot: z.number().int().min(0).optional(),
    tokenLabel: z.string().min(1).optional(),
    pin: secretRef,
    keyLabel: z.string().min(1).optional(),
    /** CKA_ID as hex. */
    keyId: z
      .string()
      .regex(/^[0-9a-fA-F]+$/)
      .optional(),
    /** PEM or DER of the certificate, when the token does not hold it. */
    certificateFile: z.string().min(1).optional(),
    chainFiles: z.array(z.string().min(1)).optional(),
    hash: hash.optional(),
    rsaScheme: z.enum(['rsa-pkcs1', 'rsa-pss']).optional(),
  })
  .strict();

/** A certificate whose key lives elsewhere (a remote signing CA, a token): only two-step signing can use it. */
const externalKey = z
  .object({
    type: z.literal('external'),
    certificateFile: z.string().min(1),
    chainFiles: z.array(z.string().min(1)).default([]),
    hash: hash.optional(),
  })
  .strict();

export const keyConfigSchema = z.discriminatedUnion('type', [pkcs12Key, pkcs11Key, externalKey]);
export type KeyConfig = z.infer<typeof keyConfigSchema>;

/** Rights beyond signing (policy as data): reading the register's entries and the signing journal (the key's unit), closing a year's book of the key's unit (`register:close`: final, so a right of its own), the monthly figures (`reports`: the key's unit; `reports:all`: any unit and all units together). */
export const API_KEY_SCOPES = ['register:read', 'register:close', 'journal:read', 'reports', 'reports:all'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const apiKeyConfigSchema = z
  .object({
    /** A public name for the key (logged; the key itself never is). */
    id: z.string().min(1).max(100),
    /** The organisational unit the key acts for. */
    unit: z.string().min(1).max(300),
    /** Hex SHA-256 of the key (see `kyso serve create-key`). */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (the SHA-256 of the key)'),
    /** The signing-key aliases this API key may sign with. */
    aliases: z.array(z.string().min(1)).default([]),
    /** Whether it may open two-step sessions with a certificate it supplies itself. */
    externalCertificates: z.boolean().default(false),
    /** Read rights, each its own: `register:read` (GET /v1/register/entries, book.pdf), `register:close` (POST /v1/register/books/close), `journal:read` (GET /v1/journal), both for the key's unit only; `reports` the monthly figures of the key's unit, `reports:all` those of any unit and of all units together (a province's department). */
    scopes: z.array(z.enum(API_KEY_SCOPES)).default([]),
  })
  .strict();
export type ApiKeyConfig = z.infer<typeof apiKeyConfigSchema>;

const access = z.enum(['public', 'api-key']);
const positiveInt = z.number().int().positive();

/** Two-step sessions: what one API key may hold, how long results and expiry notices are kept. */
const sessionsSchema = z
  .object({
    /** Open sessions (pending, or completed and kept for retries) one API key may hold. */
    maxPerKey: positiveInt.default(20),
    /** Bytes (stored PDFs and results) one API key's sessions may hold. */
    maxBytesPerKey: positiveInt.default(256 * 1024 * 1024),
    /** Bytes all sessions together may hold. */
    maxTotalBytes: positiveInt.default(2 * 1024 * 1024 * 1024),
    /** A completed session's result is kept at least this long for retries with the same signature, seconds. */
    completedRetentionSeconds: z.number().int().min(0).default(600),
    /** After expiry only a notice (no document) is kept this long, to answer 410 rather than 404, seconds. */
    expiredNoticeSeconds: z.number().int().min(0).default(86_400),
    /** How often expired sessions are purged, seconds (also at start and when an expired session is touched). */
    purgeIntervalSeconds: positiveInt.default(60),
  })
  .strict()
  .default({
    maxPerKey: 20,
    maxBytesPerKey: 256 * 1024 * 1024,
    maxTotalBytes: 2 * 1024 * 1024 * 1024,
    completedRetentionSeconds: 600,
    expiredNoticeSeconds: 86_400,
    purgeIntervalSeconds: 60,
  });

/** HTTP policy: CORS and the limit on failed authentication. */
const httpSchema = z
  .object({
    /** CORS, off unless origins are listed: exact origins (scheme://host[:port]) or "*". */
    cors: z
      .object({
        origins: z
          .array(
            z.union([z.literal('*'), z.url().regex(/^https?:\/\/[^/]+$/, 'an origin: scheme://host[:port], no path')]),
          )
          .default([]),
        /** How long a browser may cache a preflight answer, seconds. */
        maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
      })
      .strict()
      .default({ origins: [], maxAgeSeconds: 600 }),
    /** Failed authentications per client address: beyond `max` in `windowSeconds`, 429 with Retry-After until the window ends. */
    authFailures: z
      .object({ max: positiveInt.default(10), windowSeconds: positiveInt.default(60) })
      .strict()
      .default({ max: 10, windowSeconds: 60 }),
  })
  .strict()
  .default({ cors: { origins: [], maxAgeSeconds: 600 }, authFailures: { max: 10, windowSeconds: 60 } });

/**
 * Where the service keeps its state. `url` (postgres://...) puts the register, the signing journal and the two-step
 * sessions in PostgreSQL, shared by every instance on it; absent, they stay in the embedded SQLite files (`path` for
 * the sessions, certification.register for the register and journal). A string is the SQLite path (older files).
 */
const databaseSchema = z
  .preprocess(
    (v) => (typeof v === 'string' ? { path: v } : v),
    z
      .object({
        /** postgres://user@host:port/db; the password from PGPASSWORD or ~/.pgpass rather than in the URL. */
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'a postgres:// or postgresql:// URL')
          .optional(),
        /** The two-step sessions' SQLite file; default DATA_DIR/sessions/sessions.sqlite (apart from the register). */
        path: z.string().min(1).optional(),
        /** Connections each instance keeps to PostgreSQL (per store: the register and the sessions each have a pool). */
        poolSize: positiveInt.max(1000).default(10),
        /** Longest a statement may run (and a connection may be waited for) before it fails with 503, ms. */
        statementTimeoutMs: positiveInt.default(30_000),
      })
      .strict()
      .refine((d) => !(d.url && d.path), { message: 'give url (PostgreSQL) or path (SQLite), not both' }),
  )
  .default({ poolSize: 10, statementTimeoutMs: 30_000 });

export const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Where the database and temporary files live. */
    dataDir: z.string().min(1).default('./data'),
    database: databaseSchema,
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Trust X-Forwarded-For from this many proxies (Express "trust proxy"); 0 when clients connect directly. */
    trustProxy: z.number().int().min(0).default(0),
    access: z
      .object({
        verify: access.default('public'),
        feeQuote: access.default('public'),
        registerLookup: access.default('public'),
      })
      .strict()
      .default({ verify: 'public', feeQuote: 'public', registerLookup: 'public' }),
    limits: z
      .object({
        /** Largest accepted request body (PDF), bytes. */
        maxBodyBytes: positiveInt.default(50 * 1024 * 1024),
        /** Bodies above this are streamed to a temporary file instead of kept in memory. */
        memoryBodyBytes: positiveInt.default(4 * 1024 * 1024),
        /** Largest JSON body, bytes. */
        maxJsonBytes: positiveInt.default(1024 * 1024),
        /** Time to receive a request and to answer it, ms. */
        requestTimeoutMs: positiveInt.default(120_000),
        /** Time given to requests in flight at shutdown, ms. */
        shutdownGraceMs: positiveInt.default(30_000),
        /** Signing worker threads: signings, two-step steps and certifications run at once (verifications have workers of their own). Default: the number of CPUs. */
        signingConcurrency: positiveInt.optional(),
        /** Operations allowed to wait for a slot; beyond this the service answers 503 with Retry-After. */
        signingQueue: z.number().int().min(0).default(256),
        /** Per API key (or per client address for open routes): a token bucket. */
        rateLimit: z
          .object({ burst: positiveInt.default(120), perSecond: z.number().positive().default(20) })
          .strict()
          .default({ burst: 120, perSecond: 20 }),
      })
      .strict()
      .default({
        maxBodyBytes: 50 * 1024 * 1024,
        memoryBodyBytes: 4 * 1024 * 1024,
        maxJsonBytes: 1024 * 1024,
        requestTimeoutMs: 120_000,
        shutdownGraceMs: 30_000,
        signingQueue: 256,
        rateLimit: { burst: 120, perSecond: 20 },
      }),
    signing: z
      .object({
        /** RFC 3161 TSA for B-T. */
        tsaUrl: z.url().optional(),
        /** The pre-signing revocation check of the signer's certificate. */
        revocation: z.enum(['require', 'if-available', 'off']).default('if-available'),
        /** How long a certificate check result is reused, seconds. */
        certificateCheckCacheSeconds: z.number().int().min(0).default(300),
        /** Lifetime of a two-step signing session, seconds. */
        sessionTtlSeconds: positiveInt.default(900),
        /**
         * POST /v1/sign bodies up to this size, B-B and invisible, are signed on the request thread when they prove
         * small and plain (strict load, ≤ 128 objects, ≤ 1 MiB decoded); everything else in a signing worker. 0: never.
         */
        inlineMaxBytes: z
          .number()
          .int()
          .min(0)
          .max(1024 * 1024)
          .default(64 * 1024),
      })
      .strict()
      .default({
        revocation: 'if-available',
        certificateCheckCacheSeconds: 300,
        sessionTtlSeconds: 900,
        inlineMaxBytes: 64 * 1024,
      }),
    verification: z
      .object({
        /** PEM/DER files, or folders of them (.pem .crt .cer .der), of roots trusted besides the profile's. */
        trustRoots: z.array(z.string().min(1)).default([]),
        /** The bundled trust profile of @kyso/verify ('vn': corroborated Vietnamese roots); 'none' trusts trustRoots alone. */
        trustProfile: z.enum(['vn', 'vn-all', 'none']).default('vn'),
        /** Ask OCSP responders and CRL servers during verification. */
        online: z.boolean().default(false),
        /** Worker threads that run verifications (one each at a time; they wait in a queue of `limits.signingQueue`). Default: the number of CPUs. */
        workers: positiveInt.optional(),
      })
      .strict()
      .default({ trustRoots: [], trustProfile: 'vn', online: false }),
    /**
     * What the service may fetch for a request (OCSP, CRL, AIA caIssuers of certificates, the TSA): http(s) only,
     * global unicast addresses only (checked on the resolved address), on these ports, within one budget per request.
     * The operator's own services on other addresses or ports go in allowHosts (signing.tsaUrl's host is added).
     */
    fetch: z
      .object({
        /** `host:port` (or `host` for allowPorts) of the operator's own OCSP/CRL/TSA services, e.g. "127.0.0.1:39601". */
        allowHosts: z
          .array(
            z
              .string()
              .regex(
                /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/,
                'host or host:port (IPv6 as [::1]:8080), no scheme or path',
              )
              .max(300),
          )
          .default([]),
        allowPorts: z.array(z.number().int().min(1).max(65535)).min(1).default([80, 443]),
        /** Redirect hops followed, each re-checked. */
        maxRedirects: z.number().int().min(0).max(10).default(3),
        /** Requests to one host at once, per process (and per verification worker). */
        perHostConcurrency: positiveInt.default(2),
        /** Per request: HTTP requests (redirect hops count), response bytes, and wall time from the first one. */
        budget: z
          .object({
            maxRequests: positiveInt.default(32),
            maxBytes: positiveInt.default(48 * 1024 * 1024),
            totalMs: positiveInt.default(30_000),
          })
          .strict()
          .default({ maxRequests: 32, maxBytes: 48 * 1024 * 1024, totalMs: 30_000 }),
      })
      .strict()
      .default({
        allowHosts: [],
        allowPorts: [80, 443],
        maxRedirects: 3,
        perHostConcurrency: 2,
        budget: { maxRequests: 32, maxBytes: 48 * 1024 * 1024, totalMs: 30_000 },
      }),
    /**
     * What one request may cost the service (issue 14): decoded bytes per PDF, decoded pixels per scan, time and
     * heap per worker job. Verification, signing, two-step and certification all run in worker threads.
     */
    resources: z
      .object({
        /** Decoded bytes one PDF's streams may produce in all; beyond, 422 PDF_LIMIT. */
        maxDecodedBytes: positiveInt.default(512 * 1024 * 1024),
        /** Pixels a certification's PNG scan images may decode to in all; beyond, 422 ECOPY_IMAGE_TOO_LARGE. */
        maxDecodedPixels: positiveInt.default(100_000_000),
        /** Time limit of one job in a worker, ms: its worker is terminated and replaced (503 SERVICE_TIMEOUT). Default: limits.requestTimeoutMs + 5 s. */
        jobTimeoutMs: positiveInt.optional(),
        /** Nice value of the worker threads (Linux, 0–19): the heavy work yields the CPU to the request thread. */
        workerNice: z.number().int().min(0).max(19).default(10),
        /** Node's resourceLimits for every verification and signing worker; a worker over them is replaced and its request answered 422 PDF_LIMIT. */
        workerResourceLimits: z
          .object({
            maxOldGenerationSizeMb: positiveInt.default(1024),
            maxYoungGenerationSizeMb: positiveInt.optional(),
            codeRangeSizeMb: positiveInt.optional(),
            stackSizeMb: positiveInt.optional(),
          })
          .strict()
          .default({ maxOldGenerationSizeMb: 1024 }),
      })
      .strict()
      .default({
        maxDecodedBytes: 512 * 1024 * 1024,
        maxDecodedPixels: 100_000_000,
        workerNice: 10,
        workerResourceLimits: { maxOldGenerationSizeMb: 1024 },
      }),
    /** The fee policy choices DOMAIN.md §2 leaves open (see @kyso/core's FeePolicy). */
    fees: z
      .object({
        electronicCopyFreeWhenParallel: z.boolean().default(true),
        doubleSidedCardPages: z.union([z.literal(1), z.literal(2)]).default(1),
      })
      .strict()
      .default({ electronicCopyFreeWhenParallel: true, doubleSidedCardPages: 1 }),
    /** E-copy certification: the register and, per API-key unit, the authority it certifies as. */
    certification: z
      .object({
        /** The register's SQLite file; default DATA_DIR/register.sqlite. */
        register: z.string().min(1).optional(),
        /**
         * PAdES level of the e-copies. auto (default): B-LTA with signing.tsaUrl (both signatures timestamped, one
         * DSS with both signers' chains and OCSP/CRL, a document timestamp), else B-B with that DSS; one step lower,
         * logged as a warning, when the revocation data cannot be had. B-T, B-LT and B-LTA need signing.tsaUrl.
         */
        level: z.enum(['auto', 'B-B', 'B-T', 'B-LT', 'B-LTA']).default('auto'),
        /**
         * RSA scheme of the certifier's and the authority's signatures when the request names none; absent: each
         * key's own (keys.ALIAS.rsaScheme, PKCS#1 v1.5 by default). Circular 15/2025 Annex I names RSASSA-PSS;
         * Vietnamese tokens still sign v1.5 (DOMAIN.md §10.4).
         */
        rsaScheme: z.enum(['rsa-pkcs1', 'rsa-pss']).optional(),
        /** The QR code's verification reference: a URL with {authority} {book} {year} {seq} filled in. */
        verificationUrl: z.string().min(1).optional(),
        /**
         * Deadlines (Decree 23/2015 Art. 7 and 21): the working-day calendar (Vietnamese public holidays 2025–2030 are
         * built in) and the hours; see @kyso/core's WorkingCalendar and DeadlinePolicy.
         */
        deadlines: z
          .object({
            /** Weekly rest days, 0 = Sunday … 6 = Saturday. */
            weekend: z.array(z.number().int().min(0).max(6)).max(6).default([0, 6]),
            /** Further days off (YYYY-MM-DD), e.g. a province's decision. */
            extraDaysOff: z.array(z.iso.date()).default([]),
            /** Further working days on a weekend (YYYY-MM-DD). */
            extraWorkdays: z.array(z.iso.date()).default([]),
            /** Requests received after this time (Vietnam time) are due the next working day. */
            cutoff: z
              .string()
              .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
              .default('15:00'),
            /** The closing time on the due day (Vietnam time). */
            closeOfBusiness: z
              .string()
              .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
              .default('17:00'),
          })
          .strict()
          .default({ weekend: [0, 6], extraDaysOff: [], extraWorkdays: [], cutoff: '15:00', closeOfBusiness: '17:00' }),
        /** Keyed by the API keys' unit: the unit is the authority's id in the register. */
        authorities: z
          .record(
            z.string().min(1),
            z
              .object({
                /** The authority's name as it appears on the mark and the statement. */
                name: z.string().min(1),
                /** Alias of the authority's seal key (an organisation certificate). */
                sealKey: z.string().min(1),
                bookTypes: z.array(z.string().min(1)).optional(),
                electronicBookType: z.string().min(1).nullable().optional(),
                location: z.string().optional(),
                /** The certifier's title when a request gives none, e.g. "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH"; else by basis. */
                certifierTitle: z.string().min(1).max(200).optional(),
                /** The seal image (PNG with transparency, or JPEG) drawn on every e-copy under the authority's signature. */
                sealImage: z.string().min(1).optional(),
                /** The seal's real height in millimetres (default 36, UNCONFIRMED: DOMAIN.md §9 says "actual size"). */
                sealSizeMm: z.number().min(10).max(80).optional(),
              })
              .strict(),
          )
          .default({}),
      })
      .strict()
      .default({
        level: 'auto',
        deadlines: { weekend: [0, 6], extraDaysOff: [], extraWorkdays: [], cutoff: '15:00', closeOfBusiness: '17:00' },
        authorities: {},
      }),
    sessions: sessionsSchema,
    http: httpSchema,
    /** Signing keys by alias. */
    keys: z
      .record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'aliases are 1-64 of A-Z a-z 0-9 . _ -'), keyConfigSchema)
      .default({}),
    apiKeys: z.array(apiKeyConfigSchema).default([]),
  })
  .strict();

export type ServiceConfig = z.infer<typeof configSchema>;
export type ServiceConfigInput = z.input<typeof configSchema>;
