/** Fetches a missing issuer certificate from the Authority Information Access caIssuers URL (RFC 5280 §4.2.2.1). */
import { httpExchange, type FetchLike } from '@kyso/verify';
import type { PooledCertificate } from './certificate-pool.js';

/** DER or PEM certificates from the certificate's caIssuers URLs; failures give nothing (the chain stays short). */
export async function fetchIssuerCertificates(
  cert: PooledCertificate,
  options: { timeoutMs: number; maxBytes: number; fetch?: FetchLike },
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const url of cert.info.caIssuerUrls.filter((u) => /^https?:\/\//i.test(u)).slice(0, 2)) {
    // Unreachable, refused, too slow or too large: the chain simply ends here.
    const r = await httpExchange(url, { method: 'GET' }, options);
    if (r.ok) out.push(...pemOrDerCertificates(r.body));
  }
  return out;
}

export function pemOrDerCertificates(body: Uint8Array): Uint8Array[] {
  const text = new TextDecoder('latin1').decode(body.subarray(0, Math.min(body.length, 64)));
  if (!text.includes('-----BEGIN')) return [body];
  const all = new TextDecoder('latin1').decode(body);
  return [...all.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
    (m) => new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')),
  );
}
