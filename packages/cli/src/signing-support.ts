/** How the command line wires the library's pluggable parts: appearance, timestamps, revocation checks. */
import { readFileSync } from 'node:fs';
import {
  nodeGuardedFetch,
  onlineRevocationChecker,
  pemOrDerCertificates,
  signatureAppearance,
  tsaTimestamper,
  type AppearanceBuilder,
  type CertificateCheckPolicy,
  type OnSigningWarning,
  type Pkcs12Signer,
  type RevocationSources,
  type TimestampProvider,
} from '@kyso/core';
import type { GuardedFetch } from '@kyso/verify';
import { UsageError } from './usage.js';
import { cliFetchOptions } from './fetch-policy.js';

export interface AppearanceArgs {
  reason?: string;
  location?: string;
  signatureImage?: Uint8Array;
  sealImage?: Uint8Array;
  /** The same instant as the signature's /M. */
  signingTime: Date;
}

/** The Vietnamese text block (Ký bởi / Cơ quan / Lý do / Nơi ký / Ngày ký) with the optional images. */
export function appearanceFromArgs(signer: Pkcs12Signer, args: AppearanceArgs): AppearanceBuilder {
  const subject = signer.info.subjectAttributes;
  return signatureAppearance({
    fields: {
      signer: subject.CN ?? '',
      organisation: subject.O && subject.O !== subject.CN ? subject.O : undefined,
      reason: args.reason,
      location: args.location,
      signingTime: args.signingTime,
    },
    signatureImage: args.signatureImage,
    sealImage: args.sealImage,
  });
}

export function cliTimestamper(url: string, timeoutMs?: number, fetch?: GuardedFetch): TimestampProvider {
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--tsa must be a URL: ${url}`);
  }
  return tsaTimestamper(url, { ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(fetch ? { fetch } : {}) });
}

/** The run's guarded fetch (fetch-policy.ts), from @kyso/core's own copy of the code. */
export function cliGuardedFetch(
  allowHosts: readonly string[] | undefined,
  namedUrls: ReadonlyArray<string | undefined> = [],
): GuardedFetch {
  return nodeGuardedFetch(cliFetchOptions(allowHosts, namedUrls));
}

/** `fetch`: the run's guarded fetch, through which the signer's CA is asked. */
export function cliRevocationPolicy(mode: string | undefined, fetch?: GuardedFetch): CertificateCheckPolicy {
  const revocation = mode ?? 'if-available';
  if (revocation !== 'require' && revocation !== 'if-available' && revocation !== 'off') {
    throw new UsageError('--revocation must be require, if-available or off');
  }
  return fetch ? { revocation, checker: onlineRevocationChecker({ fetch }) } : { revocation };
}

const REVOCATION_DATA: readonly RevocationSources[] = ['ocsp-then-crl', 'ocsp', 'crl', 'ocsp-and-crl'];

/** `--revocation-data`: which revocation sources B-LT/B-LTA embed (policy as data, see @kyso/core's LtvPolicy). */
export function cliRevocationSources(value: string | undefined): RevocationSources | undefined {
  if (value === undefined) return undefined;
  if (!REVOCATION_DATA.includes(value as RevocationSources))
    throw new UsageError(`--revocation-data must be ${REVOCATION_DATA.join(', ')}`);
  return value as RevocationSources;
}

/** Certificates from `--trust` files (PEM with one or more certificates, or one DER certificate). */
export function cliCertificates(paths: readonly string[] | undefined): Uint8Array[] {
  return (paths ?? []).flatMap((p) => pemOrDerCertificates(new Uint8Array(readFileSync(p))));
}

/**
 * A signing warning on standard error: the Vietnamese line with no English inside, then the English line with the
 * code and the facts behind it.
 */
export function cliWarningPrinter(err: (s: string) => void): OnSigningWarning {
  return (w) => err(`kyso: cảnh báo: ${w.vi}\n  warning (${w.code}): ${w.en}${w.detail ? `\n  ${w.detail}` : ''}`);
}
