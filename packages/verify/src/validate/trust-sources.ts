/** The anchors and path-building pool of a validation: the caller's certificates plus the trust profile's. */
import type * as pkijs from 'pkijs';
import { trustProfile } from '../trust-profiles/profiles.js';
import type { ValidateOptions } from './options.js';
import { readCertificates } from './read-certificates.js';

export function resolveTrust(options: Pick<ValidateOptions, 'trustAnchors' | 'intermediates' | 'trustProfile'>): {
  anchors: pkijs.Certificate[];
  intermediates: pkijs.Certificate[];
} {
  const profile = options.trustProfile === undefined ? null : typeof options.trustProfile === 'string' ? trustProfile(options.trustProfile) : options.trustProfile;
  return {
    anchors: [...(profile?.anchors.map((a) => a.certificate) ?? []), ...readCertificates(options.trustAnchors)],
    // The caller's first: given intermediates are the more specific choice when several issuers match equally.
    intermediates: [...readCertificates(options.intermediates), ...(profile?.extraCertificates.map((c) => c.certificate) ?? [])],
  };
}
