/**
 * The PDF side of a signature: the signature dictionary with /ByteRange and /Contents placeholders, the field and
 * widget (new or existing), the page's /Annots, the AcroForm, and DocMDP/FieldMDP entries, all as one
 * incremental update. Nothing here knows about keys or CMS.
 */
import {
  PdfDict,
  PdfName,
  PdfPlaceholder,
  PdfRef,
  PdfStream,
  PdfString,
  textString,
  type IncrementalUpdate,
  type IncrementalWriter,
  type PdfDocument,
  type PdfObject,
} from '@kyso/pdf';
import { SignError } from './errors.js';
import { docMdpLevel, listFields, lockedFields, type FieldInfo } from './fields.js';
import type { SignatureOptions } from './options.js';
import { pdfDateVietnam } from './pdf-date.js';

export const CONTENTS_ID = 'kyso:contents';
export const BYTERANGE_ID = 'kyso:byterange';
/** Room for "[0 a b c]" with 10-digit numbers (files up to ~9.3 GB). */
const BYTERANGE_WIDTH = 2 + 1 + 3 * 11 + 1;

export interface PlacedSignature {
  update: IncrementalUpdate;
  fieldName: string;
  /** Absolute offsets: '<' of /Contents and just after its '>'. */
  contentsStart: number;
  contentsEnd: number;
  byteRangeOffset: number;
  byteRange: [number, number, number, number];
}

export interface PlaceOptions extends SignatureOptions {
  signerName: string;
  placeholderBytes: number;
  signingTime: Date;
  /**
   * A document timestamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161): no /M, /Name or reason, and allowed
   * under DocMDP P=1, which does not forbid DSS updates and document timestamps (ETSI EN 319 142-1 §5.4).
   */
  docTimestamp?: boolean;
}

export function placeSignature(doc: PdfDocument, opts: PlaceOptions): PlacedSignature {
  if (doc.recovered) throw new SignError('SIGN_RECOVERED_INPUT');
  const w = doc.update();
  const fields = listFields(doc);
  const mdp = docMdpLevel(doc);
  if (opts.docTimestamp && (opts.certify || opts.lock))
    throw new SignError('SIGN_BAD_OPTIONS', {}, 'a document timestamp cannot certify or lock fields');
  if (mdp === 1 && !opts.docTimestamp)
    throw new SignError('SIGN_FIELD_LOCKED', { docMdp: 1 }, 'a certification signature forbids any change');
  if (opts.certify && fields.some((f) => f.type === 'Sig' && f.signed)) {
    throw new SignError('SIGN_BAD_OPTIONS', {}, 'a certification signature must be the first signature');
  }
  const existing = opts.fieldName !== undefined ? fields.find((f) => f.name === opts.fieldName) : undefined;
  if (opts.fieldName !== undefined && !existing) throw new SignError('SIGN_FIELD_NOT_FOUND', { field: opts.fieldName });
  if (opts.newFieldName !== undefined && fields.some((f) => f.name === opts.newFieldName)) {
    throw new SignError(
      'SIGN_BAD_OPTIONS',
      { field: opts.newFieldName },
      'a field with that name exists; sign it with fieldName',
    );
  }
  if (existing && existing.type !== 'Sig')
    throw new SignError('SIGN_FIELD_NOT_FOUND', { field: opts.fieldName }, 'the field is not a signature field');
  if (existing?.signed) throw new SignError('SIGN_FIELD_SIGNED', { field: opts.fieldName });
  if (existing) {
    const locks = lockedFields(doc, fields);
    if (locks.all || locks.names.has(existing.name)) throw new SignError('SIGN_FIELD_LOCKED', { field: existing.name });
  }
  const fieldName =
    existing?.name ?? opts.newFieldName ?? uniqueName(fields, opts.docTimestamp ? 'Timestamp' : 'Signature');

  const hexLen = opts.placeholderBytes * 2;
  const sig = new PdfDict();
  sig.set('Type', PdfName.of(opts.docTimestamp ? 'DocTimeStamp' : 'Sig'));
  sig.set('Filter', PdfName.of('Adobe.PPKLite'));
  sig.set('SubFilter', PdfName.of(opts.docTimestamp ? 'ETSI.RFC3161' : (opts.subFilter ?? 'ETSI.CAdES.detached')));
  sig.set('ByteRange', new PdfPlaceholder(BYTERANGE_ID, ascii('[' + ' '.repeat(BYTERANGE_WIDTH - 2) + ']')));
  sig.set('Contents', new PdfPlaceholder(CONTENTS_ID, hexZeros(hexLen)));
  if (!opts.docTimestamp) {
    sig.set('M', new PdfString(ascii(pdfDateVietnam(opts.signingTime))));
    sig.set('Name', textString(opts.signerName));
    if (opts.reason) sig.set('Reason', textString(opts.reason));
    if (opts.location) sig.set('Location', textString(opts.location));
    if (opts.contactInfo) sig.set('ContactInfo', textString(opts.contactInfo));
  }
  sig.set('Prop_Build', new PdfDict({ App: new PdfDict({ Name: PdfName.of('kyso'), REx: textString('0.1.0') }) }));
  const sigRef = w.allocate();

  const catalogRef = doc.trailer.get('Root') as PdfRef;
  const catalog = (doc.catalog() as PdfDict).clone();
  let catalogChanged = false;
  const references: PdfDict[] = [];
  if (opts.certify) {
    references.push(
      new PdfDict({
        Type: PdfName.of('SigRef'),
        TransformMethod: PdfName.of('DocMDP'),
        TransformParams: new PdfDict({ Type: PdfName.of('TransformParams'), P: opts.certify, V: PdfName.of('1.2') }),
      }),
    );
    const perms = doc.getDict(catalog, 'Perms')?.clone() ?? new PdfDict();
    perms.set('DocMDP', sigRef);
    catalog.set('Perms', perms);
    catalogChanged = true;
  }
  let lockDict: PdfDict | undefined;
  if (opts.lock) {
    lockDict = new PdfDict({ Type: PdfName.of('SigFieldLock'), Action: PdfName.of(opts.lock.action) });
    const params = new PdfDict({
      Type: PdfName.of('TransformParams'),
      Action: PdfName.of(opts.lock.action),
      V: PdfName.of('1.2'),
    });
    if (opts.lock.action !== 'All') {
      const list = opts.lock.fields.map((f) => textString(f));
      lockDict.set('Fields', list);
      params.set('Fields', list);
    }
    references.push(
      new PdfDict({
        Type: PdfName.of('SigRef'),
        TransformMethod: PdfName.of('FieldMDP'),
        TransformParams: params,
        Data: catalogRef,
      }),
    );
  }
  if (references.length) sig.set('Reference', references);
  w.set(sigRef, sig);

  const pages = doc.pages();
  if (existing) {
    const fieldDict = existing.dict.clone();
    fieldDict.set('V', sigRef);
    if (lockDict && !fieldDict.has('Lock')) fieldDict.set('Lock', lockDict);
    const widgetIsField = existing.widgets.length === 1 && existing.widgets[0]?.ref.equals(existing.ref) === true;
    if (opts.appearance) {
      for (const wd of existing.widgets) {
        const target = widgetIsField ? fieldDict : wd.dict.clone();
        const rect = doc.resolve(target.get('Rect'));
        const size = rectSize(Array.isArray(rect) ? rect : []);
        if (size.width > 0 && size.height > 0)
          target.set('AP', new PdfDict({ N: opts.appearance(w, size, opts.onWarning) }));
        if (!widgetIsField) w.set(wd.ref, target);
      }
    }
    w.set(existing.ref, fieldDict);
  } else {
    const pageIndex = (opts.visible?.page ?? 1) - 1;
    const page = Number.isInteger(pageIndex) ? pages[pageIndex] : undefined;
    if (!page) throw new SignError('SIGN_PAGE_OUT_OF_RANGE', { page: opts.visible?.page, pages: pages.length });
    let rect: number[] = [0, 0, 0, 0];
    if (opts.visible) {
      const [x, y, width, height] = opts.visible.rect;
      if (![x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0)
        throw new SignError('SIGN_BAD_RECT');
      rect = [x, y, x + width, y + height];
    }
    const size = rectSize(rect);
    const ap =
      opts.visible && opts.appearance ? opts.appearance(w, size, opts.onWarning) : w.add(emptyAppearance(size));
    const widget = new PdfDict({
      Type: PdfName.of('Annot'),
      Subtype: PdfName.of('Widget'),
      FT: PdfName.of('Sig'),
      T: textString(fieldName),
      V: sigRef,
      F: 132, // Print + Locked
      Rect: rect,
      P: page.ref,
      AP: new PdfDict({ N: ap }),
    });
    if (lockDict) widget.set('Lock', lockDict);
    const widgetRef = w.add(widget);
    addToArray(doc, w, page.dict, page.ref, 'Annots', widgetRef);
    // the AcroForm: in the catalog (direct) or its own object
    const acroObj = catalog.get('AcroForm');
    if (acroObj instanceof PdfRef) {
      const acro = (doc.getDict(catalog, 'AcroForm') ?? new PdfDict()).clone();
      addField(doc, w, acro, acroObj, widgetRef);
    } else {
      const acro = acroObj instanceof PdfDict ? acroObj.clone() : new PdfDict();
      addField(doc, w, acro, undefined, widgetRef);
      catalog.set('AcroForm', acro);
      catalogChanged = true;
    }
  }
  if (existing) {
    // SigFlags must say the document has signatures, whatever the field's origin
    const acroObj = catalog.get('AcroForm');
    const acro = doc.getDict(catalog, 'AcroForm');
    if (acro && acro.get('SigFlags') !== 3) {
      const copy = acro.clone();
      copy.set('SigFlags', 3);
      if (acroObj instanceof PdfRef) w.set(acroObj, copy);
      else {
        catalog.set('AcroForm', copy);
        catalogChanged = true;
      }
    }
  }
  if (catalogChanged) w.set(catalogRef, catalog);

  const update = w.build();
  const contentsStart = update.placeholders.get(CONTENTS_ID)!;
  const contentsEnd = contentsStart + hexLen + 2;
  const byteRange: [number, number, number, number] = [0, contentsStart, contentsEnd, update.totalLength - contentsEnd];
  const byteRangeOffset = update.placeholders.get(BYTERANGE_ID)!;
  const text = `[0 ${byteRange[1]} ${byteRange[2]} ${byteRange[3]}`;
  if (text.length + 1 > BYTERANGE_WIDTH)
    throw new SignError('SIGN_BAD_OPTIONS', {}, 'file too large for the ByteRange');
  const br = ascii(text.padEnd(BYTERANGE_WIDTH - 1, ' ') + ']');
  update.bytes.set(br, byteRangeOffset - doc.length);
  return { update, fieldName, contentsStart, contentsEnd, byteRangeOffset, byteRange };
}

function addToArray(
  doc: PdfDocument,
  w: IncrementalWriter,
  owner: PdfDict,
  ownerRef: PdfRef,
  key: string,
  item: PdfRef,
): void {
  const raw = owner.get(key);
  if (raw instanceof PdfRef) {
    const arr = doc.resolve(raw);
    w.set(raw, [...(Array.isArray(arr) ? arr : []), item]);
    return;
  }
  const copy = owner.clone();
  copy.set(key, [...(Array.isArray(raw) ? raw : []), item]);
  w.set(ownerRef, copy);
}

function addField(
  doc: PdfDocument,
  w: IncrementalWriter,
  acro: PdfDict,
  acroRef: PdfRef | undefined,
  field: PdfRef,
): void {
  const raw = acro.get('Fields');
  if (raw instanceof PdfRef) {
    const arr = doc.resolve(raw);
    w.set(raw, [...(Array.isArray(arr) ? arr : []), field]);
  } else acro.set('Fields', [...(Array.isArray(raw) ? raw : []), field]);
  acro.set('SigFlags', 3);
  if (acroRef) w.set(acroRef, acro);
}

function uniqueName(fields: FieldInfo[], stem: string): string {
  const names = new Set(fields.map((f) => f.name));
  for (let i = 1; ; i++) if (!names.has(`${stem}${i}`)) return `${stem}${i}`;
}

function rectSize(rect: PdfObject[]): { width: number; height: number } {
  const [a, b, c, d] = rect.map((v) => (typeof v === 'number' ? v : 0));
  return { width: Math.abs((c ?? 0) - (a ?? 0)), height: Math.abs((d ?? 0) - (b ?? 0)) };
}

function emptyAppearance(size: { width: number; height: number }): PdfStream {
  return PdfStream.fromBytes(
    new PdfDict({
      Type: PdfName.of('XObject'),
      Subtype: PdfName.of('Form'),
      BBox: [0, 0, size.width, size.height],
      Resources: new PdfDict(),
    }),
    new Uint8Array(0),
  );
}

/** "<000…0>" with `n` zeros, made without a string of the placeholder's size (it is most of an update's bytes). */
function hexZeros(n: number): Uint8Array {
  const b = new Uint8Array(n + 2).fill(0x30);
  b[0] = 0x3c;
  b[n + 1] = 0x3e;
  return b;
}

export const ascii = (s: string): Uint8Array => {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
};
