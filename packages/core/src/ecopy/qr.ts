/**
 * The verification QR code as vector rectangles (the `qrcode` package gives the module matrix; nothing is
 * rasterised). Dark modules of a row are merged into runs, so a version-5 code is a few hundred `re` operators.
 */
import { createRequire } from 'node:module';
import type QRCode from 'qrcode';
import { EcopyError } from './errors.js';

/** ISO/IEC 18004 asks for a quiet zone of four modules on every side. */
export const QR_QUIET_ZONE = 4;
/** Longer references make modules too small to scan at the mark's size. */
export const QR_MAX_LENGTH = 512;

export interface QrMatrix {
  /** Modules per side (without the quiet zone). */
  size: number;
  /** Row-major, row 0 at the top; true = dark. */
  dark(row: number, col: number): boolean;
}

/** The module matrix for `text` at error-correction level M. */
export function qrMatrix(text: string): QrMatrix {
  if (text.length === 0 || text.length > QR_MAX_LENGTH) {
    throw new EcopyError(
      'ECOPY_QR_TOO_LONG',
      { length: text.length },
      `${text.length} characters, at most ${QR_MAX_LENGTH}`,
    );
  }
  let code: QRCode.QRCode;
  try {
    code = (createRequire(import.meta.url)('qrcode') as typeof QRCode).create(text, { errorCorrectionLevel: 'M' });
  } catch (e) {
    throw new EcopyError('ECOPY_QR_TOO_LONG', { length: text.length }, (e as Error).message);
  }
  const { size, data } = code.modules;
  return { size, dark: (row, col) => data[row * size + col] === 1 };
}

const num = (v: number): string => {
  const s = (Math.round(v * 1000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};

/**
 * Content-stream operators drawing the code with its quiet zone in the square (x, y, side): a white square, then
 * the dark modules in black.
 */
export function qrOperators(m: QrMatrix, x: number, y: number, side: number): string[] {
  const total = m.size + 2 * QR_QUIET_ZONE;
  const unit = side / total;
  const ops = ['q', '1 g', `${num(x)} ${num(y)} ${num(side)} ${num(side)} re f`, '0 g'];
  for (let row = 0; row < m.size; row++) {
    const top = y + side - (row + QR_QUIET_ZONE) * unit;
    for (let col = 0; col < m.size; ) {
      if (!m.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < m.size && m.dark(row, col)) col++;
      ops.push(
        `${num(x + (start + QR_QUIET_ZONE) * unit)} ${num(top - unit)} ${num((col - start) * unit)} ${num(unit)} re`,
      );
    }
  }
  ops.push('f', 'Q');
  return ops;
}
