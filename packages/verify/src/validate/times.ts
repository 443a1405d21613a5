/** Timestamps as proof of existence: each signature timestamp verified, its TSA's path built and judged at its time. */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toCertificate } from '../revocation/index.js';
import type { CmsFacts } from '../signature/index.js';
import { checkSignatureTimestamps } from '../timestamp/index.js';
import { summariseCertificate } from './certificate-summary.js';
import { chainOf, type TrustContext } from './chain.js';
import { revocationOf } from './revocation-facts.js';
import type { TimestampFacts } from './facts.js';

function certs(ders: readonly Uint8Array[]): pkijs.Certificate[] {
  const out: pkijs.Certificate[] = [];
  for (const der of ders) {
    try {
      out.push(toCertificate(der));
    } catch {
      // unreadable: the path simply cannot use it
    }
  }
  return out;
}

export async function signatureTimestamps(cms: CmsFacts, ctx: TrustContext): Promise<TimestampFacts[]> {
  if (!cms.signerInfo) return [];
  const checks = await checkSignatureTimestamps(cms, { certificates: ctx.evidence.certificates.map((c) => c.der) });
  const out: TimestampFacts[] = [];
  for (const ts of checks) {
    const c = ts.check;
    const tsaCert = c.tsaCertificate ? certs([c.tsaCertificate])[0] : undefined;
    let trusted = false;
    let validUntil: string | null = null;
    const problems: string[] = [...c.problems];
    if (tsaCert && c.genTime) {
      const chain = await chainOf(
        tsaCert,
        [...certs(c.certificates), ...ctx.documentCertificates],
        ctx,
        [c.genTime],
        'timestamping',
      );
      trusted = chain.facts.found && chain.facts.problems.length === 0 && chain.facts.validity[0]?.status === 'VALID';
      if (!chain.facts.found) problems.push('TSA_NO_CHAIN');
      problems.push(...chain.facts.problems);
      if (chain.facts.validity[0]?.status !== 'VALID')
        problems.push(`TSA_CERTIFICATE_${chain.facts.validity[0]?.status ?? 'UNKNOWN'}`);
      validUntil = chainValidUntil(chain.certs);
      // A TSA certificate revoked before the token's time makes the token no proof (EN 319 102-1 §5.4). Known
      // status only: no status data is not a reason to distrust a timestamp.
      if (trusted) {
        const genTime = c.genTime;
        const revoked = (await revocationOf(chain.certs, genTime, 0, ctx)).certificates.find(
          (r) => r.status === 'REVOKED' && (!r.revokedAt || Date.parse(r.revokedAt) <= genTime.getTime()),
        );
        if (revoked) {
          trusted = false;
          problems.push(
            `TSA_CERTIFICATE_REVOKED (${revoked.certificate}${revoked.revokedAt ? ` at ${revoked.revokedAt}` : ''})`,
          );
        }
      }
    }
    out.push({
      kind: 'signature-timestamp',
      time: (c.genTime ?? new Date(0)).toISOString(),
      intact: c.valid && c.imprintMatches === true && !!c.genTime,
      trusted,
      tsa: tsaCert ? summariseCertificate(tsaCert) : null,
      validUntil,
      provesExistence: false, // decided with the later timestamps in view (gather.ts)
      problems,
    });
  }
  return out;
}

/** The earliest notAfter of a built chain (ISO), or null for none. */
export function chainValidUntil(chain: readonly pkijs.Certificate[]): string | null {
  if (chain.length === 0) return null;
  return new Date(Math.min(...chain.map((c) => c.notAfter.value.getTime()))).toISOString();
}

/**
 * Whether a timestamp proves existence at the validation time `at`: it must be intact and trusted at its own time,
 * and its TSA chain still valid at `at`, or the timestamp itself covered by a later document timestamp that proves
 * existence and was made before the chain ran out (the archive-timestamp chain of PAdES B-LTA).
 */
export function provesExistence(t: TimestampFacts, at: Date, later: readonly TimestampFacts[]): boolean {
  if (!t.intact || !t.trusted) return false;
  if (t.validUntil === null || at.getTime() <= Date.parse(t.validUntil)) return true;
  return later.some((d) => d.provesExistence && Date.parse(d.time) <= Date.parse(t.validUntil!));
}

/** Decides `t.provesExistence` with the later document timestamps in view; a trusted token that no longer proves says why. */
export function settleProof(t: TimestampFacts, at: Date, later: readonly TimestampFacts[]): void {
  t.provesExistence = provesExistence(t, at, later);
  if (t.intact && t.trusted && !t.provesExistence) t.problems.push('TSA_CERTIFICATE_EXPIRED_NO_POE');
}

/** A document timestamp's genTime (from the TSTInfo its CMS encapsulates), as ISO; null when unreadable. */
export function documentTimestampTime(cms: CmsFacts): string | null {
  if (!cms.eContent) return null;
  try {
    const asn = asn1js.fromBER(cms.eContent.slice().buffer);
    if (asn.offset === -1) return null;
    return new pkijs.TSTInfo({ schema: asn.result }).genTime.toISOString();
  } catch {
    return null;
  }
}
