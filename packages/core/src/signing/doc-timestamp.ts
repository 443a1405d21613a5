/**
 * Document timestamps (PAdES B-LTA, ETSI EN 319 142-1 §5.4.3): a signature field whose /V is a /DocTimeStamp
 * dictionary with SubFilter ETSI.RFC3161, and whose /Contents is the RFC 3161 TimeStampToken over the document's
 * ByteRange digest. Appended as its own incremental update; nothing before it changes.
 */
import { createHash } from 'node:crypto';
import { PdfDocument, type ByteSource } from '@kyso/pdf';
import { digestWithUpdate } from './digest.js';
import { embedCms, type TimestampProvider } from './finish.js';
import { placeSignature } from './placeholder.js';
import { NODE_HASH, type HashAlgorithm } from './signer.js';

export interface DocTimestampOptions {
  timestamper: TimestampProvider;
  /** The imprint's hash (default SHA-256). */
  hash?: HashAlgorithm;
  /** Bytes reserved for the token; default: the TSA's token size (one probe per timestamper, cached) + 1 KB. */
  placeholderBytes?: number;
  /** The new field's name; default "Timestamp<n>". */
  fieldName?: string;
}

export interface DocTimestamped {
  /** The bytes to append to the input. */
  update: Uint8Array;
  fieldName: string;
  token: Uint8Array;
}

/** Slack over the probed token: nonce, serial number and genTime lengths vary a little between tokens. */
export const TOKEN_MARGIN = 1_024;

const probed = new WeakMap<TimestampProvider, Map<HashAlgorithm, number>>();

/**
 * How large this TSA's tokens are: one real request over a dummy imprint, remembered per timestamper (as
 * pyHanko's dummy_response does). A TSA that fails here fails the same way it would for the real request.
 */
export async function estimateTokenBytes(
  timestamper: TimestampProvider,
  hash: HashAlgorithm = 'SHA-256',
): Promise<number> {
  const known = probed.get(timestamper)?.get(hash);
  if (known !== undefined) return known;
  const imprint = new Uint8Array(createHash(NODE_HASH[hash]).update('kyso: timestamp token size probe').digest());
  const size = (await timestamper(imprint, hash)).length;
  if (!probed.has(timestamper)) probed.set(timestamper, new Map());
  probed.get(timestamper)!.set(hash, size);
  return size;
}

/** Builds the document timestamp's update over `input` (its bytes are hashed, never changed). */
export async function docTimestampUpdate(
  input: Uint8Array | ByteSource | PdfDocument,
  options: DocTimestampOptions,
): Promise<DocTimestamped> {
  const doc = input instanceof PdfDocument ? input : PdfDocument.load(input);
  const hash = options.hash ?? 'SHA-256';
  const placeholderBytes =
    options.placeholderBytes ?? (await estimateTokenBytes(options.timestamper, hash)) + TOKEN_MARGIN;
  const placed = placeSignature(doc, {
    docTimestamp: true,
    newFieldName: options.fieldName,
    signerName: '',
    placeholderBytes,
    signingTime: new Date(),
  });
  const digest = digestWithUpdate(doc.source, placed.update.bytes, placed.contentsStart, placed.contentsEnd, hash);
  const token = await options.timestamper(digest, hash);
  const update = placed.update.bytes;
  embedCms(
    update,
    { contentsStart: placed.contentsStart, contentsEnd: placed.contentsEnd, inputLength: doc.length },
    token,
  );
  return { update, fieldName: placed.fieldName, token };
}

/** Appends a document timestamp to a PDF held in memory. */
export async function timestampPdf(input: Uint8Array, options: DocTimestampOptions): Promise<Uint8Array> {
  const done = await docTimestampUpdate(input, options);
  const out = new Uint8Array(input.length + done.update.length);
  out.set(input, 0);
  out.set(done.update, input.length);
  return out;
}
