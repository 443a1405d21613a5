/**
 * Reading the register over HTTP, for API keys with the `register:read` scope, and only their own unit's book
 * (the unit is the authority): the entries searched and paged in the book's order, and the book of a year or a
 * period printed as the paper form (PDF).
 */
import { DEADLINE_STATES, vietnamDayEnd, vietnamDayStart, type EntryQuery, type RegisterEntry } from '@kyso/core';
import { z } from 'zod';
import { ServiceError } from '../errors.js';
import { defineRoute } from '../http/route.js';
import type { Services } from '../http/services.js';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => vietnamDayStart(d) !== null, 'not a date')
  .meta({ description: 'A day in Vietnam time (UTC+7), YYYY-MM-DD; both ends inclusive.' });

/** One of `values`, or several comma-separated. */
const commaSeparated = (values: readonly string[]) => {
  const one = values.join('|');
  return z.string().regex(new RegExp(`^(${one})(,(${one}))*$`));
};

const RegisterQuerySchema = z.object({
  book: z.string().min(1).max(50).optional().meta({ description: 'Book type, e.g. SCT/BS.' }),
  year: z.coerce.number().int().min(1900).max(9999).optional(),
  numberFrom: z.coerce.number().int().min(1).optional().meta({ description: 'Sequence numbers from (inclusive).' }),
  numberTo: z.coerce.number().int().min(1).optional().meta({ description: 'Sequence numbers to (inclusive).' }),
  from: day.optional(),
  to: day.optional(),
  requester: z.string().min(1).max(200).optional().meta({ description: "Part of the requester's name, any case." }),
  state: commaSeparated(['pending', 'issued', 'void'])
    .optional()
    .meta({ description: 'pending, issued, void, or several comma-separated.' }),
  channel: z.enum(['KHO_DVCQG', 'EMAIL', 'IN_PERSON']).optional(),
  deadline: commaSeparated(DEADLINE_STATES).optional().meta({
    description:
      "Where the entry's request stands against its due time now: open, overdue, returned-on-time, returned-late, or several comma-separated.",
  }),
});

export const RegisterListQuerySchema = RegisterQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).max(1000).optional().meta({ description: 'The nextCursor of the previous page.' }),
});

export const RegisterEntrySchema = z
  .object({
    id: z.number().int(),
    requestId: z.string(),
    authority: z.string(),
    bookType: z.string(),
    year: z.number().int(),
    volume: z.number().int(),
    seqNo: z.number().int(),
    certificationNumber: z.string(),
    certifiedAt: z.string(),
    requester: z.string(),
    documentName: z.string(),
    originalPages: z.number().int(),
    paperCopies: z.number().int(),
    electronicCopy: z.boolean(),
    fee: z.number().int(),
    certifier: z.object({
      name: z.string(),
      title: z.string().optional(),
      basis: z.string(),
      basisReference: z.string().optional(),
    }),
    state: z.enum(['pending', 'issued', 'void']),
    voidReason: z.string().nullable(),
    deliveryChannel: z.enum(['KHO_DVCQG', 'EMAIL', 'IN_PERSON']).nullable(),
    eCopySha256: z.string().nullable(),
    vneidDataUsed: z.boolean(),
    notes: z.string().nullable(),
    dueAt: z.string().nullable().meta({
      description: "The request's due time (Decree 23/2015 Art. 7 and 21), ISO 8601 UTC; null when not recorded.",
    }),
    returnedAt: z
      .string()
      .nullable()
      .meta({ description: 'When the result was returned (the e-copy delivered, or paper copies alone issued).' }),
    deadline: z.enum(DEADLINE_STATES).nullable().meta({
      description:
        'Where the entry stands against its due time now: open, overdue (past due, not returned), returned on time or late; null without a due time or when void.',
    }),
  })
  .meta({ id: 'RegisterEntry' });

const RegisterPageSchema = z
  .object({
    entries: z.array(RegisterEntrySchema),
    nextCursor: z.string().nullable().meta({ description: 'Give it as `cursor` for the next page; null on the last.' }),
  })
  .meta({ id: 'RegisterPage' });

function queryOf(unit: string, q: z.infer<typeof RegisterQuerySchema>): EntryQuery {
  return {
    authorityId: unit,
    bookType: q.book,
    year: q.year,
    numberFrom: q.numberFrom,
    numberTo: q.numberTo,
    certifiedFrom: q.from ? vietnamDayStart(q.from)! : undefined,
    certifiedTo: q.to ? vietnamDayEnd(q.to)! : undefined,
    requester: q.requester,
    state: q.state?.split(',') as EntryQuery['state'],
    channel: q.channel,
    deadline: q.deadline?.split(',') as EntryQuery['deadline'],
  };
}

function registerOf(services: Services) {
  if (!services.register) throw new ServiceError('SERVICE_NOT_FOUND');
  return services.register;
}

function entryView(e: RegisterEntry): z.infer<typeof RegisterEntrySchema> {
  return {
    id: e.id,
    requestId: e.requestId,
    authority: e.authorityId,
    bookType: e.bookType,
    year: e.year,
    volume: e.volume,
    seqNo: e.seqNo,
    certificationNumber: e.certificationNumber,
    certifiedAt: e.certifiedAt,
    requester: e.requesterName,
    documentName: e.documentName,
    originalPages: e.originalPages,
    paperCopies: e.paperCopies,
    electronicCopy: e.electronicCopy,
    fee: e.fee,
    certifier: e.certifier,
    state: e.state,
    voidReason: e.voidReason,
    deliveryChannel: e.deliveryChannel,
    eCopySha256: e.eCopySha256,
    vneidDataUsed: e.vneidDataUsed,
    notes: e.notes,
    dueAt: e.deadline?.dueAt ?? null,
    returnedAt: e.deadline?.returnedAt ?? null,
    deadline: e.deadline?.state ?? null,
  };
}

export const listRegisterRoute = defineRoute<z.infer<typeof RegisterListQuerySchema>>({
  method: 'get',
  path: '/v1/register/entries',
  operationId: 'listRegisterEntries',
  summary: "Search your unit's register: entries in the book's order, a page at a time",
  description:
    "Needs the API key scope `register:read`; the key's unit is the authority whose book is read. Entries come in " +
    'the order book, year, number; `nextCursor` continues after the last entry of the page (pages never skip or ' +
    'repeat an entry, even while others certify).',
  tag: 'register',
  access: 'api-key',
  scope: 'register:read',
  rateLimited: true,
  query: RegisterListQuerySchema,
  responses: { 200: { description: 'A page of entries.', json: RegisterPageSchema } },
  async handler({ res, query, principal, services }) {
    const page = await registerOf(services).searchEntries(queryOf(principal!.unit, query), {
      limit: query.limit,
      after: query.cursor,
    });
    res.json({ entries: page.entries.map(entryView), nextCursor: page.nextCursor } satisfies z.infer<
      typeof RegisterPageSchema
    >);
  },
});

const BookQuerySchema = z.object({
  book: z.string().min(1).max(50).default('SCT/BS'),
  year: z.coerce.number().int().min(1900).max(9999).optional(),
  from: day.optional(),
  to: day.optional(),
});

/** The most entries one printed book holds over HTTP (a year of a busy ward; larger books: the CLI). */
const MAX_PRINTED = 20_000;

export const registerBookRoute = defineRoute<z.infer<typeof BookQuerySchema>>({
  method: 'get',
  path: '/v1/register/book.pdf',
  operationId: 'printRegisterBook',
  summary: "Your unit's book of a year or a period, printed as the paper form (PDF)",
  description:
    'Needs the scope `register:read`. Give `year`, or a period with `from`/`to`, or both. Landscape A4, the book ' +
    "form's columns with Vietnamese headings, page numbers; a closed year ends with its closing count.",
  tag: 'register',
  access: 'api-key',
  scope: 'register:read',
  rateLimited: true,
  query: BookQuerySchema,
  responses: { 200: { description: 'The printed book.', pdf: true } },
  authorize({ query }) {
    if (query.year === undefined && query.from === undefined && query.to === undefined) {
      throw new ServiceError('SERVICE_BAD_REQUEST', {}, 'give year, or a period with from/to');
    }
  },
  async handler({ res, query, principal, services }) {
    const register = registerOf(services);
    const authority = await register.getAuthority(principal!.unit);
    if (!authority)
      throw new ServiceError('SERVICE_FORBIDDEN', {}, "this API key's unit is not a certifying authority here");
    const q = queryOf(authority.id, { book: query.book, year: query.year, from: query.from, to: query.to });
    const entries: RegisterEntry[] = [];
    let after: string | undefined;
    do {
      const page = await register.searchEntries(q, { limit: 1000, after });
      entries.push(...page.entries);
      if (entries.length > MAX_PRINTED)
        throw new ServiceError('SERVICE_BAD_REQUEST', {}, `more than ${MAX_PRINTED} entries: print a shorter period`);
      after = page.nextCursor ?? undefined;
    } while (after);
    const closure =
      query.year !== undefined ? await register.getBookClosure(authority.id, query.book, query.year) : null;
    const pdf = await services.signing.printBook({
      authority,
      bookType: query.book,
      year: query.year,
      period: { from: q.certifiedFrom as Date | undefined, to: q.certifiedTo as Date | undefined },
      entries,
      closure,
    });
    res.status(200).type('application/pdf');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="so-chung-thuc-${query.year ?? query.from ?? query.to}.pdf"`,
    );
    res.end(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
  },
});

const CloseBookSchema = z
  .object({
    book: z.string().min(1).max(50).default('SCT/BS').meta({ description: 'Book type, e.g. SCT/BS.' }),
    year: z
      .number()
      .int()
      .min(1900)
      .max(9999)
      .meta({ description: 'The (Vietnam calendar) year whose book is closed.' }),
  })
  .strict()
  .meta({ id: 'CloseBookRequest' });

const BookClosureSchema = z
  .object({
    authority: z.string(),
    bookType: z.string(),
    year: z.number().int(),
    numbersUsed: z.number().int().meta({ description: 'Numbers 1..numbersUsed were used (the book has no gaps).' }),
    issued: z.number().int(),
    voided: z.number().int(),
    closedAt: z.string(),
    volumes: z.array(z.object({ volume: z.number().int(), openedAt: z.string(), closedAt: z.string().nullable() })),
  })
  .meta({
    id: 'BookClosure',
    description: "A year's book as closed (Decree 23/2015 Art. 13.1): the count of numbers used.",
  });

export const closeBookRoute = defineRoute<
  Record<string, never>,
  Record<string, never>,
  z.infer<typeof CloseBookSchema>
>({
  method: 'post',
  path: '/v1/register/books/close',
  operationId: 'closeRegisterBook',
  summary: "Close a year's book of your unit and record the count of numbers used",
  description:
    'Needs the API key scope `register:close` (a right of its own: closing is final). Every volume of the year is ' +
    'closed and the count of numbers used, issued and voided is recorded (Decree 23/2015 Art. 13.1); no number can ' +
    'be given in that book afterwards. Refused (409) while an entry of the book is pending: complete or void it ' +
    'first. Closing a closed book again answers the closing on record.',
  tag: 'register',
  access: 'api-key',
  scope: 'register:close',
  rateLimited: true,
  body: { kind: 'json', schema: CloseBookSchema },
  responses: {
    200: { description: 'The closing on record.', json: BookClosureSchema },
    409: { description: 'An entry of the book is pending (REGISTER_BOOK_PENDING).' },
  },
  async handler({ res, body, principal, services }) {
    const register = registerOf(services);
    const { closure, books } = await register.closeBook(principal!.unit, body.book, body.year);
    res.json({
      authority: closure.authorityId,
      bookType: closure.bookType,
      year: closure.year,
      numbersUsed: closure.numbersUsed,
      issued: closure.issued,
      voided: closure.voided,
      closedAt: closure.closedAt,
      volumes: books.map((b) => ({ volume: b.volume, openedAt: b.openedAt, closedAt: b.closedAt })),
    } satisfies z.infer<typeof BookClosureSchema>);
  },
});
