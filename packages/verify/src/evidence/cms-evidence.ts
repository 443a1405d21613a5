/**
 * Validation data carried inside a CMS SignedData, read from the raw ASN.1 so every item keeps its exact bytes:
 * the certificates and crls fields (CRLs, and OCSP responses as id-ri-ocsp-response OtherRevocationInfoFormat),
 * the adbe-revocationInfoArchival signed attribute (1.2.840.113583.1.1.8), the CAdES certificate-values and
 * revocation-values unsigned attributes, and, recursively, the same inside timestamp tokens in unsigned attributes.
 */
import * as asn1js from 'asn1js';
import { toArrayBuffer } from '../revocation/bytes.js';
import type { EvidenceProblem } from './messages.js';
import { berOf } from '../signature/ber.js';

export type EvidenceKind = 'certificate' | 'ocsp' | 'crl';
/** Where an item sat: a DSS, a VRI entry, the revocation-archival attribute, the CMS fields, CAdES attributes, a timestamp token. */
export type EvidenceSource = 'dss' | 'vri' | 'revocation-archival' | 'cms' | 'cades-unsigned' | 'timestamp-token';
export type TimestampRole = 'signature-timestamp' | 'document-timestamp' | 'archive-timestamp' | 'vri-timestamp';

export interface CmsEvidenceItem {
  kind: EvidenceKind;
  der: Uint8Array;
  source: EvidenceSource;
  /** For items inside a timestamp token: which kind of timestamp. */
  timestamp?: TimestampRole;
  /** An OCSP BasicOCSPResponse (CAdES revocation-values) wrapped here into a successful OCSPResponse. */
  wrappedBasicResponse?: boolean;
}

export interface CmsEvidence {
  items: CmsEvidenceItem[];
  problems: EvidenceProblem[];
}

export const EVIDENCE_OID = {
  signedData: '1.2.840.113549.1.7.2',
  revocationInfoArchival: '1.2.840.113583.1.1.8',
  certValues: '1.2.840.113549.1.9.16.2.23',
  revocationValues: '1.2.840.113549.1.9.16.2.24',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  archiveTimestamp: '1.2.840.113549.1.9.16.2.27',
  archiveTimestampV2: '1.2.840.113549.1.9.16.2.48',
  archiveTimestampV3: '0.4.0.1733.2.4',
  riOcspResponse: '1.3.6.1.5.5.7.16.2',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
} as const;

const ARCHIVE_TIMESTAMPS = new Set<string>([
  EVIDENCE_OID.archiveTimestamp,
  EVIDENCE_OID.archiveTimestampV2,
  EVIDENCE_OID.archiveTimestampV3,
]);
const MAX_DEPTH = 3;

type Node = asn1js.AsnType & asn1js.BaseBlock;

function children(n: Node | undefined): Node[] {
  const v = (n as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  return Array.isArray(v) ? (v as Node[]) : [];
}

function bytes(n: Node): Uint8Array {
  return new Uint8Array(n.valueBeforeDecodeView).slice();
}

const isSequence = (n: Node | undefined): boolean => n?.idBlock.tagClass === 1 && n.idBlock.tagNumber === 16;
const isContext = (n: Node | undefined, tag: number): boolean =>
  n?.idBlock.tagClass === 3 && n.idBlock.tagNumber === tag;
const oidOf = (n: Node | undefined): string | undefined =>
  n instanceof asn1js.ObjectIdentifier ? n.valueBlock.toString() : undefined;

/** The SignedData SEQUENCE inside a ContentInfo's DER (trailing padding allowed), or undefined. */
export function signedDataNode(der: Uint8Array): Node | undefined {
  if (der.length === 0) return undefined;
  const asn = berOf(der);
  if (asn.offset === -1 || asn.result.error) return undefined;
  const [type, content] = children(asn.result as Node);
  if (oidOf(type) !== EVIDENCE_OID.signedData || !isContext(content, 0)) return undefined;
  const sd = children(content)[0];
  return isSequence(sd) ? sd : undefined;
}

/**
 * The items of a signature's CMS (ContentInfo DER, e.g. /Contents). `role` says what the CMS is: a signature
 * (items get sources 'cms', 'revocation-archival', 'cades-unsigned'), or a timestamp token (all its items get
 * source 'timestamp-token' with that role).
 */
export function cmsEvidence(contents: Uint8Array | null, role?: TimestampRole): CmsEvidence {
  const out: CmsEvidence = { items: [], problems: [] };
  if (!contents) return out;
  try {
    const sd = signedDataNode(contents);
    if (sd) walkSignedData(sd, out, role, 0);
  } catch {
    /* unreadable CMS: the signature module reports it; here it simply holds no evidence */
  }
  return out;
}

function walkSignedData(sd: Node, out: CmsEvidence, role: TimestampRole | undefined, depth: number): void {
  const push = (kind: EvidenceKind, der: Uint8Array, source: EvidenceSource, wrapped = false) => {
    const item: CmsEvidenceItem = role
      ? { kind, der, source: 'timestamp-token', timestamp: role }
      : { kind, der, source };
    if (wrapped) item.wrappedBasicResponse = true;
    out.items.push(item);
  };
  const problem = (code: EvidenceProblem) => {
    if (!out.problems.includes(code)) out.problems.push(code);
  };
  const fields = children(sd);
  for (const field of fields) {
    if (isContext(field, 0)) {
      // certificates [0] IMPLICIT CertificateSet: plain certificates only (attribute certificates are tagged)
      for (const c of children(field)) if (isSequence(c)) push('certificate', bytes(c), 'cms');
    } else if (isContext(field, 1)) {
      // crls [1] IMPLICIT RevocationInfoChoices: CertificateList, or other [1] { format OID, info }
      for (const r of children(field)) {
        if (isSequence(r)) push('crl', bytes(r), 'cms');
        else if (isContext(r, 1)) {
          const [format, info] = children(r);
          const id = oidOf(format);
          if (info && id === EVIDENCE_OID.riOcspResponse) push('ocsp', bytes(info), 'cms');
          else if (info && id === EVIDENCE_OID.ocspBasic) push('ocsp', wrapBasicResponse(bytes(info)), 'cms', true);
        }
      }
    }
  }
  const signerInfos = fields[fields.length - 1];
  for (const si of children(signerInfos)) {
    for (const part of children(si)) {
      const signed = isContext(part, 0);
      if (!signed && !isContext(part, 1)) continue;
      for (const attr of children(part)) {
        const [typeNode, values] = children(attr);
        const type = oidOf(typeNode);
        for (const value of children(values)) {
          if (signed && type === EVIDENCE_OID.revocationInfoArchival) {
            if (!readArchival(value, push)) problem('REVOCATION_ARCHIVAL_MALFORMED');
          } else if (!signed && type === EVIDENCE_OID.certValues) {
            if (!isSequence(value)) problem('CADES_VALUES_MALFORMED');
            else for (const c of children(value)) if (isSequence(c)) push('certificate', bytes(c), 'cades-unsigned');
          } else if (!signed && type === EVIDENCE_OID.revocationValues) {
            if (!readRevocationValues(value, push)) problem('CADES_VALUES_MALFORMED');
          } else if (
            !signed &&
            depth < MAX_DEPTH &&
            (type === EVIDENCE_OID.signatureTimeStampToken || (type && ARCHIVE_TIMESTAMPS.has(type)))
          ) {
            const [ctype, content] = children(value);
            const inner =
              oidOf(ctype) === EVIDENCE_OID.signedData && isContext(content, 0) ? children(content)[0] : undefined;
            if (inner && isSequence(inner)) {
              const innerRole: TimestampRole =
                role ?? (type === EVIDENCE_OID.signatureTimeStampToken ? 'signature-timestamp' : 'archive-timestamp');
              walkSignedData(inner, out, innerRole, depth + 1);
            }
          }
        }
      }
    }
  }
}

type Push = (kind: EvidenceKind, der: Uint8Array, source: EvidenceSource, wrapped?: boolean) => void;

/** A SEQUENCE OF under a tag, EXPLICIT (one SEQUENCE holding the items) or IMPLICIT (the items directly). */
function listUnder(tagged: Node): Node[] {
  const kids = children(tagged);
  if (kids.length === 1 && isSequence(kids[0]) && children(kids[0]).every(isSequence)) return children(kids[0]);
  return kids;
}

/** RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRL, ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse, otherRevInfo [2] ... } */
function readArchival(value: Node, push: Push): boolean {
  if (!isSequence(value)) return false;
  for (const part of children(value)) {
    if (isContext(part, 0)) for (const crl of listUnder(part)) push('crl', bytes(crl), 'revocation-archival');
    else if (isContext(part, 1)) for (const ocsp of listUnder(part)) push('ocsp', bytes(ocsp), 'revocation-archival');
    else if (!isContext(part, 2)) return false;
  }
  return true;
}

/** RevocationValues ::= SEQUENCE { crlVals [0] SEQUENCE OF CertificateList, ocspVals [1] SEQUENCE OF BasicOCSPResponse, otherRevVals [2] } */
function readRevocationValues(value: Node, push: Push): boolean {
  if (!isSequence(value)) return false;
  for (const part of children(value)) {
    if (isContext(part, 0)) for (const crl of listUnder(part)) push('crl', bytes(crl), 'cades-unsigned');
    else if (isContext(part, 1))
      for (const basic of listUnder(part)) push('ocsp', wrapBasicResponse(bytes(basic)), 'cades-unsigned', true);
    else if (!isContext(part, 2)) return false;
  }
  return true;
}

/** OCSPResponse { successful, responseBytes [0] EXPLICIT { id-pkix-ocsp-basic, OCTET STRING basic } }: the form a DSS and checkOcspResponse take. */
export function wrapBasicResponse(basic: Uint8Array): Uint8Array {
  const response = new asn1js.Sequence({
    value: [
      new asn1js.Enumerated({ value: 0 }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.ObjectIdentifier({ value: EVIDENCE_OID.ocspBasic }),
              new asn1js.OctetString({ valueHex: toArrayBuffer(basic) }),
            ],
          }),
        ],
      }),
    ],
  });
  return new Uint8Array(response.toBER(false));
}
