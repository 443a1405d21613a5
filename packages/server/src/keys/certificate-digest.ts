/**
 * A certificate's SHA-256 and journal facts, computed once per array rather than on every signing request (the
 * certificate check's cache key, the rule for what the network may be asked about, the journal record each hashed
 * the key's certificate again). Keyed by the array itself: the key ring's certificates live as long as the service
 * and are never written to; a certificate a request supplies is a new array, so it is hashed as before.
 */
import { createHash } from 'node:crypto';
import { signerFacts } from '@kyso/core';

const digests = new WeakMap<Uint8Array, string>();
const facts = new WeakMap<Uint8Array, { signerName: string; signerCertSha256: string }>();

/** The hex SHA-256 of a certificate's DER. */
export function certificateSha256(der: Uint8Array): string {
  let hex = digests.get(der);
  if (hex === undefined) {
    hex = createHash('sha256').update(der).digest('hex');
    digests.set(der, hex);
  }
  return hex;
}

/** The journal's facts about the signer (@kyso/core's signerFacts), once per certificate array. */
export function certificateFacts(der: Uint8Array): { signerName: string; signerCertSha256: string } {
  let f = facts.get(der);
  if (f === undefined) {
    f = signerFacts(der);
    facts.set(der, f);
  }
  return f;
}
