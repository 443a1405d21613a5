/** E-copy certification end to end (plan → reserve → build, sign, complete), paper copies, and refusals. */
export { CertificationError, CERTIFY_MESSAGES, type CertifyErrorCode } from './errors.js';
export {
  certifyElectronicCopy,
  planElectronicCopy,
  issueElectronicCopy,
  type CertifyElectronicCopyInput,
  type CertifyRegister,
  type CertifiedElectronicCopy,
  type ElectronicCopyPlan,
} from './certify-electronic-copy.js';
export { certifyPaperCopies, type CertifyPaperCopiesInput } from './certify-paper-copies.js';
export {
  refuseCertification,
  refusalSlip,
  type RefuseCertificationInput,
  type RefusalResult,
} from './refuse-certification.js';
export { DEFAULT_CERTIFIER_TITLES, withCertifierTitle } from './certifier-title.js';
export {
  appointmentSlip,
  appointmentSlipLines,
  APPOINTMENT_SLIP_LAYOUT,
  type AppointmentSlipInput,
  type AppointmentSlip,
} from './appointment-slip.js';
