/** Certificates from what callers hand over (DER, PEM with one or more blocks, parsed), for anchors and pools. */
import * as pkijs from 'pkijs';
import { toCertificate } from '../revocation/index.js';
import type { CertificateSource } from './options.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate of the sources (a PEM text may hold several). Unreadable ones are an error: the caller gave them. */
export function readCertificates(sources: readonly CertificateSource[] = []): pkijs.Certificate[] {
  const out: pkijs.Certificate[] = [];
  for (const s of sources) {
    if (s instanceof pkijs.Certificate) out.push(s);
    else {
      const text = typeof s === 'string' ? s : s[0] === 0x2d ? new TextDecoder().decode(s) : null;
      if (text !== null)
        for (const block of text.match(PEM_BLOCK) ?? [text]) out.push(toCertificate(new TextEncoder().encode(block)));
      else out.push(toCertificate(s as Uint8Array));
    }
  }
  return out;
}
