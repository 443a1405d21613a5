/**
 * Turns one signature's facts into an ETSI EN 319 102-1 verdict. The order follows the standard's building blocks:
 * format and integrity (TOTAL-FAILED) first, then what the document became afterwards, then the certification path,
 * validity at the best signature time and revocation (X.509 validation), and last the algorithms (signature
 * acceptance validation): an untrusted chain is reported before a weak algorithm, as EU DSS does.
 */
import type { CryptoFlag } from '../crypto-policy/index.js';
import type { Indication, SubIndication } from '../indications.js';
import { SUB_INDICATIONS } from '../indications.js';
import type { SignatureFacts } from '../validate/facts.js';
import { finding, type Finding, type FindingCode, type FindingPlace } from './findings.js';
import { anomalyPlace } from '../modifications/readings.js';

export interface VerdictPolicy {
  /** An unknown revocation status: 'warn' passes with a warning (DOMAIN.md §10.3 1.2), 'require' is INDETERMINATE / TRY_LATER. */
  revocation: 'warn' | 'require';
}

export const DEFAULT_VERDICT_POLICY: VerdictPolicy = { revocation: 'warn' };

export interface Verdict {
  indication: Indication;
  subIndication: SubIndication | null;
  /** Why the indication is what it is (the first is the deciding one). */
  reasons: Finding[];
  /** Facts a person should know that do not change the indication. */
  warnings: Finding[];
  /** Technical facts that are not a problem (e.g. RSA PKCS#1 v1.5): for programs and details, not a warning. */
  notes: Finding[];
}

/**
 * What each crypto flag becomes in the report, whatever the indication: SHA-1 is a warning a reader must see (the
 * hash is broken, even where an old signature still passes); PKCS#1 v1.5, which nearly every Vietnamese signature
 * uses and the policy accepts, only a note.
 */
export const CRYPTO_FLAG_FINDINGS: Readonly<Record<CryptoFlag, { code: FindingCode; severity: 'warning' | 'note' }>> = {
  SHA_1: { code: 'SHA1_USED', severity: 'warning' },
  RSA_PKCS1_V1_5: { code: 'CRYPTO_FLAGGED', severity: 'note' },
};

const FORMAT_PROBLEMS = new Set([
  'CMS_NOT_DER',
  'CMS_INTEGER_NOT_MINIMAL',
  'CMS_NOT_SIGNED_DATA',
  'CMS_MALFORMED',
  'CMS_NO_SIGNER',
  'CMS_MULTIPLE_SIGNERS',
  'CONTENT_TYPE_ATTRIBUTE_MISSING',
  'MESSAGE_DIGEST_ATTRIBUTE_MISSING',
  'SIGNED_ATTRIBUTE_MALFORMED',
  'SIGNING_CERTIFICATE_ATTRIBUTE_MALFORMED',
  'SIGNED_ATTRIBUTE_REPEATED',
  'ECONTENT_MISSING',
  'TSTINFO_MALFORMED',
]);

type Use = SignatureFacts['crypto']['uses'][number];
const where = (u: Use): string => (u.subject === 'signature' ? 'signature' : `certificate ${u.index ?? '?'}`);

/** The flagged algorithm uses as findings of their severity, one per flag, naming each use ("signature: SHA-1"). */
function flagFindings(f: SignatureFacts, severity: 'warning' | 'note'): Finding[] {
  const out: Finding[] = [];
  for (const [flag, { code, severity: s }] of Object.entries(CRYPTO_FLAG_FINDINGS) as [
    CryptoFlag,
    (typeof CRYPTO_FLAG_FINDINGS)[CryptoFlag],
  ][]) {
    if (s !== severity) continue;
    const uses = f.crypto.uses.filter((u) => u.flag === flag);
    if (uses.length > 0)
      out.push(finding(code, [...new Set(uses.map((u) => `${where(u)}: ${u.algorithm}`))].join('; ')));
  }
  return out;
}

/** The verdict of signature `k`: validation gives one per signature, in the same order. */
export function verdictOf(verdicts: readonly Verdict[], k: number): Verdict {
  const v = verdicts[k];
  if (!v) throw new RangeError(`no verdict for signature ${k} (${verdicts.length} verdicts)`);
  return v;
}

function verdict(sub: SubIndication, reasons: Finding[], warnings: Finding[]): Verdict {
  return { indication: SUB_INDICATIONS[sub], subIndication: sub, reasons, warnings, notes: [] };
}

export function decide(f: SignatureFacts, policy: VerdictPolicy = DEFAULT_VERDICT_POLICY): Verdict {
  const v = judge(f, policy);
  // Flagged algorithms are reported whatever the verdict, so SHA-1 shows even when trust or format fails first.
  return {
    ...v,
    warnings: [...flagFindings(f, 'warning'), ...v.warnings],
    notes: [...flagFindings(f, 'note'), ...v.notes],
  };
}

/**
 * Where a signature's signed bytes lie: the revision they end, its dictionary and its ByteRange (for format and
 * integrity findings). Findings about certificates and times have no place in the file but the signature's own.
 */
function signaturePlace(f: SignatureFacts): FindingPlace | undefined {
  const where: FindingPlace = {};
  if (f.signedRevision >= 0) where.revision = f.signedRevision;
  if (f.signatureObject) where.object = f.signatureObject;
  const ranges = f.integrity.byteRange.ranges;
  if (ranges) where.byteRanges = ranges.map(([o, l]) => [o, l]);
  return Object.keys(where).length ? where : undefined;
}

function judge(f: SignatureFacts, policy: VerdictPolicy): Verdict {
  const warnings: Finding[] = [];
  const i = f.integrity;
  const problems = new Set<string>(i.problems);
  // Format and integrity findings lie in the signature's signed bytes: its revision, dictionary and ByteRange.
  const signed = signaturePlace(f);

  // 1. Format: the CMS, the ByteRange and what it covers.
  if (problems.has('CONTENT_TYPE_MISMATCH')) {
    return verdict(
      'FORMAT_FAILURE',
      [
        finding(
          'CONTENT_TYPE_MISMATCH',
          `${i.cms.contentTypeAttribute} ≠ eContentType ${i.cms.eContentType ?? '(none)'}`,
          signed,
        ),
      ],
      warnings,
    );
  }
  if (!i.cms.parsed || [...problems].some((p) => FORMAT_PROBLEMS.has(p))) {
    return verdict(
      'FORMAT_FAILURE',
      [finding('CMS_UNREADABLE', [...problems].filter((p) => FORMAT_PROBLEMS.has(p)).join(', '), signed)],
      warnings,
    );
  }
  if (problems.has('ECONTENT_IN_DETACHED'))
    return verdict('FORMAT_FAILURE', [finding('ECONTENT_IN_DETACHED', undefined, signed)], warnings);
  if (!i.byteRange.wellFormed)
    return verdict('FORMAT_FAILURE', [finding('BYTERANGE_INVALID', i.byteRange.problems.join(', '), signed)], warnings);
  if (i.byteRange.coverage === 'PARTIAL' || i.byteRange.coverage === 'UNCLEAR') {
    return verdict('FORMAT_FAILURE', [finding('COVERAGE_INCOMPLETE', i.byteRange.coverage, signed)], warnings);
  }

  // 2. Integrity.
  if (i.digestMatches === false)
    return verdict('HASH_FAILURE', [finding('HASH_MISMATCH', undefined, signed)], warnings);
  if (!i.cms.signerCertificate)
    return verdict(
      'NO_SIGNING_CERTIFICATE_FOUND',
      [finding('SIGNER_CERTIFICATE_MISSING', undefined, signed)],
      warnings,
    );
  if (i.algorithmMismatch)
    return verdict(
      'SIG_CRYPTO_FAILURE',
      [finding('SIGNATURE_ALGORITHM_MISMATCH', i.algorithmMismatch.detail, signed)],
      warnings,
    );
  if (i.signatureValid === false)
    return verdict('SIG_CRYPTO_FAILURE', [finding('SIGNATURE_INVALID', undefined, signed)], warnings);
  if (i.digestMatches === null || i.signatureValid === null) {
    return verdict(
      'CRYPTO_CONSTRAINTS_FAILURE',
      [finding('ALGORITHM_UNSUPPORTED', i.signatureAlgorithm ?? i.digestAlgorithm, signed)],
      warnings,
    );
  }
  if (i.signingCertificateBound === false)
    return verdict(
      'NO_SIGNING_CERTIFICATE_FOUND',
      [finding('SIGNER_CERTIFICATE_NOT_BOUND', undefined, signed)],
      warnings,
    );

  // A digest the signature scheme itself forbids (RFC 8419: Ed448 with SHAKE256 only) or broken PSS parameters make
  // the signature unacceptable whoever signed it: decided before trust, unlike a policy's weak-algorithm rule.
  const malformed = f.crypto.rejected.filter(
    (u) =>
      u.subject === 'signature' && (u.outcome === 'DIGEST_NOT_ALLOWED_FOR_SCHEME' || u.outcome === 'PSS_PARAMETERS'),
  );
  if (malformed.length > 0) {
    return verdict(
      'CRYPTO_CONSTRAINTS_FAILURE',
      [finding('CRYPTO_REJECTED', malformed.map((u) => `signature: ${u.algorithm} (${u.rule})`).join('; '))],
      warnings,
    );
  }

  // 3. What the signed revision shows, and what later revisions did to the document.
  const m = f.modifications;
  if (m.xrefAnomalies.length > 0) {
    const shown = m.xrefAnomalies
      .slice(0, 5)
      .map(
        (a) =>
          `revision ${a.revision}: entry ${a.object} ${a.gen} → ${a.found ? `"${a.found} obj"` : 'no object'} at ${anomalyPlace(a)}`,
      );
    const a = m.xrefAnomalies[0]!;
    warnings.push(
      finding(
        'XREF_ANOMALY',
        `${shown.join('; ')}${m.xrefAnomalies.length > 5 ? `; ${m.xrefAnomalies.length - 5} more` : ''}`,
        {
          revision: a.revision,
          object: `${a.object} ${a.gen} R`,
          ...(a.offset !== undefined ? { offset: a.offset } : {}),
        },
      ),
    );
  }
  const [d] = m.signedReadings;
  if (d) {
    return verdict(
      'FORMAT_FAILURE',
      [
        finding(
          'SIGNED_CONTENT_AMBIGUOUS',
          `object ${d.object} (${d.role}) reads differently ${d.reading === 'offset' ? 'at its offset' : 'by scanning'}`,
          { revision: d.revision, object: String(d.object) },
        ),
      ],
      warnings,
    );
  }
  if (m.verdict === 'DISALLOWED') {
    const first = m.changes.find((c) => !c.allowed);
    if (first && (first.kind === 'object-swap' || first.kind === 'xref-entry-mismatch')) {
      // what each viewer shows differently, then the entries that let it
      const swaps = m.changes.filter((c) => c.kind === 'object-swap' || c.kind === 'xref-entry-mismatch').slice(0, 3);
      return verdict(
        'FORMAT_FAILURE',
        [
          finding(
            'OBJECT_SWAP',
            swaps.map((c) => `revision ${c.revision}, object ${c.object}: ${c.reason}`).join('; '),
            { revision: first.revision, object: String(first.object) },
          ),
        ],
        warnings,
      );
    }
    if (!first && m.trailingBytes === null && m.unreferencedObjects.length === 0 && m.incomplete.length > 0) {
      return verdict('FORMAT_FAILURE', [finding('MODIFICATIONS_NOT_ANALYSED', m.incomplete[0])], warnings);
    }
    const detail = first
      ? `revision ${first.revision}, object ${first.object}: ${first.reason}`
      : m.trailingBytes
        ? `${m.trailingBytes.length} bytes after the last %%EOF`
        : `${m.unreferencedObjects.length} objects no cross-reference section refers to`;
    // The first change not permitted, else the bytes after %%EOF, else the first object no section refers to.
    const u = m.unreferencedObjects[0];
    const where: FindingPlace | undefined = first
      ? { revision: first.revision, object: String(first.object) }
      : m.trailingBytes
        ? { byteRanges: [[m.trailingBytes.offset, m.trailingBytes.length]] }
        : u
          ? { revision: u.revision, object: `${u.num} ${u.gen} R`, offset: u.offset }
          : undefined;
    return verdict('FORMAT_FAILURE', [finding('MODIFIED_DISALLOWED', detail, where)], warnings);
  }
  // Appended xref sections that change nothing are said as such, not as "permitted changes".
  if (f.xrefFragments.length > 0) {
    const x = f.xrefFragments[0]!;
    warnings.push(
      finding('XREF_FRAGMENT_APPENDED', f.xrefFragments.map((x) => x.detail).join('; '), {
        revision: x.revision,
        byteRanges: f.xrefFragments.map((y) => [y.offset, y.length]),
      }),
    );
  }
  if (
    f.modifications.verdict === 'ALLOWED' &&
    !(f.xrefFragments.length > 0 && f.modifications.changes.every((c) => c.level === 'NONE'))
  ) {
    warnings.push(finding('MODIFIED_ALLOWED'));
  }

  // Timestamps that failed are not proof of anything; say so.
  for (const ts of f.timestamps) {
    if (!ts.intact) warnings.push(finding('TIMESTAMP_INVALID', `${ts.kind} ${ts.time}: ${ts.problems.join(', ')}`));
    else if (!ts.trusted) warnings.push(finding('TIMESTAMP_UNTRUSTED', `${ts.kind} ${ts.time}`));
    else if (!ts.provesExistence)
      warnings.push(finding('TIMESTAMP_EXPIRED_NO_POE', `${ts.kind} ${ts.time}: TSA valid until ${ts.validUntil}`));
  }

  // 4. The certification path. An unfit signer certificate is said even when the path decides the verdict.
  const unfit = f.chain.constraints?.length ? f.chain.constraints.join(', ') : undefined;
  if (unfit && (!f.chain.found || f.chain.problems.length > 0))
    warnings.push(finding('SIGNER_CERTIFICATE_UNFIT', unfit));
  if (!f.chain.found)
    return verdict(
      'NO_CERTIFICATE_CHAIN_FOUND',
      [finding('NO_CHAIN', f.chain.problems.join(', ') || undefined)],
      warnings,
    );
  if (f.chain.problems.length > 0)
    return verdict(
      'CERTIFICATE_CHAIN_GENERAL_FAILURE',
      [finding('CHAIN_INVALID', f.chain.problems.join(', '))],
      warnings,
    );
  if (unfit) return verdict('CHAIN_CONSTRAINTS_FAILURE', [finding('SIGNER_CERTIFICATE_UNFIT', unfit)], warnings);

  // 5. Validity at the best signature time (a timestamp is proof of existence; without one it is the validation time).
  const proven = f.bestSignatureTime.source !== 'validation-time';
  const atBest = f.chain.validity.find((v) => v.at === f.bestSignatureTime.time);
  if (atBest?.status === 'NOT_YET_VALID')
    return verdict('NOT_YET_VALID', [finding('NOT_YET_VALID', atBest.certificate)], warnings);
  if (atBest?.status === 'EXPIRED') {
    return proven
      ? verdict('EXPIRED', [finding('EXPIRED', atBest.certificate)], warnings)
      : verdict('OUT_OF_BOUNDS_NO_POE', [finding('EXPIRED_NO_POE', atBest.certificate)], warnings);
  }

  // 6. Revocation of each certificate of the path.
  const best = Date.parse(f.bestSignatureTime.time);
  const claimed = f.claimedSigningTime ? Date.parse(f.claimedSigningTime) : NaN;
  for (const [k, r] of f.revocation.certificates.entries()) {
    if (r.status === 'REVOKED') {
      const at = r.revokedAt ? Date.parse(r.revokedAt) : -Infinity;
      const detail = `${r.certificate}${r.revokedAt ? `, ${r.revokedAt}` : ''}${r.reason ? ` (${r.reason})` : ''}`;
      if (at > best && proven) {
        warnings.push(finding('REVOKED_LATER', detail));
        continue;
      }
      // Revoked before the proven time, or the signer's own claimed time is already after the revocation.
      if (proven || (Number.isFinite(claimed) && claimed >= at))
        return verdict('REVOKED', [finding('REVOKED', detail)], warnings);
      return verdict(k === 0 ? 'REVOKED_NO_POE' : 'REVOKED_CA_NO_POE', [finding('REVOKED_NO_POE', detail)], warnings);
    }
    if (r.status === 'UNKNOWN' || r.status === 'NOT_CHECKED') {
      const detail = `${r.certificate}${r.problems.length ? `: ${r.problems.join(', ')}` : ''}`;
      if (policy.revocation === 'require')
        return verdict('TRY_LATER', [finding('REVOCATION_UNKNOWN', detail)], warnings);
      warnings.push(finding('REVOCATION_UNKNOWN', detail));
    }
  }

  // 8. Algorithms (signature acceptance validation comes after the X.509 checks, ETSI EN 319 102-1 §5.2.8).
  if (f.crypto.rejected.length > 0) {
    const detail = f.crypto.rejected.map((u) => `${where(u)}: ${u.algorithm} (${u.rule})`).join('; ');
    return verdict('CRYPTO_CONSTRAINTS_FAILURE', [finding('CRYPTO_REJECTED', detail)], warnings);
  }

  return { indication: 'TOTAL-PASSED', subIndication: null, reasons: [finding('TRUSTED')], warnings, notes: [] };
}
