/**
 * The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4) written as an incremental update:
 * /DSS with /Certs, /OCSPs and /CRLs arrays of streams and /VRI entries keyed by the uppercase hex SHA-1 of each
 * signature's /Contents bytes (the whole string, padding included, as EU DSS and pyHanko compute it). An existing
 * DSS is merged, never pruned: its streams and VRI entries stay, with the same references; data already there is
 * not written twice. The catalog also declares the ESIC developer extension (BaseVersion 1.7, level 1), as
 * pyHanko does, unless the file is PDF 2.0 (where the DSS is part of the standard) or already declares it.
 */
import { createHash } from 'node:crypto';
import {
  deflate,
  PdfDict,
  PdfName,
  PdfRef,
  PdfStream,
  type IncrementalUpdate,
  type IncrementalWriter,
  type PdfDocument,
  type PdfObject,
} from '@kyso/pdf';
import type { VriEntry } from './gather.js';

export interface DssContent {
  certificates: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  vri: Map<string, VriEntry>;
}

const KEYS = { certificates: ['Certs', 'Cert'], ocsps: ['OCSPs', 'OCSP'], crls: ['CRLs', 'CRL'] } as const;
type Kind = keyof typeof KEYS;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The /VRI key of a signature: uppercase hex SHA-1 of its /Contents bytes. */
export function vriKey(contents: Uint8Array): string {
  return createHash('sha1').update(contents).digest('hex').toUpperCase();
}

/** Streams already in the DSS, by the SHA-256 of their decoded data. */
function existingStreams(doc: PdfDocument, arr: PdfObject | undefined): Map<string, PdfRef> {
  const out = new Map<string, PdfRef>();
  const list = doc.resolve(arr);
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (!(item instanceof PdfRef)) continue;
    try {
      const s = doc.resolve(item);
      if (s instanceof PdfStream) out.set(sha256(doc.decode(s, 64 << 20)), item);
    } catch {
      /* an unreadable stream is kept as it is, just not matched */
    }
  }
  return out;
}

/** Adds the DSS (merged with any existing one) to `w`; returns whether anything new was written. */
export function addDss(doc: PdfDocument, w: IncrementalWriter, content: DssContent): boolean {
  const catalogRef = doc.trailer.get('Root') as PdfRef;
  const catalog = (doc.catalog() as PdfDict).clone();
  const dssRaw = catalog.get('DSS');
  const dss = (doc.getDict(catalog, 'DSS') ?? new PdfDict()).clone();
  if (!dss.has('Type')) dss.set('Type', PdfName.of('DSS'));
  let changed = false;

  const refs: Record<Kind, Map<string, PdfRef>> = { certificates: new Map(), ocsps: new Map(), crls: new Map() };
  for (const kind of Object.keys(KEYS) as Kind[]) {
    const key = KEYS[kind][0];
    const known = existingStreams(doc, dss.get(key));
    refs[kind] = known;
    const fresh: PdfRef[] = [];
    for (const der of content[kind]) {
      const id = sha256(der);
      if (known.has(id)) continue;
      const ref = w.add(PdfStream.fromBytes(new PdfDict({ Filter: PdfName.of('FlateDecode') }), deflate(der)));
      known.set(id, ref);
      fresh.push(ref);
    }
    if (fresh.length === 0) continue;
    changed = true;
    const raw = dss.get(key);
    const current = doc.resolve(raw);
    const merged = [...(Array.isArray(current) ? current : []), ...fresh];
    // An indirect array stays indirect (same object, new revision); a direct one is rewritten in place.
    if (raw instanceof PdfRef) w.set(raw, merged);
    else dss.set(key, merged);
  }

  if (content.vri.size > 0) {
    const vriRaw = dss.get('VRI');
    const vri = (doc.getDict(dss, 'VRI') ?? new PdfDict()).clone();
    for (const [key, entry] of content.vri) {
      const name = key.toUpperCase();
      const old = doc.resolve(vri.get(name));
      const e = old instanceof PdfDict ? old.clone() : new PdfDict();
      for (const kind of Object.keys(KEYS) as Kind[]) {
        const k = KEYS[kind][1];
        const have = doc.resolve(e.get(k));
        const list: PdfObject[] = Array.isArray(have) ? [...have] : [];
        for (const der of entry[kind]) {
          const ref = refs[kind].get(sha256(der));
          if (ref && !list.some((x) => x instanceof PdfRef && x.equals(ref))) list.push(ref);
        }
        if (list.length > 0) e.set(k, list);
      }
      const oldRef = vri.get(name);
      if (oldRef instanceof PdfRef) w.set(oldRef, e);
      else vri.set(name, e);
      changed = true;
    }
    if (vriRaw instanceof PdfRef) w.set(vriRaw, vri);
    else dss.set('VRI', vri);
  }

  if (!changed) return false;
  let catalogChanged = false;
  if (dssRaw instanceof PdfRef) {
    w.set(dssRaw, dss);
  } else {
    catalog.set('DSS', w.add(dss));
    catalogChanged = true;
  }
  if (declareEsic(doc, w, catalog)) catalogChanged = true;
  if (catalogChanged) w.set(catalogRef, catalog);
  return true;
}

/** Returns whether the catalog itself changed. */
function declareEsic(doc: PdfDocument, w: IncrementalWriter, catalog: PdfDict): boolean {
  if (Number.parseFloat(doc.version) >= 2) return false;
  const raw = catalog.get('Extensions');
  const ext = doc.getDict(catalog, 'Extensions');
  if (ext?.has('ESIC')) return false;
  const copy = ext ? ext.clone() : new PdfDict();
  copy.set('ESIC', new PdfDict({ BaseVersion: PdfName.of('1.7'), ExtensionLevel: 1 }));
  if (raw instanceof PdfRef) {
    w.set(raw, copy);
    return false;
  }
  catalog.set('Extensions', copy);
  return true;
}

/** The DSS as one incremental update (undefined when everything is already there). */
export function buildDssUpdate(doc: PdfDocument, content: DssContent): IncrementalUpdate | undefined {
  const w = doc.update();
  return addDss(doc, w, content) ? w.build() : undefined;
}
