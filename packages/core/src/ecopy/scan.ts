/**
 * The scanned original as a PDF to stamp: a scanned PDF is checked and kept byte for byte (the stamp is an
 * incremental update after it); images become pages of a new PDF, written in the same update as the stamp.
 */
import { KysoError, PdfDict, PdfDocument, PdfName, PdfRef, type IncrementalWriter } from '@kyso/pdf';
import { listFields } from '../signing/fields.js';
import { EcopyError } from './errors.js';
import { checkDecodedPixels, emptyPdf, imageContent, imagePage } from './image-pages.js';
import { intersectBoxes, MAX_PAGE_SIDE, pageFrame, type PageFrame } from './page-frame.js';
import type { ImagePageSize, ScanSource } from './types.js';

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
  /** 0-based; a page as the update sees it (staged pages included). */
  page(index: number): BasePage;
  /** The page tree's root, as the update sees it. */
  pagesRoot: { ref: PdfRef; dict: PdfDict };
}

export function loadScan(scan: ScanSource, imageMode: ImagePageSize = 'auto', maxDecodedPixels?: number): Base {
  if (scan && scan.pdf !== undefined) return fromPdf(scan.pdf);
  if (scan && Array.isArray(scan.images)) return fromImages(scan.images, imageMode, maxDecodedPixels);
  throw new EcopyError('ECOPY_BAD_INPUT', {}, 'scan: give { pdf } or { images }');
}

function fromPdf(bytes: Uint8Array): Base {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new EcopyError('ECOPY_SCAN_UNREADABLE', {}, 'empty');
  if (bytes.length > SCAN_LIMITS.maxPdfBytes) throw new EcopyError('ECOPY_SCAN_UNREADABLE', { bytes: bytes.length }, 'file too large');
  try {
    const doc = PdfDocument.load(bytes);
    if (doc.encryption) throw new EcopyError('ECOPY_SCAN_ENCRYPTED', { filter: doc.encryption.filter });
    if (doc.recovered) throw new EcopyError('ECOPY_SCAN_DAMAGED', { warnings: doc.warnings.map((w) => w.code) });
    if (listFields(doc).some((f) => f.type === 'Sig' && f.signed)) throw new EcopyError('ECOPY_SCAN_SIGNED');
    const pages = doc.pages();
    if (pages.length === 0) throw new EcopyError('ECOPY_NO_PAGES');
    if (pages.length > SCAN_LIMITS.maxPages) throw new EcopyError('ECOPY_TOO_MANY_PAGES', { pages: pages.length }, `${pages.length} pages`);
    const rootRef = doc.catalog()?.get('Pages');
    const root = doc.resolve(rootRef);
    if (!(rootRef instanceof PdfRef) || !(root instanceof PdfDict)) throw new EcopyError('ECOPY_SCAN_UNREADABLE', {}, 'no page tree');
    const w = doc.update();
    return {
      doc,
      w,
      pageCount: pages.length,
      pagesRoot: { ref: rootRef, dict: root },
      page(index) {
        const { ref, dict } = pages[index];
        const media = numbers(doc.pageAttribute(dict, 'MediaBox')) ?? DEFAULT_BOX;
        const crop = numbers(doc.pageAttribute(dict, 'CropBox'));
        const box = crop ? intersectBoxes(media, crop) : media;
        const rotate = doc.pageAttribute(dict, 'Rotate');
        const frame = box && pageFrame(box, typeof rotate === 'number' ? rotate : 0);
        if (!frame || frame.width > MAX_PAGE_SIDE || frame.height > MAX_PAGE_SIDE) {
          throw new EcopyError('ECOPY_PAGE_INVALID', { page: index + 1, box }, `page ${index + 1}`);
        }
        return { ref, dict, frame };
      },
    };
  } catch (e) {
    if (e instanceof EcopyError) throw e;
    if (e instanceof KysoError) {
      if (e.code === 'PDF_ENCRYPTED') throw new EcopyError('ECOPY_SCAN_ENCRYPTED');
      throw new EcopyError('ECOPY_SCAN_UNREADABLE', { cause: e.code }, e.messageEn);
    }
    throw new EcopyError('ECOPY_SCAN_UNREADABLE', {}, (e as Error)?.message ?? String(e));
  }
}

function numbers(o: unknown): number[] | undefined {
  return Array.isArray(o) && o.length === 4 && o.every((v) => typeof v === 'number') ? (o as number[]) : undefined;
}

function fromImages(images: ScanSource['images'] & object, mode: ImagePageSize, maxDecodedPixels?: number): Base {
  if (images.length === 0) throw new EcopyError('ECOPY_NO_PAGES');
  if (images.length > SCAN_LIMITS.maxPages) throw new EcopyError('ECOPY_TOO_MANY_PAGES', { pages: images.length }, `${images.length} pages`);
  checkDecodedPixels(images, maxDecodedPixels);
  // Every image is checked and decoded before anything is written.
  const prepared = images.map((img, i) => imagePage(img, i, mode));
  const doc = PdfDocument.load(emptyPdf());
  const w = doc.update();
  const rootRef = doc.catalog()!.get('Pages') as PdfRef;
  const pages: BasePage[] = [];
  for (const p of prepared) {
    const ref = w.allocate();
    const image = p.add(w);
    const dict = new PdfDict({
      Type: PdfName.of('Page'),
      Parent: rootRef,
      MediaBox: [0, 0, round(p.width), round(p.height)],
      Resources: new PdfDict({ XObject: new PdfDict({ Scan: image }) }),
      Contents: w.add(imageContent(p)),
    });
    w.set(ref, dict);
    pages.push({ ref, dict, frame: pageFrame([0, 0, round(p.width), round(p.height)], 0)! });
  }
  const root = new PdfDict({ Type: PdfName.of('Pages'), Kids: pages.map((p) => p.ref), Count: pages.length });
  w.set(rootRef, root);
  return { doc, w, pageCount: pages.length, pagesRoot: { ref: rootRef, dict: root }, page: (i) => pages[i] };
}

const round = (v: number): number => Math.round(v * 100) / 100;
