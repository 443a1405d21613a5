/**
 * Lists a document's signatures (approval, certification, document timestamp) in the order they were applied.
 * Every revision's own AcroForm is walked as of that revision (recursive /Kids, cycles cut), so a signature that a
 * later update made unreachable — its field dropped from /Fields, the AcroForm removed, /V removed or pointed
 * elsewhere, the signature dictionary freed or redefined — is still found, and marked with the update that hid it.
 */
import {
  PdfDict,
  PdfName,
  PdfRef,
  PdfString,
  PdfStream,
  stringText,
  type PdfDocument,
  type PdfObject,
  type Span,
} from '@kyso/pdf';

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
  /** Null when the newest revision's AcroForm still reaches the signature; else the update that hid it and how. */
  hidden: HiddenSignature | null;
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
  for (const [r, rev] of doc.revisions.entries()) {
    const e = rev.entries.get(num);
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

/** How a later update made a signature unreachable from the newest revision's AcroForm. */
export type HiddenCause =
  | 'acroform-removed'
  | 'field-removed'
  | 'value-removed'
  | 'value-replaced'
  | 'signature-freed'
  | 'signature-redefined'
  | 'unreachable';

export interface HiddenSignature {
  /** The update that hid it: the first revision after the last one whose AcroForm still reached it. */
  revision: number;
  cause: HiddenCause;
}

/** One signature field with a value, as one revision's AcroForm reaches it. */
interface Sighting {
  sig: PdfDict;
  sigRef: PdfRef | null;
  fieldRef: PdfRef | null;
  field: PdfDict;
  name: string | null;
}

/** Field nodes one walk visits: key → the field's raw /V (for telling why a signature is no longer reached). */
type FieldValues = Map<string, PdfObject | undefined>;

/** Walks one revision's AcroForm field tree as of that revision. */
function walkRevision(
  doc: PdfDocument,
  rev: number,
  budget: { left: number },
): { sightings: Sighting[]; fields: FieldValues; acroForm: boolean } {
  const sightings: Sighting[] = [];
  const fieldValues: FieldValues = new Map();
  const catalog = safe(() => doc.catalog(rev), undefined);
  const acroForm = safe(() => doc.getDict(catalog, 'AcroForm', rev), undefined);
  const fields = safe(() => doc.get(acroForm, 'Fields', rev), undefined);
  const seenNodes = new Set<unknown>();
  const seenSigs = new Set<unknown>();
  let visited = 0;
  const visit = (
    item: PdfObject | undefined,
    parentName: string | null,
    inheritedFt: string | undefined,
    depth: number,
  ): void => {
    if (depth > 64 || ++visited > MAX_FIELDS || --budget.left < 0) return;
    const fieldRef = item instanceof PdfRef ? item : null;
    const node = safe(() => asDict(doc.resolve(item, rev)), undefined);
    if (!node) return;
    const nodeKey = fieldRef ? fieldRef.key : node;
    if (seenNodes.has(nodeKey)) return;
    seenNodes.add(nodeKey);
    const partial = text(safe(() => doc.get(node, 'T', rev), undefined));
    const name = partial === undefined ? parentName : parentName === null ? partial : `${parentName}.${partial}`;
    const ftObj = safe(() => doc.get(node, 'FT', rev), undefined);
    const ft = ftObj instanceof PdfName ? ftObj.name : inheritedFt;
    const vRaw = node.get('V');
    if (fieldRef) fieldValues.set(fieldRef.key, vRaw);
    if (ft === 'Sig' && vRaw !== undefined && vRaw !== null) {
      const sigRef = vRaw instanceof PdfRef ? vRaw : null;
      const sig = safe(() => asDict(doc.resolve(vRaw, rev)), undefined);
      const sigKey = sigRef ? sigRef.key : sig;
      if (sig && !seenSigs.has(sigKey)) {
        seenSigs.add(sigKey);
        sightings.push({ sig, sigRef, fieldRef, field: node, name });
      }
    }
    const kids = safe(() => doc.get(node, 'Kids', rev), undefined);
    if (Array.isArray(kids)) for (const k of kids) visit(k, name, ft, depth + 1);
  };
  if (Array.isArray(fields)) for (const f of fields) visit(f, null, undefined, 0);
  return { sightings, fields: fieldValues, acroForm: acroForm !== undefined };
}

/**
 * Field visits over the older revisions (the newest is always walked whole). Past it, only the older revisions that
 * define a signature dictionary or a signed field themselves are walked, with as much again: a huge form repeated
 * over many revisions cannot push a signature out of sight, and the work stays bounded.
 */
const MAX_HISTORY_VISITS = 200_000;

/** A signature dictionary, or a field whose /V is one (written directly or by reference). */
function signatureBearing(doc: PdfDocument, o: PdfObject | undefined, rev: number): boolean {
  if (!(o instanceof PdfDict)) return false;
  if (o.has('ByteRange')) return true;
  const type = o.get('Type');
  if (type instanceof PdfName && (type.name === 'Sig' || type.name === 'DocTimeStamp') && o.has('Contents'))
    return true;
  const v = o.get('V');
  if (v instanceof PdfDict) return v.has('ByteRange');
  return v instanceof PdfRef && safe(() => asDict(doc.getObject(v, rev))?.has('ByteRange') ?? false, false);
}

/** Whether revision `rev`'s own entries define a signature dictionary or a signed field. */
function definesSignature(doc: PdfDocument, rev: number): boolean {
  for (const [num, e] of doc.revision(rev).entries) {
    if (
      e.type !== 'free' &&
      signatureBearing(
        doc,
        safe(() => doc.getObject(num, rev), undefined),
        rev,
      )
    )
      return true;
  }
  return false;
}

interface Candidate {
  found: FoundSignature;
  lastSeen: number;
}

/** The same signature: the same dictionary object (or both direct) with the same /ByteRange and /Contents bytes. */
function sameSignature(a: FoundSignature, b: FoundSignature): boolean {
  if ((a.ref === null) !== (b.ref === null) || (a.ref && b.ref && !a.ref.equals(b.ref))) return false;
  const ar = a.byteRange;
  const br = b.byteRange;
  if ((ar === null) !== (br === null) || (ar && br && (ar.length !== br.length || ar.some((v, i) => v !== br[i]))))
    return false;
  const ac = a.contents;
  const bc = b.contents;
  if (ac === null || bc === null) return ac === bc && a.contentsSpan?.start === b.contentsSpan?.start;
  if (ac.length !== bc.length) return false;
  for (let i = 0; i < ac.length; i++) if (ac[i] !== bc[i]) return false;
  return true;
}

/**
 * Every signature the document ever held, in revision order. Reachable ones are read as of the newest revision;
 * one that a later update hid is read as of the last revision that still reached it and carries `hidden`. Never
 * throws for damaged data.
 */
export function findSignatures(doc: PdfDocument): FoundSignature[] {
  const last = doc.revisions.length - 1;
  const candidates: Candidate[] = [];
  const byObject = new Map<string, Candidate[]>();
  const budget = { left: MAX_FIELDS + MAX_HISTORY_VISITS };
  let targeted = false;
  // Newest first: it is always walked whole; older revisions while the budget lasts, then only those that sign.
  for (let rev = last; rev >= 0; rev--) {
    if (budget.left <= 0 && !targeted) {
      targeted = true;
      budget.left = MAX_HISTORY_VISITS;
    }
    if (targeted && (budget.left <= 0 || !definesSignature(doc, rev))) continue;
    const catalog = safe(() => doc.catalog(rev), undefined);
    const perms = safe(() => doc.getDict(catalog, 'Perms', rev), undefined);
    const docMdpRaw = perms?.get('DocMDP');
    const docMdpDict = safe(() => asDict(doc.resolve(docMdpRaw, rev)), undefined);
    for (const s of walkRevision(doc, rev, budget).sightings) {
      const found = describe(doc, s.sig, s.sigRef, s.fieldRef, s.field, s.name, docMdpRaw, docMdpDict, rev);
      const key = found.ref ? found.ref.key : 'direct';
      let bucket = byObject.get(key);
      if (!bucket) byObject.set(key, (bucket = []));
      const known = bucket.find((c) => sameSignature(c.found, found));
      if (!known) {
        const c = { found, lastSeen: rev };
        candidates.push(c);
        bucket.push(c);
      } else if (known.found.kind === 'approval' && found.kind === 'certification') known.found.kind = 'certification';
    }
  }
  const walks = new Map<number, ReturnType<typeof walkRevision> | undefined>();
  const walkAt = (rev: number) => {
    if (!walks.has(rev))
      walks.set(
        rev,
        safe(() => walkRevision(doc, rev, { left: MAX_FIELDS }), undefined),
      );
    return walks.get(rev);
  };
  for (const c of candidates) {
    if (c.lastSeen < last)
      c.found.hidden = {
        revision: c.lastSeen + 1,
        cause: hiddenCause(doc, c.found, c.lastSeen + 1, walkAt(c.lastSeen + 1)),
      };
    // Versions of one redefined dictionary: each belongs to the revision that defined what was read.
    const ref = c.found.ref;
    if (ref && (byObject.get(ref.key)?.length ?? 0) > 1)
      c.found.revision = safe(() => doc.entry(ref.num, c.lastSeen)?.revision, undefined) ?? c.found.revision;
  }
  return candidates
    .map((c, i) => ({ s: c.found, i }))
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

/** Why revision `rev` no longer reaches a signature the revision before it reached. */
function hiddenCause(
  doc: PdfDocument,
  s: FoundSignature,
  rev: number,
  walk: ReturnType<typeof walkRevision> | undefined,
): HiddenCause {
  if (walk && !walk.acroForm) return 'acroform-removed';
  const e = s.ref ? safe(() => doc.entry(s.ref!.num, rev), undefined) : undefined;
  if (s.ref && (!e || e.entry.type === 'free')) return 'signature-freed';
  if (walk && s.fieldRef) {
    if (!walk.fields.has(s.fieldRef.key)) return 'field-removed';
    const v = walk.fields.get(s.fieldRef.key);
    if (v === undefined || v === null) return 'value-removed';
    if (!(v instanceof PdfRef) || !s.ref || !v.equals(s.ref)) return 'value-replaced';
  }
  if (e && e.revision === rev) return 'signature-redefined';
  return 'unreachable';
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
  rev: number,
): FoundSignature {
  const get = (k: string): PdfObject | undefined => safe(() => doc.get(sig, k, rev), undefined);
  const type = text(get('Type'));
  const subFilter = text(get('SubFilter'));
  const brRaw = get('ByteRange');
  const byteRange = Array.isArray(brRaw) ? brRaw.map((v) => safe(() => doc.resolve(v, rev), undefined) ?? null) : null;
  const contentsRaw = sig.get('Contents');
  const contentsObj = get('Contents');
  const contents = contentsObj instanceof PdfString ? contentsObj.bytes : null;
  const contentsIndirect = contentsRaw instanceof PdfRef;
  const contentsSpan =
    contentsObj instanceof PdfString && !contentsIndirect && contentsObj.span ? { ...contentsObj.span } : null;

  let kind: SignatureKind = 'approval';
  if (type === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161') kind = 'doc-timestamp';
  else if (isCertification(doc, sig, ref, docMdpRaw, docMdpDict, rev)) kind = 'certification';

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
    hidden: null,
  };
}

function isCertification(
  doc: PdfDocument,
  sig: PdfDict,
  ref: PdfRef | null,
  docMdpRaw: PdfObject | undefined,
  docMdpDict: PdfDict | undefined,
  rev: number,
): boolean {
  if (docMdpRaw instanceof PdfRef && ref && docMdpRaw.equals(ref)) return true;
  if (docMdpDict && docMdpDict === sig) return true;
  const refs = safe(() => doc.get(sig, 'Reference', rev), undefined);
  if (Array.isArray(refs)) {
    for (const r of refs.slice(0, 32)) {
      const d = safe(() => asDict(doc.resolve(r, rev)), undefined);
      const tm = d ? safe(() => doc.get(d, 'TransformMethod', rev), undefined) : undefined;
      if (tm instanceof PdfName && tm.name === 'DocMDP') return true;
    }
  }
  return false;
}

/**
 * Signature dictionaries (a /ByteRange and a /Contents) among the objects no cross-reference section refers to: a
 * signed revision an update's /Prev skipped. At most 100 looked at.
 */
export function unreachedSignatures(doc: PdfDocument): { object: number; offset: number }[] {
  const out: { object: number; offset: number }[] = [];
  let unreferenced: ReturnType<PdfDocument['unreferencedObjects']>;
  try {
    unreferenced = doc.unreferencedObjects();
  } catch {
    return out;
  }
  for (const o of unreferenced.slice(0, 100)) {
    const v = safe(() => doc.objectAt(o.offset)?.value, undefined);
    if (v instanceof PdfDict && v.get('ByteRange') !== undefined && v.get('Contents') !== undefined)
      out.push({ object: o.num, offset: o.offset });
  }
  return out;
}
