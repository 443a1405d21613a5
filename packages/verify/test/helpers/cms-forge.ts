/**
 * Forging the CMS of a signed PDF in place, for the forgery tests: read the newest signature's /Contents, change the
 * SignedData with pkijs (an attribute, an algorithm identifier, a timestamp token), re-sign the signed attributes
 * with the real key when the test wants only one rule to fail, and write it back into /Contents (same length, zero
 * padded), so the ByteRange digest is unchanged.
 */
import { createPrivateKey, constants, sign as nodeSign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { latin1, overwrite, signatureTokens } from './signed-pdfs.js';

export const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timestampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  rsaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;
export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The newest signature's CMS (without the zero padding) and where its hex digits are. */
export function readContents(pdf: Uint8Array): { der: Uint8Array; hexStart: number; hexLength: number } {
  const { contents } = signatureTokens(pdf);
  const hex = latin1(pdf.subarray(contents.start, contents.end));
  const lt = hex.indexOf('<');
  const digits = hex.slice(lt + 1, hex.length - 1);
  const asn = asn1js.fromBER(ab(new Uint8Array(Buffer.from(digits, 'hex'))));
  if (asn.offset === -1) throw new Error('no CMS in /Contents');
  return {
    der: new Uint8Array(Buffer.from(digits, 'hex')).slice(0, asn.offset),
    hexStart: contents.start + lt + 1,
    hexLength: digits.length,
  };
}

/** The PDF with its newest /Contents replaced by `der` (zero padded to the same length). */
export function writeContents(pdf: Uint8Array, der: Uint8Array): Uint8Array {
  const { hexStart, hexLength } = readContents(pdf);
  const hex = hexOf(der).toUpperCase();
  if (hex.length > hexLength)
    throw new Error(`forged CMS (${hex.length / 2} bytes) does not fit /Contents (${hexLength / 2})`);
  return overwrite(pdf, hexStart, hex.padEnd(hexLength, '0'));
}

export function parseSignedData(der: Uint8Array): pkijs.SignedData {
  return new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(ab(der)).content });
}

export function encodeSignedData(sd: pkijs.SignedData): Uint8Array {
  return new Uint8Array(
    new pkijs.ContentInfo({ contentType: OIDS.signedData, content: sd.toSchema(true) }).toSchema().toBER(false),
  );
}

/** The signed attributes as the signature covers them: the SET OF, DER. */
export function signedAttributesDer(si: pkijs.SignerInfo): Uint8Array {
  return new Uint8Array(new asn1js.Set({ value: si.signedAttrs!.attributes.map((a) => a.toSchema()) }).toBER(false));
}

export function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** Replaces (or with `value` null removes, or appends when absent) a signed attribute. */
export function setAttribute(si: pkijs.SignerInfo, type: string, value: asn1js.AsnType | null): void {
  const attrs = si.signedAttrs!.attributes.filter((a) => a.type !== type);
  if (value) {
    const at = si.signedAttrs!.attributes.findIndex((a) => a.type === type);
    attrs.splice(at < 0 ? attrs.length : at, 0, attribute(type, value));
  }
  si.signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs });
}

export function getAttribute(si: pkijs.SignerInfo, type: string): asn1js.AsnType | undefined {
  return si.signedAttrs?.attributes.find((a) => a.type === type)?.values[0] as asn1js.AsnType | undefined;
}

export type Scheme =
  | { kind: 'rsa-v15'; hash: 'sha256' | 'sha384' }
  | { kind: 'rsa-pss'; hash: 'sha256'; saltLength: number }
  | { kind: 'ecdsa'; hash: 'sha256' };

/** Signs `data` with the PEM private key the way the scheme says (ECDSA: DER signature value). */
export function signBytes(keyPem: string, scheme: Scheme, data: Uint8Array): Uint8Array {
  const key = createPrivateKey(keyPem);
  if (scheme.kind === 'rsa-pss') {
    return new Uint8Array(
      nodeSign(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }),
    );
  }
  return new Uint8Array(nodeSign(scheme.hash, data, key));
}

/** Signs the SignerInfo's (edited) signed attributes again; the algorithm identifier is left as the test set it. */
export function resign(si: pkijs.SignerInfo, keyPem: string, scheme: Scheme): void {
  si.signature = new asn1js.OctetString({ valueHex: ab(signBytes(keyPem, scheme, signedAttributesDer(si))) });
}

/** RSASSA-PSS-params with the given hash and MGF1 hash and salt length. */
export function pssAlgorithm(hash: string, mgfHash: string, saltLength: number): pkijs.AlgorithmIdentifier {
  const params = new pkijs.RSASSAPSSParams({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: hash, algorithmParams: new asn1js.Null() }),
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: OIDS.mgf1,
      algorithmParams: new pkijs.AlgorithmIdentifier({
        algorithmId: mgfHash,
        algorithmParams: new asn1js.Null(),
      }).toSchema(),
    }),
    saltLength,
  });
  return new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.rsaPss, algorithmParams: params.toSchema() });
}

/** Edits the newest signature's SignedData and writes it back. */
export async function forgeCms(
  pdf: Uint8Array,
  edit: (sd: pkijs.SignedData, si: pkijs.SignerInfo) => void | Promise<void>,
): Promise<Uint8Array> {
  const sd = parseSignedData(readContents(pdf).der);
  await edit(sd, sd.signerInfos[0]);
  return writeContents(pdf, encodeSignedData(sd));
}

export async function sha(hash: 'SHA-1' | 'SHA-256' | 'SHA-384', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hash, ab(data)));
}

/** The bytes the newest signature's ByteRange covers. */
export function coveredBytes(pdf: Uint8Array): Uint8Array {
  const [a, b, c, d] = signatureTokens(pdf).byteRange.values;
  const out = new Uint8Array(b + d);
  out.set(pdf.subarray(a, a + b));
  out.set(pdf.subarray(c, c + d), b);
  return out;
}
