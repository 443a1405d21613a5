/** The default pre-signing revocation checker: @kyso/verify's OCSP-then-CRL check against the CA's own services. */
import { checkRevocation } from '@kyso/verify';
import type { RevocationChecker } from './certificate-check.js';

export function onlineRevocationChecker(options: { timeoutMs?: number } = {}): RevocationChecker {
  return async (cert, issuer, at) => {
    const res = await checkRevocation(cert, issuer, { at, timeoutMs: options.timeoutMs ?? 10_000 });
    return { status: res.status, source: res.source, revocationTime: res.revocationTime, warnings: res.warnings };
  };
}
