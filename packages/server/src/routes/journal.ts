/** GET /v1/journal: the signing journal of the caller's unit, for API keys with the `journal:read` scope. */
import { vietnamDayEnd, vietnamDayStart } from '@kyso/core';
import { z } from 'zod';
import { ServiceError } from '../errors.js';
import { defineRoute } from '../http/route.js';

const code = z.string().regex(/^[A-Za-z0-9._/:-]{1,100}$/);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => vietnamDayStart(d) !== null, 'not a date');

const JournalQuerySchema = z.object({
  key: z.string().min(1).max(200).optional().meta({ description: 'A key alias.' }),
  procedureCode: code.optional(),
  dossierId: code.optional(),
  document: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .optional()
    .meta({ description: 'The SHA-256 of a signed output.' }),
  from: day.optional().meta({ description: 'A day in Vietnam time, YYYY-MM-DD (inclusive).' }),
  to: day.optional().meta({ description: 'A day in Vietnam time, YYYY-MM-DD (inclusive).' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/)
    .optional()
    .meta({ description: 'The nextCursor of the previous page.' }),
});

const JournalRecordSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    source: z.enum(['service', 'cli']),
    operation: z.enum(['sign', 'extend', 'certify']),
    unit: z.string(),
    keyAlias: z.string(),
    signerName: z.string().meta({ description: "The signer certificate's subject CN." }),
    signerCertSha256: z.string().meta({ description: "SHA-256 of the signer certificate's DER." }),
    level: z.string(),
    documentSha256: z.string().meta({ description: 'SHA-256 of the signed output as delivered.' }),
    procedureCode: z.string().nullable(),
    dossierId: z.string().nullable(),
  })
  .meta({ id: 'JournalRecord', description: 'One signature: facts only, no document content and no key material.' });

const JournalPageSchema = z
  .object({ records: z.array(JournalRecordSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'JournalPage' });

export const journalRoute = defineRoute<z.infer<typeof JournalQuerySchema>>({
  method: 'get',
  path: '/v1/journal',
  operationId: 'listSigningJournal',
  summary: 'The signing journal of your unit: every signature the service made, oldest first',
  description:
    "Needs the API key scope `journal:read`; only the records of the key's unit. The procedure code and dossier id are " +
    'the ones callers gave in the Kyso-Procedure-Code and Kyso-Dossier-Id headers when signing.',
  tag: 'journal',
  access: 'api-key',
  scope: 'journal:read',
  rateLimited: true,
  query: JournalQuerySchema,
  responses: { 200: { description: 'A page of records.', json: JournalPageSchema } },
  async handler({ res, query, principal, services }) {
    if (!services.journal) throw new ServiceError('SERVICE_NOT_FOUND');
    const page = await services.journal.list(
      {
        unit: principal!.unit,
        keyAlias: query.key,
        procedureCode: query.procedureCode,
        dossierId: query.dossierId,
        documentSha256: query.document?.toLowerCase(),
        from: query.from ? vietnamDayStart(query.from)! : undefined,
        to: query.to ? vietnamDayEnd(query.to)! : undefined,
      },
      { limit: query.limit, after: query.cursor },
    );
    res.json(page satisfies z.infer<typeof JournalPageSchema>);
  },
});
