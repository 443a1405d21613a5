/**
 * POST /v1/sign: the PDF in, the PDF signed with one of the service's keys out. Served on Node's own request and
 * response (definePlainRoute): the service's busiest route, where Express's prototype swap cost most.
 */
import type { z } from 'zod';
import { definePlainRoute } from '../http/route.js';
import { contentDisposition, SIGNED_PDF, sendSignedPdf } from '../http/pdf-response.js';
import { readPdfBody } from '../io/request-body.js';
import { SignQuerySchema } from '../openapi/common-schemas.js';
import { keyFor } from './authorize.js';
import { JOURNAL_HEADERS, journalCodes, journalSignature, outputSha256 } from '../signing/journal-record.js';
import { WARNING_HEADERS, warningHeaders } from '../signing/warnings.js';

export const signRoute = definePlainRoute<z.infer<typeof SignQuerySchema>>({
  method: 'post',
  path: '/v1/sign',
  operationId: 'signPdf',
  summary: 'Sign a PDF (PAdES) with a key the service holds',
  description:
    'The body is the PDF. The answer is the same bytes followed by an incremental update holding the signature; ' +
    'earlier signatures stay valid. The API key must be allowed the key alias.',
  tag: 'signing',
  access: 'api-key',
  rateLimited: true,
  query: SignQuerySchema,
  headers: JOURNAL_HEADERS,
  body: { kind: 'pdf', description: 'The PDF to sign.' },
  responses: {
    200: {
      description: 'The signed PDF.',
      pdf: true,
      headers: { 'Kyso-Field-Name': 'The signature field the signature went into.', ...WARNING_HEADERS },
    },
  },
  authorize({ req }) {
    journalCodes(req); // a malformed code is refused before the body is read
  },
  async handler(ctx) {
    const { req, res, query, principal, services } = ctx;
    const entry = keyFor(principal, services.keyRing, query.key);
    const codes = journalCodes(req);
    const body = await readPdfBody(req, bodyLimits(services));
    try {
      // The PDF work runs in a signing worker: a body in memory is copied there, a spooled one read there.
      const { update, fieldName, warnings } = await services.signing.sign(
        entry,
        body.bytes ? { bytes: body.bytes } : { path: body.path! },
        query,
      );
      // Journaled before the PDF is sent: no signature leaves the service unrecorded.
      const documentSha256 = await outputSha256({ bytes: body.bytes, path: body.path }, update);
      await journalSignature(services, principal!, {
        operation: 'sign',
        keyAlias: entry.alias,
        certificate: entry.identity.certificate,
        level: query.level,
        documentSha256,
        codes,
      });
      // ctx.log is made on first use: above `info`, not at all.
      if (services.logger.isLevelEnabled('info'))
        ctx.log.info({ key: entry.alias, level: query.level, bytes: body.size, fieldName }, 'signed');
      await sendSignedPdf(res, { bytes: body.bytes, path: body.path, size: body.size }, update, {
        'Kyso-Field-Name': encodeURIComponent(fieldName),
        'Content-Disposition': query.filename === undefined ? SIGNED_PDF : contentDisposition(query.filename),
        ...warningHeaders(warnings),
      });
    } finally {
      body.dispose();
    }
  },
});

export function bodyLimits(services: {
  config: { dataDir: string; limits: { maxBodyBytes: number; memoryBodyBytes: number } };
}) {
  return {
    maxBytes: services.config.limits.maxBodyBytes,
    memoryBytes: services.config.limits.memoryBodyBytes,
    tmpDir: `${services.config.dataDir}/tmp`,
  };
}
