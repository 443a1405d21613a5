/**
 * The choices DOMAIN.md marks UNCONFIRMED, as data with the defaults it recommends: the parallel e-copy rule
 * (§2.4, an administrative policy layered over Circular 226) and the page count of a two-sided card (§2.2).
 */
import { TARIFFS } from './circular-226-2016.js';
import { FeeError } from './errors.js';
import { validateTariff, type Tariff } from './tariff.js';

export interface FeePolicy {
  /**
   * When one original yields paper copies and an e-copy at once, the e-copy is free: the fee is collected once
   * (DOMAIN.md §2.4). An e-copy without paper copies is charged as one copy either way. Default true.
   */
  electronicCopyFreeWhenParallel: boolean;
  /** Pages counted for a two-sided single-sheet original such as a CCCD card (DOMAIN.md §2.2). Default 1. */
  doubleSidedCardPages: 1 | 2;
  /** The tariff versions to choose from by date (default: every version kyso knows). */
  tariffs: readonly Tariff[];
}

export const DEFAULT_FEE_POLICY: FeePolicy = Object.freeze({
  electronicCopyFreeWhenParallel: true,
  doubleSidedCardPages: 1,
  tariffs: TARIFFS,
});

export function resolveFeePolicy(partial: Partial<FeePolicy> = {}): FeePolicy {
  const policy: FeePolicy = { ...DEFAULT_FEE_POLICY, ...stripUndefined(partial) };
  if (typeof policy.electronicCopyFreeWhenParallel !== 'boolean')
    throw new FeeError('FEE_BAD_POLICY', { field: 'electronicCopyFreeWhenParallel' });
  if (policy.doubleSidedCardPages !== 1 && policy.doubleSidedCardPages !== 2)
    throw new FeeError('FEE_BAD_POLICY', { field: 'doubleSidedCardPages' });
  if (!Array.isArray(policy.tariffs) || policy.tariffs.length === 0)
    throw new FeeError('FEE_BAD_POLICY', { field: 'tariffs' });
  if (policy.tariffs !== TARIFFS) policy.tariffs.forEach(validateTariff);
  return policy;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
