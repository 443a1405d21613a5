/**
 * Signatures a later update made unreachable (found by findSignatures in earlier revisions' AcroForms), as changes
 * for the modification analysis of every signature made before that update. A removed signature is never an
 * allowed change, whatever the whitelisting rules make of the objects the update rewrote: this keeps the verdict
 * closed even when no rule recognises how the signature was hidden.
 */
import type { ModificationAnalysis, ModificationChange } from '../modifications/index.js';
import type { FoundSignature, HiddenCause } from './find-signatures.js';

const CAUSES: Record<HiddenCause, string> = {
  'acroform-removed': 'the AcroForm was removed',
  'field-removed': 'its field was removed from the form',
  'value-removed': "its field's /V was removed",
  'value-replaced': "its field's /V now points at another dictionary",
  'signature-freed': 'its signature dictionary was freed',
  'signature-redefined': 'its signature dictionary was redefined',
  unreachable: 'the form no longer reaches it',
};

/** "Signature2 (revision 2) hidden by revision 3: its field was removed from the form". */
export function describeHidden(s: FoundSignature): string {
  if (!s.hidden) return '';
  const name = s.fieldName ?? (s.ref ? `object ${s.ref.num}` : 'a signature');
  return `${name} (revision ${s.revision}) hidden by revision ${s.hidden.revision}: ${CAUSES[s.hidden.cause]}`;
}

/** The hiding updates after `signedRevision`, as disallowed changes. */
export function hidingChanges(signedRevision: number, signatures: readonly FoundSignature[]): ModificationChange[] {
  return signatures
    .filter((s) => s.hidden && s.hidden.revision > signedRevision)
    .map((s) => ({
      revision: s.hidden!.revision,
      object: s.ref?.num ?? s.fieldRef?.num ?? 0,
      kind: 'signature-hidden',
      change: 'replaced' as const,
      level: 'OTHER' as const,
      allowed: false,
      reason: describeHidden(s),
    }));
}

/**
 * The analysis with the hiding updates added. `self` hidden: its own hiding is disallowed even when its ByteRange
 * names no revision before the update (fail closed).
 */
export function withHidingChanges(
  analysis: ModificationAnalysis,
  signedRevision: number,
  signatures: readonly FoundSignature[],
  self: FoundSignature,
): ModificationAnalysis {
  const added = hidingChanges(signedRevision, signatures);
  if (self.hidden && !added.some((c) => c.reason === describeHidden(self))) added.push(...hidingChanges(-1, [self]));
  if (added.length === 0) return analysis;
  const changes = [...analysis.changes, ...added].sort((a, b) => a.revision - b.revision);
  return { ...analysis, level: 'OTHER', verdict: 'DISALLOWED', changes };
}
