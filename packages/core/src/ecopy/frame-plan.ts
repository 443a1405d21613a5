/**
 * The e-copy's pages as frames: each page of the original is scaled into its own area of a frame page, and the
 * conversion mark and the statement sit in bands reserved outside that area (or the statement on an added
 * certification page), so nothing is ever drawn over the scan. Pure geometry in display coordinates (origin at
 * the lower-left of the page as shown, y up); sizes are data (FRAME_LAYOUT).
 */
import { MARK_LAYOUT } from './layout.js';
import type { MarkPlacement, PageRect, StatementPlacement } from './types.js';
import { elementAt } from '../collections/element-at.js';

export const FRAME_LAYOUT = {
  /** The frame's own sheet for small originals. */
  sheet: [595.28, 841.89] as const,
  /** Originals no larger than A5 (in either orientation) are small: cards, receipts. They go on an A4 sheet at real size. */
  small: [419.53, 595.28] as const,
  /** The band at the top of the first page that holds the conversion mark. */
  markBand: MARK_LAYOUT.height + 2 * MARK_LAYOUT.inset,
  /** Around small originals on their sheet, and between two sides shown on one sheet. */
  margin: 18,
  gap: 14,
  /** `auto` keeps the statement on the last page when the scan keeps at least this share of the size it has without the band. */
  autoKeep: 0.85,
  /** `last-page` refuses when the scan would be shown smaller than this. */
  minScale: 0.25,
} as const;

/** The ID card (CCCD) size, ISO/IEC 7810 ID-1: 85.6 × 54 mm. */
export const CARD_SIZE: readonly [number, number] = [(85.6 / 25.4) * 72, (54 / 25.4) * 72];

/** One page of the original as shown (its visible box turned by /Rotate, or an image's size). */
export interface OriginalSize {
  width: number;
  height: number;
  /** The sheet an image scan was fitted to (no known resolution): the frame keeps that sheet. */
  sheet?: { width: number; height: number };
}

/** Where one page of the original is drawn: `area` holds its whole visible box, scaled by `scale`. */
export interface Slot {
  original: number;
  area: PageRect;
  scale: number;
}

export interface Frame {
  width: number;
  height: number;
  slots: Slot[];
  /** The mark's band (the first frame, or the statement's frame when the mark goes with the statement). */
  markBand?: PageRect;
  /** The statement's band (the last frame when the statement is under the scan). */
  statementBand?: PageRect;
}

export interface FramePlan {
  frames: Frame[];
  /** The statement needs an added page (a certification page). */
  statementOnAddedPage: boolean;
}

export const isSmall = (o: { width: number; height: number }): boolean => {
  const [a, b] = FRAME_LAYOUT.small;
  const lo = Math.min(o.width, o.height);
  const hi = Math.max(o.width, o.height);
  return lo <= a + 0.5 && hi <= b + 0.5;
};

/**
 * Plans the frames. `together`: pages that may share a frame (image scans: two small sides, a card's front and
 * back, go on one sheet). `statementBand(size)` is the height the statement needs at the bottom of a frame of that
 * size, undefined when it cannot be laid out there.
 */
export function planFrames(
  originals: readonly OriginalSize[],
  opts: {
    together: boolean;
    placement: StatementPlacement;
    /** Where the mark goes: over the first page's scan, or with the statement (its band's page, or the added page). */
    mark?: MarkPlacement;
    statementBand: (size: { width: number; height: number }) => number | undefined;
  },
): FramePlan | { error: 'statement'; page: number } {
  const groups: number[][] =
    opts.together && originals.length === 2 && originals.every(isSmall) ? [[0, 1]] : originals.map((_, i) => [i]);
  const last = groups.length - 1;
  const withStatement = opts.mark === 'statement-page';
  const frames = groups.map((g, i) => frameFor(g, originals, i === 0 && !withStatement ? FRAME_LAYOUT.markBand : 0, 0));

  let statementOnAddedPage = opts.placement === 'new-page';
  if (opts.placement !== 'new-page') {
    const without = elementAt(frames, last);
    const band = opts.statementBand(without);
    const top = last === 0 || withStatement ? FRAME_LAYOUT.markBand : 0;
    const withBand = band === undefined ? undefined : frameFor(elementAt(groups, last), originals, top, band);
    const kept = withBand ? Math.min(...withBand.slots.map((s, k) => s.scale / elementAt(without.slots, k).scale)) : 0;
    const smallest = withBand ? Math.min(...withBand.slots.map((s) => s.scale)) : 0;
    const ok = withBand !== undefined && smallest >= FRAME_LAYOUT.minScale;
    if (opts.placement === 'last-page' && !ok) return { error: 'statement', page: last + 1 };
    if (ok && (opts.placement === 'last-page' || kept >= FRAME_LAYOUT.autoKeep - 1e-9)) frames[last] = withBand!;
    else statementOnAddedPage = true;
  }
  return { frames, statementOnAddedPage };
}

/** A frame for a group of pages, with `top` and `bottom` bands kept free; the pages stacked, centred, top-aligned. */
function frameFor(group: number[], originals: readonly OriginalSize[], top: number, bottom: number): Frame {
  const pages = group.map((i) => elementAt(originals, i));
  const first = elementAt(pages, 0); // a group is never empty
  const small = pages.every(isSmall);
  let sheet =
    group.length === 1 && first.sheet
      ? first.sheet
      : small
        ? { width: FRAME_LAYOUT.sheet[0], height: FRAME_LAYOUT.sheet[1] }
        : { width: first.width, height: first.height };
  // A low, wide page (a strip) would shrink to nothing under the mark's band alone: the frame grows by the band.
  if (!small && bottom === 0 && sheet.height - top < FRAME_LAYOUT.minScale * sheet.height)
    sheet = { width: sheet.width, height: sheet.height + top };
  const margin = small ? FRAME_LAYOUT.margin : 0;
  const gap = FRAME_LAYOUT.gap;
  const widest = Math.max(...pages.map((p) => p.width));
  // A small original as wide as the sheet (A5 landscape) gives up the side margins, not its real size.
  const areaW = sheet.width - 2 * Math.max(0, Math.min(margin, (sheet.width - widest) / 2));
  const areaH = sheet.height - top - bottom - 2 * margin - gap * (pages.length - 1);
  const tall = pages.reduce((s, p) => s + p.height, 0);
  // Small originals at real size when they fit; others scaled to fill their area (never enlarged). A page wider than
  // its room by rounding noise only (an A4 width given as 595.2800000000001) fits: a millionth of a point is not seen.
  const ratio = (room: number, need: number) => (room >= need - 1e-6 ? 1 : room / need);
  const scale = Math.max(0, Math.min(1, ratio(areaW, widest), ratio(areaH, tall)));
  let cursor = sheet.height - top - margin;
  const slots = pages.map((page, k) => {
    const original = elementAt(group, k);
    const w = page.width * scale;
    const h = page.height * scale;
    const area = { x: (sheet.width - w) / 2, y: cursor - h, width: w, height: h };
    cursor -= h + gap;
    return { original, area, scale };
  });
  return {
    width: sheet.width,
    height: sheet.height,
    slots,
    markBand: top > 0 ? { x: 0, y: sheet.height - top, width: sheet.width, height: top } : undefined,
    statementBand: bottom > 0 ? { x: 0, y: 0, width: sheet.width, height: bottom } : undefined,
  };
}
