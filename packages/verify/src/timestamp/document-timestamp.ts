/**
 * Document timestamps (PAdES B-LTA, ISO 32000-2 §12.8.5): a /Type /DocTimeStamp signature with SubFilter
 * ETSI.RFC3161 whose /Contents is a TimeStampToken with the imprint over the ByteRange bytes. The ByteRange and
 * coverage facts come from the signature module's checkIntegrity; the token facts from checkTimestampToken.
 */
import type { ByteSource, PdfDocument } from '@kyso/pdf';
import { coveredBytes } from '../signature/range-digest.js';
import type { FoundSignature } from '../signature/find-signatures.js';
import { checkIntegrity, type IntegrityFacts } from '../signature/integrity.js';
import { checkTimestampToken, type TimestampCheck } from './check.js';

export interface DocumentTimestampFacts {
  integrity: IntegrityFacts;
  timestamp: TimestampCheck;
  /** What is wrong with the signature dictionary for a document timestamp. */
  problems: ('DOCTS_SUBFILTER' | 'DOCTS_TYPE')[];
}

export interface DocumentTimestampOptions {
  /** The loaded document (for revision bounds). */
  doc?: PdfDocument;
  /** Certificates to find the TSA's in when the token does not carry it. */
  certificates?: Uint8Array[];
}

/** Facts of one document timestamp. Never throws for hostile data. */
export async function checkDocumentTimestamp(
  pdf: Uint8Array | ByteSource,
  signature: FoundSignature,
  options: DocumentTimestampOptions = {},
): Promise<DocumentTimestampFacts> {
  const integrity = await checkIntegrity(pdf, signature, { doc: options.doc });
  const contents = signature.contents ?? new Uint8Array(0);
  let timestamp: TimestampCheck;
  if (integrity.computedDigest && integrity.digestAlgorithm) {
    // The integrity check already hashed the covered bytes with the token's imprint algorithm: no second pass.
    const digest = { hash: integrity.digestAlgorithm, value: integrity.computedDigest };
    timestamp = await checkTimestampToken(contents, { digest, certificates: options.certificates });
  } else {
    const ranges = integrity.byteRange.ranges;
    timestamp = await checkTimestampToken(contents, {
      data: ranges ? coveredBytes(pdf, ranges) : undefined,
      certificates: options.certificates,
    });
  }
  const problems: DocumentTimestampFacts['problems'] = [];
  if (signature.subFilter !== 'ETSI.RFC3161') problems.push('DOCTS_SUBFILTER');
  if (signature.type !== 'DocTimeStamp') problems.push('DOCTS_TYPE');
  return { integrity, timestamp, problems };
}
