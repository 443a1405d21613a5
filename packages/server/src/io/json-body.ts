/** Reading a small JSON request body with a size limit (413), a media-type check (415) and a parse check (400). */
import type { IncomingMessage } from 'node:http';
import { ServiceError } from '../errors.js';
import { discardBody, requireMediaType } from './request-body.js';

export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  requireMediaType(req, 'application/json');
  const declared = Number(req.headers['content-length']);
  const tooLarge = (): ServiceError =>
    new ServiceError('SERVICE_BODY_TOO_LARGE', { maxBytes }, `JSON bodies are at most ${maxBytes} bytes`);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discardBody(req);
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > maxBytes) {
        done = true;
        req.off('data', onData);
        discardBody(req);
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('error', (e) => {
      if (!done) reject(e);
      done = true;
    });
    // Closed before the end (a timeout answered it, the client went away): settle, so nothing waits forever.
    req.on('close', () => {
      if (done || req.complete) return;
      done = true;
      reject(new ServiceError('SERVICE_BAD_REQUEST', {}, 'the request was aborted'));
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new ServiceError('SERVICE_BAD_REQUEST', {}, 'the body is not valid JSON'));
      }
    });
  });
}
