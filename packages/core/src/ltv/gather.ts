/**
 * Gathers the validation data of signatures and timestamps: for each signer (and each TSA) its chain up to the
 * root, and for every non-root certificate of it the revocation evidence the policy asks for — including the chain
 * and, unless it carries ocsp-nocheck, the status of a delegated OCSP responder. The result is grouped per target
 * for /VRI and merged for the DSS arrays.
 */
import { verifyCertificateSignature, type FetchLike } from '@kyso/verify';
import {
  CertificatePool,
  certificateId,
  hasOcspNoCheck,
  isSelfIssued,
  type PooledCertificate,
} from './certificate-pool.js';
import { LtvError } from './errors.js';
import { fetchIssuerCertificates } from './issuer-fetch.js';
import { ltvPolicy, type LtvPolicy } from './policy.js';
import {
  describeAttempts,
  RevocationCollector,
  type CertificateStatus,
  type RevocationAttemptFacts,
} from './revocation.js';
import { signingWarning, type OnSigningWarning, type SigningWarning } from '../signing/warnings.js';

export interface ValidationTarget {
  /** For messages: the field name or "signature timestamp of …". */
  label: string;
  /** The /VRI key (uppercase hex SHA-1 of the /Contents bytes); absent: no VRI entry. */
  vriKey?: string;
  /** DER of the certificates whose chains need data: the signer's, and each timestamp token's TSA. */
  leaves: Uint8Array[];
  /** DER certificates that came with the target (the CMS's, the tokens'). */
  certificates: Uint8Array[];
}

export interface VriEntry {
  certificates: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
}

export interface CertificateReport {
  subject: string;
  /** SHA-256 of the DER, hex. */
  id: string;
  status: 'good' | 'revoked' | 'unknown' | 'root' | 'ocsp-nocheck';
  revocationTime?: Date;
  attempts: RevocationAttemptFacts[];
}

export interface ValidationData {
  certificates: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  vri: Map<string, VriEntry>;
  report: CertificateReport[];
  warnings: SigningWarning[];
}

export interface GatherOptions {
  policy?: Partial<LtvPolicy>;
  /** Intermediates and roots the caller knows (e.g. `--trust` PEMs). */
  extraCertificates?: Uint8Array[];
  fetch?: FetchLike;
  ocspUrlOverride?: string;
  crlUrlOverride?: string;
  onWarning?: OnSigningWarning;
}

class Bag {
  private readonly ids = new Set<string>();
  readonly items: Uint8Array[] = [];
  add(der: Uint8Array): void {
    const id = certificateId(der);
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.items.push(der);
  }
}

export async function gatherValidationData(
  targets: ValidationTarget[],
  options: GatherOptions = {},
): Promise<ValidationData> {
  const policy = ltvPolicy(options.policy);
  const pool = new CertificatePool();
  pool.addAll(options.extraCertificates ?? []);
  const collector = new RevocationCollector({
    policy,
    fetch: options.fetch,
    ocspUrlOverride: options.ocspUrlOverride,
    crlUrlOverride: options.crlUrlOverride,
  });
  const statuses = new Map<string, Promise<CertificateStatus>>();
  const all = { certs: new Bag(), ocsps: new Bag(), crls: new Bag() };
  const vri = new Map<string, VriEntry>();
  const report = new Map<string, CertificateReport>();
  const warnings: SigningWarning[] = [];
  const warn = (w: SigningWarning): void => {
    if (warnings.some((x) => x.code === w.code && x.detail === w.detail)) return;
    warnings.push(w);
    options.onWarning?.(w);
  };
  // The leaf's caIssuers URLs are followed; beyond it only those of a certificate whose key verified the one below.
  const fetchIssuer = policy.fetchIssuers
    ? async (c: PooledCertificate, child?: PooledCertificate) =>
        child && (await verifyCertificateSignature(child.cert, c.cert.subjectPublicKeyInfo)) !== 'valid'
          ? []
          : fetchIssuerCertificates(c, {
              timeoutMs: policy.timeoutMs,
              maxBytes: policy.maxCertificateBytes,
              fetch: options.fetch,
            })
    : undefined;

  // Any certificate the file carries may complete any chain (a TSA token often holds the CA chain a CMS lacks).
  for (const target of targets) pool.addAll(target.certificates);
  for (const target of targets) {
    const mine = { certs: new Bag(), ocsps: new Bag(), crls: new Bag() };
    const queue = target.leaves.map((d) => pool.add(d)).filter((c): c is PooledCertificate => !!c);
    const done = new Set<string>();
    while (queue.length > 0) {
      const leaf = queue.shift()!;
      if (done.has(leaf.id)) continue;
      done.add(leaf.id);
      const chain = await pool.chain(leaf, fetchIssuer);
      for (const [i, c] of chain.entries()) {
        mine.certs.add(c.der);
        const subject = c.info.subjectAttributes.CN ?? c.info.serialHex;
        if (isSelfIssued(c)) {
          report.set(c.id, { subject, id: c.id, status: 'root', attempts: [] });
          continue;
        }
        if (hasOcspNoCheck(c)) {
          report.set(c.id, { subject, id: c.id, status: 'ocsp-nocheck', attempts: [] });
          continue;
        }
        const issuer = chain[i + 1];
        if (!issuer) {
          report.set(c.id, { subject, id: c.id, status: 'unknown', attempts: [] });
          // Without the issuer neither an OCSP CertID nor a CRL signature can be checked.
          const text = `the issuer of "${subject}" is not among the known certificates (give it with extraCertificates / --trust)`;
          if (policy.missing === 'error')
            throw new LtvError('LTV_CHAIN_INCOMPLETE', { subject, signature: target.label }, text);
          warn(signingWarning('LTV_CHAIN_INCOMPLETE', `${text} (${target.label})`));
          continue;
        }
        let pending = statuses.get(c.id);
        if (!pending) {
          pending = collector.status(c, issuer);
          statuses.set(c.id, pending);
        }
        const st = await pending;
        report.set(c.id, {
          subject,
          id: c.id,
          status: st.status,
          revocationTime: st.revocationTime,
          attempts: st.attempts,
        });
        decide(policy, st, subject, target.label, warn);
        for (const o of st.ocsps) mine.ocsps.add(o);
        for (const o of st.crls) mine.crls.add(o);
        for (const r of st.certificates) {
          const responder = pool.add(r);
          if (responder) queue.push(responder);
        }
      }
    }
    for (const d of mine.certs.items) all.certs.add(d);
    for (const d of mine.ocsps.items) all.ocsps.add(d);
    for (const d of mine.crls.items) all.crls.add(d);
    if (target.vriKey)
      vri.set(target.vriKey, { certificates: mine.certs.items, ocsps: mine.ocsps.items, crls: mine.crls.items });
  }
  return {
    certificates: all.certs.items,
    ocsps: all.ocsps.items,
    crls: all.crls.items,
    vri,
    report: [...report.values()],
    warnings,
  };
}

/** Applies the policy to one certificate's status: an error, a warning, or nothing. */
function decide(
  policy: LtvPolicy,
  st: CertificateStatus,
  subject: string,
  label: string,
  warn: OnSigningWarning,
): void {
  if (st.status === 'revoked') {
    const details = { subject, signature: label, revocationTime: st.revocationTime?.toISOString() };
    if (policy.revoked === 'error')
      throw new LtvError(
        'LTV_CERT_REVOKED',
        details,
        `${subject}, ${st.revocationTime?.toISOString() ?? 'time unknown'}`,
      );
    warn(
      signingWarning(
        'LTV_CERT_REVOKED',
        `"${subject}" (${label}) was revoked at ${st.revocationTime?.toISOString() ?? '?'}; the evidence is embedded`,
      ),
    );
    return;
  }
  if (st.status === 'unknown') {
    const text = describeAttempts(st.attempts);
    if (policy.missing === 'error') {
      throw new LtvError(
        'LTV_REVOCATION_UNAVAILABLE',
        { subject, signature: label, attempts: st.attempts },
        `${subject}: ${text}`,
      );
    }
    warn(signingWarning('LTV_REVOCATION_UNAVAILABLE', `"${subject}" (${label}): ${text}`));
  }
}
