/** Trust profiles: the bundled Vietnamese trust material (`vn`, `vn-all`) and profiles from the caller's certificates. */
export {
  trustProfile,
  customTrustProfile,
  isTrustProfileName,
  TRUST_PROFILE_NAMES,
  TRUST_PROFILE_MESSAGES,
  TrustProfileError,
  type TrustProfile,
  type TrustProfileName,
  type TrustProfileErrorCode,
  type TrustedCertificate,
  type TrustOrigin,
} from './profiles.js';
export type { BundledCertificateRecord } from './bundled-certificate.js';
