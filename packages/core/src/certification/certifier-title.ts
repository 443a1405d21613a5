/**
 * The title printed above the certifier's name when the caller configures none (DOMAIN.md §6.4: "Some systems show
 * the signer's title"). By the basis of competence (Decree 23/2015 Art. 5 as amended by Decree 280/2025): the
 * Chairman on their own competence, a Vice-Chairman authorised by them, a judicial civil servant assigned. These
 * are the usual titles in practice, UNCONFIRMED against Form 01; a deployment configures its own (CLI
 * --certifier-title / KYSO_CERTIFIER_TITLE, the service's certification.authorities[unit].certifierTitle).
 */
import type { Certifier, CompetenceBasis } from '../register/types.js';

export const DEFAULT_CERTIFIER_TITLES: Readonly<Record<CompetenceBasis, string>> = Object.freeze({
  'own-competence': 'CHỦ TỊCH',
  authorised: 'PHÓ CHỦ TỊCH',
  assigned: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH',
});

/** The certifier with a title: the given one, else the configured default, else the basis's usual title. */
export function withCertifierTitle<C extends Certifier | undefined>(certifier: C, configured?: string): C {
  if (!certifier || typeof certifier !== 'object') return certifier;
  const title =
    (typeof certifier.title === 'string' ? certifier.title.trim() : '') ||
    configured?.trim() ||
    DEFAULT_CERTIFIER_TITLES[certifier.basis];
  return title ? { ...certifier, title } : certifier;
}
