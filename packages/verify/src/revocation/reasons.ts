/** CRLReason (RFC 5280 §5.3.1), shared by CRL entries and OCSP RevokedInfo. */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined, // 7 is not used
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
] as const;

export type RevocationReason = Exclude<(typeof REVOCATION_REASONS)[number], undefined>;

export function reasonName(code: number): RevocationReason | undefined {
  return REVOCATION_REASONS[code] ?? undefined;
}
