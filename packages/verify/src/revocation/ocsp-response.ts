/** Reading OCSP responses (RFC 6960 §4.2): the facts, without judging whether they can be relied on. */
import * as asn1js from 'asn1js';
import {
  BasicOCSPResponse,
  type Certificate,
  OCSPResponse,
  RelativeDistinguishedNames,
  type Extension,
  type SingleResponse,
} from 'pkijs';
import { BytesMemo } from './bytes-memo.js';
import { normaliseSerial, toArrayBuffer, toHex } from './bytes.js';
import {
  certificateDer,
  nameDer,
  rememberCertificateDirect,
  rememberCertificateTree,
  toCertificate,
} from './certificates.js';
import { RevocationError } from './messages.js';
import { reasonName, type RevocationReason } from './reasons.js';
import { readBasicOcspResponse, readOcspEnvelope, type OcspEnvelope } from './ocsp-reader.js';

export const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
export const ID_PKIX_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

export const OCSP_RESPONSE_STATUSES = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  undefined, // 4 is not used
  'sigRequired',
  'unauthorized',
] as const;
export type OcspResponseStatus = Exclude<(typeof OCSP_RESPONSE_STATUSES)[number], undefined>;
export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

export interface OcspSingleResponse {
  /** The serial number the answer is about, uppercase hex. */
  serialNumber: string;
  certStatus: OcspCertStatus;
  revocationTime?: Date;
  revocationReason?: RevocationReason;
  thisUpdate: Date;
  nextUpdate?: Date;
}

export type OcspResponderId = { byName: Uint8Array } | { byKeyHash: Uint8Array };

export interface OcspResponseFacts {
  /** The exact bytes read (what a DSS embeds). */
  der: Uint8Array;
  responseStatus: OcspResponseStatus;
  /** The rest is present for a successful basic response. */
  producedAt?: Date;
  responderId?: OcspResponderId;
  /** Every SingleResponse; the flat fields below repeat the first one (responses usually carry exactly one). */
  responses: OcspSingleResponse[];
  certStatus?: OcspCertStatus;
  revocationTime?: Date;
  revocationReason?: RevocationReason;
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** The certificates included in the response (DER), usually the delegated responder's. */
  certificates: Uint8Array[];
  nonce?: Uint8Array;
}

/** The facts and, for a successful basic response, the parsed structure checkOcspResponse works on. */
export interface DecodedOcspResponse {
  facts: OcspResponseFacts;
  basic?: BasicOCSPResponse;
}

function decodeCertStatus(
  raw: unknown,
): Pick<OcspSingleResponse, 'certStatus' | 'revocationTime' | 'revocationReason'> {
  const node = raw as asn1js.BaseBlock & { valueBlock: { value?: asn1js.BaseBlock[] } };
  if (node?.idBlock?.tagClass !== 3) throw new Error('certStatus is not context-tagged');
  switch (node.idBlock.tagNumber) {
    case 0:
      return { certStatus: 'good' };
    case 2:
      return { certStatus: 'unknown' };
    case 1: {
      const [time, reason] = node.valueBlock.value ?? [];
      if (!(time instanceof asn1js.GeneralizedTime)) throw new Error('RevokedInfo without revocationTime');
      const enumerated = (reason as asn1js.Constructed | undefined)?.valueBlock.value[0];
      const code = enumerated instanceof asn1js.Enumerated ? enumerated.valueBlock.valueDec : undefined;
      return {
        certStatus: 'revoked',
        revocationTime: time.toDate(),
        revocationReason: code === undefined ? undefined : reasonName(code),
      };
    }
    default:
      throw new Error('unknown certStatus');
  }
}

/** The nonce's bytes: RFC 8954 wraps them in an OCTET STRING inside extnValue; some responders do not. */
function nonceValue(ext: Extension): Uint8Array {
  const inner = ext.extnValue.valueBlock.valueHexView;
  const asn1 = asn1js.fromBER(toArrayBuffer(inner));
  if (asn1.offset === inner.length && asn1.result instanceof asn1js.OctetString && !asn1.result.idBlock.isConstructed) {
    return new Uint8Array(asn1.result.valueBlock.valueHexView);
  }
  return new Uint8Array(inner);
}

export function decodeSingle(single: SingleResponse): OcspSingleResponse {
  return {
    serialNumber: toHex(normaliseSerial(single.certID.serialNumber.valueBlock.valueHexView)),
    ...decodeCertStatus(single.certStatus),
    thisUpdate: single.thisUpdate,
    nextUpdate: single.nextUpdate,
  };
}

/** Parsed responses by their bytes: a batch reuses one answer for many files (ocsp-cache.ts), a service sees it again. */
const decodedResponses = new BytesMemo<DecodedOcspResponse>(256, 64 * 1024);

/**
 * Reads an OCSP response (the parse is shared for the same bytes; each caller gets its own facts object and bytes,
 * and the parsed pkijs structures are never modified by kyso).
 */
export function decodeOcspResponse(input: Uint8Array): DecodedOcspResponse {
  const { facts, basic } = decodedResponses.get(input, () => decodeOcspBytes(input));
  return {
    facts: { ...facts, der: facts.der.slice(), responses: [...facts.responses], certificates: [...facts.certificates] },
    basic,
  };
}

/**
 * asn1js parses the contents of every OCTET STRING and BIT STRING that happen to be BER, by default: here that was
 * the whole BasicOCSPResponse inside responseBytes (parsed again below), the responder certificate's key, signature
 * and extension values. Nothing reads those trees (pkijs and this module read the contents' bytes), so not here.
 */
const NOT_EMBEDDED = { parseEmbedded: false } as const;

function decodeOcspBytes(input: Uint8Array): DecodedOcspResponse {
  const der = input.slice();
  // the envelope read from its DER (ocsp-reader.ts), else by pkijs
  const envelope = readOcspEnvelope(der) ?? envelopeByPkijs(der);
  const responseStatus = OCSP_RESPONSE_STATUSES[envelope.status];
  if (responseStatus === undefined) throw new Error(`unknown responseStatus ${envelope.status}`);
  const facts: OcspResponseFacts = { der, responseStatus, responses: [], certificates: [] };
  if (responseStatus !== 'successful' || !envelope.response) return { facts };
  if (envelope.responseType !== ID_PKIX_OCSP_BASIC) return { facts };

  const inner = envelope.response;
  const basic = readBasicOcspResponse(inner, certificateOrNull) ?? basicByPkijs(inner);
  const data = basic.tbsResponseData;
  const rid = data.responderID as unknown;
  facts.producedAt = data.producedAt;
  facts.responderId =
    rid instanceof RelativeDistinguishedNames
      ? { byName: nameDer(rid) }
      : { byKeyHash: new Uint8Array((rid as asn1js.OctetString).valueBlock.valueHexView) };
  facts.responses = data.responses.map(decodeSingle);
  const first = facts.responses[0];
  if (first) {
    facts.certStatus = first.certStatus;
    facts.revocationTime = first.revocationTime;
    facts.revocationReason = first.revocationReason;
    facts.thisUpdate = first.thisUpdate;
    facts.nextUpdate = first.nextUpdate;
  }
  facts.certificates = (basic.certs ?? []).map(certificateDer);
  const nonceExt = data.responseExtensions?.find((e) => e.extnID === ID_PKIX_OCSP_NONCE);
  if (nonceExt) facts.nonce = nonceValue(nonceExt);
  return { facts, basic };
}

/** A certificate of an OCSP response as toCertificate reads and keeps it, or null when it cannot be read. */
function certificateOrNull(der: Uint8Array): Certificate | null {
  try {
    return toCertificate(der);
  } catch {
    return null; // pkijs's reading of the whole response says what is wrong
  }
}

/** pkijs's reading of the OCSPResponse envelope; throws when the bytes are not one. */
function envelopeByPkijs(der: Uint8Array): OcspEnvelope {
  const asn1 = asn1js.fromBER(toArrayBuffer(der), NOT_EMBEDDED);
  if (asn1.offset === -1 || asn1.offset !== der.length) throw new Error('not a single DER value');
  const response = new OCSPResponse({ schema: asn1.result });
  const bytes = response.responseBytes;
  return {
    status: response.responseStatus.valueBlock.valueDec,
    ...(bytes ? { responseType: bytes.responseType, response: bytes.response.valueBlock.valueHexView } : {}),
  };
}

/** pkijs's reading of a BasicOCSPResponse (its certificates through toCertificate); throws when it is not one. */
function basicByPkijs(inner: Uint8Array): BasicOCSPResponse {
  const basicAsn1 = asn1js.fromBER(toArrayBuffer(inner), NOT_EMBEDDED);
  if (basicAsn1.offset === -1 || basicAsn1.offset !== inner.length) throw new Error('BasicOCSPResponse is not DER');
  const taken = takeCertificates(basicAsn1.result);
  let basic: BasicOCSPResponse;
  try {
    basic = new BasicOCSPResponse({ schema: basicAsn1.result });
  } finally {
    taken?.restore();
  }
  if (taken) basic.certs = taken.certs;
  return basic;
}

/**
 * Takes the certs field ([0] EXPLICIT SEQUENCE OF Certificate) out of a BasicOCSPResponse tree before pkijs reads it,
 * and reads each certificate from its exact bytes (certificate-reader.ts; its parsed node when that declines): pkijs
 * would match each against its whole Certificate schema and read it again, the extension values are read directly
 * (extension-values.ts), and facts.certificates are those bytes rather than a re-encoding. A certificate that cannot
 * be read throws, as pkijs's reading did. null when the field is absent or has another form (pkijs reads it then).
 */
function takeCertificates(tree: asn1js.AsnType): { certs: Certificate[]; restore: () => void } | null {
  if (!(tree instanceof asn1js.Sequence)) return null;
  const items = tree.valueBlock.value;
  const at = items.findIndex((e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0);
  const field = items[at];
  if (!(field instanceof asn1js.Constructed) || field.valueBlock.value.length !== 1) return null;
  const [list] = field.valueBlock.value;
  if (!(list instanceof asn1js.Sequence)) return null;
  const nodes = list.valueBlock.value;
  if (!nodes.every((n) => n instanceof asn1js.Sequence && n.valueBeforeDecodeView.byteLength > 0)) return null;
  const certs = nodes.map((n) => {
    const der = n.valueBeforeDecodeView.slice();
    if (!rememberCertificateDirect(der)) rememberCertificateTree(der, n);
    return toCertificate(der);
  });
  items.splice(at, 1);
  return { certs, restore: () => void items.splice(at, 0, field) };
}

/**
 * Reads an OCSP response's facts without judging them. Throws RevocationError REVOCATION_BAD_RESPONSE when the
 * bytes are not an OCSP response; use checkOcspResponse to decide whether the answer can be relied on.
 */
export function parseOcspResponse(der: Uint8Array): OcspResponseFacts {
  try {
    return decodeOcspResponse(der).facts;
  } catch (e) {
    throw new RevocationError('REVOCATION_BAD_RESPONSE', {}, `OCSP: ${e instanceof Error ? e.message : String(e)}`);
  }
}
