/** Sending a signed PDF: the input's bytes as received, then the signature's update, streamed with backpressure. */
import { createReadStream } from 'node:fs';
import type { Response } from 'express';
import type { ByteSource } from '../io/byte-source.js';

const PIECE = 1 << 20;

export async function sendSignedPdf(res: Response, input: { bytes?: Uint8Array; path?: string; size?: number; source?: ByteSource }, update: Uint8Array, headers: Record<string, string>): Promise<void> {
  const length = (input.bytes?.length ?? input.size ?? input.source?.length ?? 0) + update.length;
  res.status(200);
  res.setHeader('Content-Type', 'application/pdf');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Length', String(length));
  if (input.bytes) {
    res.write(input.bytes);
    res.end(update);
    return;
  }
  if (input.path) {
    for await (const chunk of createReadStream(input.path)) {
      if (!res.write(chunk)) await drained(res);
    }
    res.end(update);
    return;
  }
  const src = input.source!;
  for (let at = 0; at < src.length; at += PIECE) {
    if (!res.write(src.read(at, Math.min(src.length, at + PIECE)))) await drained(res);
    if (res.destroyed) return;
  }
  res.end(update);
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
