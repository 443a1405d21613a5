/**
 * Where things go in the appearance box (PDF units, origin bottom-left). Images sit on the left, text on the
 * right; when that leaves the text too little room, images go on top and text below. With both images, the seal
 * is drawn over the signature image, covering its left third, as a paper seal overlaps the signature (Decree
 * 30/2020 Art. 33.1.b).
 */
import { fitText, type FittedText, type FontMetrics } from './text-fit.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutInput {
  width: number;
  height: number;
  lines: readonly string[];
  /** Width / height of each image, when there is one. */
  signatureAspect?: number;
  sealAspect?: number;
  /** The images' group drawn exactly this tall (points) on the left when the box holds it: a seal at real size. */
  imageHeight?: number;
  maxFontSize: number;
  font: FontMetrics;
}

export interface PlacedLine {
  text: string;
  /** Start of the baseline. */
  x: number;
  y: number;
}

export interface AppearanceLayout {
  arrangement: 'text' | 'images' | 'images-left' | 'images-top';
  signature?: Rect;
  seal?: Rect;
  text?: { rect: Rect; fitted: FittedText; lines: PlacedLine[] };
}

/** Signature image height relative to the seal's when both are shown. */
export const SIGNATURE_TO_SEAL_HEIGHT = 0.75;
/** Images take at most this share of the width when beside the text. */
const IMAGE_SHARE = 0.5;
/** Images take this share of the height when above the text. */
const IMAGE_SHARE_TOP = 0.45;
/** Images go on top only when that makes the text this much larger. */
const TOP_GAIN = 1.25;

/** Images as a group: width per unit of height, and where each sits for a given height. */
function imageGroup(
  sigAspect?: number,
  sealAspect?: number,
): { perHeight: number; place(x: number, y: number, h: number): { signature?: Rect; seal?: Rect } } {
  if (sigAspect && sealAspect) {
    const sig = sigAspect * SIGNATURE_TO_SEAL_HEIGHT; // signature width per unit of group height
    const sealOut = Math.max(0, sealAspect - sig / 3); // how far the seal sticks out left of the signature
    return {
      perHeight: sealOut + sig,
      place(x, y, h) {
        const sigRect = {
          x: x + sealOut * h,
          y: y + (h * (1 - SIGNATURE_TO_SEAL_HEIGHT)) / 2,
          width: sig * h,
          height: h * SIGNATURE_TO_SEAL_HEIGHT,
        };
        // The seal's right edge is at one third of the signature image's width.
        const sealRect = { x: sigRect.x + sigRect.width / 3 - sealAspect * h, y, width: sealAspect * h, height: h };
        return { signature: sigRect, seal: sealRect };
      },
    };
  }
  const aspect = sigAspect ?? sealAspect ?? 1;
  return {
    perHeight: aspect,
    place(x, y, h) {
      const r = { x, y, width: aspect * h, height: h };
      return sigAspect ? { signature: r } : { seal: r };
    },
  };
}

export function layoutAppearance(input: LayoutInput): AppearanceLayout {
  const { width: W, height: H, lines, font, maxFontSize } = input;
  const pad = Math.min(4, Math.min(W, H) * 0.05);
  const inner: Rect = { x: pad, y: pad, width: W - 2 * pad, height: H - 2 * pad };
  const hasImages = Boolean(input.signatureAspect || input.sealAspect);
  const hasText = lines.length > 0;

  const textIn = (rect: Rect): AppearanceLayout['text'] => {
    const fitted = fitText(lines, rect.width, rect.height, maxFontSize, font);
    // Centred vertically; left-aligned.
    const top = rect.y + rect.height - (rect.height - fitted.height) / 2;
    const placed = fitted.lines.map((text, i) => ({
      text,
      x: rect.x,
      y: top - font.ascent * fitted.size - i * fitted.leading,
    }));
    return { rect, fitted, lines: placed };
  };

  if (!hasImages) return { arrangement: 'text', text: hasText ? textIn(inner) : undefined };
  const group = imageGroup(input.signatureAspect, input.sealAspect);
  type Align = 'left' | 'top' | 'centre';
  const fitGroup = (area: Rect, align: Align): { signature?: Rect; seal?: Rect; width: number; height: number } => {
    const h = Math.min(area.height, area.width / group.perHeight);
    const w = h * group.perHeight;
    const x = area.x + (align === 'left' ? 0 : (area.width - w) / 2);
    const y = area.y + (align === 'top' ? area.height - h : (area.height - h) / 2);
    return { ...group.place(x, y, h), width: w, height: h };
  };
  if (!hasText) {
    const { signature, seal } = fitGroup(inner, 'centre');
    return { arrangement: 'images', signature, seal };
  }

  const gap = pad;
  // A fixed image height (a seal at its real size): images left at that height, the text in what remains.
  const fixed = input.imageHeight;
  if (fixed && fixed <= inner.height + 0.01 && fixed * group.perHeight <= inner.width - (hasText ? gap : 0) + 0.01) {
    const placed = group.place(inner.x, inner.y + (inner.height - fixed) / 2, fixed);
    const w = fixed * group.perHeight;
    if (!hasText) return { arrangement: 'images', ...placed };
    return {
      arrangement: 'images-left',
      ...placed,
      text: textIn({ x: inner.x + w + gap, y: inner.y, width: inner.width - w - gap, height: inner.height }),
    };
  }
  // Images left, text right.
  const left = fitGroup({ ...inner, width: inner.width * IMAGE_SHARE }, 'left');
  const rightRect: Rect = {
    x: inner.x + left.width + gap,
    y: inner.y,
    width: inner.width - left.width - gap,
    height: inner.height,
  };
  const beside: AppearanceLayout = {
    arrangement: 'images-left',
    signature: left.signature,
    seal: left.seal,
    text: textIn(rightRect),
  };
  // Images on top, text below.
  const topArea: Rect = {
    x: inner.x,
    y: inner.y + inner.height * (1 - IMAGE_SHARE_TOP),
    width: inner.width,
    height: inner.height * IMAGE_SHARE_TOP,
  };
  const above = fitGroup(topArea, 'top');
  const belowRect: Rect = { x: inner.x, y: inner.y, width: inner.width, height: inner.height - above.height - gap };
  const stacked: AppearanceLayout = {
    arrangement: 'images-top',
    signature: above.signature,
    seal: above.seal,
    text: textIn(belowRect),
  };

  const score = (l: AppearanceLayout): number => (l.text!.fitted.complete ? l.text!.fitted.size : 0);
  return score(stacked) > score(beside) * TOP_GAIN ? stacked : beside;
}
