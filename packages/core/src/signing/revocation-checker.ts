/** The default pre-signing revocation checker: @kyso/verify's OCSP-then-CRL check against the CA's own services. */
import { checkRevocation, describeRevocationCode, REVOCATION_MESSAGES, type FetchLike, type RevocationCode } from '@kyso/verify';
import type { RevocationChecker } from './certificate-check.js';

/** `fetch`: a service passes its guarded fetch (the default, the global fetch, contacts whatever the certificate names). */
export function onlineRevocationChecker(options: { timeoutMs?: number; fetch?: FetchLike } = {}): RevocationChecker {
  return async (cert, issuer, at) => {
    const res = await checkRevocation(cert, issuer, { at, timeoutMs: options.timeoutMs ?? 10_000, fetch: options.fetch });
    // Warnings go to people: "code: Vietnamese / English".
    const warnings = res.warnings.map((w) => {
      if (!(w in REVOCATION_MESSAGES)) return w;
      const d = describeRevocationCode(w as RevocationCode);
      return `${w}: ${d.vi} / ${d.en}`;
    });
    return { status: res.status, source: res.source, revocationTime: res.revocationTime, warnings };
  };
}
