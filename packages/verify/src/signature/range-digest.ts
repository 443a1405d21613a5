/**
 * The digest of a signature's covered bytes (its ByteRange) without gluing the ranges together where the
 * platform hashes in pieces: Node's own hash when the runtime offers it (platform/node-crypto.ts), the
 * JavaScript hashes of @noble/hashes for the algorithms WebCrypto lacks. The file is read in windows, so a file
 * on disk (a ByteSource) is hashed without being held in memory. WebCrypto's digest is one-shot, so in the
 * browser the ranges are copied into one buffer first.
 */
import { sha224, sha512_256 } from '@noble/hashes/sha2';
import { sha3_256, sha3_384, sha3_512, shake256 } from '@noble/hashes/sha3';
import { chunksOf, isDigestName, toSource, type ByteRanges, type ByteSource } from '@kyso/pdf';
import type { HashName } from './cms.js';
import { nodeCrypto } from '../platform/node-crypto.js';

/** Ranges as [start, length], in bounds of the file (checkByteRange made sure). */
export type Ranges = ByteRanges;

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

/** Whether the input is a source that may hash ranges by itself (ByteSource.digestRanges). */
export function hashesItself(input: Uint8Array | ByteSource): boolean {
  return !(input instanceof Uint8Array) && input.digestRanges !== undefined;
}

/** The digest the source computes itself (a file hashed in a thread of its own: ByteSource.digestRanges), if any. */
function sourceDigest(alg: HashName, input: Uint8Array | ByteSource, ranges: Ranges): Promise<Uint8Array> | undefined {
  if (input instanceof Uint8Array || !input.digestRanges || !isDigestName(alg)) return undefined;
  return input.digestRanges(alg, ranges);
}

/**
 * Asks a source that hashes by itself (ByteSource.digestRanges) for a digest it will be asked again later, so its
 * thread starts on it now; nothing for any other input.
 */
export function askAhead(alg: HashName, input: Uint8Array | ByteSource, ranges: Ranges): void {
  void sourceDigest(alg, input, ranges)?.catch(() => {});
}

/** The digest of one buffer. */
export async function digest(alg: HashName, data: Uint8Array): Promise<Uint8Array> {
  return digestRanges(alg, data, [[0, data.length]]);
}

/** Covered bytes in memory up to this are hashed in one go (a few ms of SHA-256): most files never wait a turn. */
const AT_ONCE = 4 << 20;

type Immediate = (callback: () => void) => unknown;
const setImmediateFn = (globalThis as { setImmediate?: Immediate }).setImmediate;

/**
 * Lets the event loop run (I/O callbacks: a validation's OCSP and CRL answers) between pieces of a long hash;
 * where there is no setImmediate (browsers, whose SHA-2 is WebCrypto's and never comes here) it does nothing.
 */
const nextTurn = (): Promise<void> | undefined =>
  setImmediateFn ? new Promise<void>((resolve) => setImmediateFn(resolve)) : undefined;

/**
 * The pieces of the ranges (1 MiB, chunksOf), in order, with a turn of the event loop between two. A file's pieces
 * come from blocking reads all the same: reading in libuv's pool while hashing the previous piece was slower on the
 * 2-core bench machine (35.6-38.7 ms against 33-34 ms for 50 MB, hashing included).
 */
async function* piecesOf(input: Uint8Array | ByteSource, ranges: Ranges): AsyncIterable<Uint8Array> {
  const source = toSource(input);
  let started = false;
  for (const [s, l] of ranges)
    for (const piece of chunksOf(source, s, s + l)) {
      if (started) await nextTurn();
      started = true;
      yield piece;
    }
}

/**
 * The digest of the ranges of the file, in order. A long hash gives the event loop a turn between pieces, so a
 * validation can hash one signature's bytes while its revocation requests are on the wire.
 */
export async function digestRanges(alg: HashName, input: Uint8Array | ByteSource, ranges: Ranges): Promise<Uint8Array> {
  const own = sourceDigest(alg, input, ranges);
  if (own) {
    try {
      return await own;
    } catch {
      /* the source could not: hashed here */
    }
  }
  const hasher = pieceHasher(alg);
  if (hasher) {
    // a small file in memory (most of them) is hashed at once
    if (input instanceof Uint8Array && ranges.reduce((n, [, l]) => n + l, 0) <= AT_ONCE)
      for (const [s, l] of ranges) hasher.update(input.subarray(s, s + l));
    else for await (const piece of piecesOf(input, ranges)) hasher.update(piece);
    return hasher.digest();
  }
  const data = coveredBytes(input, ranges);
  return new Uint8Array(await globalThis.crypto.subtle.digest(alg, data as Uint8Array<ArrayBuffer>));
}
