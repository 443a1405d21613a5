/**
 * pkijs's SignedData reading with its schema built once. `new pkijs.SignedData({ schema })` builds the whole
 * SignedData schema (certificate sets, attribute certificates, revocation choices) before matching it, and building
 * it cost more than the rest of reading a one-page file's CMS (about 2 ms of 9). asn1js's compareSchema only
 * re-derives the schema's own tag bytes and trims its names, so one schema object serves every match; the steps
 * after the match are pkijs's own `SignedData.fromSchema` (pkijs 3.4), so what is accepted and refused is unchanged.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** The names pkijs's default SignedData schema gives its parts (`SignedData.schema()` without names). */
const NAME = {
  version: 'SignedData.version',
  digestAlgorithms: 'SignedData.digestAlgorithms',
  encapContentInfo: 'SignedData.encapContentInfo',
  certificates: 'SignedData.certificates',
  crls: 'SignedData.crls',
  signerInfos: 'SignedData.signerInfos',
} as const;

let schema: ReturnType<typeof pkijs.SignedData.schema> | undefined;

type Matched = Record<string, unknown>;

/** Reads a SignedData SEQUENCE as pkijs would; throws when it is not one. */
export function readSignedData(node: asn1js.AsnType): pkijs.SignedData {
  schema ??= pkijs.SignedData.schema();
  const named = node as unknown as Matched;
  // a node matched before keeps the parts found then (pkijs clears the same names first)
  for (const n of Object.values(NAME)) delete named[n];
  const asn1 = asn1js.compareSchema(node, node, schema);
  if (!asn1.verified) throw new Error('not a SignedData');
  const r = asn1.result as Matched;
  const sd = new pkijs.SignedData();
  sd.version = (r[NAME.version] as asn1js.Integer).valueBlock.valueDec;
  if (NAME.digestAlgorithms in r) {
    sd.digestAlgorithms = Array.from(
      r[NAME.digestAlgorithms] as asn1js.AsnType[],
      (a) => new pkijs.AlgorithmIdentifier({ schema: a }),
    );
  }
  sd.encapContentInfo = new pkijs.EncapsulatedContentInfo({ schema: r[NAME.encapContentInfo] });
  if (NAME.certificates in r) {
    const set = new pkijs.CertificateSet({
      schema: new asn1js.Set({ value: (r[NAME.certificates] as asn1js.Constructed).valueBlock.value }),
    });
    sd.certificates = set.certificates.slice(0);
  }
  if (NAME.crls in r) {
    sd.crls = Array.from(r[NAME.crls] as asn1js.BaseBlock[], (crl) => {
      if (crl.idBlock.tagClass === 1) return new pkijs.CertificateRevocationList({ schema: crl });
      // as pkijs: the [1] IMPLICIT OtherRevocationInfoFormat is read as the SEQUENCE it stands for
      crl.idBlock.tagClass = 1;
      crl.idBlock.tagNumber = 16;
      return new pkijs.OtherRevocationInfoFormat({ schema: crl });
    });
  }
  if (NAME.signerInfos in r) {
    sd.signerInfos = Array.from(r[NAME.signerInfos] as asn1js.AsnType[], (s) => new pkijs.SignerInfo({ schema: s }));
  }
  return sd;
}
