/**
 * The two signatures of an e-copy (Decree 45/2020 Art. 10; DOMAIN.md §5.2): first the certifier's, visible under
 * the statement (it certifies the document, DocMDP P=2 by default), then the authority's, visible beside it with
 * the seal image. Each is an ordinary PAdES signature appended by signPdf; the first stays valid after the second.
 */
import { createHash } from 'node:crypto';
import { PdfDocument, PdfStream } from '@kyso/pdf';
import { prepareImage } from '../appearance/image.js';
import { signatureAppearance, type AppearanceContent } from '../appearance/signature-appearance.js';
import { parseCertificate } from '../cms/certificate.js';
import type { AppearanceBuilder, Level, SignatureOptions } from '../signing/options.js';
import { signPdf } from '../signing/sign-pdf.js';
import { EcopyError } from './errors.js';
import { addLongTermEvidence, longTermPlan } from './long-term.js';
import { pageFrame, uprightFormMatrix, type PageFrame } from './page-frame.js';
import type { AssembledCopy, ElectronicCopy, PagePlace, SignCopyOptions } from './types.js';
import { SIGNATURE_WORDING } from './wording.js';

/**
 * The seal's printed diameter when none is configured, millimetres. DOMAIN.md §9 asks for the seal "at actual size"
 * without a figure: 36 mm is a common round seal of a commune People's Committee, UNCONFIRMED as a rule; a
 * deployment sets its own seal's size (AuthorityParty.sealSizeMm, CLI --seal-size-mm, the service's
 * certification.authorities[unit].sealSizeMm).
 */
export const SEAL_SIZE_MM = 36;
const POINTS_PER_MM = 72 / 25.4;
/** Room the authority's text (its name and the signing time) keeps beside a real-size seal, points. */
const SEAL_TEXT_WIDTH = 110;

export const CERTIFIER_FIELD = 'NguoiThucHienChungThuc';
export const AUTHORITY_FIELD = 'CoQuanChungThuc';

/** Applies the certifier's and then the authority's signature to an assembled e-copy. */
export async function signElectronicCopy(assembled: AssembledCopy, options: SignCopyOptions): Promise<ElectronicCopy> {
  const { certifier, authority } = options;
  if (!certifier?.signer || !authority?.signer)
    throw new EcopyError('ECOPY_BAD_INPUT', { field: 'signer' }, 'both the certifier and the authority must sign');
  if (Buffer.from(certifier.signer.certificate).equals(Buffer.from(authority.signer.certificate))) {
    throw new EcopyError(
      'ECOPY_BAD_INPUT',
      { field: 'signer' },
      'the certifier and the authority must sign with different certificates',
    );
  }
  // Each signature is made at B-B or B-T; the DSS for both (and a document timestamp) follow them, once.
  const plan = longTermPlan(options.level, options.timestamper);
  const level: Level = plan.signatureLevel;
  if (level === 'B-T' && !options.timestamper)
    throw new EcopyError(
      'ECOPY_BAD_INPUT',
      { field: 'timestamper', level: options.level },
      `level ${String(options.level)} needs a timestamper`,
    );
  const common = {
    level,
    timestamper: options.timestamper,
    certificateCheck: options.certificateCheck,
    onWarning: options.onWarning,
  };
  const name = (cert: Uint8Array): string => parseCertificate(cert).subjectAttributes.CN ?? '';

  const certifierTime = options.certifierSigningTime ?? new Date();
  const withCertifier = await signPdf(assembled.bytes, certifier.signer, {
    ...common,
    ...certifierSignatureOptions(assembled, {
      signerName: name(certifier.signer.certificate),
      signingTime: certifierTime,
      signatureImage: certifier.signatureImage,
      reason: certifier.reason,
      location: certifier.location,
      docMdp: options.docMdp,
    }),
  });

  const authorityTime = options.authoritySigningTime ?? new Date();
  const both = await signPdf(withCertifier, authority.signer, {
    ...common,
    ...authoritySignatureOptions(assembled, {
      signerName: name(authority.signer.certificate),
      signingTime: authorityTime,
      sealImage: authority.sealImage,
      sealSizeMm: authority.sealSizeMm,
      location: authority.location,
    }),
  });

  const { bytes, evidence } = await addLongTermEvidence(both, plan, {
    fields: [CERTIFIER_FIELD, AUTHORITY_FIELD],
    timestamper: options.timestamper,
    ltv: options.ltv,
    onWarning: options.onWarning,
  });

  const { bytes: _unsignedBytes, ...facts } = assembled; // the facts stay, the bytes are the signed ones
  return {
    ...facts,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    signatures: {
      certifier: {
        fieldName: CERTIFIER_FIELD,
        signingTime: certifierTime,
        level: evidence.level,
        ...assembled.certifierSignature,
      },
      authority: {
        fieldName: AUTHORITY_FIELD,
        signingTime: authorityTime,
        level: evidence.level,
        ...authorityWidget(assembled, authority.sealImage, authority.sealSizeMm).place,
      },
    },
    evidence,
  };
}

/** What the certifier's signature shows and claims; for `prepare` when the key signs elsewhere (two-step). */
export function certifierSignatureOptions(
  assembled: AssembledCopy,
  o: {
    signerName: string;
    signingTime: Date;
    signatureImage?: Uint8Array;
    reason?: string;
    location?: string;
    docMdp?: 2 | 3 | false;
  },
): SignatureOptions {
  return {
    ...placement(assembled.bytes, assembled.certifierSignature, {
      fields: { signer: o.signerName, signingTime: o.signingTime },
      signatureImage: o.signatureImage,
    }),
    newFieldName: CERTIFIER_FIELD,
    reason: o.reason ?? SIGNATURE_WORDING.certifierReason,
    location: o.location,
    signingTime: o.signingTime,
    certify: o.docMdp === false ? undefined : (o.docMdp ?? 2),
  };
}

/** What the authority's signature shows and claims; apply it to the certifier-signed file. */
export function authoritySignatureOptions(
  assembled: AssembledCopy,
  o: { signerName: string; signingTime: Date; sealImage?: Uint8Array; sealSizeMm?: number; location?: string },
): SignatureOptions {
  const { place, imageHeight } = authorityWidget(assembled, o.sealImage, o.sealSizeMm);
  return {
    ...placement(assembled.bytes, place, {
      fields: { signer: o.signerName, signingTime: o.signingTime },
      sealImage: o.sealImage,
      imageHeight,
    }),
    newFieldName: AUTHORITY_FIELD,
    reason: SIGNATURE_WORDING.authorityReason,
    location: o.location,
    signingTime: o.signingTime,
  };
}

/**
 * Where the authority's widget goes and how tall its seal is drawn: the assembled place, grown for a seal image at
 * its real size (`sealSizeMm`, default SEAL_SIZE_MM).
 */
export function authorityWidget(
  assembled: AssembledCopy,
  sealImage?: Uint8Array,
  sealSizeMm?: number,
): { place: PagePlace; imageHeight?: number } {
  if (!sealImage) return { place: assembled.authoritySignature };
  const mm = sealSizeMm ?? SEAL_SIZE_MM;
  if (!(Number.isFinite(mm) && mm >= 10 && mm <= 80))
    throw new EcopyError('ECOPY_BAD_INPUT', { field: 'sealSizeMm', sealSizeMm: mm }, 'the seal size is 10-80 mm');
  const seal = prepareImage(sealImage, 'seal image');
  const imageHeight = mm * POINTS_PER_MM;
  return {
    place: sealSized(
      assembled.bytes,
      assembled.authoritySignature,
      imageHeight * (seal.width / seal.height),
      imageHeight,
    ),
    imageHeight,
  };
}

/**
 * The authority's widget grown (about its centre, kept on the page) to hold the seal at its real size with the text
 * beside it; a larger widget stays as it is. The appearance draws the seal at exactly that size (imageHeight).
 */
function sealSized(pdf: Uint8Array, place: PagePlace, sealWidth: number, sealHeight: number): PagePlace {
  const pad = 4; // the appearance's inner padding (appearance/layout.ts), each side
  const width = Math.max(place.rect.width, sealWidth + SEAL_TEXT_WIDTH + 3 * pad);
  const height = Math.max(place.rect.height, sealHeight + 2 * pad);
  if (width === place.rect.width && height === place.rect.height) return place;
  const doc = PdfDocument.load(pdf);
  const dict = doc.pages()[place.page - 1]?.dict;
  const box = dict ? doc.pageAttribute(dict, 'MediaBox') : undefined;
  const [x0, y0, x1, y1] =
    Array.isArray(box) && box.length === 4 && box.every((v) => typeof v === 'number')
      ? (box as [number, number, number, number])
      : [0, 0, 595.28, 841.89];
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), Math.max(lo, hi));
  const cx = place.rect.x + place.rect.width / 2;
  const cy = place.rect.y + place.rect.height / 2;
  return {
    page: place.page,
    rect: { x: clamp(cx - width / 2, x0, x1 - width), y: clamp(cy - height / 2, y0, y1 - height), width, height },
  };
}

/** The widget's place and an appearance that reads upright on a rotated page (pages keep their /Rotate). */
function placement(
  pdf: Uint8Array,
  place: PagePlace,
  content: AppearanceContent,
): Pick<SignatureOptions, 'visible' | 'appearance'> {
  const { x, y, width, height } = place.rect;
  return {
    visible: { page: place.page, rect: [x, y, width, height] },
    appearance: upright(signatureAppearance(content), frameOf(pdf, place.page)),
  };
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
    if (frame.rotate !== 0 && form instanceof PdfStream)
      form.dict.set('Matrix', uprightFormMatrix(frame, display.width, display.height));
    return ref;
  };
}
