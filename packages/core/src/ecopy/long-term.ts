/**
 * The e-copy's long-term evidence (DOMAIN.md §7, §11): after both signatures, one DSS with the chains and OCSP/CRL
 * of the certifier, the authority and their timestamps' TSAs, then for B-LTA a document timestamp over it. With it
 * the copy still validates, offline, after either certificate has expired or been revoked (given the timestamps'
 * proof of existence). What the DSS holds is returned for the register to keep with the entry.
 */
import { createHash } from 'node:crypto';
import { PdfDocument, toSource } from '@kyso/pdf';
import { appendUpdates } from '../ltv/augment.js';
import { ChainedSource } from '../ltv/chained-source.js';
import { buildDssUpdate } from '../ltv/dss.js';
import { LtvError } from '../ltv/errors.js';
import { gatherValidationData } from '../ltv/gather.js';
import type { LtvSigningOptions } from '../ltv/new-signature.js';
import { existingSignatures } from '../ltv/signatures.js';
import type { SigningEvidence } from '../register/types.js';
import { docTimestampUpdate } from '../signing/doc-timestamp.js';
import type { TimestampProvider } from '../signing/finish.js';
import type { Level } from '../signing/options.js';
import { signingWarning, type OnSigningWarning } from '../signing/warnings.js';

/**
 * The level of an e-copy's signatures. `auto` (the default) is B-LTA when a timestamper is given, else B-B with the
 * DSS embedded (no timestamp, so no proof of existence: a TSA is needed to outlive the certificates); in both cases
 * only when the revocation data can be had, else one step lower (B-T, or B-B without DSS) with a warning.
 */
export type CopyLevel = Level | 'auto';

/** What the signing step asks for: the signatures' own level and whether the DSS (and a document timestamp) follow. */
export interface LongTermPlan {
  /** Level of each signature as signed (B-T with a timestamper, else B-B). */
  signatureLevel: 'B-B' | 'B-T';
  /** The level aimed at after the signatures. */
  target: Level;
  /** Embed the DSS even at B-B (the `auto` level without a timestamper). */
  dss: boolean;
  /** Revocation data that cannot be had lowers the level (with a warning) instead of failing. */
  bestEffort: boolean;
}

export function longTermPlan(level: CopyLevel | undefined, timestamper: TimestampProvider | undefined): LongTermPlan {
  const signatureLevel = timestamper ? 'B-T' : 'B-B';
  if (level === undefined || level === 'auto') {
    return timestamper
      ? { signatureLevel, target: 'B-LTA', dss: true, bestEffort: true }
      : { signatureLevel, target: 'B-B', dss: true, bestEffort: true };
  }
  return {
    signatureLevel: level === 'B-B' ? 'B-B' : 'B-T',
    target: level,
    dss: level === 'B-LT' || level === 'B-LTA',
    bestEffort: false,
  };
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Adds the DSS (and for B-LTA a document timestamp) for `fields` after the signed bytes; returns them and the evidence. */
export async function addLongTermEvidence(
  signed: Uint8Array,
  plan: LongTermPlan,
  o: { fields: string[]; timestamper?: TimestampProvider; ltv?: LtvSigningOptions; onWarning?: OnSigningWarning },
): Promise<{ bytes: Uint8Array; evidence: SigningEvidence }> {
  const none = (level: SigningEvidence['level']): SigningEvidence => ({
    level,
    dss: null,
    ocsps: [],
    crls: [],
    certificates: [],
    documentTimestamps: [],
    gatheredAt: null,
  });
  if (!plan.dss) return { bytes: signed, evidence: none(plan.signatureLevel) };

  const doc = PdfDocument.load(signed);
  const targets = existingSignatures(doc)
    .filter((s) => o.fields.includes(s.fieldName))
    .map((s) => s.target);
  const gatheredAt = new Date();
  let data;
  try {
    // A revoked certificate always refuses: an e-copy is never issued over a revoked signer.
    data = await gatherValidationData(targets, {
      ...o.ltv,
      policy: { ...o.ltv?.policy, revoked: 'error' },
      onWarning: o.onWarning,
    });
  } catch (e) {
    const unavailable =
      e instanceof LtvError && (e.code === 'LTV_REVOCATION_UNAVAILABLE' || e.code === 'LTV_CHAIN_INCOMPLETE');
    if (!plan.bestEffort || !unavailable) throw e;
    o.onWarning?.(
      signingWarning('ECOPY_LEVEL_LOWERED', `issued at ${plan.signatureLevel}: ${e.code} (${e.messageEn})`),
    );
    return { bytes: signed, evidence: none(plan.signatureLevel) };
  }
  const updates: Uint8Array[] = [];
  const dss = buildDssUpdate(doc, data);
  const evidence: SigningEvidence = {
    level: plan.signatureLevel === 'B-T' ? 'B-LT' : 'B-B',
    dss: dss ? { offset: signed.length, length: dss.bytes.length, sha256: sha256(dss.bytes) } : null,
    ocsps: data.ocsps.map(sha256),
    crls: data.crls.map(sha256),
    certificates: data.report.map((c) => ({
      subject: c.subject,
      sha256: c.id,
      status: c.status,
      sources: [
        ...new Set(c.attempts.filter((a) => a.outcome === 'good' || a.outcome === 'revoked').map((a) => a.source)),
      ],
    })),
    documentTimestamps: [],
    gatheredAt: gatheredAt.toISOString(),
  };
  if (dss) updates.push(dss.bytes);
  if (plan.target === 'B-LTA') {
    if (!o.timestamper) throw new LtvError('LTV_NEEDS_TIMESTAMP', { level: plan.target });
    const current = updates.length ? new ChainedSource(toSource(signed), updates) : signed;
    const done = await docTimestampUpdate(current, {
      timestamper: o.timestamper,
      hash: o.ltv?.hash,
      placeholderBytes: o.ltv?.docTimestampBytes,
    });
    updates.push(done.update);
    evidence.documentTimestamps.push(done.fieldName);
    evidence.level = 'B-LTA';
  }
  return { bytes: appendUpdates(signed, updates), evidence };
}
