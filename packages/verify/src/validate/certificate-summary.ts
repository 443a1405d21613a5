/** What a person needs to read about a certificate (DOMAIN.md §10.2 V11): who, issued by whom, valid when. */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

export interface NameSummary {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
  /** The whole name, RFC 4514 order (most specific first), e.g. "CN=Nguyễn Văn A,O=...,C=VN". */
  text: string;
}

export interface CertificateSummary extends NameSummary {
  serialNumber: string;
  issuer: NameSummary;
  notBefore: string;
  notAfter: string;
  /** e.g. "RSA 2048", "EC P-256", "Ed448". */
  publicKey: string;
}

const ATTRS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.12': 'T',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.1': 'UID',
};

function valueText(v: unknown): string {
  if (v instanceof asn1js.BmpString || v instanceof asn1js.UniversalString) return v.valueBlock.value;
  const block = (v as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock;
  if (block && typeof block.value === 'string') return block.value;
  return '';
}

export function summariseName(name: pkijs.RelativeDistinguishedNames): NameSummary {
  const parts: [string, string][] = name.typesAndValues.map((tv) => [ATTRS[tv.type] ?? tv.type, valueText(tv.value)]);
  const first = (k: string): string | undefined => parts.find(([t]) => t === k)?.[1];
  return {
    commonName: first('CN'),
    organization: first('O'),
    organizationalUnit: first('OU'),
    country: first('C'),
    text: [...parts]
      .reverse()
      .map(([t, v]) => `${t}=${v}`)
      .join(','),
  };
}

const CURVE_NAMES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

export function publicKeyText(cert: pkijs.Certificate): string {
  const spki = cert.subjectPublicKeyInfo;
  const alg = spki.algorithm.algorithmId;
  if (alg === '1.2.840.113549.1.1.1' || alg === '1.2.840.113549.1.1.10') {
    try {
      const seq = asn1js.fromBER(spki.subjectPublicKey.valueBlock.valueHexView.slice().buffer)
        .result as asn1js.Sequence;
      const modulus = seq.valueBlock.value[0] as asn1js.Integer;
      let bytes = new Uint8Array(modulus.valueBlock.valueHexView);
      while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
      return `RSA ${bytes.length * 8 - Math.clz32(bytes[0] ?? 0) + 24}`;
    } catch {
      return 'RSA';
    }
  }
  if (alg === '1.2.840.10045.2.1') {
    const p = spki.algorithm.algorithmParams;
    const oid = p instanceof asn1js.ObjectIdentifier ? p.valueBlock.toString() : '';
    return `EC ${CURVE_NAMES[oid] ?? oid}`;
  }
  if (alg === '1.3.101.112') return 'Ed25519';
  if (alg === '1.3.101.113') return 'Ed448';
  return alg;
}

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

export function summariseCertificate(cert: pkijs.Certificate): CertificateSummary {
  return {
    ...summariseName(cert.subject),
    serialNumber: hex(cert.serialNumber.valueBlock.valueHexView),
    issuer: summariseName(cert.issuer),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: cert.notAfter.value.toISOString(),
    publicKey: publicKeyText(cert),
  };
}
