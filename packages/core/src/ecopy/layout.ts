/**
 * Where the conversion mark and the statement go, in display coordinates (see page-frame.ts). Pure geometry:
 * measures come from the embedded fonts, nothing is written here. Sizes are data (MARK_LAYOUT,
 * STATEMENT_LAYOUT) so a deployment can see what it gets.
 */
import { wrapLine, type FontMetrics } from '../appearance/text-fit.js';
import type { PageRect } from './types.js';
import type { StatementText } from './wording.js';

export type Face = 'regular' | 'bold';
export type Fonts = Record<Face, FontMetrics>;

export interface PlacedText {
  text: string;
  face: Face;
  size: number;
  /** Start of the baseline. */
  x: number;
  y: number;
}

export const MARK_LAYOUT = {
  /** From the page's top and left edges. */
  inset: 8,
  /** Fits the top margin of an administrative document (Decree 30/2020: 20–25 mm). */
  height: 50,
  maxFontSize: 7.5,
  minFontSize: 4.5,
  maxTextWidth: 250,
  minTextWidth: 90,
  padding: 3,
  qrGap: 2,
  border: 0.6,
} as const;

export const STATEMENT_LAYOUT = {
  margin: 36,
  columnWidth: 280,
  maxFontSize: 13,
  /** Down to this size a smaller font is preferred to wrapping a line. */
  noWrapMinFontSize: 11,
  minFontSize: 8,
  lineSpacing: 1.3,
  /** Below the date, before the certifier's role. */
  headGap: 0.5,
  signatureHeight: 72,
  authorityWidth: 190,
  minAuthorityWidth: 140,
  authorityHeight: 64,
  gap: 8,
} as const;

export interface MarkLayout {
  rect: PageRect;
  qr?: PageRect;
  lines: PlacedText[];
}

/** The mark in the top-left corner, the QR code (when there is a reference) at its left; undefined if it cannot fit. */
export function layoutMark(
  lines: readonly string[],
  withQr: boolean,
  page: { width: number; height: number },
  fonts: Fonts,
): MarkLayout | undefined {
  const L = MARK_LAYOUT;
  const qrSide = withQr ? L.height : 0;
  const left = L.inset + (withQr ? qrSide + L.qrGap : 0);
  const textWidth = Math.min(L.maxTextWidth, page.width - left - L.inset - 2 * L.padding);
  if (textWidth < L.minTextWidth || page.height < L.height + 2 * L.inset) return undefined;
  const innerHeight = L.height - 2 * L.padding;
  const faceOf = (i: number): Face => (i === 0 ? 'bold' : 'regular'); // the title is the distinct sign
  for (let size: number = L.maxFontSize; size >= L.minFontSize; size -= 0.25) {
    const wrapped = lines.flatMap((l, i) =>
      wrapLine(l, textWidth, size, fonts[faceOf(i)]).map((text) => ({ text, face: faceOf(i) })),
    );
    const leading = size * 1.2;
    const ascent = Math.max(fonts.regular.ascent, fonts.bold.ascent);
    const descent = Math.min(fonts.regular.descent, fonts.bold.descent);
    const height = (wrapped.length - 1) * leading + (ascent - descent) * size;
    const widest = Math.max(...wrapped.map((l) => fonts[l.face].widthOf(l.text, size)));
    if (height > innerHeight || widest > textWidth) continue;
    const top = page.height - L.inset;
    const rect = { x: L.inset, y: top - L.height, width: left - L.inset + widest + 2 * L.padding, height: L.height };
    const firstBaseline = top - L.padding - (innerHeight - height) / 2 - ascent * size;
    return {
      rect,
      qr: withQr ? { x: L.inset, y: top - qrSide, width: qrSide, height: qrSide } : undefined,
      lines: wrapped.map((l, i) => ({ ...l, size, x: left + L.padding, y: firstBaseline - i * leading })),
    };
  }
  return undefined;
}

export interface StatementLayout {
  /** Everything the statement occupies, the signature places included. */
  rect: PageRect;
  lines: PlacedText[];
  certifier: PageRect;
  authority: PageRect;
}

/**
 * The statement block: a column at the right (paper practice puts the certifier's block there), lines centred,
 * the certifier's signature between the title and the name (Decree 30/2020 Phụ lục I), the authority's signature
 * at the column's left when there is room, else under the name. `anchor` is where the block sits: the bottom of
 * the page (on the scan's last page) or the top (on an added page). `ceiling` keeps it below the mark.
 */
export function layoutStatement(
  st: StatementText,
  page: { width: number; height: number },
  fonts: Fonts,
  anchor: 'bottom' | 'top',
  ceiling = page.height,
): StatementLayout | undefined {
  const L = STATEMENT_LAYOUT;
  const margin = Math.min(L.margin, page.width * 0.06, page.height * 0.06);
  const column = Math.min(L.columnWidth, page.width - 2 * margin);
  const besideRoom = page.width - 2 * margin - column - L.gap;
  const beside = besideRoom >= L.minAuthorityWidth;
  const authorityWidth = beside ? Math.min(L.authorityWidth, besideRoom) : Math.min(L.authorityWidth, column);
  const ascentOf = (f: Face): number => fonts[f].ascent;
  const attempts: [number, boolean][] = [];
  for (let size: number = L.maxFontSize; size >= L.noWrapMinFontSize; size -= 0.5) attempts.push([size, false]);
  for (let size: number = L.maxFontSize; size >= L.minFontSize; size -= 0.5) attempts.push([size, true]);
  for (const [size, wrap] of attempts) {
    type Item =
      | { text: string; face: Face; size: number }
      | { gap: number }
      | { signature: true }
      | { authority: true };
    const items: Item[] = [];
    const text = (t: string, face: Face, s = size): void => {
      const lines = wrap ? wrapLine(t, column, s, fonts[face]) : [t];
      for (const line of lines) items.push({ text: line, face, size: s });
    };
    for (const l of st.head) text(l, 'regular');
    items.push({ gap: size * L.headGap });
    text(st.role, 'bold');
    text(st.instruction, 'regular', size * 0.85);
    if (st.title) text(st.title, 'bold');
    items.push({ signature: true });
    text(st.name, 'bold');
    if (!beside) items.push({ gap: L.gap }, { authority: true });

    const heightOf = (it: Item): number =>
      'text' in it
        ? it.size * L.lineSpacing
        : 'gap' in it
          ? it.gap
          : 'signature' in it
            ? L.signatureHeight
            : L.authorityHeight;
    const total = items.reduce((s, it) => s + heightOf(it), 0);
    const wide = items.some((it) => 'text' in it && fonts[it.face].widthOf(it.text, it.size) > column);
    const top = anchor === 'top' ? Math.min(ceiling, page.height) - margin : margin + total;
    if (wide || top - total < margin - 0.01 || top > Math.min(ceiling, page.height - margin) + 0.01) continue;

    const x0 = page.width - margin - column;
    const lines: PlacedText[] = [];
    let certifier: PageRect | undefined;
    let authority: PageRect | undefined;
    let cursor = top;
    for (const it of items) {
      const h = heightOf(it);
      if ('text' in it) {
        const width = fonts[it.face].widthOf(it.text, it.size);
        // the baseline sits so the tallest Vietnamese marks stay inside the line's box
        lines.push({
          text: it.text,
          face: it.face,
          size: it.size,
          x: x0 + (column - width) / 2,
          y: cursor - ascentOf(it.face) * it.size,
        });
      } else if ('signature' in it) {
        certifier = { x: x0, y: cursor - h, width: column, height: h };
        if (beside)
          authority = {
            x: x0 - L.gap - authorityWidth,
            y: cursor - h + (h - L.authorityHeight) / 2,
            width: authorityWidth,
            height: L.authorityHeight,
          };
      } else if ('authority' in it) {
        authority = { x: x0 + (column - authorityWidth) / 2, y: cursor - h, width: authorityWidth, height: h };
      }
      cursor -= h;
    }
    const left = beside ? authority!.x : x0;
    return {
      rect: { x: left, y: top - total, width: x0 + column - left, height: total },
      lines,
      certifier: certifier!,
      authority: authority!,
    };
  }
  return undefined;
}
