/**
 * What augmentation needs to know of each signature already in a file (kyso's or anyone's): its kind, whether a
 * timestamp covers it, its VRI key, and the certificates whose chains need validation data (the signer, the TSA
 * of its signature timestamp, the TSA of a document timestamp).
 */
import { findSignatures, parseCms, type FoundSignature } from '@kyso/verify';
import type { PdfDocument } from '@kyso/pdf';
import { read } from '../cms/der.js';
import { parseTimestampToken } from '../timestamp/index.js';
import { LtvError } from './errors.js';
import { vriKey } from './dss.js';
import type { ValidationTarget } from './gather.js';

export interface ExistingSignature {
  fieldName: string;
  kind: FoundSignature['kind'];
  /** A signature timestamp in the CMS, or (for document timestamps) itself. */
  timestamped: boolean;
  /** Covered by a later document timestamp. */
  coveredByDocTimestamp: boolean;
  vriKey: string;
  target: ValidationTarget;
}

/** The DER structure at the start of /Contents, without the zero padding after it. */
function trimmed(contents: Uint8Array): Uint8Array {
  return contents.subarray(0, read(contents).end);
}

function certDer(c: { toSchema(): { toBER(sizeOnly?: boolean): ArrayBuffer } }): Uint8Array {
  return new Uint8Array(c.toSchema().toBER(false));
}

export function existingSignatures(doc: PdfDocument): ExistingSignature[] {
  const found = findSignatures(doc).filter((s) => s.contents && s.contents.length > 0);
  const out: ExistingSignature[] = [];
  found.forEach((s, i) => {
    const label = s.fieldName ?? `signature ${i + 1}`;
    const contents = s.contents!;
    const bad = (why: string): LtvError => new LtvError('LTV_BAD_SIGNATURE', { field: label }, `${label}: ${why}`);
    const leaves: Uint8Array[] = [];
    const certificates: Uint8Array[] = [];
    let timestamped = false;
    if (s.kind === 'doc-timestamp') {
      let token;
      try {
        token = parseTimestampToken(trimmed(contents));
      } catch {
        throw bad('the document timestamp token cannot be read');
      }
      if (token.tsaCertificate) leaves.push(token.tsaCertificate);
      certificates.push(...token.certificates);
      timestamped = true;
    } else {
      const cms = parseCms(contents);
      if (!cms.parsed || !cms.signerCertificate) throw bad('the CMS or its signer certificate cannot be read');
      leaves.push(certDer(cms.signerCertificate));
      certificates.push(...cms.certificates.map(certDer));
      if (cms.signatureTimestampToken) {
        try {
          const token = parseTimestampToken(cms.signatureTimestampToken);
          if (token.tsaCertificate) leaves.push(token.tsaCertificate);
          certificates.push(...token.certificates);
          timestamped = true;
        } catch {
          throw bad('the signature timestamp token cannot be read');
        }
      }
    }
    const key = vriKey(contents);
    out.push({
      fieldName: label,
      kind: s.kind,
      timestamped,
      coveredByDocTimestamp: found.slice(i + 1).some((later) => later.kind === 'doc-timestamp'),
      vriKey: key,
      target: { label, vriKey: key, leaves, certificates },
    });
  });
  return out;
}
