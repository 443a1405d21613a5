/**
 * RFC 5280 §6.1 basic path validation of one built path (leaf … anchor), less the validity periods, which are
 * facts evaluated at the caller's times (validity.ts): certificate signatures, basicConstraints cA and pathLen,
 * keyUsage keyCertSign on CAs, unrecognised critical extensions, name constraints and (simplified) policies. The
 * anchor's own pathLen and name constraints apply to the path below it (RFC 5937 style); its self-signature is
 * not checked.
 */
import type * as pkijs from 'pkijs';
import { signatureAlgorithmsAgree, verifyCertificateSignature, type SignatureCheck } from './certificate-signature.js';
import { ANY_POLICY, readExtensions, type CertificateExtensions } from './extensions.js';
import type { TrustCode } from './messages.js';
import { certificateNames, nameConstraintViolation } from './name-constraints.js';
import { isSelfIssued, nameText } from './names.js';

export type PathProblemCode = Extract<
  TrustCode,
  | 'NO_CHAIN'
  | 'CHAIN_TOO_LONG'
  | 'BAD_SIGNATURE'
  | 'SIGNATURE_UNSUPPORTED'
  | 'SIGNATURE_ALGORITHM_MISMATCH'
  | 'NOT_CA'
  | 'PATH_LENGTH'
  | 'KEY_USAGE'
  | 'CRITICAL_EXTENSION'
  | 'EXTENSION_MALFORMED'
  | 'DUPLICATE_EXTENSION'
  | 'NAME_CONSTRAINTS'
  | 'POLICY_CONSTRAINTS'
>;

export interface PathProblem {
  code: PathProblemCode;
  /** Position in the chain of the certificate the problem is about (0 = leaf). */
  index: number;
  /** That certificate's subject, readable. */
  subject: string;
  /** The extension concerned, when there is one. */
  oid?: string;
  /** A short English detail (names, numbers), never key material. */
  detail?: string;
}

export interface PathValidation {
  problems: PathProblem[];
  /** Signature check of each certificate by the next one's key; 'not-checked' for the anchor. */
  signatures: Array<SignatureCheck | 'not-checked'>;
  /** Valid policy OIDs at the end of the path (anyPolicy when unrestricted); null when no policy is valid. */
  policies: string[] | null;
}

type SignatureCache = (cert: pkijs.Certificate, issuer: pkijs.Certificate) => Promise<SignatureCheck>;

/** Memoised signature checks: the builder may validate the same edge in several candidate paths. */
export function signatureCache(): SignatureCache {
  const memo = new WeakMap<pkijs.Certificate, WeakMap<pkijs.Certificate, Promise<SignatureCheck>>>();
  return (cert, issuer) => {
    let inner = memo.get(cert);
    if (!inner) memo.set(cert, (inner = new WeakMap()));
    let p = inner.get(issuer);
    if (!p) inner.set(issuer, (p = verifyCertificateSignature(cert, issuer.subjectPublicKeyInfo)));
    return p;
  };
}

export interface PathValidationOptions {
  /** Apply the anchor certificate's pathLen and name constraints (default true). */
  anchorConstraints?: boolean;
  checkSignature?: SignatureCache;
}

/** Validates `chain` (leaf first, the anchor last). Never throws. */
export async function validatePath(
  chain: readonly pkijs.Certificate[],
  options: PathValidationOptions = {},
): Promise<PathValidation> {
  const problems: PathProblem[] = [];
  const m = chain.length - 1; // index of the anchor
  const check = options.checkSignature ?? signatureCache();
  const add = (code: PathProblemCode, index: number, extra: { oid?: string; detail?: string } = {}) =>
    problems.push({ code, index, subject: chain[index] ? nameText(chain[index].subject) : '', ...extra });
  const signatures: Array<SignatureCheck | 'not-checked'> = chain.map(() => 'not-checked');

  // Anchor: when it issued something, it must be allowed to (a v1 anchor without extensions is accepted).
  const anchor = chain[m];
  if (!anchor) return { problems, signatures, policies: null }; // no certificate: nothing to validate
  const ax = readExtensions(anchor);
  if (m > 0) {
    if (ax.basicConstraints && !ax.basicConstraints.cA) add('NOT_CA', m);
    if (ax.keyUsage && !ax.keyUsage.includes('keyCertSign')) add('KEY_USAGE', m);
  }
  const useAnchor = options.anchorConstraints !== false;
  let maxPathLength = useAnchor && ax.basicConstraints?.pathLen !== undefined ? ax.basicConstraints.pathLen : m;
  const constraints: Array<NonNullable<CertificateExtensions['nameConstraints']>> = [];
  if (useAnchor && ax.nameConstraints) constraints.push(ax.nameConstraints);

  // Policy state (RFC 5280 §6.1.2, initial-policy-set = anyPolicy, no explicit policy required by the caller).
  let explicitPolicy = m + 1;
  let policyMapping = m + 1;
  let inhibitAny = m + 1;
  let valid: Set<string> | null = new Set([ANY_POLICY]);
  let policyProblem = false;

  for (let i = m - 1; i >= 0; i--) {
    const cert = chain[i]!; // 0 <= i < m
    const issuer = chain[i + 1]!;
    const x = readExtensions(cert);
    const leaf = i === 0;
    const selfIssued = isSelfIssued(cert);

    // Signature by the issuer's key, and the two algorithm fields agree.
    const sig = await check(cert, issuer);
    signatures[i] = sig;
    if (sig === 'invalid') add('BAD_SIGNATURE', i);
    else if (sig === 'unsupported') add('SIGNATURE_UNSUPPORTED', i, { detail: cert.signatureAlgorithm.algorithmId });
    if (!signatureAlgorithmsAgree(cert)) add('SIGNATURE_ALGORITHM_MISMATCH', i);

    // Extensions that cannot be processed.
    for (const oid of x.unrecognisedCritical) add('CRITICAL_EXTENSION', i, { oid });
    for (const oid of x.malformed) add('EXTENSION_MALFORMED', i, { oid });
    for (const oid of x.duplicates) add('DUPLICATE_EXTENSION', i, { oid });

    // Name constraints of every CA above (self-issued intermediates are exempt, RFC 5280 §6.1.3 (b)).
    if (leaf || !selfIssued) {
      const names = certificateNames(cert, x.subjectAltNames);
      for (const c of constraints) {
        const violation = nameConstraintViolation(names, c);
        if (violation) {
          add('NAME_CONSTRAINTS', i, { detail: violation });
          break;
        }
      }
    }

    // Policies (simplified tree: a set of valid policy OIDs; mapping replaces the issuer-domain policy).
    if (x.policies && valid) {
      const anyAllowed = inhibitAny > 0 || (!leaf && selfIssued);
      const next = new Set<string>();
      for (const p of x.policies) if (p !== ANY_POLICY && (valid.has(p) || valid.has(ANY_POLICY))) next.add(p);
      if (x.policies.includes(ANY_POLICY) && anyAllowed) for (const p of valid) next.add(p);
      valid = next.size > 0 ? next : null;
    } else if (!x.policies) {
      valid = null;
    }

    if (leaf) {
      // Wrap-up (§6.1.5).
      if (explicitPolicy > 0) explicitPolicy--;
      if (x.requireExplicitPolicy === 0) explicitPolicy = 0;
      if (explicitPolicy === 0 && !valid) policyProblem = true;
      break;
    }
    if (explicitPolicy === 0 && !valid) policyProblem = true;

    // Preparation for the next certificate (§6.1.4).
    if (valid && x.policyMappings.length > 0) {
      for (const { issuerDomainPolicy, subjectDomainPolicy } of x.policyMappings) {
        if (!valid.has(issuerDomainPolicy) && !valid.has(ANY_POLICY)) continue;
        valid.delete(issuerDomainPolicy);
        if (policyMapping > 0) valid.add(subjectDomainPolicy);
      }
      if (valid.size === 0) valid = null;
    }
    if (!selfIssued) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyMapping > 0) policyMapping--;
      if (inhibitAny > 0) inhibitAny--;
    }
    if (x.requireExplicitPolicy !== undefined && x.requireExplicitPolicy < explicitPolicy)
      explicitPolicy = x.requireExplicitPolicy;
    if (x.inhibitPolicyMapping !== undefined && x.inhibitPolicyMapping < policyMapping)
      policyMapping = x.inhibitPolicyMapping;
    if (x.inhibitAnyPolicy !== undefined && x.inhibitAnyPolicy < inhibitAny) inhibitAny = x.inhibitAnyPolicy;

    // A certificate that issues another must be a CA allowed to sign certificates, within the path length.
    if (!x.basicConstraints?.cA) add('NOT_CA', i);
    if (x.keyUsage && !x.keyUsage.includes('keyCertSign')) add('KEY_USAGE', i);
    if (!selfIssued) {
      if (maxPathLength <= 0)
        add('PATH_LENGTH', i, { detail: 'a CA above allows no further intermediate certificates' });
      else maxPathLength--;
    }
    const pathLen = x.basicConstraints?.pathLen;
    if (pathLen !== undefined && pathLen < maxPathLength) maxPathLength = pathLen;
    if (x.nameConstraints) constraints.push(x.nameConstraints);
  }

  if (policyProblem) add('POLICY_CONSTRAINTS', 0);
  return { problems, signatures, policies: valid ? [...valid] : null };
}
