/**
 * Sending a signed PDF: the input's bytes as received, then the signature's update, streamed with backpressure,
 * as a download with its file name (Content-Disposition).
 */
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { ByteSource } from '../io/byte-source.js';

const PIECE = 1 << 20;

export async function sendSignedPdf(
  res: ServerResponse,
  input: { bytes?: Uint8Array; path?: string; size?: number; source?: ByteSource },
  update: Uint8Array,
  headers: Record<string, string>,
): Promise<void> {
  const length = (input.bytes?.length ?? input.size ?? input.source?.length ?? 0) + update.length;
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/pdf');
  if (headers['Content-Disposition'] === undefined) res.setHeader('Content-Disposition', SIGNED_PDF);
  for (const k in headers) res.setHeader(k, headers[k]!);
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

function drained(res: ServerResponse): Promise<void> {
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

/** The default download's header, made once. */
export const SIGNED_PDF = contentDisposition('signed.pdf');

/**
 * `attachment` with the file name: an ASCII fallback (anything else becomes _) and the exact name in UTF-8
 * (RFC 6266/8187), so Vietnamese names survive and no quote or control character reaches the header.
 */
export function contentDisposition(fileName: string): string {
  const base =
    fileName
      .replace(/[\\/]/g, '_')
      .replace(/[\u0000-\u001f\u007f]/g, '')
      .trim() || 'signed.pdf';
  const name = /\.pdf$/i.test(base) ? base : `${base}.pdf`;
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^A-Za-z0-9._ -]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`;
}
