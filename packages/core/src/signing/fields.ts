/** Finding signature fields in a document's AcroForm, and what earlier signatures allow. */
import { PdfDict, PdfRef, PdfString, stringText, type PdfDocument, type PdfObject } from '@kyso/pdf';

export interface FieldInfo {
  ref: PdfRef;
  dict: PdfDict;
  /** Fully qualified name (parents' /T joined with dots). */
  name: string;
  type: string | undefined;
  /** The widget annotations of the field (the field itself when merged). */
  widgets: { ref: PdfRef; dict: PdfDict }[];
  signed: boolean;
}

/** Every terminal field of the AcroForm, depth-first, cycles cut. */
export function listFields(doc: PdfDocument): FieldInfo[] {
  const out: FieldInfo[] = [];
  const acro = doc.getDict(doc.catalog(), 'AcroForm');
  const fields = doc.resolve(acro?.get('Fields'));
  if (!Array.isArray(fields)) return out;
  const seen = new Set<string>();
  const walk = (ref: PdfObject, prefix: string, inheritedType: string | undefined, depth: number): void => {
    if (!(ref instanceof PdfRef) || seen.has(ref.key) || depth > 32) return;
    seen.add(ref.key);
    const d = doc.resolve(ref);
    if (!(d instanceof PdfDict)) return;
    const t = d.get('T');
    const part = t instanceof PdfString ? stringText(t) : undefined;
    const name = part === undefined ? prefix : prefix ? `${prefix}.${part}` : part;
    const type = d.getName('FT') ?? inheritedType;
    const kids = doc.resolve(d.get('Kids'));
    const kidFields = Array.isArray(kids)
      ? kids.filter((k) => {
          const kd = doc.resolve(k);
          return kd instanceof PdfDict && kd.has('T');
        })
      : [];
    if (kidFields.length > 0) {
      for (const k of kidFields) walk(k, name, type, depth + 1);
      return;
    }
    const widgets: { ref: PdfRef; dict: PdfDict }[] = [];
    if (Array.isArray(kids) && kids.length > 0) {
      for (const k of kids) {
        const kd = doc.resolve(k);
        if (k instanceof PdfRef && kd instanceof PdfDict) widgets.push({ ref: k, dict: kd });
      }
    } else if (d.getName('Subtype') === 'Widget' || d.has('Rect')) widgets.push({ ref, dict: d });
    const v = d.get('V');
    out.push({ ref, dict: d, name, type, widgets, signed: v !== undefined && v !== null });
  };
  for (const f of fields) walk(f, '', undefined, 0);
  return out;
}

/** The DocMDP permission level set by a certification signature, if any (1, 2 or 3). */
export function docMdpLevel(doc: PdfDocument): number | undefined {
  const perms = doc.getDict(doc.catalog(), 'Perms');
  const sig = doc.getDict(perms, 'DocMDP');
  if (!sig) return undefined;
  const refs = doc.resolve(sig.get('Reference'));
  if (!Array.isArray(refs)) return 2;
  for (const r of refs) {
    const rd = doc.resolve(r);
    if (rd instanceof PdfDict && rd.getName('TransformMethod') === 'DocMDP') {
      const p = doc.resolve(doc.getDict(rd, 'TransformParams')?.get('P'));
      return typeof p === 'number' && p >= 1 && p <= 3 ? p : 2;
    }
  }
  return 2;
}

/** Names of fields that signed fields lock through FieldMDP (/Lock on the field or the signature's /Reference). */
export function lockedFields(doc: PdfDocument, fields: FieldInfo[]): { all: boolean; names: Set<string> } {
  const names = new Set<string>();
  let all = false;
  const allNames = fields.map((f) => f.name);
  for (const f of fields) {
    if (!f.signed || f.type !== 'Sig') continue;
    const sig = doc.getDict(f.dict, 'V');
    const params: PdfDict[] = [];
    const refs = doc.resolve(sig?.get('Reference'));
    if (Array.isArray(refs)) {
      for (const r of refs) {
        const rd = doc.resolve(r);
        if (rd instanceof PdfDict && rd.getName('TransformMethod') === 'FieldMDP') {
          const tp = doc.getDict(rd, 'TransformParams');
          if (tp) params.push(tp);
        }
      }
    }
    const lock = doc.getDict(f.dict, 'Lock');
    if (lock) params.push(lock);
    for (const p of params) {
      const action = p.getName('Action');
      const listed = doc.resolve(p.get('Fields'));
      const list = Array.isArray(listed)
        ? listed.filter((x): x is PdfString => x instanceof PdfString).map(stringText)
        : [];
      if (action === 'All') all = true;
      else if (action === 'Include') list.forEach((n) => names.add(n));
      else if (action === 'Exclude') allNames.filter((n) => !list.includes(n)).forEach((n) => names.add(n));
    }
  }
  return { all, names };
}
