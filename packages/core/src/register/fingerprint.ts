/**
 * What an idempotency key is bound to: the request's content, as the SHA-256 of canonical JSON. A retry must
 * present the same content; the same key with other content is a conflict, never a silent second certification.
 * The fee and the clock are not part of it (they are recorded once, at the first reservation).
 */
import { createHash } from 'node:crypto';
import type { RefusalInput, ReserveInput } from './types.js';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function reserveFingerprint(input: ReserveInput): string {
  return sha256(
    canonicalJson({
      kind: 'certification',
      authorityId: input.authorityId,
      requester: input.requester,
      certifier: input.certifier,
      originals: input.originals,
      delivery: input.delivery,
    }),
  );
}

export function refusalFingerprint(input: RefusalInput): string {
  return sha256(
    canonicalJson({
      kind: 'refusal',
      authorityId: input.authorityId,
      requester: input.requester,
      certifier: input.certifier,
      documentName: input.documentName,
      code: input.code,
      text: input.text,
    }),
  );
}
