/**
 * A page as the reader sees it: the visible box (CropBox within MediaBox) turned by /Rotate. Layout works in
 * display coordinates (origin at the lower-left of the page as shown, y up); `toUser` maps them to the page's
 * default user space, where content and widget rectangles live.
 */
import type { PageRect } from './types.js';

/** PDF 32000-1 Annex C: the largest page side in default user units. */
export const MAX_PAGE_SIDE = 14_400;
/** Smaller than this (about 2.5 cm) is not a page of a paper document. */
export const MIN_PAGE_SIDE = 72;

/** An affine matrix [a b c d e f] as in a PDF `cm`. */
export type Matrix = [number, number, number, number, number, number];

export interface PageFrame {
  /** Width and height as displayed. */
  width: number;
  height: number;
  rotate: 0 | 90 | 180 | 270;
  /** Display coordinates → default user space. */
  matrix: Matrix;
}

/** The frame of a box [llx, lly, urx, ury] (any corner order) turned by `rotate` degrees clockwise. */
export function pageFrame(box: readonly number[], rotate: number): PageFrame | undefined {
  const [x0, y0, x1, y1] = box;
  if (
    box.length !== 4 ||
    x0 === undefined ||
    y0 === undefined ||
    x1 === undefined ||
    y1 === undefined ||
    !box.every(Number.isFinite)
  )
    return undefined;
  const llx = Math.min(x0, x1);
  const urx = Math.max(x0, x1);
  const lly = Math.min(y0, y1);
  const ury = Math.max(y0, y1);
  const w = urx - llx;
  const h = ury - lly;
  if (!(w > 0 && h > 0)) return undefined;
  const r = ((((Math.round(rotate / 90) * 90) % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  switch (r) {
    case 0:
      return { width: w, height: h, rotate: r, matrix: [1, 0, 0, 1, llx, lly] };
    case 90: // shown turned clockwise: the user space's left edge is the top
      return { width: h, height: w, rotate: r, matrix: [0, 1, -1, 0, urx, lly] };
    case 180:
      return { width: w, height: h, rotate: r, matrix: [-1, 0, 0, -1, urx, ury] };
    case 270:
      return { width: h, height: w, rotate: r, matrix: [0, -1, 1, 0, llx, ury] };
  }
}

/** The intersection of two boxes, or undefined when they do not overlap. */
export function intersectBoxes(a: readonly number[], b: readonly number[]): number[] | undefined {
  // A box shorter than four numbers has NaN corners: no overlap.
  const [a0 = NaN, a1 = NaN, a2 = NaN, a3 = NaN] = a;
  const [b0 = NaN, b1 = NaN, b2 = NaN, b3 = NaN] = b;
  const llx = Math.max(Math.min(a0, a2), Math.min(b0, b2));
  const lly = Math.max(Math.min(a1, a3), Math.min(b1, b3));
  const urx = Math.min(Math.max(a0, a2), Math.max(b0, b2));
  const ury = Math.min(Math.max(a1, a3), Math.max(b1, b3));
  return urx > llx && ury > lly ? [llx, lly, urx, ury] : undefined;
}

export function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** `a` then `b` (PDF order: a point goes through `a` first). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  return [
    a[0] * b[0] + a[1] * b[2],
    a[0] * b[1] + a[1] * b[3],
    a[2] * b[0] + a[3] * b[2],
    a[2] * b[1] + a[3] * b[3],
    a[4] * b[0] + a[5] * b[2] + b[4],
    a[4] * b[1] + a[5] * b[3] + b[5],
  ];
}

export function invert(m: Matrix): Matrix {
  const det = m[0] * m[3] - m[1] * m[2];
  const a = m[3] / det;
  const b = -m[1] / det;
  const c = -m[2] / det;
  const d = m[0] / det;
  return [a, b, c, d, -(m[4] * a + m[5] * c), -(m[4] * b + m[5] * d)];
}

/** A display-space rectangle as the user-space rectangle it covers. */
export function toUserRect(frame: PageFrame, r: PageRect): PageRect {
  const [x1, y1] = apply(frame.matrix, r.x, r.y);
  const [x2, y2] = apply(frame.matrix, r.x + r.width, r.y + r.height);
  return { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
}

/**
 * The /Matrix for a Form XObject drawn in display orientation (BBox [0 0 w h]) so that, mapped onto its
 * user-space widget rectangle, it reads upright: only the rotation, translated back into the first quadrant.
 */
export function uprightFormMatrix(frame: PageFrame, w: number, h: number): Matrix {
  switch (frame.rotate) {
    case 0:
      return [1, 0, 0, 1, 0, 0];
    case 90:
      return [0, 1, -1, 0, h, 0];
    case 180:
      return [-1, 0, 0, -1, w, h];
    case 270:
      return [0, -1, 1, 0, 0, w];
  }
}
