/**
 * Deciding whether an OCSP response can be relied on for one certificate (RFC 6960 §3.2, §4.2.2.2): it is about
 * that certificate, signed by the issuer or by a responder the issuer delegated to, current at the validation time,
 * and answers our nonce.
 */
import type * as asn1js from 'asn1js';
import { RelativeDistinguishedNames, type BasicOCSPResponse, type Certificate, type SingleResponse } from 'pkijs';
import { bytesEqual } from './bytes.js';
import {
  OID,
  certificateDer,
  extendedKeyUsages,
  hasOcspNoCheck,
  isIssuerOf,
  isValidAt,
  namesEqual,
  toCertificate,
  type CertificateInput,
} from './certificates.js';
import { IssuerHashes, certIdMatches, digest, publicKeyBits } from './cert-id.js';
import type { RevocationCode } from './messages.js';
import {
  ID_PKIX_OCSP_NONCE,
  decodeOcspResponse,
  decodeSingle,
  type DecodedOcspResponse,
  type OcspCertStatus,
  type OcspResponseFacts,
  type OcspResponseStatus,
} from './ocsp-response.js';
import type { RevocationReason } from './reasons.js';
import { verifyCertificateSignature, verifySignature } from './signature.js';

export { buildOcspRequest, type OcspRequest, type OcspRequestOptions } from './ocsp-request.js';
export {
  parseOcspResponse,
  OCSP_RESPONSE_STATUSES,
  type OcspCertStatus,
  type OcspResponderId,
  type OcspResponseFacts,
  type OcspResponseStatus,
  type OcspSingleResponse,
} from './ocsp-response.js';
export type { OcspHash } from './cert-id.js';

const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

export type OcspProblem = Extract<
  RevocationCode,
  | 'OCSP_MALFORMED'
  | 'OCSP_NOT_SUCCESSFUL'
  | 'OCSP_UNSUPPORTED_TYPE'
  | 'OCSP_CERT_NOT_IN_RESPONSE'
  | 'OCSP_RESPONDER_NOT_FOUND'
  | 'OCSP_RESPONDER_NOT_AUTHORISED'
  | 'OCSP_RESPONDER_EXPIRED'
  | 'OCSP_SIGNATURE_INVALID'
  | 'OCSP_SIGNATURE_UNSUPPORTED'
  | 'OCSP_SIGNATURE_ALGORITHM_MISMATCH'
  | 'OCSP_NOT_YET_VALID'
  | 'OCSP_EXPIRED'
  | 'OCSP_NONCE_MISMATCH'
  | 'OCSP_UNSUPPORTED_CRITICAL_EXTENSION'
>;
export type OcspWarning = Extract<
  RevocationCode,
  'OCSP_NONCE_MISSING' | 'OCSP_NO_NEXT_UPDATE' | 'OCSP_RESPONDER_REVOCATION_UNCHECKED'
>;

export interface OcspCheckOptions {
  /** The validation time the answer must be current at (default: now). */
  at?: Date;
  /** The nonce sent in the request; a different nonce in the response makes it unusable. */
  nonce?: Uint8Array;
  /** Tolerated clock difference with the responder (default 5 minutes). */
  clockSkewMs?: number;
  /** For responses without nextUpdate: how old thisUpdate may be at `at` (default: no limit, with a warning). */
  maxAgeMs?: number;
}

export interface OcspCheckResult {
  /** 'unusable' whenever `problems` is not empty; otherwise the responder's answer. */
  status: OcspCertStatus | 'unusable';
  problems: OcspProblem[];
  warnings: OcspWarning[];
  der: Uint8Array;
  responseStatus?: OcspResponseStatus;
  /** Facts of the SingleResponse about this certificate. */
  certStatus?: OcspCertStatus;
  revocationTime?: Date;
  revocationReason?: RevocationReason;
  thisUpdate?: Date;
  nextUpdate?: Date;
  producedAt?: Date;
  /** Who signed: the issuing CA itself, or a responder it delegated to. */
  responder?: 'issuer' | 'delegated';
  /** DER of the certificate whose key signed the response. */
  responderCertificate?: Uint8Array;
  nonce?: Uint8Array;
}

async function findSingle(
  basic: BasicOCSPResponse,
  cert: Certificate,
  issuer: Certificate,
): Promise<SingleResponse | undefined> {
  const hashes = new IssuerHashes(issuer);
  for (const single of basic.tbsResponseData.responses) {
    if (await certIdMatches(single.certID, cert, hashes)) return single;
  }
  return undefined;
}

async function isNamedBy(responderId: unknown, candidate: Certificate): Promise<boolean> {
  if (responderId instanceof RelativeDistinguishedNames) return namesEqual(responderId, candidate.subject);
  const keyHash = (responderId as asn1js.OctetString).valueBlock.valueHexView;
  return bytesEqual(keyHash, await digest('SHA-1', publicKeyBits(candidate)));
}

interface ResponderVerdict {
  kind: 'issuer' | 'delegated';
  cert: Certificate;
  problems: OcspProblem[];
  warnings: OcspWarning[];
}

/** Judges one candidate signer: RFC 6960 §4.2.2.2 authorisation, then the signature itself. */
async function judgeResponder(
  basic: BasicOCSPResponse,
  candidate: Certificate,
  issuer: Certificate,
  kind: 'issuer' | 'delegated',
): Promise<ResponderVerdict> {
  const problems: OcspProblem[] = [];
  const warnings: OcspWarning[] = [];
  if (kind === 'delegated') {
    const issuedByIssuer =
      isIssuerOf(issuer, candidate) && (await verifyCertificateSignature(candidate, issuer)) === 'valid';
    if (!issuedByIssuer || !extendedKeyUsages(candidate)?.includes(OID.kpOcspSigning))
      problems.push('OCSP_RESPONDER_NOT_AUTHORISED');
    if (!isValidAt(candidate, basic.tbsResponseData.producedAt)) problems.push('OCSP_RESPONDER_EXPIRED');
    if (!hasOcspNoCheck(candidate)) warnings.push('OCSP_RESPONDER_REVOCATION_UNCHECKED');
  }
  const data = basic.tbsResponseData;
  const signature = await verifySignature(
    data.tbsView,
    basic.signature,
    candidate.subjectPublicKeyInfo,
    basic.signatureAlgorithm,
  );
  if (signature === 'invalid') problems.push('OCSP_SIGNATURE_INVALID');
  if (signature === 'unsupported') problems.push('OCSP_SIGNATURE_UNSUPPORTED');
  if (signature === 'mismatch') problems.push('OCSP_SIGNATURE_ALGORITHM_MISMATCH');
  return { kind, cert: candidate, problems, warnings };
}

/** The issuer when the ResponderID names it, else the included certificates it names; the first clean one wins. */
async function findResponder(basic: BasicOCSPResponse, issuer: Certificate): Promise<ResponderVerdict | undefined> {
  const rid = basic.tbsResponseData.responderID as unknown;
  const verdicts: ResponderVerdict[] = [];
  if (await isNamedBy(rid, issuer)) verdicts.push(await judgeResponder(basic, issuer, issuer, 'issuer'));
  if (verdicts[0]?.problems.length === 0) return verdicts[0];
  for (const candidate of basic.certs ?? []) {
    if (!(await isNamedBy(rid, candidate))) continue;
    const verdict = await judgeResponder(basic, candidate, issuer, 'delegated');
    if (verdict.problems.length === 0) return verdict;
    verdicts.push(verdict);
  }
  return verdicts[0];
}

function unusable(der: Uint8Array, problem: OcspProblem, extra: Partial<OcspCheckResult> = {}): OcspCheckResult {
  return { status: 'unusable', problems: [problem], warnings: [], der, ...extra };
}

/**
 * Decides whether an OCSP response answers for `cert` (issued by `issuer`) at `options.at`. Never throws for a bad
 * response: the result's `problems` say what is wrong and `status` is then 'unusable'.
 */
export async function checkOcspResponse(
  response: Uint8Array | OcspResponseFacts,
  certInput: CertificateInput,
  issuerInput: CertificateInput,
  options: OcspCheckOptions = {},
): Promise<OcspCheckResult> {
  const cert = toCertificate(certInput);
  const issuer = toCertificate(issuerInput);
  const der = response instanceof Uint8Array ? response : response.der;
  const at = options.at ?? new Date();
  const skew = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;

  let decoded: DecodedOcspResponse;
  try {
    decoded = decodeOcspResponse(der);
  } catch {
    return unusable(der.slice(), 'OCSP_MALFORMED');
  }
  const { facts, basic } = decoded;
  const base = {
    der: facts.der,
    responseStatus: facts.responseStatus,
    producedAt: facts.producedAt,
    nonce: facts.nonce,
  };
  if (facts.responseStatus !== 'successful') return unusable(facts.der, 'OCSP_NOT_SUCCESSFUL', base);
  if (!basic) return unusable(facts.der, 'OCSP_UNSUPPORTED_TYPE', base);

  const single = await findSingle(basic, cert, issuer);
  if (!single) return unusable(facts.der, 'OCSP_CERT_NOT_IN_RESPONSE', base);
  const answer = decodeSingle(single);

  const problems: OcspProblem[] = [];
  const warnings: OcspWarning[] = [];
  const responder = await findResponder(basic, issuer);
  if (responder) {
    problems.push(...responder.problems);
    warnings.push(...responder.warnings);
  } else {
    problems.push('OCSP_RESPONDER_NOT_FOUND');
  }

  const t = at.getTime();
  if (answer.thisUpdate.getTime() > t + skew) problems.push('OCSP_NOT_YET_VALID');
  if (answer.nextUpdate) {
    if (answer.nextUpdate.getTime() < t - skew) problems.push('OCSP_EXPIRED');
  } else if (options.maxAgeMs === undefined) {
    warnings.push('OCSP_NO_NEXT_UPDATE');
  } else if (t - answer.thisUpdate.getTime() > options.maxAgeMs + skew) {
    problems.push('OCSP_EXPIRED');
  }

  if (options.nonce) {
    if (!facts.nonce) warnings.push('OCSP_NONCE_MISSING');
    else if (!bytesEqual(facts.nonce, options.nonce)) problems.push('OCSP_NONCE_MISMATCH');
  }

  const critical = [...(basic.tbsResponseData.responseExtensions ?? []), ...(single.singleExtensions ?? [])].filter(
    (e) => e.critical && e.extnID !== ID_PKIX_OCSP_NONCE,
  );
  if (critical.length > 0) problems.push('OCSP_UNSUPPORTED_CRITICAL_EXTENSION');

  return {
    ...base,
    status: problems.length > 0 ? 'unusable' : answer.certStatus,
    problems,
    warnings,
    certStatus: answer.certStatus,
    revocationTime: answer.revocationTime,
    revocationReason: answer.revocationReason,
    thisUpdate: answer.thisUpdate,
    nextUpdate: answer.nextUpdate,
    responder: responder?.kind,
    responderCertificate: responder ? certificateDer(responder.cert) : undefined,
  };
}
