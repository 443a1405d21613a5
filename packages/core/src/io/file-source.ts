/**
 * A ByteSource over a file on disk, read in windows with positional reads, so a PDF of any size can be parsed
 * (and later hashed) without holding it in memory.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '@kyso/pdf';

export class FileSource implements ByteSource {
  readonly length: number;
  private fd: number | null;
  private cacheStart = 0;
  private cache: Uint8Array = new Uint8Array(0);
  private static readonly WINDOW = 1 << 16;
  private static readonly CHUNK = 1 << 20;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    this.length = fstatSync(this.fd).size;
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
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
