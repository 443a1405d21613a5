/** The anchors and path-building pool of a validation: the caller's certificates plus the trust profile's. */
import type * as pkijs from 'pkijs';
import { toHex } from '../revocation/bytes.js';
import { authorityKeyId, subjectKeyId } from '../revocation/certificates.js';
import { nameText } from '../trust/names.js';
import type { MoreCertificates } from '../trust/trust-path.js';
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
 * The profile's certificates that can take part in a path from the document's certificates. Path building links a
 * certificate to an issuer with its issuer's name, and whose SKI equals its AKI when both are present (isIssuerOf),
 * and ends at an anchor with a document certificate's name and key: so an extra certificate is kept when its SKI is
 * the AKI of a document certificate or of an extra kept so far, an anchor when its SKI is one of those AKIs or a
 * document certificate's own SKI. A certificate without an AKI (a root the document carries) links by name alone:
 * profile certificates whose subject has the key (nameKey) of its issuer or subject are kept too. A profile
 * certificate without an SKI is always kept. Nothing that could be in a path is left out, and most files need only
 * a few of the bundled certificates parsed.
 */
function usableFor(
  documentCertificates: readonly pkijs.Certificate[],
  anchors: readonly TrustedCertificate[],
  extras: readonly TrustedCertificate[],
): { anchors: readonly TrustedCertificate[]; extras: readonly TrustedCertificate[] } {
  const wanted = new Set<string>();
  const wantedNames = new Set<string>();
  for (const c of documentCertificates) {
    const aki = authorityKeyId(c);
    const ski = subjectKeyId(c);
    if (ski) wanted.add(toHex(ski));
    if (aki) wanted.add(toHex(aki));
    else for (const name of [c.issuer, c.subject]) wantedNames.add(nameKey(nameText(name)));
  }
  const keep = (t: TrustedCertificate) =>
    t.subjectKeyId === null || wanted.has(t.subjectKeyId) || (wantedNames.size > 0 && wantedNames.has(subjectKey(t)));
  const chosen = new Set<TrustedCertificate>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of extras) {
      if (chosen.has(t) || !keep(t)) continue;
      chosen.add(t);
      if (t.authorityKeyId === null) wantedNames.add(nameKey(t.issuer));
      else wanted.add(t.authorityKeyId);
      grew = true;
    }
  }
  return { anchors: anchors.filter(keep), extras: extras.filter((t) => chosen.has(t)) };
}

/**
 * `documentCertificates`: every certificate the document carries (CMS, DSS, timestamp tokens), when known — the
 * profile's certificates are then narrowed to those that can link to them. Online, AIA may bring issuers the
 * document does not carry: `moreFor` offers path building the profile's certificates that link to those as they
 * come (parsing all of a bundled profile's certificates up front took `kyso verify --online` ~100 ms of CPU and
 * ~7 MB of RSS on a file that needed none of them).
 */
export function resolveTrust(
  options: Pick<ValidateOptions, 'trustAnchors' | 'intermediates' | 'trustProfile' | 'online'>,
  documentCertificates?: readonly pkijs.Certificate[],
): {
  anchors: pkijs.Certificate[];
  intermediates: pkijs.Certificate[];
  moreFor?: MoreCertificates;
} {
  const profile =
    options.trustProfile === undefined
      ? null
      : typeof options.trustProfile === 'string'
        ? trustProfile(options.trustProfile)
        : options.trustProfile;
  const given = readCertificates(options.intermediates);
  let anchors: readonly TrustedCertificate[] = profile?.anchors ?? [];
  let extra: readonly TrustedCertificate[] = profile?.extraCertificates ?? [];
  let moreFor: MoreCertificates | undefined;
  const anchorList: pkijs.Certificate[] = [];
  // The caller's intermediates may need a profile certificate as their issuer, as the document's may.
  if (profile && documentCertificates) {
    ({ anchors, extras: extra } = usableFor([...documentCertificates, ...given], anchors, extra));
    // anchors offered later join the list too: a path ending at one is a path to the caller's anchors
    if (options.online) moreFor = offerLater(profile, anchors, extra, (a) => anchorList.push(...a));
  }
  anchorList.push(...anchors.map((a) => a.certificate), ...readCertificates(options.trustAnchors));
  return {
    anchors: anchorList,
    // The caller's first: given intermediates are the more specific choice when several issuers match equally.
    intermediates: [...given, ...extra.map((c) => c.certificate)],
    ...(moreFor ? { moreFor } : {}),
  };
}

/**
 * The profile's certificates not offered yet that can link to certificates AIA brought (usableFor over what is
 * left: what was offered already is closed upward, every issuer of an offered certificate offered with it).
 */
function offerLater(
  profile: { anchors: readonly TrustedCertificate[]; extraCertificates: readonly TrustedCertificate[] },
  offeredAnchors: readonly TrustedCertificate[],
  offeredExtras: readonly TrustedCertificate[],
  onAnchors: (anchors: pkijs.Certificate[]) => void,
): MoreCertificates {
  const offered = new Set<TrustedCertificate>([...offeredAnchors, ...offeredExtras]);
  return (met) => {
    const left = (list: readonly TrustedCertificate[]) => list.filter((t) => !offered.has(t));
    const more = usableFor(met, left(profile.anchors), left(profile.extraCertificates));
    for (const t of [...more.anchors, ...more.extras]) offered.add(t);
    const anchors = more.anchors.map((t) => t.certificate);
    onAnchors(anchors);
    return { anchors, certificates: more.extras.map((t) => t.certificate) };
  };
}
