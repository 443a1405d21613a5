/**
 * The service's signing: the options a request gives turned into @kyso/core signing options and the certificate
 * check (on this thread: cached, network-bound), then the PDF work — parsing, placeholder, hashing, TSA, LTV,
 * e-copy assembly — in the signing worker pool (workers/worker-pool.ts), off the request thread. Keys never
 * leave this thread: the worker sends the data to sign back here and gets the signature value (PKCS#11 sessions
 * stay where the token was opened; PKCS#12 keys stay where the file was opened — one RSA/ECDSA operation per
 * signature, about a millisecond, is all the key work there is). Documents are never modified: the answer is the
 * input's bytes followed by the signature's incremental update.
 */
import { createHash } from 'node:crypto';
import type { ResourceLimits } from 'node:worker_threads';
import {
  isLtvLevel,
  ltvTimestampBytes,
  requestTimestamp,
  type CertificateInfo,
  type CertificationRegister,
  type CertificationRequestRecord,
  type PrintBookInput,
  type SignerIdentity,
  type SignatureResult,
  type SigningState,
  type SigningWarning,
  type Signer,
  type TimestampProvider,
} from '@kyso/core';
import { ServiceError } from '../errors.js';
import type { ByteSource } from '../io/byte-source.js';
import type { KeyEntry } from '../keys/key-ring.js';
import { Pooled } from '../workers/pooled.js';
import { builtWorkerUrl, transferable, WorkerPool, type WorkerLost } from '../workers/worker-pool.js';
import type { FetchPolicy } from '@kyso/verify';
import type { ServiceFetch } from '../net/service-fetch.js';
import type { CertificateChecks } from './certificate-checks.js';
import { inlineCandidate, signInline } from './inline-signing.js';
import {
  REGISTER_CALLS,
  type CertifyData,
  type JobInput,
  type PrepareData,
  type RegisterCall,
  type SigningJob,
  type SigningResult,
  type SigningWorkerInit,
} from './protocol.js';

/** The signature options a request may set (query parameters of /v1/sign and /v1/signing-sessions). */
export interface RequestedSignature {
  level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  reason?: string;
  location?: string;
  contactInfo?: string;
  field?: string;
  newField?: string;
  certify?: '1' | '2' | '3';
  page?: number;
  rect?: string;
}

export interface SigningPoolOptions {
  /** Worker threads (each runs one signing or certification at a time). */
  workers: number;
  /** Jobs allowed to wait for a worker; beyond this SERVICE_BUSY (503, Retry-After). */
  maxQueued: number;
  /** A job running longer than this has its worker terminated and replaced (503 SERVICE_TIMEOUT). */
  jobTimeoutMs?: number;
  /** Each worker's heap limits (a worker over them is replaced; its request gets 422 PDF_LIMIT). */
  resourceLimits?: ResourceLimits;
  /** The per-document budget of decoded bytes in the workers (default: @kyso/pdf's, 512 MiB). */
  maxDecodedBytes?: number;
  /** Pixels a certification's PNG scan may decode to in all (default: @kyso/core's, 100 M). */
  maxDecodedPixels?: number;
  /** The workers' nice value (Linux): signings yield the CPU to the request thread. */
  nice?: number;
  /** Bodies up to this size (B-B, invisible, small and plain) are signed on the request thread (inline-signing.ts); 0: never. */
  inlineMaxBytes?: number;
  /** RFC 3161 TSA for B-T and later. */
  tsaUrl?: string;
  /** What the workers may fetch (TSA, LTV data, the certification keys' status). */
  fetchPolicy: FetchPolicy;
  /** The worker's entry file (default: `signingWorkerUrl()`); tests pass their own. */
  workerUrl?: URL;
  onWorkerLost?: (event: WorkerLost) => void;
}

/** The built signing worker next to this module (dist/signing/worker.js). */
export function signingWorkerUrl(): URL {
  return builtWorkerUrl('signing/worker.js');
}

/** A document as the routes hold it: bytes in memory, or the path of a body spooled to disk. */
export type SigningInput = { bytes: Uint8Array; path?: undefined } | { path: string; bytes?: undefined };

const NODE_HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;
const COPY_PIECE = 1 << 20;

export class SigningService extends Pooled {
  /** The configured TSA (this thread asks it for the size of a token, to reserve room for LT/LTA). */
  readonly timestamper?: TimestampProvider;

  private constructor(
    private readonly pool: WorkerPool<SigningJob, SigningResult, SigningWorkerInit>,
    private readonly checks: CertificateChecks,
    tsaUrl: string | undefined,
    private readonly onWarning: (warning: SigningWarning) => void,
    private readonly network: ServiceFetch | undefined,
    private readonly inline: { maxBytes: number; maxDecodedBytes?: number },
  ) {
    super(pool);
    // Each token through a guarded fetch of its own (the TSA's host is in the allow-list).
    this.timestamper = tsaUrl
      ? async (imprint, hash) =>
          (await requestTimestamp(imprint, hash, { url: tsaUrl, fetch: network?.forRequest() })).token
      : undefined;
  }

  /** Starts the signing workers and waits until each has loaded @kyso/core. */
  static async start(
    options: SigningPoolOptions,
    checks: CertificateChecks,
    onWarning: (warning: SigningWarning) => void,
    network?: ServiceFetch,
  ): Promise<SigningService> {
    const pool = await WorkerPool.start<SigningJob, SigningResult, SigningWorkerInit>({
      name: 'signing',
      workers: options.workers,
      maxQueued: options.maxQueued,
      workerUrl: options.workerUrl ?? signingWorkerUrl(),
      workerData: {
        tsaUrl: options.tsaUrl,
        fetchPolicy: options.fetchPolicy,
        maxDecodedBytes: options.maxDecodedBytes,
        maxDecodedPixels: options.maxDecodedPixels,
        nice: options.nice,
      },
      jobTimeoutMs: options.jobTimeoutMs,
      resourceLimits: options.resourceLimits,
      onWorkerLost: options.onWorkerLost,
    });
    return new SigningService(pool, checks, options.tsaUrl, onWarning, network, {
      maxBytes: options.inlineMaxBytes ?? 0,
      maxDecodedBytes: options.maxDecodedBytes,
    });
  }

  /** Signs with a key the service holds; returns the update to append to the input and the request's warnings. */
  async sign(
    entry: KeyEntry,
    input: SigningInput,
    requested: RequestedSignature,
  ): Promise<{ update: Uint8Array; fieldName: string; warnings: SigningWarning[] }> {
    const signer = entry.signer;
    if (!signer)
      throw new ServiceError(
        'SERVICE_BAD_REQUEST',
        { key: entry.alias },
        'this key has no private key here; use two-step signing',
      );
    const warnings = this.requestWarnings();
    const options = await this.options(entry.identity, entry.certificate, requested, warnings.add);
    const { appearanceFields, ...prepareOptions } = options;
    if (input.bytes && !appearanceFields && inlineCandidate(input.bytes.length, this.inline.maxBytes, prepareOptions)) {
      const done = await signInline({
        bytes: input.bytes,
        identity: entry.identity,
        signer,
        options: prepareOptions,
        maxDecodedBytes: this.inline.maxDecodedBytes,
      });
      if (done.signed) {
        for (const w of done.warnings) warnings.add(w);
        return { update: done.update, fieldName: done.fieldName, warnings: warnings.list };
      }
    }
    const ltvNetwork = await this.mayFetchFor(entry.identity.certificate, entry.identity.chain);
    const result = await this.pool.run(
      { kind: 'sign', input: jobInput(input), identity: identityOf(entry.identity), options, ltvNetwork },
      {
        calls: async (method, args) =>
          method === 'sign' ? signer.sign(args[0] as Uint8Array) : this.warn(method, args, warnings.add),
      },
    );
    if (result.kind !== 'update') throw unexpected(result.kind);
    return { update: result.update, fieldName: result.fieldName, warnings: warnings.list };
  }

  /** Step 1 of two-step signing: the state and the data the remote key must sign (and the certificate check's warnings). */
  async prepareExternal(
    identity: SignerIdentity,
    certificate: CertificateInfo,
    input: SigningInput,
    requested: RequestedSignature,
  ) {
    const warnings = this.requestWarnings();
    const options = await this.options(identity, certificate, requested, warnings.add);
    const result = await this.pool.run(
      { kind: 'prepare', input: jobInput(input), identity: identityOf(identity), options },
      { calls: async (method, args) => this.warn(method, args, warnings.add) },
    );
    if (result.kind !== 'prepared') throw unexpected(result.kind);
    const digest = createHash(NODE_HASH[result.state.hash]).update(result.dataToSign).digest();
    return {
      state: result.state,
      dataToSign: result.dataToSign,
      digestToSign: new Uint8Array(digest),
      warnings: warnings.list,
    };
  }

  /** Step 2: the signature value (or a whole CMS) into the stored state; the input is re-hashed and checked. */
  async complete(
    input: ByteSource,
    state: SigningState,
    signature: SignatureResult,
  ): Promise<{ update: Uint8Array; warnings: SigningWarning[] }> {
    if (state.level !== 'B-B' && !this.timestamper && !('cms' in signature))
      throw new ServiceError('SERVICE_TSA_NOT_CONFIGURED');
    // The stored input is copied here once, piece by piece into a buffer of its own (no parsing), and moved.
    const bytes = new Uint8Array(input.length);
    for (let at = 0; at < input.length; at += COPY_PIECE)
      bytes.set(input.read(at, Math.min(input.length, at + COPY_PIECE)), at);
    const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
    const ltvNetwork = await this.mayFetchFor(der(state.certificate), state.chain.map(der));
    const warnings = this.requestWarnings();
    const result = await this.pool.run(
      { kind: 'complete', input: { bytes }, state, result: signature, ltvNetwork },
      { transfer: transferable(bytes, true), calls: async (method, args) => this.warn(method, args, warnings.add) },
    );
    if (result.kind !== 'update') throw unexpected(result.kind);
    return { update: result.update, warnings: warnings.list };
  }

  /**
   * An e-copy certification in a worker. The keys sign here; the register is written here, one call at a time
   * (reserve, then complete — each its own transaction). A worker that dies or overruns between the two leaves
   * the request `pending` under its number, as any failure after reserving does: the error names it
   * (details.certification) and a retry with the same idempotency key resumes under the same number.
   */
  async certify(
    data: CertifyData,
    keys: { certifier: Signer; authority: Signer },
    register: CertificationRegister,
    onWarning: (warning: SigningWarning) => void,
  ): Promise<{ request: CertificationRequestRecord; resumed: boolean; replayed: boolean; sha256: string }> {
    let reserved: CertificationRequestRecord | undefined;
    const transfer =
      'pdf' in data.scan
        ? transferable(data.scan.pdf, true)
        : data.scan.images.flatMap((i) => transferable(i.bytes, true));
    try {
      const result = await this.pool.run(
        { kind: 'certify', data },
        {
          transfer,
          calls: async (method, args) => {
            if (method === 'sign') {
              const [role, toSign] = args as ['certifier' | 'authority', Uint8Array];
              return keys[role].sign(toSign);
            }
            if (method === 'warn') return void onWarning(args[0] as SigningWarning);
            if (method !== 'register' || !REGISTER_CALLS.includes(args[0] as RegisterCall))
              throw new ServiceError('SERVICE_INTERNAL', {}, `a certification worker may not call ${method}`);
            const [name, ...rest] = args as [RegisterCall, ...unknown[]];
            const value = await (register[name] as (...a: unknown[]) => Promise<unknown>).apply(register, rest);
            if (name === 'reserve') reserved = (value as { request: CertificationRequestRecord }).request;
            if (name === 'complete') reserved = undefined;
            return value;
          },
        },
      );
      if (result.kind !== 'certified') throw unexpected(result.kind);
      return result;
    } catch (e) {
      const pending = reserved?.state === 'pending' ? reserved : undefined;
      if (
        pending &&
        e instanceof Error &&
        'details' in e &&
        e.details &&
        typeof e.details === 'object' &&
        !('certification' in e.details)
      ) {
        const entry = pending.entries[0];
        Object.assign(e.details, {
          certification: {
            requestId: pending.id,
            idempotencyKey: pending.idempotencyKey,
            certificationNumber: entry?.certificationNumber,
            state: 'pending',
          },
        });
      }
      throw e;
    }
  }

  /** The register's book as a PDF, laid out in a worker (thousands of entries take seconds). */
  async printBook(book: PrintBookInput): Promise<Uint8Array> {
    const result = await this.pool.run({ kind: 'print-book', book });
    if (result.kind !== 'pdf') throw unexpected(result.kind);
    return result.pdf;
  }

  /** Stops the workers after the jobs in flight and in line (up to `graceMs`). */
  close(graceMs?: number): Promise<void> {
    return this.pool.close(graceMs);
  }

  private async warn(method: string, args: unknown[], add: (w: SigningWarning) => void): Promise<null> {
    if (method !== 'warn') throw new ServiceError('SERVICE_INTERNAL', {}, `a signing worker may not call ${method}`);
    add(args[0] as SigningWarning);
    return null;
  }

  /** One request's warnings: logged as they come (the service's log) and kept, each once, for the answer. */
  private requestWarnings(): { list: SigningWarning[]; add: (w: SigningWarning) => void } {
    const list: SigningWarning[] = [];
    return {
      list,
      add: (w) => {
        this.onWarning(w);
        if (!list.some((x) => x.code === w.code && x.detail === w.detail)) list.push(w);
      },
    };
  }

  /** Whether the workers may fetch the signer's chain data: only for a certificate the service vouches for. */
  private async mayFetchFor(certificate: Uint8Array, chain: readonly Uint8Array[]): Promise<boolean> {
    return this.network ? this.network.mayFetchFor(certificate, chain) : false;
  }

  private async options(
    identity: SignerIdentity,
    cert: CertificateInfo,
    r: RequestedSignature,
    warn: (w: SigningWarning) => void,
  ): Promise<PrepareData> {
    if (r.level !== 'B-B' && !this.timestamper) throw new ServiceError('SERVICE_TSA_NOT_CONFIGURED');
    const signingTime = new Date();
    // One budget for the request's certificate check (the LTV data gets its own in the worker).
    const network = this.network;
    for (const w of await this.checks.check(identity, signingTime, network && (() => network.forRequest()))) warn(w);
    const options: PrepareData = {
      level: r.level,
      signingTime,
      reason: r.reason,
      location: r.location,
      contactInfo: r.contactInfo,
      fieldName: r.field,
      newFieldName: r.newField,
      certify: r.certify ? (Number(r.certify) as 1 | 2 | 3) : undefined,
    };
    if (isLtvLevel(r.level) && this.timestamper)
      options.timestampBytes = await ltvTimestampBytes(this.timestamper, identity.algorithm.hash);
    if (r.page !== undefined || r.rect !== undefined) {
      const rect = (r.rect ?? '36,36,240,90').split(',').map((n) => Number(n.trim()));
      options.visible = { page: r.page ?? 1, rect: rect as [number, number, number, number] };
    }
    if (options.visible || r.field) {
      const subject = cert.subjectAttributes;
      options.appearanceFields = {
        signer: subject.CN ?? '',
        organisation: subject.O && subject.O !== subject.CN ? subject.O : undefined,
        reason: r.reason,
        location: r.location,
        signingTime,
      };
    }
    return options;
  }
}

/** The public half of a signer, as plain data (a Pkcs12Signer or PKCS#11 signer carries its key; this does not). */
export function identityOf(s: SignerIdentity): SignerIdentity {
  return { certificate: s.certificate, chain: [...s.chain], algorithm: s.algorithm };
}

/** Bytes are copied to the worker (the route still sends them back); a spooled body goes as its path. */
function jobInput(input: SigningInput): JobInput {
  return input.bytes ? { bytes: input.bytes } : { path: input.path! };
}

function unexpected(kind: string): Error {
  return new ServiceError('SERVICE_INTERNAL', {}, `the signing worker answered ${kind}`);
}
