/**
 * CRLs (RFC 5280 §5): read one, and decide whether it answers for one certificate — issued and signed by the
 * certificate's issuer, complete for it (not delta, indirect or partitioned), and current at the validation time.
 */
import * as asn1js from 'asn1js';
import { BytesMemo } from './bytes-memo.js';
import { CertificateRevocationList, IssuingDistributionPoint, type Certificate, type Extension } from 'pkijs';
import { bytesEqual, normaliseSerial, pemOrDer, toArrayBuffer, toHex } from './bytes.js';
import {
  authorityKeyId,
  crlUrls,
  isCa,
  keyUsageAllows,
  nameDer,
  namesEqual,
  serialNumber,
  subjectKeyId,
  toCertificate,
  type CertificateInput,
} from './certificates.js';
import { RevocationError, type RevocationCode } from './messages.js';
import { reasonName, type RevocationReason } from './reasons.js';
import { verifySignature } from './signature.js';
import { readCrl } from './crl-reader.js';

const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;
const EXT = {
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  authorityKeyIdentifier: '2.5.29.35',
  freshestCrl: '2.5.29.46',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
} as const;
const KNOWN_CRL_EXTENSIONS = new Set<string>([
  EXT.crlNumber,
  EXT.issuingDistributionPoint,
  EXT.authorityKeyIdentifier,
  EXT.freshestCrl,
]);
const KNOWN_ENTRY_EXTENSIONS = new Set<string>([EXT.reasonCode, EXT.invalidityDate]);

export type CrlProblem = Extract<
  RevocationCode,
  | 'CRL_MALFORMED'
  | 'CRL_ISSUER_MISMATCH'
  | 'CRL_ISSUER_NOT_CRL_SIGNER'
  | 'CRL_SIGNATURE_INVALID'
  | 'CRL_SIGNATURE_UNSUPPORTED'
  | 'CRL_SIGNATURE_ALGORITHM_MISMATCH'
  | 'CRL_NOT_YET_VALID'
  | 'CRL_EXPIRED'
  | 'CRL_OUT_OF_SCOPE'
  | 'CRL_UNSUPPORTED_CRITICAL_EXTENSION'
>;
export type CrlWarning = Extract<RevocationCode, 'CRL_NO_NEXT_UPDATE'>;

export interface CrlFacts {
  /** The exact DER read (what a DSS embeds), also when the input was PEM. */
  der: Uint8Array;
  /** The issuer Name, DER. */
  issuer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** CRLNumber as uppercase hex, when present. */
  crlNumber?: string;
  revokedCount: number;
  isDelta: boolean;
}

interface Decoded {
  facts: CrlFacts;
  crl: CertificateRevocationList;
}

/** Parsed CRLs by their bytes (a batch and a service read the same CRL again and again); large CRLs not kept. */
const decodedCrls = new BytesMemo<Decoded>(64, 1024 * 1024);

/** Reads a CRL (the parse shared for the same bytes; each caller gets its own facts and bytes). */
function decode(input: Uint8Array): Decoded {
  const { facts, crl } = decodedCrls.get(input, () => decodeBytes(input));
  return { crl, facts: { ...facts, der: facts.der.slice(), issuer: facts.issuer.slice() } };
}

function decodeBytes(input: Uint8Array): Decoded {
  const der = pemOrDer(input).slice();
  const crl = readCrl(der) ?? readByPkijs(der);
  const ext = (oid: string) => crl.crlExtensions?.extensions.find((e) => e.extnID === oid);
  const number = ext(EXT.crlNumber)?.parsedValue;
  return {
    crl,
    facts: {
      der,
      issuer: nameDer(crl.issuer),
      thisUpdate: crl.thisUpdate.value,
      nextUpdate: crl.nextUpdate?.value,
      crlNumber: number instanceof asn1js.Integer ? toHex(normaliseSerial(number.valueBlock.valueHexView)) : undefined,
      revokedCount: crl.revokedCertificates?.length ?? 0,
      isDelta: ext(EXT.deltaCrlIndicator) !== undefined,
    },
  };
}

/** pkijs's reading, for the layouts crl-reader.ts leaves to it; throws when the bytes are not one CRL. */
function readByPkijs(der: Uint8Array): CertificateRevocationList {
  // the extension values and the signature are read from their bytes: asn1js need not parse what they contain
  const asn1 = asn1js.fromBER(toArrayBuffer(der), { parseEmbedded: false });
  if (asn1.offset === -1 || asn1.offset !== der.length) throw new Error('not a single DER value');
  return new CertificateRevocationList({ schema: asn1.result });
}

/** Reads a CRL (DER, or PEM). Throws RevocationError REVOCATION_BAD_RESPONSE when it is not one. */
export function parseCrl(der: Uint8Array): CrlFacts {
  try {
    return decode(der).facts;
  } catch (e) {
    throw new RevocationError('REVOCATION_BAD_RESPONSE', {}, `CRL: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface CrlCheckOptions {
  /** The validation time the CRL must be current at (default: now). */
  at?: Date;
  /** Tolerated clock difference with the CA (default 5 minutes). */
  clockSkewMs?: number;
}

export interface CrlCheckResult {
  /** 'unusable' whenever `problems` is not empty. */
  status: 'good' | 'revoked' | 'unusable';
  problems: CrlProblem[];
  warnings: CrlWarning[];
  der: Uint8Array;
  thisUpdate?: Date;
  nextUpdate?: Date;
  crlNumber?: string;
  revocationTime?: Date;
  reason?: RevocationReason;
}

/** Whether the CRL's IssuingDistributionPoint lets it speak for this certificate (RFC 5280 §6.3.3 b). */
function coversCertificate(crl: CertificateRevocationList, cert: Certificate): boolean {
  const ext = crl.crlExtensions?.extensions.find((e) => e.extnID === EXT.issuingDistributionPoint);
  if (!ext) return true;
  const idp = ext.parsedValue;
  if (!(idp instanceof IssuingDistributionPoint) || 'parsingError' in idp) return false;
  if (idp.indirectCRL || idp.onlySomeReasons !== undefined || idp.onlyContainsAttributeCerts) return false;
  if (idp.onlyContainsUserCerts && isCa(cert)) return false;
  if (idp.onlyContainsCACerts && !isCa(cert)) return false;
  if (Array.isArray(idp.distributionPoint)) {
    const scope = idp.distributionPoint.filter((n) => n.type === 6).map((n) => String(n.value));
    const named = crlUrls(cert);
    if (scope.length > 0 && named.length > 0 && !named.some((u) => scope.includes(u))) return false;
  }
  return true;
}

function entryReason(extensions: Extension[]): RevocationReason | undefined {
  const ext = extensions.find((e) => e.extnID === EXT.reasonCode);
  if (!ext) return undefined;
  const asn1 = asn1js.fromBER(toArrayBuffer(ext.extnValue.valueBlock.valueHexView));
  return asn1.result instanceof asn1js.Enumerated ? reasonName(asn1.result.valueBlock.valueDec) : undefined;
}

/**
 * Decides whether a CRL answers for `cert` (issued by `issuer`) at `options.at`. Never throws for a bad CRL: the
 * result's `problems` say what is wrong and `status` is then 'unusable'.
 */
export async function checkCrl(
  input: Uint8Array | CrlFacts,
  certInput: CertificateInput,
  issuerInput: CertificateInput,
  options: CrlCheckOptions = {},
): Promise<CrlCheckResult> {
  const cert = toCertificate(certInput);
  const issuer = toCertificate(issuerInput);
  const raw = input instanceof Uint8Array ? input : input.der;
  const at = options.at ?? new Date();
  const skew = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;

  let decoded: Decoded;
  try {
    decoded = decode(raw);
  } catch {
    return { status: 'unusable', problems: ['CRL_MALFORMED'], warnings: [], der: raw.slice() };
  }
  const { crl, facts } = decoded;
  const problems: CrlProblem[] = [];
  const warnings: CrlWarning[] = [];

  const aki = crl.crlExtensions?.extensions.find((e) => e.extnID === EXT.authorityKeyIdentifier)?.parsedValue as
    | { keyIdentifier?: asn1js.OctetString }
    | undefined;
  const crlKeyId = aki?.keyIdentifier?.valueBlock.valueHexView;
  const issuerKeyId = subjectKeyId(issuer);
  const certAki = authorityKeyId(cert);
  if (
    !namesEqual(crl.issuer, issuer.subject) ||
    !namesEqual(cert.issuer, issuer.subject) ||
    (crlKeyId && issuerKeyId && !bytesEqual(crlKeyId, issuerKeyId)) ||
    (certAki && issuerKeyId && !bytesEqual(certAki, issuerKeyId))
  ) {
    problems.push('CRL_ISSUER_MISMATCH');
  }
  if (!keyUsageAllows(issuer, 'cRLSign')) problems.push('CRL_ISSUER_NOT_CRL_SIGNER');

  const signature = await verifySignature(
    crl.tbsView,
    crl.signatureValue,
    issuer.subjectPublicKeyInfo,
    crl.signatureAlgorithm,
  );
  if (signature === 'invalid') problems.push('CRL_SIGNATURE_INVALID');
  if (signature === 'unsupported') problems.push('CRL_SIGNATURE_UNSUPPORTED');
  // RFC 5280 §5.1.1.2: the algorithm inside the signed part must be the one outside it.
  if (signature === 'mismatch' || crl.signature.algorithmId !== crl.signatureAlgorithm.algorithmId)
    problems.push('CRL_SIGNATURE_ALGORITHM_MISMATCH');

  const t = at.getTime();
  if (facts.thisUpdate.getTime() > t + skew) problems.push('CRL_NOT_YET_VALID');
  if (!facts.nextUpdate) warnings.push('CRL_NO_NEXT_UPDATE');
  else if (facts.nextUpdate.getTime() < t - skew) problems.push('CRL_EXPIRED');

  if (facts.isDelta || !coversCertificate(crl, cert)) problems.push('CRL_OUT_OF_SCOPE');
  if (crl.crlExtensions?.extensions.some((e) => e.critical && !KNOWN_CRL_EXTENSIONS.has(e.extnID))) {
    problems.push('CRL_UNSUPPORTED_CRITICAL_EXTENSION');
  }

  const serial = serialNumber(cert);
  const entry = crl.revokedCertificates?.find((e) =>
    bytesEqual(normaliseSerial(e.userCertificate.valueBlock.valueHexView), serial),
  );
  const entryExtensions = entry?.crlEntryExtensions?.extensions ?? [];
  if (entryExtensions.some((e) => e.critical && !KNOWN_ENTRY_EXTENSIONS.has(e.extnID))) {
    problems.push('CRL_UNSUPPORTED_CRITICAL_EXTENSION');
  }
  const reason = entry ? entryReason(entryExtensions) : undefined;
  // removeFromCRL only means something in a delta CRL (rejected above); here it un-lists the certificate.
  const revoked = entry !== undefined && reason !== 'removeFromCRL';

  return {
    status: problems.length > 0 ? 'unusable' : revoked ? 'revoked' : 'good',
    problems,
    warnings,
    der: facts.der,
    thisUpdate: facts.thisUpdate,
    nextUpdate: facts.nextUpdate,
    crlNumber: facts.crlNumber,
    revocationTime: revoked ? entry.revocationDate.value : undefined,
    reason: revoked ? reason : undefined,
  };
}
