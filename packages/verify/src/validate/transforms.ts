/**
 * The modification permissions a signature sets: DocMDP (certification level P, from the signature's /Reference or
 * /Perms) and FieldMDP (fields locked, from /Reference or the field's /Lock dictionary). Facts only.
 */
import { PdfDict, PdfName, PdfStream, PdfString, stringText, type PdfDocument, type PdfObject } from '@kyso/pdf';
import type { FoundSignature } from '../signature/index.js';

export interface SignatureTransforms {
  /** DocMDP P (1: no changes, 2: form filling and signing, 3: also annotations); undefined when not certifying. */
  docMdp: 1 | 2 | 3 | undefined;
  /** Fields this signature locks: 'All', a list of names, or 'AllExcept' a list; null when none. */
  fieldLock: { action: 'All' } | { action: 'Include' | 'Exclude'; fields: string[] } | null;
}

const MAX_REFERENCES = 32;

function dictOf(o: PdfObject | undefined): PdfDict | undefined {
  return o instanceof PdfDict ? o : o instanceof PdfStream ? o.dict : undefined;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function lockOf(doc: PdfDocument, params: PdfDict | undefined): SignatureTransforms['fieldLock'] {
  if (!params) return null;
  const action = safe(() => doc.resolve(params.get('Action')), undefined);
  if (!(action instanceof PdfName)) return null;
  if (action.name === 'All') return { action: 'All' };
  if (action.name !== 'Include' && action.name !== 'Exclude') return null;
  const raw = safe(() => doc.resolve(params.get('Fields')), undefined);
  const fields = Array.isArray(raw)
    ? raw
        .map((x) => safe(() => doc.resolve(x), undefined))
        .filter((x): x is PdfString => x instanceof PdfString)
        .map(stringText)
    : [];
  return { action: action.name, fields };
}

export function signatureTransforms(doc: PdfDocument, sig: FoundSignature): SignatureTransforms {
  const out: SignatureTransforms = { docMdp: undefined, fieldLock: null };
  const refs = safe(() => doc.resolve(sig.dict.get('Reference')), undefined);
  for (const r of Array.isArray(refs) ? refs.slice(0, MAX_REFERENCES) : []) {
    const sr = dictOf(safe(() => doc.resolve(r), undefined));
    if (!sr) continue;
    const method = safe(() => doc.resolve(sr.get('TransformMethod')), undefined);
    const params = dictOf(safe(() => doc.resolve(sr.get('TransformParams')), undefined));
    if (method instanceof PdfName && method.name === 'DocMDP') {
      const p = params ? safe(() => doc.resolve(params.get('P')), undefined) : undefined;
      out.docMdp = p === 1 || p === 3 ? p : 2; // ISO 32000-1 12.8.2.2: P defaults to 2
    } else if (method instanceof PdfName && method.name === 'FieldMDP') {
      out.fieldLock = lockOf(doc, params) ?? out.fieldLock;
    }
  }
  if (out.docMdp === undefined && sig.kind === 'certification') out.docMdp = 2;
  if (!out.fieldLock && sig.fieldRef) {
    const field = dictOf(safe(() => doc.resolve(sig.fieldRef ?? undefined), undefined));
    const lock = field ? dictOf(safe(() => doc.resolve(field.get('Lock')), undefined)) : undefined;
    out.fieldLock = lockOf(doc, lock);
  }
  return out;
}

/** The names locked by a set of field locks, given every field name the document has. */
export function lockedFieldNames(locks: SignatureTransforms['fieldLock'][], allFields: readonly string[]): Set<string> {
  const locked = new Set<string>();
  for (const l of locks) {
    if (!l) continue;
    if (l.action === 'All') allFields.forEach((n) => locked.add(n));
    else if (l.action === 'Include') l.fields.forEach((n) => locked.add(n));
    else allFields.filter((n) => !l.fields.includes(n)).forEach((n) => locked.add(n));
  }
  return locked;
}

const MAX_FIELDS = 10_000;

/** Every fully qualified field name of the AcroForm (as of a revision), cycles and excess cut. */
export function allFieldNames(doc: PdfDocument, rev = doc.revisions.length - 1): string[] {
  const names: string[] = [];
  const seen = new Set<PdfObject>();
  const walk = (arr: PdfObject | undefined, prefix: string, depth: number): void => {
    const a = safe(() => doc.resolve(arr, rev), undefined);
    if (!Array.isArray(a) || depth > 32) return;
    for (const k of a) {
      if (names.length >= MAX_FIELDS) return;
      const f = dictOf(safe(() => doc.resolve(k, rev), undefined));
      if (!f || seen.has(f)) continue;
      seen.add(f);
      const t = safe(() => doc.resolve(f.get('T'), rev), undefined);
      const name = t instanceof PdfString ? (prefix ? `${prefix}.` : '') + stringText(t) : prefix;
      if (name && !names.includes(name)) names.push(name);
      walk(f.get('Kids'), name, depth + 1);
    }
  };
  const catalog = safe(() => doc.catalog(), undefined);
  const acro = catalog ? safe(() => doc.getDict(catalog, 'AcroForm', rev), undefined) : undefined;
  if (acro) walk(acro.get('Fields'), '', 0);
  return names;
}
