/**
 * Lists a document's signatures (approval, certification, document timestamp) in the order they were applied:
 * the AcroForm field tree (recursive /Kids, cycles cut) gives every /FT /Sig field with a value.
 */
import { PdfDict, PdfName, PdfRef, PdfString, PdfStream, stringText, type PdfDocument, type PdfObject, type Span } from '@kyso/pdf';

export type SignatureKind = 'approval' | 'certification' | 'doc-timestamp';

export interface FoundSignature {
  /** Fully qualified field name (partial names joined by "."); null when the field has no name. */
  fieldName: string | null;
  /** The signature dictionary (the field's /V). */
  dict: PdfDict;
  /** The signature dictionary's reference; null when it is a direct object inside the field. */
  ref: PdfRef | null;
  /** The field dictionary's reference, when indirect. */
  fieldRef: PdfRef | null;
  kind: SignatureKind;
  type: string | undefined;
  filter: string | undefined;
  subFilter: string | undefined;
  /** /M as written (a PDF date string). */
  signingTime: string | undefined;
  reason: string | undefined;
  location: string | undefined;
  name: string | undefined;
  contactInfo: string | undefined;
  /** /ByteRange as written (resolved); null when missing or not an array. */
  byteRange: PdfObject[] | null;
  /** /Contents bytes (decoded from hex/literal); null when missing or not a string. */
  contents: Uint8Array | null;
  /** Byte span of the /Contents string in the file, delimiters included; null when unknown (e.g. indirect or compressed). */
  contentsSpan: Span | null;
  /** True when /Contents was given through an indirect reference. */
  contentsIndirect: boolean;
  /** Index of the revision whose entries first define the signature dictionary (or its field); -1 when unknown. */
  revision: number;
}

const MAX_FIELDS = 10_000;

function text(o: PdfObject | undefined): string | undefined {
  if (o instanceof PdfString) return stringText(o);
  if (o instanceof PdfName) return o.name;
  return undefined;
}

function asDict(o: PdfObject | undefined): PdfDict | undefined {
  return o instanceof PdfDict ? o : o instanceof PdfStream ? o.dict : undefined;
}

/** The first revision whose own entries define object `num`. */
export function firstRevisionOf(doc: PdfDocument, num: number): number {
  for (let r = 0; r < doc.revisions.length; r++) {
    const e = doc.revisions[r].entries.get(num);
    if (e && e.type !== 'free') return r;
  }
  return -1;
}

function revisionOfOffset(doc: PdfDocument, offset: number | undefined): number {
  if (offset === undefined) return -1;
  for (const r of doc.revisions) if (offset >= r.start && offset < r.end) return r.index;
  return -1;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** Every signature of the document (as of its newest revision), in revision order. Never throws for damaged data. */
export function findSignatures(doc: PdfDocument): FoundSignature[] {
  const out: FoundSignature[] = [];
  const catalog = safe(() => doc.catalog(), undefined);
  if (!catalog) return out;
  const acroForm = safe(() => doc.getDict(catalog, 'AcroForm'), undefined);
  const fields = safe(() => doc.get(acroForm, 'Fields'), undefined);
  const perms = safe(() => doc.getDict(catalog, 'Perms'), undefined);
  const docMdpRaw = perms?.get('DocMDP');
  const docMdpDict = safe(() => asDict(doc.resolve(docMdpRaw)), undefined);

  const seenNodes = new Set<unknown>();
  const seenSigs = new Set<unknown>();
  let visited = 0;

  const visit = (item: PdfObject | undefined, parentName: string | null, inheritedFt: string | undefined, depth: number): void => {
    if (depth > 64 || ++visited > MAX_FIELDS) return;
    const fieldRef = item instanceof PdfRef ? item : null;
    const node = safe(() => asDict(doc.resolve(item)), undefined);
    if (!node) return;
    const nodeKey = fieldRef ? fieldRef.key : node;
    if (seenNodes.has(nodeKey)) return;
    seenNodes.add(nodeKey);
    const partial = text(safe(() => doc.get(node, 'T'), undefined));
    const name = partial === undefined ? parentName : parentName === null ? partial : `${parentName}.${partial}`;
    const ftObj = safe(() => doc.get(node, 'FT'), undefined);
    const ft = ftObj instanceof PdfName ? ftObj.name : inheritedFt;
    const vRaw = node.get('V');
    if (ft === 'Sig' && vRaw !== undefined && vRaw !== null) {
      const sigRef = vRaw instanceof PdfRef ? vRaw : null;
      const sig = safe(() => asDict(doc.resolve(vRaw)), undefined);
      const sigKey = sigRef ? sigRef.key : sig;
      if (sig && !seenSigs.has(sigKey)) {
        seenSigs.add(sigKey);
        out.push(describe(doc, sig, sigRef, fieldRef, node, name, docMdpRaw, docMdpDict));
      }
    }
    const kids = safe(() => doc.get(node, 'Kids'), undefined);
    if (Array.isArray(kids)) for (const k of kids) visit(k, name, ft, depth + 1);
  };

  if (Array.isArray(fields)) for (const f of fields) visit(f, null, undefined, 0);

  return out
    .map((s, i) => ({ s, i }))
    .sort((x, y) => {
      const rx = x.s.revision < 0 ? Number.MAX_SAFE_INTEGER : x.s.revision;
      const ry = y.s.revision < 0 ? Number.MAX_SAFE_INTEGER : y.s.revision;
      if (rx !== ry) return rx - ry;
      const ex = rangeEnd(x.s.byteRange);
      const ey = rangeEnd(y.s.byteRange);
      return ex !== ey ? ex - ey : x.i - y.i;
    })
    .map((e) => e.s);
}

function rangeEnd(br: PdfObject[] | null): number {
  if (!br || br.length < 2) return Number.MAX_SAFE_INTEGER;
  const a = br[br.length - 2];
  const b = br[br.length - 1];
  return typeof a === 'number' && typeof b === 'number' ? a + b : Number.MAX_SAFE_INTEGER;
}

function describe(
  doc: PdfDocument,
  sig: PdfDict,
  ref: PdfRef | null,
  fieldRef: PdfRef | null,
  field: PdfDict,
  fieldName: string | null,
  docMdpRaw: PdfObject | undefined,
  docMdpDict: PdfDict | undefined,
): FoundSignature {
  const get = (k: string): PdfObject | undefined => safe(() => doc.get(sig, k), undefined);
  const type = text(get('Type'));
  const subFilter = text(get('SubFilter'));
  const brRaw = get('ByteRange');
  const byteRange = Array.isArray(brRaw) ? brRaw.map((v) => safe(() => doc.resolve(v), undefined) ?? null) : null;
  const contentsRaw = sig.get('Contents');
  const contentsObj = get('Contents');
  const contents = contentsObj instanceof PdfString ? contentsObj.bytes : null;
  const contentsIndirect = contentsRaw instanceof PdfRef;
  const contentsSpan = contentsObj instanceof PdfString && !contentsIndirect && contentsObj.span ? { ...contentsObj.span } : null;

  let kind: SignatureKind = 'approval';
  if (type === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161') kind = 'doc-timestamp';
  else if (isCertification(doc, sig, ref, docMdpRaw, docMdpDict)) kind = 'certification';

  let revision = ref ? firstRevisionOf(doc, ref.num) : -1;
  if (revision < 0 && fieldRef) revision = firstRevisionOf(doc, fieldRef.num);
  if (revision < 0) revision = revisionOfOffset(doc, sig.span?.start ?? field.span?.start);

  return {
    fieldName,
    dict: sig,
    ref,
    fieldRef,
    kind,
    type,
    filter: text(get('Filter')),
    subFilter,
    signingTime: text(get('M')),
    reason: text(get('Reason')),
    location: text(get('Location')),
    name: text(get('Name')),
    contactInfo: text(get('ContactInfo')),
    byteRange,
    contents,
    contentsSpan,
    contentsIndirect,
    revision,
  };
}

function isCertification(
  doc: PdfDocument,
  sig: PdfDict,
  ref: PdfRef | null,
  docMdpRaw: PdfObject | undefined,
  docMdpDict: PdfDict | undefined,
): boolean {
  if (docMdpRaw instanceof PdfRef && ref && docMdpRaw.equals(ref)) return true;
  if (docMdpDict && docMdpDict === sig) return true;
  const refs = safe(() => doc.get(sig, 'Reference'), undefined);
  if (Array.isArray(refs)) {
    for (const r of refs.slice(0, 32)) {
      const d = safe(() => asDict(doc.resolve(r)), undefined);
      const tm = d ? safe(() => doc.get(d, 'TransformMethod'), undefined) : undefined;
      if (tm instanceof PdfName && tm.name === 'DocMDP') return true;
    }
  }
  return false;
}
