/**
 * The service's network access for requests: the configured fetch policy (signing.tsaUrl's host added to the
 * allow-list: the operator named it), one per-host gate for the whole process, a fresh guarded fetch — with its
 * own budget — per request, and the rule for which certificates the service fetches anything for at all.
 */
import { nodeGuardedFetch } from '@kyso/core';
import {
  buildTrustPath,
  FetchError,
  FetchGate,
  fetchPolicy,
  readCertificates,
  type FetchPolicy,
  type GuardedFetch,
} from '@kyso/verify';
import type { ServiceConfig } from '../config/schema.js';
import { certificateSha256 } from '../keys/certificate-digest.js';

/** The configured policy, as plain data (it also crosses into the verification workers). */
export function serviceFetchPolicy(config: Pick<ServiceConfig, 'fetch' | 'signing'>): FetchPolicy {
  const allowHosts = [...config.fetch.allowHosts];
  if (config.signing.tsaUrl) {
    const u = new URL(config.signing.tsaUrl);
    allowHosts.push(`${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`);
  }
  return fetchPolicy({ ...config.fetch, allowHosts });
}

export class ServiceFetch {
  readonly policy: FetchPolicy;
  private readonly gate: FetchGate;
  private configuredSet: Set<string> | undefined;
  private readonly anchors: ReturnType<typeof readCertificates>;

  /**
   * `configuredCertificates`: the key ring's certificates (the operator put them there), asked for when first
   * needed (the key ring opens after the workers start); `trustRoots`: PEM texts of verification.trustRoots.
   */
  constructor(
    config: Pick<ServiceConfig, 'fetch' | 'signing'>,
    private readonly configuredCertificates: () => Iterable<Uint8Array>,
    trustRoots: readonly string[],
  ) {
    this.anchors = readCertificates(trustRoots);
    this.policy = serviceFetchPolicy(config);
    this.gate = new FetchGate(this.policy.perHostConcurrency);
  }

  private get configured(): Set<string> {
    this.configuredSet ??= new Set([...this.configuredCertificates()].map(certificateSha256));
    return this.configuredSet;
  }

  /** A guarded fetch with a budget of its own: one per request. */
  forRequest(): GuardedFetch {
    return nodeGuardedFetch(this.policy, this.gate);
  }

  /**
   * Whether the service may go to the network for this signer certificate (its OCSP/CRL, its chain's AIA): it is
   * one of the configured keys' certificates, or its chain (as supplied) validates to a configured trust root.
   * A certificate a client supplies that chains to nothing the operator trusts names addresses nobody vouches for.
   */
  async mayFetchFor(certificate: Uint8Array, chain: readonly Uint8Array[]): Promise<boolean> {
    if (this.configured.has(certificateSha256(certificate))) return true;
    if (this.anchors.length === 0) return false;
    try {
      const path = await buildTrustPath(certificate, { anchors: this.anchors, certificates: chain, at: new Date() });
      return path.found && path.problems.length === 0;
    } catch {
      return false;
    }
  }
}

/** A fetch that contacts nothing: for certificates the service does not fetch for. */
export const noNetwork = async (): Promise<Response> => {
  throw new FetchError('FETCH_NOT_AUTHENTICATED', {}, 'the certificate chains to no configured trust root');
};
