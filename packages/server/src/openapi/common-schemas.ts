/** The zod schemas shared by several routes; the OpenAPI document is generated from these and the routes' own. */
import { z } from 'zod';
import { SigningWarningSchema } from '../signing/warnings.js';

export const ProblemSchema = z
  .object({
    type: z.string().meta({ example: 'urn:kyso:error:PDF_NOT_PDF' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().meta({ description: 'The message in English.' }),
    detailVi: z.string().meta({ description: 'The same message in Vietnamese.' }),
    code: z.string().meta({ description: 'The stable kyso error code.' }),
    instance: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details with the kyso error code and both languages.' });

export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const ReadySchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.object({ database: z.boolean(), keys: z.boolean(), accepting: z.boolean() }),
  })
  .meta({ id: 'Readiness' });

/** Strict base64 (RFC 4648 §4, padded): what Buffer.from would silently truncate or skip is refused (400). */
export function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

export const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'not valid base64 (RFC 4648, padded, no whitespace)', abort: true })
  .refine((s) => s.length % 4 === 0, 'not valid base64 (RFC 4648, padded, no whitespace)');

/** The file name for a PDF download (Content-Disposition). */
const fileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f/\\]+$/, 'a file name without path separators or control characters')
  .meta({
    description: 'The file name of the signed PDF (Content-Disposition); default signed.pdf.',
    example: 'quyet-dinh-12.pdf',
  });

const hash = z.enum(['SHA-256', 'SHA-384', 'SHA-512']);
const rect = z
  .string()
  .regex(/^\s*-?\d+(\.\d+)?(\s*,\s*-?\d+(\.\d+)?){3}\s*$/, 'x,y,w,h in points')
  .meta({
    description: 'The visible signature rectangle x,y,w,h in PDF points from the lower-left corner.',
    example: '320,40,240,90',
  });

/** What to produce: shared by one-step signing and two-step sessions. */
export const signatureOptionsShape = {
  level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']).default('B-B').meta({
    description:
      'PAdES baseline level. B-T and above need the service to have a TSA; B-LT adds the DSS (chains, OCSP/CRL) and B-LTA a document timestamp over it.',
  }),
  reason: z.string().max(500).optional(),
  location: z.string().max(500).optional(),
  contactInfo: z.string().max(500).optional(),
  field: z.string().max(200).optional().meta({ description: 'An existing empty signature field to sign.' }),
  newField: z.string().max(200).optional().meta({ description: 'The name of the new signature field.' }),
  certify: z
    .enum(['1', '2', '3'])
    .optional()
    .meta({ description: 'A certification signature with DocMDP permission P.' }),
  page: z.coerce.number().int().min(1).optional().meta({ description: 'Page of a visible signature (1-based).' }),
  rect: rect.optional(),
};

export const SignQuerySchema = z.strictObject({
  key: z.string().min(1).meta({ description: 'Alias of the signing key held by the service.' }),
  filename: fileName.optional(),
  ...signatureOptionsShape,
});

export const SessionQuerySchema = z.strictObject({
  filename: fileName.optional(),
  key: z.string().min(1).optional().meta({
    description: 'Alias of a key whose certificate the service knows; omit and send Kyso-Signer-Certificates instead.',
  }),
  hash: hash.optional().meta({
    description: 'Digest algorithm for a supplied certificate (default SHA-256, or the curve size for ECDSA).',
  }),
  ...signatureOptionsShape,
});

export const SessionCreatedSchema = z
  .object({
    id: z.string(),
    expiresAt: z.string().meta({ description: 'ISO 8601.' }),
    fieldName: z.string(),
    hashAlgorithm: hash,
    signatureAlgorithm: z
      .string()
      .meta({ example: 'rsa-pkcs1', description: 'rsa-pkcs1, rsa-pss or ecdsa-P-256/384/521.' }),
    dataToSign: base64.meta({ description: 'The DER of the CMS signed attributes: sign this (hash-and-sign).' }),
    digestToSign: base64.meta({ description: 'The hash of dataToSign, for devices that sign a precomputed digest.' }),
    documentDigest: base64.meta({
      description:
        'The hash over the ByteRange (the message digest inside dataToSign), for signers that build the whole CMS.',
    }),
    complete: z.string().meta({ description: 'Where to POST the signature value.' }),
    warnings: z
      .array(SigningWarningSchema)
      .meta({ description: "What the signer's certificate check warned of (empty when nothing)." }),
  })
  .meta({ id: 'SigningSession' });

export const SessionCompleteSchema = z
  .object({
    signatureValue: base64
      .optional()
      .meta({ description: 'The raw signature value over dataToSign (ECDSA: DER Ecdsa-Sig-Value).' }),
    cms: base64.optional().meta({ description: 'Or a complete CMS SignedData (DER ContentInfo) made elsewhere.' }),
  })
  .strict()
  .refine((b) => (b.signatureValue === undefined) !== (b.cms === undefined), {
    message: 'give exactly one of signatureValue or cms',
  })
  .meta({ id: 'SigningSessionCompletion' });

export const SessionIdParamsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
