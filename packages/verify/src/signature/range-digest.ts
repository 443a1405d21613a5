/**
 * The digest of a signature's covered bytes (its ByteRange) without gluing the ranges together where the
 * platform hashes in pieces: Node's own hash when the runtime offers it (platform/node-crypto.ts), the
 * JavaScript hashes of @noble/hashes for the algorithms WebCrypto lacks. The file is read in windows, so a file
 * on disk (a ByteSource) is hashed without being held in memory. WebCrypto's digest is one-shot, so in the
 * browser the ranges are copied into one buffer first.
 */
import { sha224, sha512_256 } from '@noble/hashes/sha2';
import { sha3_256, sha3_384, sha3_512, shake256 } from '@noble/hashes/sha3';
import { chunksOf, toSource, type ByteSource } from '@kyso/pdf';
import type { HashName } from './cms.js';
import { nodeCrypto } from '../platform/node-crypto.js';

/** Ranges as [start, length], in bounds of the file (checkByteRange made sure). */
export type Ranges = ReadonlyArray<readonly [number, number]>;

interface Hasher {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

const NOBLE: Partial<Record<HashName, () => Hasher>> = {
  'SHA-224': () => sha224.create(),
  'SHA-512/256': () => sha512_256.create(),
  'SHA3-256': () => sha3_256.create(),
  'SHA3-384': () => sha3_384.create(),
  'SHA3-512': () => sha3_512.create(),
  SHAKE256: () => shake256.create({ dkLen: 64 }),
};

const NODE_NAMES: Partial<Record<HashName, string>> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** Hashes the ranges in pieces: Node's hash or a JavaScript one; undefined when neither has the algorithm. */
function pieceHasher(alg: HashName): Hasher | undefined {
  const noble = NOBLE[alg];
  if (noble) return noble();
  const name = NODE_NAMES[alg];
  const node = name ? nodeCrypto() : null;
  if (!node || !name) return undefined;
  const h = node.createHash(name);
  return { update: (d) => h.update(d), digest: () => new Uint8Array(h.digest()) };
}

/** The covered bytes as one buffer: a view of bytes in memory when there is one range, else a copy. */
export function coveredBytes(input: Uint8Array | ByteSource, ranges: Ranges): Uint8Array {
  const source = toSource(input);
  const [only] = ranges;
  if (only && ranges.length === 1) return source.read(only[0], only[0] + only[1]);
  const out = new Uint8Array(ranges.reduce((n, [, l]) => n + l, 0));
  let at = 0;
  for (const [s, l] of ranges) {
    out.set(source.read(s, s + l), at);
    at += l;
  }
  return out;
}

/** The digest of one buffer. */
export async function digest(alg: HashName, data: Uint8Array): Promise<Uint8Array> {
  return digestRanges(alg, data, [[0, data.length]]);
}

/** The digest of the ranges of the file, in order. */
export async function digestRanges(alg: HashName, input: Uint8Array | ByteSource, ranges: Ranges): Promise<Uint8Array> {
  const hasher = pieceHasher(alg);
  if (hasher) {
    if (input instanceof Uint8Array) for (const [s, l] of ranges) hasher.update(input.subarray(s, s + l));
    else for (const [s, l] of ranges) for (const piece of chunksOf(input, s, s + l)) hasher.update(piece);
    return hasher.digest();
  }
  const data = coveredBytes(input, ranges);
  return new Uint8Array(await globalThis.crypto.subtle.digest(alg, data as Uint8Array<ArrayBuffer>));
}
