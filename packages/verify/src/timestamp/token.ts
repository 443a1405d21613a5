/**
 * Reads an RFC 3161 TimeStampToken (a CMS ContentInfo with SignedData over a TSTInfo) into facts: what was
 * stamped, when, under which policy, and which certificates came with it. No cryptography here (see check.ts);
 * never throws: what cannot be read is a problem code.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { anyNonZero, bytesEqual, toArrayBuffer } from '../revocation/bytes.js';
import { namesEqual } from '../revocation/certificates.js';
import type { TimestampProblem } from './messages.js';
import { DIGEST_BY_OID, TSP_OID } from './oids.js';
import { readSignedData } from '../signature/signed-data.js';

export interface TimestampAccuracy {
  seconds: number;
  millis: number;
  micros: number;
}

export interface TimestampTokenFacts {
  /** SignedData over a TSTInfo with one SignerInfo was read; the TSTInfo fields below are set only then. */
  parsed: boolean;
  /** The token's bytes without any trailing padding. */
  der: Uint8Array;
  /** Bytes after the token (zero padding in a /Contents string is normal). */
  trailingBytes: number;
  genTime?: Date;
  accuracy?: TimestampAccuracy;
  /** The TSA policy OID. */
  policy?: string;
  /** Lowercase hex, no leading zeros. */
  serialNumber?: string;
  /** Lowercase hex, no leading zeros; absent when the token has no nonce. */
  nonce?: string;
  ordering: boolean;
  /** WebCrypto name of the imprint's hash ('SHA-256', ...; 'SHA-1' for old tokens), or its OID when unknown. */
  hash?: string;
  hashOid?: string;
  /** The hashed message the TSA stamped. */
  imprint?: Uint8Array;
  /** The SignerInfo's digest algorithm (WebCrypto name, or the OID when unknown). */
  digestAlgorithm?: string;
  signatureAlgorithmOid?: string;
  /** DER of the certificate the SignerInfo names, when the token carries it. */
  tsaCertificate: Uint8Array | null;
  /** DER of every certificate in the token, as encoded there (the TSA's chain, for chain building and LTV). */
  certificates: Uint8Array[];
  signedAttributeTypes: string[];
  unsignedAttributeTypes: string[];
  problems: TimestampProblem[];
}

/** The parsed structures check.ts works on (internal). */
export interface DecodedTimestampToken {
  facts: TimestampTokenFacts;
  signedData: pkijs.SignedData | null;
  signerInfo: pkijs.SignerInfo | null;
  /** The encapsulated TSTInfo DER (what the message-digest attribute covers). */
  eContent: Uint8Array | null;
  /** The token's certificates with their original DER. */
  certs: { cert: pkijs.Certificate; der: Uint8Array }[];
  /** Index into certs of the signer's certificate, or -1. */
  signerIndex: number;
}

/** A Uint8Array over exactly these bytes, whichever view pkijs or asn1js handed out. */
export function view(b: ArrayBuffer | ArrayBufferView): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** An INTEGER's content bytes as lowercase hex without the sign-padding zeros, so equal numbers compare equal. */
export function integerHex(content: Uint8Array): string {
  let i = 0;
  while (i < content.length - 1 && content[i] === 0) i++;
  let s = '';
  for (const x of content.subarray(i)) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Reads a TimeStampToken. Never throws. */
export function readTimestampToken(token: Uint8Array): TimestampTokenFacts {
  return decodeTimestampToken(token).facts;
}

export function decodeTimestampToken(token: Uint8Array): DecodedTimestampToken {
  const facts: TimestampTokenFacts = {
    parsed: false,
    der: token,
    trailingBytes: 0,
    ordering: false,
    tsaCertificate: null,
    certificates: [],
    signedAttributeTypes: [],
    unsignedAttributeTypes: [],
    problems: [],
  };
  const out: DecodedTimestampToken = {
    facts,
    signedData: null,
    signerInfo: null,
    eContent: null,
    certs: [],
    signerIndex: -1,
  };
  try {
    decodeInto(out, token);
  } catch {
    if (!facts.problems.includes('TST_MALFORMED')) facts.problems.push('TST_MALFORMED');
    facts.parsed = false;
  }
  return out;
}

function decodeInto(out: DecodedTimestampToken, token: Uint8Array): void {
  const f = out.facts;
  const asn1 = token.length > 0 ? asn1js.fromBER(toArrayBuffer(token)) : null;
  if (!asn1 || asn1.offset === -1 || asn1.result.error) {
    f.problems.push('TST_NOT_DER');
    return;
  }
  f.der = token.subarray(0, asn1.offset);
  const rest = token.subarray(asn1.offset);
  f.trailingBytes = rest.length;
  if (anyNonZero(rest)) f.problems.push('TST_TRAILING_DATA');

  let contentInfo: pkijs.ContentInfo;
  try {
    contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
  } catch {
    f.problems.push('TST_NOT_SIGNED_DATA');
    return;
  }
  if (contentInfo.contentType !== TSP_OID.signedData) {
    f.problems.push('TST_NOT_SIGNED_DATA');
    return;
  }
  let signedData: pkijs.SignedData;
  try {
    signedData = readSignedData(contentInfo.content);
  } catch {
    f.problems.push('TST_MALFORMED');
    return;
  }
  out.signedData = signedData;

  out.certs = rawCertificates(contentInfo.content as asn1js.Sequence).flatMap((der) => {
    try {
      return [{ cert: pkijs.Certificate.fromBER(toArrayBuffer(der)), der }];
    } catch {
      return []; // attribute certificates and undecodable entries are not candidates for the signer
    }
  });
  f.certificates = out.certs.map((c) => c.der);

  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== TSP_OID.tstInfo || !encap.eContent) {
    f.problems.push('TST_NOT_TSTINFO');
    return;
  }
  const eContent = view(encap.eContent.getValue()).slice();
  out.eContent = eContent;
  let tst: pkijs.TSTInfo;
  try {
    tst = pkijs.TSTInfo.fromBER(toArrayBuffer(eContent));
  } catch {
    f.problems.push('TST_TSTINFO_MALFORMED');
    return;
  }
  const genTime = tst.genTime;
  if (!(genTime instanceof Date) || Number.isNaN(genTime.getTime())) {
    f.problems.push('TST_TSTINFO_MALFORMED');
    return;
  }
  const [signerInfo] = signedData.signerInfos;
  if (!signerInfo || signedData.signerInfos.length !== 1) {
    f.problems.push('TST_SIGNER_COUNT');
    return;
  }
  out.signerInfo = signerInfo;
  out.signerIndex = out.certs.findIndex(({ cert }) => namesSigner(signerInfo, cert));

  const hashOid = tst.messageImprint.hashAlgorithm.algorithmId;
  f.genTime = genTime;
  f.hashOid = hashOid;
  f.hash = DIGEST_BY_OID[hashOid] ?? hashOid;
  f.imprint = view(tst.messageImprint.hashedMessage.valueBlock.valueHexView).slice();
  f.serialNumber = integerHex(view(tst.serialNumber.valueBlock.valueHexView));
  f.policy = tst.policy;
  f.ordering = tst.ordering ?? false;
  if (tst.nonce) f.nonce = integerHex(view(tst.nonce.valueBlock.valueHexView));
  if (tst.accuracy) {
    f.accuracy = {
      seconds: tst.accuracy.seconds ?? 0,
      millis: tst.accuracy.millis ?? 0,
      micros: tst.accuracy.micros ?? 0,
    };
  }
  const digestOid = signerInfo.digestAlgorithm.algorithmId;
  f.digestAlgorithm = DIGEST_BY_OID[digestOid] ?? digestOid;
  f.signatureAlgorithmOid = signerInfo.signatureAlgorithm.algorithmId;
  f.signedAttributeTypes = signerInfo.signedAttrs?.attributes.map((a) => a.type) ?? [];
  f.unsignedAttributeTypes = signerInfo.unsignedAttrs?.attributes.map((a) => a.type) ?? [];
  const tsa = out.certs[out.signerIndex];
  if (tsa) f.tsaCertificate = tsa.der;
  f.parsed = true;
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
export function namesSigner(signerInfo: pkijs.SignerInfo, cert: pkijs.Certificate): boolean {
  const sid: unknown = signerInfo.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    try {
      return cert.serialNumber.isEqual(sid.serialNumber) && namesEqual(cert.issuer, sid.issuer);
    } catch {
      return false;
    }
  }
  const block = sid as asn1js.BaseBlock & { valueBlock: { value?: asn1js.BaseBlock[]; valueHexView?: Uint8Array } };
  const keyId = block?.idBlock?.isConstructed
    ? (block.valueBlock.value?.[0] as asn1js.OctetString | undefined)?.valueBlock.valueHexView
    : block?.valueBlock?.valueHexView;
  if (!keyId) return false;
  const ski = cert.extensions?.find((e) => e.extnID === TSP_OID.subjectKeyIdentifier);
  const skiValue = ski?.parsedValue as asn1js.OctetString | undefined;
  return !!skiValue?.valueBlock && bytesEqual(view(skiValue.valueBlock.valueHexView), view(keyId));
}
