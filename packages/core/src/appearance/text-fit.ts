/**
 * Fitting text into a box: greedy word wrap and the largest font size, up to a maximum, at which the wrapped
 * lines fit both ways. Words (a timestamp, a long name) are broken only as a last resort, at the smallest size.
 */

/** What fitting needs to know about the font. */
export interface FontMetrics {
  /** Advance width in points of `text` at `size`. */
  widthOf(text: string, size: number): number;
  /** Extent above / below the baseline per point of size (descent negative). */
  readonly ascent: number;
  readonly descent: number;
}

export interface FittedText {
  size: number;
  /** Baseline-to-baseline distance. */
  leading: number;
  lines: string[];
  /** From the top of the first line to the bottom of the last. */
  height: number;
  /** False when even the smallest size did not fit and lines were dropped from the end. */
  complete: boolean;
}

export const LINE_SPACING = 1.15;
export const MIN_FONT_SIZE = 2;

// Made on first use: building a Segmenter loads ICU data, which signing without an appearance never needs.
let segmenter: Intl.Segmenter | undefined;
const graphemes = (): Intl.Segmenter => (segmenter ??= new Intl.Segmenter('vi', { granularity: 'grapheme' }));

/**
 * Wraps one line to `maxWidth` at spaces. A word wider than `maxWidth` is split between graphemes when
 * `breakWords`, else left whole on its own line (wider than `maxWidth`).
 */
export function wrapLine(line: string, maxWidth: number, size: number, font: FontMetrics, breakWords = true): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ').filter((wd) => wd !== '')) {
    const candidate = current ? `${current} ${word}` : word;
    if (font.widthOf(candidate, size) <= maxWidth) {
      current = candidate;
      continue;
    }
    if (current) out.push(current);
    current = '';
    if (!breakWords || font.widthOf(word, size) <= maxWidth) {
      current = word;
      continue;
    }
    for (const { segment } of graphemes().segment(word)) {
      if (current && font.widthOf(current + segment, size) > maxWidth) {
        out.push(current);
        current = '';
      }
      current += segment;
    }
  }
  if (current || out.length === 0) out.push(current);
  return out;
}

function blockHeight(lineCount: number, size: number, font: FontMetrics): number {
  return lineCount === 0 ? 0 : (lineCount - 1) * size * LINE_SPACING + (font.ascent - font.descent) * size;
}

function layoutAt(
  lines: readonly string[],
  width: number,
  size: number,
  font: FontMetrics,
  breakWords: boolean,
): string[] {
  return lines.flatMap((l) => wrapLine(l, width, size, font, breakWords));
}

/**
 * The largest size in [MIN_FONT_SIZE, maxSize] (to 0.1 pt) at which `lines`, wrapped to `width`, fit within
 * `height`. Below the minimum, the lines that would fall outside the box are dropped; the caller clips anyway.
 */
export function fitText(
  lines: readonly string[],
  width: number,
  height: number,
  maxSize: number,
  font: FontMetrics,
): FittedText {
  const fits = (size: number, breakWords = false): string[] | undefined => {
    const wrapped = layoutAt(lines, width, size, font, breakWords);
    const wide = wrapped.some((l) => font.widthOf(l, size) > width);
    return !wide && blockHeight(wrapped.length, size, font) <= height ? wrapped : undefined;
  };
  const result = (size: number, wrapped: string[], complete: boolean): FittedText => ({
    size,
    leading: size * LINE_SPACING,
    lines: wrapped,
    height: blockHeight(wrapped.length, size, font),
    complete,
  });
  if (lines.length === 0) return result(maxSize, [], true);

  const top = Math.max(MIN_FONT_SIZE, maxSize);
  const atTop = fits(top);
  if (atTop) return result(top, atTop, true);
  // Wrapping makes "fits" nearly, not strictly, monotonic in size: bisect, then keep the best size that fitted.
  const atMin = fits(MIN_FONT_SIZE);
  if (!atMin) {
    const broken = fits(MIN_FONT_SIZE, true);
    if (broken) return result(MIN_FONT_SIZE, broken, true);
    const wrapped = layoutAt(lines, width, MIN_FONT_SIZE, font, true);
    let n = wrapped.length;
    while (n > 0 && blockHeight(n, MIN_FONT_SIZE, font) > height) n--;
    return result(MIN_FONT_SIZE, wrapped.slice(0, n), false);
  }
  let best = { size: MIN_FONT_SIZE, lines: atMin };
  let hi = top;
  while (hi - best.size > 0.05) {
    const mid = (best.size + hi) / 2;
    const wrapped = fits(mid);
    if (wrapped) best = { size: mid, lines: wrapped };
    else hi = mid;
  }
  // A round size reads better in the content stream; keep it only if it still fits.
  const round = Math.floor(best.size * 10) / 10;
  const atRound = round >= MIN_FONT_SIZE ? fits(round) : undefined;
  return atRound ? result(round, atRound, true) : result(best.size, best.lines, true);
}
