/**
 * Two-step signing for keys the service does not hold (an officer's USB token, a remote signing CA):
 * POST /v1/signing-sessions stores the prepared document and returns the data to sign; the signature value (or
 * a whole CMS) made elsewhere goes to POST /v1/signing-sessions/{id}/complete, which returns the signed PDF.
 * Sessions live in the database, so any instance on it can complete them, also after a restart.
 */
import { parseCertificate, type SignerIdentity } from '@kyso/core';
import { z } from 'zod';
import type { Principal } from '../auth/api-keys.js';
import { ServiceError } from '../errors.js';
import { defineRoute } from '../http/route.js';
import { sendSignedPdf } from '../http/pdf-response.js';
import type { Services } from '../http/services.js';
import { asSource } from '../io/byte-source.js';
import { readPdfBody } from '../io/request-body.js';
import { algorithmForCertificate } from '../keys/certificates.js';
import { SessionCompleteSchema, SessionCreatedSchema, SessionIdParamsSchema, SessionQuerySchema } from '../openapi/common-schemas.js';
import { keyFor } from './authorize.js';
import { bodyLimits } from './sign.js';

export const CERTIFICATES_HEADER = 'Kyso-Signer-Certificates';

export const createSessionRoute = defineRoute<z.infer<typeof SessionQuerySchema>>({
  method: 'post',
  path: '/v1/signing-sessions',
  operationId: 'createSigningSession',
  summary: 'Two-step signing, step 1: prepare a PDF and get the data to sign',
  description:
    'The body is the PDF. The signer is a key alias the API key may use (query `key`), or a certificate chain the ' +
    `caller supplies in the ${CERTIFICATES_HEADER} header (API keys with externalCertificates). The session expires.`,
  tag: 'signing',
  access: 'api-key',
  rateLimited: true,
  query: SessionQuerySchema,
  headers: [
    {
      name: CERTIFICATES_HEADER,
      description: "The signer's certificate and its chain, each base64 DER, comma-separated, the signer's first.",
    },
  ],
  body: { kind: 'pdf', description: 'The PDF to sign.' },
  responses: { 201: { description: 'The session and the data to sign.', json: SessionCreatedSchema } },
  async handler({ req, res, query, principal, services, log }) {
    const { identity, label } = signerFor(req.get(CERTIFICATES_HEADER), query, principal, services);
    const body = await readPdfBody(req, bodyLimits(services));
    try {
      const input = body.input();
      const certificate = parseCertificate(identity.certificate);
      const prepared = await services.signing.prepareExternal(identity, certificate, body.bytes ? { bytes: body.bytes } : { path: body.path! }, query);
      const rec = services.sessions.create({
        unit: principal!.unit,
        apiKeyId: principal!.keyId,
        state: prepared.state,
        ttlMs: services.config.signing.sessionTtlSeconds * 1000,
        input: asSource(input),
      });
      log.info({ session: rec.id, signer: label, level: query.level, bytes: body.size }, 'signing session created');
      const scheme = prepared.state.algorithm.scheme;
      res.status(201).json({
        id: rec.id,
        expiresAt: new Date(rec.expiresAt).toISOString(),
        fieldName: prepared.state.fieldName,
        hashAlgorithm: prepared.state.hash,
        signatureAlgorithm: scheme.kind === 'ecdsa' ? `ecdsa-${scheme.namedCurve}` : scheme.kind,
        dataToSign: Buffer.from(prepared.dataToSign).toString('base64'),
        digestToSign: Buffer.from(prepared.digestToSign).toString('base64'),
        documentDigest: prepared.state.documentDigest,
        complete: `/v1/signing-sessions/${rec.id}/complete`,
      } satisfies z.infer<typeof SessionCreatedSchema>);
    } finally {
      body.dispose();
    }
  },
});

export const completeSessionRoute = defineRoute<Record<string, never>, z.infer<typeof SessionIdParamsSchema>, z.infer<typeof SessionCompleteSchema>>({
  method: 'post',
  path: '/v1/signing-sessions/{id}/complete',
  operationId: 'completeSigningSession',
  summary: 'Two-step signing, step 2: give the signature value and get the signed PDF',
  description: 'Only API keys of the unit that opened the session may complete it. A completed session is gone.',
  tag: 'signing',
  access: 'api-key',
  rateLimited: true,
  params: SessionIdParamsSchema,
  body: { kind: 'json', schema: SessionCompleteSchema },
  responses: {
    200: { description: 'The signed PDF.', pdf: true, headers: { 'Kyso-Field-Name': 'The signature field.' } },
    404: { description: 'No such session (or it is complete, or it belongs to another unit).' },
    410: { description: 'The session has expired.' },
  },
  async handler({ res, params, body, principal, services, log }) {
    const rec = services.sessions.get(params.id);
    // Another unit's session is "not found": its existence is not theirs to learn.
    if (!rec || rec.unit !== principal!.unit) throw new ServiceError('SERVICE_SESSION_NOT_FOUND');
    if (services.now() >= rec.expiresAt) throw new ServiceError('SERVICE_SESSION_EXPIRED', { expiredAt: new Date(rec.expiresAt).toISOString() });
    const result = body.cms
      ? { cms: new Uint8Array(Buffer.from(body.cms, 'base64')) }
      : { signatureValue: new Uint8Array(Buffer.from(body.signatureValue!, 'base64')) };
    const input = services.sessions.input(rec);
    const update = await services.signing.complete(input, rec.state, result);
    if (!services.sessions.delete(rec.id)) throw new ServiceError('SERVICE_SESSION_NOT_FOUND');
    log.info({ session: rec.id, fieldName: rec.state.fieldName }, 'signing session completed');
    await sendSignedPdf(res, { source: input }, update, { 'Kyso-Field-Name': encodeURIComponent(rec.state.fieldName) });
  },
});

/** The signer's identity: a key alias the caller may use, or the certificates it supplies. */
function signerFor(
  header: string | undefined,
  query: z.infer<typeof SessionQuerySchema>,
  principal: Principal | null,
  services: Services,
): { identity: SignerIdentity; label: string } {
  if (query.key !== undefined) {
    if (header) throw new ServiceError('SERVICE_BAD_REQUEST', {}, `give either the key query parameter or the ${CERTIFICATES_HEADER} header`);
    const entry = keyFor(principal, services.keyRing, query.key);
    return { identity: entry.identity, label: entry.alias };
  }
  if (!header) throw new ServiceError('SERVICE_BAD_REQUEST', {}, `give the key query parameter or the ${CERTIFICATES_HEADER} header`);
  if (!principal?.externalCertificates) {
    throw new ServiceError('SERVICE_FORBIDDEN', {}, 'this API key may not sign with certificates it supplies');
  }
  const certs = header.split(',').map((s) => s.trim()).filter(Boolean).map((s) => new Uint8Array(Buffer.from(s, 'base64')));
  if (certs.length === 0) throw new ServiceError('SERVICE_BAD_REQUEST', {}, `${CERTIFICATES_HEADER} holds no certificate`);
  let info;
  try {
    info = parseCertificate(certs[0]);
    certs.slice(1).forEach((c) => parseCertificate(c));
  } catch {
    throw new ServiceError('SERVICE_BAD_REQUEST', {}, `${CERTIFICATES_HEADER} must hold base64 DER certificates`);
  }
  const identity = { certificate: certs[0], chain: certs.slice(1), algorithm: algorithmForCertificate(certs[0], query.hash) };
  return { identity, label: info.subjectAttributes.CN ?? 'supplied certificate' };
}
