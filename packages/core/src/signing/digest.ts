/**
 * The document digest over the ByteRange: the original file (streamed from its source) and the update around the
 * /Contents gap. Never copies the original into memory.
 */
import { createHash } from 'node:crypto';
import { chunksOf, type ByteSource } from '@kyso/pdf';
import { NODE_HASH, type HashAlgorithm } from './signer.js';

/** Hashes `source` bytes [0, length) then `update` minus the gap [gapStart, gapEnd) (offsets absolute). */
export function digestWithUpdate(
  source: ByteSource,
  update: Uint8Array,
  gapStart: number,
  gapEnd: number,
  hash: HashAlgorithm,
): Uint8Array {
  const h = createHash(NODE_HASH[hash]);
  const base = source.length;
  if (gapStart < base) throw new Error('the signature gap must lie in the update');
  for (const piece of chunksOf(source, 0, base)) h.update(piece);
  h.update(update.subarray(0, gapStart - base));
  h.update(update.subarray(gapEnd - base));
  return new Uint8Array(h.digest());
}
