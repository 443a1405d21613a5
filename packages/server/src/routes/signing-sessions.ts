/**
 * Two-step signing for keys the service does not hold (an officer's USB token, a remote signing CA):
 * POST /v1/signing-sessions stores the prepared document and returns the data to sign; the signature value (or
 * a whole CMS) made elsewhere goes to POST /v1/signing-sessions/{id}/complete, which returns the signed PDF.
 * Sessions live in their own database, so any instance on it can complete them, also after a restart. Completion
 * is idempotent: the result is stored before it is sent, and the same signature sent again gets the same PDF.
 */
import { createHash } from 'node:crypto';
import { parseCertificate, type SignerIdentity } from '@kyso/core';
import type { z } from 'zod';
import type { Principal } from '../auth/api-keys.js';
import { ServiceError } from '../errors.js';
import { defineRoute } from '../http/route.js';
import { contentDisposition, sendSignedPdf } from '../http/pdf-response.js';
import type { Services } from '../http/services.js';
import { asSource } from '../io/byte-source.js';
import { readPdfBody } from '../io/request-body.js';
import { algorithmForCertificate } from '../keys/certificates.js';
import {
  isBase64,
  SessionCompleteSchema,
  SessionCreatedSchema,
  SessionIdParamsSchema,
  SessionQuerySchema,
} from '../openapi/common-schemas.js';
import type { SessionRecord } from '../sessions/session-store.js';
import { keyFor } from './authorize.js';
import { JOURNAL_HEADERS, journalCodes, journalSignature, outputSha256 } from '../signing/journal-record.js';
import { bodyLimits } from './sign.js';
import { WARNING_HEADERS, warningHeaders } from '../signing/warnings.js';
import type { SigningWarning } from '@kyso/core';

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
  responses: {
    201: { description: 'The session and the data to sign.', json: SessionCreatedSchema },
    413: { description: "The PDF would take this API key's sessions past their byte quota (SERVICE_SESSION_QUOTA)." },
    429: { description: 'This API key holds its maximum of open sessions (SERVICE_SESSION_LIMIT), with Retry-After.' },
  },
  async handler({ req, res, query, principal, services, log }) {
    const { identity, label } = signerFor(req.get(CERTIFICATES_HEADER), query, principal, services);
    // The caps are checked before the body is read (and again, exactly, when the session is stored).
    const declared = Number(req.headers['content-length']);
    await services.sessions.admit(principal!.keyId, Number.isFinite(declared) ? declared : undefined);
    const body = await readPdfBody(req, bodyLimits(services));
    try {
      const input = body.input();
      const certificate = parseCertificate(identity.certificate);
      const prepared = await services.signing.prepareExternal(
        identity,
        certificate,
        body.bytes ? { bytes: body.bytes } : { path: body.path! },
        query,
      );
      const rec = await services.sessions.create({
        unit: principal!.unit,
        apiKeyId: principal!.keyId,
        state: prepared.state,
        ttlMs: services.config.signing.sessionTtlSeconds * 1000,
        input: asSource(input),
        fileName: query.filename,
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
        warnings: prepared.warnings,
      } satisfies z.infer<typeof SessionCreatedSchema>);
    } finally {
      body.dispose();
    }
  },
});

export const completeSessionRoute = defineRoute<
  Record<string, never>,
  z.infer<typeof SessionIdParamsSchema>,
  z.infer<typeof SessionCompleteSchema>
>({
  method: 'post',
  path: '/v1/signing-sessions/{id}/complete',
  operationId: 'completeSigningSession',
  summary: 'Two-step signing, step 2: give the signature value and get the signed PDF',
  description:
    'Only API keys of the unit that opened the session may complete it. Idempotent: the result is stored before it ' +
    'is sent, and the same body sent again (until the session expires, at least sessions.completedRetentionSeconds ' +
    'after completion) gets the same signed PDF; a different signature after completion is 409.',
  tag: 'signing',
  access: 'api-key',
  rateLimited: true,
  params: SessionIdParamsSchema,
  headers: JOURNAL_HEADERS,
  body: { kind: 'json', schema: SessionCompleteSchema },
  responses: {
    200: {
      description: 'The signed PDF.',
      pdf: true,
      headers: { 'Kyso-Field-Name': 'The signature field.', ...WARNING_HEADERS },
    },
    404: { description: 'No such session (or it belongs to another unit).' },
    409: { description: 'The session was already completed with another signature (SERVICE_SESSION_COMPLETED).' },
    410: { description: 'The session has expired.' },
  },
  // The session must exist, be this unit's and be live before its body is read.
  async authorize({ req, params, principal, services }) {
    await ownSession(params.id, principal, services);
    journalCodes(req);
  },
  async handler({ req, res, params, body, principal, services, log }) {
    let rec = await ownSession(params.id, principal, services);
    const codes = journalCodes(req);
    const submission = body.cms ? { cms: decode(body.cms) } : { signatureValue: decode(body.signatureValue!) };
    const digest = submissionDigest(submission);
    const release = services.sessions.pin(rec.id);
    res.once('close', release);
    try {
      let update: Uint8Array | undefined;
      let warnings: SigningWarning[] = [];
      // Read once (from PostgreSQL it comes whole): the completion and the answer use the same source.
      const input = await services.sessions.input(rec);
      if (!rec.completed) {
        const completed = await services.signing.complete(input, rec.state, submission);
        const made = completed.update;
        // Journaled before it is stored and sent (two completions racing may both journal: a duplicate, never a gap).
        const certificate = decode(rec.state.certificate);
        await journalSignature(services, principal!, {
          operation: 'sign',
          keyAlias:
            services.keyRing
              .aliases()
              .find((a) => Buffer.from(services.keyRing.get(a)!.identity.certificate).equals(certificate)) ??
            'external',
          certificate,
          level: rec.state.level,
          documentSha256: await outputSha256({ source: input }, made),
          codes,
        });
        // Stored before anything is sent: a lost answer is fetched again with the same body.
        if (await services.sessions.markCompleted(rec.id, digest, made)) {
          update = made;
          warnings = completed.warnings;
          log.info({ session: rec.id, fieldName: rec.state.fieldName }, 'signing session completed');
        } else {
          rec = await ownSession(params.id, principal, services); // completed by another request meanwhile
        }
      }
      if (!update) {
        if (rec.completed?.submissionSha256 !== digest) {
          throw new ServiceError(
            'SERVICE_SESSION_COMPLETED',
            {},
            'send the same body as the completion that succeeded to get its PDF again',
          );
        }
        update = await services.sessions.result(rec.id);
        if (!update) throw new ServiceError('SERVICE_SESSION_EXPIRED');
        log.info({ session: rec.id }, 'signing session result sent again');
      }
      await sendSignedPdf(res, { source: input }, update, {
        'Kyso-Field-Name': encodeURIComponent(rec.state.fieldName),
        'Content-Disposition': contentDisposition(rec.fileName ?? 'signed.pdf'),
        ...warningHeaders(warnings),
      });
    } finally {
      if (!res.headersSent) release();
    }
  },
});

/** The caller's unit's live session: another unit's is "not found" (its existence is not theirs to learn). */
async function ownSession(id: string, principal: Principal | null, services: Services): Promise<SessionRecord> {
  const found = await services.sessions.get(id);
  if (found.kind === 'absent' || (found.kind === 'expired' ? found.unit : found.session.unit) !== principal!.unit) {
    throw new ServiceError('SERVICE_SESSION_NOT_FOUND');
  }
  if (found.kind === 'expired')
    throw new ServiceError('SERVICE_SESSION_EXPIRED', { expiredAt: new Date(found.expiresAt).toISOString() });
  return found.session;
}

function decode(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** What completed a session, as a hash: a retry is recognised by it without keeping the signature itself. */
function submissionDigest(s: { cms: Uint8Array } | { signatureValue: Uint8Array }): string {
  const [kind, bytes] = 'cms' in s ? ['cms', s.cms] : ['signatureValue', s.signatureValue];
  return createHash('sha256').update(kind).update('\0').update(bytes).digest('hex');
}

/** The signer's identity: a key alias the caller may use, or the certificates it supplies. */
function signerFor(
  header: string | undefined,
  query: z.infer<typeof SessionQuerySchema>,
  principal: Principal | null,
  services: Services,
): { identity: SignerIdentity; label: string } {
  if (query.key !== undefined) {
    if (header)
      throw new ServiceError(
        'SERVICE_BAD_REQUEST',
        {},
        `give either the key query parameter or the ${CERTIFICATES_HEADER} header`,
      );
    const entry = keyFor(principal, services.keyRing, query.key);
    return { identity: entry.identity, label: entry.alias };
  }
  if (!header)
    throw new ServiceError(
      'SERVICE_BAD_REQUEST',
      {},
      `give the key query parameter or the ${CERTIFICATES_HEADER} header`,
    );
  if (!principal?.externalCertificates) {
    throw new ServiceError('SERVICE_FORBIDDEN', {}, 'this API key may not sign with certificates it supplies');
  }
  const parts = header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.every(isBase64))
    throw new ServiceError('SERVICE_BAD_REQUEST', {}, `${CERTIFICATES_HEADER} must hold base64 DER certificates`);
  const [leaf, ...chain] = parts.map((s) => new Uint8Array(Buffer.from(s, 'base64')));
  if (!leaf) throw new ServiceError('SERVICE_BAD_REQUEST', {}, `${CERTIFICATES_HEADER} holds no certificate`);
  let info;
  try {
    info = parseCertificate(leaf);
    chain.forEach((c) => parseCertificate(c));
  } catch {
    throw new ServiceError('SERVICE_BAD_REQUEST', {}, `${CERTIFICATES_HEADER} must hold base64 DER certificates`);
  }
  const identity = { certificate: leaf, chain, algorithm: algorithmForCertificate(leaf, query.hash) };
  return { identity, label: info.subjectAttributes.CN ?? 'supplied certificate' };
}
