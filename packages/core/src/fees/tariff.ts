/**
 * Tariffs as versioned data: each version has an effective period and the legal text it comes from, and each item
 * a rate rule. A new circular is a new `Tariff` value appended to the list, never an edit of the code.
 */
import { FeeError } from './errors.js';

/** What a fee item is charged for. */
export type FeeItemCode =
  /** Certified copy from an original (226/2016 Art. 4 item 1). */
  | 'COPY_FROM_ORIGINAL'
  /** Signature certification, one case = one or more signatures on one paper (item 2). */
  | 'SIGNATURE'
  /** Contract or transaction certification (item 3a). */
  | 'CONTRACT'
  /** Amending, supplementing or cancelling a certified contract (item 3b). */
  | 'CONTRACT_AMENDMENT'
  /** Correcting errors in a certified contract (item 3c). */
  | 'CONTRACT_CORRECTION'
  /** Certified copy from the original of a certified contract (item 3d). */
  | 'CONTRACT_COPY';

interface ItemBase {
  code: FeeItemCode;
  nameVi: string;
  nameEn: string;
  /** Where the rate is written, e.g. `226/2016/TT-BTC Điều 4 mục 1`. */
  legalBasis: string;
}

/** Charged per copy from the page count of the original, with a lower rate after the first pages and a cap. */
export interface PerPageItem extends ItemBase {
  kind: 'per-page';
  unit: 'copy';
  /** How many leading pages are charged at `firstPagesRate` (2 in Circular 226). */
  firstPages: number;
  firstPagesRate: number;
  laterPagesRate: number;
  capPerCopy: number;
}

/** A flat amount per case or per contract. */
export interface FlatItem extends ItemBase {
  kind: 'flat';
  unit: 'case' | 'contract';
  rate: number;
}

export type TariffItem = PerPageItem | FlatItem;

export interface Tariff {
  /** A stable identifier recorded with every fee, e.g. `TT226-2016`. */
  id: string;
  /** First day in force (Vietnam calendar date, YYYY-MM-DD). */
  effectiveFrom: string;
  /** First day no longer in force, or null while in force. */
  effectiveUntil: string | null;
  currency: 'VND';
  legalBasis: string;
  items: readonly TariffItem[];
}

/** The calendar date in Vietnam (UTC+7, no daylight saving) of an instant, as YYYY-MM-DD. */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** The tariff version in force on the Vietnam calendar day of `at`. */
export function tariffAt(at: Date, tariffs: readonly Tariff[]): Tariff {
  if (!(at instanceof Date) || Number.isNaN(at.getTime()))
    throw new FeeError('FEE_NO_TARIFF', { at: String(at) }, 'invalid date');
  const day = vietnamDate(at);
  let found: Tariff | undefined;
  for (const t of tariffs) {
    if (t.effectiveFrom <= day && (t.effectiveUntil === null || day < t.effectiveUntil)) {
      if (!found || t.effectiveFrom > found.effectiveFrom) found = t;
    }
  }
  if (!found) throw new FeeError('FEE_NO_TARIFF', { date: day });
  return found;
}

export function tariffItem(tariff: Tariff, code: FeeItemCode): TariffItem {
  const item = tariff.items.find((i) => i.code === code);
  if (!item) throw new FeeError('FEE_UNKNOWN_ITEM', { item: code, tariff: tariff.id });
  return item;
}

/** Checks a tariff's shape and that every amount is a whole, non-negative number of đồng. */
export function validateTariff(t: Tariff): Tariff {
  const bad = (why: string): never => {
    throw new FeeError('FEE_BAD_TARIFF', { tariff: t?.id, reason: why }, why);
  };
  if (!t || typeof t.id !== 'string' || !t.id) bad('missing id');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t.effectiveFrom)) bad('effectiveFrom must be YYYY-MM-DD');
  if (
    t.effectiveUntil !== null &&
    !(/^\d{4}-\d{2}-\d{2}$/.test(t.effectiveUntil) && t.effectiveUntil > t.effectiveFrom)
  )
    bad('effectiveUntil must be a later YYYY-MM-DD or null');
  const vnd = (n: number) => Number.isSafeInteger(n) && n >= 0;
  const seen = new Set<string>();
  for (const i of t.items) {
    if (seen.has(i.code)) bad(`item ${i.code} twice`);
    seen.add(i.code);
    if (i.kind === 'per-page') {
      if (
        ![i.firstPagesRate, i.laterPagesRate, i.capPerCopy].every(vnd) ||
        !(Number.isInteger(i.firstPages) && i.firstPages >= 0)
      )
        bad(`item ${i.code} rates`);
    } else if (i.kind === 'flat') {
      if (!vnd(i.rate)) bad(`item ${i.code} rate`);
    } else bad('unknown item kind');
  }
  return t;
}
