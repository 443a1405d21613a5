/** How the command line wires the library's pluggable parts: appearance, timestamps, revocation checks. */
import { signatureAppearance, tsaTimestamper, type AppearanceBuilder, type CertificateCheckPolicy, type Pkcs12Signer, type TimestampProvider } from '@kyso/core';
import { UsageError } from './usage.js';

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

export function cliTimestamper(url: string): TimestampProvider {
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--tsa must be a URL: ${url}`);
  }
  return tsaTimestamper(url);
}

export function cliRevocationPolicy(mode: string | undefined): CertificateCheckPolicy {
  const revocation = mode ?? 'if-available';
  if (revocation !== 'require' && revocation !== 'if-available' && revocation !== 'off') {
    throw new UsageError('--revocation must be require, if-available or off');
  }
  return { revocation };
}
