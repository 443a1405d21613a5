/**
 * The two signatures of an e-copy (Decree 45/2020 Art. 10; DOMAIN.md §5.2): first the certifier's, visible under
 * the statement (it certifies the document, DocMDP P=2 by default), then the authority's, visible beside it with
 * the seal image. Each is an ordinary PAdES signature appended by signPdf; the first stays valid after the second.
 */
import { createHash } from 'node:crypto';
import { PdfDocument, PdfStream } from '@kyso/pdf';
import { signatureAppearance, type AppearanceContent } from '../appearance/signature-appearance.js';
import { parseCertificate } from '../cms/certificate.js';
import type { AppearanceBuilder, Level } from '../signing/options.js';
import { signPdf } from '../signing/sign-pdf.js';
import { EcopyError } from './errors.js';
import { pageFrame, uprightFormMatrix, type PageFrame } from './page-frame.js';
import type { AssembledCopy, ElectronicCopy, PagePlace, SignCopyOptions } from './types.js';
import { SIGNATURE_WORDING } from './wording.js';

export const CERTIFIER_FIELD = 'NguoiThucHienChungThuc';
export const AUTHORITY_FIELD = 'CoQuanChungThuc';

/** Applies the certifier's and then the authority's signature to an assembled e-copy. */
export async function signElectronicCopy(assembled: AssembledCopy, options: SignCopyOptions): Promise<ElectronicCopy> {
  const { certifier, authority } = options;
  if (!certifier?.signer || !authority?.signer) throw new EcopyError('ECOPY_BAD_INPUT', { field: 'signer' }, 'both the certifier and the authority must sign');
  if (Buffer.from(certifier.signer.certificate).equals(Buffer.from(authority.signer.certificate))) {
    throw new EcopyError('ECOPY_BAD_INPUT', { field: 'signer' }, 'the certifier and the authority must sign with different certificates');
  }
  const level: Level = options.level ?? (options.timestamper ? 'B-T' : 'B-B');
  const common = { level, timestamper: options.timestamper, certificateCheck: options.certificateCheck, onWarning: options.onWarning };
  const name = (cert: Uint8Array): string => parseCertificate(cert).subjectAttributes.CN ?? '';

  const certifierTime = options.certifierSigningTime ?? new Date();
  const withCertifier = await signPdf(assembled.bytes, certifier.signer, {
    ...common,
    ...placement(assembled.bytes, assembled.certifierSignature, {
      fields: { signer: name(certifier.signer.certificate), signingTime: certifierTime },
      signatureImage: certifier.signatureImage,
    }),
    newFieldName: CERTIFIER_FIELD,
    reason: certifier.reason ?? SIGNATURE_WORDING.certifierReason,
    location: certifier.location,
    signingTime: certifierTime,
    certify: options.docMdp === false ? undefined : (options.docMdp ?? 2),
  });

  const authorityTime = options.authoritySigningTime ?? new Date();
  const bytes = await signPdf(withCertifier, authority.signer, {
    ...common,
    ...placement(withCertifier, assembled.authoritySignature, {
      fields: { signer: name(authority.signer.certificate), signingTime: authorityTime },
      sealImage: authority.sealImage,
    }),
    newFieldName: AUTHORITY_FIELD,
    reason: SIGNATURE_WORDING.authorityReason,
    location: authority.location,
    signingTime: authorityTime,
  });

  const { bytes: _unsigned, ...facts } = assembled;
  return {
    ...facts,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    signatures: {
      certifier: { fieldName: CERTIFIER_FIELD, signingTime: certifierTime, level, ...assembled.certifierSignature },
      authority: { fieldName: AUTHORITY_FIELD, signingTime: authorityTime, level, ...assembled.authoritySignature },
    },
  };
}

/** The widget's place and an appearance that reads upright on a rotated page. */
function placement(pdf: Uint8Array, place: PagePlace, content: AppearanceContent): { visible: { page: number; rect: [number, number, number, number] }; appearance: AppearanceBuilder } {
  const { x, y, width, height } = place.rect;
  return { visible: { page: place.page, rect: [x, y, width, height] }, appearance: upright(signatureAppearance(content), frameOf(pdf, place.page)) };
}

function frameOf(pdf: Uint8Array, page: number): PageFrame {
  const doc = PdfDocument.load(pdf);
  const dict = doc.pages()[page - 1]?.dict;
  const rotate = dict ? doc.pageAttribute(dict, 'Rotate') : 0;
  return pageFrame([0, 0, 1, 1], typeof rotate === 'number' ? rotate : 0)!;
}

/** Draws the appearance at the display size and turns it with /Matrix to undo the page's /Rotate. */
function upright(draw: ReturnType<typeof signatureAppearance>, frame: PageFrame): AppearanceBuilder {
  return (w, size) => {
    const turned = frame.rotate === 90 || frame.rotate === 270;
    const display = turned ? { width: size.height, height: size.width } : size;
    const ref = draw(w, display);
    const form = w.staged(ref);
    if (frame.rotate !== 0 && form instanceof PdfStream) form.dict.set('Matrix', uprightFormMatrix(frame, display.width, display.height));
    return ref;
  };
}
