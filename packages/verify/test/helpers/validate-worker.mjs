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
    if (
      s.indication === 'TOTAL-PASSED' ? s.subIndication !== null : SUB_INDICATIONS[s.subIndication] !== s.indication
    ) {
      return `sub-indication ${s.subIndication} does not belong to ${s.indication}`;
    }
    if (!MODIFICATIONS.has(s.modifications) || typeof s.intact !== 'boolean') return 'facts missing';
    if (s.indication === 'TOTAL-PASSED' && (!s.intact || s.modifications === 'DISALLOWED'))
      return 'TOTAL-PASSED without integrity';
  }
  return undefined;
}

/** The same file read the way a FileSource reads it: in windows, each read a fresh copy (no view of one buffer). */
function windowed(bytes) {
  return { length: bytes.length, read: (start, end) => bytes.slice(Math.max(0, start), Math.min(bytes.length, end)) };
}

/** How one validation ended, comparable between the two ways of reading the file. */
async function outcomeOf(input, job, at) {
  try {
    const report = await validatePdf(input, { trustAnchors: job.anchors, at, online: false });
    return { report };
  } catch (e) {
    if (e instanceof KysoError) return { code: e.code };
    return { crash: String(e?.stack ? e.stack : e) };
  }
}

async function validateOne(job) {
  const bytes = new Uint8Array(job.bytes);
  // One validation time for both readings, so that they must agree to the letter.
  const at = job.at ? new Date(job.at) : new Date();
  const whole = await outcomeOf(bytes, job, at);
  const inWindows = await outcomeOf(windowed(bytes), job, at);
  if (whole.crash) return { outcome: 'crash', message: whole.crash };
  if (inWindows.crash) return { outcome: 'crash', message: `read in windows: ${inWindows.crash}` };
  if (JSON.stringify(whole) !== JSON.stringify(inWindows))
    return { outcome: 'crash', message: 'read in windows, the file gets another outcome than in memory' };
  if (whole.code) return { outcome: 'error', code: whole.code };
  const report = whole.report;
  const problem = malformed(report);
  if (problem) return { outcome: 'crash', message: `malformed report: ${problem}` };
  return {
    outcome: 'report',
    signatures: report.signatures.length,
    passed: report.signatures.filter((s) => s.indication === 'TOTAL-PASSED').length,
  };
}

parentPort.on('message', async (msg) => {
  for (const job of msg.jobs) {
    parentPort.postMessage({ type: 'start', id: job.id });
    parentPort.postMessage({ type: 'done', id: job.id, ...(await validateOne(job)) });
  }
  parentPort.postMessage({ type: 'finished' });
});
