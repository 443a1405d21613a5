/**
 * Reading a PDF request body: kept in memory up to a threshold, streamed to a temporary file beyond it, refused
 * (413) past the size limit without buffering the rest. The body is only ever handed on as a ByteSource.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { FileSource, makeDirs } from '@kyso/core';
import { ServiceError } from '../errors.js';
import type { ByteSource } from './byte-source.js';

export interface BodyLimits {
  maxBytes: number;
  memoryBytes: number;
  /** Where large bodies are spooled. */
  tmpDir: string;
}

/** A received PDF: in memory or in a temporary file that `dispose()` removes. */
export interface PdfBody {
  size: number;
  /** The bytes, for a body kept in memory. */
  bytes?: Uint8Array;
  /** The temporary file, for a spooled body. */
  path?: string;
  /** The body as @kyso/core takes documents: the bytes, or a reader over the file (closed by dispose). */
  input(): Uint8Array | ByteSource;
  dispose(): void;
}

/** The media type of a request without parameters, lower-cased ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(); // split gives at least one part
}

export function requireMediaType(req: IncomingMessage, expected: string): void {
  if (mediaType(req) !== expected) {
    throw new ServiceError('SERVICE_UNSUPPORTED_MEDIA_TYPE', { expected }, `send the body as ${expected}`);
  }
}

/** How much of a refused body is read and thrown away so the client sees the 413 (beyond it, the socket closes). */
const DISCARD_LIMIT = 16 * 1024 * 1024;

function tooLarge(maxBytes: number): ServiceError {
  return new ServiceError('SERVICE_BODY_TOO_LARGE', { maxBytes }, `at most ${maxBytes} bytes`);
}

/**
 * Discards the rest of a refused body: a client that is still sending only reads our answer if we keep reading
 * (closing the socket under it resets the connection and loses the 413).
 */
export function discardBody(req: IncomingMessage): void {
  let seen = 0;
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > DISCARD_LIMIT) req.socket.destroy();
  });
  req.on('error', () => {});
  req.resume();
}

export function readPdfBody(req: IncomingMessage, limits: BodyLimits): Promise<PdfBody> {
  requireMediaType(req, 'application/pdf');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    discardBody(req);
    return Promise.reject(tooLarge(limits.maxBytes));
  }
  return new Promise<PdfBody>((resolve, reject) => {
    let size = 0;
    let chunks: Buffer[] = [];
    let file: FileHandle | null = null;
    let path: string | null = null;
    let writing: Promise<unknown> = Promise.resolve();
    let failed = false;

    const cleanup = (): void => {
      const f = file;
      file = null;
      void f?.close().catch(() => {});
      if (path) rmSync(path, { force: true });
    };
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      req.off('data', onData);
      req.off('end', onEnd);
      discardBody(req);
      void writing.finally(cleanup);
      reject(e);
    };
    const onData = (chunk: Buffer): void => {
      if (failed) return;
      size += chunk.length;
      if (size > limits.maxBytes) return fail(tooLarge(limits.maxBytes));
      if (!file && size <= limits.memoryBytes) {
        chunks.push(chunk);
        return;
      }
      // Past the memory threshold: spool to a file, pausing the socket while the disk catches up.
      req.pause();
      const pending = chunks.length ? Buffer.concat([...chunks, chunk]) : chunk;
      chunks = [];
      writing = writing
        .then(async () => {
          if (!file) {
            makeDirs(limits.tmpDir);
            path = join(limits.tmpDir, `body-${randomBytes(9).toString('base64url')}.pdf`);
            file = await open(path, 'wx', 0o600);
          }
          await file.write(pending);
          if (!failed) req.resume();
        })
        .catch(fail);
    };
    const onEnd = (): void => {
      if (failed) return;
      writing
        .then(async () => {
          if (failed) return;
          if (file) {
            await file.close();
            file = null;
            resolve(fileBody(path!, size));
          } else {
            resolve(memoryBody(Buffer.concat(chunks)));
          }
        })
        .catch(fail);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', (e) => fail(e));
    req.on('aborted', () => fail(new ServiceError('SERVICE_BAD_REQUEST', {}, 'the request was aborted')));
    // Closed before the end (a timeout answered it, the client went away): settle, so nothing waits forever.
    req.on('close', () => {
      if (!req.complete) fail(new ServiceError('SERVICE_BAD_REQUEST', {}, 'the request was aborted'));
    });
  });
}

const SPOOLED = /^body-[A-Za-z0-9_-]+\.pdf$/;

/**
 * Removes the bodies spooled under `tmpDir` (at start: a process that crashed left them, nobody else will). Only
 * files named as `readPdfBody` names them are touched. Returns how many went.
 */
export function removeSpooledBodies(tmpDir: string): number {
  let names: string[];
  try {
    names = readdirSync(tmpDir);
  } catch {
    return 0; // no directory yet
  }
  let n = 0;
  for (const name of names) {
    if (!SPOOLED.test(name)) continue;
    rmSync(join(tmpDir, name), { force: true });
    n++;
  }
  return n;
}

function memoryBody(buf: Buffer): PdfBody {
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  return { size: bytes.length, bytes, input: () => bytes, dispose: () => {} };
}

function fileBody(path: string, size: number): PdfBody {
  const open: FileSource[] = [];
  return {
    size,
    path,
    input: () => {
      const s = new FileSource(path);
      open.push(s);
      return s;
    },
    dispose: () => {
      for (const s of open.splice(0)) s.close();
      rmSync(path, { force: true });
    },
  };
}
