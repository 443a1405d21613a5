/** The anchors and path-building pool of a validation: the caller's certificates plus the trust profile's. */
import type * as pkijs from 'pkijs';
import { toHex } from '../revocation/bytes.js';
import { authorityKeyId, subjectKeyId } from '../revocation/certificates.js';
import { nameText } from '../trust/names.js';
import { trustProfile, type TrustedCertificate } from '../trust-profiles/profiles.js';
import type { ValidateOptions } from './options.js';
import { readCertificates } from './read-certificates.js';

/**
 * A name's key for pre-selection: names that namesEqual can find equal (the same DER, or pkijs' comparison of each
 * value trimmed, spaces collapsed, lower-cased, then compared with localeCompare, which also equates canonically
 * equivalent and ignorable characters) get the same key, since the key keeps only the ASCII letters and digits of
 * the printed name's compatibility decomposition, lower-cased. Different names may share a key: a certificate kept
 * for its key is only a candidate.
 */
export function nameKey(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** nameKey of a profile certificate's subject, kept with the (shared, frozen) entry: a batch asks for it per file. */
const subjectKeys = new WeakMap<TrustedCertificate, string>();
function subjectKey(t: TrustedCertificate): string {
  let k = subjectKeys.get(t);
  if (k === undefined) subjectKeys.set(t, (k = nameKey(t.subject)));
  return k;
}

/**
 * Chooses the profile's certificates that can take part in a path from given certificates. Path building links a
 * certificate to an issuer with its issuer's name, and whose SKI equals its AKI when both are present (isIssuerOf),
 * and ends at an anchor with a document certificate's name and key: so an extra certificate is kept when its SKI is
 * the AKI of a given certificate or of an extra kept so far, an anchor when its SKI is one of those AKIs or a given
 * certificate's own SKI. A certificate without an AKI (a root the document carries) links by name alone: profile
 * certificates whose subject has the key (nameKey) of its issuer or subject are kept too. A profile certificate
 * without an SKI is always kept. Nothing that could be in a path is left out, and most files need only a few of the
 * bundled certificates parsed. `select` may be called again with more certificates (those AIA brought): it returns
 * only what the new ones add.
 */
function profileSelector(anchors: readonly TrustedCertificate[], extras: readonly TrustedCertificate[]) {
  const wanted = new Set<string>();
  const wantedNames = new Set<string>();
  const chosen = new Set<TrustedCertificate>();
  const keep = (t: TrustedCertificate) =>
    t.subjectKeyId === null || wanted.has(t.subjectKeyId) || (wantedNames.size > 0 && wantedNames.has(subjectKey(t)));
  return (
    certificates: readonly pkijs.Certificate[],
  ): { anchors: TrustedCertificate[]; extras: TrustedCertificate[] } => {
    for (const c of certificates) {
      const aki = authorityKeyId(c);
      const ski = subjectKeyId(c);
      if (ski) wanted.add(toHex(ski));
      if (aki) wanted.add(toHex(aki));
      else for (const name of [c.issuer, c.subject]) wantedNames.add(nameKey(nameText(name)));
    }
    const added = new Set<TrustedCertificate>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of extras) {
        if (chosen.has(t) || !keep(t)) continue;
        chosen.add(t);
        added.add(t);
        if (t.authorityKeyId === null) wantedNames.add(nameKey(t.issuer));
        else wanted.add(t.authorityKeyId);
        grew = true;
      }
    }
    const newAnchors = anchors.filter((t) => !chosen.has(t) && keep(t));
    for (const t of newAnchors) chosen.add(t);
    return { anchors: newAnchors, extras: extras.filter((t) => added.has(t)) };
  };
}

/** The anchors and intermediates of a validation; `widen` adds the profile's for certificates found later. */
export interface ResolvedTrust {
  anchors: pkijs.Certificate[];
  intermediates: pkijs.Certificate[];
  /**
   * The profile's certificates that can link to `certificates` (issuers AIA brought) and were left out so far;
   * nothing when the profile was taken whole.
   */
  widen(certificates: readonly pkijs.Certificate[]): {
    anchors: pkijs.Certificate[];
    intermediates: pkijs.Certificate[];
  };
}

const NOTHING_MORE = () => ({ anchors: [], intermediates: [] });

/**
 * `documentCertificates`: every certificate the document carries (CMS, DSS, timestamp tokens), when known — the
 * profile's certificates are then narrowed to those that can link to them, and `widen` brings those that link to
 * issuers fetched later (AIA, online).
 */
export function resolveTrust(
  options: Pick<ValidateOptions, 'trustAnchors' | 'intermediates' | 'trustProfile'>,
  documentCertificates?: readonly pkijs.Certificate[],
): ResolvedTrust {
  const profile =
    options.trustProfile === undefined
      ? null
      : typeof options.trustProfile === 'string'
        ? trustProfile(options.trustProfile)
        : options.trustProfile;
  const given = readCertificates(options.intermediates);
  const own = readCertificates(options.trustAnchors);
  const certificates = (list: readonly TrustedCertificate[]) => list.map((t) => t.certificate);
  if (!profile || !documentCertificates)
    return {
      anchors: [...certificates(profile?.anchors ?? []), ...own],
      // The caller's first: given intermediates are the more specific choice when several issuers match equally.
      intermediates: [...given, ...certificates(profile?.extraCertificates ?? [])],
      widen: NOTHING_MORE,
    };
  const select = profileSelector(profile.anchors, profile.extraCertificates);
  // The caller's intermediates may need a profile certificate as their issuer, as the document's may.
  const first = select([...documentCertificates, ...given]);
  return {
    anchors: [...certificates(first.anchors), ...own],
    intermediates: [...given, ...certificates(first.extras)],
    widen: (more) => {
      const added = select(more);
      return { anchors: certificates(added.anchors), intermediates: certificates(added.extras) };
    },
  };
}
