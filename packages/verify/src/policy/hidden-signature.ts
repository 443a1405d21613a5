/**
 * The verdict of a signature a later update hid (facts.hidden): never TOTAL-PASSED, and the finding SIGNATURE_HIDDEN
 * first among the reasons when the modifications decided (the hiding update is a disallowed change for it), right
 * after the deciding reason otherwise. Applied to every verdict `decide` gives (validate-pdf.ts).
 */
import { SUB_INDICATIONS } from '../indications.js';
import type { SignatureFacts } from '../validate/facts.js';
import { finding } from './findings.js';
import type { Verdict } from './verdict.js';

export function withHiddenSignature(f: SignatureFacts, v: Verdict): Verdict {
  if (!f.hidden) return v;
  // Its place is the update that hid it, and the signature dictionary it hid.
  const hidden = finding('SIGNATURE_HIDDEN', f.hiddenDetail ?? `revision ${f.hidden.revision}: ${f.hidden.cause}`, {
    revision: f.hidden.revision,
    ...(f.signatureObject ? { object: f.signatureObject } : {}),
  });
  if (v.indication === 'TOTAL-PASSED')
    return { ...v, indication: SUB_INDICATIONS.FORMAT_FAILURE, subIndication: 'FORMAT_FAILURE', reasons: [hidden] };
  const [main, ...rest] = v.reasons;
  const byModification = main?.code === 'MODIFIED_DISALLOWED';
  return { ...v, reasons: byModification || !main ? [hidden, ...v.reasons] : [main, hidden, ...rest] };
}
