// Runs in a worker thread: validates each PDF it is sent with the built @kyso/verify (offline) and reports how it
// ended — a report (checked for a well-formed verdict per signature), a typed KysoError, or anything else as a
// crash. Hangs and memory blow-ups are the parent's to catch: it can terminate a worker mid-loop, a promise cannot.
import { parentPort } from 'node:worker_threads';
import { KysoError } from '@kyso/pdf';
import { INDICATIONS, SUB_INDICATIONS, validatePdf } from '../../dist/index.js';

const MODIFICATIONS = new Set(['NONE', 'ALLOWED', 'DISALLOWED']);

/** A report is well formed when every signature has a known indication, a sub-indication belonging to it, and facts. */
function malformed(report) {
  for (const s of report.signatures) {
    if (!INDICATIONS.includes(s.indication)) return `unknown indication ${s.indication}`;
    if (s.indication === 'TOTAL-PASSED' ? s.subIndication !== null : SUB_INDICATIONS[s.subIndication] !== s.indication) {
      return `sub-indication ${s.subIndication} does not belong to ${s.indication}`;
    }
    if (!MODIFICATIONS.has(s.modifications) || typeof s.intact !== 'boolean') return 'facts missing';
    if (s.indication === 'TOTAL-PASSED' && (!s.intact || s.modifications === 'DISALLOWED')) return 'TOTAL-PASSED without integrity';
  }
  return undefined;
}

async function validateOne(job) {
  try {
    const report = await validatePdf(new Uint8Array(job.bytes), { trustAnchors: job.anchors, at: job.at ? new Date(job.at) : undefined, online: false });
    const problem = malformed(report);
    if (problem) return { outcome: 'crash', message: `malformed report: ${problem}` };
    return { outcome: 'report', signatures: report.signatures.length, passed: report.signatures.filter((s) => s.indication === 'TOTAL-PASSED').length };
  } catch (e) {
    if (e instanceof KysoError) return { outcome: 'error', code: e.code };
    return { outcome: 'crash', message: String(e && e.stack ? e.stack : e) };
  }
}

parentPort.on('message', async (msg) => {
  for (const job of msg.jobs) {
    parentPort.postMessage({ type: 'start', id: job.id });
    parentPort.postMessage({ type: 'done', id: job.id, ...(await validateOne(job)) });
  }
  parentPort.postMessage({ type: 'finished' });
});
