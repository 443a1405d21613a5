/** How the command line wires the library's pluggable parts: appearance, timestamps, revocation checks. */
import type { AppearanceBuilder, CertificateCheckPolicy, Signer, TimestampProvider } from '@kyso/core';
import { UsageError } from './usage.js';

export interface AppearanceArgs {
  reason?: string;
  location?: string;
  signatureImage?: Uint8Array;
  sealImage?: Uint8Array;
}

export function appearanceFromArgs(_signer: Signer, _args: AppearanceArgs): AppearanceBuilder | undefined {
  return undefined;
}

export function cliTimestamper(_url: string): TimestampProvider | undefined {
  return undefined;
}

export function cliRevocationPolicy(mode: string | undefined): CertificateCheckPolicy {
  const revocation = mode ?? 'if-available';
  if (revocation !== 'require' && revocation !== 'if-available' && revocation !== 'off') {
    throw new UsageError('--revocation must be require, if-available or off');
  }
  return { revocation };
}
