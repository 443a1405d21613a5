/**
 * A signing worker thread: the PDF work of signing and certification (parsing, placeholder, hashing, TSA,
 * LTV, e-copy assembly and image decoding) off the request thread. Keys stay on the service's thread: the data
 * to sign goes there as a `sign` call and the signature value comes back; the register is reached the same way.
 *
 * Started by the signing pool from the built file (dist/signing/worker.js), never imported.
 */
import { workerData } from 'node:worker_threads';
import {
  appendUpdates,
  certifyElectronicCopy,
  finishUpdate,
  isLtvLevel,
  ltvUpdatesAfter,
  prepare,
  printRegisterBook,
  RegisterError,
  onlineRevocationChecker,
  requestTimestamp,
  signatureAppearance,
  type CertifyRegister,
  type PrepareOptions,
  type RegisterEntry,
  type RegisterErrorCode,
  type Signer,
  type SignerIdentity,
  type SigningState,
  type TimestampProvider,
  type OnSigningWarning,
} from '@kyso/core';
import { FileSource } from '@kyso/core/file-source';
import { FetchGate, nodeGuardedFetch } from '@kyso/core/guarded-fetch';
import { FetchError, type FetchLike } from '@kyso/verify';
import type { ByteSource } from '../io/byte-source.js';
import { serveJobs, type JobCalls } from '../workers/worker-runtime.js';
import type {
  CertifyData,
  PrepareData,
  RegisterCall,
  SigningJob,
  SigningResult,
  SigningWorkerInit,
} from './protocol.js';

const init = workerData as SigningWorkerInit;

/** One gate per worker: at most perHostConcurrency requests to one host at once from this thread. */
const gate = new FetchGate(init.fetchPolicy.perHostConcurrency);
/** A guarded fetch with a budget of its own. */
const guarded = (): FetchLike => nodeGuardedFetch(init.fetchPolicy, gate);
/** For a certificate the service does not vouch for (decided on the service's thread): nothing is fetched. */
const noNetwork: FetchLike = async () => {
  throw new FetchError('FETCH_NOT_AUTHENTICATED', {}, 'the certificate chains to no configured trust root');
};

serveJobs<SigningJob, SigningResult>(init, () => {
  // Each token through a guarded fetch of its own (the TSA's host is in the allow-list: the operator named it).
  const tsaUrl = init.tsaUrl;
  const timestamper: TimestampProvider | undefined = tsaUrl
    ? async (imprint, hash) => (await requestTimestamp(imprint, hash, { url: tsaUrl, fetch: guarded() })).token
    : undefined;
  return async (job, calls) => {
    if (job.kind === 'certify') return { result: await certify(job.data, calls, timestamper) };
    if (job.kind === 'print-book') {
      const pdf = printRegisterBook(job.book);
      return { result: { kind: 'pdf', pdf }, transfer: whole(pdf) };
    }
    const file = job.input.path !== undefined ? new FileSource(job.input.path) : undefined;
    const input: Uint8Array | ByteSource = file ?? job.input.bytes!;
    try {
      const warn: OnSigningWarning = (w) => void calls.call('warn', w).catch(() => {});
      if (job.kind === 'prepare') {
        const prepared = prepare(input, job.identity, prepareOptions(job.options, warn));
        return { result: { kind: 'prepared', state: prepared.state, dataToSign: prepared.dataToSign } };
      }
      if (job.kind === 'sign') {
        const prepared = prepare(input, job.identity, prepareOptions(job.options, warn));
        const signatureValue = await calls.call<Uint8Array>('sign', prepared.dataToSign);
        const done = await finishUpdate(
          input,
          prepared.state,
          { signatureValue },
          { timestamper, checkInput: false, update: prepared.update },
        );
        const update = await ltv(input, done.update, prepared.state, timestamper, warn, job.ltvNetwork);
        return { result: { kind: 'update', update, fieldName: prepared.state.fieldName }, transfer: whole(update) };
      }
      const done = await finishUpdate(input, job.state, job.result, { timestamper, checkInput: true });
      const update = await ltv(input, done.update, job.state, timestamper, warn, job.ltvNetwork);
      return { result: { kind: 'update', update, fieldName: job.state.fieldName }, transfer: whole(update) };
    } finally {
      file?.close();
    }
  };
});

function prepareOptions(data: PrepareData, onWarning: OnSigningWarning): PrepareOptions {
  const { appearanceFields, ...options } = data;
  return appearanceFields
    ? { ...options, onWarning, appearance: signatureAppearance({ fields: appearanceFields }) }
    : { ...options, onWarning };
}

/**
 * B-LT and B-LTA: the signature's update followed by the DSS and, for B-LTA, a document timestamp. The signer's
 * chain data is fetched through a guarded fetch, and only when the service's thread vouched for the certificate.
 */
async function ltv(
  input: Uint8Array | ByteSource,
  update: Uint8Array,
  state: SigningState,
  timestamper: TimestampProvider | undefined,
  onWarning: OnSigningWarning,
  network: boolean,
): Promise<Uint8Array> {
  if (!isLtvLevel(state.level)) return update;
  const more = await ltvUpdatesAfter(input, update, state.fieldName, {
    level: state.level,
    timestamper,
    onWarning,
    ltv: { fetch: network ? guarded() : noNetwork },
  });
  return appendUpdates(update, more);
}

async function certify(data: CertifyData, calls: JobCalls, tsa: TimestampProvider | undefined): Promise<SigningResult> {
  const signer = (role: 'certifier' | 'authority', identity: SignerIdentity): Signer => ({
    certificate: identity.certificate,
    chain: identity.chain,
    algorithm: identity.algorithm,
    sign: (toSign) => calls.call<Uint8Array>('sign', role, toSign),
  });
  const template = data.verificationUrl;
  const result = await certifyElectronicCopy({
    register: remoteRegister(calls),
    idempotencyKey: data.idempotencyKey,
    authority: data.authority,
    book: data.book,
    certifier: data.certifier,
    requester: data.requester,
    documentName: data.documentName,
    scan: data.scan,
    paperCopies: data.paperCopies,
    originalIsCard: data.originalIsCard,
    feePolicy: data.feePolicy,
    ltv: { fetch: guarded() }, // the keys are the service's own: their chains' data through a guarded fetch
    statementPlacement: data.statementPlacement,
    markPlacement: data.markPlacement,
    signers: {
      certifier: { signer: signer('certifier', data.certifierIdentity), location: data.location },
      authority: {
        signer: signer('authority', data.authorityIdentity),
        location: data.location,
        sealImage: data.sealImage,
        sealSizeMm: data.sealSizeMm,
      },
    },
    tsa,
    level: data.level,
    // The service's own keys: their CA is asked through a guarded fetch with a budget of its own.
    certificateCheck:
      data.certificateCheck === false
        ? false
        : { ...data.certificateCheck, checker: onlineRevocationChecker({ fetch: guarded() }) },
    delivery: data.delivery,
    feeReceiptNo: data.feeReceiptNo,
    receivedAt: data.receivedAt,
    extension: data.extension,
    paymentChannel: data.paymentChannel,
    notes: data.notes,
    vneidDataUsed: data.vneidDataUsed,
    maxDecodedPixels: init.maxDecodedPixels,
    verificationRef: template ? (e: RegisterEntry) => fillTemplate(template, e) : undefined,
    onWarning: (w) => void calls.call('warn', w).catch(() => {}),
  });
  return {
    kind: 'certified',
    request: result.request,
    resumed: result.resumed,
    replayed: result.replayed,
    sha256: result.sha256,
  };
}

/** The register on the service's thread: each method a call; its typed errors typed again here. */
function remoteRegister(calls: JobCalls): CertifyRegister {
  const call = async <T>(method: RegisterCall, ...args: unknown[]): Promise<T> => {
    try {
      return await calls.call<T>('register', method, ...args);
    } catch (e) {
      // issueElectronicCopy tells a raced completion by `instanceof RegisterError`.
      const k = e as { code?: string; details?: Record<string, unknown>; messageEn?: string };
      if (typeof k.code === 'string' && k.code.startsWith('REGISTER_'))
        throw new RegisterError(k.code as RegisterErrorCode, k.details);
      throw e;
    }
  };
  return {
    getAuthority: (id) => call('getAuthority', id),
    findRequestByKey: (authorityId, key) => call('findRequestByKey', authorityId, key),
    reserve: (input) => call('reserve', input),
    complete: (requestId, input) => call('complete', requestId, input),
    getRequest: (requestId) => call('getRequest', requestId),
    getECopy: (entryId) => call('getECopy', entryId),
  };
}

export function fillTemplate(template: string, e: RegisterEntry): string {
  return template
    .replaceAll('{authority}', encodeURIComponent(e.authorityId))
    .replaceAll('{book}', encodeURIComponent(e.bookType))
    .replaceAll('{year}', String(e.year))
    .replaceAll('{seq}', String(e.seqNo));
}

/** An update that spans its whole buffer moves back instead of being copied. */
function whole(bytes: Uint8Array): ArrayBuffer[] {
  const b = bytes.buffer;
  return b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength ? [b] : [];
}
