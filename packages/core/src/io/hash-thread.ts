/**
 * One worker thread that hashes byte ranges of an open file: a large file's covered bytes are read and hashed
 * there while the calling thread parses the document, its CMS and certificates and asks for revocation data —
 * reading and hashing 50 MB is ~37 ms of a ~85 ms validation, and it needs nothing the rest of the work makes.
 *
 * The worker reads the caller's own file descriptor (descriptors belong to the process): the bytes it hashes are
 * the file the caller opened and parses, not whatever the path names by then. It is started when the source opens,
 * because a thread takes ~20 ms to start; it never keeps the process alive (unref) and costs ~10 MB of memory.
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { ByteRanges, DigestName } from '@kyso/pdf';

// node:worker_threads on first use only: `kyso verify` of one file never starts a thread and must not load it.
const require = createRequire(import.meta.url);

// The worker's whole program: read each range in 1 MiB pieces into one buffer, hash, answer. A short read (the
// file shrank) is an error: the caller then hashes in its own thread and sees what is there.
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buf = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', ({ id, alg, ranges }) => {
  try {
    const h = createHash(alg);
    for (const [start, length] of ranges) {
      for (let at = start, end = start + length; at < end; ) {
        const n = readSync(workerData.fd, buf, 0, Math.min(buf.length, end - at), at);
        if (n === 0) throw new Error('the file ended before the range');
        h.update(buf.subarray(0, n));
        at += n;
      }
    }
    const digest = h.digest();
    parentPort.postMessage({ id, digest });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});
`;

interface Pending {
  resolve(digest: Uint8Array): void;
  reject(e: Error): void;
}

export class HashThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failed: Error | null = null;

  constructor(fd: number) {
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new WorkerThread(PROGRAM, { eval: true, workerData: { fd } });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; digest?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (!p) return;
      if (m.digest) p.resolve(new Uint8Array(m.digest.buffer, m.digest.byteOffset, m.digest.byteLength));
      else p.reject(new Error(m.error ?? 'hash thread failed'));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', () => this.fail(new Error('hash thread stopped')));
  }

  /** From now on every digest rejects with `e`, those awaited included. */
  private fail(e: Error): void {
    this.failed = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /**
   * The digest of the ranges, in order, by the algorithm's WebCrypto name (as @kyso/verify asks); rejects when the
   * thread cannot give it (the caller hashes itself then).
   */
  digest(algorithm: DigestName, ranges: ByteRanges): Promise<Uint8Array> {
    if (this.failed) return Promise.reject(this.failed);
    const alg = algorithm.replace('-', '').toLowerCase(); // Node's name: SHA-256 → sha256
    const id = this.nextId++;
    // held while an answer is awaited: a caller awaiting only this promise must not see the process exit under it
    this.worker.ref();
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, alg, ranges });
    });
  }

  /** Stops the thread; what it still had to answer is rejected. */
  stop(): void {
    this.fail(this.failed ?? new Error('hash thread stopped'));
    void this.worker.terminate();
  }
}
