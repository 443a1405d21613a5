/**
 * The frame plan's promises for any original (fast-check): every page of the original is placed once, whole, inside
 * its frame, never enlarged and uniformly scaled; the mark's band and the statement's band never meet a scan's
 * area; small originals are at real size; `auto` never shrinks the last page's scan below FRAME_LAYOUT.autoKeep of
 * what it would be without the band, `last-page` never below FRAME_LAYOUT.minScale.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planFrames, isSmall, FRAME_LAYOUT, type FramePlan, type OriginalSize } from '../src/ecopy/frame-plan.js';
import type { MarkPlacement, PageRect, StatementPlacement } from '@kyso/core';

const meets = (a: PageRect, b: PageRect): boolean =>
  a.x < b.x + b.width - 1e-6 &&
  b.x < a.x + a.width - 1e-6 &&
  a.y < b.y + b.height - 1e-6 &&
  b.y < a.y + a.height - 1e-6;
const inside = (a: PageRect, w: number, h: number): boolean =>
  a.x >= -1e-6 && a.y >= -1e-6 && a.x + a.width <= w + 1e-6 && a.y + a.height <= h + 1e-6;

const side = fc.oneof(fc.double({ min: 72, max: 3000, noNaN: true }), fc.constantFrom(72, 80, 100, 14_400));
const original = fc.record({ width: side, height: side });
const placement = fc.constantFrom<StatementPlacement>('auto', 'last-page', 'new-page');
const markPlacement = fc.constantFrom<MarkPlacement>('first-page', 'statement-page');
/** A statement band like the real one: about 260 pt, or none when the frame is too small for it. */
const band = (size: { width: number; height: number }): number | undefined =>
  size.width >= 200 && size.height >= 300 ? 260 : undefined;

describe('planFrames', () => {
  it('places every page whole, once, inside its frame, with the bands outside every scan area', () => {
    fc.assert(
      fc.property(
        fc.array(original, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        placement,
        markPlacement,
        (originals, together, where, mark) => {
          const plan = planFrames(originals, { together, placement: where, mark, statementBand: band });
          if ('error' in plan) {
            expect(where).toBe('last-page');
            return;
          }
          check(plan, originals, where, mark);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a strip as wide as A4 but for rounding noise is still at real size (a case the property once found)', () => {
    const originals = [{ width: 595.2800000000001, height: 72 }];
    const plan = planFrames(originals, {
      together: false,
      placement: 'new-page',
      mark: 'first-page',
      statementBand: band,
    });
    if ('error' in plan) throw new Error('no plan');
    check(plan, originals, 'new-page', 'first-page');
    expect(plan.frames[0]?.slots[0]?.scale).toBe(1);
  });

  it('two small sides share one A4 sheet at real size, with the statement under them', () => {
    const card = { width: 242.65, height: 153.07 };
    const plan = planFrames([card, card], { together: true, placement: 'auto', statementBand: band }) as FramePlan;
    expect(plan.frames).toHaveLength(1);
    expect(plan.statementOnAddedPage).toBe(false);
    expect(plan.frames[0].slots.map((s) => s.scale)).toEqual([1, 1]);
    expect([plan.frames[0].width, plan.frames[0].height]).toEqual([...FRAME_LAYOUT.sheet]);
  });

  it('with the mark on the certification page, every page of a long A4 original is shown at full size', () => {
    const a4 = { width: 595.28, height: 841.89 };
    const plan = planFrames([a4, a4, a4], {
      together: false,
      placement: 'new-page',
      mark: 'statement-page',
      statementBand: band,
    }) as FramePlan;
    expect(plan.frames.flatMap((f) => f.slots.map((s) => s.scale))).toEqual([1, 1, 1]);
  });

  it('a full A4 page: auto gives a certification page, last-page a band with the page shown smaller', () => {
    const a4 = { width: 595.28, height: 841.89 };
    const auto = planFrames([a4], { together: false, placement: 'auto', statementBand: band }) as FramePlan;
    expect(auto.statementOnAddedPage).toBe(true);
    expect(auto.frames[0].slots[0].scale).toBeCloseTo((841.89 - FRAME_LAYOUT.markBand) / 841.89, 6);
    const last = planFrames([a4], { together: false, placement: 'last-page', statementBand: band }) as FramePlan;
    expect(last.statementOnAddedPage).toBe(false);
    expect(last.frames[0].slots[0].scale).toBeCloseTo((841.89 - FRAME_LAYOUT.markBand - 260) / 841.89, 6);
  });
});

function check(plan: FramePlan, originals: OriginalSize[], where: StatementPlacement, mark: MarkPlacement): void {
  const placed = plan.frames.flatMap((f) => f.slots.map((s) => s.original)).sort((a, b) => a - b);
  expect(placed).toEqual(originals.map((_, i) => i));
  if (where === 'new-page') expect(plan.statementOnAddedPage).toBe(true);
  plan.frames.forEach((f, i) => {
    // the mark's band: above the first scan, or with the statement (its band's frame; none when it is on an added page)
    const last = i === plan.frames.length - 1;
    expect(f.markBand !== undefined).toBe(mark === 'first-page' ? i === 0 : last && !plan.statementOnAddedPage);
    if (f.statementBand) expect(i).toBe(plan.frames.length - 1);
    for (const s of f.slots) {
      const o = originals[s.original];
      expect(s.scale).toBeGreaterThan(0);
      expect(s.scale).toBeLessThanOrEqual(1);
      expect(s.area.width).toBeCloseTo(o.width * s.scale, 6);
      expect(s.area.height).toBeCloseTo(o.height * s.scale, 6);
      expect(inside(s.area, f.width, f.height)).toBe(true);
      for (const b of [f.markBand, f.statementBand]) if (b) expect(meets(s.area, b)).toBe(false);
      for (const t of f.slots) if (t !== s) expect(meets(s.area, t.area)).toBe(false);
      if (f.statementBand && where === 'last-page') expect(s.scale).toBeGreaterThanOrEqual(FRAME_LAYOUT.minScale);
      // the mark's band alone never shrinks a scan below minScale (a low strip's frame grows instead)
      if (!f.statementBand) expect(s.scale).toBeGreaterThanOrEqual(FRAME_LAYOUT.minScale);
      // a small original alone on its sheet, with no statement band, is at real size
      if (isSmall(o) && f.slots.length === 1 && !f.statementBand) expect(s.scale).toBe(1);
    }
  });
}
