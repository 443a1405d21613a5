/** Certification fees: versioned tariffs (Circular 226/2016/TT-BTC seeded), the policy flags and the calculator. */
export { FeeError, FEE_MESSAGES, type FeeErrorCode } from './errors.js';
export {
  tariffAt,
  tariffItem,
  validateTariff,
  vietnamDate,
  type Tariff,
  type TariffItem,
  type PerPageItem,
  type FlatItem,
  type FeeItemCode,
} from './tariff.js';
export { CIRCULAR_226_2016, TARIFFS } from './circular-226-2016.js';
export { DEFAULT_FEE_POLICY, resolveFeePolicy, type FeePolicy } from './fee-policy.js';
export {
  computeFee,
  computeCopyFee,
  perCopyFee,
  chargeablePages,
  formatVnd,
  formatPageRates,
  PARALLEL_ECOPY_BASIS,
  type FeeRequest,
  type FeeQuote,
  type FeeLine,
  type OriginalForFee,
  type ServiceForFee,
} from './compute-fee.js';
