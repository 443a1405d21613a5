/**
 * E-copy certification over HTTP (Decree 45/2020 Art. 10; DOMAIN.md §5.2): the scan and the request in, a number
 * from the register and the e-copy signed by the certifier and then by the authority out. The API key's unit is
 * the authority; it must be allowed both the certifier's key and the authority's seal. Retries with the same
 * idempotency key never take a second number.
 */
import { appointmentSlip, parseCertificate, withCertifierTitle, type CertificationRequestRecord } from '@kyso/core';
import { z } from 'zod';
import type { Principal } from '../auth/api-keys.js';
import { ServiceError } from '../errors.js';
import { defineRoute } from '../http/route.js';
import type { Services } from '../http/services.js';
import { base64 } from '../openapi/common-schemas.js';
import type { CertifyData } from '../signing/protocol.js';
import { identityOf } from '../signing/signing-service.js';
import { keyFor } from './authorize.js';
import { sealImageOf, withScheme } from './certification-signers.js';
import {
  JOURNAL_HEADERS,
  journalCodes,
  journalMissingSignatures,
  journalSignature,
} from '../signing/journal-record.js';
import { FeeQuoteSchema } from './fees.js';
import { SigningWarningSchema } from '../signing/warnings.js';
import type { SigningWarning } from '@kyso/core';

export const ExtensionSchema = z
  .object({
    workingDays: z.number().int().min(1).max(30),
    reason: z
      .string()
      .min(1)
      .max(2000)
      .meta({ description: 'nhiều loại giấy tờ, nhiều trang, nhiều bản, nội dung phức tạp…' }),
    writtenAgreement: z
      .boolean()
      .optional()
      .meta({ description: 'The requester agreed in writing: needed beyond 2 working days.' }),
  })
  .strict()
  .meta({ id: 'DeadlineExtension', description: 'An extension agreed at receipt (Decree 23/2015 Art. 21).' });

export const CertificationRequestSchema = z
  .object({
    idempotencyKey: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: 'Identifies the request across retries (e.g. the dossier code).' }),
    certifierKey: z.string().min(1).meta({ description: "Alias of the certifier's personal signing key." }),
    certifier: z
      .object({
        name: z.string().min(1).max(200).optional().meta({ description: "Default: the certificate's common name." }),
        title: z.string().max(200).optional(),
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
    documentName: z
      .string()
      .min(1)
      .max(500)
      .meta({ description: "The original's name / type as written in the book." }),
    paperCopies: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .meta({ description: 'Paper copies issued in parallel (0 for an e-copy alone).' }),
    originalIsCard: z.boolean().optional().meta({
      description:
        'The original is a card (CCCD, driving licence): the fee counts one page whatever its scanned sides.',
    }),
    statementPlacement: z.enum(['auto', 'last-page', 'new-page']).optional().meta({
      description:
        "Where the statement goes, never over the scan: a band under the last page's scan, an added page, or auto (default: under it when the scan keeps its size there).",
    }),
    markPlacement: z.enum(['first-page', 'statement-page']).optional().meta({
      description:
        "Where the conversion mark goes, never over the scan: above the first page's scan (default) or with the statement.",
    }),
    scan: z
      .union([
        z.object({ pdf: base64.meta({ description: 'The scanned original as a PDF.' }) }).strict(),
        z
          .object({
            images: z
              .array(
                z
                  .object({
                    data: base64.meta({ description: 'JPEG or PNG.' }),
                    dpi: z.number().positive().max(2400).optional(),
                  })
                  .strict(),
              )
              .min(1)
              .max(500),
          })
          .strict(),
      ])
      .meta({ description: 'base64; one PDF, or one image per page in page order.' }),
    book: z.string().min(1).max(50).optional(),
    signatureScheme: z.enum(['rsa-pkcs1', 'rsa-pss']).optional().meta({
      description:
        "RSA scheme of both signatures (RSASSA-PSS is what Circular 15/2025 Annex I names); default: certification.rsaScheme, else each key's own.",
    }),
    delivery: z
      .object({ channel: z.enum(['KHO_DVCQG', 'EMAIL', 'IN_PERSON']), address: z.string().max(300).optional() })
      .strict()
      .optional(),
    feeReceiptNo: z.string().max(100).optional(),
    paymentChannel: z
      .enum(['CASH', 'ONLINE'])
      .optional()
      .meta({ description: 'How the fee was paid (for the monthly figures).' }),
    receivedAt: z.iso.datetime({ offset: true }).optional().meta({
      description:
        'When the complete request was received (default: now); the due time runs from it (Decree 23/2015 Art. 7: same working day, or the next when received after 15:00).',
      example: '2026-03-10T09:30:00+07:00',
    }),
    extension: ExtensionSchema.optional(),
    notes: z.string().max(2000).optional(),
    vneidDataUsed: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'CertificationRequest' });

const EntrySchema = z.object({
  certificationNumber: z.string(),
  bookType: z.string(),
  year: z.number().int(),
  volume: z.number().int(),
  seqNo: z.number().int(),
  certifiedAt: z.string(),
  documentName: z.string(),
  originalPages: z.number().int(),
  paperCopies: z.number().int(),
  electronicCopy: z.boolean(),
  fee: z.number().int(),
  eCopySha256: z.string().nullable(),
  state: z.enum(['pending', 'issued', 'void']),
  signingEvidence: z
    .object({
      level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']),
      dss: z.object({ offset: z.number().int(), length: z.number().int(), sha256: z.string() }).nullable(),
      ocsps: z.array(z.string()),
      crls: z.array(z.string()),
      certificates: z.array(
        z.object({ subject: z.string(), sha256: z.string(), status: z.string(), sources: z.array(z.string()) }),
      ),
      documentTimestamps: z.array(z.string()),
      gatheredAt: z.string().nullable(),
    })
    .nullable()
    .meta({
      description:
        "The e-copy's long-term evidence as the register keeps it: the level, where the DSS lies in the file and its SHA-256, digests of the OCSP/CRL in it.",
    }),
});

export const CertificationSchema = z
  .object({
    id: z.string(),
    idempotencyKey: z.string(),
    authority: z.string(),
    state: z.enum(['pending', 'issued', 'void', 'refused']),
    requester: z.object({ name: z.string(), idNumber: z.string().optional(), email: z.string().optional() }),
    certifier: z.object({
      name: z.string(),
      title: z.string().optional(),
      basis: z.string(),
      basisReference: z.string().optional(),
    }),
    fee: FeeQuoteSchema.nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    receivedAt: z.string().nullable(),
    dueAt: z.string().nullable().meta({ description: 'When the result is due (Decree 23/2015 Art. 7 and 21), UTC.' }),
    extension: ExtensionSchema.nullable(),
    paymentChannel: z.enum(['CASH', 'ONLINE']).nullable(),
    deliveredAt: z.string().nullable().meta({ description: 'When the e-copy was delivered (POST …/delivery).' }),
    returnedAt: z.string().nullable(),
    deadline: z.enum(['open', 'overdue', 'returned-on-time', 'returned-late']).nullable(),
    entries: z.array(EntrySchema),
    ecopy: z.string().nullable().meta({ description: 'Where to GET the e-copy PDF.' }),
    appointmentSlip: z.string().nullable().meta({
      description: 'Where to GET the appointment slip (phiếu hẹn) PDF, when the result is due on a later day.',
    }),
    resumed: z.boolean().optional().meta({ description: 'The idempotency key was known: no new number was taken.' }),
    warnings: z.array(SigningWarningSchema).optional().meta({
      description: 'POST only: what signing this copy warned of (e.g. ECOPY_LEVEL_LOWERED); empty when nothing.',
    }),
  })
  .meta({ id: 'Certification' });

export const PublicEntrySchema = z
  .object({
    certificationNumber: z.string(),
    authority: z.object({ id: z.string(), name: z.string() }),
    bookType: z.string(),
    year: z.number().int(),
    volume: z.number().int(),
    seqNo: z.number().int(),
    certifiedAt: z.string(),
    state: z.enum(['pending', 'issued', 'void']),
    electronicCopy: z.boolean(),
    eCopySha256: z.string().nullable().meta({ description: 'Compare with the SHA-256 of the e-copy you hold.' }),
  })
  .meta({
    id: 'PublicRegisterEntry',
    description: 'What the public may see of a register entry: no names, no document, no fee.',
  });

const IdParams = z.object({ id: z.string().min(1).max(100) });

export const certifyRoute = defineRoute<
  Record<string, never>,
  Record<string, never>,
  z.infer<typeof CertificationRequestSchema>
>({
  method: 'post',
  path: '/v1/certifications',
  operationId: 'certifyElectronicCopy',
  summary: 'Certify an electronic copy of a paper original',
  description:
    "The API key's unit is the certifying authority. The service numbers the copy in the register, adds the conversion " +
    "mark and the statement, signs as the certifier and then with the authority's seal. 201 for a new certification, 200 " +
    'when the idempotency key was already issued (the same copy and number).',
  tag: 'certification',
  access: 'api-key',
  rateLimited: true,
  headers: JOURNAL_HEADERS,
  body: {
    kind: 'json',
    schema: CertificationRequestSchema,
    maxBytes: (c) => Math.ceil((c.limits.maxBodyBytes * 4) / 3) + 64 * 1024,
  },
  responses: {
    201: { description: 'Certified.', json: CertificationSchema },
    200: { description: 'Already certified (replay).', json: CertificationSchema },
  },
  // Before the (large) body is read: the unit must be an authority here and the key allowed its seal.
  authorize({ req, principal, services }) {
    const { authority } = authorityOf(principal, services);
    keyFor(principal, services.keyRing, authority.sealKey);
    journalCodes(req);
  },
  async handler({ req, res, body, principal, services, log }) {
    const codes = journalCodes(req);
    const { authority, register } = authorityOf(principal, services);
    const certifierKey = keyFor(principal, services.keyRing, body.certifierKey);
    const seal = keyFor(principal, services.keyRing, authority.sealKey);
    if (!certifierKey.signer || !seal.signer)
      throw new ServiceError('SERVICE_BAD_REQUEST', {}, 'the certifier and the seal must be keys the service holds');
    // The RSA scheme the request or the configuration asks for; the keys stay here, switched before they sign.
    const scheme = body.signatureScheme ?? services.config.certification.rsaScheme;
    const certifierSigner = withScheme(certifierKey.signer, scheme, body.certifierKey);
    const sealSigner = withScheme(seal.signer, scheme, authority.sealKey);
    const scan: CertifyData['scan'] =
      'pdf' in body.scan
        ? { pdf: new Uint8Array(Buffer.from(body.scan.pdf, 'base64')) }
        : {
            images: body.scan.images.map((i) => ({ bytes: new Uint8Array(Buffer.from(i.data, 'base64')), dpi: i.dpi })),
          };
    const certifierName =
      body.certifier.name ?? parseCertificate(certifierKey.identity.certificate).subjectAttributes.CN;
    if (!certifierName)
      throw new ServiceError(
        'SERVICE_BAD_REQUEST',
        {},
        'certifier.name is needed: the certificate names no common name',
      );
    // Assembly, image decoding and both signatures run in a signing worker; the keys sign and the register is
    // written here, at the worker's call.
    const warnings: SigningWarning[] = [];
    const result = await services.signing.certify(
      {
        idempotencyKey: body.idempotencyKey,
        authority: principal!.unit,
        book: body.book,
        certifier: withCertifierTitle({ ...body.certifier, name: certifierName }, authority.certifierTitle),
        requester: body.requester,
        documentName: body.documentName,
        scan,
        paperCopies: body.paperCopies,
        originalIsCard: body.originalIsCard,
        certifierIdentity: identityOf(certifierSigner),
        authorityIdentity: identityOf(sealSigner),
        location: authority.location,
        sealImage: sealImageOf(authority.sealImage),
        sealSizeMm: authority.sealSizeMm,
        feePolicy: services.config.fees, // as /v1/fees/quote and the paper route compute it
        statementPlacement: body.statementPlacement,
        markPlacement: body.markPlacement,
        level: services.config.certification.level,
        certificateCheck: { revocation: services.config.signing.revocation }, // asked in the worker through a guarded fetch
        delivery: body.delivery,
        feeReceiptNo: body.feeReceiptNo,
        paymentChannel: body.paymentChannel,
        receivedAt: body.receivedAt,
        extension: body.extension,
        notes: body.notes,
        vneidDataUsed: body.vneidDataUsed,
        verificationUrl: services.config.certification.verificationUrl,
      },
      { certifier: certifierSigner, authority: sealSigner },
      register,
      (w) => {
        log.warn({ warning: w }, 'certification warning');
        if (!warnings.some((x) => x.code === w.code && x.detail === w.detail)) warnings.push(w);
      },
    );
    // Both signatures are over the e-copy as issued: each journaled with its hash, the level as made (auto picks one
    // per request) from the evidence the register keeps.
    const level = result.request.entries[0]?.signingEvidence?.level ?? 'B-B';
    if (!result.replayed) {
      for (const key of [certifierKey, seal]) {
        await journalSignature(services, principal!, {
          operation: 'certify',
          keyAlias: key.alias,
          certificate: key.identity.certificate,
          level,
          documentSha256: result.sha256,
          codes,
        });
      }
    } else {
      // A replay signs nothing; it journals only what a first attempt issued but could not journal (its 503).
      const keys = [certifierKey, seal].map((k) => ({ keyAlias: k.alias, certificate: k.identity.certificate }));
      const added = await journalMissingSignatures(services, principal!, {
        operation: 'certify',
        keys,
        level,
        documentSha256: result.sha256,
        codes,
      });
      if (added)
        log.warn(
          { request: result.request.id, added },
          'journaled on replay the signatures a failed journal write had missed',
        );
    }
    log.info(
      {
        request: result.request.id,
        numbers: result.request.entries.map((e) => e.certificationNumber),
        resumed: result.resumed,
        replayed: result.replayed,
      },
      'certified',
    );
    res
      .status(result.replayed ? 200 : 201)
      .json({ ...certificationView(result.request), resumed: result.resumed, warnings });
  },
});

export const getCertificationRoute = defineRoute<Record<string, never>, z.infer<typeof IdParams>>({
  method: 'get',
  path: '/v1/certifications/{id}',
  operationId: 'getCertification',
  summary: 'A certification request of your unit, with its numbers and fee',
  tag: 'certification',
  access: 'api-key',
  rateLimited: true,
  params: IdParams,
  responses: {
    200: { description: 'The request.', json: CertificationSchema },
    404: { description: "No such request in your unit's register." },
  },
  async handler({ res, params, principal, services }) {
    res.json(certificationView(await ownRequest(params.id, principal, services)));
  },
});

export const getECopyRoute = defineRoute<Record<string, never>, z.infer<typeof IdParams>>({
  method: 'get',
  path: '/v1/certifications/{id}/ecopy.pdf',
  operationId: 'getElectronicCopy',
  summary: 'The issued e-copy (PDF) of a certification request of your unit',
  tag: 'certification',
  access: 'api-key',
  rateLimited: true,
  params: IdParams,
  responses: {
    200: { description: 'The e-copy.', pdf: true },
    404: { description: 'No such request, or no issued e-copy.' },
  },
  async handler({ res, params, principal, services }) {
    const request = await ownRequest(params.id, principal, services);
    const entry = request.entries.find((e) => e.electronicCopy && e.state === 'issued');
    const pdf = entry ? await services.register!.getECopy(entry.id) : null;
    if (!entry || !pdf) throw new ServiceError('SERVICE_NOT_FOUND', {}, 'this request has no issued e-copy');
    res.status(200).type('application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="ecopy-${entry.year}-${entry.seqNo}.pdf"`);
    res.setHeader('Kyso-Certification-Number', encodeURIComponent(entry.certificationNumber));
    res.end(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
  },
});

const DeliverySchema = z
  .object({
    at: z.iso.datetime({ offset: true }).optional().meta({ description: 'When it was delivered (default: now).' }),
  })
  .strict()
  .meta({ id: 'DeliveryRecord' });

export const recordDeliveryRoute = defineRoute<
  Record<string, never>,
  z.infer<typeof IdParams>,
  z.infer<typeof DeliverySchema>
>({
  method: 'post',
  path: '/v1/certifications/{id}/delivery',
  operationId: 'recordDelivery',
  summary: 'Record that the e-copy was delivered (its return time)',
  description:
    'The return time the deadline and the monthly on-time rate are judged by. A repeat keeps the first delivery.',
  tag: 'certification',
  access: 'api-key',
  rateLimited: true,
  params: IdParams,
  body: { kind: 'json', schema: DeliverySchema },
  responses: {
    200: { description: 'The request, delivered.', json: CertificationSchema },
    404: { description: "No such request in your unit's register." },
    409: { description: 'Not issued yet.' },
  },
  async handler({ res, params, body, principal, services }) {
    const request = await ownRequest(params.id, principal, services);
    res.json(certificationView(await services.register!.recordDelivery(request.id, { at: body.at })));
  },
});

const LaterExtensionSchema = ExtensionSchema.extend({
  at: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'When it was agreed (default: now); not before the receipt, not after the due time.' }),
})
  .strict()
  .meta({ id: 'LaterExtension', description: 'An extension agreed after receipt (Decree 23/2015 Art. 21).' });

export const extendDeadlineRoute = defineRoute<
  Record<string, never>,
  z.infer<typeof IdParams>,
  z.infer<typeof LaterExtensionSchema>
>({
  method: 'post',
  path: '/v1/certifications/{id}/extension',
  operationId: 'extendDeadline',
  summary: 'Record an extension agreed after receipt; the due time moves (a new appointment slip gives it)',
  description:
    'Decree 23/2015 Art. 21: when the office cannot meet the time limit (several originals, many pages or copies, ' +
    'content hard to check) it may run up to 2 working days longer, or longer by written agreement with the ' +
    'requester. Every extension of the request counts together, from the due day it had without one; it must be ' +
    'agreed before the request is due (409 DEADLINE_PASSED) and before the result is returned (409 ' +
    'DEADLINE_NOT_EXTENSIBLE). Each one is kept in the register with its reason; GET ' +
    '/v1/certifications/{id}/appointment-slip.pdf then gives the new slip.',
  tag: 'certification',
  access: 'api-key',
  rateLimited: true,
  params: IdParams,
  body: { kind: 'json', schema: LaterExtensionSchema },
  responses: {
    200: { description: 'The request with its new due time and whole extension.', json: CertificationSchema },
    404: { description: "No such request in your unit's register." },
    409: { description: 'Already due, returned, or void.' },
  },
  async handler({ res, params, body, principal, services }) {
    const request = await ownRequest(params.id, principal, services);
    const register = services.register!;
    const { at, ...extension } = body;
    res.json(certificationView(await register.extendDeadline(request.id, { extension, at })));
  },
});

export const appointmentSlipRoute = defineRoute<Record<string, never>, z.infer<typeof IdParams>>({
  method: 'get',
  path: '/v1/certifications/{id}/appointment-slip.pdf',
  operationId: 'getAppointmentSlip',
  summary: 'The appointment slip (phiếu hẹn trả kết quả) of a certification request of your unit',
  description:
    'One A4 page in Vietnamese: the authority, the requester, the documents, the receipt and due times in Vietnam time, any extension (Decree 23/2015 Art. 21).',
  tag: 'certification',
  access: 'api-key',
  rateLimited: true,
  params: IdParams,
  responses: {
    200: { description: 'The slip.', pdf: true },
    404: { description: 'No such request.' },
    409: { description: 'The request has no due time.' },
  },
  async handler({ res, params, principal, services }) {
    const request = await ownRequest(params.id, principal, services);
    const authority = services.config.certification.authorities[principal!.unit];
    const slip = appointmentSlip({ request, authorityName: authority?.name ?? request.authorityId });
    res.status(200).type('application/pdf');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="phieu-hen-${request.entries[0]?.year ?? ''}-${request.entries[0]?.seqNo ?? ''}.pdf"`,
    );
    res.end(Buffer.from(slip.pdf.buffer, slip.pdf.byteOffset, slip.pdf.byteLength));
  },
});

export const RegisterLookupQuerySchema = z.object({
  authority: z.string().min(1).max(200).meta({ description: "The authority's id (its unit)." }),
  book: z.string().min(1).max(50).meta({ description: 'Book type, e.g. SCT/BS.', example: 'SCT/BS' }),
  year: z.coerce.number().int().min(2000).max(2200),
  number: z.coerce.number().int().min(1).meta({ description: 'The sequence number in the year.' }),
});

export const registerLookupRoute = defineRoute<z.infer<typeof RegisterLookupQuerySchema>>({
  method: 'get',
  path: '/v1/register/lookup',
  operationId: 'lookupRegisterEntry',
  summary: 'Public register lookup by number, book and year',
  description:
    'Shows that a certification number exists, when and by whom it was issued, its state and the SHA-256 of the e-copy; nothing personal.',
  tag: 'certification',
  access: 'registerLookup',
  rateLimited: true,
  query: RegisterLookupQuerySchema,
  responses: {
    200: { description: 'The public part of the entry.', json: PublicEntrySchema },
    404: { description: 'No such entry.' },
  },
  async handler({ res, query, services }) {
    const register = services.register;
    if (!register) throw new ServiceError('SERVICE_NOT_FOUND');
    const entry = await register.findEntry({
      authorityId: query.authority,
      bookType: query.book,
      year: query.year,
      seqNo: query.number,
    });
    if (!entry || entry.state === 'pending')
      throw new ServiceError('SERVICE_NOT_FOUND', {}, 'no such entry in the register');
    const authority = await register.getAuthority(entry.authorityId);
    res.json({
      certificationNumber: entry.certificationNumber,
      authority: { id: entry.authorityId, name: authority?.name ?? entry.authorityId },
      bookType: entry.bookType,
      year: entry.year,
      volume: entry.volume,
      seqNo: entry.seqNo,
      certifiedAt: entry.certifiedAt,
      state: entry.state,
      electronicCopy: entry.electronicCopy,
      eCopySha256: entry.eCopySha256,
    } satisfies z.infer<typeof PublicEntrySchema>);
  },
});

export function authorityOf(principal: Principal | null, services: Services) {
  if (!principal) throw new ServiceError('SERVICE_UNAUTHENTICATED');
  const authority = services.config.certification.authorities[principal.unit];
  if (!authority || !services.register)
    throw new ServiceError('SERVICE_FORBIDDEN', {}, "this API key's unit is not a certifying authority here");
  return { authority, register: services.register };
}

async function ownRequest(
  id: string,
  principal: Principal | null,
  services: Services,
): Promise<CertificationRequestRecord> {
  const { register } = authorityOf(principal, services);
  const request = await register.getRequest(id);
  // Another unit's request is "not found": its existence is not theirs to learn.
  if (!request || request.authorityId !== principal!.unit || request.kind !== 'certification')
    throw new ServiceError('SERVICE_NOT_FOUND', {}, 'no such certification in your register');
  return request;
}

export function certificationView(r: CertificationRequestRecord) {
  const issued = r.entries.some((e) => e.electronicCopy && e.state === 'issued');
  return {
    id: r.id,
    idempotencyKey: r.idempotencyKey,
    authority: r.authorityId,
    state: r.state,
    requester: r.requester,
    certifier: r.certifier,
    fee: r.fee,
    createdAt: r.createdAt,
    completedAt: r.completedAt,
    receivedAt: r.receivedAt,
    dueAt: r.dueAt,
    extension: r.extension,
    paymentChannel: r.paymentChannel,
    deliveredAt: r.deliveredAt,
    returnedAt: r.returnedAt,
    deadline: r.deadline,
    entries: r.entries.map((e) => ({
      certificationNumber: e.certificationNumber,
      bookType: e.bookType,
      year: e.year,
      volume: e.volume,
      seqNo: e.seqNo,
      certifiedAt: e.certifiedAt,
      documentName: e.documentName,
      originalPages: e.originalPages,
      paperCopies: e.paperCopies,
      electronicCopy: e.electronicCopy,
      fee: e.fee,
      eCopySha256: e.eCopySha256,
      state: e.state,
      signingEvidence: e.signingEvidence,
    })),
    ecopy: issued ? `/v1/certifications/${encodeURIComponent(r.id)}/ecopy.pdf` : null,
    appointmentSlip:
      r.dueAt && r.receivedAt && r.state !== 'void'
        ? `/v1/certifications/${encodeURIComponent(r.id)}/appointment-slip.pdf`
        : null,
  };
}
