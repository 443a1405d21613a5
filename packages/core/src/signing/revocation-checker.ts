/** The default pre-signing revocation checker: @kyso/verify's OCSP-then-CRL check against the CA's own services. */
import { checkRevocation, describeRevocationCode, REVOCATION_MESSAGES, type FetchLike, type RevocationCode } from '@kyso/verify';
import type { RevocationChecker } from './certificate-check.js';

/** `fetch`: a service passes its guarded fetch (the default, the global fetch, contacts whatever the certificate names). */
export function onlineRevocationChecker(options: { timeoutMs?: number; fetch?: FetchLike } = {}): RevocationChecker {
  return async (cert, issuer, at) => {
    const res = await checkRevocation(cert, issuer, { at, timeoutMs: options.timeoutMs ?? 10_000, fetch: options.fetch });
    // The reasons become a typed warning's detail ("code: English"); its Vietnamese text is the warning's own.
    const warnings = res.warnings.map((w) => (w in REVOCATION_MESSAGES ? `${w}: ${describeRevocationCode(w as RevocationCode).en}` : w));
    return { status: res.status, source: res.source, revocationTime: res.revocationTime, warnings };
  };
}
