/**
 * The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4) as of one revision: /Certs, /OCSPs,
 * /CRLs (arrays of streams, the arrays themselves possibly indirect) and /VRI entries keyed by the uppercase hex
 * SHA-1 of a signature's /Contents, each with its own /Cert, /OCSP, /CRL, /TU and /TS. Never throws.
 */
import { PdfDict, PdfStream, PdfString, latin1, type PdfDocument, type PdfObject } from '@kyso/pdf';
import type { EvidenceProblem } from './messages.js';

export interface VriFacts {
  /** The key as written (should be 40 uppercase hex digits). */
  key: string;
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  /** /TU: when the VRI entry was made, as written (a PDF date string). */
  tu?: string;
  /** /TS: a timestamp token over the entry's data, when present. */
  ts?: Uint8Array;
}

export interface DssFacts {
  revision: number;
  present: boolean;
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  vri: VriFacts[];
  problems: EvidenceProblem[];
}

export const DSS_LIMITS = {
  /** Items read per array. */
  maxItems: 10_000,
  /** Decoded bytes per item. */
  maxItemBytes: 16 << 20,
  /** VRI entries read. */
  maxVriEntries: 10_000,
};

/** Reads the DSS as of revision `revision` (default: the newest). */
export function readDss(doc: PdfDocument, revision = doc.revisions.length - 1): DssFacts {
  const facts: DssFacts = { revision, present: false, certs: [], ocsps: [], crls: [], vri: [], problems: [] };
  const problem = (code: EvidenceProblem) => {
    if (!facts.problems.includes(code)) facts.problems.push(code);
  };
  const resolve = (o: PdfObject | undefined): PdfObject | undefined => {
    try {
      return doc.resolve(o, revision);
    } catch {
      return undefined;
    }
  };
  const catalog = safe(() => doc.catalog(revision));
  const raw = catalog?.get('DSS');
  if (raw === undefined) return facts;
  const dss = asDict(resolve(raw));
  if (!dss) {
    if (resolve(raw) !== undefined && resolve(raw) !== null) problem('DSS_NOT_DICTIONARY');
    return facts;
  }
  facts.present = true;

  const streams = (dict: PdfDict, key: string): Uint8Array[] => {
    const value = resolve(dict.get(key));
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      problem('DSS_ENTRY_NOT_ARRAY');
      return [];
    }
    if (value.length > DSS_LIMITS.maxItems) problem('EVIDENCE_LIMIT');
    const out: Uint8Array[] = [];
    for (const item of value.slice(0, DSS_LIMITS.maxItems)) {
      const bytes = streamBytes(item);
      if (bytes) out.push(bytes);
    }
    return out;
  };
  const streamBytes = (item: PdfObject | undefined): Uint8Array | undefined => {
    const stream = resolve(item);
    if (!(stream instanceof PdfStream)) {
      problem('DSS_ITEM_NOT_STREAM');
      return undefined;
    }
    try {
      return doc.decode(stream, DSS_LIMITS.maxItemBytes);
    } catch {
      problem('DSS_STREAM_UNREADABLE');
      return undefined;
    }
  };

  facts.certs = streams(dss, 'Certs');
  facts.ocsps = streams(dss, 'OCSPs');
  facts.crls = streams(dss, 'CRLs');

  const vriRaw = dss.get('VRI');
  if (vriRaw !== undefined) {
    const vri = asDict(resolve(vriRaw));
    if (!vri) problem('VRI_NOT_DICTIONARY');
    else {
      let n = 0;
      for (const [rawKey, value] of vri.map) {
        if (++n > DSS_LIMITS.maxVriEntries) {
          problem('EVIDENCE_LIMIT');
          break;
        }
        const entry = asDict(resolve(value));
        if (!entry) {
          problem('VRI_NOT_DICTIONARY');
          continue;
        }
        const key = rawKey; // name keys are kept as latin1 text
        if (!/^[0-9A-F]{40}$/.test(key)) problem('VRI_KEY_NOT_SHA1');
        const v: VriFacts = {
          key,
          certs: streams(entry, 'Cert'),
          ocsps: streams(entry, 'OCSP'),
          crls: streams(entry, 'CRL'),
        };
        const tu = resolve(entry.get('TU'));
        if (tu instanceof PdfString) v.tu = latin1(tu.bytes);
        if (entry.get('TS') !== undefined) {
          const ts = streamBytes(entry.get('TS'));
          if (ts) v.ts = ts;
        }
        facts.vri.push(v);
      }
    }
  }
  return facts;
}

function asDict(o: PdfObject | undefined): PdfDict | undefined {
  return o instanceof PdfDict ? o : o instanceof PdfStream ? o.dict : undefined;
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
