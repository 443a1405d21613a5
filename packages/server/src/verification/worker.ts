/**
 * A verification worker thread: loads @kyso/verify once, parses the trust anchors once, then answers one
 * `verify` message at a time with exactly what `validatePdf` returns (or the error it threw).
 *
 * Started by `VerificationPool` from the built file (dist/verification/worker.js), never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readCertificates, trustProfile as bundledProfile, validatePdf, type CertificateSourceInput, type TrustProfile } from '@kyso/verify';
import { FileSource } from '@kyso/core/file-source';
import { FetchGate, nodeGuardedFetch } from '@kyso/core/guarded-fetch';
import { toWorkerError, type VerifyMessage, type WorkerInit, type WorkerMessage } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('kyso verification worker: start it as a worker thread (VerificationPool)');

const { fetchPolicy } = workerData as WorkerInit;
const gate = new FetchGate(fetchPolicy.perHostConcurrency);

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let anchors: CertificateSourceInput[] | undefined;
let profile: TrustProfile | undefined;
try {
  const init = workerData as WorkerInit;
  anchors = readCertificates(init.trustAnchors);
  profile = init.trustProfile ? bundledProfile(init.trustProfile) : undefined;
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'init-failed', error: toWorkerError(e) });
  port.close();
}

if (anchors) {
  const trustAnchors = anchors;
  port.on('message', (m: VerifyMessage) => {
    void verify(m, trustAnchors);
  });
}

async function verify(m: VerifyMessage, trustAnchors: CertificateSourceInput[]): Promise<void> {
  let file: FileSource | undefined;
  try {
    const input = m.path !== undefined ? (file = new FileSource(m.path)) : m.bytes;
    // One guarded fetch per verification: its budget covers every OCSP, CRL and AIA request of this document.
    const fetch = m.online ? nodeGuardedFetch(fetchPolicy, gate) : undefined;
    const report = await validatePdf(input, { trustProfile: profile, trustAnchors, at: m.at === null ? undefined : new Date(m.at), online: m.online, fetch });
    post({ type: 'result', id: m.id, report });
  } catch (e) {
    const error = toWorkerError(e);
    try {
      post({ type: 'failed', id: m.id, error });
    } catch {
      // The details held something structured clone refuses (a function, a class with private state): drop them.
      post({ type: 'failed', id: m.id, error: error.kind === 'kyso' ? { ...error, details: {} } : error });
    }
  } finally {
    file?.close();
  }
}
