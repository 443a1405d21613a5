// Runs in a worker thread: loads each PDF it is sent with the built @kyso/pdf and touches everything a reader
// would (revisions, every object, pages, decoding, the verifier's facts), then says how it ended. A hang or a
// memory blow-up is caught by the parent, which can terminate a worker but not a synchronous loop.
import { parentPort } from 'node:worker_threads';
import { PdfDocument, PdfError, PdfStream } from '../../packages/pdf/dist/index.js';

function walk(bytes) {
  let doc;
  try {
    doc = PdfDocument.load(bytes);
  } catch (e) {
    if (e instanceof PdfError) return { outcome: 'error', code: e.code };
    return { outcome: 'crash', message: String(e?.stack ? e.stack : e) };
  }
  try {
    let objects = 0;
    for (const rev of doc.revisions) {
      for (const num of rev.entries.keys()) {
        if (objects++ > 20000) break;
        try {
          const o = doc.getObject(num, rev.index);
          if (o instanceof PdfStream && o.rawLength < 1 << 20) {
            try {
              doc.decode(o, 8 << 20);
            } catch (e) {
              if (!(e instanceof PdfError)) throw e;
            }
          }
        } catch (e) {
          if (!(e instanceof PdfError)) throw e;
        }
      }
    }
    doc.pages();
    doc.trailingBytes();
    doc.unreferencedObjects();
    return { outcome: 'read', recovered: doc.recovered, revisions: doc.revisions.length };
  } catch (e) {
    if (e instanceof PdfError) return { outcome: 'error', code: e.code };
    return { outcome: 'crash', message: String(e?.stack ? e.stack : e) };
  }
}

parentPort.on('message', (msg) => {
  for (const job of msg.jobs) {
    parentPort.postMessage({ type: 'start', id: job.id });
    const res = walk(new Uint8Array(job.bytes));
    parentPort.postMessage({ type: 'done', id: job.id, ...res });
  }
  parentPort.postMessage({ type: 'finished' });
});
