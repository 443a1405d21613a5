/**
 * The fee of a certification request: copies of one or more originals (Circular 226 Art. 4 items 1 and 3d) and
 * flat-rate services (items 2, 3a–3c), as line items that each name their legal basis. Integer VND throughout.
 */
import { FeeError } from './errors.js';
import { resolveFeePolicy, type FeePolicy } from './fee-policy.js';
import {
  tariffAt,
  tariffItem,
  vietnamDate,
  type FeeItemCode,
  type FlatItem,
  type PerPageItem,
  type Tariff,
} from './tariff.js';

/** One original to be copied. */
export interface OriginalForFee {
  /** Pages of the ORIGINAL (the fee is counted on them, not on the copy). Omit for a `doubleSidedCard`. */
  pages?: number;
  /** A two-sided single-sheet original (an ID card): its pages come from the policy's `doubleSidedCardPages`. */
  doubleSidedCard?: boolean;
  /** Paper copies certified from it (default 0). */
  paperCopies?: number;
  /** Whether an electronic copy is certified from it too (default false). */
  electronicCopy?: boolean;
  /** Item 1 (default) or item 3d for copies of a certified contract. */
  item?: 'COPY_FROM_ORIGINAL' | 'CONTRACT_COPY';
  /** A name for the line items (e.g. the document's title). */
  label?: string;
}

/** A flat-rate certification: `count` cases or contracts. */
export interface ServiceForFee {
  item: 'SIGNATURE' | 'CONTRACT' | 'CONTRACT_AMENDMENT' | 'CONTRACT_CORRECTION';
  count?: number;
  label?: string;
}

export interface FeeRequest {
  originals?: readonly OriginalForFee[];
  services?: readonly ServiceForFee[];
  /** The day whose tariff applies (default now). */
  at?: Date;
}

export interface FeeLine {
  item: FeeItemCode;
  /** The original's number in the request, counted from 1, for copy lines. */
  original?: number;
  label?: string;
  descriptionVi: string;
  descriptionEn: string;
  legalBasis: string;
  /** Pages of the original the fee counts (a two-sided card counts as the policy's `doubleSidedCardPages`). */
  pages?: number;
  /** A two-sided card, counted as one original whatever its sides. */
  card?: boolean;
  /** How one copy's fee splits over the pages: e.g. 2 pages × 2,000 then 8 pages × 1,000 (before any cap). */
  pageRates?: { pages: number; rate: number }[];
  /** 'paper' | 'electronic' for copy lines. */
  medium?: 'paper' | 'electronic';
  quantity: number;
  unit: 'copy' | 'case' | 'contract';
  /** VND per unit. */
  unitAmount: number;
  /** VND, quantity × unitAmount (0 for a waived line). */
  amount: number;
  /** The per-copy cap applied to this original. */
  capped?: boolean;
  /** Why a line costs nothing: the parallel e-copy's fee was collected once with the paper copies (a policy, not an exemption). */
  waiver?: { code: 'ELECTRONIC_COPY_PARALLEL'; basis: string };
}

export interface FeeQuote {
  currency: 'VND';
  /** VND. */
  total: number;
  lines: FeeLine[];
  tariff: { id: string; legalBasis: string; effectiveFrom: string };
  /** The Vietnam calendar day the tariff was chosen for. */
  date: string;
  policy: { electronicCopyFreeWhenParallel: boolean; doubleSidedCardPages: 1 | 2 };
}

/** The parallel-copy rule's basis as DOMAIN.md §2.4 knows it: an administrative policy, not a cited legal text. */
export const PARALLEL_ECOPY_BASIS =
  'Chính sách thu phí một lần khi cấp song song bản sao giấy và bản sao điện tử (không thu thêm phí cho bản điện tử)';

/** The fee of one copy of an original of `pages` pages: 2,000/page for pages 1–2, 1,000/page from page 3, at most 200,000 (per item data). */
export function perCopyFee(
  pages: number,
  item: PerPageItem,
): { amount: number; capped: boolean; pageRates: { pages: number; rate: number }[] } {
  checkPages(pages);
  const first = Math.min(pages, item.firstPages);
  const later = Math.max(0, pages - item.firstPages);
  const pageRates = [
    { pages: first, rate: item.firstPagesRate },
    ...(later > 0 ? [{ pages: later, rate: item.laterPagesRate }] : []),
  ];
  const raw = pageRates.reduce((sum, r) => sum + r.pages * r.rate, 0);
  return raw > item.capPerCopy
    ? { amount: item.capPerCopy, capped: true, pageRates }
    : { amount: raw, capped: false, pageRates };
}

/** "2 × 2.000 + 8 × 1.000" (pages × rate), as the fee lines and the CLI show the split. */
export function formatPageRates(rates: readonly { pages: number; rate: number }[]): string {
  return rates.map((r) => `${r.pages} × ${formatVnd(r.rate).replace(/ đ$/, '')}`).join(' + ');
}

/** The whole request's fee with its line items. */
export function computeFee(request: FeeRequest, policyIn: Partial<FeePolicy> = {}): FeeQuote {
  const policy = resolveFeePolicy(policyIn);
  const originals = request.originals ?? [];
  const services = request.services ?? [];
  if (!Array.isArray(originals) || !Array.isArray(services) || originals.length + services.length === 0)
    throw new FeeError('FEE_EMPTY_REQUEST');
  const at = request.at ?? new Date();
  const tariff = tariffAt(at, policy.tariffs);
  const lines: FeeLine[] = [];
  originals.forEach((o, index) => lines.push(...copyLines(o, index, tariff, policy)));
  for (const s of services) lines.push(serviceLine(s, tariff));
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  if (!Number.isSafeInteger(total)) throw new FeeError('FEE_BAD_COPIES', { total }, 'the total is too large');
  return {
    currency: 'VND',
    total,
    lines,
    tariff: { id: tariff.id, legalBasis: tariff.legalBasis, effectiveFrom: tariff.effectiveFrom },
    date: vietnamDate(at),
    policy: {
      electronicCopyFreeWhenParallel: policy.electronicCopyFreeWhenParallel,
      doubleSidedCardPages: policy.doubleSidedCardPages,
    },
  };
}

/** Copies only: `computeCopyFee({ originals: [{ pages, paperCopies, electronicCopy }] })` (DOMAIN.md §12.2). */
export function computeCopyFee(
  request: { originals: readonly OriginalForFee[]; at?: Date },
  policy: Partial<FeePolicy> = {},
): FeeQuote {
  return computeFee({ originals: request.originals, at: request.at }, policy);
}

/** The page count the fee uses for an original (the card rule applied). */
export function chargeablePages(o: OriginalForFee, policyIn: Partial<FeePolicy> = {}): number {
  const policy = resolveFeePolicy(policyIn);
  if (o.doubleSidedCard) {
    if (o.pages !== undefined && o.pages !== 1 && o.pages !== 2)
      throw new FeeError('FEE_BAD_PAGES', { pages: o.pages }, 'a two-sided card has one sheet');
    return policy.doubleSidedCardPages;
  }
  checkPages(o.pages);
  return o.pages as number;
}

function copyLines(o: OriginalForFee, index: number, tariff: Tariff, policy: FeePolicy): FeeLine[] {
  const code = o.item ?? 'COPY_FROM_ORIGINAL';
  const item = tariffItem(tariff, code);
  if (item.kind !== 'per-page') throw new FeeError('FEE_WRONG_ITEM_KIND', { item: code });
  const pages = chargeablePages(o, policy);
  const paper = o.paperCopies ?? 0;
  if (!Number.isSafeInteger(paper) || paper < 0)
    throw new FeeError('FEE_BAD_COPIES', { original: index, paperCopies: paper });
  if (o.electronicCopy !== undefined && typeof o.electronicCopy !== 'boolean')
    throw new FeeError('FEE_BAD_COPIES', { original: index, electronicCopy: o.electronicCopy });
  const electronic = o.electronicCopy === true;
  if (paper === 0 && !electronic) throw new FeeError('FEE_NO_COPIES', { original: index });
  const { amount: unit, capped, pageRates } = perCopyFee(pages, item);
  const card = o.doubleSidedCard === true;
  const base = {
    item: code,
    original: index + 1,
    label: o.label,
    legalBasis: item.legalBasis,
    pages,
    ...(card ? { card } : {}),
    pageRates,
    unit: 'copy' as const,
    unitAmount: unit,
    capped,
  };
  const split = formatPageRates(pageRates);
  const originalVi = `bản chính số ${index + 1}${card ? ` là thẻ, tính ${pages} trang dù có hai mặt` : `, ${pages} trang`} (${split}${capped ? `; mức tối đa ${formatVnd(unit)}` : ''})`;
  const originalEn = `original no. ${index + 1}${card ? `, a card counted as ${pages} page${pages === 1 ? '' : 's'} whatever its sides` : `, ${pages} page${pages === 1 ? '' : 's'}`} (${split}${capped ? `; capped at ${formatVnd(unit)}` : ''})`;
  const lines: FeeLine[] = [];
  if (paper > 0) {
    lines.push({
      ...base,
      descriptionVi: `${item.nameVi}: ${originalVi}, ${paper} bản sao giấy`,
      descriptionEn: `${item.nameEn}: ${originalEn}, ${paper} paper ${paper === 1 ? 'copy' : 'copies'}`,
      medium: 'paper',
      quantity: paper,
      amount: paper * unit,
    });
  }
  if (electronic) {
    const waived = paper > 0 && policy.electronicCopyFreeWhenParallel;
    lines.push({
      ...base,
      descriptionVi: `${item.nameVi}: ${originalVi}, 1 bản sao điện tử${waived ? ' (cấp song song với bản giấy: phí đã thu một lần, theo chính sách)' : ''}`,
      descriptionEn: `${item.nameEn}: ${originalEn}, 1 electronic copy${waived ? ' (issued in parallel with paper copies: the fee was collected once, by policy)' : ''}`,
      medium: 'electronic',
      quantity: 1,
      unitAmount: waived ? 0 : unit,
      amount: waived ? 0 : unit,
      ...(waived ? { waiver: { code: 'ELECTRONIC_COPY_PARALLEL' as const, basis: PARALLEL_ECOPY_BASIS } } : {}),
    });
  }
  return lines;
}

function serviceLine(s: ServiceForFee, tariff: Tariff): FeeLine {
  const item = tariffItem(tariff, s.item);
  if (item.kind !== 'flat') throw new FeeError('FEE_WRONG_ITEM_KIND', { item: s.item });
  const count = s.count ?? 1;
  if (!Number.isSafeInteger(count) || count < 1) throw new FeeError('FEE_BAD_COUNT', { item: s.item, count });
  const flat = item as FlatItem;
  const unitVi = flat.unit === 'case' ? 'trường hợp' : 'hợp đồng, giao dịch';
  return {
    item: s.item,
    label: s.label,
    descriptionVi: `${flat.nameVi}: ${count} ${unitVi}`,
    descriptionEn: `${flat.nameEn}: ${count} ${flat.unit === 'case' ? (count === 1 ? 'case' : 'cases') : count === 1 ? 'contract' : 'contracts'}`,
    legalBasis: flat.legalBasis,
    quantity: count,
    unit: flat.unit,
    unitAmount: flat.rate,
    amount: count * flat.rate,
  };
}

function checkPages(pages: unknown): void {
  if (typeof pages !== 'number' || !Number.isSafeInteger(pages) || pages < 1)
    throw new FeeError('FEE_BAD_PAGES', { pages: String(pages) });
}

/** `24000` → `24.000 đ` (Vietnamese digit grouping). */
export function formatVnd(amount: number): string {
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đ`;
}
