/**
 * Journaling the service's signatures: each signature the service makes (POST /v1/sign, a completed two-step
 * session, both signatures of a certification) is recorded before the signed PDF is sent, so no signature leaves
 * unjournaled; a journal that cannot be written fails the request (503, and no PDF is sent). A certification is
 * the exception that cannot be undone: its number and e-copy are in the register before the journal is written, so
 * a 503 there leaves an issued copy unjournaled until the caller's retry (same idempotency key) replays it, and the
 * replay journals whatever signature of that copy the journal still lacks. The caller may name the procedure and the
 * dossier in two headers (validated before any body is read); nothing of the document but its hash is kept.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { JOURNAL_CODE, type JournalOperation } from '@kyso/core';
import type { Principal } from '../auth/api-keys.js';
import { ServiceError } from '../errors.js';
import { header } from '../http/node-request.js';
import type { HeaderSpec } from '../http/route.js';
import type { Services } from '../http/services.js';
import type { ByteSource } from '../io/byte-source.js';
import { certificateFacts } from '../keys/certificate-digest.js';

export const PROCEDURE_HEADER = 'Kyso-Procedure-Code';
export const DOSSIER_HEADER = 'Kyso-Dossier-Id';

/** The two headers as the OpenAPI document lists them. */
export const JOURNAL_HEADERS: HeaderSpec[] = [
  {
    name: PROCEDURE_HEADER,
    description:
      'Optional: the administrative procedure code (mã thủ tục), recorded in the signing journal. 1-100 of A-Z a-z 0-9 . _ / : -',
  },
  {
    name: DOSSIER_HEADER,
    description:
      'Optional: the dossier id (mã hồ sơ) in the one-stop software, recorded in the signing journal. 1-100 of A-Z a-z 0-9 . _ / : -',
  },
];

export interface JournalCodes {
  procedureCode?: string;
  dossierId?: string;
}

/** Each header, its name as Node keys it, its field. */
const JOURNAL_CODE_HEADERS = [
  [PROCEDURE_HEADER, PROCEDURE_HEADER.toLowerCase(), 'procedureCode'],
  [DOSSIER_HEADER, DOSSIER_HEADER.toLowerCase(), 'dossierId'],
] as const;

/** The caller's codes from the headers; 400 for a value that is not a code (free text has no place in the journal). */
export function journalCodes(req: IncomingMessage): JournalCodes {
  const out: JournalCodes = {};
  for (const [name, key, field] of JOURNAL_CODE_HEADERS) {
    const v = header(req, key);
    if (v === undefined) continue;
    if (!JOURNAL_CODE.test(v))
      throw new ServiceError('SERVICE_BAD_REQUEST', {}, `${name}: 1 to 100 of A-Z a-z 0-9 . _ / : -`);
    out[field] = v;
  }
  return out;
}

/** SHA-256 of the signed output as sent: the input's bytes (memory, spooled file or source) then the update. */
export async function outputSha256(
  input: { bytes?: Uint8Array; path?: string; source?: ByteSource },
  update: Uint8Array,
): Promise<string> {
  const h = createHash('sha256');
  if (input.bytes) h.update(input.bytes);
  else if (input.path) for await (const chunk of createReadStream(input.path)) h.update(chunk as Buffer);
  else if (input.source)
    for (let at = 0; at < input.source.length; at += 1 << 20)
      h.update(input.source.read(at, Math.min(input.source.length, at + (1 << 20))));
  h.update(update);
  return h.digest('hex');
}

/** Records one signature in the journal (when the service has one). */
export async function journalSignature(
  services: Services,
  principal: Principal,
  s: {
    operation: JournalOperation;
    keyAlias: string;
    certificate: Uint8Array;
    level: string;
    documentSha256: string;
    codes: JournalCodes;
  },
): Promise<void> {
  if (!services.journal) return;
  await services.journal.record({
    source: 'service',
    operation: s.operation,
    unit: principal.unit,
    keyAlias: s.keyAlias,
    ...certificateFacts(s.certificate),
    level: s.level,
    documentSha256: s.documentSha256,
    ...s.codes,
  });
}

/**
 * On a certification's replay: journals each of its signatures the journal does not hold yet (a first attempt whose
 * journal write failed after the register issued the copy). A replay of a journaled copy records nothing.
 */
export async function journalMissingSignatures(
  services: Services,
  principal: Principal,
  s: {
    operation: JournalOperation;
    keys: { keyAlias: string; certificate: Uint8Array }[];
    level: string;
    documentSha256: string;
    codes: JournalCodes;
  },
): Promise<number> {
  if (!services.journal) return 0;
  const held = await services.journal.list({ unit: principal.unit, documentSha256: s.documentSha256 }, { limit: 1000 });
  const journaled = new Set(held.records.filter((r) => r.operation === s.operation).map((r) => r.keyAlias));
  let added = 0;
  for (const key of s.keys) {
    if (journaled.has(key.keyAlias)) continue;
    await journalSignature(services, principal, {
      operation: s.operation,
      keyAlias: key.keyAlias,
      certificate: key.certificate,
      level: s.level,
      documentSha256: s.documentSha256,
      codes: s.codes,
    });
    added++;
  }
  return added;
}
