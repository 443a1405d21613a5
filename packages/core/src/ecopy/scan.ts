/**
 * The scanned original as a PDF to stamp: a scanned PDF is checked and kept byte for byte (the frames and the
 * stamp are an incremental update after it: a page's new boxes, and its own content wrapped in `q cm … Q` to put
 * it in its area); images become pages of a new PDF, written in the same update as the stamp.
 */
import {
  KysoError,
  PdfDict,
  PdfDocument,
  PdfName,
  PdfRef,
  PdfStream,
  ascii,
  decodeStream,
  deflate,
  type IncrementalWriter,
  type PdfObject,
} from '@kyso/pdf';
import { listFields } from '../signing/fields.js';
import { EcopyError } from './errors.js';
import type { Frame, OriginalSize } from './frame-plan.js';
import { checkDecodedPixels, emptyPdf, imageContent, imagePage } from './image-pages.js';
import { saveRestoreBalanced } from './save-restore.js';
import { apply, intersectBoxes, invert, MAX_PAGE_SIDE, multiply, pageFrame, type PageFrame } from './page-frame.js';
import type { ImagePageSize, ScanSource } from './types.js';
import { elementAt } from '../collections/element-at.js';

export const SCAN_LIMITS = {
  maxPages: 2_000,
  /** A scanned PDF is held in memory. */
  maxPdfBytes: 512 * 1024 * 1024,
} as const;

/** US Letter: the default MediaBox a page without one is shown with. */
const DEFAULT_BOX = [0, 0, 612, 792];

/** A page to stamp: its reference, its dictionary as the update will see it, and its frame. */
export interface BasePage {
  ref: PdfRef;
  dict: PdfDict;
  frame: PageFrame;
}

/** The document the stamp goes into, and the update that will hold it. */
export interface Base {
  doc: PdfDocument;
  w: IncrementalWriter;
  pageCount: number;
  /** The original's pages as shown (sizes in points). */
  originals: OriginalSize[];
  /** Whether pages may share a frame (a card's two sides on one sheet: two images, or a two-page PDF). */
  together: boolean;
  /** Writes the frames (each page of the original in its area) and returns the frame pages in order. */
  frame(frames: readonly Frame[]): BasePage[];
  /** The page tree's root, as the update sees it (after `frame`). */
  pagesRoot: { ref: PdfRef; dict: PdfDict };
}

export function loadScan(
  scan: ScanSource,
  imageMode: ImagePageSize = 'auto',
  card = false,
  maxDecodedPixels?: number,
): Base {
  if (scan && scan.pdf !== undefined) return fromPdf(scan.pdf);
  if (scan && Array.isArray(scan.images)) return fromImages(scan.images, imageMode, card, maxDecodedPixels);
  throw new EcopyError('ECOPY_BAD_INPUT', {}, 'scan: give { pdf } or { images }');
}

function fromPdf(bytes: Uint8Array): Base {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new EcopyError('ECOPY_SCAN_UNREADABLE', {}, 'empty');
  if (bytes.length > SCAN_LIMITS.maxPdfBytes)
    throw new EcopyError('ECOPY_SCAN_UNREADABLE', { bytes: bytes.length }, 'file too large');
  try {
    const doc = PdfDocument.load(bytes);
    if (doc.encryption) throw new EcopyError('ECOPY_SCAN_ENCRYPTED', { filter: doc.encryption.filter });
    if (doc.recovered) throw new EcopyError('ECOPY_SCAN_DAMAGED', { warnings: doc.warnings.map((w) => w.code) });
    if (listFields(doc).some((f) => f.type === 'Sig' && f.signed)) throw new EcopyError('ECOPY_SCAN_SIGNED');
    const pages = doc.pages();
    if (pages.length === 0) throw new EcopyError('ECOPY_NO_PAGES');
    if (pages.length > SCAN_LIMITS.maxPages)
      throw new EcopyError('ECOPY_TOO_MANY_PAGES', { pages: pages.length }, `${pages.length} pages`);
    const rootRef = doc.catalog()?.get('Pages');
    const root = doc.resolve(rootRef);
    if (!(rootRef instanceof PdfRef) || !(root instanceof PdfDict))
      throw new EcopyError('ECOPY_SCAN_UNREADABLE', {}, 'no page tree');
    const w = doc.update();
    const framesOf = pages.map(({ ref, dict }, index) => {
      const media = numbers(doc.pageAttribute(dict, 'MediaBox')) ?? DEFAULT_BOX;
      const crop = numbers(doc.pageAttribute(dict, 'CropBox'));
      const box = crop ? intersectBoxes(media, crop) : media;
      const rotate = doc.pageAttribute(dict, 'Rotate');
      const frame = box && pageFrame(box, typeof rotate === 'number' ? rotate : 0);
      if (!box || !frame || frame.width > MAX_PAGE_SIDE || frame.height > MAX_PAGE_SIDE) {
        throw new EcopyError('ECOPY_PAGE_INVALID', { page: index + 1, box }, `page ${index + 1}`);
      }
      return { ref, dict, box, frame };
    });
    // Two pages (a card's sides) may share a sheet: they are drawn there as Form XObjects of their content.
    const forms = pages.length === 2 ? framesOf.map((p) => pageContent(doc, p.dict)) : undefined;
    const base: Base = {
      doc,
      w,
      pageCount: pages.length,
      originals: framesOf.map((p) => ({ width: p.frame.width, height: p.frame.height })),
      together: forms?.every((f) => f !== undefined) === true,
      pagesRoot: { ref: rootRef, dict: root },
      frame(frames) {
        const [only] = frames;
        if (only && frames.length === 1 && only.slots.length > 1) {
          const sheet = composePages(doc, w, rootRef, framesOf, forms as Uint8Array[], only);
          base.pagesRoot = { ref: rootRef, dict: sheet.root };
          return [sheet.page];
        }
        return frames.map((f) => reframePage(doc, w, elementAt(framesOf, elementAt(f.slots, 0).original), f));
      },
    };
    return base;
  } catch (e) {
    if (e instanceof EcopyError) throw e;
    if (e instanceof KysoError) {
      if (e.code === 'PDF_ENCRYPTED') throw new EcopyError('ECOPY_SCAN_ENCRYPTED');
      throw new EcopyError('ECOPY_SCAN_UNREADABLE', { cause: e.code }, e.messageEn);
    }
    throw new EcopyError('ECOPY_SCAN_UNREADABLE', {}, (e as Error)?.message ?? String(e));
  }
}

function numbers(o: unknown): [number, number, number, number] | undefined {
  return Array.isArray(o) && o.length === 4 && o.every((v) => typeof v === 'number')
    ? (o as [number, number, number, number])
    : undefined;
}

/**
 * Moves a page of a scanned PDF into its frame: new MediaBox and CropBox (the frame's size, /Rotate kept), its
 * content under a `cm` that scales and places its visible box in the slot's area and a clip to that box (what lay
 * outside the CropBox stays hidden), its annotations' rectangles moved with it. A page that needs no change is
 * left as it is.
 */
function reframePage(
  doc: PdfDocument,
  w: IncrementalWriter,
  page: { ref: PdfRef; dict: PdfDict; box: number[]; frame: PageFrame },
  f: Frame,
): BasePage {
  const { area, scale } = elementAt(f.slots, 0); // a page moved alone fills its frame's one slot
  const r = page.frame.rotate;
  const media =
    r === 90 || r === 270 ? [0, 0, round(f.height), round(f.width)] : [0, 0, round(f.width), round(f.height)];
  const frame = pageFrame(media, r)!;
  // old user space → as shown → scaled into the area → the new page's user space
  const m = multiply(multiply(invert(page.frame.matrix), [scale, 0, 0, scale, area.x, area.y]), frame.matrix);
  const identity = [1, 0, 0, 1, 0, 0];
  const same =
    m.every((v, i) => Math.abs(v - (identity[i] ?? NaN)) < 1e-6) &&
    page.box.every((v, i) => Math.abs(v - (media[i] ?? NaN)) < 1e-6);
  if (same) return { ref: page.ref, dict: page.dict, frame: page.frame };

  const resolve = (o: unknown): unknown => (o instanceof PdfRef ? (w.staged(o) ?? doc.resolve(o)) : o);
  const dict = page.dict.clone();
  for (const key of ['Resources', 'Rotate'] as const) {
    const inherited = doc.pageAttribute(page.dict, key);
    if (inherited !== undefined && !dict.has(key)) dict.set(key, inherited);
  }
  dict.set('MediaBox', media);
  dict.set('CropBox', media);
  for (const key of ['TrimBox', 'BleedBox', 'ArtBox']) dict.delete(key); // in the old coordinates; the frame is the page now
  const raw = dict.get('Contents');
  const value = resolve(raw);
  const existing = Array.isArray(value) ? value : raw instanceof PdfRef ? [raw] : [];
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.box; // four numbers (read by numbers())
  const stream = (text: string): PdfRef =>
    w.add(PdfStream.fromBytes(new PdfDict({ Filter: PdfName.of('FlateDecode') }), deflate(ascii(text))));
  const content = existing.length > 0 ? pageContent(doc, page.dict) : undefined;
  if (content !== undefined && !saveRestoreBalanced(content)) {
    // An extra Q would escape the wrapping: the content is drawn as a Form XObject instead, which keeps its own
    // graphics state and is clipped to its BBox whatever it does.
    const form = new PdfDict({
      Type: PdfName.of('XObject'),
      Subtype: PdfName.of('Form'),
      BBox: page.box,
      Filter: PdfName.of('FlateDecode'),
    });
    const own = resolve(dict.get('Resources'));
    form.set('Resources', own instanceof PdfDict ? own : new PdfDict());
    const group = dict.get('Group');
    if (group !== undefined) form.set('Group', group);
    const ref = w.add(PdfStream.fromBytes(form, deflate(content)));
    const resources = own instanceof PdfDict ? own.clone() : new PdfDict();
    const xo = resolve(resources.get('XObject'));
    const xobjects = xo instanceof PdfDict ? xo.clone() : new PdfDict();
    let name = 'KysoScan';
    for (let i = 2; xobjects.has(name); i++) name = `KysoScan${i}`;
    xobjects.set(name, ref);
    dict.set('Resources', resources.set('XObject', xobjects));
    dict.set('Contents', stream(`q ${m.map(fmt).join(' ')} cm /${name} Do Q\n`));
  } else if (existing.length > 0) {
    const head = `q ${m.map(fmt).join(' ')} cm ${fmt(x0)} ${fmt(y0)} ${fmt(x1 - x0)} ${fmt(y1 - y0)} re W n\n`;
    dict.set('Contents', [stream(head), ...existing, stream('Q\n')]);
  }
  const annots = resolve(dict.get('Annots'));
  if (Array.isArray(annots)) {
    const moved = annots.map((a: PdfObject) => {
      const annot = resolve(a);
      if (!(annot instanceof PdfDict)) return a;
      const rect = numbers(resolve(annot.get('Rect')));
      if (!rect) return a;
      const [ax, ay] = apply(m, rect[0], rect[1]);
      const [bx, by] = apply(m, rect[2], rect[3]);
      const copy = annot
        .clone()
        .set('Rect', [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)].map(round));
      if (a instanceof PdfRef) {
        w.set(a, copy);
        return a;
      }
      return copy;
    });
    dict.set('Annots', moved);
  }
  w.set(page.ref, dict);
  return { ref: page.ref, dict, frame };
}

/** A page's content streams decoded and joined, or undefined when a filter cannot be decoded. */
function pageContent(doc: PdfDocument, dict: PdfDict): Uint8Array | undefined {
  try {
    const raw = dict.get('Contents');
    const value = doc.resolve(raw);
    const list = Array.isArray(value) ? value : value instanceof PdfStream ? [value] : [];
    const parts = list.map((c) => {
      const stream = doc.resolve(c);
      return stream instanceof PdfStream ? decodeStream(stream, (o) => doc.resolve(o)) : new Uint8Array();
    });
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      out[at + p.length] = 0x0a; // content streams join at token boundaries
      at += p.length + 1;
    }
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Two pages on one sheet (a card's front and back): each page's content becomes a Form XObject (BBox its visible
 * box, its own resources) drawn into its slot on a new, unrotated page, which replaces them in the page tree; the
 * original page objects stay in the file, unchanged. Annotations move to the sheet with their rectangles.
 */
function composePages(
  doc: PdfDocument,
  w: IncrementalWriter,
  rootRef: PdfRef,
  pages: { ref: PdfRef; dict: PdfDict; box: number[]; frame: PageFrame }[],
  contents: Uint8Array[],
  f: Frame,
): { page: BasePage; root: PdfDict } {
  const ref = w.allocate();
  const box = [0, 0, round(f.width), round(f.height)];
  const xobjects = new PdfDict();
  const ops: string[] = [];
  const annots: PdfObject[] = [];
  for (const [k, slot] of f.slots.entries()) {
    const page = elementAt(pages, slot.original);
    const m = multiply(invert(page.frame.matrix), [slot.scale, 0, 0, slot.scale, slot.area.x, slot.area.y]);
    const form = new PdfDict({
      Type: PdfName.of('XObject'),
      Subtype: PdfName.of('Form'),
      BBox: page.box,
      Resources: (doc.pageAttribute(page.dict, 'Resources') as PdfObject | undefined) ?? new PdfDict(),
      Filter: PdfName.of('FlateDecode'),
    });
    const group = page.dict.get('Group');
    if (group !== undefined) form.set('Group', group);
    xobjects.set(`Side${k + 1}`, w.add(PdfStream.fromBytes(form, deflate(elementAt(contents, slot.original)))));
    ops.push(`q ${m.map(fmt).join(' ')} cm /Side${k + 1} Do Q`);
    const own = doc.resolve(page.dict.get('Annots'));
    if (Array.isArray(own)) {
      for (const a of own) {
        const annot = doc.resolve(a);
        const rect = annot instanceof PdfDict ? numbers(doc.resolve(annot.get('Rect'))) : undefined;
        if (!(annot instanceof PdfDict) || !rect) continue;
        const [ax, ay] = apply(m, rect[0], rect[1]);
        const [bx, by] = apply(m, rect[2], rect[3]);
        const moved = annot
          .clone()
          .set('Rect', [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)].map(round));
        if (moved.has('P')) moved.set('P', ref);
        if (a instanceof PdfRef) {
          w.set(a, moved);
          annots.push(a);
        } else annots.push(moved);
      }
    }
  }
  const stream = PdfStream.fromBytes(
    new PdfDict({ Filter: PdfName.of('FlateDecode') }),
    deflate(ascii(ops.join('\n') + '\n')),
  );
  const dict = new PdfDict({
    Type: PdfName.of('Page'),
    Parent: rootRef,
    MediaBox: box,
    CropBox: box,
    Rotate: 0,
    Resources: new PdfDict({ XObject: xobjects }),
    Contents: w.add(stream),
  });
  if (annots.length > 0) dict.set('Annots', annots);
  w.set(ref, dict);
  const root = (doc.resolve(rootRef) as PdfDict).clone().set('Kids', [ref]).set('Count', 1);
  w.set(rootRef, root);
  return { page: { ref, dict, frame: pageFrame(box, 0)! }, root };
}

function fromImages(
  images: ScanSource['images'] & object,
  mode: ImagePageSize,
  card: boolean,
  maxDecodedPixels?: number,
): Base {
  if (images.length === 0) throw new EcopyError('ECOPY_NO_PAGES');
  if (images.length > SCAN_LIMITS.maxPages)
    throw new EcopyError('ECOPY_TOO_MANY_PAGES', { pages: images.length }, `${images.length} pages`);
  checkDecodedPixels(images, maxDecodedPixels);
  // Every image is checked and decoded before anything is written.
  const prepared = images.map((img, i) => imagePage(img, i, mode, card));
  const doc = PdfDocument.load(emptyPdf());
  const w = doc.update();
  const rootRef = doc.catalog()!.get('Pages') as PdfRef;
  const base: Base = {
    doc,
    w,
    pageCount: prepared.length,
    originals: prepared.map((p) => ({ width: p.width, height: p.height, sheet: p.sheet })),
    together: true,
    pagesRoot: { ref: rootRef, dict: new PdfDict() },
    frame(frames) {
      const pages = frames.map((f) => {
        const ref = w.allocate();
        const box = [0, 0, round(f.width), round(f.height)];
        const xobjects = new PdfDict();
        f.slots.forEach((s, i) => xobjects.set(`Scan${i + 1}`, elementAt(prepared, s.original).add(w)));
        const dict = new PdfDict({
          Type: PdfName.of('Page'),
          Parent: rootRef,
          MediaBox: box,
          Resources: new PdfDict({ XObject: xobjects }),
          Contents: w.add(imageContent(f.slots.map((s) => s.area))),
        });
        w.set(ref, dict);
        return { ref, dict, frame: pageFrame(box, 0)! };
      });
      const root = new PdfDict({ Type: PdfName.of('Pages'), Kids: pages.map((p) => p.ref), Count: pages.length });
      w.set(rootRef, root);
      base.pagesRoot = { ref: rootRef, dict: root };
      return pages;
    },
  };
  return base;
}

const fmt = (v: number): string => {
  const s = (Math.round(v * 10000) / 10000).toFixed(4).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};
const round = (v: number): number => Math.round(v * 100) / 100;
