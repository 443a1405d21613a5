/** POST /v1/fees/quote: the certification fee of a request (Circular 226/2016/TT-BTC), as line items with their basis. */
import { computeFee } from '@kyso/core';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';

const OriginalSchema = z
  .object({
    pages: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Pages of the ORIGINAL (omit for a two-sided card).' }),
    doubleSidedCard: z
      .boolean()
      .optional()
      .meta({ description: 'A two-sided single-sheet original such as a CCCD card.' }),
    paperCopies: z.number().int().min(0).optional(),
    electronicCopy: z.boolean().optional(),
    item: z.enum(['COPY_FROM_ORIGINAL', 'CONTRACT_COPY']).optional(),
    label: z.string().max(300).optional(),
  })
  .strict();

const ServiceSchema = z
  .object({
    item: z.enum(['SIGNATURE', 'CONTRACT', 'CONTRACT_AMENDMENT', 'CONTRACT_CORRECTION']),
    count: z.number().int().min(1).optional(),
    label: z.string().max(300).optional(),
  })
  .strict();

export const FeeQuoteRequestSchema = z
  .object({
    originals: z.array(OriginalSchema).max(1000).optional(),
    services: z.array(ServiceSchema).max(1000).optional(),
    at: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'The moment whose tariff applies (default now).' }),
  })
  .strict()
  .meta({ id: 'FeeQuoteRequest' });

const FeeLineSchema = z.object({
  item: z.string(),
  original: z.number().int().min(1).optional().meta({ description: "The original's number in the request, from 1." }),
  label: z.string().optional(),
  descriptionVi: z.string(),
  descriptionEn: z.string(),
  legalBasis: z.string(),
  pages: z.number().int().optional(),
  card: z.boolean().optional().meta({ description: 'A card: one page whatever its sides.' }),
  pageRates: z
    .array(z.object({ pages: z.number().int(), rate: z.number().int() }))
    .optional()
    .meta({ description: "How one copy's fee splits over the original's pages (before any cap)." }),
  medium: z.enum(['paper', 'electronic']).optional(),
  quantity: z.number().int(),
  unit: z.enum(['copy', 'case', 'contract']),
  unitAmount: z.number().int(),
  amount: z.number().int(),
  capped: z.boolean().optional(),
  waiver: z.object({ code: z.literal('ELECTRONIC_COPY_PARALLEL'), basis: z.string() }).optional(),
});

export const FeeQuoteSchema = z
  .object({
    currency: z.literal('VND'),
    total: z.number().int(),
    lines: z.array(FeeLineSchema),
    tariff: z.object({ id: z.string(), legalBasis: z.string(), effectiveFrom: z.string() }),
    date: z.string(),
    policy: z.object({
      electronicCopyFreeWhenParallel: z.boolean(),
      doubleSidedCardPages: z.union([z.literal(1), z.literal(2)]),
    }),
  })
  .meta({ id: 'FeeQuote' });

export const feeQuoteRoute = defineRoute<
  Record<string, never>,
  Record<string, never>,
  z.infer<typeof FeeQuoteRequestSchema>
>({
  method: 'post',
  path: '/v1/fees/quote',
  operationId: 'quoteFee',
  summary: 'Quote the certification fee of a request',
  description:
    'Copies are charged per copy on the pages of the original (2,000 VND per page for pages 1-2, 1,000 from page 3, ' +
    'at most 200,000 per copy); an e-copy issued with paper copies is free under the parallel-copy policy.',
  tag: 'fees',
  access: 'feeQuote',
  rateLimited: true,
  body: { kind: 'json', schema: FeeQuoteRequestSchema },
  responses: { 200: { description: 'The quote.', json: FeeQuoteSchema } },
  handler({ res, body, services }) {
    const quote = computeFee(
      { originals: body.originals, services: body.services, at: body.at ? new Date(body.at) : undefined },
      services.config.fees,
    );
    res.json(quote);
  },
});
