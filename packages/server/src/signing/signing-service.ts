/**
 * The service's signing: the options a request gives turned into @kyso/core signing options, the certificate
 * check, and the CPU-heavy steps run through the bounded work queue. Documents are never modified: the answer is
 * the input's bytes followed by the signature's incremental update.
 */
import { createHash } from 'node:crypto';
import {
  appendUpdates,
  finishUpdate,
  isLtvLevel,
  ltvTimestampBytes,
  ltvUpdatesAfter,
  prepare,
  signatureAppearance,
  onlineRevocationChecker,
  requestTimestamp,
  type RevocationChecker,
  type CertificateInfo,
  type PrepareOptions,
  type SignerIdentity,
  type SignatureResult,
  type SigningState,
  type TimestampProvider,
} from '@kyso/core';
import { ServiceError } from '../errors.js';
import type { ByteSource } from '../io/byte-source.js';
import type { WorkQueue } from '../limits/work-queue.js';
import type { KeyEntry } from '../keys/key-ring.js';
import type { CertificateChecks } from './certificate-checks.js';
import { noNetwork, type ServiceFetch } from '../net/service-fetch.js';
import type { FetchLike } from '@kyso/verify';

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

const NODE_HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;

export class SigningService {
  /** The configured TSA, for the routes that pass it on (certification). */
  readonly timestamper?: TimestampProvider;

  constructor(
    readonly queue: WorkQueue,
    private readonly checks: CertificateChecks,
    tsaUrl: string | undefined,
    private readonly onWarning: (message: string) => void,
    private readonly network?: ServiceFetch,
  ) {
    // Each token through a guarded fetch of its own (the TSA's host is in the allow-list).
    this.timestamper = tsaUrl
      ? async (imprint, hash) => (await requestTimestamp(imprint, hash, { url: tsaUrl, fetch: network?.forRequest() })).token
      : undefined;
  }

  /** Signs with a key the service holds; returns the update to append to the input. */
  async sign(entry: KeyEntry, input: Uint8Array | ByteSource, requested: RequestedSignature): Promise<{ update: Uint8Array; fieldName: string }> {
    const signer = entry.signer;
    if (!signer) throw new ServiceError('SERVICE_BAD_REQUEST', { key: entry.alias }, 'this key has no private key here; use two-step signing');
    // One budget for the request's certificate check and LTV data (each TSA token has its own: the TSA is the operator's).
    const fetch = this.network?.forRequest();
    const options = await this.options(entry.identity, entry.certificate, requested, fetch);
    const { state, signatureValue, update } = await this.queue.run(async () => {
      const prepared = prepare(input, signer, options);
      return { state: prepared.state, update: prepared.update, signatureValue: await signer.sign(prepared.dataToSign) };
    });
    const done = await finishUpdate(input, state, { signatureValue }, { timestamper: this.timestamper, checkInput: false, update });
    return { update: await this.ltv(input, done.update, state, fetch), fieldName: state.fieldName };
  }

  /** Step 1 of two-step signing: the state and the data the remote key must sign. */
  async prepareExternal(identity: SignerIdentity, certificate: CertificateInfo, input: Uint8Array | ByteSource, requested: RequestedSignature) {
    const options = await this.options(identity, certificate, requested, this.network?.forRequest());
    const prepared = await this.queue.run(async () => prepare(input, identity, options));
    const digest = createHash(NODE_HASH[prepared.state.hash]).update(prepared.dataToSign).digest();
    return { state: prepared.state, dataToSign: prepared.dataToSign, digestToSign: new Uint8Array(digest) };
  }

  /** Step 2: the signature value (or a whole CMS) into the stored state; the input is re-hashed and checked. */
  async complete(input: ByteSource, state: SigningState, result: SignatureResult): Promise<Uint8Array> {
    if (state.level !== 'B-B' && !this.timestamper && !('cms' in result)) throw new ServiceError('SERVICE_TSA_NOT_CONFIGURED');
    const done = await this.queue.run(() => finishUpdate(input, state, result, { timestamper: this.timestamper, checkInput: true }));
    return this.ltv(input, done.update, state, this.network?.forRequest());
  }

  /**
   * B-LT and B-LTA: the signature's update followed by the DSS (the signer's and the TSA's chains with OCSP/CRL)
   * and, for B-LTA, a document timestamp. A revoked certificate in the chain refuses the request (nothing is sent).
   */
  private async ltv(input: Uint8Array | ByteSource, update: Uint8Array, state: SigningState, fetch: FetchLike | undefined): Promise<Uint8Array> {
    if (!isLtvLevel(state.level)) return update;
    const more = await ltvUpdatesAfter(input, update, state.fieldName, {
      level: state.level,
      timestamper: this.timestamper,
      onWarning: this.onWarning,
      ltv: { fetch: await this.ltvFetch(state, fetch) },
    });
    return appendUpdates(update, more);
  }

  /**
   * The revocation check for the service's own keys (certification's certifier and seal) through a guarded fetch
   * with a budget of its own; undefined without a network (the library default).
   */
  revocationChecker(): RevocationChecker | undefined {
    return this.network ? onlineRevocationChecker({ fetch: this.network.forRequest() }) : undefined;
  }

  /** The signer's chain data comes through the guarded fetch, and only for a certificate the service vouches for. */
  private async ltvFetch(state: SigningState, fetch: FetchLike | undefined) {
    if (!this.network) return undefined;
    const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
    return (await this.network.mayFetchFor(der(state.certificate), state.chain.map(der))) ? fetch : noNetwork;
  }

  private async options(identity: SignerIdentity, cert: CertificateInfo, r: RequestedSignature, fetch: FetchLike | undefined): Promise<PrepareOptions> {
    if (r.level !== 'B-B' && !this.timestamper) throw new ServiceError('SERVICE_TSA_NOT_CONFIGURED');
    const signingTime = new Date();
    for (const w of await this.checks.check(identity, signingTime, fetch)) this.onWarning(w);
    const options: PrepareOptions = {
      level: r.level,
      signingTime,
      reason: r.reason,
      location: r.location,
      contactInfo: r.contactInfo,
      fieldName: r.field,
      newFieldName: r.newField,
      certify: r.certify ? (Number(r.certify) as 1 | 2 | 3) : undefined,
    };
    if (isLtvLevel(r.level) && this.timestamper) options.timestampBytes = await ltvTimestampBytes(this.timestamper, identity.algorithm.hash);
    if (r.page !== undefined || r.rect !== undefined) {
      const rect = (r.rect ?? '36,36,240,90').split(',').map((n) => Number(n.trim()));
      options.visible = { page: r.page ?? 1, rect: rect as [number, number, number, number] };
    }
    if (options.visible || r.field) {
      const subject = cert.subjectAttributes;
      options.appearance = signatureAppearance({
        fields: {
          signer: subject.CN ?? '',
          organisation: subject.O && subject.O !== subject.CN ? subject.O : undefined,
          reason: r.reason,
          location: r.location,
          signingTime,
        },
      });
    }
    return options;
  }
}
