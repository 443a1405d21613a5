/**
 * Random access to a PDF's bytes. The reader parses through this so that a large file on disk can be read in
 * windows without loading it whole (a Node implementation lives in @kyso/core); in the browser it is a Uint8Array.
 */
export interface ByteSource {
  readonly length: number;
  /** Bytes [start, end), clamped to the source. May return a view; callers must not mutate it. */
  read(start: number, end: number): Uint8Array;
  /**
   * Optional: bytes [start, end) as consecutive pieces, each a transient view valid only until the next one is
   * produced. A file-backed source reuses one buffer here, so hashing a large file allocates nothing per piece.
   */
  chunks?(start: number, end: number): Iterable<Uint8Array>;
  /**
   * Optional: the digest of the ranges ([start, length], in bounds, in order) computed by the source itself — a
   * file source can hash in a thread of its own while the caller does other work. Undefined when the source does
   * not offer it for this algorithm; a rejection means it could not, and the caller hashes the pieces itself.
   */
  digestRanges?(algorithm: DigestName, ranges: ByteRanges): Promise<Uint8Array> | undefined;
}

/** Ranges of a source as [start, length] pairs, in order (a signature's ByteRange, checked to be in bounds). */
export type ByteRanges = ReadonlyArray<readonly [number, number]>;

/** The digest algorithms a ByteSource may hash for its reader (WebCrypto names; see ByteSource.digestRanges). */
export const DIGEST_NAMES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const;
export type DigestName = (typeof DIGEST_NAMES)[number];

export function isDigestName(name: string): name is DigestName {
  return (DIGEST_NAMES as readonly string[]).includes(name);
}

const CHUNK = 1 << 20;

/** Bytes [start, end) of `source` as consecutive pieces (transient views: use each before asking for the next). */
export function* chunksOf(source: ByteSource, start: number, end: number): Iterable<Uint8Array> {
  start = Math.max(0, start);
  end = Math.min(source.length, end);
  if (source.chunks) {
    yield* source.chunks(start, end);
    return;
  }
  for (let at = start; at < end; at += CHUNK) yield source.read(at, Math.min(end, at + CHUNK));
}

export class BytesSource implements ByteSource {
  constructor(readonly bytes: Uint8Array) {}
  get length(): number {
    return this.bytes.length;
  }
  read(start: number, end: number): Uint8Array {
    return this.bytes.subarray(Math.max(0, start), Math.min(this.bytes.length, end));
  }
}

export function toSource(input: Uint8Array | ByteSource): ByteSource {
  return input instanceof Uint8Array ? new BytesSource(input) : input;
}

/** Finds `needle` at or after `from` (absolute), reading in chunks; -1 when absent before `limit`. */
export function indexOf(source: ByteSource, needle: Uint8Array, from: number, limit = source.length): number {
  const chunk = 1 << 16;
  let pos = Math.max(0, from);
  while (pos < limit) {
    const end = Math.min(limit, pos + chunk + needle.length - 1);
    const buf = source.read(pos, end);
    const i = indexOfBytes(buf, needle, 0);
    if (i >= 0) return pos + i;
    if (end >= limit) break;
    pos += chunk;
  }
  return -1;
}

/** Finds the last `needle` that starts before `before` and at or after `floor`; -1 when absent. */
export function lastIndexOf(source: ByteSource, needle: Uint8Array, before: number, floor = 0): number {
  const chunk = 1 << 16;
  let end = Math.min(source.length, before + needle.length - 1);
  while (end > floor) {
    const start = Math.max(floor, end - chunk - needle.length + 1);
    const buf = source.read(start, end);
    const i = lastIndexOfBytes(buf, needle);
    if (i >= 0 && start + i < before) return start + i;
    if (start <= floor) break;
    end = start + needle.length - 1;
  }
  return -1;
}

// Candidates come from the native Uint8Array indexOf (a memchr-speed scan for the first byte), so scanning a
// 50 MB file for "obj" costs the native pass plus a few comparisons per candidate.
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const n = needle.length;
  const first = needle[0] ?? -1; // no byte is -1: an empty needle matches nowhere
  const last = hay.length - n;
  outer: for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export function lastIndexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const n = needle.length;
  const first = needle[0] ?? -1;
  const start = hay.length - n;
  if (start < 0) return -1;
  outer: for (let i = hay.lastIndexOf(first, start); i !== -1; i = i > 0 ? hay.lastIndexOf(first, i - 1) : -1) {
    for (let j = 1; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export const ascii = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
};

// Most calls are a token or an xref line: `apply` takes the typed array as it is, where spreading it walks an
// iterator (3–5 times slower on short runs); a few-byte token is quicker still one character at a time.
export const latin1 = (b: Uint8Array): string => {
  if (b.length <= 4) {
    let s = '';
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  let s = '';
  for (let i = 0; i < b.length; i += 0x2000)
    s += String.fromCharCode.apply(null, b.subarray(i, i + 0x2000) as unknown as number[]);
  return s;
};
