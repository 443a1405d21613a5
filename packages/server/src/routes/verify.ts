/**
 * POST /v1/verify: every signature of the PDF with its ETSI verdict (@kyso/verify's report, the DESIGN.md
 * `--json` contract). Trust anchors come from the configuration; online revocation only where it allows it.
 * `validatePdf` runs in the verification worker pool (src/verification), never on the request thread.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ServiceError } from '../errors.js';
import { defineRoute } from '../http/route.js';
import { readPdfBody } from '../io/request-body.js';
import { bodyLimits } from './sign.js';

const PlaceSchema = z
  .object({
    revision: z.number().int().optional().meta({ description: 'Counted from 0, as `kyso inspect` lists revisions.' }),
    object: z.string().optional().meta({ example: '12 0 R' }),
    byteRanges: z
      .array(z.tuple([z.number().int(), z.number().int()]))
      .optional()
      .meta({ description: '[offset, length] pairs.' }),
    offset: z.number().int().optional(),
  })
  .meta({ description: 'Where in the file the finding lies, when known.' });

const FindingSchema = z.object({
  code: z.string(),
  vi: z.string(),
  en: z.string(),
  detail: z.string().optional(),
  where: PlaceSchema.optional(),
});

const ValidityAtSchema = z.object({
  time: z.string(),
  status: z.enum(['VALID', 'EXPIRED', 'NOT_YET_VALID']),
  certificate: z.string().nullable(),
});

const SignatureReportSchema = z.object({
  index: z.number().int(),
  fieldName: z.string().nullable(),
  kind: z.enum(['approval', 'certification', 'doc-timestamp']),
  indication: z.enum(['TOTAL-PASSED', 'TOTAL-FAILED', 'INDETERMINATE']),
  subIndication: z.string().nullable(),
  intact: z.boolean(),
  coverage: z.enum(['ENTIRE_FILE', 'ENTIRE_REVISION', 'PARTIAL', 'UNCLEAR']),
  modifications: z.enum(['NONE', 'ALLOWED', 'DISALLOWED']),
  signer: z
    .object({
      commonName: z.string().nullable(),
      organization: z.string().nullable(),
      organizationalUnit: z.string().nullable(),
      subject: z.string(),
      serialNumber: z.string(),
      issuer: z.object({ commonName: z.string().nullable(), organization: z.string().nullable(), subject: z.string() }),
      validFrom: z.string(),
      validTo: z.string(),
      publicKey: z.string(),
    })
    .nullable(),
  signingTime: z.string().nullable(),
  signingTimeSource: z.enum(['timestamp', 'claimed']).nullable(),
  claimedSigningTime: z.string().nullable(),
  level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']).nullable(),
  subFilter: z.string().nullable(),
  revision: z.number().int(),
  signatureObject: z
    .string()
    .nullable()
    .meta({ description: 'The signature dictionary (e.g. "12 0 R"); null when direct in its field.' }),
  byteRange: z
    .array(z.tuple([z.number().int(), z.number().int()]))
    .nullable()
    .meta({ description: 'The signed bytes as [offset, length] pairs; null when the ByteRange is unusable.' }),
  reason: z.string().nullable(),
  location: z.string().nullable(),
  certificateValidAtSigningTime: z
    .boolean()
    .nullable()
    .meta({ description: 'Within its validity period at signingTime (the timestamp’s, else the claimed time).' }),
  certificateValidAtClaimedTime: z
    .boolean()
    .nullable()
    .meta({ description: 'At the time the signer claims (/M or signingTime attribute): a fact, not proof.' }),
  certificateValidAtBestSignatureTime: z.boolean().nullable().meta({
    description: 'At the best signature time (a proving timestamp, else the validation time): what the verdict judges.',
  }),
  bestSignatureTime: z.object({
    time: z.string(),
    source: z.enum(['signature-timestamp', 'document-timestamp', 'validation-time']),
  }),
  certificateValidity: z.object({
    atClaimedTime: ValidityAtSchema.nullable(),
    atBestSignatureTime: ValidityAtSchema.nullable(),
  }),
  trustedChain: z.boolean(),
  chain: z.array(z.string()),
  timestamps: z.array(
    z.object({
      kind: z.enum(['signature-timestamp', 'document-timestamp']),
      time: z.string(),
      intact: z.boolean(),
      trusted: z.boolean(),
      provesExistence: z.boolean().meta({
        description:
          'Usable as proof of existence now: its TSA chain is valid, or a later proving document timestamp was made before it ran out.',
      }),
      tsaValidUntil: z.string().nullable().meta({ description: "The TSA chain's earliest notAfter (ISO 8601)." }),
      tsa: z.string().nullable(),
    }),
  ),
  revocation: z.array(
    z.object({
      certificate: z.string(),
      status: z.enum(['GOOD', 'REVOKED', 'UNKNOWN', 'NOT_CHECKED']),
      source: z.string().nullable(),
      revokedAt: z.string().nullable(),
    }),
  ),
  changes: z.array(
    z.object({ revision: z.number().int(), kind: z.string(), allowed: z.boolean(), reason: z.string() }),
  ),
  certification: z.object({ docMdp: z.union([z.literal(1), z.literal(2), z.literal(3)]) }).nullable(),
  hidden: z.object({ revision: z.number().int(), cause: z.string(), detail: z.string() }).nullable().meta({
    description:
      'A signature a later update hid (removed from the form, its value replaced): that update, how, in words. Null when the document still shows it.',
  }),
  reasons: z.array(FindingSchema),
  warnings: z.array(FindingSchema),
  notes: z
    .array(FindingSchema)
    .meta({ description: 'Technical facts that are not problems (e.g. CRYPTO_FLAGGED: RSA PKCS#1 v1.5).' }),
});

export const ValidationReportSchema = z
  .object({
    validationTime: z.string(),
    revisions: z.number().int(),
    recovered: z.boolean(),
    signatures: z
      .array(SignatureReportSchema)
      .meta({ description: 'In the order they were applied (revision order).' }),
    unreachedSignatures: z
      .array(z.object({ object: z.number().int(), offset: z.number().int() }))
      .optional()
      .meta({
        description:
          'Only when no signature is reachable but the file holds signature dictionaries no cross-reference data reaches (a later update skips the signed revision); the conclusion is then FAILED.',
      }),
    conclusion: z
      .object({
        result: z.enum(['PASSED', 'FAILED', 'INDETERMINATE', 'NO_SIGNATURE']),
        signatures: z.number().int(),
        documentTimestamps: z.number().int(),
        passed: z.array(z.number().int()),
        failed: z.array(z.number().int()),
        indeterminate: z.array(z.number().int()),
        vi: z.string(),
        en: z.string(),
      })
      .meta({ description: 'The one-line outcome of the whole file, in Vietnamese and English.' }),
  })
  .meta({ id: 'ValidationReport' });

export const VerifyQuerySchema = z.object({
  at: z.iso.datetime({ offset: true }).optional().meta({ description: 'Validate as of this time (default now).' }),
  online: z.enum(['true', 'false']).optional().meta({
    description: 'Ask OCSP responders and CRL servers (only where the service allows it; default: its setting).',
  }),
});

export const verifyRoute = defineRoute<z.infer<typeof VerifyQuerySchema>>({
  method: 'post',
  path: '/v1/verify',
  operationId: 'verifyPdf',
  summary: 'Verify every signature of a PDF',
  description:
    'The body is the PDF. Each signature gets an ETSI EN 319 102-1 indication (TOTAL-PASSED, TOTAL-FAILED, ' +
    'INDETERMINATE) with its sub-indication, the signer, times, level and the reasons in Vietnamese and English. ' +
    'A PDF without signatures answers with an empty list.',
  tag: 'verification',
  access: 'verify',
  rateLimited: true,
  query: VerifyQuerySchema,
  body: { kind: 'pdf', description: 'The PDF to verify.' },
  responses: { 200: { description: 'The validation report.', json: ValidationReportSchema } },
  async handler({ req, res, query, services, log }) {
    const online = query.online === undefined ? services.config.verification.online : query.online === 'true';
    if (online && !services.config.verification.online) {
      throw new ServiceError('SERVICE_BAD_REQUEST', {}, 'online revocation checking is disabled on this service');
    }
    const body = await readPdfBody(req, bodyLimits(services));
    try {
      // validatePdf in a worker thread, with the configured trust anchors: a body held in memory moves there (not
      // copied); a body spooled to a temporary file is read there in windows, never whole.
      const input = body.bytes ?? { path: body.path! };
      const report = await services.verification.verify(input, {
        at: query.at ? new Date(query.at) : undefined,
        online,
        transfer: true,
      });
      log.info(
        {
          bytes: body.size,
          signatures: report.signatures.length,
          indications: report.signatures.map((s) => s.indication),
        },
        'verified',
      );
      res.json(report);
    } finally {
      body.dispose();
    }
  },
});

/** The configured trust roots, read once at start: files (PEM or DER) and folders of them (a missing or empty one is a configuration error). */
export function readTrustAnchors(paths: readonly string[]): string[] {
  const fail = (p: string, why: string): never => {
    throw new ServiceError('SERVICE_CONFIG_INVALID', {}, `verification.trustRoots: cannot read ${p} (${why})`);
  };
  const files = paths.flatMap((p) => {
    try {
      if (!statSync(p).isDirectory()) return [p];
      const inside = readdirSync(p)
        .filter((n) => /\.(pem|crt|cer|der)$/i.test(n))
        .sort();
      return inside.length ? inside.map((n) => join(p, n)) : fail(p, 'a folder with no .pem, .crt, .cer or .der file');
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      return fail(p, (e as NodeJS.ErrnoException).code ?? 'error');
    }
  });
  return files.map((p) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(p);
    } catch (e) {
      return fail(p, (e as NodeJS.ErrnoException).code ?? 'error');
    }
    // The workers take PEM texts: a DER certificate is armoured here.
    const text = bytes.toString('latin1');
    return text.includes('-----BEGIN')
      ? bytes.toString('utf8')
      : `-----BEGIN CERTIFICATE-----\n${bytes.toString('base64')}\n-----END CERTIFICATE-----\n`;
  });
}
