/**
 * Reads an RFC 3161 TimeStampToken (a CMS ContentInfo with SignedData over a TSTInfo). Pure: no network, no Node
 * built-ins, no signature check (see token-signature.ts) — the signer, the verifier and the LTV code share it.
 */
import * as asn1js from 'asn1js';
import { Certificate, ContentInfo, IssuerAndSerialNumber, SignedData, TSTInfo, type SignerInfo } from 'pkijs';
import { bytesEqual, integerHex, toArrayBuffer, view } from './bytes.js';
import { TsaError } from './errors.js';
import { HASH_BY_OID, TSP_OID } from './oids.js';

export interface TimestampAccuracy {
  seconds: number;
  millis: number;
  micros: number;
}

export interface ParsedTimestampToken {
  genTime: Date;
  /** The hashed message the TSA stamped. */
  imprint: Uint8Array;
  /** WebCrypto name of the imprint's hash ('SHA-256', ...; 'SHA-1' for old tokens), or its OID if unknown. */
  hash: string;
  hashOid: string;
  /** Lowercase hex, no leading zeros. */
  serialNumber: string;
  /** Lowercase hex, no leading zeros; absent if the token has no nonce. */
  nonce?: string;
  policy: string;
  accuracy?: TimestampAccuracy;
  ordering: boolean;
  /** DER of the certificate that the SignerInfo names, if the token carries it. */
  tsaCertificate?: Uint8Array;
  /** DER of every certificate in the token, as encoded there. */
  certificates: Uint8Array[];
}

/** The decoded pieces token-signature.ts needs; internal. */
export interface DecodedToken {
  parsed: ParsedTimestampToken;
  signedData: SignedData;
  signerInfo: SignerInfo;
  /** The encapsulated TSTInfo DER (what the message-digest attribute covers). */
  eContent: Uint8Array;
  /** The certificates with their original DER. */
  certs: { cert: Certificate; der: Uint8Array }[];
  /** Index into certs of the signer's certificate, or -1. */
  signerIndex: number;
}

export function parseTimestampToken(token: Uint8Array): ParsedTimestampToken {
  return decodeTimestampToken(token).parsed;
}

export function decodeTimestampToken(token: Uint8Array): DecodedToken {
  const bad = (why: string, cause?: unknown): TsaError =>
    new TsaError('TSA_BAD_TOKEN', { reason: why }, cause instanceof Error ? `${why}: ${cause.message}` : why);

  const asn1 = asn1js.fromBER(toArrayBuffer(token));
  if (asn1.offset === -1 || asn1.offset !== token.length) throw bad('not a single DER structure');
  let contentInfo: ContentInfo;
  let signedData: SignedData;
  try {
    contentInfo = new ContentInfo({ schema: asn1.result });
  } catch (e) {
    throw bad('not a CMS ContentInfo', e);
  }
  if (contentInfo.contentType !== TSP_OID.signedData) throw bad(`content type ${contentInfo.contentType} is not signedData`);
  try {
    signedData = new SignedData({ schema: contentInfo.content });
  } catch (e) {
    throw bad('not a CMS SignedData', e);
  }
  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== TSP_OID.tstInfo) throw bad(`eContentType ${encap.eContentType} is not id-ct-TSTInfo`);
  if (!encap.eContent) throw bad('no TSTInfo content');
  const eContent = view(encap.eContent.getValue());

  let tst: TSTInfo;
  try {
    tst = TSTInfo.fromBER(toArrayBuffer(eContent));
  } catch (e) {
    throw bad('TSTInfo does not parse', e);
  }
  if (signedData.signerInfos.length !== 1) throw bad(`${signedData.signerInfos.length} SignerInfos, expected 1`);
  const signerInfo = signedData.signerInfos[0];

  const certs = rawCertificates(contentInfo.content as asn1js.Sequence).flatMap((der) => {
    try {
      return [{ cert: Certificate.fromBER(toArrayBuffer(der)), der }];
    } catch {
      return []; // attribute certificates and undecodable entries are not candidates for the signer
    }
  });
  const signerIndex = certs.findIndex(({ cert }) => namesSigner(signerInfo, cert));

  const hashOid = tst.messageImprint.hashAlgorithm.algorithmId;
  const genTime = tst.genTime;
  if (!(genTime instanceof Date) || Number.isNaN(genTime.getTime())) throw bad('genTime is not a valid time');
  const parsed: ParsedTimestampToken = {
    genTime,
    imprint: view(tst.messageImprint.hashedMessage.valueBlock.valueHexView).slice(),
    hash: HASH_BY_OID[hashOid] ?? hashOid,
    hashOid,
    serialNumber: integerHex(tst.serialNumber.valueBlock.valueHexView),
    policy: tst.policy,
    ordering: tst.ordering ?? false,
    certificates: certs.map((c) => c.der),
  };
  if (tst.nonce) parsed.nonce = integerHex(tst.nonce.valueBlock.valueHexView);
  if (tst.accuracy) {
    parsed.accuracy = { seconds: tst.accuracy.seconds ?? 0, millis: tst.accuracy.millis ?? 0, micros: tst.accuracy.micros ?? 0 };
  }
  if (signerIndex >= 0) parsed.tsaCertificate = certs[signerIndex].der;
  return { parsed, signedData, signerInfo, eContent, certs, signerIndex };
}

/** The original DER of each entry of SignedData.certificates ([0] IMPLICIT SET OF CertificateChoices). */
function rawCertificates(signedData: asn1js.Sequence): Uint8Array[] {
  const set = signedData.valueBlock.value.find((b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 0);
  if (!set || !(set instanceof asn1js.Constructed)) return [];
  return set.valueBlock.value
    .filter((b) => b.idBlock.tagClass === 1 && b.idBlock.tagNumber === 16) // plain Certificate SEQUENCEs only
    .map((b) => view(b.valueBeforeDecodeView).slice());
}

/** Whether the SignerInfo's sid (issuer + serial, or subject key identifier) names `cert`. */
export function namesSigner(signerInfo: SignerInfo, cert: Certificate): boolean {
  const sid: unknown = signerInfo.sid;
  if (sid instanceof IssuerAndSerialNumber) {
    return cert.issuer.isEqual(sid.issuer) && cert.serialNumber.isEqual(sid.serialNumber);
  }
  const block = sid as asn1js.BaseBlock & { valueBlock: { value?: asn1js.BaseBlock[]; valueHexView?: Uint8Array } };
  const keyId = block.idBlock.isConstructed
    ? (block.valueBlock.value?.[0] as asn1js.OctetString | undefined)?.valueBlock.valueHexView
    : block.valueBlock.valueHexView;
  if (!keyId) return false;
  const ski = cert.extensions?.find((e) => e.extnID === TSP_OID.subjectKeyIdentifier);
  const skiValue = ski?.parsedValue as asn1js.OctetString | undefined;
  return !!skiValue?.valueBlock && bytesEqual(view(skiValue.valueBlock.valueHexView), view(keyId));
}
