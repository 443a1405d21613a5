/** What to produce: the signature's placement, metadata and permissions (no key material here). */
import type { IncrementalWriter, PdfRef } from '@kyso/pdf';
import type { OnSigningWarning } from './warnings.js';

/**
 * Builds a widget appearance (a Form XObject) of the given size into the update; returns its reference. `warn`
 * hears what a reader of the box should know (its text too small to read).
 */
export type AppearanceBuilder = (
  w: IncrementalWriter,
  size: { width: number; height: number },
  warn?: OnSigningWarning,
) => PdfRef;

export interface VisibleSignature {
  /** 1-based page number. */
  page: number;
  /** [x, y, width, height] in PDF points from the page's lower-left corner. */
  rect: [number, number, number, number];
}

export type Level = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

export interface SignatureOptions {
  /** Decoded bytes the input's streams may produce in all (@kyso/pdf LoadOptions; default 512 MiB); beyond: PDF_LIMIT. */
  maxDecodedBytes?: number;
  /** An existing empty signature field to sign (by its fully qualified name); absent → SIGN_FIELD_NOT_FOUND. */
  fieldName?: string;
  /** The name of the new field when no existing one is signed. Default: "Signature<n>". */
  newFieldName?: string;
  /** Place a new field visibly; omit for an invisible signature (or to sign an existing field where it is). */
  visible?: VisibleSignature;
  /**
   * Draws the visible appearance. Default for a new visible field: the standard text block (signer, organisation,
   * reason, place, and the signature's own claimed time); an existing field signed without one keeps an empty one.
   */
  appearance?: AppearanceBuilder;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** /Name in the signature dictionary; default: the certificate's common name. */
  signerName?: string;
  /** The claimed signing time (/M). Default: now. */
  signingTime?: Date;
  /** Make this a certification signature with DocMDP permission P (1 no changes, 2 form filling and signing, 3 also annotations). */
  certify?: 1 | 2 | 3;
  /** FieldMDP: lock fields when this signature is applied. */
  lock?: { action: 'All' } | { action: 'Include' | 'Exclude'; fields: string[] };
  /** Bytes reserved for the CMS; default: estimated from the chain, key size and timestamp. */
  placeholderBytes?: number;
  /** Hears each warning as it happens (the appearance's, the certificate check's, the LTV data's). */
  onWarning?: OnSigningWarning;
  /** Reserve room for an RFC 3161 signature timestamp (B-T and above). */
  timestamp?: boolean;
  /** SubFilter: PAdES (default) or the legacy PKCS#7 detached. */
  subFilter?: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
}
