/**
 * @kyso/pdf — bytes-level PDF for kyso: a revision-aware reader (classic xref tables, xref streams, object
 * streams, hybrid files, incremental updates, recovery of damaged files) and an append-only incremental writer.
 * Browser-safe: Uint8Array only, no Node built-ins.
 */
export { KysoError, PdfError, PDF_MESSAGES, type PdfErrorCode } from './errors.js';
export {
  PdfName,
  PdfRef,
  PdfString,
  PdfDict,
  PdfStream,
  PdfPlaceholder,
  isDict,
  isStream,
  isName,
  isRef,
  isNumber,
  isInt,
  type PdfObject,
  type PdfArray,
  type Span,
  type StreamData,
} from './objects.js';
export {
  BytesSource,
  toSource,
  chunksOf,
  indexOf,
  lastIndexOf,
  ascii,
  latin1,
  type ByteSource,
  type ByteRanges,
  DIGEST_NAMES,
  isDigestName,
  type DigestName,
} from './byte-source.js';
export {
  PdfDocument,
  type Revision,
  type RevisionKind,
  type PdfWarning,
  type EncryptionInfo,
  type TrailingBytes,
  type UnreferencedObject,
  type PageRef,
  type LoadOptions,
} from './document.js';
export type { XrefEntry, XrefSection } from './xref.js';
export { HeaderReader, type HeaderMismatch, type ObjectHeader } from './object-headers.js';
export type { HiddenMark } from './hidden-marks.js';
export { IncrementalWriter, type IncrementalUpdate, type BuildOptions, type XrefStyle } from './incremental-writer.js';
export { ByteWriter, ObjectSerializer, formatNumber, formatName } from './serializer.js';
export { decodeStream, deflate, inflate, DecodeBudget } from './filters.js';
export { encodeText, decodeText, textString, stringText } from './text.js';
export { LIMITS } from './parser.js';
export { randomBytes } from './random.js';
