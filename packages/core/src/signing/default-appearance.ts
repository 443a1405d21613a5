/**
 * The appearance a visible signature gets when the caller gives none: the standard Vietnamese text block (Ký bởi,
 * Cơ quan, Lý do, Nơi ký, Ngày ký) from the signer's certificate and the signature's own reason, place and claimed
 * time, so the box never shows a time other than the signature's /M.
 */
import { signatureAppearance } from '../appearance/signature-appearance.js';
import type { CertificateInfo } from '../cms/certificate.js';
import type { AppearanceBuilder, SignatureOptions } from './options.js';

export function defaultAppearance(
  cert: CertificateInfo,
  options: SignatureOptions,
  signingTime: Date,
): AppearanceBuilder {
  const subject = cert.subjectAttributes;
  return signatureAppearance({
    fields: {
      signer: options.signerName ?? subject.CN ?? subject.O ?? '',
      organisation: subject.O,
      reason: options.reason,
      location: options.location,
      signingTime,
    },
  });
}
