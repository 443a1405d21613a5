/**
 * A ByteSource over a file on disk, read in windows with positional reads, so a PDF of any size can be parsed
 * (and later hashed) without holding it in memory. With `hashThread`, a large file's ranges are hashed in a
 * worker thread of its own (io/hash-thread.ts) while the caller does the rest of its work.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isDigestName, type ByteRanges, type ByteSource, type DigestName } from '@kyso/pdf';
import { HashThread } from './hash-thread.js';

export interface FileSourceOptions {
  /**
   * Hash ranges of a file of at least this many bytes in a thread of its own, started when the file is opened
   * (`true`: from 16 MiB). Off by default: a thread costs ~20 ms to start and ~10 MB of memory, which pays only
   * when the hash is long and a core is free (not inside a pool of workers that already fills the cores).
   */
  hashThread?: boolean | { fromBytes: number };
}

const HASH_THREAD_FROM = 16 << 20;

export class FileSource implements ByteSource {
  readonly length: number;
  private fd: number | null;
  private cacheStart = 0;
  private cache: Uint8Array = new Uint8Array(0);
  private hashThread: HashThread | null = null;
  /** Digests asked of the thread, by algorithm and ranges: a caller may ask ahead and again when it needs them. */
  private readonly digests = new Map<string, Promise<Uint8Array>>();
  private static readonly WINDOW = 1 << 16;
  private static readonly CHUNK = 1 << 20;

  constructor(
    readonly path: string,
    options: FileSourceOptions = {},
  ) {
    this.fd = openSync(path, 'r');
    this.length = fstatSync(this.fd).size;
    const from =
      options.hashThread === true ? HASH_THREAD_FROM : options.hashThread ? options.hashThread.fromBytes : -1;
    if (from >= 0 && this.length >= from) this.hashThread = new HashThread(this.fd);
  }

  /**
   * The digest of the ranges computed in the hash thread, or undefined when this source has none (the caller
   * hashes the pieces itself). A rejected promise means the thread could not: the caller hashes itself then.
   */
  digestRanges(algorithm: DigestName, ranges: ByteRanges): Promise<Uint8Array> | undefined {
    if (!this.hashThread || !isDigestName(algorithm)) return undefined; // none once closed
    const key = `${algorithm} ${ranges.map(([s, l]) => `${s}+${l}`).join(' ')}`;
    let d = this.digests.get(key);
    if (!d) {
      d = this.hashThread.digest(algorithm, ranges);
      d.catch(() => {}); // asked ahead, maybe never awaited: not an unhandled rejection
      this.digests.set(key, d);
    }
    return d;
  }

  read(start: number, end: number): Uint8Array {
    if (this.fd === null) throw new Error('FileSource is closed');
    start = Math.max(0, start);
    end = Math.min(this.length, end);
    if (end <= start) return new Uint8Array(0);
    if (start >= this.cacheStart && end <= this.cacheStart + this.cache.length) {
      return this.cache.subarray(start - this.cacheStart, end - this.cacheStart);
    }
    const len = end - start;
    if (len > FileSource.WINDOW) return this.readExact(start, len);
    // Cache one window around small reads: the parser reads many small pieces close together.
    const wStart = start;
    const wLen = Math.min(FileSource.WINDOW, this.length - wStart);
    this.cache = this.readExact(wStart, wLen);
    this.cacheStart = wStart;
    return this.cache.subarray(0, len);
  }

  /** Consecutive pieces read into one reused buffer: each is valid only until the next is produced. */
  *chunks(start: number, end: number): Iterable<Uint8Array> {
    if (this.fd === null) throw new Error('FileSource is closed');
    start = Math.max(0, start);
    end = Math.min(this.length, end);
    const buf = new Uint8Array(Math.min(FileSource.CHUNK, Math.max(0, end - start)));
    for (let at = start; at < end; ) {
      const n = readSync(this.fd, buf, 0, Math.min(buf.length, end - at), at);
      if (n === 0) return;
      yield buf.subarray(0, n);
      at += n;
    }
  }

  private readExact(start: number, len: number): Uint8Array {
    const buf = new Uint8Array(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd!, buf, got, len - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return got === len ? buf : buf.subarray(0, got);
  }

  close(): void {
    // Stopped first; a read the thread is in the middle of ends on a closed (or reused) descriptor and its answer is
    // dropped with the thread.
    this.hashThread?.stop();
    this.hashThread = null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
