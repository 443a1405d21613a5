/**
 * Assembling the unsigned e-copy: the scan, then one incremental update that lays every page of the original
 * into a frame (frame-plan.ts) and draws the conversion mark in the first frame's top band and the statement in
 * the last frame's bottom band (or on an added page), never over the scan, as Form XObjects in page content, with
 * the embedded Liberation Serif subset (ToUnicode: text extraction gives the Vietnamese back exactly).
 */
import { PdfDict, PdfName, PdfRef, PdfStream, ascii, deflate, type IncrementalWriter } from '@kyso/pdf';
import { AppearanceError } from '../appearance/errors.js';
import { embedFont, type EmbeddedFont } from '../appearance/font.js';
import { EcopyError } from './errors.js';
import { A4 } from './image-pages.js';
import { planFrames } from './frame-plan.js';
import {
  layoutMark,
  layoutStatement,
  MARK_LAYOUT,
  STATEMENT_LAYOUT,
  type Face,
  type MarkLayout,
  type PlacedText,
  type StatementLayout,
} from './layout.js';
import { pageFrame, toUserRect, type PageFrame } from './page-frame.js';
import { qrMatrix, qrOperators } from './qr.js';
import { loadScan, type Base, type BasePage } from './scan.js';
import type { AssembleInput, AssembledCopy, PagePlace, PageRect } from './types.js';
import { checkAssembleInput } from './validate.js';
import { markText, statementText, type StatementText } from './wording.js';
import { elementAt } from '../collections/element-at.js';

/** Blue, as certified e-copies show the statement in practice (DOMAIN.md §6.4). */
export const DEFAULT_TEXT_COLOR: readonly [number, number, number] = [0, 0, 1];

/** Builds the unsigned e-copy. Throws `EcopyError` on bad input; nothing is returned half-made. */
export function assembleElectronicCopy(input: AssembleInput): AssembledCopy {
  checkAssembleInput(input);
  const base = loadScan(
    input.scan,
    input.imagePageSize ?? 'auto',
    input.originalIsCard === true,
    input.maxDecodedPixels,
  );
  const { w } = base;
  const mark = markText(input.conversion);
  const st = statementText(input.certification);
  const color = input.textColor ?? DEFAULT_TEXT_COLOR;
  const fonts = embedFonts(w, mark, st);

  // The frames: every page of the original in its own area, the mark's band on the first (or with the statement),
  // the statement's band on the last when it has room (and the caller allows), else an added certification page.
  const placement = input.statementPlacement ?? 'auto';
  const bandFor = (size: { width: number; height: number }): number | undefined => {
    const l = layoutStatement(st, size, fonts, 'bottom');
    return l && l.rect.y + l.rect.height + STATEMENT_LAYOUT.gap;
  };
  const markWithStatement = input.markPlacement === 'statement-page';
  const plan = planFrames(base.originals, {
    together: base.together,
    placement,
    mark: input.markPlacement ?? 'first-page',
    statementBand: bandFor,
  });
  if ('error' in plan) {
    throw new EcopyError(
      'ECOPY_PAGE_TOO_SMALL',
      { page: plan.page },
      `no room for the statement under the scan on page ${plan.page}`,
    );
  }
  const withQr = input.conversion.verificationRef !== undefined;
  const qr = withQr ? qrMatrix(input.conversion.verificationRef!.trim()) : undefined;

  const lastFrame = elementAt(plan.frames, plan.frames.length - 1); // a plan has a frame per group, at least one
  const markFrame = markWithStatement ? lastFrame : elementAt(plan.frames, 0);
  let statement: StatementLayout;
  let markLayout: MarkLayout | undefined;
  let addedSize: { width: number; height: number } | undefined;
  if (!plan.statementOnAddedPage) {
    statement = layoutStatement(st, lastFrame, fonts, 'bottom')!;
    markLayout = layoutMark(mark, withQr, markFrame, fonts);
  } else {
    // An added page the size of the last one when the statement (and the mark, when it goes there) fits, else A4.
    const placeOn = (size: {
      width: number;
      height: number;
    }): { statement: StatementLayout; mark?: MarkLayout } | undefined => {
      const m = markWithStatement ? layoutMark(mark, withQr, size, fonts) : undefined;
      if (markWithStatement && !m) return undefined;
      const s = layoutStatement(st, size, fonts, 'top', m ? m.rect.y - STATEMENT_LAYOUT.gap : undefined);
      return s && { statement: s, mark: m };
    };
    const sameSize = { width: lastFrame.width, height: lastFrame.height };
    const fits = placeOn(sameSize);
    addedSize = fits ? sameSize : { width: A4[0], height: A4[1] };
    const onAdded = fits ?? placeOn(addedSize);
    if (!onAdded) throw new EcopyError('ECOPY_PAGE_TOO_SMALL', {}, 'the statement does not fit an A4 page');
    statement = onAdded.statement;
    markLayout = markWithStatement ? onAdded.mark : layoutMark(mark, withQr, markFrame, fonts);
  }

  const statementIndex = addedSize ? plan.frames.length : plan.frames.length - 1;
  const markIndex = markWithStatement ? statementIndex : 0;
  if (!markLayout) {
    throw new EcopyError(
      'ECOPY_PAGE_TOO_SMALL',
      { page: markIndex + 1, width: markFrame.width, height: markFrame.height },
      `no room for the conversion mark on page ${markIndex + 1}`,
    );
  }

  // Everything fits: write the frames, then the stamp.
  const pages = base.frame(plan.frames);
  const statementPage = addedSize ? addPage(base, addedSize) : elementAt(pages, pages.length - 1);
  const markPage = markWithStatement ? statementPage : elementAt(pages, 0);

  const markForm = w.add(form(markLayout.rect, fonts, color, markOperators(markLayout, qr, color), markLayout.lines));
  const statementForm = w.add(form(statement.rect, fonts, color, [], statement.lines));
  const draws = new Map<number, { page: BasePage; forms: [string, PdfRef][] }>();
  const drawOn = (index: number, page: BasePage, name: string, ref: PdfRef): void => {
    const entry = draws.get(index) ?? { page, forms: [] };
    entry.forms.push([name, ref]);
    draws.set(index, entry);
  };
  drawOn(markIndex, markPage, 'KysoMark', markForm);
  drawOn(statementIndex, statementPage, 'KysoStatement', statementForm);
  for (const { page, forms } of draws.values()) drawForms(base, page, forms);

  const bytes = w.write();
  const user = (frame: PageFrame, r: PageRect): PageRect => roundRect(toUserRect(frame, r));
  const scanAreas: PagePlace[] = [];
  plan.frames.forEach((f, i) => {
    for (const s of f.slots) scanAreas[s.original] = { page: i + 1, rect: user(elementAt(pages, i).frame, s.area) };
  });
  const statementPageNo = statementIndex + 1;
  return {
    bytes,
    originalPages: base.pageCount,
    pages: pages.length + (addedSize ? 1 : 0),
    statementOnAddedPage: addedSize !== undefined,
    scanAreas,
    mark: {
      page: markIndex + 1,
      rect: user(markPage.frame, markLayout.rect),
      qr: markLayout.qr && user(markPage.frame, markLayout.qr),
      lines: mark,
    },
    statement: { page: statementPageNo, rect: user(statementPage.frame, statement.rect), lines: statementLines(st) },
    certifierSignature: { page: statementPageNo, rect: user(statementPage.frame, statement.certifier) },
    authoritySignature: { page: statementPageNo, rect: user(statementPage.frame, statement.authority) },
  };
}

/** The statement's lines in reading order (the signature sits between the title and the name). */
export function statementLines(st: StatementText): string[] {
  return [...st.head, st.role, st.instruction, ...(st.title ? [st.title] : []), st.name];
}

function embedFonts(w: IncrementalWriter, mark: string[], st: StatementText): Record<Face, EmbeddedFont> {
  const bold = [mark[0], st.role, st.title ?? '', st.name].join('');
  const regular = [...mark.slice(1), ...st.head, st.instruction].join('');
  try {
    return { regular: embedFont(w, 'regular', regular), bold: embedFont(w, 'bold', bold) };
  } catch (e) {
    if (e instanceof AppearanceError && e.code === 'APPEARANCE_UNSUPPORTED_CHAR') {
      throw new EcopyError('ECOPY_UNSUPPORTED_CHAR', e.details, e.messageEn);
    }
    throw e;
  }
}

function markOperators(
  layout: ReturnType<typeof layoutMark> & object,
  qr: ReturnType<typeof qrMatrix> | undefined,
  color: readonly number[],
): string[] {
  const { rect } = layout;
  const b = MARK_LAYOUT.border;
  const ops: string[] = [];
  if (qr && layout.qr) ops.push(...qrOperators(qr, layout.qr.x, layout.qr.y, layout.qr.width));
  // The frame around the mark is part of its distinct sign.
  ops.push(
    'q',
    `${b} w`,
    `${color.map(num).join(' ')} RG`,
    `${num(rect.x + b / 2)} ${num(rect.y + b / 2)} ${num(rect.width - b)} ${num(rect.height - b)} re S`,
    'Q',
  );
  return ops;
}

/** A Form XObject in display coordinates (BBox = `rect`) drawing `extra` operators and then `lines`. */
function form(
  rect: PageRect,
  fonts: Record<Face, EmbeddedFont>,
  color: readonly number[],
  extra: string[],
  lines: PlacedText[],
): PdfStream {
  const ops = [...extra, 'BT', `${color.map(num).join(' ')} rg`];
  for (const l of lines) {
    ops.push(
      `/${l.face === 'bold' ? 'FB' : 'FR'} ${num(l.size)} Tf`,
      `1 0 0 1 ${num(l.x)} ${num(l.y)} Tm`,
      `${fonts[l.face].encode(l.text)} Tj`,
    );
  }
  ops.push('ET');
  return PdfStream.fromBytes(
    new PdfDict({
      Type: PdfName.of('XObject'),
      Subtype: PdfName.of('Form'),
      BBox: [rect.x, rect.y, rect.x + rect.width, rect.y + rect.height].map(num2),
      Resources: new PdfDict({ Font: new PdfDict({ FR: fonts.regular.ref, FB: fonts.bold.ref }) }),
      Filter: PdfName.of('FlateDecode'),
    }),
    deflate(ascii(ops.join('\n') + '\n')),
  );
}

/**
 * Draws Form XObjects on a page: the page's own content is wrapped in q … Q so whatever state it leaves does
 * not move ours, and its resources get the forms under names it does not use yet.
 */
function drawForms(base: Base, page: BasePage, forms: [string, PdfRef][]): void {
  const { doc, w } = base;
  const dict = page.dict.clone();
  const resolve = (o: unknown): unknown => (o instanceof PdfRef ? (w.staged(o) ?? doc.resolve(o)) : o);
  const res = resolve(doc.pageAttribute(page.dict, 'Resources') ?? dict.get('Resources'));
  const resources = res instanceof PdfDict ? res.clone() : new PdfDict();
  const xo = resolve(resources.get('XObject'));
  const xobjects = xo instanceof PdfDict ? xo.clone() : new PdfDict();
  const ops: string[] = [];
  for (const [wanted, ref] of forms) {
    let name = wanted;
    for (let i = 2; xobjects.has(name); i++) name = `${wanted}${i}`;
    xobjects.set(name, ref);
    ops.push(`q ${page.frame.matrix.map(num).join(' ')} cm /${name} Do Q`);
  }
  resources.set('XObject', xobjects);
  dict.set('Resources', resources);

  const raw = dict.get('Contents');
  const value = resolve(raw);
  const existing = Array.isArray(value) ? value : raw instanceof PdfRef ? [raw] : [];
  const stream = (text: string): PdfRef =>
    w.add(PdfStream.fromBytes(new PdfDict({ Filter: PdfName.of('FlateDecode') }), deflate(ascii(text))));
  dict.set(
    'Contents',
    existing.length > 0
      ? [stream('q\n'), ...existing, stream(`Q\n${ops.join('\n')}\n`)]
      : [stream(`${ops.join('\n')}\n`)],
  );
  w.set(page.ref, dict);
}

/** Appends an empty, unrotated page to the page tree's root and returns it. */
function addPage(base: Base, size: { width: number; height: number }): BasePage {
  const { doc, w, pagesRoot } = base;
  const box = [0, 0, num2(size.width), num2(size.height)];
  const ref = w.allocate();
  // Explicit box, rotation and resources: nothing inherited from the tree changes the added page.
  const dict = new PdfDict({
    Type: PdfName.of('Page'),
    Parent: pagesRoot.ref,
    MediaBox: box,
    CropBox: box,
    Rotate: 0,
    Resources: new PdfDict(),
  });
  w.set(ref, dict);
  const root = pagesRoot.dict.clone();
  const kidsRaw = root.get('Kids');
  const kids = kidsRaw instanceof PdfRef ? (w.staged(kidsRaw) ?? doc.resolve(kidsRaw)) : kidsRaw;
  const list = [...(Array.isArray(kids) ? kids : []), ref];
  if (kidsRaw instanceof PdfRef) w.set(kidsRaw, list);
  else root.set('Kids', list);
  const count = root.get('Count');
  root.set('Count', (typeof count === 'number' ? count : base.pageCount) + 1);
  w.set(pagesRoot.ref, root);
  return { ref, dict, frame: pageFrame(box, 0)! };
}

const num = (v: number): string => {
  const s = (Math.round(v * 1000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};
const num2 = (v: number): number => Math.round(v * 1000) / 1000;
const roundRect = (r: PageRect): PageRect => ({
  x: num2(r.x),
  y: num2(r.y),
  width: num2(r.width),
  height: num2(r.height),
});
