/**
 * One asn1js parse per /Contents: the signature facts (cms.ts) and the evidence pool (evidence/cms-evidence.ts)
 * both read a signature's CMS, and parsing it is most of a small file's validation. The tree is shared read-only;
 * whoever changes it for a parser must put it back before returning.
 *
 * The certificates a CMS carries are most of its bytes and the same in document after document (the signer's and
 * its CAs'), so they are not parsed with the rest: when the outer structure is plain DER, the certificates field
 * is cut out, the rest parsed, and each certificate put back into the tree as a node that holds its exact bytes
 * (its own encoding facts, read once per distinct certificate, come with the tree). Anything unusual (BER lengths,
 * other certificate choices, a certificate asn1js cannot read) takes the whole-CMS parse, as before.
 */
import * as asn1js from 'asn1js';
import { rememberCertificateDirect, rememberCertificateTree } from '../revocation/certificates.js';
import { bytesEqual } from '../revocation/bytes.js';
import { BytesMemo } from '../revocation/bytes-memo.js';
import { encodeTlv, oidText, tlv, tlvs, whole, type Tlv } from '../revocation/der-tlv.js';

/** BER-only encodings (indefinite or non-minimal lengths) and non-minimal INTEGERs found in a tree. */
export interface EncodingFacts {
  ber: boolean;
  badInteger: boolean;
}

export interface CmsTree {
  /** Where the ContentInfo ends in the /Contents bytes; -1 when it could not be read. */
  offset: number;
  result: asn1js.AsnType;
  /** Encoding facts of the certificates put back into the tree (their nodes hold bytes, not children). */
  certificates: EncodingFacts;
}

const parsed = new WeakMap<Uint8Array, CmsTree>();

/** The CMS tree of `der`, remembered for this very array (not for equal bytes elsewhere). */
export function berOf(der: Uint8Array): CmsTree {
  let p = parsed.get(der);
  if (!p) {
    p = withoutCertificates(der) ?? {
      ...asn1js.fromBER(der.slice().buffer as ArrayBuffer),
      certificates: { ber: false, badInteger: false },
    };
    parsed.set(der, p);
  }
  return p;
}

/** Walks a parsed tree (bounded) for BER-only encodings and non-minimal INTEGERs (invalid in BER and DER alike). */
export function encodingFacts(root: asn1js.AsnType, startDepth = 0): EncodingFacts {
  let ber = false;
  let badInteger = false;
  let count = 0;
  const walk = (node: asn1js.AsnType, depth: number): void => {
    if (depth > 64 || ++count > 200_000) return;
    const n = node as asn1js.BaseBlock & { valueBlock: { value?: unknown } };
    const len = n.lenBlock as { isIndefiniteForm?: boolean; longFormUsed?: boolean; length?: number } | undefined;
    if (len?.isIndefiniteForm || (len?.longFormUsed && (len.length ?? 0) < 128)) ber = true;
    if (node instanceof asn1js.Integer || node instanceof asn1js.Enumerated) {
      const [b0, b1] = node.valueBlock.valueHexView;
      if (notMinimal(b0, b1)) badInteger = true;
    }
    const kids = n.valueBlock?.value;
    if (Array.isArray(kids)) for (const k of kids) walk(k as asn1js.AsnType, depth + 1);
  };
  walk(root, startDepth);
  return { ber, badInteger };
}

/** An INTEGER's (or ENUMERATED's) first two content bytes say it is not minimal (invalid in BER and DER alike). */
function notMinimal(b0: number | undefined, b1: number | undefined): boolean {
  return b1 !== undefined && ((b0 === 0x00 && b1 < 0x80) || (b0 === 0xff && b1 >= 0x80));
}

/**
 * True when asn1js, reading this TLV, would find no BER-only length and no non-minimal INTEGER (encodingFacts
 * clean) — including in what it reads inside OCTET STRINGs and BIT STRINGs whose contents happen to be one
 * encoded value (asn1js tries each). False means "not sure": the caller asks asn1js. Strict DER (tlv) is read the
 * same way by asn1js; content that may be BER but is not strict DER is never guessed at.
 */
export function derIsClean(b: Uint8Array, t: Tlv, depth = 0): boolean {
  if (depth > 48 || t.tag === 0x00) return false;
  const len = t.end - t.start;
  if (t.tag & 0x20) {
    // constructed: SEQUENCE, SET and non-universal tags; a constructed universal string is BER only
    if ((t.tag & 0xc0) === 0 && t.tag !== 0x30 && t.tag !== 0x31) return false;
    const kids = tlvs(b, t.start, t.end);
    return kids?.every((k) => derIsClean(b, k, depth + 1)) ?? false;
  }
  switch (t.tag) {
    case 0x02:
    case 0x0a:
      return len > 0 && !notMinimal(b[t.start], len > 1 ? b[t.start + 1] : undefined);
    case 0x04:
      return len === 0 || embeddedIsClean(b, t.start, t.end, depth);
    case 0x03: {
      if (len === 0) return true;
      const unused = b[t.start] as number;
      if (unused > 7) return false;
      return unused !== 0 || len === 1 || embeddedIsClean(b, t.start + 1, t.end, depth);
    }
    default:
      return true;
  }
}

/** What asn1js finds in the content [s, e) of a primitive OCTET/BIT STRING that it tries to read as one value. */
function embeddedIsClean(b: Uint8Array, s: number, e: number, depth: number): boolean {
  if (!mayBeOneValue(b, s, e)) return true; // asn1js keeps the bytes as they are
  const inner = tlv(b, s, e);
  return inner !== null && inner.end === e && derIsClean(b, inner, depth + 1);
}

/**
 * Whether [s, e) could be exactly one BER value by its header (any tag form, any length form): a superset of what
 * asn1js accepts, so "no" is certain and "yes" sends the content to the strict reader.
 */
function mayBeOneValue(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  const tag = b[i++];
  if (tag === undefined) return false;
  if ((tag & 0x1f) === 0x1f) {
    while (i < e && ((b[i] as number) & 0x80) !== 0) i++;
    i++;
  }
  const first = b[i++];
  if (first === undefined || i > e) return false;
  if (first === 0x80) return true; // indefinite: it may end exactly at e
  if ((first & 0x80) === 0) return i + first === e;
  const n = first & 0x7f;
  if (i + n > e) return false;
  let len = 0;
  for (let k = 0; k < n; k++) len = len * 256 + (b[i + k] as number);
  return i + n + len === e;
}

const SIGNED_DATA_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02);

/** Certificates' encoding facts by exact bytes; a certificate asn1js cannot read is null. */
const certificateFacts = new BytesMemo<EncodingFacts | null>(512);

// A certificate sits at depth 4 of the CMS tree (ContentInfo, [0], SignedData, certificates): its own walk starts
// there so the depth bound cuts where the whole-tree walk would.
const CERTIFICATE_DEPTH = 4;

function factsOfCertificate(der: Uint8Array): EncodingFacts | null {
  return certificateFacts.get(der, () => {
    // Plain DER all through (what asn1js would find, derIsClean) and the plain X.509 layout: read directly.
    const root = whole(der, 0x30);
    if (root && derIsClean(der, root, CERTIFICATE_DEPTH) && rememberCertificateDirect(der))
      return { ber: false, badInteger: false };
    const asn = asn1js.fromBER(der.slice().buffer as ArrayBuffer);
    const facts = asn.offset === der.length && !asn.result.error ? encodingFacts(asn.result, CERTIFICATE_DEPTH) : null;
    // the same parse gives the certificate itself (reading it changes the tree: after the walk)
    if (facts) rememberCertificateTree(der, asn.result);
    return facts;
  });
}

/** The tree with the certificates parsed apart (see the module comment), or null to parse the whole CMS. */
function withoutCertificates(c: Uint8Array): CmsTree | null {
  const ci = tlv(c, 0, c.length);
  if (ci?.tag !== 0x30) return null;
  const oid = tlv(c, ci.start, ci.end);
  if (oid?.tag !== 0x06 || !bytesEqual(c.subarray(oid.start, oid.end), SIGNED_DATA_OID)) return null;
  const explicit = tlv(c, oid.end, ci.end);
  if (explicit?.tag !== 0xa0 || explicit.end !== ci.end) return null;
  const sd = tlv(c, explicit.start, explicit.end);
  if (sd?.tag !== 0x30 || sd.end !== explicit.end) return null;
  const fields = tlvs(c, sd.start, sd.end);
  const at = fields?.findIndex((f) => f.tag === 0xa0) ?? -1;
  const certsField = fields?.[at];
  if (!fields || !certsField) return null;
  const certs = tlvs(c, certsField.start, certsField.end);
  if (!certs || certs.length === 0 || certs.some((t) => t.tag !== 0x30)) return null;
  const certificates: EncodingFacts = { ber: false, badInteger: false };
  for (const t of certs) {
    const facts = factsOfCertificate(c.subarray(t.at, t.end));
    if (!facts) return null;
    certificates.ber ||= facts.ber;
    certificates.badInteger ||= facts.badInteger;
  }
  const rest = fields.map((f, i) => (i === at ? Uint8Array.of(0xa0, 0x00) : c.subarray(f.at, f.end)));
  const stripped = encodeTlv(0x30, c.subarray(oid.at, oid.end), encodeTlv(0xa0, encodeTlv(0x30, ...rest)));
  const asn = asn1js.fromBER(stripped.buffer as ArrayBuffer);
  if (asn.offset !== stripped.length || asn.result.error) return null;
  const sdNode = ((asn.result as asn1js.Sequence).valueBlock.value[1] as asn1js.Constructed | undefined)?.valueBlock
    .value[0] as asn1js.Sequence | undefined;
  const field = sdNode?.valueBlock.value[at];
  if (!(field instanceof asn1js.Constructed) || field.valueBlock.value.length !== 0) return null;
  // each certificate back in its place, as a SEQUENCE node holding its exact bytes
  field.valueBlock.value = certs.map((t) => new asn1js.Sequence({ valueBeforeDecode: c.subarray(t.at, t.end) }));
  return { offset: ci.end, result: asn.result, certificates };
}

/**
 * The first SignerInfo's digestAlgorithm OID, read straight from plain DER without parsing the CMS (a hint: a
 * validation asks a source that hashes in a thread of its own for that digest before the CMS is parsed);
 * undefined for anything else.
 */
export function signerDigestOid(c: Uint8Array | null): string | undefined {
  if (!c) return undefined;
  const ci = tlv(c, 0, c.length);
  const explicit = ci?.tag === 0x30 ? tlvs(c, ci.start, ci.end)?.[1] : undefined;
  const sd = explicit?.tag === 0xa0 ? tlv(c, explicit.start, explicit.end) : null;
  const fields = sd?.tag === 0x30 ? tlvs(c, sd.start, sd.end) : null;
  const signerInfos = fields?.[fields.length - 1];
  const si = signerInfos?.tag === 0x31 ? tlv(c, signerInfos.start, signerInfos.end) : null;
  const alg = si?.tag === 0x30 ? tlvs(c, si.start, si.end)?.[2] : undefined;
  const oid = alg?.tag === 0x30 ? tlv(c, alg.start, alg.end) : null;
  return oid?.tag === 0x06 ? oidText(c, oid) : undefined;
}
