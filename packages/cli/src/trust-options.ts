/**
 * parseArgs options shared by the commands that take trust, apart from trust-sources.ts (which loads @kyso/verify)
 * so the bin can parse `kyso verify`'s arguments before the verifier loads (commands/verify-args.ts).
 */
export const TRUST_OPTIONS = {
  trust: { type: 'string', multiple: true },
  'trust-dir': { type: 'string', multiple: true },
  'trust-profile': { type: 'string' },
  'no-default-trust': { type: 'boolean' },
  intermediate: { type: 'string', multiple: true },
} as const;
