/**
 * A verification worker thread: loads @kyso/verify once, parses the trust anchors once, then answers one job at
 * a time with exactly what `validatePdf` returns (or the error it threw).
 *
 * Started by `VerificationPool` from the built file (dist/verification/worker.js), never imported.
 */
import { workerData } from 'node:worker_threads';
import { readCertificates, trustProfile as bundledProfile, validatePdf } from '@kyso/verify';
import { FileSource } from '@kyso/core/file-source';
import { FetchGate, nodeGuardedFetch } from '@kyso/core/guarded-fetch';
import { serveJobs } from '../workers/worker-runtime.js';
import type { VerifyJob, VerifyResult, WorkerInit } from './protocol.js';

const init = workerData as WorkerInit;

serveJobs<VerifyJob, VerifyResult>(init, () => {
  const trustAnchors = readCertificates(init.trustAnchors);
  const profile = init.trustProfile ? bundledProfile(init.trustProfile) : undefined;
  const gate = new FetchGate(init.fetchPolicy.perHostConcurrency);
  return async (m) => {
    let file: FileSource | undefined;
    try {
      const input = m.path !== undefined ? (file = new FileSource(m.path)) : m.bytes;
      // One guarded fetch per verification: its budget covers every OCSP, CRL and AIA request of this document.
      const fetch = m.online ? nodeGuardedFetch(init.fetchPolicy, gate) : undefined;
      return {
        result: await validatePdf(input, {
          trustProfile: profile,
          trustAnchors,
          at: m.at === null ? undefined : new Date(m.at),
          online: m.online,
          fetch,
        }),
      };
    } finally {
      file?.close();
    }
  };
});
