/** A worker thread of `kyso verify`'s batch (verify-batch.ts): validates the files it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { checkPath } from './verify-batch.js';
import { batchContext, type VerifyValues } from './verify.js';

const ctx = await batchContext((workerData as { values: VerifyValues }).values);
parentPort!.on('message', (m: { index: number; path: string }) => {
  void checkPath(m.path, ctx).then((o) => parentPort!.postMessage({ index: m.index, ...o }));
});
