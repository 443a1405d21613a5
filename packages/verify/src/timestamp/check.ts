/**
 * Verifies an RFC 3161 TimeStampToken: the message imprint against the data (with the token's own hash
 * algorithm), the CMS signature (content-type and message-digest signed attributes, then the signature through
 * kyso's algorithm check: RSA PKCS#1 v1.5, RSASSA-PSS or ECDSA by WebCrypto, the algorithm agreeing with the key and digest), the ESS signing-certificate(-v2) binding of the TSA
 * certificate (RFC 5035, RFC 5816), and the TSA certificate's critical timeStamping EKU. Facts, never throws;
 * trust in the TSA (its chain) is the trust module's, fed with `certificates` and `tsaCertificate`.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual, toArrayBuffer } from '../revocation/bytes.js';
import { namesEqual, subjectPublicKeyInfoDer } from '../revocation/certificates.js';
import type { TimestampProblem } from './messages.js';
import { DIGEST_BY_OID, TSP_OID } from './oids.js';
import {
  decodeTimestampToken,
  integerHex,
  namesSigner,
  view,
  type DecodedTimestampToken,
  type TimestampTokenFacts,
} from './token.js';
import { inspectTsaCertificate, type TsaCertificateFacts } from './tsa-certificate.js';
import { verifySignatureValue, type SignatureOutcome } from '../crypto-policy/verify-signature.js';
import type { DigestName } from '../crypto-policy/algorithms.js';
import { digest } from '../signature/range-digest.js';
import type { HashName } from '../signature/cms.js';

export interface TimestampCheckOptions {
  /** The stamped data: hashed with the token's own imprint algorithm and compared with the imprint. */
  data?: Uint8Array;
  /** Or the digest already computed (WebCrypto name and value); the token must use that algorithm. */
  digest?: { hash: string; value: Uint8Array };
  /** The nonce that was sent (lowercase hex, as buildTimestampRequest gives it, or bytes). */
  nonce?: string | Uint8Array;
  /** The policy OID the token must carry. */
  policy?: string;
  /** Certificates to look for the TSA's in when the token does not carry it (e.g. from a DSS). */
  certificates?: Uint8Array[];
}

export interface TimestampCheck extends TimestampTokenFacts {
  /** The imprint equals the data's digest; null when no data was given or its hash is unsupported. */
  imprintMatches: boolean | null;
  /** The message-digest signed attribute equals the TSTInfo's digest. */
  messageDigestMatches: boolean | null;
  /** The signature over the signed attributes verifies with the TSA certificate's key. */
  signatureValid: boolean | null;
  /** The ESS signing-certificate(-v2) attribute names the TSA certificate. */
  signingCertificateBound: boolean | null;
  /** When the TSA certificate came from `options.certificates`, not from the token. */
  tsaCertificateFromOutside: boolean;
  tsaCertificateFacts: TsaCertificateFacts | null;
  /** Every check ran and none found a problem (trust in the TSA's chain is not part of this). */
  valid: boolean;
}

/** Verifies a TimeStampToken (DER; trailing zero padding allowed). Never throws. */
export async function checkTimestampToken(
  token: Uint8Array,
  options: TimestampCheckOptions = {},
): Promise<TimestampCheck> {
  const decoded = decodeTimestampToken(token);
  const check: TimestampCheck = {
    ...decoded.facts,
    problems: [...decoded.facts.problems],
    imprintMatches: null,
    messageDigestMatches: null,
    signatureValid: null,
    signingCertificateBound: null,
    tsaCertificateFromOutside: false,
    tsaCertificateFacts: null,
    valid: false,
  };
  if (!decoded.facts.parsed) return check;
  try {
    await checkInto(check, decoded, options);
  } catch {
    // A structure pkijs accepted but cannot work with: the signature is not verifiable.
    if (!check.problems.includes('TST_MALFORMED')) check.problems.push('TST_MALFORMED');
  }
  check.valid =
    check.problems.length === 0 &&
    check.messageDigestMatches === true &&
    check.signatureValid === true &&
    check.signingCertificateBound === true &&
    check.imprintMatches !== false;
  return check;
}

async function checkInto(c: TimestampCheck, d: DecodedTimestampToken, options: TimestampCheckOptions): Promise<void> {
  const p = c.problems;
  const add = (code: TimestampProblem) => {
    if (!p.includes(code)) p.push(code);
  };

  // 1. What was stamped.
  const imprintHash = DIGEST_BY_OID[c.hashOid ?? ''];
  if (options.digest) {
    c.imprintMatches = options.digest.hash === imprintHash && bytesEqual(options.digest.value, c.imprint!);
  } else if (options.data) {
    if (!imprintHash) add('TST_HASH_UNSUPPORTED');
    else c.imprintMatches = bytesEqual(await digest(imprintHash, options.data), c.imprint!);
  }
  if (c.imprintMatches === false) add('TST_IMPRINT_MISMATCH');
  if (options.nonce !== undefined) {
    // Compared as numbers: hex digits without leading zeros.
    const number = (hex: string | undefined) => hex?.toLowerCase().replace(/^0+(?=.)/, '');
    const sent = typeof options.nonce === 'string' ? options.nonce : integerHex(options.nonce);
    if (c.nonce === undefined || number(c.nonce) !== number(sent)) add('TST_NONCE_MISMATCH');
  }
  if (options.policy !== undefined && c.policy !== options.policy) add('TST_POLICY_MISMATCH');

  // 2. Who signed it.
  let cert: pkijs.Certificate | undefined;
  let certDer: Uint8Array | undefined;
  const named = d.certs[d.signerIndex];
  if (named) ({ cert, der: certDer } = named);
  else {
    for (const der of options.certificates ?? []) {
      try {
        const candidate = pkijs.Certificate.fromBER(toArrayBuffer(der));
        if (namesSigner(d.signerInfo!, candidate)) {
          cert = candidate;
          certDer = der;
          c.tsaCertificate = der;
          c.tsaCertificateFromOutside = true;
          break;
        }
      } catch {
        /* not a certificate: not a candidate */
      }
    }
  }
  if (!cert || !certDer) add('TST_CERTIFICATE_NOT_FOUND');
  else {
    c.tsaCertificateFacts = inspectTsaCertificate(cert, c.genTime);
    for (const code of c.tsaCertificateFacts.problems) add(code);
  }

  // 3. The signed attributes bind the TSTInfo and the certificate.
  const signerInfo = d.signerInfo!;
  const attrs = signerInfo.signedAttrs?.attributes;
  if (!attrs?.length) {
    add('TST_NO_SIGNED_ATTRIBUTES');
    return;
  }
  const digestName = DIGEST_BY_OID[signerInfo.digestAlgorithm.algorithmId];
  if (!digestName) add('TST_DIGEST_UNSUPPORTED');
  const single = (type: string): unknown => {
    const found = attrs.filter((a) => a.type === type);
    const [one] = found;
    if (!one) return undefined;
    if (found.length > 1 || one.values.length !== 1) {
      add('TST_ATTRIBUTE_REPEATED');
      return undefined;
    }
    return one.values[0];
  };
  const contentType = single(TSP_OID.contentType);
  // RFC 5652 §11.1: it must equal eContentType, which for a token must be id-ct-TSTInfo (checked when decoding).
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== TSP_OID.tstInfo)
    add('TST_CONTENT_TYPE_ATTRIBUTE');
  const messageDigest = single(TSP_OID.messageDigest);
  if (!(messageDigest instanceof asn1js.OctetString)) add('TST_MESSAGE_DIGEST_MISSING');
  else if (digestName && d.eContent) {
    c.messageDigestMatches = bytesEqual(
      await digest(digestName, d.eContent),
      view(messageDigest.valueBlock.valueHexView),
    );
    if (!c.messageDigestMatches) add('TST_MESSAGE_DIGEST_MISMATCH');
  }
  if (cert && certDer) {
    const ess = await essBinding(
      single(TSP_OID.signingCertificateV2),
      single(TSP_OID.signingCertificate),
      cert,
      certDer,
    );
    c.signingCertificateBound = ess === 'bound' ? true : ess === 'absent' || ess === 'malformed' ? null : false;
    if (ess === 'absent') add('TST_SIGNING_CERTIFICATE_MISSING');
    if (ess === 'malformed') add('TST_SIGNING_CERTIFICATE_MALFORMED');
    if (ess === 'hash') add('TST_SIGNING_CERTIFICATE_MISMATCH');
    if (ess === 'issuer-serial') add('TST_SIGNING_CERTIFICATE_ISSUER_SERIAL');
  }

  // 4. The signature itself.
  if (cert && digestName) {
    const outcome = await verifySignerInfo(signerInfo, cert, digestName);
    c.signatureValid = outcome.result === 'unsupported' ? null : outcome.result === 'valid';
    if (outcome.mismatch) add('TST_SIGNATURE_ALGORITHM_MISMATCH');
    else if (outcome.result === 'unsupported') add('TST_SIGNATURE_UNSUPPORTED');
    else if (outcome.result === 'invalid') add('TST_SIGNATURE_INVALID');
  }
}

type EssOutcome = 'bound' | 'absent' | 'malformed' | 'hash' | 'issuer-serial';

/**
 * ESS: the first ESSCertID(v2) must be the hash of the TSA certificate (and name its issuer and serial when it
 * carries them), so the certificate cannot be swapped for another one with the same key.
 */
async function essBinding(v2: unknown, v1: unknown, cert: pkijs.Certificate, certDer: Uint8Array): Promise<EssOutcome> {
  if (v2 === undefined && v1 === undefined) return 'absent';
  for (const [value, version] of [
    [v2, 2],
    [v1, 1],
  ] as const) {
    if (value === undefined) continue;
    const first = firstCertId(value);
    if (!first) return 'malformed';
    let items = first.valueBlock.value;
    let hashName: HashName | undefined = version === 2 ? 'SHA-256' : 'SHA-1'; // ESSCertIDv2's hashAlgorithm DEFAULT id-sha256
    if (version === 2 && items[0] instanceof asn1js.Sequence) {
      const algOid = items[0].valueBlock.value[0];
      hashName = algOid instanceof asn1js.ObjectIdentifier ? DIGEST_BY_OID[algOid.valueBlock.toString()] : undefined;
      if (!hashName) return 'malformed';
      items = items.slice(1);
    }
    const [certHash, issuerSerial] = items;
    if (!(certHash instanceof asn1js.OctetString)) return 'malformed';
    if (!bytesEqual(view(certHash.valueBlock.valueHexView), await digest(hashName, certDer))) return 'hash';
    if (issuerSerial !== undefined && !issuerSerialMatches(issuerSerial, cert)) return 'issuer-serial';
  }
  return 'bound';
}

/** SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies OPTIONAL } → certs[0]. */
function firstCertId(value: unknown): asn1js.Sequence | undefined {
  if (!(value instanceof asn1js.Sequence)) return undefined;
  const certs = value.valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence)) return undefined;
  const first = certs.valueBlock.value[0];
  return first instanceof asn1js.Sequence ? first : undefined;
}

/** IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }, with a directoryName [4] issuer. */
function issuerSerialMatches(value: asn1js.AsnType, cert: pkijs.Certificate): boolean {
  if (!(value instanceof asn1js.Sequence)) return false;
  const [names, serial] = value.valueBlock.value;
  if (!(serial instanceof asn1js.Integer) || !(names instanceof asn1js.Sequence)) return false;
  if (integerHex(view(serial.valueBlock.valueHexView)) !== integerHex(view(cert.serialNumber.valueBlock.valueHexView)))
    return false;
  return names.valueBlock.value.some((gn) => {
    if (gn.idBlock.tagClass !== 3 || gn.idBlock.tagNumber !== 4 || !(gn instanceof asn1js.Constructed)) return false;
    try {
      return namesEqual(new pkijs.RelativeDistinguishedNames({ schema: gn.valueBlock.value[0] }), cert.issuer);
    } catch {
      return false;
    }
  });
}

/**
 * The SignerInfo's signature through kyso's own algorithm check (not pkijs' engine): the algorithm must agree with the
 * TSA key and with the digest algorithm, or the token is refused whatever its bytes.
 */
async function verifySignerInfo(
  signerInfo: pkijs.SignerInfo,
  cert: pkijs.Certificate,
  digestName: string,
): Promise<SignatureOutcome> {
  const signedAttrs = signerInfo.signedAttrs;
  if (!signedAttrs) return { result: 'invalid' };
  // encodedValue is the attributes' original encoding re-tagged as SET OF: the bytes that were signed.
  return verifySignatureValue({
    data: new Uint8Array(signedAttrs.encodedValue),
    signature: view(signerInfo.signature.valueBlock.valueHexView),
    algorithm: {
      oid: signerInfo.signatureAlgorithm.algorithmId,
      params: signerInfo.signatureAlgorithm.algorithmParams,
    },
    key: cert.subjectPublicKeyInfo,
    keyDer: subjectPublicKeyInfoDer(cert),
    digest: digestName as DigestName,
  });
}
