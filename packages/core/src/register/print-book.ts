/**
 * The book printed (DOMAIN.md §6.1: an electronic book must be printable): the entries of a period laid out like
 * the paper sổ chứng thực, one row per number, under the columns of the book form (Decree 23/2015 Art. 13,
 * Circular 01/2020/TT-BTP; DOMAIN.md §6.3): number, volume, date, requester, the original's name, copies, fee,
 * certifier, notes. Landscape A4, Vietnamese headings repeated on every page, "Trang i/n" at the foot, the
 * appearance font (Liberation Serif) embedded as a subset. Written with @kyso/pdf's writer onto an empty PDF, as
 * the e-copy's image pages are.
 */
import { PdfDict, PdfDocument, PdfName, type PdfRef, PdfStream, ascii, deflate } from '@kyso/pdf';
import { embedFont, loadFont, normalizeText, type EmbeddedFont } from '../appearance/font.js';
import { wrapLine } from '../appearance/text-fit.js';
import { emptyPdf } from '../ecopy/image-pages.js';
import { vietnamDate } from '../ecopy/wording.js';
import { RegisterError } from './errors.js';
import type { BookClosure, DeliveryChannel, RegisterEntry } from './types.js';
import { elementAt } from '../collections/element-at.js';

export interface PrintBookInput {
  authority: { id: string; name: string };
  bookType: string;
  /** The year shown in the title (default: the entries' year, when they share one). */
  year?: number;
  /** The period printed, shown under the title: [from, to). */
  period?: { from?: Date; to?: Date };
  entries: readonly RegisterEntry[];
  /** The year's closing, printed after the last entry when given. */
  closure?: BookClosure | null;
}

/** The book's title by symbol (policy as data); other symbols get the generic title. */
export const BOOK_TITLES: Readonly<Record<string, string>> = {
  'SCT/BS': 'SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH',
  'SCTĐT/BS': 'SỔ CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH',
  'SCT/CK,ĐC': 'SỔ CHỨNG THỰC CHỮ KÝ, CHỨNG THỰC ĐIỂM CHỈ',
  'SCT/CKND': 'SỔ CHỨNG THỰC CHỮ KÝ NGƯỜI DỊCH',
};

/** The columns of the paper form, left to right: heading and width in points (the notes take what is left). */
export const BOOK_COLUMNS = [
  { key: 'number', heading: 'Số chứng thực', width: 54 },
  { key: 'volume', heading: 'Quyển số', width: 38 },
  { key: 'date', heading: 'Ngày, tháng, năm chứng thực', width: 70 },
  { key: 'requester', heading: 'Họ, tên người yêu cầu chứng thực', width: 118 },
  { key: 'document', heading: 'Tên bản chính giấy tờ, văn bản', width: 160 },
  { key: 'copies', heading: 'Số bản sao', width: 64 },
  { key: 'fee', heading: 'Lệ phí (đồng)', width: 56 },
  { key: 'certifier', heading: 'Người thực hiện chứng thực', width: 120 },
  { key: 'notes', heading: 'Ghi chú', width: 0 },
] as const;

const CHANNELS: Record<DeliveryChannel, string> = {
  KHO_DVCQG: 'gửi kho dữ liệu Cổng DVCQG',
  EMAIL: 'gửi thư điện tử',
  IN_PERSON: 'giao trực tiếp',
};

const PAGE = { width: 841.89, height: 595.28, margin: 28, footer: 18 } as const;
const TEXT = { size: 8.5, leading: 10.5, pad: 3, headSize: 8.5 } as const;
/** A cell holds at most this many lines; longer text ends with "…" (the full text is in the register). */
const MAX_CELL_LINES = 24;

type Cells = string[][]; // per column, the wrapped lines

/** The book for a period as a PDF. Throws `REGISTER_BAD_INPUT` for input it cannot print; never half a file. */
export function printRegisterBook(input: PrintBookInput): Uint8Array {
  if (!input || typeof input !== 'object' || !Array.isArray(input.entries))
    throw new RegisterError('REGISTER_BAD_INPUT', { field: 'entries' }, 'entries: an array');
  if (!input.authority?.name || !input.bookType)
    throw new RegisterError('REGISTER_BAD_INPUT', { field: 'authority' }, 'authority.name and bookType are required');
  const entries = [...input.entries].sort((a, b) => a.year - b.year || a.seqNo - b.seqNo);
  const years = [...new Set(entries.map((e) => e.year))];
  const year = input.year ?? (years.length === 1 ? years[0] : undefined);
  const printable = printableText();

  const titleLines = [
    { text: printable(input.authority.name.toLocaleUpperCase('vi')), bold: true, size: 11 },
    { text: printable(BOOK_TITLES[input.bookType] ?? 'SỔ CHỨNG THỰC'), bold: true, size: 14 },
    {
      text: printable(`Ký hiệu sổ: ${input.bookType}${year !== undefined ? ` — Năm ${year}` : ''}`),
      bold: false,
      size: 10,
    },
    ...(input.period && (input.period.from || input.period.to)
      ? [{ text: printable(periodLabel(input.period)), bold: false, size: 10 }]
      : []),
  ];
  const rows = entries.map((e) => rowTexts(e).map(printable));
  const closing = input.closure
    ? printable(
        `Khóa sổ ngày ${dmy(new Date(input.closure.closedAt))}: đã sử dụng ${input.closure.numbersUsed} số chứng thực ` +
          `(từ số 1 đến số ${input.closure.numbersUsed}), trong đó ${input.closure.issued} đã cấp, ${input.closure.voided} đã hủy.`,
      )
    : undefined;
  const empty = rows.length === 0 ? 'Không có mục nào trong kỳ này.' : undefined;

  const doc = PdfDocument.load(emptyPdf());
  const w = doc.update();
  // Every string that will be drawn, so that one subset per face holds every glyph (wrapping only splits them).
  const regularText = [
    ...rows.flat(),
    closing ?? '',
    empty ?? '',
    '…',
    'Trang 0123456789/',
    ...titleLines.filter((t) => !t.bold).map((t) => t.text),
  ].join(' ');
  const boldText = [...BOOK_COLUMNS.map((c) => c.heading), ...titleLines.filter((t) => t.bold).map((t) => t.text)].join(
    ' ',
  );
  const fonts = { regular: embedFont(w, 'regular', regularText), bold: embedFont(w, 'bold', boldText) };

  const tableWidth = PAGE.width - 2 * PAGE.margin;
  const fixed = BOOK_COLUMNS.reduce((s, c) => s + c.width, 0);
  const widths = BOOK_COLUMNS.map((c) => (c.width === 0 ? tableWidth - fixed : c.width));
  const wrap = (text: string, col: number, font: EmbeddedFont, size: number): string[] =>
    text.split('\n').flatMap((l) => wrapLine(l, elementAt(widths, col) - 2 * TEXT.pad, size, font));
  const head: Cells = BOOK_COLUMNS.map((c, i) => wrap(c.heading, i, fonts.bold, TEXT.headSize));
  const headHeight = Math.max(...head.map((l) => l.length)) * TEXT.leading + 2 * TEXT.pad;
  const titleHeight = titleLines.reduce((s, t) => s + t.size * 1.4, 0) + 8;
  const bottom = PAGE.margin + PAGE.footer;
  const maxRowHeight = PAGE.height - PAGE.margin - headHeight - bottom - titleHeight;
  const maxLines = Math.max(1, Math.min(MAX_CELL_LINES, Math.floor((maxRowHeight - 2 * TEXT.pad) / TEXT.leading)));

  // Paginate: rows in order, a new page when the next row does not fit.
  let current: { cells: Cells; height: number }[] = [];
  const pages = [current];
  let y = PAGE.height - PAGE.margin - titleHeight - headHeight;
  for (const texts of rows) {
    const cells = texts.map((t, i) =>
      clip(wrap(t, i, fonts.regular, TEXT.size), maxLines, elementAt(widths, i) - 2 * TEXT.pad, fonts.regular),
    );
    const height = Math.max(...cells.map((l) => l.length)) * TEXT.leading + 2 * TEXT.pad;
    if (y - height < bottom && current.length > 0) {
      pages.push((current = []));
      y = PAGE.height - PAGE.margin - headHeight;
    }
    current.push({ cells, height });
    y -= height;
  }
  const trailer = [closing, empty]
    .filter((t): t is string => t !== undefined)
    .flatMap((t) => wrapLine(t, tableWidth, TEXT.size + 1, fonts.regular));
  if (trailer.length && y - (trailer.length + 1) * TEXT.leading < bottom) pages.push([]);

  const rootRef = doc.catalog()!.get('Pages') as PdfRef;
  const kids: PdfRef[] = [];
  pages.forEach((pageRows, index) => {
    const ops: string[] = ['0 0 0 RG 0 0 0 rg 0.5 w'];
    const text = (s: string, x: number, baseline: number, bold: boolean, size: number) =>
      ops.push(
        'BT',
        `/${bold ? 'FB' : 'FR'} ${n(size)} Tf`,
        `1 0 0 1 ${n(x)} ${n(baseline)} Tm`,
        `${(bold ? fonts.bold : fonts.regular).encode(s)} Tj`,
        'ET',
      );
    let top = PAGE.height - PAGE.margin;
    if (index === 0) {
      for (const t of titleLines) {
        const f = t.bold ? fonts.bold : fonts.regular;
        top -= t.size * 1.4;
        text(t.text, (PAGE.width - f.widthOf(t.text, t.size)) / 2, top + t.size * 0.3, t.bold, t.size);
      }
      top -= 8;
    }
    const tableTop = top;
    const drawRow = (cells: Cells, height: number, bold: boolean, size: number) => {
      let x = PAGE.margin;
      cells.forEach((lines, col) => {
        lines.forEach((l, k) => {
          const f = bold ? fonts.bold : fonts.regular;
          // Headings and short figures centred, as on the paper form; names and notes from the left.
          const centred = bold || col <= 2 || col === 5 || col === 6;
          const lx = centred ? x + (elementAt(widths, col) - f.widthOf(l, size)) / 2 : x + TEXT.pad;
          text(l, lx, top - TEXT.pad - (k + 1) * TEXT.leading + 2.5, bold, size);
        });
        x += elementAt(widths, col);
      });
      top -= height;
      ops.push(`${n(PAGE.margin)} ${n(top)} m ${n(PAGE.margin + tableWidth)} ${n(top)} l S`);
    };
    ops.push(`${n(PAGE.margin)} ${n(top)} m ${n(PAGE.margin + tableWidth)} ${n(top)} l S`);
    drawRow(head, headHeight, true, TEXT.headSize);
    for (const r of pageRows) drawRow(r.cells, r.height, false, TEXT.size);
    // The column rules, from the heading's top to the last row.
    let x = PAGE.margin;
    for (let i = 0; i <= widths.length; i++) {
      ops.push(`${n(x)} ${n(tableTop)} m ${n(x)} ${n(top)} l S`);
      x += widths[i] ?? 0;
    }
    if (index === pages.length - 1) {
      top -= TEXT.leading;
      for (const l of trailer) {
        top -= TEXT.leading + 1;
        text(l, PAGE.margin, top, false, TEXT.size + 1);
      }
    }
    const foot = `Trang ${index + 1}/${pages.length}`;
    text(foot, (PAGE.width - fonts.regular.widthOf(foot, 9)) / 2, PAGE.margin - 6, false, 9);
    const content = w.add(
      PdfStream.fromBytes(new PdfDict({ Filter: PdfName.of('FlateDecode') }), deflate(ascii(ops.join('\n') + '\n'))),
    );
    const box = [0, 0, PAGE.width, PAGE.height];
    kids.push(
      w.add(
        new PdfDict({
          Type: PdfName.of('Page'),
          Parent: rootRef,
          MediaBox: box,
          Resources: new PdfDict({ Font: new PdfDict({ FR: fonts.regular.ref, FB: fonts.bold.ref }) }),
          Contents: content,
        }),
      ),
    );
  });
  w.set(rootRef, new PdfDict({ Type: PdfName.of('Pages'), Kids: kids, Count: kids.length }));
  return w.write();
}

/** One entry's cells, in column order. */
function rowTexts(e: RegisterEntry): string[] {
  const copies =
    [e.paperCopies > 0 ? `${e.paperCopies} bản giấy` : '', e.electronicCopy ? '1 bản điện tử' : '']
      .filter(Boolean)
      .join(', ') || '0';
  const certifier = [e.certifier.name, e.certifier.title ?? ''].filter(Boolean).join('\n');
  const notes: string[] = [];
  if (e.state === 'void') notes.push(`Đã hủy${e.voidReason ? `: ${e.voidReason}` : ''}`);
  if (e.state === 'pending') notes.push('Đang xử lý');
  if (e.electronicCopy && e.deliveryChannel) notes.push(`Bản điện tử ${CHANNELS[e.deliveryChannel]}`);
  if (e.vneidDataUsed) notes.push('Sử dụng dữ liệu từ VNeID');
  if (e.notes) notes.push(e.notes);
  return [
    String(e.seqNo),
    String(e.volume).padStart(2, '0'),
    dmy(new Date(e.certifiedAt)),
    e.requesterName,
    e.documentName,
    copies,
    e.fee.toLocaleString('vi-VN'),
    certifier,
    notes.join('\n'),
  ];
}

/** At most `max` lines; the last one cut short with "…" when some were dropped. */
function clip(lines: string[], max: number, width: number, font: EmbeddedFont): string[] {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  let last = kept.pop() ?? '';
  while (last.length > 0 && font.widthOf(`${last}…`, TEXT.size) > width) last = last.slice(0, -1);
  kept.push(`${last}…`);
  return kept;
}

function dmy(d: Date): string {
  const { day, month, year } = vietnamDate(d);
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
}

function periodLabel(p: { from?: Date; to?: Date }): string {
  // `to` is exclusive: the last day printed is the day before it.
  const last = p.to ? new Date(p.to.getTime() - 1) : undefined;
  if (p.from && last) return `Từ ngày ${dmy(p.from)} đến ngày ${dmy(last)}`;
  return p.from ? `Từ ngày ${dmy(p.from)}` : `Đến ngày ${dmy(last!)}`;
}

/** NFC text with any character the font has no glyph for shown as "?" (a print never fails on one odd letter). */
function printableText(): (s: string) => string {
  const regular = loadFont('regular');
  const bold = loadFont('bold');
  return (s) => {
    let out = '';
    const text = String(s ?? '')
      .split(/\r?\n/)
      .map((part) => normalizeText(part).trim())
      .join('\n');
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      out += ch === '\n' || (regular.hasGlyphForCodePoint(cp) && bold.hasGlyphForCodePoint(cp)) ? ch : '?';
    }
    return out;
  };
}

const n = (v: number): string => {
  const s = (Math.round(v * 100) / 100).toFixed(2).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};
