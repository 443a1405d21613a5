/**
 * What the e-copy builder takes and gives back. The e-copy (bản sao điện tử được chứng thực từ bản chính,
 * DOMAIN.md §5.2, §7) is the scanned paper original, each page laid into a frame with nothing drawn over it, plus
 * the conversion mark in a band on the first page (Decree 137/2024 Art. 4), the certification statement in a band
 * on the last page or on an added page (DOMAIN.md §6.4), the certifier's signature and then the authority's (two
 * PAdES signatures, Decree 45/2020 Art. 10).
 */
import type { LtvSigningOptions } from '../ltv/new-signature.js';
import type { SigningEvidence } from '../register/types.js';
import type { CertificateCheckPolicy } from '../signing/certificate-check.js';
import type { TimestampProvider } from '../signing/finish.js';
import type { Level } from '../signing/options.js';
import type { Signer } from '../signing/signer.js';
import type { OnSigningWarning } from '../signing/warnings.js';

/** One scanned page given as an image. */
export interface ScanImage {
  /** JPEG or PNG bytes. */
  bytes: Uint8Array;
  /** Resolution in dots per inch; overrides what the file declares (JFIF density, PNG pHYs). */
  dpi?: number;
}

/** The scanned original: a PDF from any scanner or producer, or one image per page, in page order. */
export type ScanSource =
  | { pdf: Uint8Array; images?: undefined }
  | { images: readonly (Uint8Array | ScanImage)[]; pdf?: undefined };

/** The conversion from paper (Decree 137/2024 Art. 4; Law 20/2023 Art. 12.1.c). */
export interface ConversionInfo {
  /** When the paper original was captured (shown in Vietnam time, ISO 8601). */
  convertedAt: Date;
  /** Full name of the person who converted it. */
  convertedBy: string;
  /** The converting body. */
  organisation: string;
  /** A verification reference (URL or code), carried by a QR code in the mark and printed beside it. */
  verificationRef?: string;
}

/** The statement's facts (DOMAIN.md §6.2–§6.4), as the register records them. */
export interface CertificationInfo {
  /** The certification number (số chứng thực): the sequence number in the book. */
  number: number | string;
  /** The volume (quyển số) as written on the book's cover, e.g. "01/2026". */
  book: string;
  /** The book's symbol; default "SCT/BS". */
  bookType?: string;
  /** The certification date; the statement shows its day, month and year in Vietnam time. */
  date: Date;
  /** The certifier's full name, written under the signature. */
  certifierName: string;
  /** The certifier's title, e.g. "Phó Chủ tịch Ủy ban nhân dân phường Kinh Bắc"; shown above the signature. */
  certifierTitle?: string;
  /** The certifying authority (the seal's owner). */
  authorityName: string;
}

/**
 * Where the statement goes, never over the scan: `last-page` in a band reserved at the bottom of the last page,
 * the scan scaled into the room above it; `new-page` on an added certification page; `auto` (default) the band
 * when the last page's scan keeps most of its size there (FRAME_LAYOUT.autoKeep: a card on its A4 sheet), else an
 * added page.
 */
export type StatementPlacement = 'auto' | 'last-page' | 'new-page';

/**
 * Where the conversion mark goes, never over the scan: `first-page` (default) in a band above the first page's
 * scan; `statement-page` with the statement, above it (on the added certification page, or in a band above the
 * last page's scan), so that no page of the scan is scaled for the mark.
 */
export type MarkPlacement = 'first-page' | 'statement-page';

/**
 * The page of an image: `auto` uses its resolution (given, or declared by the file) for the page size and fits it
 * to A4 when no resolution is known; `a4` always fits it to an A4 page (turned to the image's orientation).
 */
export type ImagePageSize = 'auto' | 'a4';

/** How the document is assembled (everything before the signatures). */
export interface AssembleInput {
  scan: ScanSource;
  conversion: ConversionInfo;
  certification: CertificationInfo;
  statementPlacement?: StatementPlacement;
  markPlacement?: MarkPlacement;
  imagePageSize?: ImagePageSize;
  /** Pixels the scan's PNG images may decode to in all (default SCAN_IMAGE_LIMITS.maxDecodedPixels, 100 M). */
  maxDecodedPixels?: number;
  /**
   * The original is a card (CCCD, driving licence): an image side without a known resolution is shown at the
   * ID-1 size (85.6 × 54 mm). Small originals are shown at real size on an A4 sheet either way, two image sides
   * on one sheet.
   */
  originalIsCard?: boolean;
  /** Text colour of the statement and the mark, DeviceRGB 0–1; default blue (practice, DOMAIN.md §6.4). */
  textColor?: readonly [number, number, number];
}

export interface CertifierParty {
  signer: Signer;
  /** The handwritten signature, PNG with a transparent background (Decree 30/2020 Phụ lục I) or JPEG. */
  signatureImage?: Uint8Array;
  /** /Reason of the signature; default "Chứng thực bản sao điện tử từ bản chính". */
  reason?: string;
  location?: string;
}

export interface AuthorityParty {
  signer: Signer;
  /** The authority's seal, red, PNG with a transparent background, or JPEG. */
  sealImage?: Uint8Array;
  /** The seal's real height in millimetres, as printed (default SEAL_SIZE_MM, UNCONFIRMED: DOMAIN.md §9 gives no figure). */
  sealSizeMm?: number;
  location?: string;
}

/** How the two signatures are made. */
export interface SignCopyOptions {
  certifier: CertifierParty;
  authority: AuthorityParty;
  /**
   * Default `auto`: B-LTA when a timestamper is given (both signatures timestamped, one DSS with both signers'
   * chains and OCSP/CRL, a document timestamp), else B-B with that DSS; one step lower, with a warning, when the
   * revocation data cannot be had. An explicit level is met or the copy is refused.
   */
  level?: Level | 'auto';
  timestamper?: TimestampProvider;
  /** How the DSS's validation data is gathered (policy, extra certificates, fetch). */
  ltv?: LtvSigningOptions;
  /**
   * DocMDP permission of the certifier's signature, which certifies the document: 2 (default; only further
   * signatures and form filling allowed), 3 (also annotations) or false for an approval signature.
   */
  docMdp?: 2 | 3 | false;
  /** The pre-signing certificate check for both signers; `false` skips it (tests of the mechanics only). */
  certificateCheck?: CertificateCheckPolicy | false;
  onWarning?: OnSigningWarning;
  /** Claimed signing times; default now. */
  certifierSigningTime?: Date;
  authoritySigningTime?: Date;
}

export type ElectronicCopyInput = AssembleInput & SignCopyOptions;

/** A rectangle in the page's default user space (points from the MediaBox origin). */
export interface PageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A place on a page; `page` is 1-based. */
export interface PagePlace {
  page: number;
  rect: PageRect;
}

/** The document before signing, and where everything was put. */
export interface AssembledCopy {
  /** The scan (for images: a PDF made from them) followed by one incremental update with the frames, mark and statement. */
  bytes: Uint8Array;
  /** Pages of the original as scanned (what the fee counts, DOMAIN.md §2.1). */
  originalPages: number;
  /** Pages of the e-copy: one frame per page of the original (two small sides share one), plus an added statement page. */
  pages: number;
  statementOnAddedPage: boolean;
  /** Where each page of the original is drawn (index 0 is its page 1): nothing else is drawn inside these. */
  scanAreas: PagePlace[];
  /** The mark's place: page 1, or the statement's page with `markPlacement: 'statement-page'`. */
  mark: PagePlace & { qr?: PageRect; lines: string[] };
  statement: PagePlace & { lines: string[] };
  /** The signature widgets' places, for `signElectronicCopy` or an external (two-step) signer. */
  certifierSignature: PagePlace;
  authoritySignature: PagePlace;
}

export interface SignatureFacts {
  fieldName: string;
  signingTime: Date;
  level: Level;
  page: number;
  rect: PageRect;
}

/** The signed e-copy and the facts the register records. */
export interface ElectronicCopy extends Omit<AssembledCopy, 'bytes'> {
  bytes: Uint8Array;
  /** SHA-256 of `bytes`, lowercase hex. */
  sha256: string;
  signatures: { certifier: SignatureFacts; authority: SignatureFacts };
  /** The long-term evidence in the file, as the register keeps it. */
  evidence: SigningEvidence;
}
