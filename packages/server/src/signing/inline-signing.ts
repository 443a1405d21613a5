/**
 * Small, plain documents signed on the request thread. For a one-page PDF the PDF work of a signature (parse the
 * trailer, catalog and page, place the field, hash, build the CMS) is about a quarter of a millisecond, less than
 * what handing it to a signing worker costs (the job and its result cloned across threads, the signature's call
 * back here and its answer, each a thread woken up): under a signing load on two cores the worker round trip cost
 * more CPU per request than the PDF work it moved.
 *
 * The request thread must never do heavy work, so a document is signed here only when its work is small by
 * construction, and otherwise goes to the workers as before:
 * - the body is in memory and at most `signing.inlineMaxBytes` (64 KiB by default; 0 turns this off);
 * - B-B (no TSA, no LTV fetches) and invisible (no appearance, fonts or images to lay out);
 * - it loads strictly (a damaged file is never scanned here: recovery is the expensive path, and signing refuses
 *   a recovered file anyway), within a decoded-bytes budget of 1 MiB, with at most 128 entries in all its
 *   cross-reference data (bounds the page tree and the fields prepare walks: a few milliseconds at worst).
 * Anything this path refuses or fails to prepare goes to a worker, which gives the answer the service always gave;
 * once the document is prepared here, the signature and its finish are the same steps the worker would run.
 */
import {
  PdfDocument,
  prepareSignature,
  preparedCms,
  writeContents,
  type PreparedSignature,
  type PrepareOptions,
  type Signer,
  type SignerIdentity,
  type SigningWarning,
} from '@kyso/core';

/** Decoded bytes a document signed here may produce (its xref and object streams). */
const DECODED_BYTES = 1 << 20;
/** Entries a document signed here may have in all its cross-reference sections (object 0 included). */
const MAX_OBJECTS = 128;

export interface InlineRequest {
  bytes: Uint8Array;
  identity: SignerIdentity;
  signer: Signer;
  options: PrepareOptions;
  /** The configured per-document budget (`resources.maxDecodedBytes`), when smaller than this path's. */
  maxDecodedBytes?: number;
}

export type InlineOutcome =
  | { signed: true; update: Uint8Array; fieldName: string; warnings: SigningWarning[] }
  /** Not for this path (too large, visible, an LTV level, damaged, too many objects, or it failed to prepare). */
  | { signed: false };

/** Whether the request's shape allows the request thread at all (before anything is parsed). */
export function inlineCandidate(size: number, maxBytes: number, options: PrepareOptions): boolean {
  return (
    size <= maxBytes &&
    options.level === 'B-B' &&
    options.visible === undefined &&
    options.appearance === undefined &&
    // Signing an existing field draws its appearance in the worker.
    options.fieldName === undefined
  );
}

/** Signs on this thread when the document proves small and plain; `{ signed: false }` sends it to a worker. */
export async function signInline(r: InlineRequest): Promise<InlineOutcome> {
  const warnings: SigningWarning[] = [];
  let prepared: PreparedSignature;
  try {
    const doc = PdfDocument.load(r.bytes, {
      strict: true,
      maxDecodedBytes: Math.min(DECODED_BYTES, r.maxDecodedBytes ?? DECODED_BYTES),
    });
    let objects = 0;
    for (const revision of doc.revisions) objects += revision.entries.size;
    if (objects > MAX_OBJECTS) return { signed: false };
    prepared = prepareSignature(doc, r.identity, { ...r.options, onWarning: (w) => void warnings.push(w) });
  } catch {
    // The worker's answer is the service's answer for anything refused here (its budget and recovery included).
    return { signed: false };
  }
  // From here on, one signature, never retried elsewhere; the CMS is built as signPdf builds it (from the prepared
  // parts, without the two-step flow's JSON state) and written into the update's placeholder.
  const signatureValue = await r.signer.sign(prepared.signedAttributes);
  const cms = await preparedCms(prepared, r.identity, signatureValue);
  const update = prepared.update;
  writeContents(
    update,
    prepared.contentsStart - prepared.inputLength,
    prepared.contentsEnd - prepared.contentsStart,
    cms,
  );
  return { signed: true, update, fieldName: prepared.fieldName, warnings };
}
