/**
 * POST /v1/certifications/paper: paper copies only (Decree 23/2015 Art. 20), several originals in one request, each
 * numbered in the book's sequence shared with the e-copies, the fee collected once. Nothing is signed: the certifier
 * signs and seals the paper. The API key's unit is the authority; retries with the same idempotency key give back
 * the same numbers.
 */
import { certifyPaperCopies, withCertifierTitle } from '@kyso/core';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { authorityOf, certificationView, CertificationSchema } from './certifications.js';

const PaperOriginalSchema = z
  .object({
    documentName: z
      .string()
      .min(1)
      .max(500)
      .meta({ description: "The original's name / type as written in the book." }),
    pages: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .meta({ description: 'Pages of the original (omit for a card).' }),
    card: z
      .boolean()
      .optional()
      .meta({ description: 'A card (CCCD, driving licence): one page for the fee whatever its sides.' }),
    paperCopies: z.number().int().min(1).max(10_000),
    notes: z.string().max(2000).optional(),
  })
  .strict()
  .refine((o) => o.pages !== undefined || o.card === true, { message: 'give pages, or card: true' });

export const PaperCertificationRequestSchema = z
  .object({
    idempotencyKey: z.string().min(1).max(200),
    certifier: z
      .object({
        name: z.string().min(1).max(200).meta({ description: 'Who signs the paper copies.' }),
        title: z
          .string()
          .max(200)
          .optional()
          .meta({ description: "Default: the authority's configured certifierTitle, else by basis." }),
        basis: z.enum(['own-competence', 'authorised', 'assigned']),
        basisReference: z.string().max(500).optional(),
      })
      .strict(),
    requester: z
      .object({
        name: z.string().min(1).max(200),
        idNumber: z.string().max(50).optional(),
        email: z.email().optional(),
      })
      .strict(),
    originals: z.array(PaperOriginalSchema).min(1).max(100).meta({ description: 'Each original gets its own number.' }),
    book: z.string().min(1).max(50).optional(),
    feeReceiptNo: z.string().max(100).optional(),
  })
  .strict()
  .meta({ id: 'PaperCertificationRequest' });

export const certifyPaperRoute = defineRoute<
  Record<string, never>,
  Record<string, never>,
  z.infer<typeof PaperCertificationRequestSchema>
>({
  method: 'post',
  path: '/v1/certifications/paper',
  operationId: 'certifyPaperCopies',
  summary: 'Book paper copies of one or more originals (no e-copy)',
  description:
    "The API key's unit is the certifying authority. Each original is numbered in the register, in the sequence the " +
    'e-copies share; the fee of the whole request is collected once. 201 for a new request, 200 when the idempotency key ' +
    'was already booked (the same numbers).',
  tag: 'certification',
  access: 'api-key',
  rateLimited: true,
  body: { kind: 'json', schema: PaperCertificationRequestSchema },
  responses: {
    201: { description: 'Booked.', json: CertificationSchema },
    200: { description: 'Already booked (replay).', json: CertificationSchema },
  },
  authorize({ principal, services }) {
    authorityOf(principal, services);
  },
  async handler({ res, body, principal, services, log }) {
    const { authority, register } = authorityOf(principal, services);
    const { request, resumed } = await certifyPaperCopies({
      register,
      idempotencyKey: body.idempotencyKey,
      authority: principal!.unit,
      certifier: withCertifierTitle(body.certifier, authority.certifierTitle),
      requester: body.requester,
      originals: body.originals.map((o) => ({
        documentName: o.documentName,
        ...(o.pages !== undefined ? { pages: o.pages } : {}),
        ...(o.card ? { doubleSidedCard: true } : {}),
        paperCopies: o.paperCopies,
        ...(body.book ? { bookType: body.book } : {}),
        ...(o.notes ? { notes: o.notes } : {}),
      })),
      feePolicy: services.config.fees,
      feeReceiptNo: body.feeReceiptNo,
    });
    log.info(
      { request: request.id, numbers: request.entries.map((e) => e.certificationNumber), resumed },
      'paper copies booked',
    );
    res.status(resumed ? 200 : 201).json({ ...certificationView(request), resumed });
  },
});
