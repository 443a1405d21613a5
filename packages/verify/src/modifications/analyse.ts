/**
 * Modification analysis for one signature: every change made by revisions after the one it signs, classified by
 * the whitelisting rules, plus the incremental-saving facts (bytes after the last %%EOF, objects no xref refers to).
 */
import { PdfRef, type PdfDocument } from '@kyso/pdf';
import { changesAfter, RefIndex } from './diff.js';
import {
  type Classification,
  classify,
  classifyEncryption,
  classifyRootSwitch,
  levelRank,
  maxLevel,
  permittedLevel,
  type ModificationLevel,
} from './rules.js';
import {
  contentClosure,
  describeAnomaly,
  describeDifference,
  readingDifferences,
  xrefAnomalies,
  type ContentClosure,
  type ReadingDifference,
  type XrefAnomaly,
} from './readings.js';

export interface ModificationChange {
  revision: number;
  object: number;
  /** What the rule engine recognised (e.g. 'dss', 'catalog', 'page-content', 'signature-field-added'). */
  kind: string;
  /** 'new' | 'replaced' | 'freed'. */
  change: 'new' | 'replaced' | 'freed';
  level: ModificationLevel;
  allowed: boolean;
  reason: string;
}

export interface ModificationAnalysis {
  /** The highest level among the changes ('NONE' when nothing changed). */
  level: ModificationLevel;
  /** NONE: no later revision; ALLOWED: all changes permitted; DISALLOWED: anything else (incl. incremental-saving facts). */
  verdict: 'NONE' | 'ALLOWED' | 'DISALLOWED';
  /** The highest level the document's DocMDP permits. */
  permitted: ModificationLevel;
  changes: ModificationChange[];
  /** Non-whitespace bytes after the last %%EOF (null when none). */
  trailingBytes: { offset: number; length: number } | null;
  /** Objects in revisions after the signed one that no cross-reference section refers to. */
  unreferencedObjects: { num: number; gen: number; offset: number; revision: number }[];
  /**
   * Cross-reference entries anywhere in the file whose bytes carry another object's header (or none): structural
   * anomalies. In a revision after the signed one each is a disallowed change ('xref-entry-mismatch').
   */
  xrefAnomalies: XrefAnomaly[];
  /**
   * Content-bearing objects of the signed revision itself that viewers read differently (the offset versus a scan
   * for the last "n g obj"): the signed bytes show different pages in different viewers.
   */
  signedReadings: ReadingDifference[];
  /** Why the analysis could not be completed (a traversal bound, an unreadable object); any → DISALLOWED. */
  incomplete: string[];
}

export interface AnalyseOptions {
  /** DocMDP P of the certifying signature; undefined for a document without certification. */
  docMdp?: 1 | 2 | 3;
  /** Fully qualified names of fields locked by FieldMDP of signatures applied so far. */
  lockedFields?: Iterable<string>;
}

export function analyseModifications(
  doc: PdfDocument,
  signedRevision: number,
  options: AnalyseOptions = {},
): ModificationAnalysis {
  const permitted = permittedLevel(options.docMdp);
  const lockedFields = new Set(options.lockedFields ?? []);
  const changes: ModificationChange[] = [];
  let level: ModificationLevel = 'NONE';
  const indexes = new Map<number, RefIndex>();
  const index = (rev: number): RefIndex => {
    let i = indexes.get(rev);
    if (!i) indexes.set(rev, (i = new RefIndex(doc, rev)));
    return i;
  };
  const incomplete: string[] = [];
  const all = changesAfter(doc, signedRevision);
  for (const ch of all)
    if (ch.unreadable) incomplete.push(`revision ${ch.revision}, object ${ch.object}: ${ch.unreadable}`);
  for (let k = signedRevision + 1; k < doc.revisions.length; k++) {
    const revChanges = all.filter((ch) => ch.revision === k);
    const ctx = {
      doc,
      revision: k,
      before: index(k - 1),
      after: index(k),
      changed: new Set(revChanges.map((ch) => ch.object)),
      lockedFields,
    };
    for (const [state, i] of [
      [k - 1, ctx.before],
      [k, ctx.after],
    ] as const) {
      if (!i.complete) incomplete.push(`revision ${state}: the reference index is incomplete (${i.incompleteReason})`);
    }
    const record = (object: number, change: ModificationChange['change'], cl: Classification): void => {
      level = maxLevel(level, cl.level);
      const allowed = levelRank(cl.level) <= levelRank(permitted);
      changes.push({ revision: k, object, kind: cl.kind, change, level: cl.level, allowed, reason: cl.reason });
    };
    for (const ch of revChanges)
      record(
        ch.object,
        ch.change,
        judged('analyse', () => classify(ctx, ch)),
      );
    const root = doc.revision(k).trailer.get('Root');
    const switched = judged('analyse the trailer /Root', () => classifyRootSwitch(ctx));
    if (switched && root instanceof PdfRef) record(root.num, 'replaced', switched);
    // never permitted: its level is OTHER
    const encryption = judged('compare the trailer /Encrypt', () => classifyEncryption(ctx));
    const enc = doc.revision(k).trailer.get('Encrypt') ?? doc.revision(k - 1).trailer.get('Encrypt');
    if (encryption) record(enc instanceof PdfRef ? enc.num : 0, 'replaced', encryption);
    indexes.delete(k - 1);
  }
  const tb = doc.trailingBytes();
  const trailingBytes = tb && !tb.whitespaceOnly ? { offset: tb.offset, length: tb.length } : null;
  let unreferencedObjects: ModificationAnalysis['unreferencedObjects'] = [];
  const later = signedRevision < doc.revisions.length - 1;
  try {
    unreferencedObjects = doc.unreferencedObjects().filter((o) => o.revision > signedRevision);
  } catch (e) {
    if (later) incomplete.push(`objects outside the cross-reference data could not be looked for: ${message(e)}`);
  }
  const swaps = objectSwaps(doc, signedRevision, incomplete);
  if (later) swaps.changes.push(...hiddenObjects(doc, signedRevision, incomplete));
  const bad =
    changes.some((ch) => !ch.allowed) ||
    swaps.changes.length > 0 ||
    trailingBytes !== null ||
    unreferencedObjects.length > 0 ||
    incomplete.length > 0;
  const verdict = bad ? 'DISALLOWED' : later ? 'ALLOWED' : 'NONE';
  for (const ch of swaps.changes) level = maxLevel(level, ch.level);
  return {
    level,
    verdict,
    permitted,
    // an object swap is what happened, whatever else the update did: it is named first
    changes: [...swaps.changes, ...changes],
    trailingBytes,
    unreferencedObjects,
    xrefAnomalies: swaps.anomalies,
    signedReadings: swaps.signedReadings,
    incomplete,
  };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Marks only a scan finds after the signed revision (PdfDocument.hiddenAfter): the forged page or /Root of a repair
 * attack, whatever makes a viewer rebuild. Each is a disallowed change.
 */
function hiddenObjects(doc: PdfDocument, signedRevision: number, incomplete: string[]): ModificationChange[] {
  try {
    return doc.hiddenAfter(doc.revision(signedRevision).end).map((m) => {
      const revision = doc.revisions.findIndex((r) => m.offset < r.end);
      const what =
        m.kind === 'trailer'
          ? 'is a trailer'
          : m.kind === 'compressed'
            ? 'is an object an object stream lists'
            : 'is an object header';
      return {
        revision: revision < 0 ? doc.revisions.length - 1 : revision,
        object: Number.isNaN(m.num) ? 0 : m.num,
        kind: 'hidden-object',
        change: 'new',
        level: 'OTHER',
        allowed: false,
        reason: `"${m.text}" at offset ${m.offset} ${what} no cross-reference entry accounts for: a viewer that rebuilds the table by scanning takes it`,
      };
    });
  } catch (e) {
    incomplete.push(`the bytes after the signed revision could not be searched for hidden objects: ${message(e)}`);
    return [];
  }
}

/** A rule's classification, or an unreadable change (disallowed) when the rule could not read what it needs. */
function judged<T extends Classification | undefined>(what: string, rule: () => T): T | Classification {
  try {
    return rule();
  } catch (e) {
    return { kind: 'unreadable', level: 'OTHER', reason: `could not ${what}: ${message(e)}` };
  }
}

/** Each state's readings, once per document: every signature of a file asks for the same states. */
const readStates = new WeakMap<PdfDocument, Map<number, { complete: boolean; diffs: ReadingDifference[] | string }>>();

function readState(doc: PdfDocument, rev: number): { complete: boolean; diffs: ReadingDifference[] | string } {
  let states = readStates.get(doc);
  if (!states) readStates.set(doc, (states = new Map()));
  let state = states.get(rev);
  if (!state) {
    let closure: ContentClosure = { objects: new Map(), complete: false };
    let diffs: ReadingDifference[] | string;
    try {
      closure = contentClosure(doc, rev);
      diffs = readingDifferences(doc, rev, closure);
    } catch (e) {
      diffs = message(e);
    }
    states.set(rev, (state = { complete: closure.complete, diffs }));
  }
  return state;
}

/**
 * Object swaps, judged by every reading a common viewer makes. A cross-reference entry in a revision after the
 * signed one whose bytes carry another header is a disallowed change whatever it points at; and whenever the file
 * has such entries (or an update uses generations above 0, or a viewer would not find the newest cross-reference
 * data and would rebuild it by scanning), the content-bearing objects of the signed revision and of each later
 * state are read by following the offsets, by scanning and with generations honoured: a
 * content-bearing object that reads differently is named. In the signed revision itself that is reported as
 * signedReadings (the verdict policy decides).
 */
function objectSwaps(
  doc: PdfDocument,
  signedRevision: number,
  incomplete: string[],
): { changes: ModificationChange[]; anomalies: XrefAnomaly[]; signedReadings: ReadingDifference[] } {
  const changes: ModificationChange[] = [];
  let anomalies: XrefAnomaly[];
  try {
    anomalies = xrefAnomalies(doc);
  } catch (e) {
    incomplete.push(`object headers could not be checked: ${message(e)}`);
    return { changes, anomalies: [], signedReadings: [] };
  }
  const swap = (revision: number, object: number, kind: string, reason: string): ModificationChange => ({
    revision,
    object,
    kind,
    change: 'replaced',
    level: 'OTHER',
    allowed: false,
    reason,
  });
  const mismatches: ModificationChange[] = [];
  for (const a of anomalies)
    if (a.revision > signedRevision)
      mismatches.push(swap(a.revision, a.object, 'xref-entry-mismatch', `object swap: ${describeAnomaly(a)}`));
  // A hybrid update whose table frees an object its /XRefStm keeps: removed for the viewers that let the table win.
  for (const c of doc.hybridConflicts())
    if (c.revision > signedRevision)
      mismatches.push(
        swap(
          c.revision,
          c.num,
          'xref-hybrid-conflict',
          `object swap: revision ${c.revision}'s cross-reference table frees object ${c.num} while its /XRefStm keeps it: a viewer that takes the table's entry no longer shows it`,
        ),
      );
  // Entries of another generation in an update can redefine what a "n 0 R" shows for some viewers only.
  const regenerated = doc.revisions
    .slice(signedRevision + 1)
    .some((r) => [...r.entries.values()].some((e) => e.type === 'offset' && e.gen > 0));
  // A viewer that cannot find the newest cross-reference data where it looks rebuilds the table by scanning: then
  // what the file shows is whatever the last "n g obj" of each object is, the signed revision's bytes included
  // (a duplicate the signer never saw, an object hidden in a later update's stream data).
  let repair: string | null;
  try {
    repair = doc.viewerRepairReason();
  } catch (e) {
    repair = `the end of the file could not be read: ${message(e)}`;
  }
  if (anomalies.length === 0 && !regenerated && repair === null)
    return { changes: mismatches, anomalies, signedReadings: [] };

  const reported = new Set<string>();
  let signedReadings: ReadingDifference[] = [];
  // a repair shows every state from the signed one on; an anomaly, the states from its revision on
  let first = signedRevision + 1;
  if (repair !== null) first = signedRevision;
  else if (anomalies.length > 0) first = Math.max(signedRevision, Math.min(...anomalies.map((a) => a.revision)));
  for (let rev = first; rev < doc.revisions.length; rev++) {
    // What this state shows by kyso's reading: if every object of it reads the same each way, every viewer shows
    // the same (what changed from the signed revision by kyso's reading is the rules' part).
    const state = readState(doc, rev);
    if (!state.complete)
      incomplete.push(`revision ${rev}: the content-bearing objects could not all be read (bound reached)`);
    if (typeof state.diffs === 'string') {
      incomplete.push(`revision ${rev}: the objects could not be read each way: ${state.diffs}`);
      continue;
    }
    const diffs = state.diffs;
    if (rev === signedRevision) {
      signedReadings = diffs;
      for (const d of diffs) reported.add(`${d.object} ${d.reading}`);
      continue;
    }
    for (const d of diffs) {
      const key = `${d.object} ${d.reading}`;
      if (reported.has(key)) continue;
      reported.add(key);
      changes.push(swap(rev, d.object, 'object-swap', describeDifference(d)));
    }
  }
  return { changes: [...changes, ...mismatches], anomalies, signedReadings };
}
