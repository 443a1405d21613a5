/**
 * A signing request's warnings in the answer (issue 18): @kyso/core's typed SigningWarning, as a JSON field where
 * the answer is JSON and as two headers where it is the PDF. Headers carry ASCII only, so the codes go plain and the
 * whole warnings (with their Vietnamese) percent-encoded JSON, as Kyso-Field-Name is encoded.
 */
import { SIGNING_WARNINGS, type SigningWarning, type SigningWarningCode } from '@kyso/core';
import { z } from 'zod';

export const WARNINGS_HEADER = 'Kyso-Warnings';
export const WARNINGS_DETAIL_HEADER = 'Kyso-Warnings-Detail';

const codes = Object.keys(SIGNING_WARNINGS) as [SigningWarningCode, ...SigningWarningCode[]];

export const SigningWarningSchema = z
  .object({
    code: z.enum(codes),
    vi: z.string(),
    en: z.string(),
    detail: z.string().optional().meta({ description: 'The facts behind it: certificate names, each attempt’s code.' }),
  })
  .meta({
    id: 'SigningWarning',
    description:
      'The signature was made, but a reader should know this: SIGN_REVOCATION_UNCHECKED (the signer’s status could not be ' +
      'checked before signing), LTV_REVOCATION_UNAVAILABLE / LTV_CHAIN_INCOMPLETE (validation data not embedded), ' +
      'LTV_CERT_REVOKED (a revoked certificate’s evidence embedded), ECOPY_LEVEL_LOWERED (an e-copy issued a level lower), ' +
      'APPEARANCE_TEXT_UNREADABLE (the visible box too small for its text).',
  });

/** The response headers a signed PDF may carry, for the OpenAPI document. */
export const WARNING_HEADERS = {
  [WARNINGS_HEADER]:
    'Present when signing warned: the warnings’ codes, comma-separated (e.g. SIGN_REVOCATION_UNCHECKED).',
  [WARNINGS_DETAIL_HEADER]:
    'With Kyso-Warnings: the warnings as a percent-encoded JSON array of SigningWarning ({ code, vi, en, detail }).',
} as const;

/** The headers for `warnings`; none when there are none. */
export function warningHeaders(warnings: readonly SigningWarning[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return {
    [WARNINGS_HEADER]: warnings.map((w) => w.code).join(', '),
    [WARNINGS_DETAIL_HEADER]: encodeURIComponent(JSON.stringify(warnings)),
  };
}
