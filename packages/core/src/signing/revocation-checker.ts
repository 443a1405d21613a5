/** The default pre-signing revocation checker: @kyso/verify's OCSP-then-CRL check against the CA's own services. */
import { checkRevocation, type FetchLike } from '@kyso/verify';
import type { RevocationChecker } from './certificate-check.js';

/** `fetch`: a service passes its guarded fetch (the default, the global fetch, contacts whatever the certificate names). */
export function onlineRevocationChecker(options: { timeoutMs?: number; fetch?: FetchLike } = {}): RevocationChecker {
  return async (cert, issuer, at) => {
    const res = await checkRevocation(cert, issuer, {
      at,
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch,
    });
    // The reasons as codes (REVOCATION_MESSAGES has their words): the detail of a typed warning, whose text says the rest.
    return { status: res.status, source: res.source, revocationTime: res.revocationTime, warnings: res.warnings };
  };
}
